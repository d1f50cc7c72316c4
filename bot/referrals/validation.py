"""Rules a seed file must follow before anything from it may reach a person asking for help.

A wrong hotline number is the worst bug this project can have, so the rules are strict: known needs and contact
kinds only, numbers that `phonenumbers` accepts for the country, a published source and a verification date for
every entry. Each problem is reported with its file and line.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import phonenumbers

from bot.referrals import phones, yamlnodes
from bot.referrals.errors import Issue
from bot.referrals.seeds import (
    CallInfo,
    ContactSeed,
    CountrySeed,
    OrganisationSeed,
    review_by,
    seed_file_name,
    stale_after,
)
from bot.referrals.vocab import (
    ANSWERED_BY,
    CALL_FLAGS,
    CALL_KEYS,
    CONTACT_KINDS,
    IMMIGRATION,
    INTERNATIONAL,
    NEEDS,
    NEEDS_CALL_INFO,
    NUMBER_KINDS,
    POLICE,
    REQUIRED_LANGUAGES,
    REVIEW_WARNING_DAYS,
    STALE_AFTER_MONTHS,
)

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
HOST_PATTERN = re.compile(r"^(?=.{4,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,}$")
MAX_DESCRIPTION = 200

FILE_KEYS = {"country", "name", "organisations"}
ORG_REQUIRED = ("id", "name", "description", "needs", "languages", "contacts", "sources", "verified_on")
ORG_OPTIONAL = ("hours", "free", "always_open", "confidential", "when_you_call")
CALL_CHOICES = {"answered_by": ANSWERED_BY, "police": POLICE, "immigration": IMMIGRATION}
CONTACT_KEYS = {"kind", "value"}


def known_country(code: str) -> bool:
    return code == INTERNATIONAL or code in phonenumbers.SUPPORTED_REGIONS


def check_web(value: str) -> str | None:
    """None if `value` is a web address (with https://, http:// or no scheme), else what is wrong."""
    candidate = value if "://" in value else f"https://{value}"
    parsed = urlparse(candidate)
    if parsed.scheme not in ("http", "https"):
        return f"web address {value!r} must use https:// (or no scheme)"
    if " " in value or not parsed.hostname or not HOST_PATTERN.match(parsed.hostname):
        return f"web address {value!r} has no valid host name"
    return None


def check_source(value: str) -> str | None:
    """Sources must be full links a reviewer can open."""
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.hostname or " " in value:
        return f"source {value!r} must be a full http(s):// link"
    if not HOST_PATTERN.match(parsed.hostname):
        return f"source {value!r} has no valid host name"
    return None


class _FileChecker:
    """Collects the problems of one parsed file; every check names the line of the value it looked at."""

    def __init__(self, path: Path, document: yamlnodes.LocatedDocument, today: date, stale_is_error: bool = True):
        self.path = path
        self.doc = document
        self.today = today
        self.stale_is_error = stale_is_error
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []

    def error(self, where: tuple[Any, ...], message: str) -> None:
        self.errors.append(Issue(self.path, self.doc.line(where), message))

    def warn(self, where: tuple[Any, ...], message: str) -> None:
        self.warnings.append(Issue(self.path, self.doc.line(where), message))

    # -- file level ---------------------------------------------------------------------------------------------
    def check(self) -> CountrySeed | None:
        for where, line in self.doc.duplicate_keys:
            self.errors.append(Issue(self.path, line, f"key {where[-1]!r} appears twice"))
        data = self.doc.data
        if not isinstance(data, dict):
            self.error((), "a seed file must be a mapping with country, name and organisations")
            return None
        for key in sorted(set(data) - FILE_KEYS):
            self.error((key,), f"unknown key {key!r} (expected: country, name, organisations)")
        country = self._country(data)
        name = self._texts(data, ("name",), "name")
        organisations_raw = data.get("organisations")
        if not isinstance(organisations_raw, list) or not organisations_raw:
            self.error(("organisations",), "organisations must be a non-empty list")
            return None
        organisations = []
        for index, raw in enumerate(organisations_raw):
            org = self._organisation(raw, ("organisations", index), country or "")
            if org is not None:
                organisations.append(org)
        if country and country != INTERNATIONAL and not any("emergency" in o.needs for o in organisations):
            self.error(("organisations",), f"{country} has no organisation with need 'emergency'")
        self._no_number_twice(organisations)
        if country is None or name is None:
            return None
        return CountrySeed(country=country, name=name, organisations=tuple(organisations), path=self.path)

    def _country(self, data: dict) -> str | None:
        raw = data.get("country")
        if not isinstance(raw, str) or not known_country(raw):
            self.error(("country",), f"country must be an ISO 3166-1 alpha-2 code in capitals or INT, got {raw!r}")
            return None
        expected = seed_file_name(raw)
        if self.path.name != expected:
            self.error(("country",), f"country {raw} must live in a file named {expected}")
        return raw

    def _texts(self, parent: dict, where: tuple[Any, ...], label: str) -> dict[str, str] | None:
        raw = parent.get(where[-1])
        if not isinstance(raw, dict):
            self.error(where, f"{label} must be a mapping of language code to text, e.g. {{en: ..., es: ...}}")
            return None
        ok = True
        for language in REQUIRED_LANGUAGES:
            if language not in raw:
                self.error(where, f"{label} has no {language!r} text")
                ok = False
        texts = {}
        for language, text in raw.items():
            if not isinstance(language, str) or not LANGUAGE_PATTERN.match(language):
                self.error((*where, language), f"{label}: {language!r} is not a two-letter language code")
                ok = False
            elif not isinstance(text, str) or not text.strip():
                self.error((*where, language), f"{label} in {language!r} is empty")
                ok = False
            elif "\n" in text.strip() or len(text) > MAX_DESCRIPTION:
                self.error(
                    (*where, language),
                    f"{label} in {language!r} must be one line of at most {MAX_DESCRIPTION} characters",
                )
                ok = False
            else:
                texts[language] = text.strip()
        return texts if ok else None

    def _no_number_twice(self, organisations: list[OrganisationSeed]) -> None:
        """One number, one entry: the same number under two entries is shown twice in a reply (Panama's 104 was).

        An entry that serves two needs lists both needs instead (e.g. [emergency, trafficking_hotline]).
        """
        first: dict[str, str] = {}
        for org in organisations:
            for contact in org.contacts:
                if contact.kind not in NUMBER_KINDS:
                    continue
                digits = re.sub(r"\D", "", contact.value)
                owner = first.setdefault(digits, org.id)
                if owner != org.id:
                    self.errors.append(
                        Issue(
                            self.path,
                            org.line,
                            f"{org.id}: number {contact.value!r} is already listed under {owner}; list it once "
                            "and give that entry every need it serves",
                        )
                    )

    # -- organisation level -------------------------------------------------------------------------------------
    def _organisation(self, raw: Any, where: tuple[Any, ...], country: str) -> OrganisationSeed | None:
        if not isinstance(raw, dict):
            self.error(where, "an organisation must be a mapping")
            return None
        before = len(self.errors)
        for key in sorted(set(raw) - set(ORG_REQUIRED) - set(ORG_OPTIONAL)):
            self.error((*where, key), f"unknown key {key!r} in organisation")
        for key in ORG_REQUIRED:
            if key not in raw or raw[key] is None:
                self.error(where, f"organisation is missing {key!r}")
        org_id = self._id(raw, where, country)
        name = raw.get("name")
        if "name" in raw and (not isinstance(name, str) or not name.strip()):
            self.error((*where, "name"), "name must be a non-empty text")
        description = self._texts(raw, (*where, "description"), "description") if "description" in raw else None
        needs = self._choices(raw, (*where, "needs"), NEEDS, "need")
        languages = self._languages(raw, (*where, "languages"))
        contacts = self._contacts(raw, (*where, "contacts"), country)
        sources = self._sources(raw, (*where, "sources"))
        verified_on = self._verified_on(raw, (*where, "verified_on"), org_id)
        hours = raw.get("hours")
        if hours is not None and (not isinstance(hours, str) or not hours.strip()):
            self.error((*where, "hours"), "hours must be a text as published, or null")
        for flag in ("free", "always_open", "confidential"):
            if raw.get(flag) is not None and not isinstance(raw.get(flag), bool):
                self.error((*where, flag), f"{flag} must be true, false or null, got {raw.get(flag)!r}")
        call = self._call_info(raw, where, needs)
        if len(self.errors) > before:
            return None
        return OrganisationSeed(
            id=org_id,
            name=name.strip(),
            description=description,
            needs=needs,
            languages=languages,
            contacts=contacts,
            hours=hours.strip() if hours else None,
            free=raw.get("free"),
            always_open=raw.get("always_open"),
            sources=sources,
            verified_on=verified_on,
            confidential=raw.get("confidential"),
            call=call,
            line=self.doc.line(where),
        )

    def _call_info(self, raw: dict, where: tuple[Any, ...], needs: tuple[str, ...]) -> CallInfo:
        """The `when_you_call` block: required, with every key written out, on emergency and trafficking lines.

        Writing every key (null where the source is silent) makes a reviewer look at each question once, and
        lets the reply say "not stated" instead of guessing.
        """
        required = [need for need in needs if need in NEEDS_CALL_INFO]
        if required:
            for key in ("free", "confidential", "when_you_call"):
                if key not in raw:
                    self.error(
                        where,
                        f"an entry with need {required[0]!r} must have {key!r} (null where the source is silent)",
                    )
        block = raw.get("when_you_call")
        if block is None:
            return CallInfo()
        here = (*where, "when_you_call")
        if not isinstance(block, dict):
            self.error(here, f"when_you_call must be a mapping with the keys {', '.join(CALL_KEYS)}")
            return CallInfo()
        for key in sorted(set(block) - set(CALL_KEYS)):
            self.error((*here, key), f"unknown key {key!r} in when_you_call; expected: {', '.join(CALL_KEYS)}")
        missing = [key for key in CALL_KEYS if key not in block]
        if missing:
            self.error(here, f"when_you_call lacks {', '.join(missing)} (write null where the source is silent)")
        for key, allowed in CALL_CHOICES.items():
            value = block.get(key)
            if value is not None and value not in allowed:
                self.error((*here, key), f"{key} must be one of {', '.join(allowed)} or null, got {value!r}")
        for key in CALL_FLAGS:
            value = block.get(key)
            if value is not None and not isinstance(value, bool):
                self.error((*here, key), f"{key} must be true, false or null, got {value!r}")
        return CallInfo(**{key: block.get(key) for key in CALL_KEYS})

    def _id(self, raw: dict, where: tuple[Any, ...], country: str) -> str:
        org_id = raw.get("id")
        if "id" not in raw:
            return ""
        prefix = f"{country.lower()}-"
        if not isinstance(org_id, str) or not ID_PATTERN.match(org_id):
            self.error((*where, "id"), f"id {org_id!r} must be lower-case letters, digits and hyphens")
        elif country and not org_id.startswith(prefix):
            self.error((*where, "id"), f"id {org_id!r} must start with {prefix!r}")
        return org_id if isinstance(org_id, str) else ""

    def _choices(self, raw: dict, where: tuple[Any, ...], allowed: tuple[str, ...], label: str) -> tuple[str, ...]:
        values = raw.get(where[-1])
        if where[-1] not in raw:
            return ()
        if not isinstance(values, list) or not values:
            self.error(where, f"{where[-1]} must be a non-empty list")
            return ()
        for index, value in enumerate(values):
            if value not in allowed:
                self.error((*where, index), f"unknown {label} {value!r}; expected one of: {', '.join(allowed)}")
        if len(set(map(str, values))) != len(values):
            self.error(where, f"{where[-1]} lists the same {label} twice")
        return tuple(values)

    def _languages(self, raw: dict, where: tuple[Any, ...]) -> tuple[str, ...]:
        values = raw.get("languages")
        if "languages" not in raw:
            return ()
        if not isinstance(values, list) or not values:
            self.error(where, "languages must be a non-empty list of two-letter codes")
            return ()
        for index, value in enumerate(values):
            if not isinstance(value, str) or not LANGUAGE_PATTERN.match(value):
                self.error((*where, index), f"language {value!r} is not a two-letter code such as es or en")
        return tuple(values)

    def _contacts(self, raw: dict, where: tuple[Any, ...], country: str) -> tuple[ContactSeed, ...]:
        values = raw.get("contacts")
        if "contacts" not in raw:
            return ()
        if not isinstance(values, list) or not values:
            self.error(where, "contacts must be a non-empty list of {kind, value}")
            return ()
        contacts = []
        for index, item in enumerate(values):
            here = (*where, index)
            if not isinstance(item, dict) or set(item) != CONTACT_KEYS:
                self.error(here, "a contact must be exactly {kind: ..., value: ...}")
                continue
            kind, value = item["kind"], item["value"]
            if kind not in CONTACT_KINDS:
                self.error(
                    (*here, "kind"), f"unknown contact kind {kind!r}; expected one of: {', '.join(CONTACT_KINDS)}"
                )
                continue
            if not isinstance(value, str) or not value.strip():
                self.error((*here, "value"), f"{kind} value must be a non-empty text in quotes, got {value!r}")
                continue
            problem = self._contact_problem(kind, value.strip(), country)
            if problem:
                self.error((*here, "value"), problem)
                continue
            contacts.append(ContactSeed(kind=kind, value=value.strip()))
        return tuple(contacts)

    @staticmethod
    def _contact_problem(kind: str, value: str, country: str) -> str | None:
        if kind in NUMBER_KINDS:
            if not known_country(country):
                return None  # the country error is already reported; do not guess a region
            try:
                # A WhatsApp chat needs a full number; calls, texts and relay services may be short codes.
                phones.check(value, country, allow_short_code=kind != "whatsapp")
            except phones.PhoneError as exc:
                return str(exc)
            return None
        if kind == "web":
            return check_web(value)
        if kind == "email":
            return None if EMAIL_PATTERN.match(value) else f"e-mail address {value!r} is not valid"
        return None  # app: the name people search for in their app store

    def _sources(self, raw: dict, where: tuple[Any, ...]) -> tuple[str, ...]:
        values = raw.get("sources")
        if "sources" not in raw:
            return ()
        if not isinstance(values, list) or not values:
            self.error(where, "sources must list at least one published page that states the contact")
            return ()
        for index, value in enumerate(values):
            problem = check_source(value) if isinstance(value, str) else f"source {value!r} must be a link"
            if problem:
                self.error((*where, index), problem)
        return tuple(values)

    def _verified_on(self, raw: dict, where: tuple[Any, ...], org_id: str) -> date:
        value = raw.get("verified_on")
        if "verified_on" not in raw:
            return date.min
        if not isinstance(value, date) or hasattr(value, "hour"):
            self.error(where, f"verified_on must be a date written YYYY-MM-DD, got {value!r}")
            return date.min
        if value > self.today:
            self.error(where, f"verified_on {value} is in the future")
        elif self.today > stale_after(value):
            message = (
                f"{org_id}: verified_on {value} is more than {STALE_AFTER_MONTHS} months old; check the entry "
                "against its sources and update verified_on, or remove it"
            )
            (self.error if self.stale_is_error else self.warn)(where, message)
        elif self.today >= review_by(value) - timedelta(days=REVIEW_WARNING_DAYS):
            self.warn(where, f"{org_id}: verified_on {value}: review by {review_by(value)}; check it again")
        return value


def validate_file(
    path: Path, today: date, *, stale_is_error: bool = True
) -> tuple[CountrySeed | None, list[Issue], list[Issue]]:
    """Parse and check one seed file; returns the seed (None if unusable), its errors and its warnings."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Issue(path, 0, f"cannot be read: {exc}")], []
    try:
        document = yamlnodes.parse(text)
    except yamlnodes.DataFileError as exc:
        return None, [Issue(path, exc.line, f"YAML syntax error: {exc.problem} {exc.fix}")], []
    if document.data is None:
        return None, [Issue(path, 0, "file is empty")], []
    checker = _FileChecker(path, document, today, stale_is_error)
    seed = checker.check()
    return seed, checker.errors, checker.warnings
