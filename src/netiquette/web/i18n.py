"""The workspace's language: which one a request wants, and the words pages need beyond ``_()``.

``?lang=de`` (or any language with a catalogue) switches and is remembered in a cookie. The words
themselves live in the gettext catalogues (:mod:`netiquette.i18n`); templates call ``_("...")``
with the English text. Words chosen by a value (a state, an action, a flash message named in a
URL) are listed here, marked with ``N_`` so ``make messages`` extracts them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.requests import Request

from netiquette.i18n import DEFAULT, LANGUAGES, N_, gettext, language_name
from netiquette.screening.houserules import HouseRules
from netiquette.screening.reasons import translate_reason

__all__ = [
    "COOKIE",
    "DEFAULT",
    "LANGUAGES",
    "embed_catalogue",
    "pick_language",
    "reader_language",
    "word_helpers",
]

COOKIE = "nq_lang"

#: A comment's state as moderators read it.
STATE_LABELS = {
    "received": N_("received"),
    "pending": N_("pending"),
    "approved": N_("published"),
    "rejected": N_("rejected"),
}
#: What a decision did, in the past tense.
ACTION_LABELS = {"approve": N_("approved"), "reject": N_("rejected"), "undo": N_("undone")}
#: Audit events as the audit pages name them (an event not listed shows its stored name).
EVENT_LABELS = {
    "received": N_("received"),
    "queued": N_("queued for a person"),
    "auto_approved": N_("published automatically"),
    "auto_rejected": N_("rejected automatically"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
    "reversed": N_("decision reversed"),
    "undone": N_("undone"),
    "appealed": N_("appeal lodged"),
    "appeal_decided": N_("appeal decided"),
    "statement_issued": N_("statement of reasons issued"),
    "reported": N_("reported by a reader"),
    "reports_resolved": N_("reports resolved"),
    "marked_illegal": N_("marked as illegal"),
    "rescreened": N_("screened again"),
    "article_created": N_("article stored"),
    "article_updated": N_("article updated"),
    "author_erased": N_("author's data erased"),
    "retention_run": N_("old data deleted"),
    "login": N_("logged in"),
    "logout": N_("logged out"),
    "login_failed": N_("failed login"),
}
#: The confirmation after a decision.
DONE_LABELS = {"approve": N_("Approved"), "reject": N_("Rejected")}
#: Flash messages a redirect names in its URL (``?flash=users.saved``); anything else shows nothing.
FLASHES = {
    "users.saved": N_("Saved."),
    "spot.recorded": N_("Check recorded."),
    "bulk.none": N_("Nothing selected."),
    "demo.reported": N_("Thank you, the comment was reported."),
    "decide.undone": N_("Decision taken back; the comment is pending again."),
}


#: The embed's words (``/embed.js`` carries them in every language; the page's ``lang`` picks).
EMBED_WORDS = {
    "comments": N_("Comments"),
    "send": N_("Send"),
    "name": N_("Name"),
    "text": N_("Your comment"),
    "pending": N_("being reviewed"),
    "published": N_("published"),
    "rejected": N_("not published"),
    "none": N_("No comments yet."),
    "own": N_("Your comments"),
    "link": N_("Status, reasons and appeal"),
    "email": N_("E-mail for the decision (optional)"),
}


def embed_catalogue() -> dict[str, dict[str, str]]:
    """The embed's words in every language with a catalogue."""
    return {lang: {k: gettext(lang)(v) for k, v in EMBED_WORDS.items()} for lang in LANGUAGES}


def pick_language(request: Request) -> str:
    """``?lang=`` first, then the cookie, then the site's default language."""
    asked = request.query_params.get("lang", "")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE, "")
    return remembered if remembered in LANGUAGES else DEFAULT


def reader_language(request: Request) -> str:
    """A reader's language: ``?lang=``, then the browser's ``Accept-Language``, then the site's.

    Readers have no cookie of ours; their browser says what they read.
    """
    asked = request.query_params.get("lang", "")
    if asked in LANGUAGES:
        return asked
    ranked: list[tuple[float, str]] = []
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        code = tag.strip().lower()[:2]
        if code in LANGUAGES and weight > 0:
            ranked.append((weight, code))
    ranked.sort(key=lambda pair: -pair[0])  # stable: equal weights keep the browser's order
    return ranked[0][1] if ranked else DEFAULT


def _lookup(table: dict[str, str], _: Callable[[str], str]) -> Callable[[str], str]:
    def label(value: str) -> str:
        return _(table[value]) if value in table else value

    return label


#: Names of the policy switches on the dashboard.
SWITCH_LABELS = {
    "auto_approve": N_("automatic approval"),
    "auto_reject": N_("automatic rejection"),
}
_MODEL_SOURCE = re.compile(r"model (\S+) \((.+)\)")
_SETTING_SOURCE = re.compile(r"setting (\w+) = (on|off) \(from (.+)\)")


def policy_source(source: str, _: Callable[[str], str]) -> str:
    """Where a policy switch or threshold comes from, in the reader's words.

    The sources are built in English by the policy (``netiquette settings`` prints them as
    they are); file names, paths and setting names stay as written.
    """
    if source.startswith("approve: ") and "; reject: " in source:
        approve, reject = source[len("approve: ") :].split("; reject: ", 1)
        approval, rejection = _("approval"), _("rejection")
        return f"{approval}: {policy_source(approve, _)}; {rejection}: {policy_source(reject, _)}"
    if source == "[policy] thresholds":
        return _("the screening file's [policy] thresholds")
    if source.startswith("default"):
        return _("default") + source[len("default") :]
    if m := _MODEL_SOURCE.fullmatch(source):
        where = _("shipped model") if m.group(2) == "shipped" else m.group(2)
        model_file = _("model file")
        return f"{model_file} {m.group(1)} ({where})"
    if m := _SETTING_SOURCE.fullmatch(source):
        state = _("on") if m.group(2) == "on" else _("off")
        setting = _("setting")
        return f"{setting} {m.group(1)} = {state} ({m.group(3)})"
    return source


def word_helpers(lang: str, house_rules: HouseRules) -> dict[str, Any]:
    """What every template gets besides ``_``: labels chosen by a value, the language switch.

    House rules' labels and keys come from the site's rule specs (screening TOML), not from
    the catalogues: a site's own rule brings its labels with it.
    """
    _ = gettext(lang)
    return {
        "state_label": _lookup(STATE_LABELS, _),
        "action_label": _lookup(ACTION_LABELS, _),
        "event_label": _lookup(EVENT_LABELS, _),
        "done_label": _lookup(DONE_LABELS, _),
        "reason_text": lambda reason: translate_reason(reason, lang),
        "flash_text": lambda key: _(FLASHES[key]) if key in FLASHES else "",
        "rule_label": lambda rule: house_rules.label(rule, lang),
        "switch_label": _lookup(SWITCH_LABELS, _),
        "policy_source": lambda source: policy_source(str(source), _),
        "numbered_rules": house_rules.numbered(lang),
        # A rule's workspace key (1-9), "" for one the site no longer has.
        "rule_number": lambda rule: spec.workspace_key if (spec := house_rules.get(rule)) else "",
        "house_rules": list(house_rules.keys),
        "languages": LANGUAGES,
        "language_name": language_name,
    }
