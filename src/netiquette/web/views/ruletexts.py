"""The house rules' descriptions: shipped defaults, reworded by admins in the browser."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from netiquette.review.audit import record_event
from netiquette.screening.base import HOUSE_RULES
from netiquette.store.models import HouseRuleText, utcnow
from netiquette.web.i18n import RULE_DESCRIPTIONS

MAX_DESCRIPTION = 500


def descriptions(session: Session, lang: str) -> dict[str, str]:
    """Each house rule's one-sentence description in ``lang``."""
    out = dict(RULE_DESCRIPTIONS.get(lang, RULE_DESCRIPTIONS["de"]))
    for row in session.scalars(select(HouseRuleText)):
        text = row.description_en if lang == "en" else row.description_de
        if row.rule in out and text.strip():
            out[row.rule] = text
    return out


def all_texts(session: Session) -> dict[str, tuple[str, str]]:
    """(German, English) description per house rule, as currently in force."""
    de, en = descriptions(session, "de"), descriptions(session, "en")
    return {rule: (de[rule], en[rule]) for rule in HOUSE_RULES}


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
