"""Webhook endpoints: where decision events go, with their signing secrets.

An endpoint's URL is checked like an article fetch (:mod:`netiquette.compat.fetch`): http(s)
only, and its host must resolve to public addresses, unless the endpoint is created with
``allow_internal`` or its host is listed in ``webhook_allowed_hosts``. The check is repeated
on every delivery (with the connection pinned to the checked address), so a DNS change after
``add`` cannot turn the endpoint into a way into the server's own network.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from netiquette.compat.fetch import ArticleFetchError, FetchLimits
from netiquette.errors import InputError, NotFoundError
from netiquette.review.events import EVENTS
from netiquette.store.models import WebhookEndpoint

KINDS = ("webhook", "coral")
#: Shortest secret accepted: an HMAC key an attacker cannot guess.
MIN_SECRET_CHARS = 16
MAX_SECRETS = 8


def check_url(url: str, *, allow_internal: bool, allowed_hosts: Sequence[str] = ()) -> str:
    """The URL if deliveries may go there; InputError naming ``url`` otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"webhook URL {url!r} must be http:// or https:// with a host", field="url"
        )
    if len(url) > 2000 or not url.isprintable():
        raise InputError("webhook URL must be printable and at most 2,000 characters", field="url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise InputError(f"webhook URL {url!r} has an invalid port", field="url") from None
    if not allow_internal:
        try:
            limits = FetchLimits(
                allowed_hosts=tuple(allowed_hosts), setting="webhook_allowed_hosts"
            )
            limits.addresses(parts.hostname, port)
        except ArticleFetchError as exc:
            raise InputError(
                f"{exc.message}, or add it with --allow-internal",
                field="url",
            ) from None
    return url


def check_secrets(secrets: Iterable[str]) -> list[str]:
    """Distinct secrets of at least :data:`MIN_SECRET_CHARS` printable characters."""
    out = list(dict.fromkeys(s.strip() for s in secrets if s.strip()))
    if not out:
        raise InputError("give at least one signing secret (--secret)", field="secret")
    if len(out) > MAX_SECRETS:
        raise InputError(f"at most {MAX_SECRETS} secrets may be active", field="secret")
    for secret in out:
        if len(secret) < MIN_SECRET_CHARS or not secret.isprintable():
            raise InputError(
                f"a secret needs at least {MIN_SECRET_CHARS} printable characters", field="secret"
            )
    return out


def check_events(events: Iterable[str]) -> list[str]:
    """Decision event names (empty = all of them)."""
    out = list(dict.fromkeys(events))
    unknown = [e for e in out if e not in EVENTS]
    if unknown:
        raise InputError(
            f"unknown event {unknown[0]!r}; use one of {', '.join(EVENTS)}", field="event"
        )
    return out


def add_endpoint(
    session: Session,
    url: str,
    secrets: Iterable[str],
    *,
    events: Iterable[str] = (),
    kind: str = "webhook",
    allow_internal: bool = False,
    allowed_hosts: Sequence[str] = (),
    origin: str = "cli",
) -> WebhookEndpoint:
    """Create an endpoint; it receives the events decided from now on."""
    if kind not in KINDS:
        raise InputError(f"kind must be one of {', '.join(KINDS)}", field="kind")
    endpoint = WebhookEndpoint(
        kind=kind,
        url=check_url(url, allow_internal=allow_internal, allowed_hosts=allowed_hosts),
        secrets=check_secrets(secrets),
        events=check_events(events),
        allow_internal=allow_internal,
        origin=origin,
    )
    session.add(endpoint)
    session.flush()
    return endpoint


def get_endpoint(session: Session, endpoint_id: int) -> WebhookEndpoint:
    """The endpoint, or NotFoundError naming the id."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or not endpoint.active:
        raise NotFoundError(f"webhook endpoint {endpoint_id} is unknown", field="endpoint")
    return endpoint


def list_endpoints(session: Session) -> list[WebhookEndpoint]:
    """Active endpoints, oldest first."""
    return list(
        session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.active.is_(True))
            .order_by(WebhookEndpoint.id)
        )
    )


def remove_endpoint(session: Session, endpoint_id: int) -> WebhookEndpoint:
    """Stop delivering to an endpoint (its delivery log stays; pending deliveries stop)."""
    endpoint = get_endpoint(session, endpoint_id)
    endpoint.active = False
    return endpoint


def set_secrets(session: Session, endpoint_id: int, secrets: Iterable[str]) -> WebhookEndpoint:
    """Replace an endpoint's secrets (rotation: first add the new one next to the old)."""
    endpoint = get_endpoint(session, endpoint_id)
    endpoint.secrets = check_secrets(secrets)
    return endpoint


def sync_settings_endpoint(
    session: Session,
    url: str,
    secrets: Sequence[str],
    allowed_hosts: Sequence[str],
    *,
    kind: str = "webhook",
) -> WebhookEndpoint | None:
    """Keep the endpoint declared by the settings (``webhook_url`` or ``coral_api_url``) in
    step with them: created, its secrets updated, or removed when the setting is emptied."""
    current = session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.origin == "settings",
            WebhookEndpoint.kind == kind,
            WebhookEndpoint.active.is_(True),
        )
    ).first()
    if current is not None and (not url or current.url != url):
        current.active = False
        current = None
    if not url:
        return None
    if current is None:
        return add_endpoint(
            session, url, secrets, kind=kind, allowed_hosts=allowed_hosts, origin="settings"
        )
    current.secrets = check_secrets(secrets)
    return current


def masked(secret: str) -> str:
    """A secret as lists show it: its first four characters."""
    return secret[:4] + "…"


__all__ = [
    "KINDS",
    "MIN_SECRET_CHARS",
    "add_endpoint",
    "check_events",
    "check_secrets",
    "check_url",
    "get_endpoint",
    "list_endpoints",
    "masked",
    "remove_endpoint",
    "set_secrets",
    "sync_settings_endpoint",
]
