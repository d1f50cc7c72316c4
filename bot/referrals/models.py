"""Database tables of the referral directory (SQLAlchemy 1.4, written in the 2.0 style).

Why child tables use (organisation_id, position) as their key instead of an autoincrement id: importing the same
seed files twice must give exactly the same rows, and an entry's contacts keep the order the maintainer chose
(the first number is the one shown first).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
)
from sqlalchemy.orm import declarative_base, relationship

from bot.referrals.vocab import ANSWERED_BY, CONTACT_KINDS, IMMIGRATION, NEEDS, POLICE

# Named constraints, so Alembic can alter them later on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Country(Base):
    __tablename__ = "countries"

    code = Column(String(3), primary_key=True)  # ISO 3166-1 alpha-2, or INT
    names = relationship(
        "CountryName", cascade="all, delete-orphan", passive_deletes=True, order_by="CountryName.language"
    )
    organisations = relationship(
        "Organisation",
        back_populates="country",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Organisation.position",
    )


class CountryName(Base):
    __tablename__ = "country_names"

    country_code = Column(String(3), ForeignKey("countries.code", ondelete="CASCADE"), primary_key=True)
    language = Column(String(8), primary_key=True)
    name = Column(String(200), nullable=False)


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(_in("answered_by", ANSWERED_BY), name="known_answered_by"),
        CheckConstraint(_in("police", POLICE), name="known_police"),
        CheckConstraint(_in("immigration", IMMIGRATION), name="known_immigration"),
    )

    id = Column(String(80), primary_key=True)
    country_code = Column(String(3), ForeignKey("countries.code", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False)  # order in the seed file: maintainers rank entries by hand
    name = Column(String(300), nullable=False)
    hours = Column(String(300), nullable=True)
    free = Column(Boolean, nullable=True)
    always_open = Column(Boolean, nullable=True)
    verified_on = Column(Date, nullable=False)
    # What happens when you call (migration 0002); NULL where the source is silent.
    confidential = Column(Boolean, nullable=True)
    answered_by = Column(String(20), nullable=True)
    police = Column(String(20), nullable=True)
    immigration = Column(String(20), nullable=True)
    anonymous = Column(Boolean, nullable=True)
    from_abroad = Column(Boolean, nullable=True)
    interpreters = Column(Boolean, nullable=True)

    country = relationship("Country", back_populates="organisations")
    descriptions = relationship(
        "OrganisationDescription",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="OrganisationDescription.language",
    )
    needs = relationship(
        "OrganisationNeed", cascade="all, delete-orphan", passive_deletes=True, order_by="OrganisationNeed.position"
    )
    languages = relationship(
        "OrganisationLanguage",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="OrganisationLanguage.position",
    )
    contacts = relationship(
        "ContactPoint", cascade="all, delete-orphan", passive_deletes=True, order_by="ContactPoint.position"
    )
    sources = relationship("Source", cascade="all, delete-orphan", passive_deletes=True, order_by="Source.position")


class OrganisationDescription(Base):
    __tablename__ = "organisation_descriptions"

    organisation_id = Column(String(80), ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    language = Column(String(8), primary_key=True)
    text = Column(String(500), nullable=False)


class OrganisationNeed(Base):
    __tablename__ = "organisation_needs"
    __table_args__ = (CheckConstraint(_in("need", NEEDS), name="known_need"),)

    organisation_id = Column(String(80), ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    need = Column(String(40), primary_key=True)
    position = Column(Integer, nullable=False)


class OrganisationLanguage(Base):
    __tablename__ = "organisation_languages"

    organisation_id = Column(String(80), ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    language = Column(String(8), primary_key=True)
    position = Column(Integer, nullable=False)


class ContactPoint(Base):
    __tablename__ = "contact_points"
    __table_args__ = (CheckConstraint(_in("kind", CONTACT_KINDS), name="known_kind"),)

    organisation_id = Column(String(80), ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    position = Column(Integer, primary_key=True)
    kind = Column(String(20), nullable=False)
    value = Column(String(300), nullable=False)


class Source(Base):
    __tablename__ = "sources"

    organisation_id = Column(String(80), ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    position = Column(Integer, primary_key=True)
    url = Column(String(1000), nullable=False)
