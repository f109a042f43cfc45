"""How fast decisions reach a CMS: webhook deliveries per second and time from decision to receipt.

    .venv/bin/python benchmarks/webhooks.py [--decisions 2000] [--db postgresql://…]

Builds an instance (fresh SQLite, or the PostgreSQL URL given) with one webhook endpoint on a
loopback receiver, lets a moderator decide ``--decisions`` comments (the decision events land in
the outbox), then runs delivery rounds as a worker does until every event is delivered. Prints
deliveries per second of the delivery rounds alone, and the time from each decision's commit to
its receipt at the CMS (which includes the wait while earlier ones are sent; the loop in
``serve`` starts right after each commit instead of in bulk).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from netiquette.app import build_context
from netiquette.delivery import Sender, add_endpoint, deliver_due
from netiquette.review.decide import decide
from netiquette.review.intake import NewComment
from netiquette.review.machine import Actor
from netiquette.settings import load_settings
from netiquette.store.models import Article, Comment, DecisionEvent

received: dict[str, float] = {}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        received[self.headers["Netiquette-Webhook-Id"]] = time.time()
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=2000)
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    settings = load_settings(
        None, {"database_url": url, "auto_approve": False, "auto_reject": False}, environ={}
    )
    ctx = build_context(settings)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    run = uuid.uuid4().hex[:8]
    with ctx.db.session() as session:
        add_endpoint(
            session,
            f"http://{host!s}:{port}/hook",
            ["bench-secret-0123456789"],
            allow_internal=True,
        )
        session.add(Article(id=f"bench-{run}", title="Bench", body="Der Stadtrat hat beschlossen."))
    print(f"deciding {args.decisions} comments on {ctx.db.backend} ...", file=sys.stderr)
    for i in range(args.decisions):
        ctx.intake.submit(
            NewComment(
                id=f"{run}-{i}",
                article_id=f"bench-{run}",
                parent_id=None,
                author_id="u",
                author_name="L",
                text=f"Kommentar {i} zur Stadtbahn.",
            ),
            submitter="cms:bench",
        )
    decided_at: dict[str, float] = {}
    actor = Actor("moderator", "bench")
    for i in range(args.decisions):
        with ctx.db.session() as session:
            comment = session.get(Comment, f"{run}-{i}")
            assert comment is not None
            done = decide(
                session, comment, actor, "approve", config=ctx.intake.accountability, source="api"
            )
            key = done.event.key if done.event is not None else ""
        decided_at[key] = time.time()
    sender = Sender(ctx.db, timeout_s=5)
    started = time.perf_counter()
    rounds = 0
    while len(received) < args.decisions and rounds < 10_000:
        deliver_due(ctx.db, sender, limit=200)
        rounds += 1
    elapsed = time.perf_counter() - started
    lags = sorted(received[k] - decided_at[k] for k in decided_at if k in received)
    with ctx.db.session() as session:
        pending = session.query(DecisionEvent).filter(DecisionEvent.delivered_at.is_(None)).count()
    print(f"backend:                 {ctx.db.backend}")
    print(
        f"decisions delivered:     {len(received)} of {args.decisions} ({pending} not fanned out)"
    )
    print(f"delivery rounds:         {rounds} in {elapsed:.2f} s")
    print(f"deliveries per second:   {len(received) / elapsed:.0f}")
    if lags:
        p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
        print(f"decision -> CMS, p50:    {statistics.median(lags):.2f} s (bulk: includes queueing)")
        print(f"decision -> CMS, p99:    {p99:.2f} s")
    print(f"measured at {datetime.now():%Y-%m-%d %H:%M} on this machine", file=sys.stderr)
    server.shutdown()


if __name__ == "__main__":
    main()
