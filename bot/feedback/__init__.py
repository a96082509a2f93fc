"""Survey responses, callback requests and staff accounts (SQLAlchemy + Alembic).

Public API: FeedbackStore, FeedbackFilter, StaffAccount, ValidationError, migrate, seed_demo,
ensure_demo_account.
"""

from bot.feedback.db import migrate
from bot.feedback.demo import ensure_demo_account, seed_demo
from bot.feedback.store import FeedbackFilter, FeedbackStore, StaffAccount, ValidationError

__all__ = [
    "FeedbackFilter",
    "FeedbackStore",
    "StaffAccount",
    "ValidationError",
    "ensure_demo_account",
    "migrate",
    "seed_demo",
]
