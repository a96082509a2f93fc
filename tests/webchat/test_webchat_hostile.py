"""Hostile or malformed content renders as text and never breaks the widget."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from webchat_helpers import (
    ServerProcess,
    bot_texts,
    open_chat,
    open_demo,
    send,
    user_texts,
    wait_bot_text,
)

HOSTILE_USER = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'


def widget_tags(page: Page, selector: str) -> int:
    return int(
        page.evaluate(
            "s => document.getElementById('dvc-webchat').shadowRoot.querySelectorAll(s).length",
            selector,
        )
    )


def test_hostile_bot_and_user_text_is_rendered_as_text(
    page: Page, static_site: str, fake_rasa: ServerProcess
) -> None:
    open_demo(page, static_site, fake_rasa.url)
    open_chat(page)
    send(page, HOSTILE_USER)
    expect(user_texts(page).last).to_have_text(HOSTILE_USER)
    wait_bot_text(page, "Bác vừa hỏi")

    send(page, "tin độc")
    hostile = wait_bot_text(page, "onerror")
    # Exactly the characters the bot sent, as text.
    expect(hostile).to_contain_text('<img src=x onerror="window.__pwned=1"> <script>')
    expect(hostile).to_contain_text("<b>đậm</b>")
    reply = page.get_by_role("button", name="<img src=x onerror=window.__pwned=1>")
    expect(reply).to_be_visible()

    assert widget_tags(page, "img, script, b, iframe, object") == 0
    assert page.evaluate("window.__pwned") is None
    # Only the https address became a link; javascript: and http: stay plain text.
    links = page.locator("#dvc-webchat .msg a")
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html")
    expect(hostile).to_contain_text("javascript:window.__pwned=1 http://khong-an-toan.example/x")

    # The malformed messages after it (a javascript: image, a non-string text, a list) are
    # dropped or shown safely, and the chat still works.
    send(page, "vẫn hỏi được chứ")
    wait_bot_text(page, "«vẫn hỏi được chứ»")
    assert widget_tags(page, "img") == 0
    assert bot_texts(page).count() == 4  # reply, hostile text, image fallback, last reply

    reply.click()
    expect(user_texts(page).last).to_have_text("<img src=x onerror=window.__pwned=1>")
    assert fake_rasa.messages()[-1] == "/doc"
    assert page.evaluate("window.__pwned") is None


def test_corrupted_local_storage_is_ignored(
    page: Page, static_site: str, fake_rasa: ServerProcess
) -> None:
    open_demo(page, static_site, fake_rasa.url)
    page.evaluate(
        """() => {
            localStorage.setItem('dvc-webchat.log', '{not json');
            localStorage.setItem('dvc-webchat.outbox', JSON.stringify([{id: 5}, null, 'x']));
            localStorage.setItem('dvc-webchat.session', JSON.stringify({'$gt': ''}));
            localStorage.setItem('dvc-webchat.active', JSON.stringify(Date.now()));
        }"""
    )
    page.reload()
    open_chat(page)
    expect(user_texts(page)).to_have_count(0)
    send(page, "xin chào")
    wait_bot_text(page, "Bác muốn hỏi về việc gì")
    sessions = [e["session_id"] for e in fake_rasa.events("session_request")]
    assert sessions and all(isinstance(s, str) and len(s) == 32 for s in sessions)
    assert fake_rasa.messages() == ["xin chào"]
