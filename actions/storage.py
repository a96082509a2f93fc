"""The feedback store the action server writes to (one per process)."""

from __future__ import annotations

import functools
import os

from bot.feedback import FeedbackStore

DEFAULT_URL = "sqlite:///var/feedback.db"


@functools.lru_cache(maxsize=1)
def feedback_store() -> FeedbackStore:
    """Open (and migrate) the store at ``FEEDBACK_DB_URL``."""
    return FeedbackStore(os.environ.get("FEEDBACK_DB_URL") or DEFAULT_URL)
