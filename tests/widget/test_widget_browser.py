"""The web widget in headless Chromium, talking to the assistant: what a visitor of an NGO's site sees."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from lingua import Language, LanguageDetectorBuilder
from playwright.sync_api import expect

from bot.channels.sessions import SENDER_PREFIX

from .chat import Chat
from .conftest import OPEN_SHADOW
from .wstap import WsTap

pytestmark = pytest.mark.browser

DETECTOR = LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.SPANISH).build()
XSS = "<img src=x onerror=alert(1)>"


def language_of(texts: list[str]) -> Language | None:
    return DETECTOR.detect_language_of(" ".join(texts))


def open_chat(page, servers) -> Chat:
    return Chat(page).goto(servers.widget).open()


def with_buttons(chat: Chat) -> None:
    """Get the assistant to offer buttons: a greeting does in this assistant."""
    for prompt in ("hello", "help"):
        chat.say(prompt)
        if chat.replies.count():
            return
    pytest.fail("the assistant offered no buttons after 'hello' or 'help'")


def tracker_user_texts(servers, session_id: str) -> list[str]:
    """What the assistant stored of a widget session (read as a maintainer: admin token, loopback)."""
    tracker = servers.assistant.tracker(SENDER_PREFIX + session_id)
    return [e.get("text") for e in tracker.get("events", []) if e.get("event") == "user"]


# ---------- conversations ----------


def test_english_conversation_gets_english_replies(page, servers):
    chat = open_chat(page, servers)
    replies = chat.say("hello")
    assert chat.texts(chat.user_messages) == ["hello"]
    assert replies, "no reply to 'hello'"
    assert language_of(replies) == Language.ENGLISH, replies


def test_spanish_conversation_gets_spanish_replies(page, servers):
    chat = open_chat(page, servers)
    replies = chat.say("hola, ¿qué es la trata de personas?")
    assert replies, "no reply to the Spanish question"
    assert language_of(replies) == Language.SPANISH, replies


def test_language_switch_changes_labels_and_tells_the_assistant(page, servers):
    chat = open_chat(page, servers)
    expect(chat.quick_exit_button()).to_have_text("Quick exit")
    page.locator('.cta-lang[data-lang="es"]').click()
    expect(page.locator('.cta-lang[data-lang="es"]')).to_have_attribute("aria-pressed", "true")
    expect(chat.quick_exit_button()).to_have_text("Salida rápida")
    expect(chat.input).to_have_attribute("placeholder", "Escribe un mensaje")
    expect(page.locator(".cta-send")).to_have_text("Enviar")
    replies = chat.wait_for_bot_messages(1)
    chat.settle()
    assert chat.user_messages.count() == 0, "the switch command must not show up as a user message"
    assert language_of(chat.texts(chat.bot_messages)) == Language.SPANISH, replies
    assert '/switch_language{"language":"es"}' in tracker_user_texts(servers, chat.stored()["sessionId"])


def test_button_press_shows_title_and_sends_payload(page, servers):
    chat = open_chat(page, servers)
    with_buttons(chat)
    button = chat.replies.first
    title = button.inner_text().strip()
    bots_before = chat.bot_messages.count()
    button.click()
    expect(chat.user_messages.last).to_have_text(title)
    chat.wait_for_bot_messages(bots_before + 1)
    expect(chat.input).to_be_focused()
    assert not any(text.startswith("/") for text in chat.texts(chat.user_messages)), "a payload was shown"
    sent = tracker_user_texts(servers, chat.stored()["sessionId"])
    assert title not in sent[-1:], "the button's payload, not its title, must reach the assistant"


def test_typing_indicator_shows_until_the_reply_arrives(page, servers):
    tap = WsTap(page)
    chat = open_chat(page, servers)
    typing = page.locator(".cta-typing")
    tap.hold_bot = True
    chat.send("hello")
    expect(typing).to_be_visible()
    expect(typing).to_contain_text("The assistant is writing")  # read out by screen readers
    tap.release()
    chat.wait_for_bot_messages(1)
    expect(typing).to_be_hidden()


# ---------- safety ----------


def assert_forgotten_on_server(servers, session_id: str) -> None:
    """The assistant's stored conversation is gone too: its tracker has no user message left."""
    deadline = time.monotonic() + 15
    while tracker_user_texts(servers, session_id) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert tracker_user_texts(servers, session_id) == [], "quick exit must delete the server-side conversation"


def test_quick_exit_button_erases_chat_and_leaves(page, servers):
    chat = open_chat(page, servers)
    chat.say("hello")
    stored = chat.stored()
    assert stored["messages"], "the conversation should be kept in sessionStorage while chatting"
    history = page.evaluate("history.length")
    chat.quick_exit_button().click()
    page.wait_for_url(servers.exit)
    assert_forgotten_on_server(servers, stored["sessionId"])
    expect(page.locator("#weather")).to_be_visible()
    expect(page.locator("#referrer")).to_have_text("none")  # the neutral site is not told where we came from
    assert page.evaluate("history.length") == history, "the exit must replace the chat page in the history"
    page.go_back()
    assert page.url != servers.widget, "Back must not return to the chat page"
    # Back on the NGO's site in the same tab: nothing of the conversation is left.
    chat.goto(servers.widget)
    assert chat.stored() is None
    expect(chat.panel).to_be_hidden()
    expect(chat.bot_messages).to_have_count(0)
    expect(chat.user_messages).to_have_count(0)


def test_escape_twice_exits_but_a_single_escape_does_not(page, servers):
    chat = open_chat(page, servers)
    chat.say("hello")
    chat.input.press("Escape")
    page.wait_for_timeout(1200)
    chat.input.press("Escape")
    page.wait_for_timeout(300)
    assert page.url == servers.widget, "two Escapes more than a second apart must not exit"
    chat.input.press("Escape")
    page.wait_for_url(servers.exit)
    chat.goto(servers.widget)
    assert chat.stored() is None
    expect(chat.bot_messages).to_have_count(0)


def test_quick_exit_is_there_before_the_chat_is_opened(page, servers):
    chat = Chat(page).goto(servers.widget)
    expect(chat.quick_exit_button()).to_be_visible()
    chat.quick_exit_button().click()
    page.wait_for_url(servers.exit)


def test_user_markup_is_shown_as_text(page, servers):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    chat = open_chat(page, servers)
    chat.say(XSS)
    expect(chat.user_messages.first).to_have_text(XSS)
    page.wait_for_timeout(500)
    assert page.locator("img").count() == 0
    assert dialogs == []


def test_bot_text_is_text_but_links_and_numbers_are_tappable(page, servers):
    tap = WsTap(page)
    text = (
        "Call +1 888 373 7888, 911 or 800 5533 000; Guatemala 110. See https://www.example.org/help. "
        "Verified 2026-11-25. In 2023 <b onmouseover=alert(1)>bold</b> [guide](https://example.net/g) 555 1234 567"
    )
    tap.rewrite_bot = lambda data: {**data, "text": text}
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    chat = open_chat(page, servers)
    chat.send("hello")
    chat.wait_for_bot_messages(1)
    first = chat.bot_messages.first
    expect(first).to_contain_text("<b onmouseover=alert(1)>bold</b>")
    assert page.locator(".cta-from-bot b").count() == 0
    # Exactly the referral directory's numbers are tappable: not a date, not a number it does not list.
    tel = [a.get_attribute("href") for a in first.locator("a.cta-tel").all()]
    assert tel == ["tel:+18883737888", "tel:911", "tel:8005533000", "tel:110"]
    web = first.locator("a:not(.cta-tel)")
    assert [a.get_attribute("href") for a in web.all()] == ["https://www.example.org/help", "https://example.net/g"]
    assert all(a.get_attribute("rel") == "noopener noreferrer" for a in web.all())
    expect(web.nth(1)).to_contain_text("guide")
    assert dialogs == []


def test_embedded_on_another_site_with_one_tag(page, servers):
    """An NGO's page on another origin, with no security headers of its own: the real embedding case."""
    (servers.other_site / "ngo.html").write_text(
        '<!doctype html><html lang="es"><head><meta charset="utf-8"><title>ONG</title></head><body>'
        '<h1>Nuestra ONG</h1><input id="search" aria-label="Buscar">'
        f'<script src="{servers.widget}widget.js" data-server="{servers.rasa}" data-lang="es"'
        f' data-exit-url="{servers.exit}" defer></script></body></html>'
    )
    chat = Chat(page).goto(servers.exit + "ngo.html")
    expect(chat.quick_exit_button()).to_have_text("Salida rápida")
    assert page.evaluate("typeof window.io") == "undefined", "the widget must not leak globals into the site"
    chat.open()
    assert chat.say("hola")
    # Esc twice works wherever the focus is on the page, and the neutral site (same origin here, where a
    # browser would normally send the full address) learns nothing about the page that was left.
    page.locator("#search").focus()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(servers.exit)
    expect(page.locator("#referrer")).to_have_text("none")


def test_no_third_party_requests_cookies_or_local_storage(page, context, servers):
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    chat = open_chat(page, servers)
    chat.say("hello")
    allowed = {urlsplit(servers.widget).netloc, urlsplit(servers.rasa).netloc}
    assert hosts <= allowed, f"unexpected hosts: {hosts - allowed}"
    assert context.cookies() == []
    assert page.evaluate("window.localStorage.length") == 0


def test_the_chat_lives_in_a_closed_shadow_root(browser, servers):
    """Scripts of the host page (a tracking tag, an abuser's extension) cannot read the conversation."""
    context = browser.new_context()  # without the tests' OPEN_SHADOW init script
    try:
        page = context.new_page()
        page.goto(servers.widget)
        page.wait_for_function("document.getElementById('cta-widget') !== null")
        assert page.evaluate("document.getElementById('cta-widget').shadowRoot") is None
        assert page.evaluate("document.querySelectorAll('.cta-msg, .cta-input').length") == 0
    finally:
        context.close()


@pytest.mark.parametrize("request_text", ["forget me", "borra mis datos"])
def test_typing_forget_me_wipes_this_tab_and_the_server(page, servers, request_text):
    chat = open_chat(page, servers)
    chat.say("hello, my name is Ana")
    old_session = chat.stored()["sessionId"]
    assert tracker_user_texts(servers, old_session)
    chat.send(request_text)
    expect(page.locator(".cta-wiped")).to_be_visible(timeout=30_000)
    chat.settle()
    confirmation = chat.texts(chat.bot_messages)
    assert any("deleted" in t or "Borré" in t for t in confirmation), confirmation
    # Nothing of the conversation is left in the tab: not on screen, not in sessionStorage, not the session.
    assert chat.texts(chat.user_messages) == []
    stored = chat.stored()
    assert stored["messages"] == [] and stored["sessionId"] is None and stored["token"] is None
    assert_forgotten_on_server(servers, old_session)
    # The next message starts a new conversation under a new session.
    chat.say("hello")
    assert chat.stored()["sessionId"] not in (None, old_session)


def test_when_the_assistant_cannot_be_reached_the_emergency_numbers_are_shown(page, servers):
    page.route("**/socket.io/**", lambda route: route.abort())  # the assistant is down or unreachable
    chat = open_chat(page, servers)
    chat.send("they took my passport")
    shown = chat.wait_for_bot_messages(1)
    assert "911" in shown[0] and "110" in shown[0] and "123" in shown[0], shown
    tel = [a.get_attribute("href") for a in chat.bot_messages.first.locator("a.cta-tel").all()]
    assert "tel:911" in tel and "tel:110" in tel


# ---------- persistence and reconnection ----------


def test_reload_keeps_the_conversation_within_the_tab(page, servers):
    chat = open_chat(page, servers)
    chat.say("hello")
    users, bots = chat.texts(chat.user_messages), chat.texts(chat.bot_messages)
    session_id = chat.stored()["sessionId"]
    page.reload()
    expect(chat.panel).to_be_visible()
    assert chat.texts(chat.user_messages) == users
    assert chat.texts(chat.bot_messages) == bots
    assert chat.say("thank you"), "the conversation should go on after a reload"
    assert chat.stored()["sessionId"] == session_id


def test_a_conversation_left_idle_for_half_an_hour_is_not_restored(page, servers):
    """Browsers can reopen a closed tab with its sessionStorage; an old conversation must not come back."""
    chat = open_chat(page, servers)
    chat.say("hello")
    page.evaluate(
        """key => { const s = JSON.parse(sessionStorage.getItem(key));
                   s.updated = Date.now() - 31 * 60 * 1000; sessionStorage.setItem(key, JSON.stringify(s)); }""",
        "cta-widget",
    )
    page.reload()
    expect(chat.launcher).to_be_visible()
    assert chat.stored() is None
    expect(chat.user_messages).to_have_count(0)


def test_a_new_tab_or_browser_starts_empty(page, context, browser, servers):
    open_chat(page, servers).say("hello")
    other_browser = browser.new_context()
    other_browser.add_init_script(OPEN_SHADOW)
    try:
        for fresh_page in (context.new_page(), other_browser.new_page()):
            fresh = Chat(fresh_page).goto(servers.widget)
            assert fresh.stored() is None
            expect(fresh.panel).to_be_hidden()
            fresh.open()
            expect(fresh.bot_messages).to_have_count(0)
            expect(fresh.user_messages).to_have_count(0)
    finally:
        other_browser.close()


def test_reconnects_after_a_network_drop_without_losing_the_conversation(page, servers):
    tap = WsTap(page)
    chat = open_chat(page, servers)
    chat.say("hello")
    session_id = chat.stored()["sessionId"]
    assert tap.cut() >= 1
    status = page.locator(".cta-status")
    expect(status).to_contain_text("Reconnecting")
    expect(status).to_contain_text("Connected again", timeout=20_000)
    assert chat.say("thank you"), "no reply after reconnecting"
    assert chat.stored()["sessionId"] == session_id
    assert chat.texts(chat.user_messages) == ["hello", "thank you"]
    assert {"hello", "thank you"} <= set(tracker_user_texts(servers, session_id))


def test_works_where_websockets_are_blocked(page, servers):
    """Some mobile networks and proxies break WebSockets; the widget then falls back to HTTP long-polling."""
    page.route_web_socket(re.compile(r"/socket\.io/"), lambda ws: ws.close())
    chat = open_chat(page, servers)
    assert chat.say("hello"), "no reply over HTTP long-polling"


def test_message_written_while_offline_is_sent_after_reconnecting(page, servers):
    tap = WsTap(page)
    chat = open_chat(page, servers)
    chat.say("hello")
    bots = chat.bot_messages.count()
    tap.cut()
    chat.send("thank you")  # sent at once or queued, depending on how fast the line is back
    chat.wait_for_bot_messages(bots + 1)
    assert chat.texts(chat.user_messages) == ["hello", "thank you"]


# ---------- access ----------


def test_keyboard_only_use(page, servers):
    chat = Chat(page).goto(servers.widget)
    for _ in range(40):
        page.keyboard.press("Tab")
        if chat.launcher.evaluate("el => el.getRootNode().activeElement === el"):
            break
    else:
        pytest.fail("the chat launcher cannot be reached with Tab")
    outline = chat.launcher.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "keyboard focus must be visible"
    page.keyboard.press("Enter")
    expect(chat.panel).to_be_visible()
    expect(chat.input).to_be_focused()
    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    chat.wait_for_bot_messages(1)
    expect(chat.input).to_have_value("")
    page.keyboard.press("Tab")
    expect(page.locator(".cta-send")).to_be_focused()
    # From the top of the panel, quick exit comes before the conversation.
    order = page.evaluate(
        """() => [...document.getElementById('cta-widget').shadowRoot
             .querySelectorAll('.cta-panel button, .cta-panel input, .cta-panel [tabindex="0"]')]
             .map(el => el.className)"""
    )
    assert order.index("cta-exit") < order.index("cta-log") < order.index("cta-input")


def test_new_messages_are_announced_to_screen_readers(page, servers):
    chat = open_chat(page, servers)
    log = page.locator(".cta-log")
    expect(log).to_have_attribute("role", "log")
    expect(log).to_have_attribute("aria-live", "polite")
    chat.say("hello")
    expect(log.locator(".cta-from-bot").first).to_contain_text("Assistant:")  # spoken, not shown
    expect(log.locator(".cta-from-user").first).to_contain_text("You:")
    expect(page.locator(".cta-panel")).to_have_accessible_name("Chat")


def test_contrast_meets_wcag_aa(page, servers):
    chat = open_chat(page, servers)
    with_buttons(chat)
    pairs = page.evaluate(
        """() => {
          const root = document.getElementById('cta-widget').shadowRoot;
          const bg = el => {
            for (let n = el; n; n = n.parentElement || (n.getRootNode().host ?? null)) {
              const c = getComputedStyle(n).backgroundColor;
              if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
            }
            return 'rgb(255, 255, 255)';
          };
          const sel = ['.cta-title', '.cta-lang', '.cta-exit', '.cta-close', '.cta-notice', '.cta-from-bot',
                       '.cta-from-user', '.cta-reply', '.cta-send', '.cta-input', '.cta-link'];
          return sel.flatMap(s => [...root.querySelectorAll(s)].filter(e => e.offsetParent)
                                   .map(e => [s, getComputedStyle(e).color, bg(e)]));
        }"""
    )
    assert len(pairs) >= 9

    def luminance(color: str) -> float:
        r, g, b = (int(v) / 255 for v in re.findall(r"\d+", color)[:3])
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for selector, fg, bg in pairs:
        hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
        ratio = (hi + 0.05) / (lo + 0.05)
        assert ratio >= 4.5, f"{selector}: {fg} on {bg} is only {ratio:.2f}:1"


@pytest.mark.parametrize("width", [320, 360])
def test_usable_on_a_small_phone(browser, servers, artifacts, width):
    context = browser.new_context(viewport={"width": width, "height": 640}, is_mobile=True, has_touch=True)
    context.add_init_script(OPEN_SHADOW)
    try:
        page = context.new_page()
        chat = Chat(page).goto(servers.widget)
        for name in (".cta-exit", ".cta-launcher"):
            box = page.locator(f"{name}:visible").bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, name
        chat.open()
        with_buttons(chat)
        for name in (".cta-exit", ".cta-input", ".cta-send", ".cta-lang", ".cta-close"):
            box = page.locator(f".cta-panel {name}").first.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, f"{name} is cut off: {box}"
            assert box["height"] >= 44 or name == ".cta-input", f"{name} is too small to tap: {box}"
        overflow = page.locator(".cta-log").evaluate("el => el.scrollWidth - el.clientWidth")
        assert overflow <= 0, "the conversation scrolls sideways"
        page.screenshot(path=str(artifacts / f"widget-{width}px.png"))
        for lang in ("es", "en"):  # Spanish labels are the longest
            page.locator(f'.cta-lang[data-lang="{lang}"]').click()
            tops = {round(b.bounding_box()["y"]) for b in page.locator(".cta-header button").all()}
            assert len(tops) == 1, f"the {lang} header wraps onto several rows at {width}px"
            if lang == "es":
                chat.settle()
                page.screenshot(path=str(artifacts / f"widget-{width}px-es.png"))
    finally:
        context.close()


def test_desktop_screenshots(browser, servers, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(OPEN_SHADOW)
    try:
        page = context.new_page()
        chat = Chat(page).goto(servers.widget)
        page.screenshot(path=str(artifacts / "widget-1280px-closed.png"))
        chat.open()
        with_buttons(chat)
        box = chat.panel.bounding_box()
        assert box and box["width"] <= 420, "on a desktop the chat is a panel, not the whole page"
        page.mouse.move(10, 10)  # no hover effect in the picture
        page.screenshot(path=str(artifacts / "widget-1280px.png"))
    finally:
        context.close()
