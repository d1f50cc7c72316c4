"""Every question of the check offers "I don't know" and "Show me the result now", in the conversation's language."""

from __future__ import annotations

import yaml

from bot.domain_builder import build
from bot.job_offer_form import QUESTIONS_SLOT, RESULT_NOW_INTENT, flag_ids, slot_name
from bot.paths import REPO_ROOT


def test_each_question_has_the_answer_buttons_and_the_result_button(tmp_path) -> None:
    generated = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in build(tmp_path)}
    form = generated["job_offer.yml"]
    labels = yaml.safe_load((REPO_ROOT / "data" / "responses" / "job_offer.yml").read_text(encoding="utf-8"))["labels"]
    for flag in flag_ids():
        variations = form["responses"][f"utter_ask_{slot_name(flag)}"]
        for variation in (v for v in variations if v.get("condition")):
            language = variation["condition"][0]["value"]
            payloads = [b["payload"] for b in variation["buttons"]]
            titles = [b["title"] for b in variation["buttons"]]
            assert payloads == ["/affirm", "/deny", "/not_sure", f"/{RESULT_NOW_INTENT}"], flag
            assert labels["answer_buttons"]["not_sure"][language] in titles
            assert labels["answer_buttons"][RESULT_NOW_INTENT][language] in titles
    assert form["slots"][QUESTIONS_SLOT]["type"] == "list"
    assert form["forms"]["job_offer_form"]["required_slots"] == [slot_name(f) for f in flag_ids()]


def test_the_result_intent_is_in_the_domain() -> None:
    domain = yaml.safe_load((REPO_ROOT / "domain" / "domain.yml").read_text(encoding="utf-8"))
    assert RESULT_NOW_INTENT in domain["intents"]
