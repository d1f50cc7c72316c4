"""The reply text on a phone screen: user's language, tappable numbers, verification date."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.referrals import db, loader
from bot.referrals.formatting import format_contacts
from bot.referrals.labels import LabelsError, load_labels
from bot.referrals.query import find_contacts
from bot.referrals.seeds import ContactSeed
from tests.referrals.conftest import TODAY


@pytest.fixture
def session(engine: Engine, seed_dir: Path) -> Iterator[Session]:
    loader.import_dir(engine, seed_dir, TODAY)
    with db.session_factory(engine)() as session:
        yield session


def test_spanish_reply_for_honduras(session: Session) -> None:
    text = format_contacts(find_contacts(session, "HN", "trafficking_hotline"), "es", today=TODAY)
    assert text == (
        "Sistema Nacional de Emergencias 911\n"
        "Policía, ambulancia y bomberos.\n"
        "Llama: 911\n"
        "Abierto 24/7\n"
        "Al llamar: atiende una oficina del gobierno · pueden enviar policía, ambulancia o bomberos"
        " · idiomas: español\n"
        "No se indica: migración, confidencialidad, costo\n"
        "\n"
        "CICESCT – Línea Nacional de Denuncias contra la Trata de Personas\n"
        "Denuncia la trata; gratuita y confidencial.\n"
        "Llama: 145\n"
        "Llama: +504 3399 4699\n"
        "Gratis\n"
        "Al llamar: atiende una oficina del gobierno · confidencial · idiomas: español\n"
        "No se indica: policía, migración\n"
        "\n"
        "Línea 114\n"
        "Línea policial para mujeres que viven violencia en casa.\n"
        "Llama: 114\n"
        "Abierto 24/7 · Gratis\n"
        "\n"
        "Verificado el 2026-11-20"
    )


def test_english_reply_uses_english_words_and_international_numbers(session: Session) -> None:
    text = format_contacts(find_contacts(session, "US"), "en")
    assert "Call: +1 888 373 7888" in text
    assert "Text: 233733" in text
    assert "Web: https://humantraffickinghotline.org" in text
    assert "Email: help@humantraffickinghotline.org" in text
    assert "Open 24/7 · Free" in text
    assert text.splitlines()[0] == "911" and text.endswith("\nVerified 2026-11-25")
    assert "Llama" not in text and "Gratis" not in text


def test_international_fallback_is_marked_and_whatsapp_shown_tappable(session: Session) -> None:
    text = format_contacts(find_contacts(session, "FR", "trafficking_hotline"), "es")
    assert text.startswith("Cross-border trafficking chat (Internacional)\n")
    assert "WhatsApp: +52 55 5533 5533" in text


def test_max_items_limits_blocks_and_the_date_is_of_those_shown(session: Session) -> None:
    views = find_contacts(session, "HN", "psychosocial")  # 911, 114 (both 2026-11-25), then 145 (2026-11-20)
    text = format_contacts(views, "en", max_items=2)
    assert text.count("\n\n") == 2  # two blocks and the date line
    assert "145" not in text
    assert text.endswith("Verified 2026-11-25")


def test_toll_free_numbers_outside_plus_one_are_shown_as_dialled_at_home(session: Session) -> None:
    view = find_contacts(session, "HN")[0]
    mexico_line = replace(view, id="mx-lnctp", country="MX", contacts=(ContactSeed("phone", "800 5533 000"),))
    assert "Call: 800 5533 000" in format_contacts([mexico_line], "en")


def test_bad_arguments_are_refused_with_a_reason(session: Session) -> None:
    views = find_contacts(session, "HN")
    with pytest.raises(ValueError, match="no labels for language 'fr'; available: en, es"):
        format_contacts(views, "fr")
    with pytest.raises(ValueError, match="max_items must be at least 1"):
        format_contacts(views, "en", max_items=0)
    with pytest.raises(ValueError, match="no organisations to format"):
        format_contacts([], "en")


def test_a_third_language_is_data_only(session: Session, tmp_path: Path) -> None:
    labels = load_labels()
    labels["pt"] = {**labels["en"], "call": "Ligue", "verified": "Verificado em {date}"}
    file = tmp_path / "_labels.yml"
    file.write_text(yaml.safe_dump(labels, allow_unicode=True), encoding="utf-8")

    text = format_contacts(find_contacts(session, "HN"), "pt", labels=load_labels(file))

    assert "Ligue: 145" in text and text.endswith("Verificado em 2026-11-20")
    assert "Police, ambulance and fire." in text  # no Portuguese description yet: English, never blank


def test_labels_file_must_be_complete(tmp_path: Path) -> None:
    file = tmp_path / "_labels.yml"
    file.write_text("en: {call: Call, verified: 'Verified'}\n", encoding="utf-8")
    with pytest.raises(LabelsError, match="language 'en' lacks labels: sms, whatsapp"):
        load_labels(file)


def test_repository_labels_cover_english_and_spanish() -> None:
    assert {"en", "es"} <= set(load_labels())


def test_hotline_card_says_what_happens_when_you_call_in_both_languages(session: Session) -> None:
    views = find_contacts(session, "US", "trafficking_hotline")
    english = format_contacts(views, "en", today=TODAY)
    assert (
        "When you call: a non-profit organisation answers, not the police · they tell the police only if you agree, "
        "unless the law obliges them · not immigration · confidential · you can stay anonymous · interpreters · "
        "languages: English, Spanish"
    ) in english
    spanish = format_contacts(views, "es", today=TODAY)
    assert "Al llamar: atiende una organización sin fines de lucro, no la policía · avisan a la policía solo si tú " \
        "aceptas, salvo que la ley los obligue · no es migración · confidencial" in spanish
    # The 911 entry states nothing about who answers: the card says so instead of guessing.
    assert "Not stated: who answers, immigration, confidentiality, cost" in english
    assert "No se indica: quién atiende, migración, confidencialidad, costo" in spanish


def test_entries_outside_emergency_and_trafficking_get_no_empty_call_line(session: Session) -> None:
    text = format_contacts(find_contacts(session, "HN", "psychosocial"), "en", today=TODAY)
    block_114 = next(block for block in text.split("\n\n") if block.startswith("Línea 114"))
    assert "When you call" not in block_114 and "Not stated" not in block_114


def test_every_answer_in_the_vocabulary_has_a_label_in_every_language() -> None:
    from bot.referrals.vocab import ANSWERED_BY, IMMIGRATION, POLICE

    for language, words in load_labels().items():
        for key in [f"answered_by_{v}" for v in ANSWERED_BY] + [f"police_{v}" for v in POLICE] + [
            f"immigration_{v}" for v in IMMIGRATION
        ]:
            assert words.get(key), (language, key)


def test_whatsapp_numbers_are_shown_in_international_form(session: Session) -> None:
    view = find_contacts(session, "HN")[0]
    chat = replace(view, country="MX", contacts=(ContactSeed("whatsapp", "+52 800 5533 000"),))
    assert "WhatsApp: +52 800 553 3000" in format_contacts([chat], "en", today=TODAY)
