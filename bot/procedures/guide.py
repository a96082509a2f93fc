"""The step-by-step online-filing guide, generic or adapted to one procedure."""

from __future__ import annotations

from bot.procedures.schema import Guide, Procedure


def guide_steps(procedure: Procedure | None = None, guide: Guide | None = None) -> list[str]:
    """Numbered steps ("Bước 1/9: ...") for filing online, one chat bubble each.

    Without a procedure, the generic guide. A procedure may replace the guide (e.g. VNeID-only
    procedures) or append its own steps after the guide's submission step. ``guide`` defaults
    to the bundled catalog's guide.
    """
    if guide is None:
        from bot.procedures.catalog import default_catalog

        guide = default_catalog().guide
    texts = [step.text for step in guide.steps]
    override = procedure.guide if procedure is not None else None
    if override is not None and override.mode == "replace":
        texts = list(override.steps)
    elif override is not None:
        ids = [step.id for step in guide.steps]
        anchor = override.after or guide.insert_after
        position = ids.index(anchor) + 1 if anchor in ids else len(ids)
        texts = texts[:position] + list(override.steps) + texts[position:]
    total = len(texts)
    return [f"Bước {number}/{total}: {text}" for number, text in enumerate(texts, start=1)]
