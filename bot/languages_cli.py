"""`python -m bot language missing <code>`: what a new language still lacks, file by file.

A language is added in stages (MAINTAINING.md, "A third language"): first listed in data/languages.yml with
`staged: true`, so nothing is offered to users while its texts are written; then its texts, file by file, with
this command as the to-do list; then training examples; then `staged` is removed and the model retrained.

How it finds what is missing, without a list of files to keep up to date: every place in a data file that has a
text for each language the assistant already speaks (a mapping with `en:` and `es:` keys, or a list `[en, es]`)
must have one for the new language too. Training examples are counted by their `metadata: language:`, and the
held-out sets by their file name (tests/eval/*_<code>.yml).
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import datafile
from bot.language import LanguageConfig
from bot.paths import DATA_DIR, REPO_ROOT

WIDGET_TEXTS = REPO_ROOT / "widget" / "i18n.json"
EVAL_DIR = REPO_ROOT / "tests" / "eval"
# Python code that still holds English and Spanish words of its own (a developer's part of the job).
CODE_WITH_WORDS = (
    ("bot/language.py", "_NEGATIONS and _REQUEST_CUES: the words of a request for another language"),
    ("bot/nlp/countries.py", "country names are required in English and Spanish"),
)


@dataclass(frozen=True)
class Gap:
    file: str
    line: int
    where: str


def _label(path: tuple, data: Any) -> str:
    parts, node = [], data
    for key in path:
        node = node[key] if isinstance(node, (dict, list)) else None
        if isinstance(key, int):
            item_id = node.get("id") or node.get("code") if isinstance(node, dict) else None
            parts.append(str(item_id) if item_id else f"#{key + 1}")
        else:
            parts.append(str(key))
    return " > ".join(parts)


def _walk(node: Any, path: tuple, trained: set[str]) -> Iterator[tuple[tuple, str]]:
    """(path, kind) of every per-language place: kind "map" (a text per language) or "list" ([en, es])."""
    if isinstance(node, dict):
        if trained <= set(node):
            yield path, "map"
            return
        for key, value in node.items():
            yield from _walk(value, (*path, key), trained)
    elif isinstance(node, list):
        # A list of language codes ([en, es]), not a word list that happens to hold "en" and "es" (Spanish markers).
        if node and all(isinstance(v, str) and re.fullmatch(r"[a-z]{2}", v) for v in node) and trained <= set(node):
            yield path, "list"
            return
        for index, value in enumerate(node):
            yield from _walk(value, (*path, index), trained)


def gaps_in(path: Path, data: Any, lines: datafile.LocatedDocument | None, code: str, trained: set[str]) -> list[Gap]:
    found = []
    for where, kind in _walk(data, (), trained):
        node = data
        for key in where:
            node = node[key]
        present = code in node and (kind == "list" or str(node.get(code) or "").strip())
        if not present:
            line = lines.line(where) if lines else 0
            found.append(Gap(_rel(path), line, _label(where, data)))
    return found


def missing(code: str, data_dir: Path = DATA_DIR) -> dict[str, Any]:
    config = LanguageConfig.load(data_dir / "languages.yml")
    trained = set(config.codes)
    listed = code in trained or code in config.staged
    texts: list[Gap] = []
    for path in sorted(data_dir.rglob("*.yml")):
        if path.parent.name in {"nlu", "stories", "rules"}:
            continue
        document = datafile.read_located(path)
        texts += gaps_in(path, document.data, document, code, trained)
    if WIDGET_TEXTS.exists():
        texts += gaps_in(WIDGET_TEXTS, json.loads(WIDGET_TEXTS.read_text(encoding="utf-8")), None, code, trained)
    examples = 0
    for path in sorted((data_dir / "nlu").glob("*.yml")):
        for block in datafile.read_mapping(path).get("nlu") or []:
            if (block.get("metadata") or {}).get("language") == code:
                examples += str(block.get("examples") or "").count("\n- ") + 1
    held_out = sorted(p.name for p in EVAL_DIR.glob(f"*_{code}.yml"))
    return {"listed": listed, "staged": code in config.staged, "texts": texts, "examples": examples,
            "held_out": held_out}  # fmt: skip


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("language", help="what a new language still lacks (`language missing fr`)")
    sub = parser.add_subparsers(dest="language_command", required=True)
    lacking = sub.add_parser("missing", help="list every text, example and file a language still lacks")
    lacking.add_argument("code", help="the language's two-letter code, e.g. fr")
    lacking.add_argument("--all", action="store_true", help="list every missing text, not the first 5 per file")
    lacking.set_defaults(func=_run_missing)


def _run_missing(args: argparse.Namespace) -> int:
    code = args.code.strip().lower()
    report = missing(code)
    todo = 0
    print(f"What the language {code!r} still lacks:")
    if not report["listed"]:
        todo += 1
        print(f"- data/languages.yml: not listed. Add it with `staged: true` (code: {code}, lingua, label, names,"
              " markers) so it is checked without being offered to users.")  # fmt: skip
    elif report["staged"]:
        print("- data/languages.yml: listed, staged (not offered to users yet).")
    by_file: dict[str, list[Gap]] = {}
    for gap in report["texts"]:
        by_file.setdefault(gap.file, []).append(gap)
    for file, gaps in by_file.items():
        todo += len(gaps)
        print(f"- {file}: {len(gaps)} text(s) without `{code}:`")
        for gap in gaps if args.all else gaps[:5]:
            print(f"    line {gap.line}: {gap.where}" if gap.line else f"    {gap.where}")
        if len(gaps) > 5 and not args.all:
            print(f"    ... and {len(gaps) - 5} more (--all lists them)")
    if report["examples"] == 0:
        todo += 1
        print(f"- data/nlu/: no training example marked `metadata: language: {code}` yet (every intent needs some;"
              " `faq/...` intents at least 10 each).")  # fmt: skip
    else:
        print(f"- data/nlu/: {report['examples']} training example(s) marked `language: {code}`.")
    if not report["held_out"]:
        print(f"- tests/eval/: no held-out set (*_{code}.yml); `make eval` cannot measure the language without one.")
    for file, what in CODE_WITH_WORDS:
        print(f"- {file} (a developer's part): {what}.")
    print(f"\n{todo} thing(s) to add before `staged: true` can be removed." if todo else "\nNothing missing in data.")
    return 1 if todo else 0
