"""Prometheus metrics of one process, served at ``GET /metrics``.

Counters and histograms are updated where things happen (requests by the middleware in
:mod:`netiquette.web.observability`, deliveries by :mod:`netiquette.delivery.deliver`);
the gauges that describe the database (queue depth, screening backlog, deliveries waiting)
are read from it when ``/metrics`` is scraped, so every process reports the same shared
figures. With several app processes, scrape each one (counters are per process) or set
``PROMETHEUS_MULTIPROC_DIR`` (the client's multiprocess mode; see README "Running in production").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from netiquette.store.db import Database
from netiquette.store.models import Comment, WebhookDelivery
from netiquette.work.jobs import backlog as job_backlog

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "netiquette_http_requests",
    "HTTP requests answered, by route template, method and status class",
    ["route", "method", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "netiquette_http_request_seconds",
    "Time to answer an HTTP request, by route template",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
    registry=REGISTRY,
)
SCREENED = Counter(
    "netiquette_comments_screened",
    "Comments screened (throughput of the screening pipeline), by outcome",
    ["outcome"],
    registry=REGISTRY,
)
SCREENING_SECONDS = Histogram(
    "netiquette_screening_seconds",
    "Time to screen one comment against all house rules",
    buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0),
    registry=REGISTRY,
)
DECISIONS = Counter(
    "netiquette_decisions",
    "Decisions committed, by event and actor kind (policy or moderator)",
    ["event", "actor"],
    registry=REGISTRY,
)
SCREENING_JOBS = Counter(
    "netiquette_screening_jobs",
    "Screening jobs handled by workers, by kind (screen, rescreen) and result "
    "(done, retry, failed = sent to the human queue)",
    ["kind", "result"],
    registry=REGISTRY,
)
WORKER_YIELD_SECONDS = Counter(
    "netiquette_worker_yield_seconds",
    "Seconds a worker took no screening jobs because comments arrived faster than "
    "worker_yield_above",
    registry=REGISTRY,
)
WEBHOOK_ATTEMPTS = Counter(
    "netiquette_webhook_attempts",
    "Webhook delivery attempts, by endpoint kind and result (delivered, retry, failed)",
    ["kind", "result"],
    registry=REGISTRY,
)


class DatabaseGauges(Collector):
    """Queue depth, screening backlog and deliveries waiting, read at scrape time."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """One query per family; a database error leaves the gauges out of this scrape."""
        states = GaugeMetricFamily(
            "netiquette_comments", "Comments by state (pending = the human queue)", labels=["state"]
        )
        deliveries = GaugeMetricFamily(
            "netiquette_webhook_deliveries", "Webhook deliveries by state", labels=["state"]
        )
        with self.db.session() as session:
            for state, count in session.execute(
                select(Comment.state, func.count()).group_by(Comment.state)
            ):
                states.add_metric([str(state)], float(count))
            for state, count in session.execute(
                select(WebhookDelivery.state, func.count()).group_by(WebhookDelivery.state)
            ):
                deliveries.add_metric([str(state)], float(count))
            backlog = session.scalar(
                select(func.count()).select_from(Comment).where(Comment.state == "received")
            )
            oldest = session.scalar(
                select(func.min(Comment.received_at)).where(Comment.state == "received")
            )
            queued = GaugeMetricFamily(
                "netiquette_screening_jobs_queued",
                "Screening jobs waiting for a worker or in a worker's hands, by kind",
                labels=["kind"],
            )
            for kind in ("screen", "rescreen"):
                queued.add_metric([kind], float(job_backlog(session, kind).waiting))
        yield states
        yield queued
        yield deliveries
        yield GaugeMetricFamily(
            "netiquette_screening_backlog",
            "Comments stored but not yet screened",
            value=float(backlog or 0),
        )
        from netiquette.store.models import utcnow

        age = (utcnow() - oldest).total_seconds() if oldest is not None else 0.0
        yield GaugeMetricFamily(
            "netiquette_screening_backlog_age_seconds",
            "Age of the oldest comment waiting for screening",
            value=max(age, 0.0),
        )

    def describe(self) -> list[Any]:
        """Nothing up front: the families are produced at scrape time."""
        return []


def count_decision(event: str, automated: bool) -> None:
    """Count one committed decision."""
    DECISIONS.labels(event=event, actor="policy" if automated else "moderator").inc()


__all__ = [
    "DECISIONS",
    "LATENCY",
    "REGISTRY",
    "REQUESTS",
    "SCREENED",
    "SCREENING_JOBS",
    "SCREENING_SECONDS",
    "WEBHOOK_ATTEMPTS",
    "DatabaseGauges",
    "count_decision",
]
