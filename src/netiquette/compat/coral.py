"""Coral Talk's external moderation phase, answered by netiquette's intake.

Coral POSTs each new or edited comment (``ExternalModerationRequest``) and waits for 204 (no
opinion) or 200 with ``actions``/``status``. netiquette records every such comment in its own
store, queue and audit log like a CMS submission (actor ``coral:<tenant domain>``), then maps its
state to Coral's:

| netiquette            | Coral answer                                                       |
|-----------------------|--------------------------------------------------------------------|
| approved              | 200 ``APPROVED`` (204 when ``coral_auto_approve`` is off)          |
| rejected              | 200 ``REJECTED`` + FLAG per flagged rule Coral has a reason for    |
| pending (human queue) | 200 ``SYSTEM_WITHHELD`` + the same FLAGs                           |
| not decided in time   | 200 ``SYSTEM_WITHHELD``, no FLAG; netiquette still decides it      |
| nothing to screen     | 204                                                                |

Which Coral flag reason a house rule raises is its spec's ``coral_flag_reason``
(:func:`flag_reasons`). Shipped: ``COMMENT_DETECTED_TOXIC`` for insult and aggression,
``COMMENT_DETECTED_SPAM`` for ad_link, and ``COMMENT_DETECTED_SUSPECT_WORD`` for insinuation
and off_topic, which have no reason of their own in Coral: it is a detected-reason Coral accepts
from a phase and shows on the comment in its moderation queue ("suspect word"), so the moderator
in Coral sees that netiquette flagged it. A rule without one (a site's new rule, unless it names
a Coral reason) raises no FLAG: the comment is still withheld or rejected. The exact rules
travel in the ``X-Netiquette-Rules`` header and in netiquette's record of the comment.

Comment ids: Coral's request carries no comment id, so netiquette derives one from tenant,
story, author, parent and text (``coral-<base>-<text hash>``); a ``comment.id`` in the request,
where present, is used as ``<base>``. A resent request gets the same id and the same answer;
an edit (other text) is a new comment in netiquette.

Nothing in a signed request's content makes the phase fail (Coral would read a failure as "no
opinion" and may publish): control characters are removed from the text and the ids, ids longer
than netiquette stores are shortened deterministically (prefix + hash), a text over
``max_comment_chars`` is withheld for a human without screening, and a request netiquette cannot
take in at all is withheld too (see :mod:`netiquette.web.api.coral`).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from sqlalchemy import select

from netiquette.compat.fetch import StoryArticles
from netiquette.errors import InputError
from netiquette.review.intake import CONTROL, Intake, NewComment
from netiquette.screening.houserules import HouseRules, shipped_house_rules
from netiquette.store.models import Comment, Decision, Screening

log = logging.getLogger(__name__)

ACTIONS = ("NEW", "EDIT")
ROLES = ("COMMENTER", "STAFF", "MODERATOR", "ADMIN")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,120}$")
# C0/C1 control characters other than tab, newline and carriage return; lone surrogates (what
# the intake refuses, and NUL, which PostgreSQL cannot store).

#: Longest id netiquette stores (author, comment and article ids, actors).
MAX_ID_CHARS = 200
#: Longest story URL kept (the article's URL column); a longer one is not fetched.
MAX_URL_CHARS = 2000
#: Share of the time budget kept for screening: the article fetch may use the rest.
SCREENING_SHARE = 0.4


@dataclass(frozen=True, slots=True)
class CoralRequest:
    """A checked ExternalModerationRequest; ``text`` is the comment body as plain text."""

    action: str
    text: str
    author_id: str
    author_role: str
    story_id: str
    story_url: str | None
    tenant_id: str
    tenant_domain: str
    site_id: str | None = None
    parent_id: str | None = None
    comment_id: str | None = None

    @property
    def actor(self) -> str:
        """How the audit log names Coral as submitter."""
        return f"coral:{self.tenant_domain or self.tenant_id}"[:200]


class _TextOf(HTMLParser):
    _BREAKS = frozenset({"br", "p", "div", "blockquote", "li"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(body: str) -> str:
    """Coral's comment body (HTML from its editor) as plain text; plain text passes through."""
    if "<" not in body and "&" not in body:
        return body.strip()
    parser = _TextOf()
    parser.feed(body)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def clean_text(text: str) -> str:
    """``text`` without control characters; a form feed (white space in HTML) becomes a space.

    Removing (not replacing by a space) keeps ``Voll\x00idiot`` or ``Voll\x85idiot`` one word
    for the screening, as it is one word on the reader's screen.
    """
    return CONTROL.sub("", text.replace("\x0c", " "))


def bounded_id(value: str, limit: int = MAX_ID_CHARS) -> str:
    """An id netiquette can store: ``value`` itself when it is clean and short enough, else its
    cleaned prefix plus a hash of the original, so different ids stay different and a resent
    request maps to the same id."""
    cleaned = clean_text(value)
    if cleaned == value and len(value) <= limit:
        return value
    return f"{cleaned[: limit - 17]}~{_sha(value)[:16]}"


def _obj(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InputError(f"{where} must be a JSON object", field=where)
    return raw


def _str(raw: dict[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
    value = raw.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value):
        raise InputError(f"{where} must be a non-empty string", field=where)
    return value


def _id(raw: dict[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
    value = _str(raw, key, where, required=required)
    return None if value is None else bounded_id(value)


def parse_request(raw: Any) -> CoralRequest:
    """Check a decoded ExternalModerationRequest; InputError names the field at fault.

    Only the request's shape is checked here; its content (text, ids, role) never fails it.
    """
    body = _obj(raw, "body")
    action = body.get("action")
    if action not in ACTIONS:
        raise InputError(f"action must be one of {', '.join(ACTIONS)}", field="action")
    comment = _obj(body.get("comment"), "comment")
    author = _obj(body.get("author"), "author")
    story = _obj(body.get("story"), "story")
    site = body.get("site")
    role = author.get("role", "COMMENTER")
    if role not in ROLES:
        role = "COMMENTER"  # an unknown role gets no privileges
    comment_body = _str(comment, "body", "comment.body", required=False)
    if comment_body is None:
        raise InputError("comment.body is required", field="comment.body")
    author_id = _id(author, "id", "author.id")
    story_id = _id(story, "id", "story.id")
    tenant_id = _id(body, "tenantID", "tenantID")
    assert author_id is not None and story_id is not None and tenant_id is not None
    story_url = _str(story, "url", "story.url", required=False)
    if story_url is not None and (len(story_url) > MAX_URL_CHARS or CONTROL.search(story_url)):
        story_url = None  # not a URL worth fetching; screened without the article
    domain = _str(body, "tenantDomain", "tenantDomain", required=False)
    return CoralRequest(
        action=str(action),
        text=clean_text(html_to_text(clean_text(comment_body))).strip(),
        author_id=author_id,
        author_role=str(role),
        story_id=story_id,
        story_url=story_url,
        tenant_id=tenant_id,
        tenant_domain=bounded_id(domain) if domain else "",
        site_id=_id(site, "id", "site.id", required=False) if isinstance(site, dict) else None,
        parent_id=_id(comment, "parentID", "comment.parentID", required=False),
        comment_id=_id(comment, "id", "comment.id", required=False),
    )


def _sha(*parts: str) -> str:
    # surrogatepass: a lone surrogate in a JSON string must hash, not raise.
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _safe(value: str) -> str:
    return value if _SAFE_ID.match(value) else _sha(value)[:24]


def story_article_id(story_id: str) -> str:
    """The article id for a Coral story: the story id itself when it is a valid id."""
    return _safe(story_id)


def comment_id_for(request: CoralRequest) -> str:
    """netiquette's id for the comment: ``coral-<base>-<text hash>``."""
    base = (
        request.comment_id
        or _sha(request.tenant_id, request.story_id, request.author_id, request.parent_id or "")[
            :20
        ]
    )
    return f"coral-{_safe(base)}-{_sha(request.text)[:12]}"


@dataclass(frozen=True, slots=True)
class CoralAnswer:
    """What to answer Coral: 204 (``body`` None) or 200 with the response body."""

    body: dict[str, Any] | None
    comment_id: str | None = None
    outcome: str = ""
    rules: tuple[str, ...] = field(default_factory=tuple)

    @property
    def status_code(self) -> int:
        """204 for no opinion, 200 otherwise."""
        return 204 if self.body is None else 200

    def headers(self) -> dict[str, str]:
        """netiquette's own view, for logs and people: Coral ignores these headers."""
        headers = {"X-Netiquette-Outcome": self.outcome}
        if self.comment_id:
            headers["X-Netiquette-Comment-Id"] = self.comment_id
        if self.rules:
            headers["X-Netiquette-Rules"] = ",".join(self.rules)
        return headers


def flag_reasons(house_rules: HouseRules) -> dict[str, str]:
    """House rule → Coral flag reason, for the rules whose spec names one."""
    return {s.key: s.coral_flag_reason for s in house_rules if s.coral_flag_reason}


def flag_actions(
    rules: tuple[str, ...], reasons_of: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    """One FLAG per distinct Coral reason among ``rules`` (shipped mapping when not given)."""
    reasons_of = reasons_of if reasons_of is not None else flag_reasons(shipped_house_rules())
    reasons = dict.fromkeys(reasons_of[r] for r in rules if r in reasons_of)
    return [{"actionType": "FLAG", "reason": reason} for reason in reasons]


def answer_for(
    state: str,
    rules: tuple[str, ...],
    comment_id: str,
    *,
    approve: bool = True,
    reasons_of: Mapping[str, str] | None = None,
) -> CoralAnswer:
    """Map netiquette's state (and the rules behind it) to Coral's answer."""
    if state == "approved":
        return CoralAnswer({"status": "APPROVED"} if approve else None, comment_id, state, rules)
    status = "REJECTED" if state == "rejected" else "SYSTEM_WITHHELD"
    actions = flag_actions(rules, reasons_of)
    return CoralAnswer({"actions": actions, "status": status}, comment_id, state, rules)


def withheld(comment_id: str | None, outcome: str) -> CoralAnswer:
    """SYSTEM_WITHHELD without FLAG: a human decides (netiquette could not, or not yet)."""
    return CoralAnswer({"actions": [], "status": "SYSTEM_WITHHELD"}, comment_id, outcome)


def timed_out(comment_id: str | None) -> CoralAnswer:
    """The answer when netiquette could not decide within the time budget."""
    return withheld(comment_id, "timeout")


class CoralPhase:
    """Takes Coral's comments into netiquette's intake and answers with the outcome."""

    def __init__(
        self,
        intake: Intake,
        articles: StoryArticles,
        budget_ms: int,
        *,
        auto_approve: bool,
        house_rules: HouseRules | None = None,
    ) -> None:
        self.intake = intake
        self.articles = articles
        self.budget_s = budget_ms / 1000
        self.auto_approve = auto_approve
        # The site's rules as built at start-up (the shipped five when not given).
        self.reasons_of = flag_reasons(
            house_rules if house_rules is not None else shipped_house_rules()
        )

    def moderate(self, request: CoralRequest, started: float | None = None) -> CoralAnswer:
        """Find the article, submit the comment, screen and decide it, and answer."""
        if not request.text:
            return CoralAnswer(None, None, "nothing-to-screen")
        if len(request.text) > self.intake.max_chars:
            # Longer than netiquette takes in: not screened, so a human decides in Coral.
            log.warning(
                "Coral comment on story %s has %d characters (limit %d); withheld",
                request.story_id,
                len(request.text),
                self.intake.max_chars,
            )
            return withheld(None, "too-long")
        started = time.monotonic() if started is None else started
        deadline = started + self.budget_s * (1 - SCREENING_SHARE)
        comment_id = comment_id_for(request)
        article_id = self.articles.resolve(
            story_article_id(request.story_id),
            request.story_url,
            deadline - time.monotonic(),
            request.actor,
        )
        accepted = self.intake.submit(
            NewComment(
                id=comment_id,
                article_id=article_id,
                parent_id=self._parent(article_id, request.parent_id),
                author_id=request.author_id,
                author_name=request.author_id,
                text=request.text,
            ),
            submitter=request.actor,
        )
        rules = self._rules(accepted.id)
        return answer_for(
            accepted.state,
            rules,
            accepted.id,
            approve=self.auto_approve,
            reasons_of=self.reasons_of,
        )

    def _parent(self, article_id: str, coral_parent: str | None) -> str | None:
        # Only resolvable when Coral sends comment ids, which it does not document.
        if not coral_parent:
            return None
        prefix = f"coral-{_safe(coral_parent)}-"
        with self.intake.db.session() as session:
            return session.scalars(
                select(Comment.id)
                .where(Comment.id.startswith(prefix, autoescape=True))
                .where(Comment.article_id == article_id)
                .order_by(Comment.received_at.desc())
                .limit(1)
            ).first()

    def _rules(self, comment_id: str) -> tuple[str, ...]:
        """The policy's rules for a decided comment, else the rules that flagged it."""
        with self.intake.db.session() as session:
            decision = session.scalars(
                select(Decision)
                .where(Decision.comment_id == comment_id)
                .order_by(Decision.id.desc())
                .limit(1)
            ).first()
            flagged = session.scalars(
                select(Screening.rule).where(
                    Screening.comment_id == comment_id, Screening.flag.is_(True)
                )
            ).all()
        rules = list(decision.rules) if decision is not None and decision.action == "reject" else []
        return tuple(dict.fromkeys([*rules, *flagged]))


__all__ = [
    "CoralAnswer",
    "CoralPhase",
    "CoralRequest",
    "answer_for",
    "bounded_id",
    "clean_text",
    "comment_id_for",
    "flag_actions",
    "flag_reasons",
    "html_to_text",
    "parse_request",
    "story_article_id",
    "timed_out",
    "withheld",
]
