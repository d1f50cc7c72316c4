"""Danger detection with the trained model, as the user meets it: every labelled message through the whole NLU
pipeline (rules, DIET, the danger classifier). The issue's targets: every cry for help in the labelled set gets
the emergency reply, and at most 5 % of the ordinary messages do."""

from __future__ import annotations

import pytest

from bot.eval import safety
from bot.eval.danger import DEFAULT_SET, FALSE_ALARM_TARGET
from tests.server import MODEL

pytestmark = pytest.mark.rasa_server


@pytest.fixture(scope="module")
def report() -> safety.SetReport:
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run `make train` (make test does it first)")
    (labelled,) = safety.evaluate(MODEL, [DEFAULT_SET])
    return labelled


def test_every_cry_for_help_in_the_labelled_set_gets_the_emergency_reply(report: safety.SetReport) -> None:
    assert [v.text for v in report.misses] == []


def test_few_ordinary_messages_get_the_emergency_reply(report: safety.SetReport) -> None:
    alarms = [(v.text, v.by) for v in report.false_alarms]
    assert report.false_alarm_rate() <= FALSE_ALARM_TARGET, alarms


def test_every_alarm_says_which_layer_raised_it(report: safety.SetReport) -> None:
    flagged = [v for v in report.verdicts if v.flagged]
    assert flagged and all(v.by in {"rules", "both classifiers", "danger classifier"} for v in flagged)
