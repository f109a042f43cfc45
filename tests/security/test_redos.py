"""Every matcher runs in time linear in the comment: adversarial inputs of the maximum length.

Before issue 11 a 10,000-character comment of ``"1."`` or ``"--"`` took 6-70 s in single
patterns (backtracking), and three of them stalled the server. Each registered house-rule
component (so components added later are covered too) and the normaliser must now get through
every input of ``tests/security/adversarial.py`` well within a deadline. The deadline is a
behaviour guarantee with a wide margin for a loaded machine (ordinary screening of such a text
takes milliseconds), not a speed figure: ``benchmarks/redos.py`` prints those.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import netiquette
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


def _fresh(text: str, i: int) -> str:
    """``text`` with its last character changed: the screening remembers recent texts (the
    classifier memo, the normaliser's cache), and a cached text would prove nothing."""
    last = "QRSTUVWXYZ"[i % 10]
    return text[:-1] + (last if text[-1] != last else "q")


@contextmanager
def _no_collection() -> Iterator[None]:
    """Time without the garbage collector: late in the suite this process holds every earlier
    test's objects, and one full collection of them (seen: 5 s in CI) is not matching time.
    (No ``gc.collect()`` first: over that heap it would cost the same seconds, every time.)"""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _slowest(run: Any) -> list[tuple[float, str]]:
    with _no_collection():
        return _slowest_of_all(run)


def _slowest_of_all(run: Any) -> list[tuple[float, str]]:
    timings = []
    for label, text in TEXTS:
        fresh = _fresh(text, 0)
        started = time.perf_counter()
        run(fresh)
        timings.append((time.perf_counter() - started, label))
    return sorted(timings, reverse=True)[:3]


def _best_fresh(run: Any, text: str, runs: int = 3) -> float:
    times = []
    with _no_collection():
        for i in range(1, runs + 1):
            fresh = _fresh(text, i)
            started = time.perf_counter()
            run(fresh)
            times.append(time.perf_counter() - started)
    return min(times)


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


#: The rule components registered when this module is collected (shipped and from installed
#: packages; not the ones other tests register at run time for their own purposes).
RULE_COMPONENTS = sorted(registered("rule"))


@pytest.fixture(scope="module")
def components() -> dict[str, Any]:
    """Every registered rule component, built and its model loaded."""
    built = {}
    for name in RULE_COMPONENTS:
        rule = registered("rule")[name].build(EXAMPLE_CONFIGS.get(name, {}))
        rule.evaluate(ScreeningInput("Guten Morgen.", article_text=ARTICLE))  # loads its model
        built[name] = rule
    return built


@pytest.fixture(scope="module")
def slowest_by_component(components: dict[str, Any]) -> dict[str, list[tuple[float, str]]]:
    """The three slowest adversarial inputs of each component.

    The components take turns on each text, as in the pipeline: the models several of them
    share (one classifier for insinuation, insult and aggression, one memo of its scores) run
    once per text and count for the first component that asks; every component's own work
    (lexicons, cues, patterns, preparation) counts for itself. One pass instead of one per
    component: the shared model ran six times per text before (about a minute of the suite).
    """
    timings: dict[str, list[tuple[float, str]]] = {name: [] for name in components}
    with _no_collection():
        for label, text in TEXTS:
            item = ScreeningInput(_fresh(text, 0), article_text=ARTICLE)
            for name, rule in components.items():
                started = time.perf_counter()
                rule.evaluate(item)
                timings[name].append((time.perf_counter() - started, label))
    return {name: sorted(t, reverse=True)[:3] for name, t in timings.items()}


@pytest.mark.parametrize("name", RULE_COMPONENTS)
def test_every_rule_component_is_linear_on_adversarial_input(
    name: str,
    components: dict[str, Any],
    slowest_by_component: dict[str, list[tuple[float, str]]],
) -> None:
    rule = components[name]

    def run(text: str) -> None:
        rule.evaluate(ScreeningInput(text, article_text=ARTICLE))

    slowest = slowest_by_component[name]
    assert slowest[0][0] < DEADLINE, f"{name} is too slow on: {slowest}"
    # Linear, not only fast enough here: the lexicon once sliced a 10,000-letter "word" at
    # every length (0.7 s, quadratic) and stayed under the deadline. Ten times the text may
    # take at most 40 times as long (linear: about 10; quadratic: about 100).
    worst_label = slowest[0][1]
    long_time = _best_fresh(run, dict(TEXTS)[worst_label])
    short_time = _best_fresh(run, SHORT[worst_label])
    assert long_time < 0.03 or long_time < 40 * short_time, (
        f"{name}: {long_time * 1000:.1f} ms on {worst_label} of {MAX_CHARS} characters, "
        f"{short_time * 1000:.2f} ms on a tenth of it (not linear)"
    )


def test_the_normaliser_is_linear_on_adversarial_input() -> None:
    slowest = _slowest(normalize)
    assert slowest[0][0] < DEADLINE, f"normalize is too slow on: {slowest}"


#: __main__ runs the CLI; migrations and training (torch, an extra) never see a stranger's text.
SKIPPED = ("netiquette.store.migrations", "netiquette.training")


def _module_patterns() -> dict[str, re.Pattern[str]]:
    """Every compiled text pattern at module level in netiquette (alone or in a list/tuple)."""
    found: dict[str, re.Pattern[str]] = {}
    for info in pkgutil.walk_packages(netiquette.__path__, "netiquette."):
        if info.name.endswith("__main__") or info.name.startswith(SKIPPED):
            continue
        module = importlib.import_module(info.name)
        for attr, value in vars(module).items():
            values = value if isinstance(value, list | tuple) else [value]
            for i, item in enumerate(values):
                if isinstance(item, re.Pattern) and isinstance(item.pattern, str):
                    name = f"{info.name}.{attr}" + (f"[{i}]" if values is value else "")
                    found[name] = item
    return found


def _best(pattern: re.Pattern[str], text: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for _match in pattern.finditer(text):
            pass
        times.append(time.perf_counter() - started)
    return min(times)


PATTERNS = _module_patterns()
SHORT = dict(adversarial_texts(MAX_CHARS // 10))


def test_the_module_patterns_are_found() -> None:
    # The walk must reach the screening, compat and article packages, or it proves nothing.
    assert len(PATTERNS) > 80
    for package in ("screening.rules", "screening.models", "compat", "articles"):
        assert any(f"netiquette.{package}." in name for name in PATTERNS), package


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_module_pattern_scales_linearly(name: str) -> None:
    """Not only the rules: text preparation, Perspective spans and article cleaning see
    strangers' text too. ``\\s*\\|LBR\\|`` in the models' text preparation took 95 ms on
    10,000 spaces (quadratic; five models ran it), ``[.!?…]+`` in the span splitter 2.4 s.

    A pattern fails when it needs over the deadline, or when ten times the text takes more
    than 40 times as long (linear: about 10; quadratic: about 100) and over 30 ms, so that
    scheduling noise on tiny times cannot fail it."""
    pattern = PATTERNS[name]
    worst_label, worst = "", 0.0
    for label, text in TEXTS:
        took = _best(pattern, text, runs=1)
        assert took < DEADLINE, f"{name} took {took:.2f} s on {label}"
        if took > worst:
            worst_label, worst = label, took
    if worst < 0.03:
        return
    long_time = _best(pattern, dict(TEXTS)[worst_label])
    short_time = _best(pattern, SHORT[worst_label])
    assert long_time < 0.03 or long_time < 40 * short_time, (
        f"{name}: {long_time * 1000:.1f} ms on {worst_label} of {MAX_CHARS} characters, "
        f"{short_time * 1000:.2f} ms on a tenth of it (not linear)"
    )
