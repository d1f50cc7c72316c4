"""MAINTAINING.md's checklists, walked on a copy of data/: the files a checklist names are enough.

Each test does what the checklist says, in those files only, then runs the check a maintainer runs
(`python -m bot check-data`) and looks at what the assistant would say (the generated responses). Serving the
result from a running server is in tests/test_live_responses_server.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.datacheck import check
from bot.domain_builder import responses
from bot.nlp.countries import CountryFinder
from bot.paths import DATA_DIR, REPO_ROOT

GUIDE = (REPO_ROOT / "MAINTAINING.md").read_text(encoding="utf-8")


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


def errors(data: Path) -> list[str]:
    return [str(p) for p in check(data) if not p.warning]


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + text, encoding="utf-8")


NEW_CARD = """
  - id: rights_rest_days
    title: {en: "Rest days at work", es: "Días de descanso en el trabajo"}
    source: "ILO Indicators of Forced Labour"
    reviewed_on: 2026-12-06
    text:
      en: |
        Working without any day off, week after week, is one of the signs the ILO lists for forced labour.
        To check a job offer, write 'check an offer'.
      es: |
        Trabajar sin ningún día libre, semana tras semana, es una de las señales de trabajo forzoso de la OIT.
        Para revisar una oferta de trabajo, escribe 'revisar oferta'.
"""

NEW_EXAMPLES = """
  - intent: faq/rights_rest_days
    examples: |
      - Rest days at work
      - Días de descanso en el trabajo
      - do i have a right to a day off
      - my boss never gives us a day off is that legal
      - how many rest days should a worker get
      - can they make me work every single day
      - is working seven days a week normal
      - r we allowed a day off each week
      - no day off for 3 months is that ok
      - weekly rest day rules for workers
      - can an employer refuse any day off
      - working every day without rest legal?
      - tengo derecho a un dia libre
      - mi patron nunca nos da un dia de descanso es legal
      - cuantos dias de descanso debe tener un trabajador
      - me pueden obligar a trabajar todos los dias
      - es normal trabajar los siete dias de la semana
      - nos dejan descansar un dia a la semana?
      - 3 meses sin dia libre eso esta bien
      - reglas del dia de descanso semanal
      - el empleador puede negarme cualquier dia libre
      - trabajar todos los dias sin descanso es legal?
"""


def test_a_new_card_needs_only_the_files_its_checklist_names(data: Path) -> None:
    assert "`data/content/<topic>.yml`: the card; 2. `data/nlu/faq_<topic>.yml`" in GUIDE
    append(data / "content" / "rights.yml", NEW_CARD)
    append(data / "nlu" / "faq_rights.yml", NEW_EXAMPLES)
    assert errors(data) == []
    card = responses(data)["utter_faq/rights_rest_days"]
    texts = {c["value"]: v["text"] for v in card for c in v.get("condition", [])}
    assert texts["en"].startswith("Working without any day off") and "Source: ILO" in texts["en"]
    assert texts["es"].startswith("Trabajar sin ningún día libre") and "Fuente: OIT" in texts["es"]


NEW_COUNTRY = """# Referral directory: Paraguay (a test's example, not real data).
country: PY
name: {en: Paraguay, es: Paraguay}
organisations:
  - id: py-911
    name: "911 – Sistema de emergencias"
    description:
      en: "Emergency line."
      es: "Línea de emergencias."
    needs: [emergency]
    languages: [es]
    contacts:
      - {kind: phone, value: "911"}
    hours: null
    free: null
    always_open: null
    confidential: null
    when_you_call:
      answered_by: police
      police: is_police
      immigration: null
      anonymous: null
      from_abroad: null
      interpreters: null
    sources:
      - "https://example.org/paraguay-911"
    verified_on: 2026-12-06
"""

COUNTRY_NAMES = """
  - code: PY
    name: {en: Paraguay, es: Paraguay}
    names: [paraguay]
    demonyms: [paraguaya, paraguayo, paraguayan]
"""


def test_a_new_country_needs_only_the_files_its_checklist_names(data: Path) -> None:
    assert "`data/referrals/<cc>.yml`: its contacts; 2. `data/countries.yml`" in GUIDE
    (data / "referrals" / "py.yml").write_text(NEW_COUNTRY, encoding="utf-8")
    append(data / "countries.yml", COUNTRY_NAMES)
    assert errors(data) == []
    assert CountryFinder.from_file(data / "countries.yml").find_codes("vivo en paraguay") == ["PY"]
    emergency = responses(data)["utter_emergency_contacts"]
    paraguay = [v["text"] for v in emergency
                if {"name": "country", "value": "PY", "type": "slot"} in v.get("condition", [])]  # fmt: skip
    assert paraguay and all("📞 911 — 911 – Sistema de emergencias" in text for text in paraguay)


def test_a_changed_number_is_one_edit_in_one_file(data: Path) -> None:
    seed = data / "referrals" / "hn.yml"
    seed.write_text(seed.read_text(encoding="utf-8").replace('value: "145"', 'value: "146"'), encoding="utf-8")
    assert errors(data) == []
    built = responses(data)
    honduras = [v["text"] for v in built["utter_emergency_contacts"]
                if {"name": "country", "value": "HN", "type": "slot"} in v.get("condition", [])]  # fmt: skip
    assert honduras and all("📞 146 " in text and "📞 145 " not in text for text in honduras)
