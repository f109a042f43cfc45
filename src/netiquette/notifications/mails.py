"""The words of each notification, in the recipient's language (gettext catalogues)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from netiquette.errors import InputError
from netiquette.i18n import DEFAULT, LANGUAGES, format_when, translations

#: A plain address: something@domain.tld, no spaces, no control characters, at most 254 long.
_ADDRESS = re.compile(
    r"^[^@\s\x00-\x1f\x7f<>,;]+@[^@\s\x00-\x1f\x7f<>,;]+\.[^@\s\x00-\x1f\x7f<>,;]+$"
)
MAX_ADDRESS = 254
QUOTE_CHARS = 300


def check_address(value: str, field: str) -> str:
    """The address, stripped; InputError naming ``field`` when it is not one."""
    value = value.strip()
    if len(value) > MAX_ADDRESS or not _ADDRESS.match(value):
        raise InputError(f"{field} is not an e-mail address like name@example.org", field=field)
    return value


def is_address(value: str) -> bool:
    """True when ``value`` (e.g. a notifier's free-text contact) is one e-mail address."""
    value = value.strip()
    return len(value) <= MAX_ADDRESS and bool(_ADDRESS.match(value))


def language(lang: str | None) -> str:
    """A language with a catalogue (the site's default otherwise)."""
    return lang if lang in LANGUAGES else DEFAULT


@dataclass(frozen=True, slots=True)
class Mail:
    """Subject and plain-text body."""

    subject: str
    body: str


def _quote(text: str) -> str:
    text = " ".join(text.split())
    clipped = text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"
    return "    „" + clipped + "“" if clipped else ""


def _compose(lang: str, subject: str, *paragraphs: str) -> Mail:
    t = translations(lang)
    footer = t.gettext(
        "You receive this e-mail because you asked to be told. Please do not reply to it."
    )
    body = "\n\n".join([t.gettext("Hello,"), *[p for p in paragraphs if p], "-- ", footer])
    return Mail(subject, body + "\n")


def comment_decided(
    lang: str,
    event: str,
    to_state: str | None,
    received_at: datetime,
    text: str,
    timezone: str,
    *,
    statement: str = "",
    appeal_outcome: str = "",
    appeal_reason: str = "",
) -> Mail | None:
    """The mail to a commenter for one decision event (None: nothing to tell)."""
    t = translations(lang)
    sent = format_when(received_at, lang, timezone)
    quote = _quote(text)
    if event == "appeal_decided":
        granted = appeal_outcome == "reversed"
        subject = (
            t.gettext("Your appeal was granted")
            if granted
            else t.gettext("Your appeal was not granted")
        )
        lead = (
            t.gettext("we reviewed your appeal: your comment of %(date)s is now published.")
            if granted
            else t.gettext("we reviewed your appeal: your comment of %(date)s stays unpublished.")
        ) % {"date": sent}
        reason = (
            t.gettext("The reason: %(reason)s") % {"reason": appeal_reason} if appeal_reason else ""
        )
        return _compose(lang, subject, lead, quote, reason)
    if to_state == "approved":
        subject = t.gettext("Your comment was published")
        lead = t.gettext("your comment of %(date)s is now published:") % {"date": sent}
        return _compose(lang, subject, lead, quote)
    if to_state == "rejected":
        subject = t.gettext("Your comment was not published")
        lead = t.gettext("your comment of %(date)s was not published:") % {"date": sent}
        how = t.gettext(
            "You can appeal on the page of your comment (the link you received when you sent it)."
        )
        return _compose(lang, subject, lead, quote, statement, how)
    return None


def notice_received(lang: str, comment_id: str, at: datetime, timezone: str) -> Mail:
    """Confirmation of receipt of a reader's notice (DSA Art. 16(4))."""
    t = translations(lang)
    return _compose(
        lang,
        t.gettext("We received your notice"),
        t.gettext(
            "we received your notice about comment %(id)s on %(date)s. A person on our "
            "moderation team will review it, and we will tell you the decision."
        )
        % {"id": comment_id, "date": format_when(at, lang, timezone)},
    )


def notice_decided(lang: str, comment_id: str, removed: bool, automated: bool) -> Mail:
    """The decision on a reader's notice and whether automated means decided (Art. 16(5))."""
    t = translations(lang)
    outcome = (
        t.gettext("The comment %(id)s you reported has been removed.")
        if removed
        else t.gettext(
            "After review, the comment %(id)s you reported stays published: we found no breach "
            "of the law or of our house rules."
        )
    ) % {"id": comment_id}
    means = (
        t.gettext("Automated means: the decision was taken automatically.")
        if automated
        else t.gettext(
            "Automated means: a person on our moderation team took this decision; software only "
            "helped to sort the queue."
        )
    )
    return _compose(lang, t.gettext("Decision on your notice"), outcome, means)
