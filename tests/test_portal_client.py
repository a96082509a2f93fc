"""PortalClient against the real demo portal (and a few off-contract fakes) started in-process."""

import json
import logging
from datetime import date
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.portal.client import DEFAULT_BASE_URL, PortalClient
from bot.portal.demo_server import REQUEST_LOG, create_app, load_seed
from bot.portal.models import DossierStatus, ResultKind

DOSSIERS, SPECIAL = load_seed()
SPECIAL_BY_BEHAVIOUR = {behaviour: code for code, behaviour in SPECIAL.items()}
UNKNOWN_CODE = "000.00.01.H26-250708-0999"


@pytest.fixture
async def portal(aiohttp_server: Any) -> Any:
    app = create_app(slow_seconds=60)
    server = await aiohttp_server(app)
    return server


def client_for(server: Any, **kwargs: Any) -> PortalClient:
    options: dict[str, Any] = {"timeout": 0.5, "retries": 2, "backoff": 0}
    options.update(kwargs)
    return PortalClient(str(server.make_url("/")), **options)


def seen(server: Any) -> list[Any]:
    return server.app[REQUEST_LOG]


def test_seed_covers_every_status() -> None:
    assert {d["status"] for d in DOSSIERS.values()} == {s.value for s in DossierStatus}


@pytest.mark.parametrize("code", sorted(DOSSIERS))
async def test_found_for_each_seeded_dossier(portal: Any, code: str) -> None:
    seed = DOSSIERS[code]
    async with client_for(portal) as client:
        result = await client.get_status(code)
    assert result.kind is ResultKind.FOUND
    assert result.code == code
    dossier = result.dossier
    assert dossier is not None
    assert dossier.code == code
    assert dossier.status is DossierStatus(seed["status"])
    assert dossier.procedure_name == seed["procedure_name"]
    assert dossier.agency_name == seed["agency_name"]
    assert dossier.received_date == date.fromisoformat(seed["received_date"])
    expected_appointment = seed.get("appointment_date")
    assert dossier.appointment_date == (
        date.fromisoformat(expected_appointment) if expected_appointment else None
    )
    assert dossier.note == seed.get("note")
    assert dossier.missing_documents == tuple(seed.get("missing_documents", []))
    assert len(seen(portal)) == 1


async def test_sloppy_code_is_normalised_before_the_request(portal: Any) -> None:
    async with client_for(portal) as client:
        result = await client.get_status("  000.00.01.h26 - 250708 - 0003. ")
    assert result.kind is ResultKind.FOUND
    [request] = seen(portal)
    assert request.path == "/api/v1/dossiers/000.00.01.H26-250708-0003"
    assert request.method == "GET"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["X-Request-ID"]
    assert "X-API-Key" not in request.headers


async def test_not_found(portal: Any) -> None:
    async with client_for(portal) as client:
        result = await client.get_status(UNKNOWN_CODE)
    assert result.kind is ResultKind.NOT_FOUND
    assert result.code == UNKNOWN_CODE
    assert result.dossier is None
    assert len(seen(portal)) == 1  # a 404 is an answer, not a failure: no retry


@pytest.mark.parametrize(
    "typed",
    ["", "abc", "000.00.01.H26-250231-0003", "../../etc/passwd", "🙂" * 50, "9" * 10_000],
)
async def test_invalid_code_never_reaches_the_network(portal: Any, typed: str) -> None:
    async with client_for(portal) as client:
        result = await client.get_status(typed)
    assert result.kind is ResultKind.INVALID_CODE
    assert result.code is None
    assert seen(portal) == []


async def test_timeout_is_retried_a_bounded_number_of_times(portal: Any) -> None:
    async with client_for(portal, timeout=0.3, retries=2) as client:
        result = await client.get_status(SPECIAL_BY_BEHAVIOUR["slow"])
    assert result.kind is ResultKind.UNAVAILABLE
    assert result.reason == "timeout"
    assert len(seen(portal)) == 3


async def test_no_retries_means_one_attempt(portal: Any) -> None:
    async with client_for(portal, timeout=0.3, retries=0) as client:
        result = await client.get_status(SPECIAL_BY_BEHAVIOUR["slow"])
    assert result.kind is ResultKind.UNAVAILABLE
    assert len(seen(portal)) == 1


async def test_500_then_success_on_retry(portal: Any) -> None:
    code = SPECIAL_BY_BEHAVIOUR["flaky"]
    async with client_for(portal) as client:
        result = await client.get_status(code)
    assert result.kind is ResultKind.FOUND
    assert result.dossier is not None and result.dossier.code == code
    first, second = seen(portal)
    # Both attempts belong to the same look-up: same request id for the portal's logs.
    assert first.headers["X-Request-ID"] == second.headers["X-Request-ID"]


async def test_persistent_5xx_gives_unavailable_after_all_attempts(portal: Any) -> None:
    async with client_for(portal, retries=1) as client:
        result = await client.get_status(SPECIAL_BY_BEHAVIOUR["error"])
    assert result.kind is ResultKind.UNAVAILABLE
    assert result.reason == "http_503"
    assert len(seen(portal)) == 2


async def test_4xx_is_never_retried(aiohttp_server: Any) -> None:
    server = await aiohttp_server(create_app(api_key="s3cret-key"))
    code = next(iter(DOSSIERS))
    async with client_for(server) as client:  # no key
        result = await client.get_status(code)
    assert result.kind is ResultKind.UNAVAILABLE
    assert result.reason == "http_401"
    assert len(seen(server)) == 1
    async with client_for(server, api_key="wrong") as client:
        assert (await client.get_status(code)).kind is ResultKind.UNAVAILABLE
    async with client_for(server, api_key="s3cret-key") as client:
        assert (await client.get_status(code)).kind is ResultKind.FOUND
    assert seen(server)[-1].headers["X-API-Key"] == "s3cret-key"
    assert len(seen(server)) == 3


async def test_server_down_gives_unavailable(unused_tcp_port: int) -> None:
    port = unused_tcp_port  # nothing listens there
    async with PortalClient(f"http://127.0.0.1:{port}", timeout=0.5, backoff=0) as client:
        result = await client.get_status(UNKNOWN_CODE)
    assert result.kind is ResultKind.UNAVAILABLE
    assert result.reason is not None and result.reason.startswith("connection")


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        ("malformed_json", "bad_response"),
        ("html", "bad_content_type"),
        ("huge", "body_too_large"),
        ("other_dossier", "bad_response"),
        ("bad_status", "bad_response"),
    ],
)
async def test_off_contract_answers_give_unavailable_and_a_log_line(
    portal: Any, caplog: pytest.LogCaptureFixture, behaviour: str, reason: str
) -> None:
    code = SPECIAL_BY_BEHAVIOUR[behaviour]
    caplog.set_level(logging.WARNING, logger="bot.portal.client")
    async with client_for(portal) as client:
        result = await client.get_status(code)
    assert result.kind is ResultKind.UNAVAILABLE
    assert result.reason == reason
    assert result.dossier is None
    assert len(seen(portal)) == 1  # retrying will not fix a broken answer
    assert any("off contract" in r.getMessage() and code in r.getMessage() for r in caplog.records)


async def test_wrong_path_prefix_is_not_reported_as_not_found(portal: Any) -> None:
    # A route-level 404 (misconfigured base URL) must not tell the citizen "no such dossier".
    client = PortalClient(str(portal.make_url("/wrong-prefix")), timeout=0.5, backoff=0)
    async with client:
        result = await client.get_status(UNKNOWN_CODE)
    assert result.kind is ResultKind.UNAVAILABLE
    assert result.reason == "bad_response"


def _fake(status: int, body: bytes, content_type: str = "application/json", **headers: str) -> Any:
    hits: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(status=status, body=body, content_type=content_type, headers=headers)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    return app, hits


@pytest.mark.parametrize(
    ("status", "body", "content_type", "reason"),
    [
        (200, b"[" * 30_000 + b"]" * 30_000, "application/json", "bad_response"),  # deep nesting
        (200, b"\xff\xfe not utf-8", "application/json", "bad_response"),
        (200, b'{"code": 1}', "application/json", "bad_response"),
        (200, b"null", "application/json", "bad_response"),
        (200, b'{"unexpected": "fields only"}', "application/json", "bad_response"),
        (404, b"<h1>Not Found</h1>", "text/html", "bad_content_type"),
        (
            404,
            b'{"error": {"code": "route_not_found", "message": "x"}}',
            "application/json",
            "bad_response",
        ),
        (400, b'{"error": "bad"}', "application/json", "bad_response"),
        (429, b'{"error": {"code": "slow_down", "message": "x"}}', "application/json", "http_429"),
        (302, b"", "text/plain", "http_302"),
    ],
)
async def test_fake_portal_answers(
    aiohttp_server: Any, status: int, body: bytes, content_type: str, reason: str
) -> None:
    app, hits = _fake(status, body, content_type, Location="http://example.invalid/")
    server = await aiohttp_server(app)
    async with client_for(server) as client:
        result = await client.get_status(UNKNOWN_CODE)
    assert result.kind is ResultKind.UNAVAILABLE
    assert result.reason == reason
    assert len(hits) == 1  # no retry, and the redirect is not followed


async def test_extra_fields_are_tolerated_and_text_is_cleaned(aiohttp_server: Any) -> None:
    payload = json.dumps(
        {
            "code": UNKNOWN_CODE,
            "procedure_name": "  Đăng ký\u202e khai sinh\n",
            "status": "received",
            "received_date": "2025-07-08",
            "agency_name": "UBND xã Sóc Sơn",
            "future_field": [1, 2],
        }
    )
    app, _ = _fake(200, payload.encode())
    server = await aiohttp_server(app)
    async with client_for(server) as client:
        result = await client.get_status(UNKNOWN_CODE)
    assert result.kind is ResultKind.FOUND
    assert result.dossier is not None
    assert result.dossier.procedure_name == "Đăng ký khai sinh"
    assert result.dossier.appointment_date is None


async def test_impossible_date_from_portal_is_off_contract(aiohttp_server: Any) -> None:
    payload = json.dumps(
        {
            "code": UNKNOWN_CODE,
            "procedure_name": "Khai sinh",
            "status": "received",
            "received_date": "2025-02-31",
            "agency_name": "UBND",
        }
    )
    app, _ = _fake(200, payload.encode())
    server = await aiohttp_server(app)
    async with client_for(server) as client:
        result = await client.get_status(UNKNOWN_CODE)
    assert result.kind is ResultKind.UNAVAILABLE


async def test_portal_rejecting_the_code_gives_invalid_code(aiohttp_server: Any) -> None:
    app, hits = _fake(400, b'{"error": {"code": "invalid_code", "message": "no"}}')
    server = await aiohttp_server(app)
    async with client_for(server) as client:
        result = await client.get_status(UNKNOWN_CODE)
    assert result.kind is ResultKind.INVALID_CODE
    assert len(hits) == 1


async def test_passed_in_session_is_left_open_and_own_session_is_closed(portal: Any) -> None:
    async with aiohttp.ClientSession() as session:
        async with client_for(portal, session=session) as client:
            assert (await client.get_status(UNKNOWN_CODE)).kind is ResultKind.NOT_FOUND
        assert not session.closed
    client = client_for(portal)
    assert (await client.get_status(UNKNOWN_CODE)).kind is ResultKind.NOT_FOUND
    await client.close()
    await client.close()  # idempotent


def test_from_env_defaults_and_overrides() -> None:
    assert PortalClient.from_env({}).base_url == DEFAULT_BASE_URL
    client = PortalClient.from_env(
        {
            "PORTAL_BASE_URL": " https://portal.example.vn/gw/ ",
            "PORTAL_TIMEOUT": "2.5",
            "PORTAL_RETRIES": "1",
            "PORTAL_API_KEY": "k",
        }
    )
    assert client.base_url == "https://portal.example.vn/gw"


@pytest.mark.parametrize(
    "env",
    [
        {"PORTAL_BASE_URL": "ftp://portal.example.vn"},
        {"PORTAL_BASE_URL": "not a url"},
        {"PORTAL_TIMEOUT": "fast"},
        {"PORTAL_TIMEOUT": "0"},
        {"PORTAL_RETRIES": "many"},
        {"PORTAL_RETRIES": "100"},
    ],
)
def test_from_env_rejects_bad_configuration(env: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        PortalClient.from_env(env)


async def test_from_env_settings_are_applied(portal: Any) -> None:
    env = {
        "PORTAL_BASE_URL": str(portal.make_url("/")),
        "PORTAL_TIMEOUT": "0.3",
        "PORTAL_RETRIES": "0",
        "PORTAL_API_KEY": "env-key",
    }
    async with PortalClient.from_env(env, backoff=0) as client:
        result = await client.get_status(SPECIAL_BY_BEHAVIOUR["slow"])
    assert result.kind is ResultKind.UNAVAILABLE
    [request] = seen(portal)  # one attempt only: PORTAL_RETRIES=0, and the timeout fired
    assert request.headers["X-API-Key"] == "env-key"
