"""The labelled offers are what the learned reader knows and how it is measured: they must stay honest."""

from __future__ import annotations

import re

from bot.job_offer import default_flags
from bot.job_offer.labelled import held_out_offers, is_scored, load_file, training_offers, unseen_batches
from bot.job_offer.text import fold


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", fold(text)).strip()


def test_there_are_at_least_200_labelled_offers_in_both_languages_legitimate_ones_included() -> None:
    offers = training_offers() + held_out_offers()
    assert len(offers) >= 200
    for language in ("en", "es"):
        mine = [o for o in offers if o.language == language]
        assert len(mine) >= 80, language
        assert sum(not o.is_deceptive for o in mine) >= 20, f"{language}: legitimate offers measure precision"


def test_legitimate_offers_include_the_programmes_people_ask_about() -> None:
    legit = " ".join(fold(o.text) for o in training_offers() if not o.is_deceptive)
    for programme in (
        "h-2a",
        "h-2b",
        "seasonal agricultural worker program",
        "temporary foreign worker",
        "trabajadores agricolas temporales",
    ):
        assert programme in legit, programme


def test_every_sign_has_examples_to_learn_from_and_labels_are_known_signs() -> None:
    ids = set(default_flags().ids)
    offers = training_offers()
    for offer in offers + held_out_offers():
        assert offer.flags <= ids and offer.absent <= ids, offer.id
        assert not offer.flags & offer.absent, offer.id
    for sign in ids:
        assert sum(sign in o.flags for o in offers) >= 10, sign


def test_held_out_offers_are_never_in_the_training_data() -> None:
    trained = {_key(o.text) for o in training_offers()}
    assert len(held_out_offers()) >= 40
    assert not [o.id for o in held_out_offers() if _key(o.text) in trained]


def test_scored_blind_batches_are_not_in_the_training_data() -> None:
    trained = {_key(o.text) for o in training_offers()}
    scored = [p for p in unseen_batches() if is_scored(p)]  # a batch not yet scored is never opened here
    assert {"batch_j1.yml", "batch_j2.yml", "batch_j3.yml"} <= {p.name for p in scored}
    for path in scored:
        assert not [o.id for o in load_file(path).offers if _key(o.text) in trained]


def test_ids_are_unique() -> None:
    ids = [o.id for o in training_offers() + held_out_offers()]
    assert len(ids) == len(set(ids))
