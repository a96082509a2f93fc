"""End to end: credentials.yml loading, and a real Sanic app built by Rasa's `register`."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic

from channels.zalo import ZaloConfig, ZaloConfigError, ZaloInput
from channels.zalo.store import TokenPair
from tests.fakes.fake_zalo import signed, user_event
from tests.fakes.zalo_harness import FIXED_NOW_MS, OA_SECRET, Harness, zalo_harness

CREDENTIALS = """
channels.zalo.ZaloInput:
  app_id: ${ZALO_APP_ID}
  oa_secret_key: ${ZALO_OA_SECRET_KEY}
  app_secret: ${ZALO_APP_SECRET}
  max_timestamp_skew_seconds: 120
"""


def test_credentials_yml_block_loads_through_rasa(tmp_path: Path, monkeypatch) -> None:
    from rasa.core.run import create_http_input_channels

    monkeypatch.setenv("ZALO_APP_ID", "app-from-env")
    monkeypatch.setenv("ZALO_OA_SECRET_KEY", "oa-secret-from-env")
    monkeypatch.setenv("ZALO_APP_SECRET", "app-secret-from-env")
    monkeypatch.setenv("ZALO_ACCESS_TOKEN", "acc-from-env")
    monkeypatch.setenv("ZALO_REFRESH_TOKEN", "ref-from-env")
    monkeypatch.setenv("ZALO_REDIS_URL", "redis://127.0.0.1:6379/0")
    path = tmp_path / "credentials.yml"
    path.write_text(CREDENTIALS, encoding="utf-8")

    [channel] = create_http_input_channels(None, str(path))

    assert isinstance(channel, ZaloInput)
    assert channel.name() == "zalo"
    config = channel.config
    assert (config.app_id, config.oa_secret_key, config.app_secret) == (
        "app-from-env",
        "oa-secret-from-env",
        "app-secret-from-env",
    )
    # Keys left out of the block come from the environment.
    assert (config.access_token, config.refresh_token) == ("acc-from-env", "ref-from-env")
    assert config.redis_url == "redis://127.0.0.1:6379/0"
    assert channel.redis is not None
    assert config.max_timestamp_skew_seconds == 120
    assert config.api_base_url == "https://openapi.zalo.me"
    assert config.oauth_base_url == "https://oauth.zaloapp.com"


def test_config_requires_app_id_and_secret() -> None:
    with pytest.raises(ZaloConfigError, match="ZALO_OA_SECRET_KEY"):
        ZaloConfig.from_mapping({"app_id": "a"}, environ={})
    with pytest.raises(ZaloConfigError, match="ZALO_APP_ID"):
        ZaloConfig.from_mapping({"oa_secret_key": "s"}, environ={})


def test_config_rejects_bad_numbers_and_trims_urls() -> None:
    base = {"app_id": "a", "oa_secret_key": "s"}
    with pytest.raises(ZaloConfigError):
        ZaloConfig.from_mapping({**base, "max_timestamp_skew_seconds": "five"}, environ={})
    with pytest.raises(ZaloConfigError):
        ZaloConfig.from_mapping({**base, "max_timestamp_skew_seconds": 0}, environ={})
    config = ZaloConfig.from_mapping(
        {**base, "api_base_url": "http://127.0.0.1:9/", "max_timestamp_skew_seconds": "60"},
        environ={"ZALO_OAUTH_BASE_URL": "http://127.0.0.1:8/"},
    )
    assert config.api_base_url == "http://127.0.0.1:9"
    assert config.oauth_base_url == "http://127.0.0.1:8"
    assert config.max_timestamp_skew_seconds == 60
    assert config.redis_url == ""


class StubAgent:
    """Plays Rasa's Agent: records messages and answers through their output channel."""

    def __init__(self) -> None:
        self.messages: list[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        await message.output_channel.send_response(
            message.sender_id,
            {
                "text": "Bác muốn hỏi gì ạ?",
                "buttons": [
                    {"title": "Giấy tờ cần chuẩn bị", "payload": "/ask_documents"},
                    {"title": "Lệ phí", "payload": "/ask_fee"},
                ],
            },
        )


@asynccontextmanager
async def served(connector: ZaloInput, agent: StubAgent) -> AsyncIterator[str]:
    Sanic.test_mode = True
    app = Sanic(f"zalo_e2e_{uuid.uuid4().hex}")
    app.ctx.agent = agent
    register([connector], app, route="/webhooks/")
    server = await app.create_server(
        host="127.0.0.1", port=0, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()
    await server.start_serving()
    assert server.server is not None
    port = server.server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()
        for conn in list(server.connections):
            conn.close_if_idle()
        for _ in range(200):  # teardown only: let idle connections finish closing
            if not server.connections:
                break
            await asyncio.sleep(0.01)
        for conn in list(server.connections):
            conn.abort()
        await server.after_stop()  # runs the blueprint's after_server_stop listener


@pytest.fixture
async def h() -> AsyncIterator[Harness]:
    async with zalo_harness() as harness:
        yield harness


async def test_webhook_through_rasa_register_and_sanic(h: Harness) -> None:
    connector = h.connector(use_redis=True)
    agent = StubAgent()
    connector_http = aiohttp.TCPConnector(force_close=True)
    async with (
        served(connector, agent) as base,
        aiohttp.ClientSession(connector=connector_http) as session,
    ):
        url = f"{base}/webhooks/zalo/webhook"
        async with session.get(f"{base}/webhooks/zalo/") as resp:
            assert resp.status == 200

        event = user_event(
            "user_send_text",
            sender_id="u-e2e",
            text="hoi",
            msg_id="e2e-1",
            timestamp_ms=FIXED_NOW_MS,
        )
        body, headers = signed(event, OA_SECRET)

        forged = dict(headers, **{"X-ZEvent-Signature": "mac=" + "ab" * 32})
        async with session.post(url, data=body, headers=forged) as resp:
            assert resp.status == 401
            assert await resp.json() == {"error": "bad_signature"}
        async with session.post(url, data=body) as resp:
            assert resp.status == 401
            assert await resp.json() == {"error": "missing_signature"}
        async with session.post(url, data=b"{oops", headers=headers) as resp:
            assert resp.status == 400
        await connector.wait_idle()
        assert agent.messages == []

        for _ in range(2):  # Zalo retrying the same delivery
            async with session.post(url, data=body, headers=headers) as resp:
                assert resp.status == 200
                assert await resp.json() == {"status": "ok"}
        await connector.wait_idle()
        assert [m.text for m in agent.messages] == ["hoi"]
        assert agent.messages[0].input_channel == "zalo"
        [shown] = h.fake.texts_to("u-e2e")
        assert "\n1. Giấy tờ cần chuẩn bị\n2. Lệ phí\n" in shown

        answer = user_event(
            "user_send_text",
            sender_id="u-e2e",
            text="số 2",
            msg_id="e2e-2",
            timestamp_ms=FIXED_NOW_MS,
        )
        body, headers = signed(answer, OA_SECRET)
        async with session.post(url, data=body, headers=headers) as resp:
            assert resp.status == 200
        await connector.wait_idle()
        assert [m.text for m in agent.messages] == ["hoi", "/ask_fee"]


def test_secrets_stay_out_of_repr() -> None:
    config = ZaloConfig.from_mapping(
        {
            "app_id": "a",
            "oa_secret_key": "oa-s3cret",
            "app_secret": "app-s3cret",
            "access_token": "acc-s3cret",
            "refresh_token": "ref-s3cret",
        },
        environ={},
    )
    assert "s3cret" not in repr(config)
    assert "s3cret" not in repr(TokenPair("acc-s3cret", "ref-s3cret"))
