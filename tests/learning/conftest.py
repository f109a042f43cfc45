"""The simulated site, imported and trained once for every site-model test."""

from __future__ import annotations

import pytest

from tests.learning.sitehelpers import TrainedSite, train_site_once


@pytest.fixture(scope="package")
def trained(tmp_path_factory: pytest.TempPathFactory) -> TrainedSite:
    """500 decisions of the simulated site imported, one candidate trained (copy before use)."""
    return train_site_once(tmp_path_factory.mktemp("site"))
