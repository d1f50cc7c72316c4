"""The verdict's fixed sentences and the ways to verify an employer, loaded from reviewed data.

data/job_offer/verdict.yml holds the sentences around the verdict and data/job_offer/verify.yml how to
check a recruiter in each country. Keeping them out of code lets reviewers fix wording and keep the sources
and verification dates beside each item.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.job_offer.flags import DATA_DIR, load_yaml
from bot.language import supported_codes

VERIFY_FILE = DATA_DIR / "verify.yml"
VERDICT_FILE = DATA_DIR / "verdict.yml"
REQUIRED_TEXTS = (
    "found_one",
    "found_many",
    "flag_line",
    "one_is_enough",
    "before_you_go",
    "none_found",
    "passed_intro",
    "passed_line",
    "nothing_answered",
    "unsure_intro",
    "unsure_line",
    "not_proof",
    "verify_intro",
    "questions_intro",
    "another",
)


@dataclass(frozen=True)
class Guidance:
    """Verdict sentences by key and language, and verification advice by country."""

    texts: dict[str, dict[str, str]]
    countries: dict[str, dict[str, str]]
    no_registry: dict[str, str]
    checks: tuple[dict[str, str], ...]
    questions: tuple[dict[str, str], ...]

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


def parse_guidance(verdict: dict[str, Any], verify: dict[str, Any], languages: tuple[str, ...]) -> Guidance:
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
    )


def load_guidance(
    verdict_path: Path | str | None = None,
    verify_path: Path | str | None = None,
    languages: tuple[str, ...] | None = None,
) -> Guidance:
    """Read the verdict sentences and the verification advice (the repository's files unless given)."""
    verdict = load_yaml(verdict_path or VERDICT_FILE)
    verify = load_yaml(verify_path or VERIFY_FILE)
    return parse_guidance(verdict, verify, languages or supported_codes())


@lru_cache(maxsize=1)
def default_guidance() -> Guidance:
    """The repository's guidance, read once; tests pass their own Guidance instead of patching this."""
    return load_guidance()
