"""FeedbackStore: the synchronous API the action server and the staff web app use.

Thread-safe: every method opens its own short transaction. From asyncio code call it through
``asyncio.to_thread(store.add_response, ...)``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import bcrypt
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import sessionmaker

from bot.feedback import schema
from bot.feedback.db import database_url, make_engine, migrate
from bot.feedback.models import CallbackRequest, StaffUser, SurveyResponse, utcnow
from bot.metrics import RatingRow
from bot.privacy import clean_text, mask_pii, normalize_phone
from bot.privacy import sender_key as make_sender_key

log = logging.getLogger(__name__)

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BCRYPT_ROUNDS = 12
MAX_PAGE = 500


class ValidationError(ValueError):
    """Bad input for the store; the message says what is wrong (English, for developers)."""


@dataclass(frozen=True)
class FeedbackFilter:
    """Filters shared by the dashboard, the API and the exports.

    Dates are local (Asia/Ho_Chi_Minh) calendar days, both ends inclusive.
    """

    date_from: date | None = None
    date_to: date | None = None
    procedure_id: str | None = None
    commune: str | None = None
    channel: str | None = None
    status: str | None = None  # follow-ups / callbacks only: new, handled or None for all

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValidationError("date_from is after date_to")
        if self.channel is not None and self.channel not in schema.CHANNELS:
            raise ValidationError(f"unknown channel {self.channel!r}")
        if self.status is not None and self.status not in schema.STATUSES:
            raise ValidationError(f"unknown status {self.status!r}")

    def utc_bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) in UTC for the local calendar days."""
        start = end = None
        if self.date_from:
            start = datetime.combine(self.date_from, time.min, LOCAL_TZ).astimezone(timezone.utc)
        if self.date_to:
            next_day = self.date_to + timedelta(days=1)
            end = datetime.combine(next_day, time.min, LOCAL_TZ).astimezone(timezone.utc)
        return start, end


@dataclass(frozen=True)
class StaffAccount:
    id: int
    username: str
    role: str
    can_see_personal_data: bool
    active: bool

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


def _rating(name: str, value: Any, *, required: bool) -> int | None:
    if value is None:
        if required:
            raise ValidationError(f"{name} rating is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        # Accept "4" from slot values, refuse 4.5, "bốn", True.
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        else:
            raise ValidationError(f"{name} rating must be an integer 1..5, got {value!r}")
    if not 1 <= value <= 5:
        raise ValidationError(f"{name} rating must be between 1 and 5, got {value}")
    return int(value)


def _channel(value: str) -> str:
    channel = (value or "").strip().lower()
    channel = schema.CHANNEL_ALIASES.get(channel, channel)
    if channel not in schema.CHANNELS:
        raise ValidationError(f"unknown channel {value!r}; expected one of {schema.CHANNELS}")
    return channel


def _short(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be text")
    cleaned = clean_text(value, schema.MAX_SHORT_FIELD_CHARS)
    return cleaned or None


def _free_text(value: str | None, limit: int, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be text")
    # Bound the work on huge input, mask, then truncate. The first cut is 4x the limit, so a
    # number it splits in half lies far beyond the final cut (masking at most halves a number).
    cleaned = clean_text(mask_pii(clean_text(value[: limit * 4])), limit)
    return cleaned or None


def _aware(value: datetime | None) -> datetime:
    if value is None:
        return utcnow()
    if value.tzinfo is None:
        raise ValidationError("created_at must be timezone-aware")
    return value.astimezone(timezone.utc)


def _key(channel: str, sender_id: str | None, sender_key: str | None) -> str | None:
    if sender_key is not None:
        if not (isinstance(sender_key, str) and len(sender_key) == 64):
            raise ValidationError("sender_key must be the 64-character key from bot.privacy")
        return sender_key
    if sender_id:
        return make_sender_key(channel, str(sender_id))
    return None


class FeedbackStore:
    """Survey responses, callback requests and staff accounts."""

    def __init__(self, url: str | None = None, *, run_migrations: bool = True) -> None:
        self.url = database_url(url)
        if run_migrations:
            migrate(self.url)
        self.engine = make_engine(self.url)
        self._session = sessionmaker(self.engine, expire_on_commit=False, future=True)
        self.bcrypt_rounds = BCRYPT_ROUNDS
        self._dummy_hash: bytes | None = None

    def close(self) -> None:
        self.engine.dispose()

    # -- citizens' submissions -------------------------------------------------------------

    def add_response(
        self,
        *,
        channel: str,
        flow: str,
        overall: int,
        aspects: Mapping[str, int | None] | None = None,
        procedure_id: str | None = None,
        commune: str | None = None,
        comment: str | None = None,
        consent_personal_data: bool = False,
        consent_contact: bool = False,
        phone: str | None = None,
        home_commune: str | None = None,
        age_band: str | None = None,
        sender_id: str | None = None,
        sender_key: str | None = None,
        created_at: datetime | None = None,
    ) -> int:
        """Store one survey answer and return its id.

        Personal details (phone, home commune, age band) are kept only with
        `consent_personal_data`; without it they are dropped (logged, not an error), so the
        ratings are never lost. The comment is masked. Raises ValidationError on bad input.
        """
        channel = _channel(channel)
        if flow not in schema.FLOWS:
            raise ValidationError(f"unknown flow {flow!r}; expected one of {schema.FLOWS}")
        ratings = {"overall": _rating("overall", overall, required=True)}
        aspects = dict(aspects or {})
        unknown = set(aspects) - set(schema.ASPECTS)
        if unknown:
            raise ValidationError(f"unknown aspects {sorted(unknown)}")
        for name in schema.ASPECTS:
            ratings[name] = _rating(name, aspects.get(name), required=False)
        personal: dict[str, str | None] = {"phone": None, "home_commune": None, "age_band": None}
        if consent_personal_data:
            if phone:
                personal["phone"] = normalize_phone(phone)
                if personal["phone"] is None:
                    raise ValidationError("phone is not a Vietnamese phone number")
            personal["home_commune"] = _short(home_commune, "home_commune")
            if age_band is not None and age_band not in schema.AGE_BANDS:
                raise ValidationError(f"unknown age_band {age_band!r}")
            personal["age_band"] = age_band
        elif phone or home_commune or age_band:
            log.warning("personal details given without consent were not stored")
        row = SurveyResponse(
            created_at=_aware(created_at),
            channel=channel,
            flow=flow,
            procedure_id=_short(procedure_id, "procedure_id"),
            commune=_short(commune, "commune"),
            comment=_free_text(comment, schema.MAX_COMMENT_CHARS, "comment"),
            consent_personal_data=bool(consent_personal_data),
            consent_contact=bool(consent_contact and consent_personal_data and personal["phone"]),
            sender_key=_key(channel, sender_id, sender_key),
            status="new",
            **ratings,
            **personal,
        )
        return self._insert(row)

    def update_response(
        self,
        response_id: int,
        *,
        aspects: Mapping[str, int | None] | None = None,
        comment: str | None = None,
        consent_personal_data: bool | None = None,
        consent_contact: bool | None = None,
        phone: str | None = None,
        home_commune: str | None = None,
        age_band: str | None = None,
    ) -> bool:
        """Add answers to a stored response as the survey goes on (nothing is lost if the
        citizen stops half-way). Returns False when the response does not exist.

        Only the arguments given change. Aspects are merged; the comment is masked. Personal
        details are stored only if the response has (or is given) consent_personal_data; giving
        consent_personal_data=False withdraws consent and erases them. consent_contact sticks
        only with consent and a stored phone. Every statement writes first, so concurrent
        updates on SQLite wait for each other instead of failing.
        """
        if isinstance(response_id, bool) or not isinstance(response_id, int) or response_id < 1:
            raise ValidationError("response_id must be a positive integer")
        values: dict[str, Any] = {}
        unknown = set(aspects or {}) - set(schema.ASPECTS)
        if unknown:
            raise ValidationError(f"unknown aspects {sorted(unknown)}")
        for name, value in (aspects or {}).items():
            values[name] = _rating(name, value, required=False)
        if comment is not None:
            values["comment"] = _free_text(comment, schema.MAX_COMMENT_CHARS, "comment")
        personal: dict[str, Any] = {}
        if phone is not None:
            personal["phone"] = normalize_phone(phone)
            if personal["phone"] is None:
                raise ValidationError("phone is not a Vietnamese phone number")
        if home_commune is not None:
            personal["home_commune"] = _short(home_commune, "home_commune")
        if age_band is not None:
            if age_band not in schema.AGE_BANDS:
                raise ValidationError(f"unknown age_band {age_band!r}")
            personal["age_band"] = age_band
        if consent_personal_data is True:
            values["consent_personal_data"] = True
        elif consent_personal_data is False:
            values.update(
                consent_personal_data=False,
                consent_contact=False,
                phone=None,
                home_commune=None,
                age_band=None,
            )
            personal = {}
        if consent_contact is False:
            values["consent_contact"] = False
        row = SurveyResponse
        with self._session.begin() as session:
            found = session.execute(
                update(row)
                .where(row.id == response_id)
                .values(status=row.status, **values)  # status=status: existence check
                .execution_options(synchronize_session=False)
            ).rowcount
            if not found:
                return False
            if personal:
                session.execute(
                    update(row)
                    .where(row.id == response_id, row.consent_personal_data.is_(True))
                    .values(**personal)
                    .execution_options(synchronize_session=False)
                )
            if consent_contact is True:
                session.execute(
                    update(row)
                    .where(
                        row.id == response_id,
                        row.consent_personal_data.is_(True),
                        row.phone.isnot(None),
                    )
                    .values(consent_contact=True)
                    .execution_options(synchronize_session=False)
                )
        return True

    def add_callback(
        self,
        *,
        channel: str,
        topic: str | None = None,
        name: str | None = None,
        phone: str | None = None,
        consent_contact: bool = False,
        commune: str | None = None,
        procedure_id: str | None = None,
        sender_id: str | None = None,
        sender_key: str | None = None,
        created_at: datetime | None = None,
    ) -> int:
        """Store a request to be called back (handoff flow); name and phone need consent."""
        channel = _channel(channel)
        stored_phone = stored_name = None
        if consent_contact:
            if phone:
                stored_phone = normalize_phone(phone)
                if stored_phone is None:
                    raise ValidationError("phone is not a Vietnamese phone number")
            if name is not None:
                stored_name = mask_pii(clean_text(str(name), schema.MAX_NAME_CHARS)) or None
        elif phone or name:
            log.warning("contact details given without consent were not stored")
        row = CallbackRequest(
            created_at=_aware(created_at),
            channel=channel,
            consent_contact=bool(consent_contact),
            name=stored_name,
            phone=stored_phone,
            topic=_free_text(topic, schema.MAX_TOPIC_CHARS, "topic"),
            commune=_short(commune, "commune"),
            procedure_id=_short(procedure_id, "procedure_id"),
            sender_key=_key(channel, sender_id, sender_key),
            status="new",
        )
        return self._insert(row)

    def _insert(self, row: Any) -> int:
        with self._session.begin() as session:
            session.add(row)
            session.flush()
            return int(row.id)

    def delete_by_sender(self, sender_key: str) -> int:
        """Forget what a citizen gave: personal data and comments of their survey answers
        (the anonymous ratings stay in the statistics) and their callback requests.

        Returns the number of rows changed or deleted.
        """
        if not sender_key:
            return 0
        with self._session.begin() as session:
            erased = session.execute(
                update(SurveyResponse)
                .where(SurveyResponse.sender_key == sender_key)
                .values(
                    comment=None,
                    phone=None,
                    home_commune=None,
                    age_band=None,
                    consent_personal_data=False,
                    consent_contact=False,
                    staff_note=None,
                    sender_key=None,
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            deleted = session.execute(
                delete(CallbackRequest)
                .where(CallbackRequest.sender_key == sender_key)
                .execution_options(synchronize_session=False)
            ).rowcount
        return int(erased or 0) + int(deleted or 0)

    def delete_by_sender_id(self, channel: str, sender_id: str) -> int:
        return self.delete_by_sender(make_sender_key(_channel(channel), str(sender_id)))

    # -- reading for staff -----------------------------------------------------------------

    @staticmethod
    def _apply(stmt: Any, model: Any, filters: FeedbackFilter, *, status: bool) -> Any:
        start, end = filters.utc_bounds()
        conditions = []
        if start is not None:
            conditions.append(model.created_at >= start)
        if end is not None:
            conditions.append(model.created_at < end)
        if filters.procedure_id:
            conditions.append(model.procedure_id == filters.procedure_id)
        if filters.commune:
            conditions.append(model.commune == filters.commune)
        if filters.channel:
            conditions.append(model.channel == filters.channel)
        if status and filters.status:
            conditions.append(model.status == filters.status)
        return stmt.where(and_(*conditions)) if conditions else stmt

    def rating_rows(self, filters: FeedbackFilter | None = None) -> list[RatingRow]:
        """Plain rows for bot.metrics (no personal data)."""
        filters = filters or FeedbackFilter()
        cols = [
            SurveyResponse.created_at,
            SurveyResponse.channel,
            SurveyResponse.procedure_id,
            SurveyResponse.commune,
            SurveyResponse.flow,
            SurveyResponse.overall,
            *(getattr(SurveyResponse, a) for a in schema.ASPECTS),
        ]
        stmt = self._apply(select(*cols), SurveyResponse, filters, status=False)
        with self._session() as session:
            return [RatingRow(*r) for r in session.execute(stmt)]

    def list_responses(
        self, filters: FeedbackFilter | None = None, *, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """All responses matching the filters (newest first), as dicts, for exports."""
        return self._all(SurveyResponse, filters, limit)

    def list_followups(
        self, filters: FeedbackFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> tuple[list[dict[str, Any]], int]:
        """Low ratings (overall <= 2) and answers with a comment; (page, total count)."""
        filters = filters or FeedbackFilter()
        limit, offset = _page(limit, offset)
        condition = or_(
            SurveyResponse.overall <= schema.LOW_RATING_MAX, SurveyResponse.comment.isnot(None)
        )
        stmt = self._apply(
            select(SurveyResponse).where(condition), SurveyResponse, filters, status=True
        )
        count = self._apply(
            select(func.count()).select_from(SurveyResponse).where(condition),
            SurveyResponse,
            filters,
            status=True,
        )
        stmt = stmt.order_by(SurveyResponse.created_at.desc(), SurveyResponse.id.desc())
        with self._session() as session:
            total = int(session.execute(count).scalar_one())
            rows = [_as_dict(r) for r in session.scalars(stmt.limit(limit).offset(offset))]
        return rows, total

    def list_callbacks(
        self, filters: FeedbackFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> tuple[list[dict[str, Any]], int]:
        filters = filters or FeedbackFilter()
        limit, offset = _page(limit, offset)
        stmt = self._apply(select(CallbackRequest), CallbackRequest, filters, status=True)
        count = self._apply(
            select(func.count()).select_from(CallbackRequest), CallbackRequest, filters, status=True
        )
        stmt = stmt.order_by(CallbackRequest.created_at.desc(), CallbackRequest.id.desc())
        with self._session() as session:
            total = int(session.execute(count).scalar_one())
            rows = [_as_dict(r) for r in session.scalars(stmt.limit(limit).offset(offset))]
        return rows, total

    def all_callbacks(
        self, filters: FeedbackFilter | None = None, *, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """All callback requests matching the filters (newest first), for exports."""
        return self._all(CallbackRequest, filters, limit)

    def _all(
        self, model: Any, filters: FeedbackFilter | None, limit: int | None
    ) -> list[dict[str, Any]]:
        stmt = self._apply(select(model), model, filters or FeedbackFilter(), status=True)
        stmt = stmt.order_by(model.created_at.desc(), model.id.desc())
        if limit is not None:
            stmt = stmt.limit(limit)
        with self._session() as session:
            return [_as_dict(r) for r in session.scalars(stmt)]

    def distinct_values(self) -> dict[str, list[str]]:
        """Procedures and communes present in the data (for the filter drop-downs)."""
        out: dict[str, list[str]] = {}
        with self._session() as session:
            for name in ("procedure_id", "commune"):
                col = getattr(SurveyResponse, name)
                stmt = select(col).where(col.isnot(None)).distinct().order_by(col).limit(1000)
                out[name] = [v for (v,) in session.execute(stmt)]
        return out

    def mark_handled(
        self, kind: str, item_id: int, handled_by: str, note: str | None = None
    ) -> bool:
        """Mark a follow-up ("response") or a callback request ("callback") handled.

        The note is masked like citizens' text. Returns False when no such item exists.
        """
        if kind == "response":
            return self.mark_response_handled(item_id, handled_by, note)
        if kind == "callback":
            return self.mark_callback_handled(item_id, handled_by, note)
        raise ValidationError("kind must be 'response' or 'callback'")

    def mark_response_handled(self, response_id: int, handled_by: str, note: str | None) -> bool:
        return self._mark(SurveyResponse, response_id, handled_by, note)

    def mark_callback_handled(self, callback_id: int, handled_by: str, note: str | None) -> bool:
        return self._mark(CallbackRequest, callback_id, handled_by, note)

    def _mark(self, model: Any, row_id: int, handled_by: str, note: str | None) -> bool:
        if isinstance(row_id, bool) or not isinstance(row_id, int) or row_id < 1:
            raise ValidationError("id must be a positive integer")
        by = _short(handled_by, "handled_by")
        if not by:
            raise ValidationError("handled_by is required")
        values = {
            "status": "handled",
            "handled_by": by,
            "handled_at": utcnow(),
            "staff_note": _free_text(note, schema.MAX_NOTE_CHARS, "note"),
        }
        with self._session.begin() as session:
            changed = session.execute(
                update(model)
                .where(model.id == row_id)
                .values(**values)
                .execution_options(synchronize_session=False)
            ).rowcount
        return bool(changed)

    def get_response(self, response_id: int) -> dict[str, Any] | None:
        with self._session() as session:
            row = session.get(SurveyResponse, response_id)
            return _as_dict(row) if row else None

    # -- staff accounts --------------------------------------------------------------------

    def create_user(
        self,
        username: str,
        password: str,
        *,
        role: str = "viewer",
        can_see_personal_data: bool = False,
        replace: bool = False,
    ) -> StaffAccount:
        username = (username or "").strip().lower()
        if (
            not username
            or len(username) > 64
            or not username.replace(".", "").replace("_", "").replace("-", "").isalnum()
            or not username.isascii()
        ):
            raise ValidationError("username: 1-64 ASCII letters, digits, '.', '_' or '-'")
        if role not in schema.ROLES:
            raise ValidationError(f"role must be one of {schema.ROLES}")
        if not isinstance(password, str) or len(password) < 10:
            raise ValidationError("password must have at least 10 characters")
        if len(password.encode()) > 72:
            raise ValidationError("password must be at most 72 bytes (bcrypt limit)")
        hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(self.bcrypt_rounds)).decode()
        with self._session.begin() as session:
            user = session.execute(
                select(StaffUser).where(StaffUser.username == username)
            ).scalar_one_or_none()
            if user is not None and not replace:
                raise ValidationError(f"user {username!r} already exists")
            if user is None:
                user = StaffUser(username=username, created_at=utcnow())
                session.add(user)
            user.password_hash = hashed
            user.role = role
            user.can_see_personal_data = bool(can_see_personal_data)
            user.active = True
            session.flush()
            return _account(user)

    def set_active(self, username: str, active: bool) -> bool:
        with self._session.begin() as session:
            changed = session.execute(
                update(StaffUser)
                .where(StaffUser.username == username.strip().lower())
                .values(active=active)
            ).rowcount
        return bool(changed)

    def get_user(self, username: str) -> StaffAccount | None:
        with self._session() as session:
            user = session.execute(
                select(StaffUser).where(StaffUser.username == username.strip().lower())
            ).scalar_one_or_none()
            return _account(user) if user else None

    def authenticate(self, username: str, password: str) -> StaffAccount | None:
        """Check a password. Runs bcrypt even for unknown users, so timing tells nothing."""
        username = (username or "").strip().lower()[:64]
        with self._session() as session:
            user = session.execute(
                select(StaffUser).where(StaffUser.username == username)
            ).scalar_one_or_none()
        if user is not None:
            stored = user.password_hash.encode()
        else:
            if self._dummy_hash is None:
                self._dummy_hash = bcrypt.hashpw(
                    b"no such user", bcrypt.gensalt(self.bcrypt_rounds)
                )
            stored = self._dummy_hash
        try:
            ok = bcrypt.checkpw(password.encode()[:72], stored)
        except ValueError:
            ok = False
        if not (ok and user is not None and user.active):
            return None
        with self._session.begin() as session:
            session.execute(
                update(StaffUser).where(StaffUser.id == user.id).values(last_login_at=utcnow())
            )
        return _account(user)


def _page(limit: int, offset: int) -> tuple[int, int]:
    if limit < 1 or offset < 0:
        raise ValidationError("limit must be >= 1 and offset >= 0")
    return min(limit, MAX_PAGE), offset


def _account(user: StaffUser) -> StaffAccount:
    return StaffAccount(
        id=int(user.id),
        username=str(user.username),
        role=str(user.role),
        can_see_personal_data=bool(user.can_see_personal_data),
        active=bool(user.active),
    )


def _as_dict(row: Any) -> dict[str, Any]:
    return {c.name: getattr(row, c.key) for c in row.__table__.columns}


__all__ = ["FeedbackFilter", "FeedbackStore", "StaffAccount", "ValidationError"]
