"""Delivering decisions to the outside: signed webhooks to the CMS and pushes to Coral.

Built on the decision outbox (:mod:`netiquette.review.events`): every committed decision event
becomes one delivery per subscribed endpoint (:mod:`.outbox`), sent with retries and an
idempotency id by :func:`deliver_due` (:mod:`.deliver`), which worker processes and the
in-process :class:`DeliveryLoop` run.
"""

from netiquette.delivery.deliver import (
    Claimed,
    Round,
    Sender,
    backoff_seconds,
    claim_due,
    deliver_due,
    recent,
    replay,
)
from netiquette.delivery.endpoints import (
    add_endpoint,
    check_url,
    list_endpoints,
    remove_endpoint,
    set_secrets,
)
from netiquette.delivery.loop import DeliveryLoop
from netiquette.delivery.outbox import event_payload, fan_out
from netiquette.delivery.signing import signature_header, verify

__all__ = [
    "Claimed",
    "DeliveryLoop",
    "Round",
    "Sender",
    "add_endpoint",
    "backoff_seconds",
    "check_url",
    "claim_due",
    "deliver_due",
    "event_payload",
    "fan_out",
    "list_endpoints",
    "recent",
    "remove_endpoint",
    "replay",
    "set_secrets",
    "signature_header",
    "verify",
]
