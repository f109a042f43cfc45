"""The FastAPI application factory and its routing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import RedirectResponse, Response

from netiquette import __version__
from netiquette.accountability.config import AccountabilityConfig
from netiquette.accountability.sor import issue_missing_statements
from netiquette.accounts import authenticate
from netiquette.compat.fetch import parse_hosts
from netiquette.delivery import DeliveryLoop, Sender
from netiquette.delivery.endpoints import sync_settings_endpoint
from netiquette.errors import ConfigError, InputError
from netiquette.learning.examples import set_live_site
from netiquette.learning.site_screening import SiteScreener
from netiquette.notifications.sender import MailWorker, SmtpConfig
from netiquette.plugins import pm
from netiquette.review.intake import Intake
from netiquette.review.wait import Staffing
from netiquette.screening.configured import site_pipeline
from netiquette.settings import Settings, load_settings
from netiquette.store.db import Database
from netiquette.web.api import (
    appeals,
    articles,
    auth,
    comments,
    coral,
    moderation,
    perspective,
    public,
    reports,
)
from netiquette.web.apidocs import install_api_docs
from netiquette.web.context import Admin, AppContext, Ctx
from netiquette.web.errors import install_error_handlers
from netiquette.web.limits import install_request_guard
from netiquette.web.observability import DECISION_COUNTER, install_observability
from netiquette.web.views import accountability as accountability_views
from netiquette.web.views import install_views
from netiquette.work.jobs import enqueue_orphans
from netiquette.work.worker import Worker

log = logging.getLogger(__name__)
#: Pooled connections a process opens before it takes requests: the acceptance and rate-limit
#: writers', and a few for reads.
WARM_CONNECTIONS = 4


def build_context(settings: Settings, *, migrate: bool = True) -> AppContext:
    """Open the database (migrating it) and load the screening pipeline."""
    db = Database(settings.database_url)
    if migrate:
        db.migrate()
    pipeline = site_pipeline(settings)
    set_live_site(settings.site)  # this installation's decisions are examples of its site
    # The site's promoted model decides beside the shipped rules; loaded now, swapped later.
    site_models = SiteScreener(pipeline, settings.site, Path(settings.models_dir))
    if migrate:
        try:
            site_models.refresh(db)
        except InputError as exc:
            raise ConfigError(
                f"site {settings.site}: {exc.message} (roll back with: netiquette models "
                f"rollback --site {settings.site})",
                field="models_dir",
            ) from None
    staffing = Staffing.parse(settings.staffing_hours, settings.timezone)
    intake = Intake(
        db,
        site_models,
        settings.max_comment_chars,
        settings.default_wait_seconds,
        staffing,
        AccountabilityConfig.from_settings(settings, pipeline.house_rules),
        budget_seconds=settings.screening_budget_ms / 1000,
        workers=settings.screening_workers,
        team_size=settings.team_size,
        queue=settings.screening_queue,
    )
    if migrate:
        configure_endpoints(db, settings)
    return AppContext(
        settings=settings,
        db=db,
        pipeline=pipeline,
        intake=intake,
        house_rules=pipeline.house_rules,
        site_models=site_models,
    )


def configure_endpoints(db: Database, settings: Settings) -> None:
    """Keep the endpoints the settings declare (``webhook_url``, ``coral_api_url``) in step."""
    hosts = parse_hosts(settings.webhook_allowed_hosts)
    secrets = [s for s in settings.webhook_secrets.split(",") if s.strip()]
    token = [settings.coral_access_token] if settings.coral_access_token else []
    for url, keys, kind, names in (
        (settings.webhook_url, secrets, "webhook", ("webhook_url", "webhook_secrets")),
        (settings.coral_api_url, token, "coral", ("coral_api_url", "coral_access_token")),
    ):
        try:
            with db.session() as session:
                sync_settings_endpoint(session, url, keys, hosts, kind=kind)
        except InputError as exc:
            name = names[1] if exc.field == "secret" else names[0]
            raise ConfigError(f"setting {name}: {exc.message}", field=name) from None


def delivery_sender(ctx: AppContext) -> Sender:
    """The webhook sender the settings describe."""
    return Sender.from_settings(ctx.db, ctx.settings)


def start_up_once(ctx: AppContext) -> None:
    """Start-up work that one process does before any serves (``serve --workers N``: the
    parent, before the app processes start): comments left unscreened by a crash are
    screened (or, in workers mode, queued for the workers), rejections from before statements
    were issued at rejection get theirs."""
    if ctx.settings.screening_queue == "workers":
        # Comments an inline process stored and never screened get a job; the rest have one.
        queued = enqueue_orphans(ctx.db)
        if queued:
            log.warning("queued %d comments left unscreened by an interrupted run", queued)
    else:
        waiting = ctx.intake.screen_waiting()
        if waiting:
            log.warning("screened %d comments left over from an interrupted run", waiting)
    with ctx.db.session() as session:
        late = issue_missing_statements(session, ctx.intake.accountability)
    if late:
        log.warning("issued %d statements of reasons for earlier rejections", late)


def screening_worker(
    ctx: AppContext, concurrency: int | None = None, *, delivery: bool = True
) -> Worker:
    """A worker for the queued screening jobs (and the webhook rounds), as settings say."""
    loop = (
        DeliveryLoop(ctx.db, delivery_sender(ctx), max_attempts=ctx.settings.webhook_max_attempts)
        if delivery
        else None
    )
    return Worker(
        ctx.db,
        ctx.intake,
        concurrency=concurrency or ctx.settings.screening_workers,
        lease_s=ctx.settings.screening_job_lease_seconds,
        max_attempts=ctx.settings.screening_job_attempts,
        delivery=loop,
        yield_above=ctx.settings.worker_yield_above,
        yield_max_s=ctx.settings.worker_yield_max_seconds,
    )


def create_app(
    settings: Settings | None = None,
    *,
    context: AppContext | None = None,
    start_up: bool = True,
) -> FastAPI:
    """Build the app for ``settings`` (or a ready context).

    ``start_up=False`` leaves out :func:`start_up_once`, for the app processes of ``serve
    --workers N`` (their parent has done it).
    """
    ctx = context or build_context(settings or load_settings())
    smtp = SmtpConfig.from_settings(ctx.settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Background senders: notification e-mails and webhooks never hold a request. Worker
        # processes (issue 14) run the same delivery rounds; switch this off there with
        # delivery_loop.
        worker = MailWorker(ctx.db, smtp, ctx.settings.timezone) if smtp else None
        app.state.mail = worker
        if worker is not None:
            worker.start()
        # SQLite in workers mode: the worker runs here, so one command stays one command.
        screening: Worker | None = None
        if ctx.settings.screening_queue == "workers" and ctx.db.backend == "sqlite":
            screening = screening_worker(ctx, delivery=False)
            screening.start()
            app.state.screening_worker = screening
        loop: DeliveryLoop | None = None
        if ctx.settings.delivery_loop:
            loop = DeliveryLoop(
                ctx.db, delivery_sender(ctx), max_attempts=ctx.settings.webhook_max_attempts
            )
            loop.start()
            app.state.delivery_loop = loop
        if ctx.site_models is not None:
            ctx.site_models.start(ctx.db, ctx.settings.site_model_check_seconds)
        await asyncio.to_thread(warm_up, ctx)
        try:
            yield
        finally:
            if screening is not None:
                screening.stop(ctx.settings.shutdown_grace_seconds)
            if ctx.site_models is not None:
                ctx.site_models.stop()
            if loop is not None:
                loop.stop(ctx.settings.shutdown_grace_seconds)
            if worker is not None:
                worker.stop()

    if not pm.is_registered(DECISION_COUNTER):
        pm.register(DECISION_COUNTER, name="netiquette.metrics")

    app = FastAPI(
        lifespan=lifespan,
        title="netiquette",
        version=__version__,
        description="Pre-moderation for news comment sections: every comment held, screened "
        "against the house rules, decided, published and audited.",
        docs_url=None,  # served from our own origin by install_api_docs
        redoc_url=None,
    )
    app.state.ctx = ctx
    install_error_handlers(app)
    install_observability(app)  # /metrics, /healthz, /readyz, request ids and timings
    install_request_guard(app, ctx.settings.max_request_bytes)
    install_api_docs(app)

    api = APIRouter(prefix="/api/v1")
    for module in (articles, comments, moderation, auth, public, appeals, reports):
        api.include_router(module.router)

    @api.get("/settings", tags=["admin"])
    def get_settings(_caller: Admin, ctx: Ctx) -> dict[str, Any]:
        """The effective settings (secrets masked), screening versions and the effective policy."""
        return {
            "settings": ctx.settings.public(),
            "screening": ctx.pipeline.versions,
            "policy": ctx.pipeline.effective_policy(),
        }

    app.include_router(api)
    install_views(app)  # moderator workspace, demo pages, static files, security headers
    app.include_router(accountability_views.router)  # appeals, transparency report
    # Drop-in interfaces of the tools newsrooms already run (see docs/switch-from-perspective.md).
    app.include_router(perspective.router)
    app.include_router(perspective.discovery)
    app.include_router(coral.router)

    @app.get("/", include_in_schema=False)
    def index() -> RedirectResponse:
        return RedirectResponse("/docs")

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        # Browsers ask on every page; "no icon" instead of a 404 in every access log.
        return Response(status_code=204, headers={"Cache-Control": "public, max-age=86400"})

    ctx.intake.warm_up()  # models load now, not on the first reader's comment
    if start_up:
        start_up_once(ctx)  # before we serve
    return app


def warm_up(ctx: AppContext) -> None:
    """Pay what a process's first requests would otherwise wait for, before it takes any.

    Measured under an open load of 500 comments/s (benchmarks/load.py): the first half second
    after a start answered at p50 101 ms, up to 382 ms, while each process opened connections,
    checked the configured API key with argon2 (about 0.4 s of a core; every request with that
    key waits for it) and computed its first wait estimate. Keys created with ``netiquette
    keys add`` are not known to the process; their first use still pays the check once.
    A failure here (database not up yet) is logged; the first requests then pay instead.
    """
    try:
        with ExitStack() as stack:
            for _ in range(WARM_CONNECTIONS):
                stack.enter_context(ctx.db.engine.connect())
        if ctx.settings.api_key:
            with ctx.db.session() as session:
                authenticate(session, ctx.settings.api_key)
        if ctx.settings.screening_queue == "workers":
            ctx.intake.acceptance_wait()
    except Exception:
        log.warning("warm-up before the first request failed; they pay for it", exc_info=True)


def freeze_heap() -> None:
    """Leave everything loaded so far (models, vocabularies, the app) out of garbage collection.

    A full collection walked about 235,000 long-lived objects, 140 ms with the GIL held, every
    few seconds under load: a pause for every request in flight (p99 several times p50 in
    ``benchmarks/load.py``). Called once per serving process after the models are loaded; the
    objects stay freed by reference counting as usual, only their cycles are not looked for.
    """
    import gc

    gc.collect()
    gc.freeze()


def create_worker_app() -> FastAPI:
    """The app of one process of ``netiquette serve --workers N`` (uvicorn's factory).

    Settings come from the environment the parent prepared (see
    :func:`netiquette.web.serving.worker_environment`). The parent has migrated the database,
    created the credentials, loaded the demo and run :func:`start_up_once`, so nothing here
    races with the other processes.
    """
    from netiquette.logs import configure_logging
    from netiquette.web.serving import install_access_log_redaction

    settings = load_settings()
    configure_logging(settings.log_format)  # a fresh (spawned) process: its own log set-up
    install_access_log_redaction()
    app = create_app(context=build_context(settings, migrate=False), start_up=False)
    freeze_heap()
    return app
