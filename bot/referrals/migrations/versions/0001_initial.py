"""Initial referral directory: countries, organisations, their needs, languages, contacts and sources.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-25

The allowed needs and contact kinds are written out here rather than imported, so this migration keeps creating
the same schema even after the vocabulary grows (a later migration then widens the check constraints).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

NEEDS = (
    "emergency",
    "trafficking_hotline",
    "child_protection",
    "migrant_assistance",
    "legal_aid",
    "shelter",
    "psychosocial",
    "consular",
)
CONTACT_KINDS = ("phone", "sms", "whatsapp", "web", "email", "app", "tty")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "countries",
        sa.Column("code", sa.String(3), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_countries"),
    )
    op.create_table(
        "country_names",
        sa.Column("country_code", sa.String(3), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_code"],
            ["countries.code"],
            ondelete="CASCADE",
            name="fk_country_names_country_code_countries",
        ),
        sa.PrimaryKeyConstraint("country_code", "language", name="pk_country_names"),
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(80), nullable=False),
        sa.Column("country_code", sa.String(3), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("hours", sa.String(300), nullable=True),
        sa.Column("free", sa.Boolean(), nullable=True),
        sa.Column("always_open", sa.Boolean(), nullable=True),
        sa.Column("verified_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_code"],
            ["countries.code"],
            ondelete="CASCADE",
            name="fk_organisations_country_code_countries",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_organisations"),
    )
    op.create_index("ix_organisations_country_code", "organisations", ["country_code"])
    op.create_table(
        "organisation_descriptions",
        sa.Column("organisation_id", sa.String(80), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            ondelete="CASCADE",
            name="fk_organisation_descriptions_organisation_id_organisations",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "language", name="pk_organisation_descriptions"),
    )
    op.create_table(
        "organisation_needs",
        sa.Column("organisation_id", sa.String(80), nullable=False),
        sa.Column("need", sa.String(40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(_in("need", NEEDS), name="ck_organisation_needs_known_need"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            ondelete="CASCADE",
            name="fk_organisation_needs_organisation_id_organisations",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "need", name="pk_organisation_needs"),
    )
    op.create_table(
        "organisation_languages",
        sa.Column("organisation_id", sa.String(80), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            ondelete="CASCADE",
            name="fk_organisation_languages_organisation_id_organisations",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "language", name="pk_organisation_languages"),
    )
    op.create_table(
        "contact_points",
        sa.Column("organisation_id", sa.String(80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("value", sa.String(300), nullable=False),
        sa.CheckConstraint(_in("kind", CONTACT_KINDS), name="ck_contact_points_known_kind"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            ondelete="CASCADE",
            name="fk_contact_points_organisation_id_organisations",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "position", name="pk_contact_points"),
    )
    op.create_table(
        "sources",
        sa.Column("organisation_id", sa.String(80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            ondelete="CASCADE",
            name="fk_sources_organisation_id_organisations",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "position", name="pk_sources"),
    )


def downgrade() -> None:
    for table in (
        "sources",
        "contact_points",
        "organisation_languages",
        "organisation_needs",
        "organisation_descriptions",
    ):
        op.drop_table(table)
    op.drop_index("ix_organisations_country_code", table_name="organisations")
    op.drop_table("organisations")
    op.drop_table("country_names")
    op.drop_table("countries")
