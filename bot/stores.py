"""Tracker stores that mask personal data in what citizens typed before it is written.

The conversation record keeps the message text a citizen sent. Phone numbers, ID numbers and
e-mail addresses in it are masked (``bot.privacy.mask_pii``) in the stored copy; the live
conversation is untouched. Entity values found in a message (a phone number) are masked too.
Named in the endpoint files as ``type: bot.stores.MaskingSQLTrackerStore`` /
``bot.stores.MaskingRedisTrackerStore``.
"""

from __future__ import annotations

import copy
from collections import deque
from typing import Any

from rasa.core.tracker_store import RedisTrackerStore, SQLTrackerStore
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import mask_pii


def _mask_event(event: Event) -> Event:
    if not isinstance(event, UserUttered) or not event.text:
        return event
    masked = mask_pii(event.text)
    entities = [
        {**e, "value": mask_pii(str(e["value"]))} if isinstance(e.get("value"), str) else e
        for e in event.entities
    ]
    if masked == event.text and entities == event.entities:
        return event
    clone = copy.copy(event)
    clone.text = masked
    clone.entities = entities
    clone.parse_data = {**event.parse_data, "text": masked, "entities": entities}  # type: ignore[typeddict-item]
    return clone


def masked_tracker(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """A shallow copy of ``tracker`` whose user messages have personal data masked."""
    clone = copy.copy(tracker)
    clone.events = deque((_mask_event(e) for e in tracker.events), maxlen=tracker.events.maxlen)
    return clone


class MaskingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that writes masked user messages."""

    def __init__(self, *args: Any, host: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, host=host, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(masked_tracker(tracker))


class MaskingRedisTrackerStore(RedisTrackerStore):
    """RedisTrackerStore that writes masked user messages."""

    def __init__(self, *args: Any, host: str = "localhost", **kwargs: Any) -> None:
        super().__init__(*args, host=host, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(masked_tracker(tracker))
