"""What happens when you call: confidentiality, who answers, police, immigration, anonymity, calls from abroad.

Revision ID: 0002_when_you_call
Revises: 0001_initial
Create Date: 2026-12-06

Every new column is nullable: NULL means the published source does not say. The allowed answers are written out
here rather than imported, for the same reason as in 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_when_you_call"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

ANSWERED_BY = ("ngo", "government", "police", "other")
POLICE = ("is_police", "sends_police", "with_consent", "passes_reports")
IMMIGRATION = ("not_involved",)
FLAGS = ("confidential", "anonymous", "from_abroad", "interpreters")
CHOICES = {"answered_by": ANSWERED_BY, "police": POLICE, "immigration": IMMIGRATION}


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        for flag in FLAGS:
            batch.add_column(sa.Column(flag, sa.Boolean(), nullable=True))
        for column, values in CHOICES.items():
            batch.add_column(sa.Column(column, sa.String(20), nullable=True))
            batch.create_check_constraint(f"ck_organisations_known_{column}", _in(column, values))


def downgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        for column in CHOICES:
            batch.drop_constraint(f"ck_organisations_known_{column}", type_="check")
            batch.drop_column(column)
        for flag in FLAGS:
            batch.drop_column(flag)
