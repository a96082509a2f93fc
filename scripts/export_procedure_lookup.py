"""Write nlu_data/nlu/lookup_procedure.yml from the procedure catalog.

Usage: python scripts/export_procedure_lookup.py [--check] [--out PATH]
With --check, exit 1 (and write nothing) when the file on disk is out of date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.procedures import load_catalog  # noqa: E402
from bot.procedures.lookup import render_lookup_yaml  # noqa: E402

DEFAULT_OUT = ROOT / "nlu_data" / "nlu" / "lookup_procedure.yml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="only check the file is in sync")
    args = parser.parse_args(argv)
    text = render_lookup_yaml(load_catalog())
    current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
    if args.check:
        if current != text:
            print(f"{args.out} is out of date: run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    if current != text:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
