"""Webhooks to the CMS: every decision event reaches each subscribed endpoint, signed, at least
once, with the same idempotency id on every attempt; retries back off; failures can be replayed."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from netiquette.delivery import add_endpoint, claim_due, deliver_due, replay
from netiquette.delivery.signing import ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from netiquette.errors import InputError
from netiquette.store.models import DecisionEvent, WebhookDelivery, utcnow
from netiquette.web.context import AppContext
from tests.compat.cms import Receiver
from tests.delivery.conftest import OLD_SECRET, SECRET, decide, queue_comment, sender


def _endpoint(ctx: AppContext, url: str, *secrets: str, events: tuple[str, ...] = ()) -> int:
    with ctx.db.session() as session:
        return add_endpoint(
            session, url, secrets or (SECRET,), events=events, allow_internal=True
        ).id


def test_a_decision_reaches_the_cms_signed_with_its_idempotency_id(
    dctx: AppContext, dclient: TestClient, mod: dict[str, str]
) -> None:
    with Receiver() as cms:
        _endpoint(dctx, cms.url())
        queue_comment(dclient, "c1", "Du Vollidiot.")
        decide(dclient, mod, "c1", "reject", rules=["insult"])
        result = deliver_due(dctx.db, sender(dctx))
        assert (result.created, result.delivered) == (1, 1)
        [got] = cms.received
    payload = json.loads(got.body)
    assert payload["event"] == "rejected"
    assert payload["comment"] == {
        "id": "c1",
        "article_id": "a1",
        "parent_id": None,
        "state": "rejected",
        "previous_state": "pending",
    }
    assert payload["decision"]["rules"] == ["insult"]
    assert payload["decision"]["decided_by"] == "moderator"
    assert "Vollidiot" not in got.body.decode()  # ids and states only, never the text
    assert got.headers[ID_HEADER] == payload["id"]
    assert verify(got.body, got.headers[SIGNATURE_HEADER], SECRET, time.time())
    assert got.headers[SIGNATURE_HEADER].startswith(f"t={got.headers[TIMESTAMP_HEADER]},")
    # A forged body or another secret does not verify.
    assert not verify(got.body + b" ", got.headers[SIGNATURE_HEADER], SECRET, time.time())
    assert not verify(got.body, got.headers[SIGNATURE_HEADER], "another-secret-123456", time.time())
    # A captured request is refused once it is older than the tolerance.
    assert not verify(got.body, got.headers[SIGNATURE_HEADER], SECRET, time.time() + 3600)


def test_every_decision_event_is_delivered_once_per_endpoint(
    dctx: AppContext, dclient: TestClient, mod: dict[str, str]
) -> None:
    with Receiver() as first, Receiver() as second:
        _endpoint(dctx, first.url())
        _endpoint(dctx, second.url(), events=("reversed",))
        queue_comment(dclient, "c1")
        decide(dclient, mod, "c1", "approve")
        decide(dclient, mod, "c1", "reject", rules=["off_topic"])
        deliver_due(dctx.db, sender(dctx))
        deliver_due(dctx.db, sender(dctx))  # a second round sends nothing again
        assert [json.loads(r.body)["event"] for r in first.received] == ["approved", "reversed"]
        assert [json.loads(r.body)["event"] for r in second.received] == ["reversed"]
    with dctx.db.session() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(DecisionEvent)
                .where(DecisionEvent.delivered_at.is_(None))
            )
            == 0
        )


def test_an_endpoint_added_later_gets_only_later_decisions(
    dctx: AppContext, dclient: TestClient, mod: dict[str, str]
) -> None:
    queue_comment(dclient, "early")
    decide(dclient, mod, "early", "approve")
    deliver_due(dctx.db, sender(dctx))
    with Receiver() as cms:
        _endpoint(dctx, cms.url())
        queue_comment(dclient, "late")
        decide(dclient, mod, "late", "approve")
        deliver_due(dctx.db, sender(dctx))
        assert [json.loads(r.body)["comment"]["id"] for r in cms.received] == ["late"]


def test_a_failing_receiver_is_retried_with_backoff_and_the_same_id(
    dctx: AppContext, dclient: TestClient, mod: dict[str, str]
) -> None:
    t0 = utcnow()
    with Receiver(statuses=[500, 503]) as cms:
        _endpoint(dctx, cms.url())
        queue_comment(dclient, "c1")
        decide(dclient, mod, "c1", "approve")
        first = deliver_due(dctx.db, sender(dctx), now=lambda: t0)
        assert (first.delivered, first.retried) == (0, 1)
        with dctx.db.session() as session:
            row = session.scalars(select(WebhookDelivery)).one()
            assert row.state == "pending" and row.attempts == 1 and row.last_status == 500
            assert "HTTP 500" in row.last_error
            wait = (row.next_attempt_at - t0).total_seconds()
        assert 10 <= wait < 15  # 10 s, plus a fixed spread per delivery
        # Not due yet: nothing is sent.
        assert deliver_due(dctx.db, sender(dctx), now=lambda: t0).attempted == 0
        second = deliver_due(dctx.db, sender(dctx), now=lambda: t0 + timedelta(seconds=wait))
        assert second.retried == 1
        with dctx.db.session() as session:
            row = session.scalars(select(WebhookDelivery)).one()
            assert 20 <= (row.next_attempt_at - (t0 + timedelta(seconds=wait))).total_seconds() < 30
        third = deliver_due(dctx.db, sender(dctx), now=lambda: t0 + timedelta(hours=1))
        assert third.delivered == 1
        ids = {r.headers[ID_HEADER] for r in cms.received}
    assert len(cms.received) == 3 and len(ids) == 1
    with dctx.db.session() as session:
        row = session.scalars(select(WebhookDelivery)).one()
        assert (row.state, row.attempts, row.last_status, row.last_error) == (
            "delivered",
            3,
            200,
            "",
        )


def test_a_delivery_gives_up_after_max_attempts_and_can_be_replayed(
    dctx: AppContext, dclient: TestClient, mod: dict[str, str]
) -> None:
    t0 = utcnow()
    with Receiver(statuses=[500, 500]) as cms:
        _endpoint(dctx, cms.url())
        queue_comment(dclient, "c1")
        decide(dclient, mod, "c1", "approve")
        deliver_due(dctx.db, sender(dctx), max_attempts=2, now=lambda: t0)
        last = deliver_due(
            dctx.db, sender(dctx), max_attempts=2, now=lambda: t0 + timedelta(hours=1)
        )
        assert last.failed == 1
        with dctx.db.session() as session:
            row = session.scalars(select(WebhookDelivery)).one()
            assert row.state == "failed"
            delivery_id = row.id
        # Failed deliveries stay failed...
        assert deliver_due(dctx.db, sender(dctx), now=lambda: t0 + timedelta(days=1)).attempted == 0
        # ...until an admin replays one: sent again with the same id.
        with dctx.db.session() as session:
            replay(session, delivery_id)
        assert deliver_due(dctx.db, sender(dctx)).delivered == 1
        assert len({r.headers[ID_HEADER] for r in cms.received}) == 1
        assert len(cms.received) == 3
    with dctx.db.session() as session:
        row = session.get(WebhookDelivery, delivery_id)
        assert row is not None and (row.state, row.replays) == ("delivered", 1)


def test_several_secrets_sign_each_request_during_a_rotation(
    dctx: AppContext, dclient: TestClient, mod: dict[str, str]
) -> None:
    with Receiver() as cms:
        _endpoint(dctx, cms.url(), OLD_SECRET, SECRET)
        queue_comment(dclient, "c1")
        decide(dclient, mod, "c1", "approve")
        deliver_due(dctx.db, sender(dctx))
        [got] = cms.received
    header = got.headers[SIGNATURE_HEADER]
    assert header.count("v1=") == 2
    assert verify(got.body, header, OLD_SECRET, time.time())
    assert verify(got.body, header, SECRET, time.time())


def test_a_sender_that_died_mid_delivery_leaves_it_to_be_sent_again(
    dctx: AppContext, dclient: TestClient, mod: dict[str, str]
) -> None:
    with Receiver() as cms:
        _endpoint(dctx, cms.url())
        queue_comment(dclient, "c1")
        decide(dclient, mod, "c1", "approve")
        t0 = utcnow()
        deliver_due(dctx.db, sender(dctx), limit=0, now=lambda: t0)  # fan out only
        with dctx.db.session() as session:
            [claimed] = claim_due(session, t0, 10, lease_s=40)
        # ... the process is killed here, before it sent or recorded anything.
        with dctx.db.session() as session:
            assert claim_due(session, t0 + timedelta(seconds=39), 10, lease_s=40) == []
        later = deliver_due(dctx.db, sender(dctx), now=lambda: t0 + timedelta(seconds=41))
        assert later.delivered == 1
        assert cms.received[0].headers[ID_HEADER] == claimed.event_key


def test_internal_addresses_are_refused_unless_allowed(dctx: AppContext) -> None:
    with dctx.db.session() as session:
        for url in (
            "http://127.0.0.1:9/hook",
            "http://[::1]:9/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.8/hook",
        ):
            with pytest.raises(InputError) as refused:
                add_endpoint(session, url, [SECRET])
            assert refused.value.field == "url"
            assert "not public" in refused.value.message
        with pytest.raises(InputError) as scheme:
            add_endpoint(session, "file:///etc/passwd", [SECRET])
        assert scheme.value.field == "url"
        with pytest.raises(InputError) as short:
            add_endpoint(session, "http://127.0.0.1:9/", ["short"], allow_internal=True)
        assert short.value.field == "secret"
        # Listed exactly in webhook_allowed_hosts, or allowed on purpose: accepted.
        add_endpoint(session, "http://127.0.0.1:9/hook", [SECRET], allowed_hosts=("127.0.0.1",))
        add_endpoint(session, "http://127.0.0.1:9/hook", [SECRET], allow_internal=True)


def test_an_address_that_turned_internal_is_not_delivered_to(
    dctx: AppContext, dclient: TestClient, mod: dict[str, str]
) -> None:
    """The check is repeated on every delivery, not only when the endpoint is added."""
    with Receiver() as cms:
        endpoint_id = _endpoint(dctx, cms.url())
        with dctx.db.session() as session:
            from netiquette.store.models import WebhookEndpoint

            row = session.get(WebhookEndpoint, endpoint_id)
            assert row is not None
            row.allow_internal = False  # as if DNS now answered with a loopback address
        queue_comment(dclient, "c1")
        decide(dclient, mod, "c1", "approve")
        result = deliver_due(dctx.db, sender(dctx))
        assert result.retried == 1 and cms.received == []
        assert "not public" in result.outcomes[0][1].error


def test_the_settings_declare_an_endpoint_and_name_what_is_wrong(tmp_path: object) -> None:
    from pathlib import Path

    from netiquette.errors import ConfigError
    from tests.conftest import make_context

    db = f"sqlite:///{Path(str(tmp_path)) / 's.db'}"
    with pytest.raises(ConfigError) as no_secret:
        make_context(db, webhook_url="http://127.0.0.1:9/h", webhook_allowed_hosts="127.0.0.1")
    assert no_secret.value.field == "webhook_secrets"
    with pytest.raises(ConfigError) as internal:
        make_context(db, webhook_url="http://127.0.0.1:9/h", webhook_secrets=SECRET)
    assert (
        internal.value.field == "webhook_url" and "webhook_allowed_hosts" in internal.value.message
    )
    ctx = make_context(
        db,
        webhook_url="http://127.0.0.1:9/h",
        webhook_secrets=f"{OLD_SECRET},{SECRET}",
        webhook_allowed_hosts="127.0.0.1",
    )
    from netiquette.delivery import list_endpoints

    with ctx.db.session() as session:
        [endpoint] = list_endpoints(session)
        assert (endpoint.url, endpoint.secrets, endpoint.origin) == (
            "http://127.0.0.1:9/h",
            [OLD_SECRET, SECRET],
            "settings",
        )
    ctx.db.dispose()
    # Emptied in the settings: the endpoint is gone at the next start.
    ctx = make_context(db)
    with ctx.db.session() as session:
        assert list_endpoints(session) == []
    ctx.db.dispose()
