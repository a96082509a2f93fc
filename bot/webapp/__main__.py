"""Run the staff web app: python -m bot.webapp --port 8080 [--host 127.0.0.1] [--demo]."""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import AsyncIterator

from aiohttp import web

from bot.feedback import FeedbackStore, ensure_demo_account, seed_demo
from bot.webapp import create_app
from bot.webapp.config import WebConfig


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Trợ lý Dịch vụ công — trang quản trị cán bộ")
    parser.add_argument("--host", default=os.environ.get("WEBAPP_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEBAPP_PORT", 8080)))
    parser.add_argument(
        "--demo",
        action="store_true",
        help="development only: seed demo data if empty and print a demo account",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    config = WebConfig.from_env()
    store = FeedbackStore(config.db_url)
    if args.demo:
        if not store.rating_rows():
            seed_demo(store)
        username, password = ensure_demo_account(store)
        print(f"DEMO ONLY — staff dashboard: http://{args.host}:{args.port}/")
        print(f"DEMO ONLY — user: {username}  password: {password}")
    app = create_app(config, store=store)

    async def _close(app: web.Application) -> AsyncIterator[None]:
        yield
        store.close()

    app.cleanup_ctx.append(_close)
    web.run_app(app, host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
