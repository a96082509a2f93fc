"""The chat itself: messages, quick replies, session continuity, starting over."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from webchat_helpers import (
    ServerProcess,
    bot_texts,
    chat_input,
    open_chat,
    open_demo,
    send,
    user_texts,
    wait_bot_text,
)


@pytest.mark.parametrize("server_fixture", ["fake_rasa", "rasa_channel"])
def test_chat_buttons_and_reload_continue_the_session(
    page: Page, static_site: str, artifacts, server_fixture: str, request: pytest.FixtureRequest
) -> None:
    server: ServerProcess = request.getfixturevalue(server_fixture)
    open_demo(page, static_site, server.url)
    open_chat(page)
    expect(page.locator("#dvc-webchat .welcome")).to_contain_text("Chào bác!")

    send(page, "xin chào")
    expect(user_texts(page).last).to_have_text("xin chào")
    expect(chat_input(page)).to_have_value("")
    wait_bot_text(page, "Bác muốn hỏi về việc gì")
    choice = page.get_by_role("button", name="Tra cứu hồ sơ")
    other = page.get_by_role("button", name="Làm căn cước")
    expect(choice).to_be_enabled()

    choice.click()
    # The title is shown as the citizen's message; the payload is what Rasa receives.
    expect(user_texts(page).last).to_have_text("Tra cứu hồ sơ")
    wait_bot_text(page, "nhập mã hồ sơ")
    expect(choice).to_be_disabled()
    expect(other).to_be_disabled()
    assert server.messages() == ["xin chào", "/tra_cuu_ho_so"]
    session_ids = {e["session_id"] for e in server.events("user_uttered")}
    assert len(session_ids) == 1
    metadata = [e["metadata"] for e in server.events("user_uttered")]
    assert all(len(m["client_msg_id"]) == 32 for m in metadata)
    page.screenshot(path=str(artifacts / f"chat-{server_fixture}.png"))

    page.reload()
    # The panel stays open, the transcript is back and the server sees the same session.
    expect(chat_input(page)).to_be_visible()
    expect(user_texts(page)).to_have_text(["xin chào", "Tra cứu hồ sơ"])
    expect(bot_texts(page).first).to_contain_text("Bác muốn hỏi về việc gì")
    send(page, "còn giấy khai sinh thì sao")
    wait_bot_text(page, "Đây là câu thứ 3 của bác")
    assert {e["session_id"] for e in server.events("user_uttered")} == session_ids


def test_legacy_buttons_and_links(page: Page, static_site: str, fake_rasa: ServerProcess) -> None:
    open_demo(page, static_site, fake_rasa.url)
    open_chat(page)
    send(page, "nút kiểu cũ")
    wait_bot_text(page, "Bác chọn một mục")
    page.get_by_role("button", name="Hỏi đáp").click()
    expect(user_texts(page).last).to_have_text("Hỏi đáp")
    wait_bot_text(page, "Bác vừa hỏi: «/hoi_dap»")

    send(page, "/hoi_thu_tuc")
    # Rasa splits texts on blank lines: two bubbles, the https link clickable and safe.
    wait_bot_text(page, "Để làm căn cước")
    link = page.locator("#dvc-webchat .msg.bot a").last
    expect(link).to_have_attribute("href", "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")


def test_empty_message_gets_a_hint_and_sends_nothing(
    page: Page, static_site: str, fake_rasa: ServerProcess
) -> None:
    open_demo(page, static_site, fake_rasa.url)
    open_chat(page)
    chat_input(page).fill("   \n  ")
    chat_input(page).press("Enter")
    expect(page.locator("#dvc-webchat .hint")).to_have_text(
        "Bác hãy gõ câu hỏi vào ô trên rồi bấm «Gửi»."
    )
    expect(user_texts(page)).to_have_count(0)
    send(page, "xin chào")
    wait_bot_text(page, "Bác muốn hỏi về việc gì")
    expect(page.locator("#dvc-webchat .hint")).to_be_hidden()
    assert fake_rasa.messages() == ["xin chào"]


def test_long_input_is_capped(page: Page, static_site: str, fake_rasa: ServerProcess) -> None:
    open_demo(page, static_site, fake_rasa.url)
    open_chat(page)
    chat_input(page).fill("a" * 5000)
    # The textarea refuses characters past its limit; what is sent is what is shown.
    assert len(chat_input(page).input_value()) == 1000
    chat_input(page).press("Enter")
    wait_bot_text(page, "Đây là câu thứ 1")
    assert fake_rasa.messages() == ["a" * 1000]


def test_start_over_clears_history_and_session(
    page: Page, static_site: str, fake_rasa: ServerProcess
) -> None:
    open_demo(page, static_site, fake_rasa.url)
    open_chat(page)
    send(page, "câu hỏi cũ")
    wait_bot_text(page, "Đây là câu thứ 1")
    first_session = fake_rasa.events("user_uttered")[0]["session_id"]

    page.get_by_role("button", name="Bắt đầu lại").click()
    keep = page.get_by_role("button", name="Không")
    expect(keep).to_be_focused()
    keep.click()
    expect(user_texts(page)).to_have_count(1)

    page.get_by_role("button", name="Bắt đầu lại").click()
    page.get_by_role("button", name="Xoá và bắt đầu lại").click()
    expect(user_texts(page)).to_have_count(0)
    expect(bot_texts(page)).to_have_count(0)
    expect(page.locator("#dvc-webchat .welcome")).to_be_visible()
    send(page, "câu hỏi mới")
    wait_bot_text(page, "Đây là câu thứ 1")
    sessions = [e["session_id"] for e in fake_rasa.events("user_uttered")]
    assert sessions[0] == first_session and sessions[1] != first_session

    page.reload()
    expect(user_texts(page)).to_have_text(["câu hỏi mới"])
