"""Adversarial comments for the screening matchers: long repetitions that make regexes backtrack.

Each input is ``max_chars`` long. Most are one short unit repeated (``"1."``, ``"--"``,
``"x dot "``): a pattern that scans a run to its end from every start position is quadratic on
them. Every unit is also wrapped in a preamble that opens every cheap gate of the matchers (a
link, an ``@``, ``[dot]``, ``(at)``, a messenger name, a price, ``!!``), so gated patterns run
too. Shared by ``tests/security/test_redos.py`` and ``benchmarks/redos.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

#: Units whose repetition made a matcher quadratic before the fixes (issue 11), and their kin.
UNITS: tuple[str, ...] = (
    "1.", ".1", "-", "--", "a-", "a.", "1", "1 ", "1,", "a", "A", " ", "\n", "!", "A!", "a!",
    "?", "@", "a@", ".", "a_", "a*", "*a", "#", "$", "'", "a'", "(", "[", "{",
    "x dot ", "x [dot] ", "a (at) ", "x at ", "dot ", "(dot)", "[punkt]", "www.", "http://",
    "a.de", "a-b.de ", "1 2 ", "+49 ", "00", "1/", "€1", "1€ ", "1,99 ",
    "verdienst du 1", "nur 1", "bitcoin ", "jetzt ", "schreib mir ", "abonniert meinen ",
    "man sollte ", "gehoert ", "wir werden ", "ich weiss wo ", "sind ", "die frauen sind ",
    "hoffentlich ", "natürlich ", "wird von ", "wirft ", "nannte ", "sei ", "x sind keine ",
    "i d ", "I D I O T ", "1d10t", "a\u200b", "\u200b", "\u202e", "a\u0308", "ä", "ß",
    "A*sch", "a*a*", "Sch**ß", "idiooo", "@user ", "#tag ", "»", "„a“ ", "telefon: 1 ",
)  # fmt: skip

#: Opens the cheap gates of the link, contact, sales and shouting matchers.
PREAMBLE = (
    "www.x.de http://x.de a@x.de x [dot] de x (at) y whatsapp telegram @handle 10 € pro tag "
    "verdienst du jetzt rabatt code klick bitcoin profil pn LIES DAS JETZT SOFORT!! "
)


def repeated(unit: str, length: int) -> str:
    """``unit`` repeated to exactly ``length`` characters."""
    return (unit * (length // len(unit) + 1))[:length]


def adversarial_texts(length: int = 10_000) -> Iterator[tuple[str, str]]:
    """``(label, text)`` pairs, each text exactly ``length`` characters."""
    for unit in UNITS:
        yield f"{unit!r}", repeated(unit, length)
        body = repeated(unit, length - 2 * len(PREAMBLE))
        yield f"gates+{unit!r}", PREAMBLE + body + PREAMBLE
