"""SQLAlchemy 1.4 models of the feedback database (the Alembic migrations create them)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import declarative_base

# Deterministic constraint names, so migrations behave the same on SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
Base: Any = declarative_base(metadata=metadata)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC datetimes, on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware (UTC) datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class FollowUp:
    """Columns shared by what staff follow up: the citizen's pseudonymous key and handling."""

    sender_key = Column(String(64), nullable=True)
    status = Column(String(10), nullable=False, default="new")
    handled_by = Column(String(120), nullable=True)
    handled_at = Column(UTCDateTime(), nullable=True)
    staff_note = Column(Text, nullable=True)


class SurveyResponse(FollowUp, Base):
    __tablename__ = "feedback_response"

    id = Column(Integer, primary_key=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    channel = Column(String(20), nullable=False)
    flow = Column(String(20), nullable=False)
    procedure_id = Column(String(120), nullable=True)
    commune = Column(String(120), nullable=True)  # the commune/ward whose service is rated
    overall = Column(SmallInteger, nullable=False)
    access = Column(SmallInteger, nullable=True)
    procedure = Column(SmallInteger, nullable=True)
    staff = Column(SmallInteger, nullable=True)
    result = Column(SmallInteger, nullable=True)
    feedback_handling = Column(SmallInteger, nullable=True)
    comment = Column(Text, nullable=True)  # masked with mask_pii before storing
    # Consent: personal details below are stored only when consent_personal_data is true.
    consent_personal_data = Column(Boolean, nullable=False, default=False)
    consent_contact = Column(Boolean, nullable=False, default=False)
    phone = Column(String(20), nullable=True)
    home_commune = Column(String(120), nullable=True)
    age_band = Column(String(20), nullable=True)

    __table_args__ = (
        Index("ix_feedback_response_created_at", "created_at"),
        Index("ix_feedback_response_sender_key", "sender_key"),
        Index("ix_feedback_response_status", "status"),
    )


class CallbackRequest(FollowUp, Base):
    __tablename__ = "feedback_callback"

    id = Column(Integer, primary_key=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    channel = Column(String(20), nullable=False)
    consent_contact = Column(Boolean, nullable=False, default=False)
    name = Column(String(100), nullable=True)  # only with consent
    phone = Column(String(20), nullable=True)  # only with consent
    topic = Column(Text, nullable=True)  # masked
    commune = Column(String(120), nullable=True)
    procedure_id = Column(String(120), nullable=True)

    __table_args__ = (
        Index("ix_feedback_callback_created_at", "created_at"),
        Index("ix_feedback_callback_sender_key", "sender_key"),
    )


class StaffUser(Base):
    __tablename__ = "staff_user"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    password_hash = Column(String(100), nullable=False)
    role = Column(String(10), nullable=False, default="viewer")
    can_see_personal_data = Column(Boolean, nullable=False, default=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    last_login_at = Column(UTCDateTime(), nullable=True)
