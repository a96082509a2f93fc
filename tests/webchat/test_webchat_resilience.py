"""A dropped network loses nothing: messages typed offline wait in localStorage and go out
once the connection is back, in order and once each."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect
from webchat_helpers import (
    ServerProcess,
    bot_texts,
    launcher,
    open_chat,
    open_demo,
    send,
    status,
    user_texts,
    wait_bot_text,
)

RECONNECT_MS = 20000  # socket.io retries at most every 5 s (plus jitter)


def outbox(page: Page) -> list[dict]:
    return page.evaluate("JSON.parse(localStorage.getItem('dvc-webchat.outbox') || '[]')")


def pending(page: Page):
    return page.locator("#dvc-webchat .msg.user .pending")


def test_messages_typed_while_server_is_down_are_sent_on_reconnect(
    page: Page, static_site: str, fake_rasa: ServerProcess, artifacts
) -> None:
    open_demo(page, static_site, fake_rasa.url)
    open_chat(page)
    send(page, "xin chào")
    wait_bot_text(page, "Bác muốn hỏi về việc gì")
    session = fake_rasa.events("user_uttered")[0]["session_id"]

    fake_rasa.stop()
    expect(status(page)).to_contain_text("Đang kết nối lại…")
    send(page, "câu hỏi lúc mất mạng")
    expect(pending(page)).to_have_text(["Chưa gửi được, sẽ tự gửi khi có mạng."])
    page.screenshot(path=str(artifacts / "offline-queued.png"))

    # Even a reload while offline keeps the queued message.
    page.reload()
    expect(user_texts(page).last).to_have_text("câu hỏi lúc mất mạng")
    expect(pending(page)).to_have_count(1)
    expect(status(page)).to_contain_text("Đang kết nối lại…")
    send(page, "câu thứ hai lúc mất mạng")
    expect(pending(page)).to_have_count(2)
    assert [o["message"] for o in outbox(page)] == [
        "câu hỏi lúc mất mạng",
        "câu thứ hai lúc mất mạng",
    ]

    fake_rasa.start()
    wait_bot_text(page, "Bác vừa hỏi: «câu thứ hai lúc mất mạng»", timeout=RECONNECT_MS)
    expect(pending(page)).to_have_count(0)
    expect(status(page)).to_have_text("Đã kết nối lại.")
    assert fake_rasa.messages() == ["câu hỏi lúc mất mạng", "câu thứ hai lúc mất mạng"]
    assert {e["session_id"] for e in fake_rasa.events("user_uttered")} == {session}
    assert outbox(page) == []
    # Answers follow their questions.
    expect(bot_texts(page)).to_contain_text(
        [
            "Chào bác! Bác muốn hỏi về việc gì ạ?",
            "Bác vừa hỏi: «câu hỏi lúc mất mạng». Đây là câu thứ 1",
            "Bác vừa hỏi: «câu thứ hai lúc mất mạng». Đây là câu thứ 2",
        ]
    )


def test_answer_arriving_while_panel_is_closed_is_flagged(
    page: Page, static_site: str, fake_rasa: ServerProcess
) -> None:
    open_demo(page, static_site, fake_rasa.url)
    open_chat(page)
    send(page, "xin chào")
    wait_bot_text(page, "Bác muốn hỏi về việc gì")
    fake_rasa.stop()
    expect(status(page)).to_contain_text("Đang kết nối lại…")
    send(page, "hỏi rồi đóng cửa sổ")
    page.get_by_role("button", name="Đóng").click()
    expect(launcher(page)).to_be_focused()
    fake_rasa.start()
    expect(launcher(page)).to_contain_text("Có trả lời mới", timeout=RECONNECT_MS)
    launcher(page).click()
    wait_bot_text(page, "Bác vừa hỏi: «hỏi rồi đóng cửa sổ»")
    assert fake_rasa.messages() == ["hỏi rồi đóng cửa sổ"]


def test_browser_offline_event_queues_and_online_event_sends(
    page: Page, static_site: str, fake_rasa: ServerProcess
) -> None:
    open_demo(page, static_site, fake_rasa.url)
    open_chat(page)
    send(page, "xin chào")
    wait_bot_text(page, "Bác muốn hỏi về việc gì")

    context: BrowserContext = page.context
    context.set_offline(True)
    expect(status(page)).to_contain_text("Đang kết nối lại…")
    send(page, "mất sóng điện thoại")
    expect(pending(page)).to_have_text(["Chưa gửi được, sẽ tự gửi khi có mạng."])
    assert fake_rasa.messages() == ["xin chào"]

    context.set_offline(False)
    wait_bot_text(page, "Bác vừa hỏi: «mất sóng điện thoại»", timeout=RECONNECT_MS)
    expect(pending(page)).to_have_count(0)
    assert fake_rasa.messages() == ["xin chào", "mất sóng điện thoại"]
