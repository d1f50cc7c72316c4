"""The check's fixed sentences and the ways to verify an employer, loaded from reviewed data.

data/job_offer/verdict.yml holds the sentences of the first reply and of the graded result (and the question
limit and result levels), data/job_offer/verify.yml how to check a recruiter in each country. Keeping them
out of code lets reviewers fix wording and keep the sources and verification dates beside each item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.job_offer.flags import DATA_DIR, load_yaml
from bot.language import supported_codes

VERIFY_FILE = DATA_DIR / "verify.yml"
VERDICT_FILE = DATA_DIR / "verdict.yml"
# The answer buttons' labels live with the bot's other responses; the first reply names one of them.
BUTTONS_FILE = DATA_DIR.parent / "responses" / "job_offer.yml"
REQUIRED_TEXTS = (
    "read_found_one",
    "read_found_many",
    "read_sign_line",
    "read_none",
    "read_right_intro",
    "read_right_line",
    "ask_first",
    "questions_one",
    "questions_many",
    "level_serious",
    "level_some",
    "level_none",
    "found_intro",
    "found_line",
    "one_is_enough",
    "passed_intro",
    "passed_line",
    "open_intro",
    "open_line",
    "not_proof",
    "verify_intro",
    "questions_intro",
    "nothing_to_show",
)


@dataclass(frozen=True)
class Guidance:
    """Verdict sentences by key and language, and verification advice by country."""

    texts: dict[str, dict[str, str]]
    countries: dict[str, dict[str, str]]
    no_registry: dict[str, str]
    checks: tuple[dict[str, str], ...]
    questions: tuple[dict[str, str], ...]
    # At most this many questions before the result, and the summed sign weights of each result level.
    question_limit: int = 3
    levels: dict[str, int] = field(default_factory=lambda: {"serious": 3, "some": 1})
    # The "show me the result now" button's label per language.
    result_button: dict[str, str] = field(default_factory=dict)

    def text(self, key: str, language: str) -> str:
        return self.texts[key][language]

    def country(self, code: str | None, language: str) -> str:
        """How to verify a recruiter in the country `code` (ISO alpha-2), or the no-registry sentence."""
        entry = self.countries.get((code or "").strip().upper())
        return (entry or self.no_registry)[language]


def _texts(raw: Any, where: str, languages: tuple[str, ...]) -> dict[str, str]:
    raw = raw or {}
    texts = {code: str(raw.get(code) or "").strip() for code in languages}
    missing = [code for code, text in texts.items() if not text]
    if missing:
        raise ValueError(f"{where}: no text for {', '.join(missing)}")
    return texts


def parse_guidance(
    verdict: dict[str, Any], verify: dict[str, Any], languages: tuple[str, ...], buttons: dict[str, Any] | None = None
) -> Guidance:
    """Build Guidance from parsed YAML, raising ValueError on a missing text or translation."""
    raw_texts = (verdict or {}).get("texts") or {}
    missing = [key for key in REQUIRED_TEXTS if key not in raw_texts]
    if missing:
        raise ValueError(f"verdict texts missing: {', '.join(missing)}")
    texts = {key: _texts(value, f"verdict text {key}", languages) for key, value in raw_texts.items()}
    verify = verify or {}
    countries = {
        str(code).upper(): _texts(entry.get("text"), f"verify country {code}", languages)
        for code, entry in (verify.get("countries") or {}).items()
    }
    return Guidance(
        texts=texts,
        countries=countries,
        no_registry=_texts((verify.get("no_registry") or {}).get("text"), "verify no_registry", languages),
        checks=tuple(_texts(item.get("text"), "verify check", languages) for item in verify.get("checks") or ()),
        questions=tuple(
            _texts(item.get("text"), "verify question", languages) for item in verify.get("questions") or ()
        ),
        question_limit=int((verdict or {}).get("question_limit", 3)),
        levels={str(k): int(v) for k, v in ((verdict or {}).get("levels") or {"serious": 3, "some": 1}).items()},
        result_button=_texts((buttons or {}).get("show_result") or {c: "…" for c in languages}, "button", languages),
    )


def load_guidance(
    verdict_path: Path | str | None = None,
    verify_path: Path | str | None = None,
    languages: tuple[str, ...] | None = None,
) -> Guidance:
    """Read the verdict sentences and the verification advice (the repository's files unless given)."""
    verdict = load_yaml(verdict_path or VERDICT_FILE)
    verify = load_yaml(verify_path or VERIFY_FILE)
    buttons = ((load_yaml(BUTTONS_FILE) or {}).get("labels") or {}).get("answer_buttons") or {}
    return parse_guidance(verdict, verify, languages or supported_codes(), buttons)


@lru_cache(maxsize=1)
def default_guidance() -> Guidance:
    """The repository's guidance, read once; tests pass their own Guidance instead of patching this."""
    return load_guidance()
