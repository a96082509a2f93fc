"""Demo portal implementing the dossier-status contract (docs/PORTAL_API.md).

Run: ``python -m bot.portal.demo_server --port 8090``; in tests: ``create_app()``.
Set ``DEMO_PORTAL_API_KEY`` to require the ``X-API-Key`` header.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import json
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from bot.portal.codes import normalize_code
from bot.portal.models import dossier_validator

__all__ = [
    "BEHAVIOURS",
    "DEFAULT_DATA",
    "REQUEST_LOG",
    "RequestRecord",
    "create_app",
    "load_seed",
    "main",
]

log = logging.getLogger(__name__)

DEFAULT_DATA = Path(__file__).resolve().parent / "demo_dossiers.yml"
BEHAVIOURS = frozenset(
    {"slow", "flaky", "error", "malformed_json", "html", "huge", "other_dossier", "bad_status"}
)
API_PREFIX = "/api/v1/"


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    headers: dict[str, str]


Seed = tuple[dict[str, dict[str, Any]], dict[str, str]]

#: API requests as the demo portal received them (tests assert on it).
REQUEST_LOG: web.AppKey[list[RequestRecord]] = web.AppKey("request_log")
_DOSSIERS: web.AppKey[dict[str, dict[str, Any]]] = web.AppKey("dossiers")
_SPECIAL: web.AppKey[dict[str, str]] = web.AppKey("special")
_COUNTERS: web.AppKey[dict[str, int]] = web.AppKey("counters")
_STOPPING: web.AppKey[asyncio.Event] = web.AppKey("stopping")
_SLEEPERS: web.AppKey[set[asyncio.Task[Any]]] = web.AppKey("sleepers")  # "slow" handlers
_SETTINGS: web.AppKey[dict[str, Any]] = web.AppKey("settings")


def load_seed(path: Path = DEFAULT_DATA) -> Seed:
    """Load and check seed data: every dossier must satisfy the contract's schema."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    validator = dossier_validator()
    dossiers: dict[str, dict[str, Any]] = {}
    for record in data.get("dossiers") or []:
        validator.validate(record)
        if normalize_code(record["code"]) != record["code"]:
            raise ValueError(f"seed code {record['code']!r} is not a valid canonical code")
        dossiers[record["code"]] = record
    special: dict[str, str] = {}
    for code, behaviour in (data.get("special_codes") or {}).items():
        if behaviour not in BEHAVIOURS or normalize_code(code) != code:
            raise ValueError(f"bad special code entry {code!r}: {behaviour!r}")
        special[code] = behaviour
    return dossiers, special


def _error(status: int, code: str, message: str, **headers: str) -> web.Response:
    return web.json_response(
        {"error": {"code": code, "message": message}}, status=status, headers=headers or None
    )


_HTTP_ERROR_CODES = {
    404: "route_not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _contract_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Record API requests, turn aiohttp's HTTP errors into contract error bodies, add headers."""
    if request.path.startswith(API_PREFIX):
        request.app[REQUEST_LOG].append(
            RequestRecord(request.method, request.path, dict(request.headers))
        )
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        extra = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else {}
        code = _HTTP_ERROR_CODES.get(exc.status, "http_error")
        response = _error(exc.status, code, exc.reason, **extra)
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if "X-Request-ID" in request.headers:
        response.headers["X-Request-ID"] = request.headers["X-Request-ID"][:64]
    return response


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "dossiers": len(request.app[_DOSSIERS])})


async def get_dossier(request: web.Request) -> web.StreamResponse:
    app = request.app
    api_key = app[_SETTINGS]["api_key"]
    if api_key and not hmac.compare_digest(
        request.headers.get("X-API-Key", "").encode(), api_key.encode()
    ):
        return _error(401, "unauthorized", "Missing or wrong X-API-Key header.")
    if "application/json" not in request.headers.get("Accept", "").lower():
        return _error(406, "not_acceptable", "Send the header Accept: application/json.")
    code = request.match_info["code"]
    if normalize_code(code) != code:
        return _error(400, "invalid_code", "Dossier code must look like 000.00.01.H26-250708-0003.")
    behaviour = app[_SPECIAL].get(code)
    if behaviour:
        return await _misbehave(request, code, behaviour)
    dossier = app[_DOSSIERS].get(code)
    if dossier is None:
        return _error(404, "dossier_not_found", "No dossier has this code.")
    return web.json_response(dossier)


def _test_dossier(code: str, status: str = "processing") -> dict[str, Any]:
    return {
        "code": code,
        "procedure_name": "Đăng ký khai sinh (hồ sơ thử nghiệm)",
        "status": status,
        "received_date": "2026-11-20",
        "appointment_date": "2026-11-27",
        "agency_name": "Cơ quan thử nghiệm",
    }


async def _misbehave(request: web.Request, code: str, behaviour: str) -> web.StreamResponse:
    app = request.app
    if behaviour == "slow":
        # Sleep past any sane client timeout, but wake up at once when the server shuts down.
        task = asyncio.current_task()
        if task is not None:
            app[_SLEEPERS].add(task)
        try:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(app[_STOPPING].wait(), app[_SETTINGS]["slow_seconds"])
        finally:
            app[_SLEEPERS].discard(task)
        return web.json_response(_test_dossier(code))
    if behaviour == "flaky":
        count = app[_COUNTERS][code] = app[_COUNTERS].get(code, 0) + 1
        if count % 2 == 1:
            return _error(500, "internal_error", "Simulated failure, try again.")
        return web.json_response(_test_dossier(code))
    if behaviour == "error":
        return _error(503, "unavailable", "Simulated outage.")
    if behaviour == "malformed_json":
        return web.Response(
            text='{"code": "' + code + '", "status": ', content_type="application/json"
        )
    if behaviour == "html":
        return web.Response(
            text="<html><body>Bảo trì hệ thống</body></html>", content_type="text/html"
        )
    if behaviour == "huge":
        body = _test_dossier(code)
        body["note_padding"] = "x" * app[_SETTINGS]["huge_body_bytes"]
        return web.Response(text=json.dumps(body), content_type="application/json")
    if behaviour == "other_dossier":
        return web.json_response(_test_dossier("000.00.99.H26-261120-0099"))
    # bad_status
    return web.json_response(_test_dossier(code, status="archived"))


async def _on_shutdown(app: web.Application) -> None:
    """Wake sleeping handlers and let them finish, even those whose client already hung up
    (aiohttp no longer tracks their connection, so it would not wait for them)."""
    app[_STOPPING].set()
    running = app[_SLEEPERS]
    sleepers = list(running)
    if sleepers:
        await asyncio.wait(sleepers, timeout=5)
        await asyncio.sleep(0)  # let their connection loops notice and exit


def create_app(
    *,
    data_path: Path | None = None,
    api_key: str | None = None,
    slow_seconds: float = 30.0,
    huge_body_bytes: int = 1_000_000,
) -> web.Application:
    """Build the demo portal. ``api_key`` (if set) is required in ``X-API-Key``."""
    dossiers, special = load_seed(data_path or DEFAULT_DATA)
    app = web.Application(middlewares=[_contract_middleware], client_max_size=4096)
    app[REQUEST_LOG] = []
    app[_DOSSIERS] = dossiers
    app[_SPECIAL] = special
    app[_COUNTERS] = {}
    app[_STOPPING] = asyncio.Event()
    app[_SLEEPERS] = set()
    app[_SETTINGS] = {
        "api_key": api_key or None,
        "slow_seconds": slow_seconds,
        "huge_body_bytes": huge_body_bytes,
    }
    app.router.add_get("/healthz", healthz, allow_head=False)
    app.router.add_get("/api/v1/dossiers/{code}", get_dossier, allow_head=False)
    app.on_shutdown.append(_on_shutdown)  # type: ignore[arg-type]  # aiosignal typing quirk
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Demo dossier-status portal (API v1).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="seed YAML file")
    parser.add_argument("--slow-seconds", type=float, default=30.0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = create_app(
        data_path=args.data,
        api_key=os.environ.get("DEMO_PORTAL_API_KEY") or None,
        slow_seconds=args.slow_seconds,
    )
    web.run_app(app, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
