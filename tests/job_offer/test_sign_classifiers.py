"""The learned half of the reader: a classifier per sign, deterministic, stored as data, adding what rules miss."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bot.job_offer import OfferReader, default_flags
from bot.job_offer.labelled import training_offers
from bot.job_offer.reader import MODEL
from bot.job_offer.signs import SignClassifiers
from bot.job_offer.training import load_or_train

SMALL = training_offers()[:90]


def _fit(offers=SMALL) -> SignClassifiers:
    return SignClassifiers.fit(
        [o.text for o in offers], {s: [s in o.flags for o in offers] for s in default_flags().ids}
    )


@pytest.fixture(scope="module")
def trained() -> SignClassifiers:
    model = load_or_train()
    assert model is not None
    return model


def test_training_twice_gives_the_same_model() -> None:
    first, second = _fit(), _fit()
    assert set(first.scorers) == set(second.scorers)
    for sign, scorer in first.scorers.items():
        assert np.array_equal(scorer.coef, second.scorers[sign].coef), sign


def test_the_model_is_stored_as_json_and_reads_back_to_the_same_probabilities(tmp_path) -> None:
    model = _fit().with_thresholds({"recruitment_fee": 0.6})
    path = model.save(tmp_path / "signs.json")
    data = json.loads(path.read_text(encoding="utf-8"))  # plain data: loading it cannot run code
    assert data["thresholds"] == {"recruitment_fee": 0.6}
    loaded = SignClassifiers.load(path)
    text = "you must pay a 300 dollar registration fee to our agent"
    for sign, p in model.probabilities(text).items():
        assert loaded.probabilities(text)[sign] == pytest.approx(p, abs=1e-5)


def test_a_model_file_of_another_format_is_refused(tmp_path) -> None:
    path = tmp_path / "signs.json"
    path.write_text(json.dumps({"format": 999}), encoding="utf-8")
    with pytest.raises(ValueError, match="retrain"):
        SignClassifiers.load(path)


def test_every_sign_gets_a_classifier_and_a_threshold_from_cross_validation(trained: SignClassifiers) -> None:
    assert set(trained.scorers) == set(default_flags().ids)
    for sign in trained.scorers:
        assert 0.3 <= trained.thresholds[sign] < 1.0, sign
    figures = trained.about["cross_validated"]
    tp, fp, fn = (sum(f[k] for f in figures.values()) for k in ("tp", "fp", "fn"))
    # Rules OR classifier, each offer scored by classifiers that never saw it.
    assert tp / (tp + fp) >= 0.85 and tp / (tp + fn) >= 0.8


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("the lady lends me the money for the bus and I give it back little by little from what I earn", "travel_debt"),
        ("hay que pagar la inscripcion de 120 dolares para apartar tu lugar en la lista", "recruitment_fee"),
        ("hurry!!! only a few seats on the van this friday, tell me today if you want one", "urgency"),
    ],
)
def test_the_learned_half_reads_signs_in_words_the_rules_were_not_written_for(
    trained: SignClassifiers, text: str, sign: str
) -> None:
    assert sign in OfferReader.from_files(signs=trained).read(text).flags


class _Sure:
    """A stand-in for the classifiers that is sure of one sign."""

    def __init__(self, sign: str) -> None:
        self.sign = sign

    def probabilities(self, text: str) -> dict[str, float]:
        return {self.sign: 0.99}

    def present(self, probabilities: dict[str, float]) -> set[str]:
        return {s for s, p in probabilities.items() if p >= 0.5}


def test_a_classifier_yes_adds_a_sign_the_rules_did_not_see_without_words_to_quote() -> None:
    reader = OfferReader.from_files(signs=_Sure("secrecy"))  # type: ignore[arg-type]
    reading = reader.read("a job in a hotel, good pay")
    assert reading.flags["secrecy"].by == MODEL and reading.flags["secrecy"].text == ""


def test_what_the_rules_rule_out_the_classifier_cannot_add() -> None:
    reader = OfferReader.from_files(signs=_Sure("recruitment_fee"))  # type: ignore[arg-type]
    reading = reader.read("The employer pays everything, there are no fees at all")
    assert "recruitment_fee" in reading.absent and "recruitment_fee" not in reading.flags


def test_a_broken_classifier_leaves_the_rules_answering() -> None:
    class Broken(_Sure):
        def probabilities(self, text: str) -> dict[str, float]:
            raise RuntimeError("corrupt model")

    reading = OfferReader.from_files(signs=Broken("x")).read("they keep your passport")  # type: ignore[arg-type]
    assert "document_retention" in reading.flags


def test_an_offer_naming_no_employer_is_unverifiable_and_a_named_one_is_not(trained: SignClassifiers) -> None:
    reader = OfferReader.from_files(signs=trained)
    terms = "sueldo 3 mil a la semana, hospedaje incluido, escribe al WhatsApp"
    unnamed = f"Se buscan meseras para restaurante en Cancún, {terms}"
    named = f"Se buscan meseras para Restaurante La Palapa S.A. de C.V., {terms}"
    assert "unverifiable_company" in reader.read(unnamed).flags
    assert "unverifiable_company" in reader.read(named).absent


def test_a_read_only_install_still_gets_the_learned_half(tmp_path, monkeypatch) -> None:
    from bot.job_offer import training

    trained_once = _fit()
    monkeypatch.setattr(training, "train", lambda: trained_once)
    missing = tmp_path / "no-such-dir" / "signs.json"
    monkeypatch.setattr(SignClassifiers, "save", lambda self, path: (_ for _ in ()).throw(PermissionError(path)))
    assert training.load_or_train(missing) is trained_once


def test_the_features_are_read_as_scikit_learn_reads_them() -> None:
    """The n-gram space reads a text itself (the action server does not import scikit-learn): every labelled offer,
    an empty text, emoji and markup give the features scikit-learn's TfidfVectorizer gives with the same vocabulary."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    from bot.job_offer.ngram import _KINDS, NgramSpace, plain

    texts = [o.text for o in training_offers()]
    space = NgramSpace.fit(texts[:200])
    probes = [*texts, "", "🙂🙂🙂", "<b>pay a fee</b> of $500!!", "a", "Pasaporte retenido, NO salario"]
    vectorisers = []
    for features in space.features:
        settings = {k: v for k, v in _KINDS[features.kind].items() if k != "min_df"}
        vectoriser = TfidfVectorizer(lowercase=False, sublinear_tf=True, vocabulary=features.vocabulary, **settings)
        vectoriser.idf_ = features.idf
        vectorisers.append(vectoriser)
    expected = hstack([v.transform([plain(t) for t in probes]) for v in vectorisers]).toarray()
    ours = space.transform(probes).toarray()
    assert ours.shape == expected.shape and ours.any()
    assert np.allclose(ours, expected)
