"""Staff web app: access control, login, sessions, CSRF, headers, API, errors."""

from __future__ import annotations

import re
import ssl
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from aiohttp_session import Session
from cryptography.fernet import Fernet

from bot.feedback import FeedbackStore
from bot.webapp import WebConfig, create_app
from bot.webapp.auth import LoginThrottle
from bot.webapp.security import PUBLIC_ROUTES, SESSION_COOKIE, SessionStorage
from bot.webapp.testing import csrf_from_html, login

REPO = Path(__file__).resolve().parents[1]
MANAGER = ("quan.ly", "mat-khau-quan-ly-1")
VIEWER = ("can.bo", "mat-khau-can-bo-1")


def at(day: int, hour: int = 3) -> datetime:
    return datetime(2026, 10, day, hour, tzinfo=timezone.utc)


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[FeedbackStore]:
    s = FeedbackStore(f"sqlite:///{tmp_path}/web.db")
    s.bcrypt_rounds = 4
    s.create_user(*MANAGER, role="manager", can_see_personal_data=True)
    s.create_user(*VIEWER, role="viewer")
    # Four answers: 5, 4, 2, 1 -> 2 satisfied of 4 (50.0%).
    s.add_response(
        channel="zalo",
        flow="status",
        overall=5,
        commune="Xã Sóc Sơn",
        procedure_id="dang_ky_khai_sinh",
        created_at=at(1),
    )
    s.add_response(
        channel="zalo",
        flow="status",
        overall=4,
        commune="Xã Sóc Sơn",
        procedure_id="dang_ky_khai_sinh",
        created_at=at(2),
    )
    s.add_response(
        channel="webchat",
        flow="handoff",
        overall=2,
        commune="Xã Ba Vì",
        comment="Gọi lại giúp tôi 0912345678",
        consent_personal_data=True,
        consent_contact=True,
        phone="0987654321",
        created_at=at(3),
    )
    s.add_response(channel="zalo", flow="status", overall=1, commune="Xã Ba Vì", created_at=at(4))
    s.add_callback(
        channel="zalo",
        topic="Hỏi sổ đỏ",
        name="Nguyễn Văn Bình",
        phone="0912345678",
        consent_contact=True,
        commune="Xã Ba Vì",
        created_at=at(5),
    )
    yield s
    s.close()


AppFactory = Callable[..., web.Application]


@pytest.fixture()
def make_app(store: FeedbackStore, tmp_path: Path) -> AppFactory:
    def factory(**overrides: Any) -> web.Application:
        settings: dict[str, Any] = {
            "secret_key": Fernet.generate_key(),
            "bcrypt_rounds": 4,
            "webchat_dir": tmp_path / "no-widget",
            "demo_page": tmp_path / "no-demo.html",
        }
        settings.update(overrides)
        return create_app(WebConfig(**settings), store=store)

    return factory


@pytest.fixture()
async def client(aiohttp_client: Any, make_app: AppFactory) -> Any:
    return await aiohttp_client(make_app())


# -- access control ---------------------------------------------------------------------------

PATH_PARAMS = {"id": "1", "dataset": "responses", "fmt": "csv", "filename": "style.css"}


def concrete_routes(app: web.Application) -> list[tuple[str, str, str]]:
    """(method, path, route name) for every route of the app, with parameters filled in."""
    out = []
    for route in app.router.routes():
        resource = route.resource
        assert resource is not None
        info = resource.get_info()
        if "prefix" in info:  # static files
            path = str(info["prefix"]).rstrip("/") + "/style.css"
        elif "path" in info:
            path = str(info["path"])
        else:
            names = re.findall(r"\{(\w+)", str(info["formatter"]))
            unknown = set(names) - set(PATH_PARAMS)
            assert not unknown, f"add sample values for {unknown} to PATH_PARAMS"
            path = str(resource.url_for(**{n: PATH_PARAMS[n] for n in names}))
        out.append((route.method, path, resource.name or ""))
    return out


def test_public_routes_are_exactly_these() -> None:
    assert {"login", "login_post", "static", "webchat", "demo", "healthz"} == PUBLIC_ROUTES


async def test_every_private_route_refuses_requests_without_a_session(
    aiohttp_client: Any, make_app: AppFactory
) -> None:
    app = make_app()
    client = await aiohttp_client(app)
    routes = concrete_routes(app)
    private = [r for r in routes if r[2] not in PUBLIC_ROUTES]
    assert len(private) >= 13  # dashboard, lists, marks, exports, API, logout...
    for method, path, name in private:
        response = await client.request(method, path, allow_redirects=False)
        body = await response.read()
        if path.startswith("/api/"):
            assert response.status == 401, (method, path)
            if method != "HEAD":
                assert (await response.json())["error"]["status"] == 401
        else:
            assert response.status == 303, (method, path, name)
            assert response.headers["Location"].startswith("/login")
        assert b"50,0" not in body and b"0987654321" not in body


async def test_public_pages_open_without_login(client: Any) -> None:
    for path in ("/login", "/static/style.css", "/healthz"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 200, path


async def test_widget_files_are_public_and_frameable(
    aiohttp_client: Any, make_app: AppFactory, tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "widget.js").write_text("console.log('xin chào')", encoding="utf-8")
    demo = tmp_path / "demo.html"
    demo.write_text("<!doctype html><title>Demo</title>", encoding="utf-8")
    client = await aiohttp_client(make_app(webchat_dir=dist, demo_page=demo))
    js = await client.get("/webchat/widget.js")
    assert js.status == 200 and "xin chào" in await js.text()
    assert "X-Frame-Options" not in js.headers
    assert SESSION_COOKIE not in js.headers.get("Set-Cookie", "")
    page = await client.get("/demo")
    assert page.status == 200 and "Demo" in await page.text()
    assert "X-Frame-Options" not in page.headers
    assert (await client.get("/webchat/missing.js")).status == 404


async def test_widget_routes_absent_when_files_absent(client: Any) -> None:
    assert (await client.get("/demo", allow_redirects=False)).status == 404
    assert (await client.get("/webchat/widget.js", allow_redirects=False)).status == 404


# -- login, session, cookies -------------------------------------------------------------------


async def test_login_success_and_failure(client: Any) -> None:
    page = await client.get("/login?next=/callbacks")
    token = csrf_from_html(await page.text())
    bad = await client.post(
        "/login",
        data={"username": MANAGER[0], "password": "sai", "csrf_token": token},
        allow_redirects=False,
    )
    assert bad.status == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in await bad.text()
    assert (await client.get("/api/v1/session")).status == 401
    unknown = await client.post(
        "/login",
        data={"username": "khong.co", "password": "x" * 12, "csrf_token": token},
        allow_redirects=False,
    )
    assert unknown.status == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in await unknown.text()  # same message
    ok = await client.post(
        "/login",
        data={
            "username": MANAGER[0],
            "password": MANAGER[1],
            "csrf_token": token,
            "next": "/callbacks",
        },
        allow_redirects=False,
    )
    assert ok.status == 303 and ok.headers["Location"] == "/callbacks"
    session = await (await client.get("/api/v1/session")).json()
    assert session["username"] == MANAGER[0] and session["role"] == "manager"
    assert session["csrf_token"] != token  # rotated at login


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/\\evil"])
async def test_login_does_not_redirect_off_site(client: Any, target: str) -> None:
    token = csrf_from_html(await (await client.get("/login")).text())
    ok = await client.post(
        "/login",
        data={"username": VIEWER[0], "password": VIEWER[1], "csrf_token": token, "next": target},
        allow_redirects=False,
    )
    assert ok.status == 303 and ok.headers["Location"] == "/"


async def test_login_throttle(aiohttp_client: Any, make_app: AppFactory) -> None:
    client = await aiohttp_client(make_app(login_max_failures=3))
    token = csrf_from_html(await (await client.get("/login")).text())
    for _ in range(3):
        r = await client.post(
            "/login", data={"username": VIEWER[0], "password": "sai-sai-sai", "csrf_token": token}
        )
        assert r.status == 401
    blocked = await client.post(
        "/login",
        data={"username": VIEWER[0], "password": VIEWER[1], "csrf_token": token},
        allow_redirects=False,
    )
    assert blocked.status == 429
    assert "quá nhiều lần" in await blocked.text()
    assert (await client.get("/api/v1/session")).status == 401


async def test_cookie_flags(aiohttp_client: Any, make_app: AppFactory) -> None:
    client = await aiohttp_client(make_app())
    response = await client.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(SESSION_COOKIE + "=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http in this test, automatic mode
    forced = await aiohttp_client(make_app(cookie_secure=True))
    assert "Secure" in (await forced.get("/login")).headers["Set-Cookie"]


async def test_automatic_secure_flag_follows_https() -> None:
    storage = SessionStorage(Fernet(Fernet.generate_key()), secure=None)
    session = Session("x", data={"session": {"a": 1}, "created": 1}, new=True)
    session["a"] = 1
    for context, expected in ((ssl.create_default_context(), True), (None, False)):
        request = make_mocked_request("GET", "/", sslcontext=context)
        response = web.Response()
        await storage.save_session(request, response, session)
        morsel = response.cookies[SESSION_COOKIE]
        assert bool(morsel["secure"]) is expected
        assert morsel["httponly"] and morsel["samesite"] == "Lax"


async def test_logout_needs_csrf_and_ends_the_session(client: Any) -> None:
    token = await login(client, *VIEWER)
    refused = await client.post("/logout", allow_redirects=False)
    assert refused.status == 403
    assert (await client.get("/api/v1/session")).status == 200
    out = await client.post("/logout", data={"csrf_token": token}, allow_redirects=False)
    assert out.status == 303 and out.headers["Location"] == "/login"
    assert (await client.get("/api/v1/session")).status == 401
    assert (await client.get("/", allow_redirects=False)).status == 303


async def test_expired_session_is_refused(aiohttp_client: Any, make_app: AppFactory) -> None:
    client = await aiohttp_client(make_app(session_max_age=-1))
    page = await client.get("/login")
    token = csrf_from_html(await page.text())
    r = await client.post(
        "/login",
        data={"username": VIEWER[0], "password": VIEWER[1], "csrf_token": token},
        allow_redirects=False,
    )
    assert r.status == 303
    assert (await client.get("/api/v1/session")).status == 401


async def test_deactivated_account_loses_its_session(client: Any, store: FeedbackStore) -> None:
    await login(client, *VIEWER)
    assert (await client.get("/api/v1/session")).status == 200
    store.set_active(VIEWER[0], False)
    assert (await client.get("/api/v1/session")).status == 401


async def test_forged_cookie_is_ignored(client: Any) -> None:
    client.session.cookie_jar.update_cookies({SESSION_COOKIE: "gAAAAA-forged"})
    assert (await client.get("/api/v1/session")).status == 401
    other_key = Fernet(Fernet.generate_key())
    forged = other_key.encrypt(b'{"session": {"username": "quan.ly", "auth_at": 9e9}}')
    client.session.cookie_jar.update_cookies({SESSION_COOKIE: forged.decode()})
    assert (await client.get("/api/v1/session")).status == 401


# -- CSRF ---------------------------------------------------------------------------------------


async def test_csrf_on_forms_and_api(client: Any, store: FeedbackStore) -> None:
    token = await login(client, *MANAGER)
    followup_id = store.list_followups()[0][0]["id"]
    url = f"/followups/{followup_id}/handle"
    missing = await client.post(url, data={"note": "x"}, allow_redirects=False)
    wrong = await client.post(
        url, data={"note": "x", "csrf_token": "sai" + token}, allow_redirects=False
    )
    assert missing.status == 403 and wrong.status == 403
    assert "tải lại trang" in await wrong.text()
    api = f"/api/v1/followups/{followup_id}/handled"
    assert (await client.post(api, json={"note": "x"})).status == 403
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")  # always differs from the token
    r = await client.post(api, json={"note": "x"}, headers={"X-CSRF-Token": forged})
    assert r.status == 403 and (await r.json())["error"]["status"] == 403
    assert store.get_response(followup_id)["status"] == "new"  # type: ignore[index]
    ok = await client.post(
        url,
        data={"note": "Đã gọi lại", "csrf_token": token, "return_to": "/followups?status=all"},
        allow_redirects=False,
    )
    assert ok.status == 303 and ok.headers["Location"] == "/followups?status=all"
    row = store.get_response(followup_id)
    assert row is not None and (row["status"], row["handled_by"], row["staff_note"]) == (
        "handled",
        MANAGER[0],
        "Đã gọi lại",
    )


async def test_login_form_needs_csrf(client: Any) -> None:
    await client.get("/login")
    r = await client.post(
        "/login", data={"username": MANAGER[0], "password": MANAGER[1]}, allow_redirects=False
    )
    assert r.status == 403
    assert (await client.get("/api/v1/session")).status == 401


async def test_token_of_another_session_is_refused(
    aiohttp_client: Any, make_app: AppFactory, store: FeedbackStore
) -> None:
    app = make_app()
    alice, mallory = await aiohttp_client(app), await aiohttp_client(app)
    await login(alice, *MANAGER)
    mallory_token = await login(mallory, *VIEWER)
    callback_id = store.list_callbacks()[0][0]["id"]
    r = await alice.post(
        f"/api/v1/callbacks/{callback_id}/handled", json={}, headers={"X-CSRF-Token": mallory_token}
    )
    assert r.status == 403


# -- roles and API --------------------------------------------------------------------------


async def test_viewer_cannot_mark_handled(client: Any, store: FeedbackStore) -> None:
    token = await login(client, *VIEWER)
    fid = store.list_followups()[0][0]["id"]
    r = await client.post(
        f"/api/v1/followups/{fid}/handled", json={"note": "x"}, headers={"X-CSRF-Token": token}
    )
    assert r.status == 403
    assert "quản lý" in (await r.json())["error"]["message"]
    form = await client.post(
        f"/followups/{fid}/handle", data={"csrf_token": token}, allow_redirects=False
    )
    assert form.status == 403
    page = await (await client.get("/followups")).text()
    assert "Đánh dấu đã xử lý" not in page  # no button for viewers


async def test_api_summary_and_slices(client: Any) -> None:
    await login(client, *VIEWER)
    summary = await (await client.get("/api/v1/metrics/summary")).json()
    # overall 5, 4, 2, 1 -> 2 of 4 = 50.0%; Wilson: centre 0.5, half = 1.959964 *
    # sqrt(0.0625 + 0.060023) / 1.960365 = 0.349876 -> [15.0%, 85.0%]
    assert summary["summary"]["overall"] == {
        "satisfied": 2,
        "answered": 4,
        "percent": 50.0,
        "ci_low": 15.0,
        "ci_high": 85.0,
    }
    assert summary["summary"]["three_levels"] == {
        "very_satisfied": 1,
        "satisfied": 1,
        "not_satisfied": 2,
    }
    filtered = await (await client.get("/api/v1/metrics/summary?commune=Xã Sóc Sơn")).json()
    assert filtered["summary"]["overall"]["percent"] == 100.0
    assert filtered["filters"]["commune"] == "Xã Sóc Sơn"
    dated = await (await client.get("/api/v1/metrics/summary?date_from=2026-10-03")).json()
    assert dated["summary"]["overall"]["answered"] == 2
    slices = await (await client.get("/api/v1/metrics/slices?by=commune")).json()
    assert [(s["key"], s["summary"]["overall"]["percent"]) for s in slices["slices"]] == [
        ("Xã Ba Vì", 0.0),
        ("Xã Sóc Sơn", 100.0),
    ]
    months = await (await client.get("/api/v1/metrics/slices?by=month")).json()
    assert [(s["key"], s["label"]) for s in months["slices"]] == [("2026-10", "10/2026")]
    empty = await (await client.get("/api/v1/metrics/summary?channel=sms")).json()
    assert empty["summary"]["overall"]["percent"] is None


async def test_api_lists_mask_personal_data_for_viewers(
    aiohttp_client: Any, make_app: AppFactory
) -> None:
    app = make_app()
    viewer, manager = await aiohttp_client(app), await aiohttp_client(app)
    await login(viewer, *VIEWER)
    await login(manager, *MANAGER)
    for who, phone, cb_phone, name in (
        (viewer, "09******21", "09******78", "N. V. B."),
        (manager, "0987654321", "0912345678", "Nguyễn Văn Bình"),
    ):
        follow = await (await who.get("/api/v1/followups?status=new")).json()
        assert follow["total"] == 2  # the 2 and the 1
        with_phone = [i for i in follow["items"] if i["phone"]]
        assert [i["phone"] for i in with_phone] == [phone]
        assert with_phone[0]["comment"] == "Gọi lại giúp tôi 09******78"
        calls = await (await who.get("/api/v1/callbacks")).json()
        assert (calls["items"][0]["phone"], calls["items"][0]["name"]) == (cb_phone, name)
    html = await (await viewer.get("/followups")).text()
    assert "09******21" in html and "0987654321" not in html


async def test_api_mark_handled_and_missing_item(client: Any, store: FeedbackStore) -> None:
    token = await login(client, *MANAGER)
    cid = store.list_callbacks()[0][0]["id"]
    headers = {"X-CSRF-Token": token}
    r = await client.post(
        f"/api/v1/callbacks/{cid}/handled", json={"note": "Đã gọi 0912345678"}, headers=headers
    )
    assert r.status == 200
    assert await r.json() == {"id": cid, "status": "handled", "handled_by": MANAGER[0]}
    handled = await (await client.get("/api/v1/callbacks?status=handled")).json()
    assert handled["items"][0]["staff_note"] == "Đã gọi 09******78"
    assert (await (await client.get("/api/v1/callbacks?status=new")).json())["total"] == 0
    missing = await client.post("/api/v1/callbacks/999999/handled", json={}, headers=headers)
    assert missing.status == 404


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("/api/v1/metrics/summary?date_from=2026-13-45", "Từ ngày"),
        ("/api/v1/metrics/summary?date_to=hôm-qua", "Đến ngày"),
        ("/api/v1/metrics/summary?date_from=2026-11-02&date_to=2026-11-01", "phải trước"),
        ("/api/v1/metrics/summary?date_from=1900-01-01", "Từ ngày"),
        ("/api/v1/metrics/summary?channel=bồ-câu", "Kênh"),
        ("/api/v1/metrics/slices?by=district", "Cách chia"),
        ("/api/v1/followups?page=-1", "page"),
        ("/api/v1/followups?page=abc", "page"),
        ("/api/v1/followups?page_size=100000", "page_size"),
        ("/api/v1/followups?status=maybe", "Trạng thái"),
        ("/api/v1/callbacks?commune=" + "x" * 5000, "quá dài"),
    ],
)
async def test_bad_query_parameters_give_400_with_a_message(
    client: Any, path: str, needle: str
) -> None:
    await login(client, *VIEWER)
    r = await client.get(path)
    assert r.status == 400
    body = await r.json()
    assert needle in body["error"]["message"] + body["error"].get("detail", "")


async def test_bad_filters_on_html_pages_give_a_polite_400(client: Any) -> None:
    await login(client, *VIEWER)
    for path in ("/?date_from=31/02/2026", "/followups?page=0", "/export/responses.csv?date_to=x"):
        r = await client.get(path)
        text = await r.text()
        assert r.status == 400, path
        assert "Traceback" not in text and "Không thực hiện được" in text


@pytest.mark.parametrize(
    ("body", "content_type", "status", "needle"),
    [
        (b"{not json", "application/json", 400, "JSON không hợp lệ"),
        (b"[1, 2]", "application/json", 400, "đối tượng"),
        (b'{"note": 5}', "application/json", 400, "Ghi chú"),
        (('{"note": "' + "x" * 1001 + '"}').encode(), "application/json", 400, "dài quá"),
        (b"\xff\xfe\x00", "application/json", 400, "JSON"),
        (b"[" * 20_000, "application/json", 400, "JSON"),
        (b"x" * (2 * 1024 * 1024), "application/json", 413, "quá lớn"),
    ],
    ids=["broken", "array", "note-number", "note-long", "not-utf8", "deep-nesting", "huge"],
)
async def test_hostile_api_bodies(
    client: Any, store: FeedbackStore, body: bytes, content_type: str, status: int, needle: str
) -> None:
    token = await login(client, *MANAGER)
    fid = store.list_followups()[0][0]["id"]
    r = await client.post(
        f"/api/v1/followups/{fid}/handled",
        data=body,
        headers={"X-CSRF-Token": token, "Content-Type": content_type},
    )
    assert r.status == status
    assert needle in (await r.json())["error"]["message"]
    assert store.get_response(fid)["status"] == "new"  # type: ignore[index]


async def test_bad_ids(client: Any) -> None:
    token = await login(client, *MANAGER)
    for raw in ("abc", "0", "99999999999999999999", "-3"):
        r = await client.post(
            f"/api/v1/followups/{raw}/handled", json={}, headers={"X-CSRF-Token": token}
        )
        assert r.status == 400, raw


# -- pages, headers, errors --------------------------------------------------------------------


async def test_dashboard_shows_numbers_and_has_no_inline_script_or_style(client: Any) -> None:
    await login(client, *VIEWER)
    r = await client.get("/")
    html = await r.text()
    assert r.status == 200
    assert "50,0%" in html and "15,0% – 85,0%" in html
    for aspect in ("Tiếp cận dịch vụ", "Thủ tục hành chính", "Kết quả dịch vụ"):
        assert aspect in html
    assert "Xã Ba Vì" in html and "Đăng ký khai sinh" in html
    for page in ("/", "/followups", "/callbacks", "/login"):
        body = await (await client.get(page)).text()
        assert "<script" not in body
        assert not re.search(r"\sstyle=|\son[a-z]+=", body), page


async def test_dashboard_with_no_data_and_filters(client: Any) -> None:
    await login(client, *VIEWER)
    r = await client.get("/?channel=sms&date_from=2026-01-01&date_to=2026-01-31")
    assert r.status == 200
    assert "Chưa có phiếu nào trong phạm vi đã chọn." in await r.text()


async def test_security_headers(client: Any) -> None:
    await login(client, *VIEWER)
    for path in ("/", "/api/v1/metrics/summary", "/export/responses.csv", "/nope"):
        r = await client.get(path)
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Cache-Control"] == "no-store", path
    static = await client.get("/static/style.css")
    assert "no-store" not in static.headers["Cache-Control"]


async def test_errors_are_polite_pages_without_stack_traces(
    client: Any, store: FeedbackStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await login(client, *VIEWER)
    missing = await client.get("/khong-co-trang-nay")
    assert missing.status == 404 and "Không tìm thấy trang" in await missing.text()
    wrong_method = await client.delete("/")
    assert wrong_method.status == 405
    assert "Thao tác này không được hỗ trợ" in await wrong_method.text()

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(store, "rating_rows", boom)
    page = await client.get("/")
    text = await page.text()
    assert page.status == 500
    assert "Hệ thống đang gặp sự cố" in text
    assert "Traceback" not in text and "secret internal detail" not in text
    api = await client.get("/api/v1/metrics/summary")
    assert api.status == 500
    assert "secret internal detail" not in await api.text()


async def test_lists_pages_render_and_paginate(client: Any, store: FeedbackStore) -> None:
    for i in range(60):
        store.add_response(channel="zalo", flow="status", overall=1, comment=f"phiếu {i}")
    await login(client, *MANAGER)
    first = await (await client.get("/followups")).text()
    assert "Trang 1 / 2" in first and "Đánh dấu đã xử lý" in first
    second = await (await client.get("/followups?page=2")).text()
    assert "Trang 2 / 2" in second
    calls = await (await client.get("/callbacks")).text()
    assert "Nguyễn Văn Bình" in calls and "Hỏi sổ đỏ" in calls


# -- OpenAPI ------------------------------------------------------------------------------------


async def test_openapi_documents_every_api_route(client: Any, make_app: AppFactory) -> None:
    await login(client, *VIEWER)
    spec = await (await client.get("/api/v1/openapi.json")).json()
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    actual = set()
    for route in make_app().router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = str(info.get("path") or info.get("formatter") or "")
        if path.startswith("/api/") and route.method != "HEAD":
            actual.add((path, route.method))
    assert actual == documented


def test_docs_copy_of_openapi_is_in_sync() -> None:
    packaged = yaml.safe_load((REPO / "bot/webapp/openapi.yaml").read_text(encoding="utf-8"))
    docs = yaml.safe_load((REPO / "docs/openapi.yaml").read_text(encoding="utf-8"))
    assert packaged == docs


def test_throttle_window_and_shared_address() -> None:
    now = [1000.0]
    throttle = LoginThrottle(3, 60, clock=lambda: now[0])
    for _ in range(3):
        throttle.failed("user:a", "ip:office")
    assert throttle.blocked("user:a", "ip:office")
    # a colleague behind the same office address is not locked out by someone else's typos
    assert not throttle.blocked("user:b", "ip:office")
    now[0] += 61  # the window slides
    assert not throttle.blocked("user:a", "ip:office")
    for i in range(30):
        throttle.failed(f"user:x{i}", "ip:sprayer")
    assert throttle.blocked("user:new", "ip:sprayer")  # password spraying from one address
    throttle.succeeded("user:a")
    assert not throttle.blocked("user:a", "ip:elsewhere")
