"""Schema of the procedure data files (pydantic 1.10 models).

Every YAML file under ``bot/procedures/data/`` (except ``_guide.yaml``) is one :class:`Procedure`.
The models are strict: unknown keys are rejected, so a typo in a field name fails loudly at
start-up instead of silently dropping a fact.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Extra, Field, HttpUrl, constr, validator

# A step or a single bubble should stay readable on a cheap phone.
MAX_STEP_CHARS = 300
# Guide steps are shown as "Bước 3/10: ..." so they leave room for that prefix.
MAX_GUIDE_STEP_CHARS = 285
# An "I am not sure" note is shown with the official link; keep the bubble short.
MAX_UNCERTAIN_CHARS = 160

if TYPE_CHECKING:  # constrained strings are plain ``str`` to the type checker
    Slug = str
    Text = str
    TitleText = str
    ShortText = str
    StepText = str
    NoteText = str
else:
    Slug = constr(regex=r"^[a-z][a-z0-9_]{1,63}$")
    Text = constr(strip_whitespace=True, min_length=1, max_length=2000)
    TitleText = constr(strip_whitespace=True, min_length=1, max_length=70)
    ShortText = constr(strip_whitespace=True, min_length=1, max_length=MAX_STEP_CHARS)
    StepText = constr(strip_whitespace=True, min_length=1, max_length=MAX_GUIDE_STEP_CHARS)
    NoteText = constr(strip_whitespace=True, min_length=1, max_length=MAX_UNCERTAIN_CHARS)

OnlineLevel = Literal["toàn trình", "một phần", "không"]


def _date_or_iso_string(value: object) -> object:
    """Accept a YAML date or an ISO ``YYYY-MM-DD`` string; reject numbers and other types."""
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return value.strip()
    raise ValueError("expected a date written as YYYY-MM-DD")


def _not_in_future(value: dt.date) -> dt.date:
    if value > dt.date.today():
        raise ValueError(f"date {value.isoformat()} is in the future")
    return value


class _Strict(BaseModel):
    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True
        allow_mutation = False


class HttpsUrl(HttpUrl):
    """An absolute URL that must use https (official pages only)."""

    allowed_schemes = {"https"}


class Agency(_Strict):
    """Who decides the case, after the 1 July 2025 two-level local government reform."""

    name: Text
    receives: Text | None = None  # who takes the dossier, when not the deciding agency
    uncertain: NoteText | None = None


class Where(_Strict):
    """Where and how a citizen files."""

    channels: list[ShortText] = Field(..., min_items=1, max_items=8)
    online_level: OnlineLevel
    note: ShortText | None = None
    uncertain: NoteText | None = None


class Documents(_Strict):
    """Documents to bring or upload, in short plain Vietnamese."""

    items: list[ShortText] = Field(..., min_items=1, max_items=15)
    note: ShortText | None = None
    uncertain: NoteText | None = None


class Fees(_Strict):
    """Fees and exemptions. ``amount`` is what a citizen pays in the usual case."""

    amount: ShortText
    exemptions: list[ShortText] = Field(default_factory=list, max_items=8)
    online_note: ShortText | None = None
    uncertain: NoteText | None = None


class ProcessingTime(_Strict):
    text: ShortText
    uncertain: NoteText | None = None


class GuideOverride(_Strict):
    """Per-procedure online-filing steps.

    ``replace``: these steps replace the default guide (e.g. VNeID-only procedures).
    ``append``: these steps are inserted after guide step ``after`` (default: the guide's
    ``insert_after``, its submission step).
    """

    mode: Literal["replace", "append"]
    steps: list[StepText] = Field(..., min_items=1, max_items=15)
    after: Slug | None = None


class Procedure(_Strict):
    id: Slug
    name: Text  # official name
    title: TitleText  # short everyday name used in messages
    summary: ShortText  # what it is, one plain line
    aliases: list[ShortText] = Field(..., min_items=1, max_items=60)
    agency: Agency
    where: Where
    documents: Documents
    fees: Fees
    processing_time: ProcessingTime
    legal_basis: list[Text] = Field(..., min_items=1, max_items=15)
    source_url: HttpsUrl
    extra_sources: list[HttpsUrl] = Field(default_factory=list, max_items=10)
    last_verified: dt.date
    notes: list[ShortText] = Field(default_factory=list, max_items=8)
    related: list[Slug] = Field(default_factory=list, max_items=10)
    guide: GuideOverride | None = None

    _date_type = validator("last_verified", pre=True, allow_reuse=True)(_date_or_iso_string)
    _date_past = validator("last_verified", allow_reuse=True)(_not_in_future)

    @validator("aliases")
    def _unique_aliases(cls, value: list[str]) -> list[str]:  # noqa: N805
        seen: set[str] = set()
        for alias in value:
            key = alias.casefold()
            if key in seen:
                raise ValueError(f"duplicate alias {alias!r}")
            seen.add(key)
        return value

    @property
    def uncertain_fields(self) -> dict[str, str]:
        """Map of section name to its uncertainty note, for sections marked uncertain."""
        sections = {
            "agency": self.agency.uncertain,
            "where": self.where.uncertain,
            "documents": self.documents.uncertain,
            "fees": self.fees.uncertain,
            "processing_time": self.processing_time.uncertain,
        }
        return {key: note for key, note in sections.items() if note}


class GuideStep(_Strict):
    id: Slug
    text: StepText


class Guide(_Strict):
    """The generic online-filing guide (``_guide.yaml``)."""

    title: ShortText
    steps: list[GuideStep] = Field(..., min_items=3, max_items=20)
    # id of the step after which a procedure's ``append`` steps go by default
    insert_after: Slug
    source_url: HttpsUrl
    last_verified: dt.date

    _date_type = validator("last_verified", pre=True, allow_reuse=True)(_date_or_iso_string)
    _date_past = validator("last_verified", allow_reuse=True)(_not_in_future)

    @validator("insert_after")
    def _known_step(cls, value: str, values: dict[str, object]) -> str:  # noqa: N805
        steps = values.get("steps")
        if isinstance(steps, list) and value not in {s.id for s in steps}:
            raise ValueError(f"unknown step id {value!r}")
        return value
