"""The widget against the real stack: the staff web app serves /demo and /webchat/, Rasa
answers through its socketio channel with the trained model.

`live_stack` comes from tests/conftest.py (provided by the stack's owner): an object with
`.webapp_url` (serves /demo and /webchat/ without login) and `.rasa_url` (Rasa's HTTP root,
where the socketio channel listens at /socket.io/).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect
from webchat_helpers import bot_texts, chat_input, open_chat, send, user_texts

ANSWER_MS = 60000  # a real model on 2 shared cores can be slow on the first message

AIM_AT_RASA = """
new MutationObserver((records, observer) => {
    for (const script of document.querySelectorAll('script[src$="/webchat/widget.js"]')) {
        script.removeAttribute('data-socket-port');
        script.setAttribute('data-socket-url', RASA_URL);
        observer.disconnect();
    }
}).observe(document, {childList: true, subtree: true});
"""


def test_chat_through_webapp_and_rasa(
    built_widget: Path, page: Page, live_stack: Any, artifacts: Path
) -> None:
    # built_widget first: the web app serves /webchat/ only if dist/ exists when it starts.
    webapp = str(live_stack.webapp_url).rstrip("/")
    rasa = str(live_stack.rasa_url).rstrip("/")

    # The page is the web app's own /demo, untouched on the wire (a page rewritten by the
    # test would lose its loopback origin and Chromium's Local Network Access checks would
    # then block the socket). demo.html aims at port 5005 on the page's host; this points the
    # script tag at the Rasa that the fixture started, before the deferred widget runs.
    page.add_init_script(AIM_AT_RASA.replace("RASA_URL", json.dumps(rasa)))
    widget_js = page.request.get(f"{webapp}/webchat/widget.js")
    assert widget_js.ok, f"/webchat/widget.js: HTTP {widget_js.status}"
    assert "dvc-webchat" in widget_js.text()[:300]

    response = page.goto(f"{webapp}/demo")
    assert response is not None and response.ok, "the demo page must be served without login"
    assert page.locator('script[src="/webchat/widget.js"]').get_attribute("data-socket-url") == rasa
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cổng Dịch vụ công")
    open_chat(page)

    send(page, "xin chào")
    expect(user_texts(page).last).to_have_text("xin chào")
    expect(bot_texts(page).first).to_be_visible(timeout=ANSWER_MS)
    replies = page.locator("#dvc-webchat .reply:enabled")
    expect(replies.first).to_be_visible(timeout=ANSWER_MS)
    page.screenshot(path=str(artifacts / "e2e-greeting.png"))

    answers_before = bot_texts(page).count()
    choice = replies.first
    title = (choice.text_content() or "").strip()
    assert title
    choice.click()
    expect(user_texts(page).last).to_have_text(title)
    expect(bot_texts(page)).not_to_have_count(answers_before, timeout=ANSWER_MS)
    expect(page.locator("#dvc-webchat .pending")).to_have_count(0, timeout=ANSWER_MS)
    expect(chat_input(page)).to_be_editable()
    page.screenshot(path=str(artifacts / "e2e-after-button.png"))


def test_finish_a_survey_in_the_widget(
    built_widget: Path, page: Page, live_stack: Any, artifacts: Path
) -> None:
    """A citizen rates the service with taps only; the answer is stored with channel webchat."""
    from bot.feedback import FeedbackStore

    webapp = str(live_stack.webapp_url).rstrip("/")
    rasa = str(live_stack.rasa_url).rstrip("/")
    page.add_init_script(AIM_AT_RASA.replace("RASA_URL", json.dumps(rasa)))
    page.goto(f"{webapp}/demo")
    open_chat(page)
    store = FeedbackStore(live_stack.env["FEEDBACK_DB_URL"])
    before = len([r for r in store.list_responses() if r["channel"] == "webchat"])

    def tap(title: str) -> None:
        exact = re.compile(rf"^\s*{re.escape(title)}\s*$")
        button = page.locator("#dvc-webchat .reply:enabled", has_text=exact).last
        expect(button).to_be_visible(timeout=ANSWER_MS)
        count = bot_texts(page).count()
        button.click()
        expect(bot_texts(page)).not_to_have_count(count, timeout=ANSWER_MS)

    send(page, "tôi muốn góp ý")
    expect(page.locator("#dvc-webchat .reply:enabled", has_text="Rất hài lòng").last).to_be_visible(
        timeout=ANSWER_MS
    )
    tap("Hài lòng")
    for _ in range(4):  # three aspects, then the comment
        tap("Bỏ qua")
    tap("Không, cảm ơn")
    expect(bot_texts(page).last).to_contain_text("cảm ơn bác", timeout=ANSWER_MS)
    page.screenshot(path=str(artifacts / "e2e-survey-done.png"))
    rows = [r for r in store.list_responses() if r["channel"] == "webchat"]
    assert len(rows) == before + 1
    assert rows[0]["overall"] == 4
