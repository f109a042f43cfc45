"""Every reason a shipped rule gives, as a message id of the catalogue (English, the source).

Rules write their reasons in English — they are stored with the screening row and answered by
the API as they are — and the workspace shows them in the moderator's language through
:func:`translate_reason`. A reason with values ("word: Idiot") is written with a
template below; the values are read back out of the stored text and translated where they are
catalogued themselves. ``tests/test_i18n.py`` checks that every reason the pattern tables can
produce is listed here, and that every id here is translated in every catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from netiquette.i18n import N_, gettext

#: Reasons with values, in the words the rules write them.
TEMPLATES: tuple[str, ...] = (
    N_("%(how)s: %(term)s"),
    N_("cue: %(cue)s"),
    N_("refers to the article (%(mention)s)"),
    N_("%(reason)s (%(why)s)"),
    N_("not evaluated: %(rules)s"),
)

#: The insinuation cues (``screening/models/patterns.py``), named in ``cue: <name>``: the
#: stored reason keeps the name, the workspace shows these words.
CUES: dict[str, str] = {
    "paid_by": N_("paid for by someone"),
    "bought": N_("bought or bribed"),
    "conceal": N_("something concealed"),
    "of_course": N_("“of course not”"),
    "collusion": N_("collusion"),
    "hidden_motive": N_("a hidden motive"),
    "faked": N_("faked or lied"),
    "newsroom": N_("a bought press"),
    "troll": N_("paid trolls"),
    "everyone_knows": N_("“everyone knows”"),
}

#: Reasons without values.
ATOMS: tuple[str, ...] = (
    # insult (lexicon): how a word matched
    N_("word"),
    N_("compound"),
    N_("modifier"),
    N_("intensifier"),
    N_("masked"),
    N_("phrase"),
    # insult, insinuation, off_topic (models)
    N_("classifier"),
    N_("classifier in doubt, no insult word found"),
    N_("abusive rather than off-topic"),
    N_("no concrete reference to the article"),
    N_("no concrete reference to the article or the parent comment"),
    # off_topic (context model)
    N_("no reference to the article's subject, actors or discussion"),
    N_("no reference to the article's subject, actors or discussion nor to the parent comment"),
    N_("refers to the discussion or the article"),
    N_("no article"),
    N_("no model yet"),
    N_("not configured"),
    # aggression
    N_("shouting"),
    N_("shouting at the reader"),
    N_("call for violence"),
    N_("call for violence against a group"),
    N_("dehumanisation"),
    N_("denial of humanity"),
    N_("denial of rights"),
    N_("group derogation"),
    N_("group exclusion"),
    N_("group hatred"),
    N_("intimidation"),
    N_("threat"),
    N_("threat against a group"),
    N_("violent wording"),
    N_("wish of harm"),
    # ad_link
    N_("e-mail address"),
    N_("link"),
    N_("messenger contact"),
    N_("obfuscated link"),
    N_("phone number"),
    N_("given as a source"),
    N_("no sign of promotion"),
    N_("asks for private messages"),
    N_("call to buy"),
    N_("click here"),
    N_("discount code"),
    N_("free trial"),
    N_("income promise"),
    N_("investment pitch"),
    N_("link in profile"),
    N_("offer"),
    N_("points to profile"),
    N_("price"),
    N_("price offer"),
    N_("promotes own channel"),
    N_("sales word"),
    N_("side income"),
    N_("work-from-home offer"),
    N_("asks for a message"),
    N_("contact in profile"),
    N_("contact through a messenger"),
    N_("asks for a call"),
    N_("service offer"),
    N_("price promise"),
    N_("free consultation"),
    N_("job offer"),
    N_("limited offer"),
    N_("messenger group"),
    N_("team or seat pitch"),
    N_("code or keyword"),
    N_("price on request"),
)


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache
def _reason_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each parameterised reason id as a regex that reads its values back out of a reason."""
    patterns = []
    for template in TEMPLATES:
        parts = _PLACEHOLDER.split(template)
        regex = "".join(
            f"(?P<{part}>.+?)" if i % 2 else re.escape(part) for i, part in enumerate(parts)
        )
        patterns.append((template, re.compile(regex + r"\Z", re.DOTALL)))
    return tuple(patterns)


def translate_reason(reason: str, lang: str) -> str:
    """A screening reason (stored in English, parts joined by ``"; "``) in ``lang``.

    Reasons are stored and answered by the API in English, the source language; the workspace
    shows them in the moderator's language. A part that is no catalogued reason (an old text, a
    model's own words) is shown as it is.
    """
    if not reason:
        return reason
    _ = gettext(lang)
    return "; ".join(_translate_part(part, _) for part in reason.split("; "))


#: Placeholders that hold our own words (translated); the others hold the comment's words.
_OUR_WORDS = frozenset({"how", "reason", "why"})


def _known(part: str) -> bool:
    return part in ATOMS or any(p.match(part) for _, p in _reason_patterns())


def _translate_part(part: str, _: Callable[[str], str]) -> str:
    if part in ATOMS:
        return _(part)
    if part.startswith("cue: ") and part[5:] in CUES:
        return _("cue: %(cue)s") % {"cue": _(CUES[part[5:]])}
    for template, pattern in _reason_patterns():
        match = pattern.match(part)
        if match is None:
            continue
        values = match.groupdict()
        if not all(_known(v) for k, v in values.items() if k in _OUR_WORDS):
            continue
        return _(template) % {
            k: _translate_part(v, _) if k in _OUR_WORDS else v for k, v in values.items()
        }
    return part


__all__ = ["ATOMS", "CUES", "TEMPLATES", "translate_reason"]
