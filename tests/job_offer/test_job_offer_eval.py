"""make eval's job-offer figures: honest about what was seen, and never opening a batch not yet scored."""

from __future__ import annotations

import shutil

import pytest

from bot.eval import job_offer as signs_eval
from bot.eval import job_offer_conversation as conversations
from bot.eval.headers import first_score_lines
from bot.job_offer import OfferReader
from bot.job_offer.labelled import UNSEEN_DIR, LabelledOffer, is_scored
from bot.job_offer.training import load_or_train

UNSCORED_HEADER = "# Job-offer batch JX: written blind.\n# NOT YET SCORED\n"


@pytest.fixture
def unseen(tmp_path):
    """A copy of the scored batch J1 and a batch not yet scored whose body would break any reader."""
    shutil.copy(UNSEEN_DIR / "batch_j1.yml", tmp_path / "batch_j1.yml")
    (tmp_path / "batch_jx.yml").write_text(UNSCORED_HEADER + "offers: [this: is: not: yaml\n", encoding="utf-8")
    return tmp_path


def test_the_sign_figures_name_every_set_and_every_first_score(unseen, capsys: pytest.CaptureFixture[str]) -> None:
    signs_eval.main(["--unseen-dir", str(unseen)])
    out = capsys.readouterr().out
    assert "cross-validated" in out and "Held out" in out
    assert "sign precision 0.71, recall 0.38" in out  # J1's first score, from its header
    assert "NO LONGER UNSEEN" in out
    assert "batch_jx.yml" in out and "not read" in out
    for sign in ("minors", "urgency", "withheld_wages", "OVERALL"):
        assert sign in out


def test_a_batch_not_yet_scored_is_only_read_for_its_header(unseen) -> None:
    assert not is_scored(unseen / "batch_jx.yml")
    assert first_score_lines(unseen / "batch_jx.yml") == ["(no first score recorded)"]
    assert [p.name for p in conversations.unseen_batches(unseen)] == ["batch_j1.yml", "batch_jx.yml"]
    assert [name for name, _ in conversations.default_sets(unseen)][1:] == ["batch_j1.yml (no longer unseen)"]


def _offer(text: str, flags: set[str], deceptive: bool, language: str = "en") -> LabelledOffer:
    return LabelledOffer(id=text[:10], language=language, text=text, flags=frozenset(flags), deceptive=deceptive)


def test_a_conversation_counts_what_the_person_gets() -> None:
    reader = OfferReader.from_files(signs=load_or_train())
    routed = {"intent": {"name": "ask_job_offer_safe"}, "entities": [{"entity": "language", "value": "en"}]}
    elsewhere = {"intent": {"name": "faq"}, "entities": [{"entity": "language", "value": "es"}]}
    offers = [
        _offer(
            "Hotel job in Dubai, the manager keeps your passport, pay the 300 USD visa fee first",
            {"document_retention", "recruitment_fee"},
            True,
        ),
        _offer("Dishwasher wanted at Maple Bistro LLC, 220 King St, $17/hr, no fees", set(), False),
        _offer("need girls 16+ for parties, 300$ a night, no need parents permission", {"minors", "too_good"}, True),
    ]
    chats = [conversations.converse(o, p, reader) for o, p in zip(offers, [routed, routed, elsewhere], strict=True)]
    report = conversations.Report("test", chats, simulated=False).figures()
    assert report["routed"] == pytest.approx(2 / 3)
    assert report["deceptive_warned"] == 0.5  # the third never reached the check
    assert report["legit_serious"] == 0 and report["safe_replies"] == 0
    assert report["language"] == pytest.approx(2 / 3)
    assert report["counts"]["fn"] >= 2  # the unrouted offer's signs count as missed
