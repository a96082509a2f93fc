"""Loading and validating the procedure catalog from YAML files."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.procedures.matching import Match, Matcher
from bot.procedures.schema import Guide, Procedure

DATA_DIR = Path(__file__).resolve().parent / "data"
GUIDE_FILE = "_guide.yaml"
# Data files are small; anything bigger is a mistake (or not ours).
MAX_FILE_BYTES = 200_000


class CatalogError(Exception):
    """Invalid or incomplete procedure data. The message names the file and the field."""


class Catalog:
    """All procedures, by id, with fuzzy matching over their names and aliases."""

    def __init__(self, procedures: list[Procedure], guide: Guide) -> None:
        self._by_id = {proc.id: proc for proc in procedures}
        self._ordered = sorted(procedures, key=lambda proc: proc.id)
        self.guide = guide
        self._matcher = Matcher(self._ordered)

    def get(self, procedure_id: str) -> Procedure:
        """Return the procedure with this id; ``KeyError`` if there is none."""
        return self._by_id[procedure_id]

    def all(self) -> list[Procedure]:
        """All procedures, sorted by id."""
        return list(self._ordered)

    def match(self, query: str) -> Match:
        """Find the procedure a citizen's text is about (see :class:`Match`)."""
        return self._matcher.match(query)

    def __len__(self) -> int:
        return len(self._ordered)

    def __contains__(self, procedure_id: object) -> bool:
        return procedure_id in self._by_id


def load_catalog(data_dir: Path | None = None) -> Catalog:
    """Load and validate every ``*.yaml`` file in ``data_dir`` (default: the bundled data).

    Raises:
        CatalogError: a file is unreadable, not valid YAML, or fails the schema; the message
            starts with the file name and names the field, e.g.
            ``khai_sinh.yaml: fees.amount: field required``.
    """
    directory = Path(data_dir) if data_dir is not None else DATA_DIR
    if not directory.is_dir():
        raise CatalogError(f"{directory}: data directory not found")
    guide_path = directory / GUIDE_FILE
    if not guide_path.is_file():
        raise CatalogError(f"{GUIDE_FILE}: file missing in {directory}")
    guide = _parse(guide_path, Guide)
    procedures: list[Procedure] = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        proc = _parse(path, Procedure)
        if proc.id != path.stem:
            raise CatalogError(f"{path.name}: id: {proc.id!r} must equal the file name")
        procedures.append(proc)
    if not procedures:
        raise CatalogError(f"{directory}: no procedure files")
    known = {proc.id for proc in procedures}
    step_ids = {step.id for step in guide.steps}
    for proc in procedures:
        for other in proc.related:
            if other not in known or other == proc.id:
                raise CatalogError(f"{proc.id}.yaml: related: unknown procedure {other!r}")
        if proc.guide is not None and proc.guide.after and proc.guide.after not in step_ids:
            raise CatalogError(
                f"{proc.id}.yaml: guide.after: unknown guide step {proc.guide.after!r}"
            )
    return Catalog(procedures, guide)


@functools.lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The catalog in ``PROCEDURES_DIR`` (default: the bundled data), loaded once per process."""
    directory = os.environ.get("PROCEDURES_DIR")
    return load_catalog(Path(directory) if directory else None)


def _parse(path: Path, model: Any) -> Any:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CatalogError(f"{path.name}: file is larger than {MAX_FILE_BYTES} bytes")
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path.name}: cannot read file: {exc}") from exc
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path.name}: invalid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise CatalogError(f"{path.name}: top level must be a mapping of fields")
    try:
        return model.parse_obj(raw)
    except ValidationError as exc:
        raise CatalogError(f"{path.name}: {_describe(exc)}") from exc


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error["loc"] if part != "__root__")
        parts.append(f"{location}: {error['msg']}" if location else error["msg"])
    return "; ".join(parts)
