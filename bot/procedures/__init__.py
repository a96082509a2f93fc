"""Knowledge base of the administrative procedures Hanoi citizens need most.

Data lives in ``bot/procedures/data/*.yaml`` (one file per procedure, plus ``_guide.yaml`` for
the generic online-filing guide) and is validated at load time. See docs/PROCEDURES.md.

Typical use::

    from bot.procedures import default_catalog, format_documents

    match = default_catalog().match("cho bác hỏi làm giấy khai sinh cho cháu")
    if match.procedure:
        text = format_documents(match.procedure)
    elif match.candidates:
        ...  # ask which one the citizen means
"""

from bot.procedures.catalog import Catalog, CatalogError, default_catalog, load_catalog
from bot.procedures.formatting import (
    BUBBLE_LIMIT,
    format_documents,
    format_fee,
    format_notes,
    format_source,
    format_summary,
    format_time,
    format_where,
)
from bot.procedures.guide import guide_steps
from bot.procedures.matching import Match, normalize
from bot.procedures.schema import Guide, Procedure

__all__ = [
    "BUBBLE_LIMIT",
    "Catalog",
    "CatalogError",
    "Guide",
    "Match",
    "Procedure",
    "default_catalog",
    "format_documents",
    "format_fee",
    "format_notes",
    "format_source",
    "format_summary",
    "format_time",
    "format_where",
    "guide_steps",
    "load_catalog",
    "normalize",
]
