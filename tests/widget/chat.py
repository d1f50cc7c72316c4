"""A page object for the widget: what a person does (open, type, press) and sees (messages, buttons).

Playwright's CSS selectors reach into the widget's open shadow root, so the selectors here are plain.
"""

from __future__ import annotations

import json

from playwright.sync_api import Locator, Page, expect

STORAGE_KEY = "cta-widget"
REPLY_TIMEOUT_MS = 30_000


class Chat:
    def __init__(self, page: Page) -> None:
        self.page = page

    # ---- what is on screen ----
    @property
    def launcher(self) -> Locator:
        return self.page.locator(".cta-launcher")

    @property
    def panel(self) -> Locator:
        return self.page.locator(".cta-panel")

    @property
    def input(self) -> Locator:
        return self.page.locator(".cta-input")

    @property
    def bot_messages(self) -> Locator:
        return self.page.locator(".cta-from-bot .cta-text")

    @property
    def user_messages(self) -> Locator:
        return self.page.locator(".cta-from-user .cta-text")

    @property
    def replies(self) -> Locator:
        return self.page.locator(".cta-reply")

    def quick_exit_button(self) -> Locator:
        """The quick exit button that is visible now (one sits by the launcher, one in the open panel)."""
        return self.page.locator(".cta-exit:visible")

    def texts(self, locator: Locator) -> list[str]:
        return [t.strip() for t in locator.all_inner_texts()]

    def stored(self) -> dict | None:
        raw = self.page.evaluate(f"() => window.sessionStorage.getItem({json.dumps(STORAGE_KEY)})")
        return json.loads(raw) if raw else None

    # ---- what a person does ----
    def goto(self, url: str) -> Chat:
        self.page.goto(url)
        expect(self.quick_exit_button()).to_be_visible()  # stylesheet loaded, widget shown
        return self

    def open(self) -> Chat:
        self.launcher.click()
        expect(self.panel).to_be_visible()
        return self

    def send(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def wait_for_bot_messages(self, count: int) -> list[str]:
        """Wait until at least `count` bot messages are shown, then return all of them."""
        expect(self.bot_messages.nth(count - 1)).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        return self.texts(self.bot_messages)

    def say(self, text: str) -> list[str]:
        """Send a message and return the bot messages that answered it."""
        before = self.bot_messages.count()
        self.send(text)
        self.wait_for_bot_messages(before + 1)
        self.settle()
        return self.texts(self.bot_messages)[before:]

    def settle(self, quiet_ms: int = 1200, max_rounds: int = 15) -> None:
        """A reply can come in several bubbles: wait until no new one arrived for quiet_ms."""
        count = self.bot_messages.count()
        for _ in range(max_rounds):
            self.page.wait_for_timeout(quiet_ms)
            now = self.bot_messages.count()
            if now == count:
                return
            count = now
