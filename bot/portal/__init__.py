"""Dossier-status look-up ("hồ sơ của tôi đến đâu rồi?") through a portal adapter.

See docs/PORTAL_API.md for the HTTP contract.
"""

from bot.portal.client import DEFAULT_BASE_URL, DossierStatusSource, PortalClient
from bot.portal.codes import DOSSIER_CODE_PATTERN, EXAMPLE_CODE, find_code, normalize_code
from bot.portal.messages import describe
from bot.portal.models import Dossier, DossierStatus, ResultKind, StatusResult

__all__ = [
    "DEFAULT_BASE_URL",
    "DOSSIER_CODE_PATTERN",
    "EXAMPLE_CODE",
    "Dossier",
    "DossierStatusSource",
    "DossierStatus",
    "PortalClient",
    "ResultKind",
    "StatusResult",
    "describe",
    "find_code",
    "normalize_code",
]
