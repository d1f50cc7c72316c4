"""The job-offer tests' one reader: rules and learned classifiers, as the action server builds it."""

from __future__ import annotations

import pytest

from bot.job_offer import OfferReader
from bot.job_offer.training import load_or_train


@pytest.fixture(scope="module")
def reader() -> OfferReader:
    return OfferReader.from_files(signs=load_or_train())
