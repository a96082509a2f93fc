"""Accessibility for older citizens: keyboard, zoom, sizes, contrast (axe), read-aloud."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from webchat_helpers import (
    AXE_JS,
    ServerProcess,
    chat_input,
    describe,
    launcher,
    open_chat,
    open_demo,
    run_axe,
    send,
    user_texts,
    wait_bot_text,
)

LONG_TEXT = (
    "Tôi muốn hỏi về https://dichvucong.hanoi.gov.vn/"
    + "thu-tuc-hanh-chinh/" * 8
    + " và "
    + "Nghiêng" * 30
)

# Everything in the widget's shadow root that is rendered, with its box and font size.
MEASURE_JS = """() => {
    const root = document.getElementById('dvc-webchat').shadowRoot;
    return [...root.querySelectorAll('*')].filter(el => el.getClientRects().length > 0
            && getComputedStyle(el).visibility !== 'hidden' && !el.closest('.sr-only')
            && !(el.getBoundingClientRect().width <= 1 && el.getBoundingClientRect().height <= 1))
        .map(el => {
            const r = el.getBoundingClientRect();
            const cs = getComputedStyle(el);
            return {
                tag: el.tagName.toLowerCase(), cls: String(el.className.baseVal ?? el.className),
                text: (el.textContent || '').trim().slice(0, 40),
                left: r.left, right: r.right, width: r.width, height: r.height,
                scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
                overflowX: cs.overflowX, fontSize: parseFloat(cs.fontSize),
                ownText: [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()),
            };
        });
}"""


def is_focused(locator: Locator) -> bool:
    return bool(locator.evaluate("el => el.matches(':focus')"))


def focus_ring(locator: Locator) -> tuple[str, float]:
    style = locator.evaluate(
        "el => { const cs = getComputedStyle(el); return [cs.outlineStyle, cs.outlineWidth]; }"
    )
    return style[0], float(style[1].rstrip("px"))


def chat_with_buttons(page: Page) -> None:
    send(page, "xin chào")
    wait_bot_text(page, "Bác muốn hỏi về việc gì")


def test_keyboard_only(page: Page, static_site: str, fake_rasa: ServerProcess) -> None:
    open_demo(page, static_site, fake_rasa.url)
    for _ in range(30):
        page.keyboard.press("Tab")
        if is_focused(launcher(page)):
            break
    assert is_focused(launcher(page)), "the chat button must be reachable with Tab"
    style, width = focus_ring(launcher(page))
    assert style == "solid" and width >= 3, "focus must be clearly visible"

    page.keyboard.press("Enter")
    expect(chat_input(page)).to_be_focused()
    page.keyboard.type("xin chào")
    page.keyboard.press("Enter")
    wait_bot_text(page, "Bác muốn hỏi về việc gì")
    expect(chat_input(page)).to_be_focused()

    # Shift+Enter makes a new line instead of sending.
    page.keyboard.type("dòng một")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("dòng hai")
    expect(chat_input(page)).to_have_value("dòng một\ndòng hai")
    expect(user_texts(page)).to_have_count(1)
    chat_input(page).fill("")

    choice = page.get_by_role("button", name="Tra cứu hồ sơ")
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        if is_focused(choice):
            break
    assert is_focused(choice), "quick replies must be reachable with Shift+Tab"
    style, width = focus_ring(choice)
    assert style == "solid" and width >= 3
    page.keyboard.press("Enter")
    expect(user_texts(page).last).to_have_text("Tra cứu hồ sơ")
    wait_bot_text(page, "nhập mã hồ sơ")
    expect(chat_input(page)).to_be_focused()

    # The send button is next in tab order and works with Space.
    page.keyboard.type("câu hỏi bằng nút Gửi")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Gửi")).to_be_focused()
    page.keyboard.press("Space")
    wait_bot_text(page, "«câu hỏi bằng nút Gửi»")

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Escape")
    expect(launcher(page)).to_be_focused()
    expect(page.locator("#dvc-webchat .panel")).to_be_hidden()
    assert fake_rasa.messages() == ["xin chào", "/tra_cuu_ho_so", "câu hỏi bằng nút Gửi"]


@pytest.mark.parametrize(
    ("name", "width", "height", "scale"),
    [("zoom-200", 640, 400, 2), ("zoom-400-reflow", 320, 640, 4)],
)
def test_zoom_has_no_horizontal_overflow_or_clipped_text(
    browser: Browser,
    static_site: str,
    fake_rasa: ServerProcess,
    artifacts,
    name: str,
    width: int,
    height: int,
    scale: int,
) -> None:
    # Browser zoom on a 1280x800 window is the same layout as a viewport of 1280/zoom CSS px
    # with zoom device pixels per CSS pixel.
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=scale, locale="vi-VN"
    )
    page = context.new_page()
    try:
        open_demo(page, static_site, fake_rasa.url)
        expect(launcher(page)).to_be_visible()
        launcher_box = launcher(page).bounding_box()
        assert launcher_box and launcher_box["x"] >= 0
        assert launcher_box["x"] + launcher_box["width"] <= width
        open_chat(page)
        chat_with_buttons(page)
        send(page, LONG_TEXT)
        wait_bot_text(page, "Đây là câu thứ 2")
        page.screenshot(path=str(artifacts / f"{name}.png"))

        page_width = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert page_width[0] <= page_width[1], f"page scrolls sideways: {page_width}"
        problems = []
        for el in page.evaluate(MEASURE_JS):
            if el["tag"] in ("path", "svg", "link"):
                continue
            if el["left"] < -1 or el["right"] > width + 1:
                problems.append(("off-screen", el))
            if el["scrollWidth"] > el["clientWidth"] + 1 and el["clientWidth"] > 0:
                problems.append(("clipped or scrolls sideways", el))
        assert not problems, problems
    finally:
        context.close()


def test_phone_layout_fills_the_screen(
    browser: Browser, static_site: str, fake_rasa: ServerProcess, artifacts
) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
    )
    page = context.new_page()
    try:
        open_demo(page, static_site, fake_rasa.url)
        page.screenshot(path=str(artifacts / "phone-closed.png"))
        launcher(page).tap()
        panel = page.locator("#dvc-webchat .panel")
        box = panel.bounding_box()
        assert box == {"x": 0, "y": 0, "width": 360, "height": 640}
        # No on-screen keyboard popping up over the chat until the citizen taps the box.
        expect(chat_input(page)).not_to_be_focused()
        expect(page.locator("#dvc-webchat .title")).to_be_focused()
        chat_with_buttons(page)
        page.get_by_role("button", name="Làm căn cước").tap()
        wait_bot_text(page, "Xem thêm")
        expect(chat_input(page)).not_to_be_focused()
        tools = page.locator("#dvc-webchat .tool")
        boxes = [tools.nth(i).bounding_box() for i in range(tools.count())]
        tops = {round(b["y"]) for b in boxes if b is not None}
        assert len(boxes) == 3 and len(tops) == 1, "the header buttons fit on one row"
        page.screenshot(path=str(artifacts / "phone-open.png"))
        sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert sizes[0] <= sizes[1]
    finally:
        context.close()


def test_text_sizes_and_tap_targets(page: Page, static_site: str, fake_rasa: ServerProcess) -> None:
    open_demo(page, static_site, fake_rasa.url)
    launcher_box = launcher(page).bounding_box()
    assert launcher_box and launcher_box["width"] >= 44 and launcher_box["height"] >= 44
    open_chat(page)
    chat_with_buttons(page)
    send(page, "câu hỏi dài https://dichvucong.gov.vn")
    wait_bot_text(page, "Đây là câu thứ 2")

    measured = page.evaluate(MEASURE_JS)
    texts = [e for e in measured if e["ownText"]]
    assert len(texts) > 10
    small = [e for e in texts if e["fontSize"] < 18]
    assert not small, f"text below 18px: {small}"
    body = [e for e in texts if "text" in e["cls"].split() or e["cls"] == "input"]
    assert body and all(e["fontSize"] >= 20 for e in body)

    controls = page.locator("#dvc-webchat button:visible, #dvc-webchat textarea")
    assert controls.count() >= 7  # tools, replies, send, input (and read-aloud where possible)
    for i in range(controls.count()):
        box = controls.nth(i).bounding_box()
        label = controls.nth(i).text_content()
        assert box and box["width"] >= 44 and box["height"] >= 44, (label, box)

    # "Chữ to" makes the text bigger, and is remembered.
    bubble = page.locator("#dvc-webchat .msg.bot .text").first
    before = float(bubble.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
    big = page.get_by_role("button", name="Chữ to")
    big.click()
    expect(big).to_have_attribute("aria-pressed", "true")
    after = float(bubble.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
    assert after >= before * 1.15
    page.reload()
    expect(page.get_by_role("button", name="Chữ to")).to_have_attribute("aria-pressed", "true")


def test_axe_finds_no_serious_violations(
    page: Page, static_site: str, fake_rasa: ServerProcess, artifacts
) -> None:
    open_demo(page, static_site, fake_rasa.url)
    expect(launcher(page)).to_be_visible()
    closed = run_axe(page, AXE_JS)
    assert not closed, describe(closed)

    open_chat(page)
    chat_with_buttons(page)
    page.get_by_role("button", name="Tra cứu hồ sơ").click()
    wait_bot_text(page, "nhập mã hồ sơ")
    send(page, "/hoi_thu_tuc")  # a reply with a link
    wait_bot_text(page, "Xem thêm")
    page.get_by_role("button", name="Bắt đầu lại").click()  # the confirm bar too
    opened = run_axe(page, AXE_JS)
    page.screenshot(path=str(artifacts / "axe-open.png"))
    assert not opened, describe(opened)

    page.get_by_role("button", name="Không").click()
    page.get_by_role("button", name="Chữ to").click()
    fake_rasa.stop()  # the reconnecting status and a pending message
    expect(page.locator("#dvc-webchat .status")).to_contain_text("Đang kết nối lại…")
    send(page, "câu hỏi chờ gửi")
    expect(page.locator("#dvc-webchat .pending")).to_be_visible()
    offline = run_axe(page, AXE_JS)
    page.screenshot(path=str(artifacts / "axe-big-offline.png"))
    assert not offline, describe(offline)


def test_bot_messages_are_announced_in_a_live_region(
    page: Page, static_site: str, fake_rasa: ServerProcess
) -> None:
    open_demo(page, static_site, fake_rasa.url)
    live = page.locator("#dvc-webchat [aria-live='polite'].sr-only")
    expect(live).to_have_count(1)
    open_chat(page)
    chat_with_buttons(page)
    expect(live).to_contain_text(
        "Trợ lý: Chào bác! Bác muốn hỏi về việc gì ạ? Các lựa chọn: Làm căn cước, Tra cứu hồ sơ"
    )
    # The citizen's own words are not read back to them.
    expect(live).not_to_contain_text("xin chào")
    expect(page.get_by_role("dialog", name="Hỏi đáp thủ tục")).to_be_visible()
    expect(page.get_by_role("region", name="Cuộc trò chuyện")).to_be_visible()


FAKE_SPEECH = """
(() => {
    const voices = %s;
    const spoken = [];
    window.__spoken = spoken;
    window.__cancelled = 0;
    const synth = new EventTarget();
    synth.getVoices = () => voices;
    synth.speak = (u) => spoken.push({text: u.text, lang: u.lang,
                                       voice: u.voice && u.voice.name, rate: u.rate});
    synth.cancel = () => { window.__cancelled += 1; };
    window.SpeechSynthesisUtterance = class {
        constructor(text) { this.text = text; this.lang = ''; this.voice = null; this.rate = 1; }
    };
    Object.defineProperty(window, 'speechSynthesis', {value: synth, configurable: true});
})();
"""


def test_read_aloud_uses_a_vietnamese_voice(
    page: Page, static_site: str, fake_rasa: ServerProcess
) -> None:
    page.add_init_script(
        FAKE_SPEECH
        % '[{"name": "English", "lang": "en-US"}, {"name": "Tiếng Việt", "lang": "vi-VN"}]'
    )
    open_demo(page, static_site, fake_rasa.url)
    open_chat(page)
    chat_with_buttons(page)
    expect(page.locator("#dvc-webchat .note")).to_be_hidden()
    read = page.get_by_role("button", name="Đọc to")
    expect(read).to_have_count(1)
    read.click()
    spoken = page.evaluate("window.__spoken")
    assert spoken, "nothing was spoken"
    assert {s["lang"] for s in spoken} == {"vi-VN"}
    assert {s["voice"] for s in spoken} == {"Tiếng Việt"}
    said = " ".join(s["text"] for s in spoken)
    assert "Chào bác!" in said and "Làm căn cước" in said
    stop = page.get_by_role("button", name="Dừng đọc")
    expect(stop).to_have_attribute("aria-pressed", "true")
    cancelled = page.evaluate("window.__cancelled")
    stop.click()
    assert page.evaluate("window.__cancelled") == cancelled + 1
    expect(page.get_by_role("button", name="Đọc to")).to_have_count(1)


def test_read_aloud_hidden_with_explanation_without_vietnamese_voice(
    page: Page, static_site: str, fake_rasa: ServerProcess
) -> None:
    page.add_init_script(FAKE_SPEECH % '[{"name": "English", "lang": "en-US"}]')
    open_demo(page, static_site, fake_rasa.url)
    open_chat(page)
    expect(page.locator("#dvc-webchat .note")).to_have_text(
        "Máy của bác chưa có giọng đọc tiếng Việt, nên chưa dùng được nút «Đọc to». "
        "Bác có thể phóng to chữ bằng nút «Chữ to»."
    )
    chat_with_buttons(page)
    expect(page.get_by_role("button", name="Đọc to")).to_have_count(0)
    assert page.evaluate("window.__spoken") == []
