"""The demo portal checks requests the way a real API would and serves contract-shaped data."""

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema
import pytest

from bot.portal.demo_server import REQUEST_LOG, create_app, load_seed
from bot.portal.models import dossier_validator, error_code_of

JSON = {"Accept": "application/json"}
DOSSIERS, SPECIAL = load_seed()
KNOWN = "000.00.01.H26-250708-0003"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
async def api(aiohttp_client: Any) -> Any:
    return await aiohttp_client(create_app())


async def test_healthz(api: Any) -> None:
    resp = await api.get("/healthz")
    assert resp.status == 200
    assert (await resp.json())["status"] == "ok"


async def test_known_dossier_matches_the_schema(api: Any) -> None:
    resp = await api.get(f"/api/v1/dossiers/{KNOWN}", headers={**JSON, "X-Request-ID": "abc"})
    assert resp.status == 200
    assert resp.content_type == "application/json"
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Request-ID"] == "abc"
    body = await resp.json()
    dossier_validator().validate(body)
    assert body["code"] == KNOWN


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "HEAD"])
async def test_other_methods_are_refused(api: Any, method: str) -> None:
    resp = await api.request(method, f"/api/v1/dossiers/{KNOWN}", headers=JSON)
    assert resp.status == 405
    assert "GET" in resp.headers["Allow"]
    if method != "HEAD":
        assert error_code_of(await resp.json()) == "method_not_allowed"


@pytest.mark.parametrize("accept", [None, "text/html", "*/*"])
async def test_accept_header_is_required(api: Any, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    resp = await api.get(f"/api/v1/dossiers/{KNOWN}", headers=headers, skip_auto_headers=["Accept"])
    assert resp.status == 406
    assert error_code_of(await resp.json()) == "not_acceptable"


@pytest.mark.parametrize(
    "code",
    ["000.00.01.h26-250708-0003", "000.00.01.H26-250231-0003", "abc", "%F0%9F%99%82", "1" * 500],
)
async def test_malformed_code_is_400(api: Any, code: str) -> None:
    resp = await api.get(f"/api/v1/dossiers/{code}", headers=JSON)
    assert resp.status == 400
    assert error_code_of(await resp.json()) == "invalid_code"


async def test_unknown_code_and_unknown_route(api: Any) -> None:
    resp = await api.get("/api/v1/dossiers/000.00.01.H26-250708-0999", headers=JSON)
    assert resp.status == 404
    assert error_code_of(await resp.json()) == "dossier_not_found"
    resp = await api.get("/api/v1/nothing-here", headers=JSON)
    assert resp.status == 404
    assert error_code_of(await resp.json()) == "route_not_found"


async def test_api_key_when_configured(aiohttp_client: Any) -> None:
    api = await aiohttp_client(create_app(api_key="k-123"))
    url = f"/api/v1/dossiers/{KNOWN}"
    assert (await api.get(url, headers=JSON)).status == 401
    assert (await api.get(url, headers={**JSON, "X-API-Key": "k-12"})).status == 401
    assert (await api.get(url, headers={**JSON, "X-API-Key": "k-123"})).status == 200
    assert (await api.get("/healthz")).status == 200  # health checks need no key
    assert len(api.server.app[REQUEST_LOG]) == 3


async def test_flaky_code_alternates_500_and_200(api: Any) -> None:
    code = next(c for c, b in SPECIAL.items() if b == "flaky")
    statuses = [(await api.get(f"/api/v1/dossiers/{code}", headers=JSON)).status for _ in range(4)]
    assert statuses == [500, 200, 500, 200]


@pytest.mark.timeout(30)
async def test_slow_code_is_released_when_the_server_stops(aiohttp_server: Any) -> None:
    app = create_app(slow_seconds=3600)
    server = await aiohttp_server(app)
    code = next(c for c, b in SPECIAL.items() if b == "slow")
    async with aiohttp.ClientSession() as session:
        url = server.make_url(f"/api/v1/dossiers/{code}")
        request = asyncio.ensure_future(session.get(url, headers=JSON))
        while not app[REQUEST_LOG]:  # the request has reached the sleeping handler
            await asyncio.sleep(0.01)
        await server.close()  # must not wait for the hour (nor aiohttp's 60 s shutdown timeout)
        with contextlib.suppress(aiohttp.ClientError):
            (await request).release()
    assert request.done()


def test_seed_rejects_off_contract_records(tmp_path: Path) -> None:
    bad_status = tmp_path / "bad_status.yml"
    bad_status.write_text(
        "dossiers:\n  - {code: '000.00.01.H26-250708-0003', procedure_name: x, status: archived,"
        " received_date: '2025-07-08', agency_name: y}\n",
        encoding="utf-8",
    )
    with pytest.raises(jsonschema.ValidationError):
        load_seed(bad_status)
    bad_special = tmp_path / "bad_special.yml"
    bad_special.write_text("special_codes:\n  '000.00.01.H26-250708-0003': explode\n")
    with pytest.raises(ValueError):
        load_seed(bad_special)
    bad_code = tmp_path / "bad_code.yml"
    bad_code.write_text(
        "dossiers:\n  - {code: '000.00.01.H26-250231-0003', procedure_name: x, status: received,"
        " received_date: '2025-02-28', agency_name: y}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError):
        load_seed(bad_code)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_runs_as_a_module() -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "DEMO_PORTAL_API_KEY": "cli-key"}
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "bot.portal.demo_server", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(300):  # wait for start-up (bounded), not a timing assertion
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            url = f"http://127.0.0.1:{port}/api/v1/dossiers/{KNOWN}"
            async with session.get(url, headers=JSON) as resp:
                assert resp.status == 401
            async with session.get(url, headers={**JSON, "X-API-Key": "cli-key"}) as resp:
                assert resp.status == 200
                assert (await resp.json())["code"] == KNOWN
    finally:
        proc.terminate()
        proc.wait(timeout=30)
