"""Generate the Rasa lookup table of Hanoi communes and wards (``lookup: commune``).

Source: the administrative-unit mapping shipped with the ``underthesea`` package
(``underthesea/address/data/mapping.json``, built from ``vietnamadminunits``). We keep the
entries of ``ward_mapping`` whose ``new_province_key`` is ``thanhphohanoi``: the 126 communes
and wards of Hà Nội in force since 1 July 2025 (two-level local government).

Each unit is written the way people type it, ``xã X`` / ``phường X`` (lower-case type), plus the
bare name ``X`` when the bare name is not ambiguous. A bare name is ambiguous when:

* it is also the name of a former (pre-July-2025) Hanoi district or town, such as "Đông Anh" or
  "Hà Đông": people still use it for the whole old district, which is now split across several
  communes or wards, so it must not be read as one commune;
* two new units share it;
* it is an ordinary Vietnamese word, a landmark, a street name or an older area name, or reads
  as an everyday phrase once diacritics are dropped (the NLU pipeline matches lookups without
  diacritics), see ``AMBIGUOUS_NAMES``.

Usage::

    python scripts/gen_commune_lookup.py          # write nlu_data/nlu/lookup_commune.yml
    python scripts/gen_commune_lookup.py --check  # exit 1 if the file is out of date
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from importlib import metadata
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
OUTPUT_PATH = REPO_ROOT / "nlu_data" / "nlu" / "lookup_commune.yml"
PROVINCE_KEY = "thanhphohanoi"
EXPECTED_UNITS = 126
# The day the source list was checked against the reform (kept fixed so output is reproducible).
CHECKED_ON = "2026-11-25"

# Bare names that are also everyday words, landmarks, street names or older area names.
AMBIGUOUS_NAMES: dict[str, str] = {
    "Bình Minh": "ordinary word (dawn)",
    "Liên Minh": "ordinary word (alliance)",
    "Láng": "ordinary word ('láng giềng'), also Đường Láng",
    "Tây Phương": "ordinary word (the West)",
    "Nội Bài": "the airport",
    "Bạch Mai": "the hospital",
    "Hòa Lạc": "the high-tech park and urban area spread over several communes",
    "Hưng Đạo": "part of the street name Trần Hưng Đạo",
    "Trần Phú": "street name in every town",
    "Văn Miếu - Quốc Tử Giám": "the monument",
    "Văn Miếu": "the monument",
    "Văn Miếu Quốc Tử Giám": "the monument",
    "Từ Liêm": "the former Từ Liêm district (now Bắc and Nam Từ Liêm areas)",
    "Bồ Đề": "ordinary word (the bodhi tree)",
    "Phúc Lợi": "ordinary word (welfare)",
    "Phúc Lộc": "ordinary word (blessings)",
    "Quang Minh": "ordinary word and a common given name",
    "Hồng Hà": "the Red River; 'hỏng hả' without diacritics",
    # The NLU pipeline matches lookups without diacritics: these read as everyday phrases.
    "Cửa Nam": "'của năm' without diacritics",
    "Cổ Đô": "'có đó' without diacritics",
    "Thư Lâm": "'thử làm' without diacritics",
    "Ô Diên": "'ở điện' without diacritics",
    "Lĩnh Nam": "'lĩnh năm' without diacritics",
    "Tiến Thắng": "'tiến thẳng' without diacritics",
    "Hạ Bằng": "'hạ bằng' without diacritics",
}

# Extra spellings people use for a unit, keyed by its official name (without type).
EXTRA_SPELLINGS: dict[str, list[str]] = {
    "Văn Miếu - Quốc Tử Giám": ["Văn Miếu Quốc Tử Giám", "Văn Miếu"],
}

_TYPE_PREFIXES = {"Phường": "phường", "Xã": "xã"}
_DISTRICT_PREFIXES = ("Quận ", "Huyện ", "Thị xã ", "Thành phố ")


def default_mapping_path() -> Path:
    """Return the path of underthesea's ward mapping file in the installed package."""
    import underthesea

    return Path(underthesea.__file__).resolve().parent / "address" / "data" / "mapping.json"


def _strip_prefix(name: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def load_hanoi_units(
    mapping: dict[str, Any], expected: int | None = EXPECTED_UNITS
) -> tuple[list[tuple[str, str]], set[str]]:
    """Return the new Hanoi units as ``(type, name)`` pairs and the old district names.

    Raises:
        ValueError: if the mapping does not hold exactly the expected number of units or a unit
            has an unknown type.
    """
    units: set[tuple[str, str]] = set()
    old_districts: set[str] = set()
    for row in mapping["ward_mapping"]:
        if row.get("new_province_key") != PROVINCE_KEY:
            continue
        unit_type, _, name = str(row["new_ward"]).partition(" ")
        if unit_type not in _TYPE_PREFIXES or not name:
            raise ValueError(f"unexpected unit name: {row['new_ward']!r}")
        units.add((unit_type, name.strip()))
        if row.get("old_district"):
            old_districts.add(_strip_prefix(str(row["old_district"]), _DISTRICT_PREFIXES))
    if expected is not None and len(units) != expected:
        raise ValueError(f"expected {expected} Hanoi units, found {len(units)}")
    return sorted(units, key=lambda u: (u[0], u[1].casefold())), old_districts


def lookup_entries(units: list[tuple[str, str]], old_districts: set[str]) -> list[str]:
    """Return the lookup entries: prefixed names, then unambiguous bare names and spellings."""
    name_counts = Counter(name for _, name in units)
    entries: list[str] = []
    for unit_type, name in units:
        prefix = _TYPE_PREFIXES[unit_type]
        spellings = [name, *EXTRA_SPELLINGS.get(name, [])]
        entries.extend(f"{prefix} {spelling}" for spelling in spellings)
        if name_counts[name] > 1 or name in old_districts:
            continue
        bare = [s for s in spellings if s not in AMBIGUOUS_NAMES and s not in old_districts]
        entries.extend(bare)
    seen: set[str] = set()
    unique: list[str] = []
    for entry in entries:
        if entry.casefold() not in seen:
            seen.add(entry.casefold())
            unique.append(entry)
    return unique


def _source_version() -> str:
    try:
        return metadata.version("underthesea")
    except metadata.PackageNotFoundError:
        return "unknown"


def render_lookup_yaml(entries: list[str], source_meta: dict[str, Any]) -> str:
    """Render the lookup table as Rasa 3.x YAML training data."""
    header = [
        "# GENERATED by scripts/gen_commune_lookup.py; do not edit by hand.",
        "# Communes (xã) and wards (phường) of Hà Nội after the reform of 1 July 2025.",
        f"# Source: underthesea {_source_version()} address/data/mapping.json "
        f"({source_meta.get('source', '?')} {source_meta.get('version', '?')}, "
        f"effective {source_meta.get('effective_date', '?')}); checked {CHECKED_ON}.",
        "# Bare names are left out where they are ambiguous (former district names, common",
        "# words, landmarks): see the script's docstring.",
        'version: "3.1"',
        "nlu:",
        "- lookup: commune",
        "  examples: |",
    ]
    body = [f"    - {entry}" for entry in entries]
    return "\n".join(header + body) + "\n"


def build_lookup_yaml(mapping_path: Path | None = None) -> str:
    """Build the full text of ``lookup_commune.yml`` from the mapping file."""
    path = mapping_path or default_mapping_path()
    mapping = json.loads(path.read_text(encoding="utf-8"))
    units, old_districts = load_hanoi_units(mapping)
    return render_lookup_yaml(lookup_entries(units, old_districts), mapping.get("metadata", {}))


def main(argv: list[str] | None = None) -> int:
    """Write the lookup file, or with ``--check`` report whether it is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    parser.add_argument("--out", type=Path, default=OUTPUT_PATH, help="output file")
    args = parser.parse_args(argv)
    text = build_lookup_yaml()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run scripts/gen_commune_lookup.py", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({text.count(chr(10) + '    - ')} entries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
