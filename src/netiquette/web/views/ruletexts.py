"""The house rules' descriptions: the rule specs' wording, reworded by admins in the browser."""

from __future__ import annotations

from sqlalchemy.orm import Session

from netiquette.accountability.sor import rule_descriptions
from netiquette.review.audit import record_event
from netiquette.screening.houserules import HouseRules
from netiquette.store.models import HouseRuleText, utcnow

MAX_DESCRIPTION = 500


def descriptions(session: Session, lang: str, house_rules: HouseRules) -> dict[str, str]:
    """Each house rule's one-sentence description in ``lang`` (an admin's wording wins)."""
    return rule_descriptions(session, lang, house_rules)


def all_texts(session: Session, house_rules: HouseRules) -> dict[str, tuple[str, str]]:
    """(German, English) description per house rule, as currently in force."""
    de, en = descriptions(session, "de", house_rules), descriptions(session, "en", house_rules)
    return {rule: (de[rule], en[rule]) for rule in house_rules.keys}


def save_text(session: Session, rule: str, de: str, en: str, actor: str) -> None:
    """Store an admin's wording of one house rule (audited)."""
    de, en = de.strip()[:MAX_DESCRIPTION], en.strip()[:MAX_DESCRIPTION]
    row = session.get(HouseRuleText, rule)
    if row is None:
        row = HouseRuleText(rule=rule)
        session.add(row)
    if (row.description_de, row.description_en) == (de, en):
        return
    row.description_de, row.description_en = de, en
    row.updated_by, row.updated_at = actor, utcnow()
    record_event(session, "house_rule_text_changed", actor, details={"rule": rule})
