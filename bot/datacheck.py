"""`python -m bot check-data`: check every data file and say, in plain words, what to fix and where.

For NGO staff who edit the YAML files by hand. Every problem is reported as

    data/content/rights.yml, line 12: card "rights_documents": the Spanish (es) text is missing.
      How to fix: add an `es:` line under `text:` with the Spanish version.

The shapes of the files are pydantic models (pydantic comes with Rasa); the lines come from the project's one
YAML reader (bot/datafile.py). Files that already have a checker of their own are checked by it, not a second
time: the referral directory (`referrals validate`), the danger patterns and the job-offer red flags (their
loaders refuse a bad file), and finally the whole domain is generated in a scratch folder, which catches a
response with a missing language or an unknown [[placeholder]].

Exit code: 0 when nothing is wrong, 1 otherwise. Warnings (a staged language's missing texts) do not fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel, Extra, Field, PositiveInt, ValidationError, validator

from bot import datafile
from bot.paths import DATA_DIR, REPO_ROOT

# --- problems --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    what: str
    fix: str = ""
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        text = f"{'warning: ' if self.warning else ''}{where}: {self.what}"
        return text + (f"\n  How to fix: {self.fix}" if self.fix else "")


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


# --- shapes ----------------------------------------------------------------------------------------------

ID = r"^[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    class Config:
        extra = Extra.forbid  # a misspelt key ("tittle") is reported, not silently ignored
        smart_union = True


class Loose(BaseModel):
    class Config:
        extra = Extra.allow
        smart_union = True


PerLanguage = dict[str, str]


class LanguageEntry(Strict):
    code: str = Field(regex=r"^[a-z]{2}$")
    lingua: str
    label: str
    names: list[str]
    markers: list[str] = []
    staged: bool = False

    @validator("lingua")
    def _known_to_lingua(cls, value: str) -> str:  # noqa: N805 - pydantic validator
        from lingua import Language

        if not hasattr(Language, value):
            raise ValueError(f"the language detector does not know {value!r}; write its English name in capitals")
        return value


class LanguagesFile(Strict):
    default: str
    languages: list[LanguageEntry]
    neutral: list[str] = []


class CardEntry(Strict):
    id: str = Field(regex=ID)
    title: PerLanguage
    text: PerLanguage
    source: str
    reviewed_on: dt.date
    related: list[str] = []
    further_sources: list[str] = []
    menu: bool = False


class CardsFile(Strict):
    cards: list[CardEntry]


class SourceEntry(Loose):
    title: str
    url: Union[str, None] = None  # noqa: UP007 - pydantic 1 on Python 3.10
    files: list[str] = []
    publisher: Union[PerLanguage, None] = None  # noqa: UP007


class SourcesFile(Strict):
    sources: list[SourceEntry]


class Button(Strict):
    title: str
    payload: str


class ResponseVariation(Loose):
    text: str
    buttons: list[Button] = []
    country_buttons: bool = False


ResponseValue = Union[str, ResponseVariation, list[Union[str, ResponseVariation]]]  # noqa: UP007


class ResponsesFile(Strict):
    responses: dict[str, dict[str, ResponseValue]] = {}
    labels: dict[str, Any] = {}

    @validator("responses")
    def _names(cls, value: dict) -> dict:  # noqa: N805 - pydantic validator
        for name in value:
            if not re.match(r"^utter_[a-z0-9_]+$", name):
                raise ValueError(f"the response name {name!r} must start with utter_ and use a-z, 0-9 and _ only")
        return value


class CountryEntry(Strict):
    code: str = Field(regex=r"^[A-Z]{2}$")
    name: PerLanguage
    names: list[str] = []
    demonyms: list[str] = []
    places: list[str] = []
    exact_case: list[str] = []
    after: dict[str, list[str]] = {}


class CountriesFile(Strict):
    not_countries: list[str] = []
    countries: list[CountryEntry]


class NeedsFile(Strict):
    needs: dict[str, list[str]]


class PrivacyFile(Strict):
    forget_phrases: dict[str, list[str]]


class TelegramFile(Strict):
    default: str
    languages: dict[str, dict[str, Any]]


class SourcedText(Loose):
    text: PerLanguage
    source: str
    verified_on: dt.date


class VerifyCountry(SourcedText):
    registry: bool


class VerifyFile(Strict):
    countries: dict[str, VerifyCountry]
    no_registry: SourcedText
    checks: list[SourcedText] = []
    questions: list[Loose] = []


class VerdictLevels(Strict):
    """The graded result's thresholds: the summed weight from which an offer is 'serious' or shows 'some' signs."""

    serious: PositiveInt
    some: PositiveInt


class VerdictFile(Strict):
    question_limit: PositiveInt = 3
    levels: VerdictLevels = VerdictLevels(serious=3, some=1)
    texts: dict[str, PerLanguage]


class LongExample(Strict):
    """An example written as `- text: |` (for messages of several lines), with optional metadata."""

    text: str
    metadata: dict[str, Any] = {}


class NluBlock(Loose):
    intent: Union[str, None] = None  # noqa: UP007
    synonym: Union[str, None] = None  # noqa: UP007
    regex: Union[str, None] = None  # noqa: UP007
    lookup: Union[str, None] = None  # noqa: UP007
    examples: Union[str, list[LongExample]]  # noqa: UP007
    metadata: dict[str, Any] = {}

    @validator("examples")
    def _list_of_lines(cls, value: str | list) -> str | list:  # noqa: N805 - pydantic validator
        if not isinstance(value, str):
            return value
        bad = [line for line in value.splitlines() if line.strip() and not line.lstrip().startswith("- ")]
        if bad:
            raise ValueError(f"every example is a line starting with '- ' (this one is not: {bad[0].strip()!r})")
        return value


class NluFile(Strict):
    version: str = "3.1"
    nlu: list[NluBlock]


# --- turning pydantic's words into a maintainer's ----------------------------------------------------------



def _plain_message(error: dict[str, Any], value: Any) -> tuple[str, str]:
    """(what is wrong, how to fix it) for one pydantic error."""
    kind, loc = error["type"], error["loc"]
    field_name = str(loc[-1]) if loc else "this"
    if kind == "value_error.missing":
        return f"`{field_name}` is missing.", f"add a `{field_name}:` line here (see the other entries of the file)."
    if kind == "value_error.extra":
        return (
            f"`{field_name}` is not a field this file knows.",
            "check its spelling against the other entries, or remove it.",
        )
    if kind.startswith("type_error.str") or kind == "type_error.none.not_allowed":
        shown = "empty" if value is None else f"{value!r}"
        return (
            f"`{field_name}` should be a text but is {shown}.",
            'write the text in quotes, e.g. "yes" or "no" (unquoted true/false are yes/no values, numbers stay '
            "numbers).",
        )
    if kind.startswith("value_error.date") or kind.startswith("type_error.date"):
        return f"`{field_name}` should be a date but is {value!r}.", "write it as YYYY-MM-DD, e.g. 2026-12-06."
    if kind.startswith("type_error.bool") or kind == "value_error.strictbool":
        return f"`{field_name}` should be true or false but is {value!r}.", "write true or false."
    if kind in {"type_error.list", "type_error.sequence"}:
        return f"`{field_name}` should be a list.", "write it as [a, b] or as lines starting with '- '."
    if kind in {"type_error.dict"}:
        return (
            f"`{field_name}` should be a set of `key: value` lines.",
            "indent each `key: value` line under it (e.g. one line per language: `en: ...`, `es: ...`).",
        )
    if kind == "value_error.str.regex":
        return (
            f"`{field_name}` is {value!r}, which is not allowed here.",
            "use lowercase letters a-z, digits and _ only (country codes: two capital letters).",
        )
    return f"`{field_name}`: {error['msg']}.", ""


def _value_at(data: Any, loc: Iterable[Any]) -> Any:
    for key in loc:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _model_problems(path: Path, doc: datafile.LocatedDocument, model: type[BaseModel]) -> list[Problem]:
    try:
        model.parse_obj(doc.data if doc.data is not None else {})
    except ValidationError as error:
        seen: set[tuple] = set()
        out = []
        for item in error.errors():
            loc = tuple(part for part in item["loc"] if part != "__root__")
            # A Union reports one error per alternative; the first is the one a person would fix.
            key = loc[:-1] if item["type"] in {"type_error.str", "type_error.list"} else loc
            if key in seen:
                continue
            seen.add(key)
            what, fix = _plain_message({**item, "loc": loc}, _value_at(doc.data, loc))
            out.append(Problem(_rel(path), doc.line(loc), what, fix))
        return out
    return []


# --- the checks ------------------------------------------------------------------------------------------


class Checker:
    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.data_dir = data_dir
        self.problems: list[Problem] = []
        self.docs: dict[Path, datafile.LocatedDocument] = {}
        self.language_names: dict[str, str] = {}  # "es" -> "Spanish", from the detector's name in languages.yml

    # helpers
    def add(self, path: Path | str, line: int, what: str, fix: str = "", warning: bool = False) -> None:
        self.problems.append(Problem(_rel(Path(path)), line, what, fix, warning))

    def doc(self, path: Path) -> datafile.LocatedDocument | None:
        if path in self.docs:
            return self.docs[path]
        try:
            document = datafile.read_located(path)
        except datafile.DataFileError as error:
            self.add(path, error.line, error.problem, error.fix)
            self.docs[path] = None  # type: ignore[assignment]
            return None
        for where, line in document.duplicate_keys:
            self.add(path, line, f"`{where[-1]}` appears twice here; only one of them would be used.",
                     "remove or rename one of the two.")  # fmt: skip
        self.docs[path] = document
        return document

    def shape(self, path: Path, model: type[BaseModel]) -> datafile.LocatedDocument | None:
        document = self.doc(path)
        if document is None:
            return None
        found = _model_problems(path, document, model)
        self.problems += found
        return None if found else document

    def languages(self) -> tuple[list[str], list[str]]:
        """(trained codes, staged codes) from data/languages.yml."""
        path = self.data_dir / "languages.yml"
        document = self.shape(path, LanguagesFile)
        if document is None:
            return ["en", "es"], []
        data = document.data
        self.language_names = {item["code"]: str(item["lingua"]).title() for item in data["languages"]}
        codes = [item["code"] for item in data["languages"] if not item.get("staged")]
        staged = [item["code"] for item in data["languages"] if item.get("staged")]
        if data["default"] not in codes:
            self.add(path, document.line(("default",)), f"the default language {data['default']!r} is not listed "
                     "(or is staged).", "set `default:` to the code of a language listed below.")  # fmt: skip
        for index, item in enumerate(data["languages"]):
            for key in ("names", "markers"):
                for n, word in enumerate(item.get(key) or []):
                    if not str(word).strip():
                        self.add(path, document.line(("languages", index, key, n)), f"an empty word in `{key}`.",
                                 "remove it.")  # fmt: skip
        return codes, staged

    def per_language(
        self, path: Path, document: datafile.LocatedDocument, loc: tuple, value: Any, what: str, codes, staged
    ) -> None:
        """Every trained language must have a text at `loc`; a staged one is a warning."""
        if not isinstance(value, dict):
            return
        for code in [*codes, *staged]:
            if not str(value.get(code) or "").strip():
                name = self.language_names.get(code, code)
                self.add(path, document.line(loc), f"{what}: the {name} ({code}) text is missing.",
                         f"add an `{code}:` line under `{loc[-1]}:` with the {name} version.",
                         warning=code in staged)  # fmt: skip

    def run(self) -> list[Problem]:
        codes, staged = self.languages()
        self.check_content(codes, staged)
        self.check_responses(codes, staged)
        self.simple("countries.yml", CountriesFile)
        self.simple("needs.yml", NeedsFile)
        self.simple("privacy.yml", PrivacyFile)
        self.simple("channels/telegram.yml", TelegramFile)
        self.simple("job_offer/verdict.yml", VerdictFile)
        self.simple("job_offer/verify.yml", VerifyFile)
        self.check_nlu([*codes, *staged])
        self.check_referrals()
        if not any(not p.warning for p in self.problems):
            # Only on files that read well: the loaders' and the builder's own checks.
            self.check_loaders()
            self.check_build()
        return self.problems

    def simple(self, name: str, model: type[BaseModel]) -> None:
        path = self.data_dir / name
        if path.exists():
            self.shape(path, model)

    def check_content(self, codes: list[str], staged: list[str]) -> None:
        content = self.data_dir / "content"
        sources_doc = self.shape(content / "sources.yml", SourcesFile)
        titles = {s["title"] for s in sources_doc.data["sources"]} if sources_doc else set()
        ids: dict[str, str] = {}
        complete = True
        related: list[tuple[Path, int, str, str]] = []
        for path in sorted(content.glob("*.yml")):
            if path.name == "sources.yml":
                continue
            document = self.shape(path, CardsFile)
            if document is None:
                complete = False
                continue
            for index, card in enumerate(document.data["cards"]):
                where = f'card "{card["id"]}"'
                line = document.line(("cards", index))
                if card["id"] in ids:
                    self.add(path, line, f"{where}: this id is already used in {ids[card['id']]}.",
                             "give the card an id of its own.")  # fmt: skip
                ids[card["id"]] = _rel(path)
                for key in ("title", "text"):
                    self.per_language(path, document, ("cards", index, key), card[key], where, codes, staged)
                if titles and card["source"] not in titles:
                    self.add(path, document.line(("cards", index, "source")),
                             f"{where}: its source {card['source']!r} is not in data/content/sources.yml.",
                             "copy the title exactly as written in sources.yml, or add the source there first.",
                             )  # fmt: skip
                line = document.line(("cards", index, "related"))
                related += [(path, line, where, other) for other in card.get("related") or []]
        for path, line, where, other in related if complete else ():
            if other not in ids:
                self.add(path, line, f"{where}: `related` names {other!r}, which is not a card id.",
                         "use the `id:` of an existing card, or remove it.")  # fmt: skip

    def check_responses(self, codes: list[str], staged: list[str]) -> None:
        from bot.emergency import PLACEHOLDERS

        names: dict[str, str] = {}
        for path in sorted((self.data_dir / "responses").glob("*.yml")):
            document = self.shape(path, ResponsesFile)
            if document is None:
                continue
            for name, per_language in (document.data.get("responses") or {}).items():
                loc = ("responses", name)
                if name in names:
                    self.add(path, document.line(loc), f"the response {name} is already written in {names[name]}.",
                             "keep one of the two.")  # fmt: skip
                names[name] = _rel(path)
                self.per_language(path, document, loc, per_language, f"response {name}", codes, staged)
            for section in ("responses", "labels"):
                for loc, text in _strings(document.data.get(section) or {}, (section,)):
                    for key in re.findall(r"\[\[(\w+)\]\]", text):
                        if key not in PLACEHOLDERS:
                            self.add(path, document.line(loc), f"[[{key}]] is not a placeholder the assistant knows.",
                                     f"use one of {', '.join('[[' + k + ']]' for k in PLACEHOLDERS)}.")  # fmt: skip

    def check_nlu(self, codes: list[str]) -> None:
        for path in sorted((self.data_dir / "nlu").glob("*.yml")):
            document = self.shape(path, NluFile)
            if document is None:
                continue
            for index, block in enumerate(document.data["nlu"]):
                language = (block.get("metadata") or {}).get("language")
                if language is not None and language not in codes:
                    self.add(path, document.line(("nlu", index, "metadata")),
                             f"these examples are marked as language {language!r}, not listed in data/languages.yml.",
                             f"use one of {', '.join(codes)}, or list the language (staged) first.",
                             )  # fmt: skip

    def check_referrals(self) -> None:
        from bot.referrals.seeds import validate_dir

        result = validate_dir(self.data_dir / "referrals")
        for issue in result.errors:
            self.add(issue.path, issue.line, issue.message,
                     "see docs/referrals.md; `python -m bot referrals validate` shows the same.")  # fmt: skip

    def check_loaders(self) -> None:
        """The files whose own loader is their checker: it refuses a bad file with a message naming the entry."""
        checks: list[tuple[str, Callable[[Path], Any]]] = [
            ("safety/danger_patterns.yml", _load_patterns),
            ("job_offer/red_flags.yml", _load_flags),
            ("countries.yml", _load_countries),
        ]
        for name, load in checks:
            path = self.data_dir / name
            if not path.exists():
                continue
            try:
                load(path)
            except Exception as error:  # noqa: BLE001 - any refusal is reported, with the loader's words
                message = str(error).replace(str(path), _rel(path))
                self.add(path, _line_of(path, message), message,
                         "the message names the entry; compare it with the explanation at the top of the file.")

    def check_build(self) -> None:
        """Generate every response in a scratch folder, exactly as the assistant does."""
        from bot.domain_builder import build

        with tempfile.TemporaryDirectory() as scratch:
            try:
                build(Path(scratch), data_dir=self.data_dir)
            except Exception as error:  # noqa: BLE001 - reported with the builder's words
                self.add(self.data_dir, 0, f"the responses cannot be generated: {error}",
                         "the message names the file and the response.")  # fmt: skip


def _strings(value: Any, loc: tuple) -> Iterable[tuple[tuple, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))


def _line_of(path: Path, message: str) -> int:
    """The line of the first id the message names (loaders say "signal held_captive: ..."), else 0."""
    text = path.read_text(encoding="utf-8").splitlines()
    for word in re.findall(r"[A-Za-z_][\w]{3,}", message):
        for number, line in enumerate(text, 1):
            if re.search(rf"\bid:\s*['\"]?{re.escape(word)}\b", line):
                return number
    return 0


def _load_patterns(path: Path) -> Any:
    from bot.safety.patterns import load

    return load(path)


def _load_flags(path: Path) -> Any:
    from bot.job_offer.flags import load_flags

    return load_flags(path)


def _load_countries(path: Path) -> Any:
    from bot.nlp.countries import CountryFinder

    return CountryFinder.from_file(path)


def check(data_dir: Path = DATA_DIR) -> list[Problem]:
    return Checker(data_dir).run()


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check-data", help="check every data file; says what to fix, where")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="the data folder (default: data/)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    problems = check(args.data)
    errors = [p for p in problems if not p.warning]
    for problem in problems:
        print(problem, file=sys.stderr if not problem.warning else sys.stdout)
    if errors:
        print(f"\n{len(errors)} problem(s) to fix in the data files. Nothing was changed.", file=sys.stderr)
        return 1
    warnings = len(problems) - len(errors)
    print(f"data files: OK{f' ({warnings} warning(s))' if warnings else ''}")
    return 0
