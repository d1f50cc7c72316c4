"""Live responses: a changed card, response text or emergency contact is served within seconds, no training.

Rasa answers with the responses stored in the trained model. That made every typo fix in a card wait for a
17-minute training and a restart. This natural-language generator (endpoints.yml: `nlg: type:
bot.nlg.LiveResponses`; Rasa 3.6 loads it by module path) renders every response from the data files instead,
with the same generation as `python -m bot build-domain` (bot/domain_builder.py): cards (data/content), texts
(data/responses), the static emergency replies and their numbers (data/referrals, data/countries.yml), the
job-offer questions (data/job_offer).

* **Reloaded when a file changes.** Every `check_every` seconds (default 5; LIVE_RESPONSES_CHECK_EVERY) a
  background thread compares the data files' modification times and sizes, and regenerates everything when one
  changed; conversations keep being answered with the previous texts meanwhile.
* **A broken edit never silences the assistant.** If the new data cannot be generated (bad YAML, a missing
  language, an unknown placeholder), the error is logged (file and entry, never a user's message) and the last
  good texts keep being served. A response the data does not know (a new response not yet in the data, or data
  broken since the start) comes from the trained model's domain, as before.
* **A code-switched cry for help is answered in both languages.** When the language detector finds a message
  written in two languages (`written_in` in the parse, bot/language.py), the emergency reply and the check-in
  add the other language's text under the conversation's: the writer may read only one of them.
* What still needs training: new intents, examples, stories and rules, and a new card's *intent*: the text of a
  card already trained is live, a brand-new card is answered once the model knows its `faq/<id>` intent.

The data folder is data/ unless `BOT_DATA_DIR` says otherwise (bot/paths.py).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator

from bot.conversations import CHECK_IN_ACTIONS, DANGER_ACTIONS
from bot.language import WRITTEN_IN

# Not under "bot": production logging (bot/logging_setup.py) reduces every "bot" record to its level, and a
# maintainer must read which file and entry are broken. These lines only ever carry data-file names, entries and
# counts, never anything a user wrote (the reload thread never sees a conversation).
logger = logging.getLogger("data_files")
# The replies a person in danger may get: for a message written in two languages, given in both.
BOTH_LANGUAGES_WHEN_MIXED = frozenset(DANGER_ACTIONS | CHECK_IN_ACTIONS)

DEFAULT_CHECK_EVERY_S = 5.0
# What the generated responses are made of (training data is not: it needs a new model).
WATCHED = ("content", "responses", "referrals", "job_offer", "countries.yml", "languages.yml")


def data_fingerprint(data_dir: Path) -> tuple:
    """(file, modification time, size) of every watched data file: a change in any of them changes it."""
    found = []
    for name in WATCHED:
        path = data_dir / name
        files = sorted(path.rglob("*.yml")) if path.is_dir() else [path] if path.exists() else []
        for file in files:
            try:
                stat = file.stat()
            except OSError:
                continue
            found.append((str(file), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


class LiveResponses(TemplatedNaturalLanguageGenerator):
    """Rasa's response generator, fed from the data files (see the module docstring)."""

    def __init__(self, endpoint_config: Any = None, domain: Any = None, **kwargs: Any) -> None:
        super().__init__(domain.responses if domain is not None else {})
        from bot.paths import DATA_DIR

        options = getattr(endpoint_config, "kwargs", None) or {}
        self.data_dir = Path(options.get("data_dir") or DATA_DIR)
        every = os.environ.get("LIVE_RESPONSES_CHECK_EVERY") or options.get("check_every") or DEFAULT_CHECK_EVERY_S
        self.check_every = float(every)
        self.live: dict[str, list[dict]] = {}
        self._fingerprint: tuple | None = None
        self.reload()  # at start, in the foreground: the first answer already uses the data
        if self.check_every > 0:
            _watch(self)
        from bot.rasa_hooks import install_background_model_loading

        install_background_model_loading()  # `make publish` switches models while conversations go on

    def reload(self) -> bool:
        """Regenerate from the data files; on failure keep the last good responses. True if it loaded."""
        fingerprint = data_fingerprint(self.data_dir)
        try:
            from bot.domain_builder import responses

            fresh = responses(self.data_dir)
        except Exception as error:  # noqa: BLE001 - any broken edit: keep serving, say why in the log
            self._fingerprint = fingerprint  # not retried until the files change again
            logger.error("live responses: the data files could not be used (%s: %s); still serving the last good "
                         "texts (%d responses)", type(error).__name__, error, len(self.live))  # fmt: skip
            return False
        self.live, self._fingerprint = fresh, fingerprint  # one assignment each: readers see old or new, whole
        logger.info("live responses: %d responses loaded from %s", len(fresh), self.data_dir)
        return True

    def check_now(self) -> bool:
        """Reload if a data file changed since the last load; True if something changed."""
        if data_fingerprint(self.data_dir) == self._fingerprint:
            return False
        self.reload()
        return True

    async def generate(
        self, utter_action: str, tracker: Any, output_channel: str, **kwargs: Any
    ) -> dict[str, Any] | None:
        response = await super().generate(utter_action, tracker, output_channel, **kwargs)
        if utter_action not in BOTH_LANGUAGES_WHEN_MIXED or not response or not response.get("text"):
            return response
        parse = tracker.latest_message.parse_data if tracker.latest_message else {}
        slots = tracker.current_slot_values()
        texts = [response["text"]]
        for code in parse.get(WRITTEN_IN) or []:
            if code == slots.get("language"):
                continue
            other = self.generate_from_slots(utter_action, {**slots, "language": code}, output_channel, **kwargs)
            if other and other.get("text") and other["text"] not in texts:
                texts.append(other["text"])
        return {**response, "text": "\n\n".join(texts)} if len(texts) > 1 else response

    def _random_response_for(
        self, utter_action: str, output_channel: str, filled_slots: dict[str, Any]
    ) -> dict[str, Any] | None:
        live = self.live
        if utter_action in live:
            import numpy as np

            suitable = ResponseVariationFilter(live).responses_for_utter_action(
                utter_action, output_channel, filled_slots
            )
            if suitable:
                return np.random.choice(suitable)
        # Unknown to the data (or no variation fits): the trained model's own response, as without this class.
        return super()._random_response_for(utter_action, output_channel, filled_slots)


def _watch(generator: LiveResponses) -> threading.Thread:
    """Checks the data files every `check_every` seconds in a daemon thread, so a change is picked up (or a broken
    edit reported in the log) whether or not anyone is talking. Ends when the generator is gone (a new model
    loaded through Rasa's API makes a new one)."""
    ref, every = weakref.ref(generator), generator.check_every
    del generator

    def loop() -> None:
        while True:
            time.sleep(every)
            current = ref()
            if current is None:
                return
            try:
                current.check_now()
            except Exception as error:  # noqa: BLE001 - never let the watcher die
                logger.error("live responses: checking the data files failed (%s)", type(error).__name__)
            del current

    thread = threading.Thread(target=loop, name="live-responses", daemon=True)
    thread.start()
    return thread
