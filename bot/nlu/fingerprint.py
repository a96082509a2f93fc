"""What Rasa's training cache must know about our components.

Rasa fingerprints a component by its class source and config only; edits to the helper modules
and data files a component uses (normalisation, segmentation, abbreviations, lookups) would not
retrain it. Every custom component returns this hash from ``fingerprint_addon``.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

HERE = Path(__file__).parent


@functools.lru_cache(maxsize=1)
def code_and_data_hash() -> str:
    digest = hashlib.sha256()
    files = [*HERE.glob("*.py"), *(HERE / "data").glob("*"), HERE.parent / "safety.py"]
    for path in sorted(files):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
