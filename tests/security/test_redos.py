"""Every matcher runs in time linear in the comment: adversarial inputs of the maximum length.

Before issue 11 a 10,000-character comment of ``"1."`` or ``"--"`` took 6-70 s in single
patterns (backtracking), and three of them stalled the server. Each registered house-rule
component (so components added later are covered too) and the normaliser must now get through
every input of ``tests/security/adversarial.py`` well within a deadline. The deadline is a
behaviour guarantee with a wide margin for a loaded machine (ordinary screening of such a text
takes milliseconds), not a speed figure: ``benchmarks/redos.py`` prints those.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from netiquette.screening.base import ScreeningInput
from netiquette.screening.normalize import normalize
from netiquette.screening.registry import registered
from netiquette.settings import SETTINGS
from tests.security.adversarial import adversarial_texts

MAX_CHARS = next(s.default for s in SETTINGS if s.name == "max_comment_chars")
#: Seconds one comment may take in one matcher here: quadratic matching took 6-70 s.
DEADLINE = 2.0
TEXTS = list(adversarial_texts(MAX_CHARS))
ARTICLE = "Der Stadtrat hat die Linie 7 beschlossen. Die Bahn fährt ab 2027 alle zehn Minuten."


def _slowest(run: Any) -> list[tuple[float, str]]:
    timings = []
    for label, text in TEXTS:
        started = time.perf_counter()
        run(text)
        timings.append((time.perf_counter() - started, label))
    return sorted(timings, reverse=True)[:3]


def test_the_inputs_have_the_maximum_length() -> None:
    assert len(TEXTS) > 100
    assert {len(text) for _, text in TEXTS} == {MAX_CHARS}


#: Configs for components that cannot be built without one (a site's own patterns): the
#: example of their documentation. A new such component fails below until it is listed here.
EXAMPLE_CONFIGS: dict[str, dict[str, Any]] = {
    "netiquette.patterns.v1": {
        "house_rule": "private_data",
        "patterns": [r"(?i)\b(?:tel\.?|telefon|handy)\s*:?\s*\+?[0-9][0-9 /-]{6,}[0-9]"],
    },
}


@pytest.mark.parametrize("name", sorted(registered("rule")))
def test_every_rule_component_is_linear_on_adversarial_input(name: str) -> None:
    rule = registered("rule")[name].build(EXAMPLE_CONFIGS.get(name, {}))
    rule.evaluate(ScreeningInput("Guten Morgen.", article_text=ARTICLE))  # loads its model
    slowest = _slowest(lambda text: rule.evaluate(ScreeningInput(text, article_text=ARTICLE)))
    assert slowest[0][0] < DEADLINE, f"{name} is too slow on: {slowest}"


def test_the_normaliser_is_linear_on_adversarial_input() -> None:
    slowest = _slowest(normalize)
    assert slowest[0][0] < DEADLINE, f"normalize is too slow on: {slowest}"
