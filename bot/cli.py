"""Console commands for operators.

    python -m bot.cli create-user USERNAME --role manager [--can-see-personal-data]
                                           [--password-stdin] [--reset]
    python -m bot.cli deactivate-user USERNAME
    python -m bot.cli migrate
    python -m bot.cli seed-demo            (development only)
    python -m bot.cli delete-sender --channel zalo --sender-id ID
    python -m bot.cli generate-secret-key  (value for WEBAPP_SECRET_KEY)

The database is FEEDBACK_DB_URL (default sqlite:///var/feedback.db) or --db-url.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

from cryptography.fernet import Fernet

from bot.feedback import FeedbackStore, ValidationError, migrate, seed_demo


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mật khẩu (ít nhất 10 ký tự): ")
    second = getpass.getpass("Nhập lại mật khẩu: ")
    if first != second:
        raise ValidationError("the two passwords differ")
    return first


def _create_user(args: argparse.Namespace) -> int:
    password = _read_password(args.password_stdin)
    store = FeedbackStore(args.db_url)
    try:
        account = store.create_user(
            args.username,
            password,
            role=args.role,
            can_see_personal_data=args.can_see_personal_data,
            replace=args.reset,
        )
    finally:
        store.close()
    personal = "may see personal data" if account.can_see_personal_data else "masked data only"
    print(f"user {account.username!r} saved: role {account.role}, {personal}")
    return 0


def _deactivate(args: argparse.Namespace) -> int:
    store = FeedbackStore(args.db_url)
    try:
        found = store.set_active(args.username, False)
    finally:
        store.close()
    if not found:
        print(f"no user {args.username!r}", file=sys.stderr)
        return 1
    print(f"user {args.username!r} deactivated")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    migrate(args.db_url)
    print("database is up to date")
    return 0


def _seed(args: argparse.Namespace) -> int:
    if os.environ.get("APP_ENV", "").lower() == "production":
        print("refusing to seed demo data with APP_ENV=production", file=sys.stderr)
        return 1
    store = FeedbackStore(args.db_url)
    try:
        added = seed_demo(store)
    finally:
        store.close()
    print(f"added {added} demo rows")
    return 0


def _delete_sender(args: argparse.Namespace) -> int:
    store = FeedbackStore(args.db_url)
    try:
        changed = store.delete_by_sender_id(args.channel, args.sender_id)
    finally:
        store.close()
    print(f"erased personal data from {changed} rows")
    return 0


def _secret(args: argparse.Namespace) -> int:
    print(Fernet.generate_key().decode())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot.cli",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db-url", default=None, help="default: env FEEDBACK_DB_URL")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("create-user", help="create a staff account (or --reset one)")
    p.add_argument("username")
    p.add_argument("--role", choices=["viewer", "manager"], default="viewer")
    p.add_argument("--can-see-personal-data", action="store_true")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.add_argument("--reset", action="store_true", help="replace an existing account")
    p.set_defaults(func=_create_user)

    p = sub.add_parser("deactivate-user", help="block an account from signing in")
    p.add_argument("username")
    p.set_defaults(func=_deactivate)

    sub.add_parser("migrate", help="create/upgrade the tables").set_defaults(func=_migrate)
    sub.add_parser("seed-demo", help="add demo data (not in production)").set_defaults(func=_seed)

    p = sub.add_parser("delete-sender", help="erase what a citizen gave (by channel + id)")
    p.add_argument("--channel", required=True)
    p.add_argument("--sender-id", required=True)
    p.set_defaults(func=_delete_sender)

    sub.add_parser("generate-secret-key", help="print a new WEBAPP_SECRET_KEY").set_defaults(
        func=_secret
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ValidationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
