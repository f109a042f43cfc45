"""Human decisions back to Coral Talk through its GraphQL API.

Coral's external moderation phase gets netiquette's first answer; when a moderator later
decides a withheld comment in netiquette (or reverses a decision), the delivery loop calls
Coral's ``approveComment`` / ``rejectComment`` with an admin access token
(``Authorization: Bearer``), so the comment's status in Coral follows netiquette's.

Coral's phase request carries no comment id. Coral names the comment in its webhooks
(``COMMENT_ENTERED_MODERATION_QUEUE``, ``COMMENT_CREATED``); :func:`link_comment` asks Coral
for that comment's body, author, story and parent, derives netiquette's id exactly as the phase
did, and keeps the pair in ``coral_links``. A decision on a comment not linked yet is retried
with the usual backoff until the link arrives.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.orm import Session

from netiquette.compat.coral import (
    CoralRequest,
    bounded_id,
    clean_text,
    comment_id_for,
    html_to_text,
)
from netiquette.delivery.post import Outcome, post_checked
from netiquette.store.models import Comment, CoralLink

#: House rule → Coral's REJECTION_REASON_CODE (OTHER carries the rule in customReason).
REJECTION_CODES: dict[str, str] = {
    "insult": "ABUSIVE",
    "aggression": "OFFENSIVE",
    "ad_link": "AD",
    "off_topic": "IRRELEVANT_CONTENT",
    "insinuation": "OTHER",
}
#: Coral's catch-all rejection code (its reason goes in ``customReason``).
OTHER = "OTHER"
_REASON_TEXT = {"insinuation": "Unterstellung (netiquette house rule insinuation)"}

REVISION_QUERY = "query NetiquetteRevision($id: ID!) { comment(id: $id) { id revision { id } } }"
COMMENT_QUERY = (
    "query NetiquetteComment($id: ID!) { comment(id: $id) { id body revision { id } "
    "author { id } story { id } parent { id } } }"
)
APPROVE = (
    "mutation NetiquetteApprove($input: ApproveCommentInput!) "
    "{ approveComment(input: $input) { comment { id status } clientMutationId } }"
)
REJECT = (
    "mutation NetiquetteReject($input: RejectCommentInput!) "
    "{ rejectComment(input: $input) { comment { id status } clientMutationId } }"
)


@dataclass(frozen=True, slots=True)
class CoralApi:
    """Coral's GraphQL endpoint with an access token, reached through the checked POST."""

    url: str
    token: str
    timeout_s: float = 5.0
    allow_internal: bool = False
    allowed_hosts: Sequence[str] = ()
    client: httpx.Client | None = None

    def call(
        self, query: str, variables: Mapping[str, Any]
    ) -> tuple[dict[str, Any] | None, Outcome]:
        """Run one GraphQL operation; ``data`` or None with the failed outcome."""
        body = json.dumps({"query": query, "variables": dict(variables)}).encode("utf-8")
        outcome = post_checked(
            self.url,
            body,
            {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            timeout_s=self.timeout_s,
            allow_internal=self.allow_internal,
            allowed_hosts=self.allowed_hosts,
            client=self.client,
        )
        if not outcome.ok:
            return None, outcome
        try:
            answer = json.loads(outcome.body)
        except ValueError:
            return None, Outcome(False, outcome.status, "Coral's answer is not JSON")
        errors = answer.get("errors") if isinstance(answer, dict) else None
        if errors or not isinstance(answer, dict) or not isinstance(answer.get("data"), dict):
            message = "; ".join(
                str(e.get("message", e)) for e in errors or [] if isinstance(e, dict)
            )
            return None, Outcome(
                False, outcome.status, f"Coral GraphQL error: {message or answer}"[:500]
            )
        return answer["data"], outcome


def rejection_reason(rules: Sequence[str]) -> dict[str, str]:
    """Coral's ``reason`` input for a rejection citing ``rules`` (the first rule decides)."""
    rule = next((r for r in rules if r in REJECTION_CODES), None)
    if rule is None:
        return {"code": OTHER, "customReason": "netiquette house rules"}
    reason = {"code": REJECTION_CODES[rule]}
    if reason["code"] == OTHER:
        reason["customReason"] = _REASON_TEXT.get(rule, rule)
    return reason


def push_decision(
    api: CoralApi, coral_comment_id: str, payload: Mapping[str, Any], idempotency_id: str
) -> Outcome:
    """Approve or reject Coral's comment as the payload's decision says."""
    data, outcome = api.call(REVISION_QUERY, {"id": coral_comment_id})
    if data is None:
        return outcome
    comment = data.get("comment")
    if not isinstance(comment, dict) or not isinstance(comment.get("revision"), dict):
        return Outcome(False, outcome.status, f"Coral has no comment {coral_comment_id!r}")
    state = payload["comment"]["state"]
    base = {
        "commentID": coral_comment_id,
        "commentRevisionID": comment["revision"]["id"],
        "clientMutationId": idempotency_id,
    }
    if state == "approved":
        data, outcome = api.call(APPROVE, {"input": base})
    else:
        reason = rejection_reason(payload["decision"]["rules"])
        data, outcome = api.call(REJECT, {"input": {**base, "reason": reason}})
    return outcome


def link_comment(
    session: Session, api: CoralApi, coral_comment_id: str, tenant_id: str
) -> str | None:
    """Find netiquette's comment for Coral's id (asking Coral) and keep the link; its id or None."""
    existing = session.query(CoralLink).filter_by(coral_comment_id=coral_comment_id).first()
    if existing is not None:
        return existing.comment_id
    data, outcome = api.call(COMMENT_QUERY, {"id": coral_comment_id})
    if data is None:
        raise LookupError(outcome.error)
    comment = data.get("comment")
    if not isinstance(comment, dict):
        return None

    def _id(key: str) -> str | None:
        value = comment.get(key)
        if not isinstance(value, dict) or not value.get("id"):
            return None
        return bounded_id(str(value["id"]))

    request = CoralRequest(
        action="NEW",
        text=clean_text(html_to_text(clean_text(str(comment.get("body") or "")))).strip(),
        author_id=_id("author") or "",
        author_role="COMMENTER",
        story_id=_id("story") or "",
        story_url=None,
        tenant_id=bounded_id(tenant_id),
        tenant_domain="",
        parent_id=_id("parent"),
    )
    ours = comment_id_for(request)
    if session.get(Comment, ours) is None:
        return None
    revision = comment.get("revision")
    revision_id = str(revision["id"]) if isinstance(revision, dict) and revision.get("id") else None
    session.merge(
        CoralLink(comment_id=ours, coral_comment_id=coral_comment_id, coral_revision_id=revision_id)
    )
    return ours


#: Coral webhook events that name a comment netiquette may have taken in.
LINKING_EVENTS = frozenset(
    {"COMMENT_ENTERED_MODERATION_QUEUE", "COMMENT_CREATED", "COMMENT_REPLY_CREATED"}
)


def link_from_webhook(session: Session, api: CoralApi, event: Mapping[str, Any]) -> str | None:
    """Handle one Coral webhook event: link the comment it names; netiquette's id or None.

    Deliveries waiting for this link come due at once.
    """
    from sqlalchemy import update

    from netiquette.store.models import WebhookDelivery, utcnow

    if event.get("type") not in LINKING_EVENTS:
        return None
    data = event.get("data")
    coral_id = data.get("commentID") if isinstance(data, dict) else None
    tenant = event.get("tenantID")
    if not isinstance(coral_id, str) or not coral_id or not isinstance(tenant, str):
        return None
    ours = link_comment(session, api, coral_id, tenant)
    if ours is not None:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.comment_id == ours, WebhookDelivery.state == "pending")
            .values(next_attempt_at=utcnow())
        )
    return ours


__all__ = [
    "LINKING_EVENTS",
    "REJECTION_CODES",
    "CoralApi",
    "link_comment",
    "link_from_webhook",
    "push_decision",
    "rejection_reason",
]
