"""Async client for the dossier-status HTTP contract (docs/PORTAL_API.md)."""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol

import aiohttp
from yarl import URL

from bot.portal.codes import normalize_code
from bot.portal.messages import describe
from bot.portal.models import (
    PortalDataError,
    ResultKind,
    StatusResult,
    decode_json,
    error_code_of,
    parse_dossier,
)

__all__ = ["DEFAULT_BASE_URL", "DossierStatusSource", "PortalClient", "StatusResult", "describe"]

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://127.0.0.1:8090"
USER_AGENT = "tro-ly-dich-vu-cong/0.1 (+portal-client)"
MAX_RETRIES = 5


class DossierStatusSource(Protocol):
    """What the bot needs from any portal integration (PortalClient is the HTTP one)."""

    async def get_status(self, code: str) -> StatusResult: ...


@dataclass(frozen=True)
class _Retry:
    reason: str


class PortalClient:
    """Looks up a dossier's status on a portal implementing API v1.

    Every attempt has its own total timeout (connect + send + read). Connection errors, timeouts
    and 5xx answers are retried ``retries`` times with a short exponential backoff; 4xx answers
    never are. Anything off-contract (wrong content type, bad JSON, huge body, schema violation,
    another dossier's code) gives ``UNAVAILABLE`` and a log line, never an exception.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 5.0,
        retries: int = 2,
        session: aiohttp.ClientSession | None = None,
        api_key: str | None = None,
        backoff: float = 0.25,
        max_body_bytes: int = 64 * 1024,
    ) -> None:
        url = URL(base_url.rstrip("/"))
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(
                f"portal base URL must be http(s)://host[:port][/path], got {base_url!r}"
            )
        if not timeout > 0:
            raise ValueError("timeout must be a positive number of seconds")
        if not 0 <= retries <= MAX_RETRIES:
            raise ValueError(f"retries must be between 0 and {MAX_RETRIES}")
        if backoff < 0 or max_body_bytes <= 0:
            raise ValueError("backoff must be >= 0 and max_body_bytes > 0")
        self._base = url
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._retries = retries
        self._backoff = backoff
        self._max_body = max_body_bytes
        self._api_key = api_key or None
        self._session = session
        self._owns_session = session is None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **kwargs: object) -> PortalClient:
        """Build a client from ``PORTAL_BASE_URL`` (default http://127.0.0.1:8090),
        ``PORTAL_TIMEOUT`` (seconds), ``PORTAL_RETRIES`` and ``PORTAL_API_KEY``.

        Raises ValueError naming the variable when a value is unusable (fail at start-up, not at
        the first citizen's question). Keyword arguments override the environment.
        """
        env = os.environ if env is None else env
        options: dict[str, object] = {}
        for name, key, convert in (
            ("PORTAL_TIMEOUT", "timeout", float),
            ("PORTAL_RETRIES", "retries", int),
        ):
            raw = env.get(name, "").strip()
            if raw:
                try:
                    options[key] = convert(raw)
                except ValueError as exc:
                    raise ValueError(f"{name}={raw!r} is not a valid number") from exc
        api_key = env.get("PORTAL_API_KEY", "").strip()
        if api_key:
            options["api_key"] = api_key
        options.update(kwargs)
        base_url = env.get("PORTAL_BASE_URL", "").strip() or DEFAULT_BASE_URL
        return cls(base_url, **options)  # type: ignore[arg-type]

    @property
    def base_url(self) -> str:
        return str(self._base)

    async def __aenter__(self) -> PortalClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session if this client created it (a passed-in session is left open)."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            if not self._owns_session:
                raise RuntimeError("the aiohttp session given to PortalClient is closed")
            self._session = aiohttp.ClientSession()
        return self._session

    def _headers(self, request_id: str) -> dict[str, str]:
        headers = {
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            "X-Request-ID": request_id,
        }
        if self._api_key:
            headers["X-API-Key"] = self._api_key
        return headers

    async def get_status(self, code: str) -> StatusResult:
        """Look up a dossier. The code is validated first: an invalid one never hits the network."""
        canonical = normalize_code(code)
        if canonical is None:
            return StatusResult(ResultKind.INVALID_CODE, reason="bad_format")
        url = self._base / "api" / "v1" / "dossiers" / canonical
        request_id = uuid.uuid4().hex
        reason = "unknown"
        for attempt in range(1, self._retries + 2):
            if attempt > 1 and self._backoff:
                await asyncio.sleep(self._backoff * 2 ** (attempt - 2))
            try:
                outcome = await self._attempt(url, canonical, request_id)
            except asyncio.TimeoutError:
                outcome = _Retry("timeout")
            except aiohttp.ClientError as exc:
                outcome = _Retry(f"connection:{type(exc).__name__}")
            except Exception:  # last line of defence: the citizen still gets an answer
                log.exception("portal look-up crashed request_id=%s code=%s", request_id, canonical)
                return StatusResult(ResultKind.UNAVAILABLE, canonical, reason="internal_error")
            if isinstance(outcome, StatusResult):
                return outcome
            reason = outcome.reason
            log.warning(
                "portal attempt %d/%d failed (%s) request_id=%s code=%s",
                attempt,
                self._retries + 1,
                reason,
                request_id,
                canonical,
            )
        return StatusResult(ResultKind.UNAVAILABLE, canonical, reason=reason)

    async def _attempt(self, url: URL, code: str, request_id: str) -> StatusResult | _Retry:
        session = self._get_session()
        async with session.get(
            url,
            headers=self._headers(request_id),
            timeout=self._timeout,
            allow_redirects=False,
        ) as resp:
            status = resp.status
            if 500 <= status <= 599:
                return _Retry(f"http_{status}")
            if status not in (200, 400, 404):
                # 3xx (never followed), 401/403 (key), 406, 429...: a configuration or contract
                # problem that retrying will not fix.
                return self._off_contract(code, request_id, f"http_{status}")
            if resp.content_type != "application/json":
                return self._off_contract(code, request_id, "bad_content_type")
            body = await self._read_limited(resp)
            if body is None:
                return self._off_contract(code, request_id, "body_too_large")
            try:
                return self._interpret(status, decode_json(body), code)
            except PortalDataError as exc:
                return self._off_contract(code, request_id, f"bad_response: {exc}")

    async def _read_limited(self, resp: aiohttp.ClientResponse) -> bytes | None:
        if resp.content_length is not None and resp.content_length > self._max_body:
            return None
        body = bytearray()
        async for chunk in resp.content.iter_chunked(16 * 1024):
            body += chunk
            if len(body) > self._max_body:
                return None
        return bytes(body)

    @staticmethod
    def _interpret(status: int, payload: object, code: str) -> StatusResult:
        if status == 200:
            dossier = parse_dossier(payload)
            if dossier.code != code:  # never show someone else's dossier
                raise PortalDataError("the portal answered about another dossier")
            return StatusResult(ResultKind.FOUND, code, dossier)
        error = error_code_of(payload)
        if status == 404 and error == "dossier_not_found":
            return StatusResult(ResultKind.NOT_FOUND, code, reason="not_found")
        if status == 400 and error == "invalid_code":
            return StatusResult(ResultKind.INVALID_CODE, code, reason="rejected_by_portal")
        raise PortalDataError(f"unexpected error body for HTTP {status}: {error!r}")

    @staticmethod
    def _off_contract(code: str, request_id: str, reason: str) -> StatusResult:
        log.error("portal answer off contract (%s) request_id=%s code=%s", reason, request_id, code)
        short = reason.split(":", 1)[0]
        return StatusResult(ResultKind.UNAVAILABLE, code, reason=short)
