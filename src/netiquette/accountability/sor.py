"""Statements of reasons (DSA Art. 17) for every rejection, in German and English.

A statement is issued by the rejecting transition itself (:func:`issue_statement`, called by
:func:`netiquette.review.decide.decide` in the decision's transaction): the house rules it cites
with their labels and descriptions as they read at that moment, the screening evidence, who
detected and who decided, the date. Reading a statement never writes. It has two faces:
``text_de``/``text_en`` for the commenter, with the evidence quoted, and ``dsa``, the EU
Transparency Database form, which holds no quote and no name and can be submitted unchanged.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from netiquette.accountability.config import AccountabilityConfig
from netiquette.errors import ConflictError, InputError, NotFoundError
from netiquette.i18n import format_when, gettext
from netiquette.review.audit import record_event
from netiquette.screening.houserules import HouseRules
from netiquette.store.models import (
    Comment,
    Decision,
    HouseRuleText,
    Report,
    ReportNotice,
    Screening,
    StatementOfReasons,
    utcnow,
)

#: The category of a rule a site has since disabled (a breach of its terms).
OTHER_CATEGORY = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
MAX_QUOTES = 5
_PUID_UNSAFE = re.compile(r"[^a-zA-Z0-9_-]")


@dataclass(frozen=True, slots=True)
class Source:
    """What led to the decision: our own screening, or a reader's report."""

    dsa_type: str
    reported: bool
    illegal_notice: bool


def category_of(rule: str, house_rules: HouseRules) -> str:
    """The DSA category of a rejection under ``rule``: its spec's ``dsa_category``."""
    spec = house_rules.get(rule)
    return spec.dsa_category if spec is not None else OTHER_CATEGORY


def rule_descriptions(session: Session, lang: str, house_rules: HouseRules) -> dict[str, str]:
    """Each house rule in one sentence, in the newsroom's current wording.

    The wording is the rule's spec (screening TOML) unless an admin rewrote it in the
    workspace (``/moderate/admin/rules``), which wins.
    """
    out = {spec.key: spec.description_for(lang) for spec in house_rules}
    for row in session.scalars(select(HouseRuleText)):
        text = row.description_en if lang == "en" else row.description_de
        if row.rule in out and text.strip():
            out[row.rule] = text.strip()
    return out


def rule_texts(
    session: Session, rules: list[str], house_rules: HouseRules
) -> dict[str, dict[str, dict[str, str]]]:
    """Label, description and DSA category of each cited rule per language, as they read now.

    From the rule specs (and an admin's wording of the description); a statement keeps them,
    so what was issued stays what the commenter read even when the site's rules change.
    """
    out: dict[str, dict[str, dict[str, str]]] = {}
    for lang in ("de", "en"):
        descriptions = rule_descriptions(session, lang, house_rules)
        out[lang] = {
            rule: {
                "label": house_rules.label(rule, lang),
                "description": descriptions.get(rule, ""),
                "dsa_category": category_of(rule, house_rules),
            }
            for rule in rules
        }
    return out


def cited_rules(decision: Decision, house_rules: HouseRules) -> list[str]:
    """The rules a rejection cites, in the site's order; never one it did not cite."""
    cited = [str(r) for r in decision.rules]
    if not cited:
        raise InputError(
            f"decision {decision.id} cites no house rule; a rejection must cite one",
            field="rules",
        )
    ours = house_rules.ordered(cited)
    return ours + [r for r in dict.fromkeys(cited) if r not in ours]


def latest_rejection(comment: Comment) -> Decision | None:
    """The comment's latest decision if it is a rejection, else None."""
    latest = comment.decisions[-1] if comment.decisions else None
    return latest if latest is not None and latest.action == "reject" else None


def _evidence(session: Session, comment: Comment, rules: list[str]) -> list[dict[str, Any]]:
    newest: dict[str, Screening] = {}
    for row in session.scalars(
        select(Screening).where(Screening.comment_id == comment.id).order_by(Screening.id)
    ):
        newest[row.rule] = row
    out: list[dict[str, Any]] = []
    for rule in rules:
        found = newest.get(rule)
        for span in (found.evidence if found is not None else [])[:MAX_QUOTES]:
            if isinstance(span, dict) and str(span.get("text") or "").strip():
                out.append({"rule": rule, "text": str(span["text"])[:200]})
    return out


def _flagged(session: Session, comment: Comment) -> set[str]:
    rows = session.scalars(
        select(Screening.rule).where(Screening.comment_id == comment.id, Screening.flag.is_(True))
    )
    return set(rows)


def _source(session: Session, comment: Comment, decided_at: datetime) -> Source:
    rows = session.execute(
        select(Report.id, ReportNotice.category)
        .outerjoin(ReportNotice, ReportNotice.report_id == Report.id)
        .where(Report.comment_id == comment.id, Report.created_at <= decided_at)
    ).all()
    illegal = any(category == "illegal_content" for _, category in rows)
    if illegal:
        return Source("SOURCE_ARTICLE_16", True, True)
    if rows:
        return Source("SOURCE_TYPE_OTHER_NOTIFICATION", True, False)
    return Source("SOURCE_VOLUNTARY", False, False)


def puid_for(decision: Decision, config: AccountabilityConfig) -> str:
    """The statement's unique id at the EU database: ``<prefix>-sor-<decision id>``."""
    prefix = _PUID_UNSAFE.sub("-", config.puid_prefix)[:400] or "netiquette"
    return f"{prefix}-sor-{decision.id}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _texts(
    comment: Comment,
    decision: Decision,
    rules: list[str],
    evidence: list[dict[str, Any]],
    source: Source,
    detected: bool,
    statement: StatementOfReasons,
    texts: dict[str, dict[str, dict[str, str]]],
    config: AccountabilityConfig,
) -> tuple[str, str]:
    """The commenter's statement in German and in English (the two stored faces)."""
    de, en = (
        _text(
            lang,
            comment,
            decision,
            rules,
            evidence,
            source,
            detected,
            statement,
            texts,
            config,
        )
        for lang in ("de", "en")
    )
    return de, en


def _text(
    lang: str,
    comment: Comment,
    decision: Decision,
    rules: list[str],
    evidence: list[dict[str, Any]],
    source: Source,
    detected: bool,
    statement: StatementOfReasons,
    texts: dict[str, dict[str, dict[str, str]]],
    config: AccountabilityConfig,
) -> str:
    """The statement in ``lang``, worded by the catalogue, times in the site's time zone."""
    _ = gettext(lang)
    tz = config.zone.key
    rule_texts = texts.get(lang, texts["en"])
    title = comment.article.title or comment.article_id
    lines = [
        _("Your comment of %(posted)s on the article “%(title)s” was not published.")
        % {"posted": format_when(comment.received_at, lang, tz), "title": title}
    ]
    for rule in rules:
        lines.append(
            _("Reason: it breaks our house rule “%(rule)s” – %(description)s")
            % {"rule": rule_texts[rule]["label"], "description": rule_texts[rule]["description"]}
        )
    if statement.illegal_legal_ground:
        lines.append(
            (
                _("In our assessment it is also illegal (%(ground)s).")
                % {"ground": statement.illegal_legal_ground}
                + " "
                + (statement.illegal_explanation or "")
            ).strip()
        )
    if evidence:
        quotes = ", ".join(_("“%(quote)s”") % {"quote": e["text"]} for e in evidence)
        lines.append(_("Passages concerned: %(quotes)s.") % {"quotes": quotes})
    if source.reported:
        lines.append(_("Detected: a reader reported it."))
    elif detected:
        lines.append(_("Detected: automatically, by our screening software."))
    else:
        lines.append(_("Detected: by our moderation team."))
    decided = format_when(decision.created_at, lang, tz, "date")
    if decision.automated:
        lines.append(
            _("Decided: automatically, without human review, on %(date)s.") % {"date": decided}
        )
    else:
        lines.append(_("Decided: by a person on our team on %(date)s.") % {"date": decided})
    deadline = format_when(appeal_deadline(decision, config), lang, tz, "date")
    lines.append(
        _(
            "How to contest: until %(date)s you may appeal once through your status link, "
            "giving your reasons; someone other than the person who rejected your comment "
            "decides. You may also turn to a certified out-of-court dispute settlement body "
            "(DSA Art. 21) or to the courts."
        )
        % {"date": deadline}
    )
    if config.house_rules_url:
        lines.append(_("House rules: %(url)s") % {"url": config.house_rules_url})
    return "\n".join(lines)


def _dsa(
    comment: Comment,
    decision: Decision,
    rules: list[str],
    source: Source,
    detected: bool,
    statement: StatementOfReasons,
    texts: dict[str, dict[str, str]],
    config: AccountabilityConfig,
) -> dict[str, Any]:
    zone = config.zone
    labels = [f"{texts[r]['label']} ({r})" for r in rules]
    categories = list(
        dict.fromkeys(
            texts[r].get("dsa_category") or category_of(r, config.house_rules) for r in rules
        )
    )
    who = (
        f"automatically by the decision policy {decision.policy_version or ''}".rstrip()
        if decision.automated
        else "by a human moderator"
    )
    found = (
        "A reader reported the comment"
        + (" as illegal content (notice under DSA Art. 16)." if source.illegal_notice else ".")
        if source.reported
        else "Automated screening flagged it under: " + ", ".join(labels) + "."
        if detected
        else "A moderator found it while reviewing the comment."
    )
    facts = (
        "A reader comment (text) posted under a news article was held for pre-moderation and "
        "screened against the publisher's house rules before any publication. "
        f"{found} The comment was not published (or was removed) because it breaks the house "
        f"rule(s) {', '.join(labels)}. The decision was taken {who}."
    )
    out: dict[str, Any] = {
        "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
        "content_type": ["CONTENT_TYPE_TEXT"],
        "category": categories[0],
        "content_date": comment.received_at.astimezone(zone).date().isoformat(),
        "application_date": decision.created_at.astimezone(zone).date().isoformat(),
        "decision_facts": _clip(facts, 5000),
        "source_type": source.dsa_type,
        "automated_detection": "Yes" if detected else "No",
        "automated_decision": "AUTOMATED_DECISION_FULLY"
        if decision.automated
        else "AUTOMATED_DECISION_NOT_AUTOMATED",
        "puid": statement.puid,
        "territorial_scope": list(config.territorial_scope),
        "content_language": config.content_language,
    }
    if categories[1:]:
        out["category_addition"] = categories[1:]
    if statement.illegal_legal_ground:
        out["decision_ground"] = "DECISION_GROUND_ILLEGAL_CONTENT"
        out["illegal_content_legal_ground"] = _clip(statement.illegal_legal_ground, 500)
        out["illegal_content_explanation"] = _clip(
            statement.illegal_explanation or statement.illegal_legal_ground, 2000
        )
    else:
        out["decision_ground"] = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
        out["incompatible_content_ground"] = _clip("House rules: " + "; ".join(labels), 500)
        out["incompatible_content_explanation"] = _clip(
            " ".join(f"{texts[r]['label']}: {texts[r]['description']}" for r in rules), 2000
        )
    if config.house_rules_url:
        out["decision_ground_reference_url"] = config.house_rules_url[:500]
    return out


def render(
    session: Session, statement: StatementOfReasons, config: AccountabilityConfig
) -> StatementOfReasons:
    """(Re)compute a statement's texts and DSA form from its decision as stored.

    The rule texts are the ones the statement was issued with; only a statement issued before
    they were kept (migration 0008) takes today's and keeps them from now on.
    """
    decision = session.get(Decision, statement.decision_id)
    comment = session.get(Comment, statement.comment_id)
    assert decision is not None and comment is not None
    rules = cited_rules(decision, config.house_rules)
    kept = statement.rule_texts
    if not all(rule in kept.get(lang, {}) for lang in ("de", "en") for rule in rules):
        statement.rule_texts = rule_texts(session, rules, config.house_rules)
    texts = statement.rule_texts
    evidence = [] if comment.text_removed_at else _evidence(session, comment, rules)
    source = _source(session, comment, decision.created_at)
    detected = decision.automated or bool(_flagged(session, comment) & set(rules))
    statement.evidence = evidence
    statement.text_de, statement.text_en = _texts(
        comment, decision, rules, evidence, source, detected, statement, texts, config
    )
    statement.dsa = _dsa(comment, decision, rules, source, detected, statement, texts["en"], config)
    statement.updated_at = utcnow()
    return statement


def issue_statement(
    session: Session, decision: Decision, config: AccountabilityConfig
) -> StatementOfReasons:
    """Issue the statement of a rejecting decision, in the decision's own transaction.

    Its ``created_at`` (``issued_at``) is the decision's time, and its rule texts are the ones
    in force now. Called by the decision service; a decision has at most one statement.
    """
    if decision.action != "reject":
        raise InputError(f"decision {decision.id} is not a rejection", field="decision_id")
    cited = cited_rules(decision, config.house_rules)
    statement = StatementOfReasons(
        decision_id=decision.id,
        comment_id=decision.comment_id,
        puid=puid_for(decision, config),
        rule_texts=rule_texts(session, cited, config.house_rules),
        created_at=decision.created_at,
    )
    render(session, statement, config)
    statement.updated_at = decision.created_at
    session.add(statement)
    session.flush()
    record_event(
        session,
        "statement_issued",
        "system:statements",
        comment_id=decision.comment_id,
        details={"decision_id": decision.id, "puid": statement.puid},
        at=decision.created_at,
    )
    return statement


def stored_statement(session: Session, decision: Decision) -> StatementOfReasons | None:
    """The statement issued with a rejecting decision (None for one that has none)."""
    return session.scalar(
        select(StatementOfReasons).where(StatementOfReasons.decision_id == decision.id)
    )


def statement_for(session: Session, decision: Decision) -> StatementOfReasons:
    """The statement issued with a rejecting decision; reading it writes nothing."""
    if decision.action != "reject":
        raise InputError(f"decision {decision.id} is not a rejection", field="decision_id")
    statement = stored_statement(session, decision)
    if statement is None:
        raise NotFoundError(
            f"no statement of reasons was issued for decision {decision.id}",
            field="decision_id",
        )
    return statement


def issue_missing_statements(session: Session, config: AccountabilityConfig) -> int:
    """Issue statements for rejections taken before they were issued at rejection.

    Such a statement is dated when it is issued here, not backdated to the decision.
    """
    missing = list(
        session.scalars(
            select(Decision)
            .outerjoin(StatementOfReasons, StatementOfReasons.decision_id == Decision.id)
            .where(Decision.action == "reject", StatementOfReasons.id.is_(None))
            .order_by(Decision.id)
        )
    )
    for decision in missing:
        now = utcnow()
        statement = StatementOfReasons(
            decision_id=decision.id,
            comment_id=decision.comment_id,
            puid=puid_for(decision, config),
            rule_texts=rule_texts(
                session, cited_rules(decision, config.house_rules), config.house_rules
            ),
            created_at=now,
        )
        render(session, statement, config)
        session.add(statement)
        session.flush()
        record_event(
            session,
            "statement_issued",
            "system:statements",
            comment_id=decision.comment_id,
            details={"decision_id": decision.id, "puid": statement.puid, "late": True},
            at=now,
        )
    return len(missing)


def mark_illegal(
    session: Session,
    comment_id: str,
    moderator: str,
    legal_ground: str,
    explanation: str,
    config: AccountabilityConfig,
) -> StatementOfReasons:
    """A moderator finds the rejected comment illegal: the statement's ground becomes that."""
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFoundError(f"comment {comment_id!r} is unknown", field="comment_id")
    decision = latest_rejection(comment)
    if decision is None:
        raise ConflictError(
            f"comment {comment_id} is {comment.state}; only a rejection can be marked illegal",
            field="comment_id",
        )
    legal_ground, explanation = legal_ground.strip(), explanation.strip()
    if not legal_ground:
        # The cited rules' default legal grounds (spec key legal_ground), e.g. § 185 StGB.
        specs = (config.house_rules.get(r) for r in cited_rules(decision, config.house_rules))
        legal_ground = "; ".join(s.legal_ground for s in specs if s and s.legal_ground)
    if not legal_ground:
        raise InputError(
            "legal_ground is empty and the cited house rules name none (e.g. '§ 185 StGB')",
            field="legal_ground",
        )
    statement = statement_for(session, decision)
    statement.illegal_legal_ground = legal_ground[:500]
    statement.illegal_explanation = explanation[:2000]
    render(session, statement, config)
    record_event(
        session,
        "marked_illegal",
        moderator,
        comment_id=comment_id,
        # Free text (it may name people): the statement keeps it, the chain only its digest.
        details={
            "decision_id": decision.id,
            "legal_ground_sha256": hashlib.sha256(legal_ground[:500].encode("utf-8")).hexdigest(),
        },
    )
    return statement


def appeal_deadline(decision: Decision, config: AccountabilityConfig) -> datetime:
    """The last moment the commenter may appeal against ``decision``."""
    return decision.created_at + timedelta(days=config.appeal_days)


def _issued(statement: StatementOfReasons, lang: str, rule: str, key: str, today: str) -> str:
    issued = statement.rule_texts.get(lang, {}).get(rule, {}).get(key)
    # A statement issued before the texts were kept (migration 0008): today's text.
    return str(issued) if issued else today


def public_statement(
    session: Session, statement: StatementOfReasons, config: AccountabilityConfig
) -> dict[str, Any]:
    """The statement as the commenter's view and the API show it."""
    decision = session.get(Decision, statement.decision_id)
    assert decision is not None
    dsa = dict(statement.dsa)
    return {
        "puid": statement.puid,
        "issued_at": statement.created_at.isoformat(),
        "restriction": "not_published",
        "house_rules": [
            {
                "rule": r,
                "label": {
                    lang: _issued(statement, lang, r, "label", config.house_rules.label(r, lang))
                    for lang in ("de", "en")
                },
                "dsa_category": _issued(
                    statement, "en", r, "dsa_category", category_of(r, config.house_rules)
                ),
            }
            for r in cited_rules(decision, config.house_rules)
        ],
        "illegal": dsa["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT",
        "evidence": list(statement.evidence),
        "automated_detection": dsa["automated_detection"] == "Yes",
        "automated_decision": decision.automated,
        "decided_at": decision.created_at.isoformat(),
        "appeal_until": appeal_deadline(decision, config).isoformat(),
        "text": {"de": statement.text_de, "en": statement.text_en},
        "dsa": dsa,
    }


def rejections_between(session: Session, start: datetime, end: datetime) -> list[Decision]:
    """Every rejecting decision taken in ``[start, end)``, oldest first."""
    return list(
        session.scalars(
            select(Decision)
            .where(
                Decision.action == "reject",
                Decision.created_at >= start,
                Decision.created_at < end,
            )
            .order_by(Decision.id)
        )
    )


def export_statements(
    session: Session, start: datetime, end: datetime, config: AccountabilityConfig
) -> Iterator[dict[str, Any]]:
    """The DSA form of every rejection in ``[start, end)``, as issued."""
    for decision in rejections_between(session, start, end):
        statement = stored_statement(session, decision)
        if statement is not None:  # issue_missing_statements runs at start-up
            yield dict(statement.dsa)
