"""The ``netiquette`` command: parses arguments and builds objects; the work happens elsewhere."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from netiquette.errors import NetiquetteError
from netiquette.settings import SETTINGS, Settings, load_settings, redact_url

app = typer.Typer(
    name="netiquette",
    help="Pre-moderation for news comment sections: hold, screen, decide, publish, audit.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
users_app = typer.Typer(help="Moderator and admin accounts.", no_args_is_help=True)
keys_app = typer.Typer(help="CMS API keys.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
retention_app = typer.Typer(help="Retention of rejected comment texts.", no_args_is_help=True)
webhooks_app = typer.Typer(
    help="Webhooks: decisions pushed to the CMS (and to Coral), signed, retried, logged.",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")
app.add_typer(audit_app, name="audit")
app.add_typer(retention_app, name="retention")
app.add_typer(webhooks_app, name="webhooks")
models_app = typer.Typer(
    help="Site models: candidates, the live model, shadow, promote and roll back.",
    no_args_is_help=True,
)
app.add_typer(models_app, name="models")

out = Console()
err = Console(stderr=True)

DbOpt = Annotated[str | None, typer.Option("--db", help="Database URL or SQLite file path.")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="TOML settings file.")]


def _settings(config: Path | None = None, **overrides: Any) -> Settings:
    return load_settings(config, {"database_url": overrides.pop("db", None), **overrides})


def _serve(settings: Settings, *, demo: bool, workers: int = 1, config: Path | None = None) -> None:
    import uvicorn

    from netiquette.app import build_context, create_app, freeze_heap, start_up_once
    from netiquette.bootstrap import ensure_credentials, load_demo
    from netiquette.logs import configure_logging
    from netiquette.web.serving import (
        install_access_log_redaction,
        proxy_options,
        serve_processes,
    )

    configure_logging(settings.log_format)

    def say(message: str) -> None:
        # With JSON logs every line on stderr is a JSON object, the start banner too.
        if settings.log_format == "json":
            from rich.text import Text

            logging.getLogger("netiquette.serve").info(Text.from_markup(message).plain)
        else:
            err.print(message)

    ctx = build_context(settings)
    creds = ensure_credentials(ctx.db, settings, generate=demo)
    if demo:
        article_id, added = load_demo(ctx.db, ctx.intake, settings)
        say(f"demo article [bold]{article_id}[/] loaded ({added} new sample comments)")
    base = f"http://{settings.host}:{settings.port}"
    if creds.admin_password:
        say(f"moderator login: [bold]admin[/] / [bold]{creds.admin_password}[/]")
    elif settings.admin_password:
        say("moderator login: admin / (from NETIQUETTE_ADMIN_PASSWORD)")
    if creds.api_key:
        say(f"CMS API key:     [bold]{creds.api_key}[/]")
    processes = f", {workers} processes" if workers > 1 else ""
    say(f"serving on {base}  (API docs {base}/docs{processes})")
    install_access_log_redaction()
    # SIGTERM: stop accepting, let requests in flight finish (up to the grace time), then the
    # app's shutdown stops the delivery loop after its current round.
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        **proxy_options(settings),
        "log_config": None,  # our handlers (configure_logging), JSON lines if asked for
        "timeout_graceful_shutdown": settings.shutdown_grace_seconds,
    }
    if workers == 1:
        served = create_app(context=ctx)
        freeze_heap()
        uvicorn.run(served, **options)
        return
    # Everything that must happen once is done here, before the app processes start.
    start_up_once(ctx)
    ctx.db.dispose()
    serve_processes(settings, workers, config, **options)


WorkersOpt = Annotated[
    int,
    typer.Option(
        "--workers",
        min=1,
        help="App processes on this port (share the database; see README 'Running in production').",
    ),
]


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address.")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port.")] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
    workers: WorkersOpt = 1,
) -> None:
    """Serve the API (and workspace) over HTTP."""
    settings = _settings(config, db=db, host=host, port=port)
    _serve(settings, demo=False, workers=workers, config=config)


@app.command()
def demo(
    host: Annotated[str | None, typer.Option(help="Listen address.")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port.")] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
    workers: WorkersOpt = 1,
) -> None:
    """Migrate, load the demo article and comments, print a fresh login and key, and serve."""
    settings = _settings(config, db=db, host=host, port=port, demo_pages=True)
    _serve(settings, demo=True, workers=workers, config=config)


@app.command()
def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(help="Screening threads (default: the screening_workers setting)."),
    ] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Screen queued comments and deliver webhooks until SIGTERM or Ctrl-C (the job in hand
    is finished first)."""
    import signal

    from netiquette.app import build_context, freeze_heap, screening_worker
    from netiquette.logs import configure_logging

    if concurrency is not None and concurrency < 1:
        raise NetiquetteError("--concurrency must be at least 1", field="--concurrency")
    settings = _settings(config, db=db)
    if not 0 <= settings.worker_nice <= 19:
        raise NetiquetteError("worker_nice must be between 0 and 19", field="worker_nice")
    for name, value in (
        ("worker_yield_above", settings.worker_yield_above),
        ("worker_yield_max_seconds", settings.worker_yield_max_seconds),
    ):
        if value < 0:
            raise NetiquetteError(f"{name} must not be negative", field=name)
    configure_logging(settings.log_format)
    if settings.worker_nice and hasattr(os, "nice"):
        # Screening is the work that may wait (the backlog drains after a peak); answering a
        # CMS is not: on shared cores the app servers get the CPU first.
        os.nice(settings.worker_nice)
    ctx = build_context(settings)
    ctx.intake.warm_up()
    freeze_heap()
    runner = screening_worker(ctx, concurrency)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: runner.request_stop())
    if settings.screening_queue != "workers":
        logging.getLogger("netiquette.worker").warning(
            "screening_queue is %r: the app servers screen in the request; this worker "
            "delivers webhooks and runs rescreen jobs",
            settings.screening_queue,
        )
    runner.start()
    err.print(
        f"worker {runner.name}: {runner.concurrency} screening threads on "
        f"{redact_url(settings.database_url)}; stop with Ctrl-C or SIGTERM"
    )
    runner.wait()
    runner.stop(settings.shutdown_grace_seconds)
    err.print(f"worker {runner.name} stopped after {runner.processed} jobs")


@app.command()
def migrate(db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Create or upgrade the database schema."""
    from netiquette.store.db import Database

    settings = _settings(config, db=db)
    Database(settings.database_url).migrate()
    err.print(f"database at {redact_url(settings.database_url)} is up to date")


@app.command()
def check(
    text: Annotated[str, typer.Argument(help="The comment text.")],
    article: Annotated[Path | None, typer.Option(help="Article page (text or HTML).")] = None,
    parent: Annotated[str | None, typer.Option(help="Text of the parent comment.")] = None,
    config: ConfigOpt = None,
) -> None:
    """Screen one comment and print a per-rule table."""
    from netiquette.articles.extract import extract_body
    from netiquette.screening import ScreeningInput
    from netiquette.screening.configured import site_pipeline

    settings = _settings(config)
    pipeline = site_pipeline(settings)
    article_text = extract_body(_read_text(article, "--article")) if article else None
    result = pipeline.screen(
        ScreeningInput(text=text, article_text=article_text, parent_text=parent)
    )
    table = Table(
        title=f"decision: {result.decision.outcome} (priority {result.decision.priority})",
        caption=escape(result.decision.reason),
    )
    for column in ("rule", "score", "flag", "evidence", "version"):
        table.add_column(column)
    for name, r in result.results.items():
        evidence = "; ".join(f"{s.text!r}@{s.start}" for s in r.evidence) or r.reason
        score = "n/a" if r.score is None else f"{r.score:.3f}"
        table.add_row(name, score, "yes" if r.flag else "", evidence, r.version)
    out.print(table)


@app.command()
def screen(
    input: Annotated[
        Path, typer.Option("--input", "-i", help="JSONL: id, text, article_text?; - = stdin")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="JSONL out; - = stdout")
    ] = None,
    config: ConfigOpt = None,
    progress: Annotated[bool, typer.Option(help="Progress bar on stderr.")] = True,
    site: Annotated[
        str | None,
        typer.Option("--site", help="Decide with this site's promoted model (as the server)."),
    ] = None,
    db: DbOpt = None,
) -> None:
    """Screen a JSONL file of comments: one result line per input line, same order."""
    from netiquette.screening.batch import screen_file
    from netiquette.screening.configured import site_pipeline

    settings = _settings(config, db=db)
    pipeline: Any = site_pipeline(settings)
    if site is not None:
        from netiquette.learning.history import check_site
        from netiquette.learning.site_screening import SiteScreener
        from netiquette.store.db import Database

        check_site(site)
        database = Database(settings.database_url)
        database.migrate()
        pipeline = SiteScreener(pipeline, site, Path(settings.models_dir))
        pipeline.refresh(database)
        live = pipeline.loaded.live
        err.print(
            f"site {site}: deciding with "
            + (f"site model {live.version}" if live else "the shipped model (none promoted)")
        )
    source: Path | TextIO = sys.stdin if str(input) == "-" else input
    if output is None or str(output) == "-":
        screen_file(source, sys.stdout, pipeline, progress=progress)
    else:
        with output.open("w", encoding="utf-8") as fh:
            screen_file(source, fh, pipeline, progress=progress)


@app.command()
def train(
    data_dir: Annotated[
        Path, typer.Option("--data-dir", help="Training corpora (see docs/models.md).")
    ] = Path("../shared/data"),
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Model directory; default: the shipped model (with --site: models_dir).",
        ),
    ] = None,
    site: Annotated[
        str | None, typer.Option("--site", help="Train a candidate from this site's examples.")
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option("--since", formats=["%Y-%m-%d"], help="With --site: examples from this day."),
    ] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
    progress: Annotated[bool, typer.Option(help="Progress bar on stderr.")] = True,
    semantic: Annotated[
        bool,
        typer.Option(
            help="Fine-tune and stack the e5 encoder (needs the train extra); "
            "--no-semantic trains the TF-IDF heads alone.",
        ),
    ] = True,
    semantic_run: Annotated[
        Path | None,
        typer.Option(
            "--semantic-run",
            help="Fine-tuning directory (default var/e5run); reused when it holds a run on "
            "the same data and settings.",
        ),
    ] = None,
    semantic_seconds: Annotated[
        float | None,
        typer.Option(
            "--semantic-seconds",
            min=60,
            help="Time budget of the fine-tuning pass in seconds (default 2400).",
        ),
    ] = None,
) -> None:
    """Train the house-rule models (or, with --site, a candidate from the site's decisions)."""
    if site is not None:
        from datetime import UTC

        from netiquette.learning.history import check_site
        from netiquette.learning.train_site import train_site
        from netiquette.store.db import Database

        check_site(site)
        settings = _settings(config, db=db)
        _use_site_pipeline(settings)  # loaded only once the examples are checked
        database = Database(settings.database_url)
        database.migrate()
        start = since.replace(tzinfo=UTC) if since is not None else None
        with database.session() as session:
            target = train_site(
                session,
                site,
                out or Path(settings.models_dir),
                since=start,
                progress=progress,
                auto_precision=settings.site_auto_precision,
            )
        err.print(f"candidate written to {target} (model card: {target / 'model_card.md'})")
        return
    from netiquette.screening.models import DEFAULT_MODEL_DIR
    from netiquette.training.train import train as train_models

    target = out or DEFAULT_MODEL_DIR
    run_dir = None
    if semantic:
        from netiquette.training.semantic.runs import (
            DEFAULT_RUN_DIR,
            DEFAULT_SECONDS,
            TrainingExtraMissing,
            ensure_run,
        )

        try:
            run_dir = ensure_run(
                data_dir,
                semantic_run or DEFAULT_RUN_DIR,
                seconds=DEFAULT_SECONDS if semantic_seconds is None else semantic_seconds,
                log=err.print,
            )
        except TrainingExtraMissing as exc:
            err.print(f"error: {exc}")
            raise typer.Exit(2) from None
    train_models(data_dir, target, progress=progress, semantic_run=run_dir)
    err.print(f"model written to {target} (model card: {target / 'model_card.md'})")


@app.command("eval")
def eval_(
    data: Annotated[
        Path | None,
        typer.Option("--data", help="JSONL: id, text, article_text?, labels{rule: 0|1}"),
    ] = None,
    evasion: Annotated[
        Path | None,
        typer.Option(
            "--evasion",
            help="JSONL of obfuscated lines (id, text, plain, technique, labels): share caught "
            "before and after normalisation",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write precision-recall PNGs here.")
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Score the screening pipeline against labelled comments."""
    import json

    from netiquette.evaluation import plot_pr_curves
    from netiquette.evaluation.pipeline import evaluate_file
    from netiquette.screening.configured import site_pipeline

    settings = _settings(config)
    pipeline = site_pipeline(settings)
    if evasion is not None:
        from netiquette.evaluation.evasion import evaluate_evasion, load_cases, to_text

        found = evaluate_evasion(load_cases(evasion), pipeline)
        if as_json:
            print(json.dumps(found.to_dict(), indent=2))
        else:
            out.print(to_text(found), highlight=False)
        if data is None:
            return
    if data is None:
        raise typer.BadParameter("give --data and/or --evasion", param_hint="--data")
    report = evaluate_file(data, pipeline)
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        out.print(report.to_text(), highlight=False, soft_wrap=True)
    if plot is not None:
        for path in plot_pr_curves(report, plot):
            err.print(f"wrote {path}")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="JSONL of articles and comments.")],
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Import articles and comments from JSONL (comments are screened like new ones)."""
    from netiquette.app import build_context
    from netiquette.importer import import_file

    settings = _settings(config, db=db)
    ctx = build_context(settings)
    counts = import_file(ctx, file)
    err.print(
        f"imported {counts['articles']} articles and {counts['comments']} comments "
        f"({counts['skipped']} already present)"
    )


@app.command("import-decisions")
def import_decisions(
    file: Annotated[
        Path, typer.Argument(help="JSONL: id, text, decision, rules?, article_id?, ...")
    ],
    site: Annotated[str, typer.Option("--site", help="The site the decisions are from.")],
    db: DbOpt = None,
    config: ConfigOpt = None,
    progress: Annotated[bool, typer.Option(help="Progress bar on stderr.")] = True,
) -> None:
    """Import a newsroom's past verdicts as the site's labelled examples (idempotent by id)."""
    from netiquette.learning.history import check_site, read_history, write_history

    check_site(site)
    database, acc = _accountability(config, db)
    settings = _settings(config, db=db)
    lines = read_history(
        file, acc.house_rules, max_chars=settings.max_comment_chars, progress=progress
    )
    with database.session() as session:
        counts = write_history(session, site, lines, progress=progress)
    err.print(
        f"site {site}: {len(lines)} decisions read; "
        + ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.as_dict().items())
    )


def _use_site_pipeline(settings: Settings) -> Callable[[], Any]:
    """Site models that read the shipped rules' scores get them from this site's screening
    pipeline, loaded once and only when first needed (learning.features)."""
    from functools import cache

    from netiquette.learning.features import use_pipeline
    from netiquette.screening.configured import site_pipeline

    load = cache(lambda: site_pipeline(settings))
    use_pipeline(load)
    return load


def _site_model(
    config: Path | None, db: str | None, site: str, models_dir: Path | None, version: str | None
) -> tuple[Any, Settings, Path]:
    """The model to work on: ``--version``, else the site's live model, else the newest."""
    from netiquette.learning.history import check_site
    from netiquette.learning.recalibrate import version_dir
    from netiquette.learning.registry import live_versions

    check_site(site)
    database, settings = _database(config, db)
    _use_site_pipeline(settings)
    root = models_dir if models_dir is not None else Path(settings.models_dir)
    if version is None:
        with database.session() as session:
            version = live_versions(session, site)[0]
    return database, settings, version_dir(root, site, version)


ModelsDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--models-dir", help="Directory of the site models; default: the models_dir setting."
    ),
]
VersionOpt = Annotated[
    str | None,
    typer.Option(
        "--version", help="Model version; default: the site's live model, else the newest."
    ),
]


@app.command("recalibrate")
def recalibrate_cmd(
    site: Annotated[str, typer.Option("--site", help="The site whose model to recalibrate.")],
    version: VersionOpt = None,
    models_dir: ModelsDirOpt = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Choose a site model's auto-decision thresholds again from the site's recent decisions."""
    from netiquette.learning.recalibrate import recalibrate

    database, settings, path = _site_model(config, db, site, models_dir, version)
    with database.session() as session:
        done = recalibrate(
            session,
            site,
            path,
            target=settings.site_auto_precision,
            window=settings.site_recalibration_window,
        )

    def show(value: float | None) -> str:
        return "never" if value is None else f"{value:.4f}"

    a = done.after
    out.print(
        f"{done.version}: {done.examples} recent decisions ({done.rejections} rejections); "
        f"reject at ≥ {show(a.reject_above)} (was {show(done.before.get('reject_above'))}), "
        f"approve at < {show(a.approve_below)} (was {show(done.before.get('approve_below'))}); "
        f"{a.auto_share:.1%} decided automatically at target {a.target:.0%}",
        highlight=False,
    )


@app.command("drift")
def drift_cmd(
    site: Annotated[str, typer.Option("--site", help="The site whose model to watch.")],
    version: VersionOpt = None,
    models_dir: ModelsDirOpt = None,
    days: Annotated[int, typer.Option("--days", help="Length of a period in days.")] = 7,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Also write the chart as this PNG file.")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when a period is flagged (for cron).")
    ] = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Per week: score distribution (PSI) and rejection rates of moderators vs the model."""
    from netiquette.learning.drift import drift_report, drift_table, plot_drift

    database, settings, path = _site_model(config, db, site, models_dir, version)
    with database.session() as session:
        report = drift_report(
            session,
            site,
            path,
            days=days,
            psi_bound=settings.site_drift_psi,
            rate_bound=settings.site_drift_rate,
        )
    if not report.periods:
        err.print(f"site {site}: no decisions since {report.version} was trained")
    out.print(drift_table(report))
    if plot is not None:
        err.print(f"chart written to {plot_drift(report, plot)}")
    if check and report.flagged:
        err.print(f"[red]{len(report.flagged)} period(s) moved beyond a bound[/]")
        raise typer.Exit(1)


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[str, typer.Option(help="moderator or admin")] = "moderator",
    password: Annotated[
        str | None, typer.Option(help="Password; asked for when not given.")
    ] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Create a moderator or admin (or reset their password)."""
    from netiquette.accounts import upsert_user
    from netiquette.store.db import Database

    settings = _settings(config, db=db)
    if password is None:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    database = Database(settings.database_url)
    database.migrate()
    with database.session() as session:
        upsert_user(session, username, password, role)
    err.print(f"user {username} ({role}) saved")


@keys_app.command("add")
def keys_add(name: str, db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Create a CMS API key and print it once."""
    from netiquette.accounts import create_api_key
    from netiquette.store.db import Database

    settings = _settings(config, db=db)
    database = Database(settings.database_url)
    database.migrate()
    with database.session() as session:
        key = create_api_key(session, name)
    out.print(key)


@audit_app.command("verify")
def audit_verify(db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Recompute every site's hash chain; exit 1 naming the first broken event."""
    from netiquette.review.audit import sites, verify_chain
    from netiquette.store.db import Database

    settings = _settings(config, db=db)
    database = Database(settings.database_url)
    broken = False
    with database.session() as session:
        for site in sites(session):
            report = verify_chain(session, site)
            if report.ok:
                out.print(f"site {site}: {report.events} events, chain intact")
            else:
                broken = True
                where = (
                    f"event {report.broken_event_id} (number {report.broken_seq})"
                    if report.broken_event_id is not None
                    else f"after event number {report.broken_seq}"
                )
                err.print(f"[red]site {site}: chain broken at {where}: {report.problem}[/]")
    if broken:
        raise SystemExit(1)


OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="File; default stdout.")]


def _accountability(config: Path | None, db: str | None) -> tuple[Any, Any]:
    from netiquette.accountability.config import AccountabilityConfig
    from netiquette.accountability.sor import issue_missing_statements
    from netiquette.store.db import Database

    settings = _settings(config, db=db)
    database = Database(settings.database_url)
    database.migrate()
    accountability = AccountabilityConfig.from_settings(settings)
    with database.session() as session:  # rejections from before migration 0008, once
        issue_missing_statements(session, accountability)
    return database, accountability


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"written to {output}")


@app.command("report")
def transparency_report(
    first: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day.")],
    last: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day.")],
    fmt: Annotated[str, typer.Option("--format", help="json, csv or html")] = "json",
    lang: Annotated[str, typer.Option(help="Language of the HTML report: de, en, ...")] = "de",
    output: OutputOpt = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """The transparency report (DSA Art. 15/24) for a range of days."""
    from netiquette.accountability.exports import report_text

    database, acc = _accountability(config, db)
    with database.session() as session:
        text = report_text(session, first.date(), last.date(), acc, fmt, lang)
    _write(text, output)


@app.command("export-sor")
def export_sor(
    first: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day.")],
    last: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day.")],
    output: OutputOpt = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Statements of reasons of the period as DSA Transparency Database JSON lines."""
    from netiquette.accountability.exports import statement_lines

    database, acc = _accountability(config, db)
    with database.session() as session:
        lines = list(statement_lines(session, first.date(), last.date(), acc))
    _write("".join(line + "\n" for line in lines), output)
    err.print(f"{len(lines)} statements of reasons")


@app.command("erase-author")
def erase_author(
    author_id: Annotated[str, typer.Argument(help="The author's id as the CMS sent it.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Remove every text and the name of one author (GDPR Art. 17); the audit chain stays valid."""
    from netiquette.accountability.privacy import erase_author as erase

    if not yes:
        typer.confirm(f"erase every text and the name of author {author_id!r}?", abort=True)
    database, acc = _accountability(config, db)
    with database.session() as session:
        removal = erase(session, author_id, "cli:erase-author", acc)
    database.scrub()  # the old texts must not linger in the SQLite write-ahead log
    out.print(", ".join(f"{k}: {v}" for k, v in removal.counts().items()))


@retention_app.command("run")
def retention_run(
    days: Annotated[
        int | None, typer.Option(help="Override retention_rejected_days for this run.")
    ] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Delete the texts of comments rejected more than N days ago (run it daily, e.g. by cron)."""
    from netiquette.accountability.privacy import run_retention

    database, acc = _accountability(config, db)
    with database.session() as session:
        removal = run_retention(session, acc, "cli:retention", days=days)
    database.scrub()
    out.print(f"texts removed from {removal.comments} rejected comments")


@app.command()
def rescreen(
    since: Annotated[
        datetime,
        typer.Option("--since", formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M"], help="First day (UTC)."),
    ],
    db: DbOpt = None,
    config: ConfigOpt = None,
    progress: Annotated[bool, typer.Option(help="Progress bar on stderr.")] = True,
) -> None:
    """Screen stored comments again with the current models; decisions stay as they are."""
    from datetime import UTC

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from netiquette.review.rescreen import rescreen as run
    from netiquette.screening.configured import site_pipeline

    database, settings = _database(config, db)
    pipeline = site_pipeline(settings)
    start = since.replace(tzinfo=UTC) if since.tzinfo is None else since
    if settings.screening_queue == "workers":
        report = _rescreen_by_workers(database, pipeline.versions, start, progress)
        out.print(report.to_text(), highlight=False, soft_wrap=True)
        return
    with Progress(
        "re-screening",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not progress,
    ) as bar:
        task = bar.add_task("rescreen", total=None)
        report = run(
            database,
            pipeline,
            start,
            total=lambda n: bar.update(task, total=n),
            advance=lambda n: bar.advance(task, n),
        )
    out.print(report.to_text(), highlight=False, soft_wrap=True)


def _rescreen_by_workers(
    database: Any, versions: dict[str, str], since: datetime, progress: bool
) -> Any:
    """Queue the run for the workers, show its progress, then sum it up (workers mode)."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from netiquette.review.rescreen import collect_run, queue_rescreen, run_outstanding

    run, queued, skipped = queue_rescreen(database, since)
    err.print(f"queued {queued} comments for the workers (run {run}); waiting for them")
    with Progress(
        "re-screening by the workers",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not progress,
    ) as bar:
        task = bar.add_task("rescreen", total=queued)
        while (left := run_outstanding(database, run)) > 0:
            bar.update(task, completed=queued - left)
            time.sleep(1.0)
        bar.update(task, completed=queued)
    return collect_run(database, run, since, versions, skipped=skipped)


def _database(config: Path | None, db: str | None) -> tuple[Any, Settings]:
    from netiquette.store.db import Database

    settings = _settings(config, db=db)
    database = Database(settings.database_url)
    database.migrate()
    return database, settings


@webhooks_app.command("add")
def webhooks_add(
    url: Annotated[str, typer.Argument(help="The receiver's URL (https:// recommended).")],
    secret: Annotated[
        list[str], typer.Option("--secret", help="Signing secret (repeat for rotation).")
    ],
    event: Annotated[
        list[str] | None,
        typer.Option("--event", help="Only this event (repeatable); default: every one."),
    ] = None,
    kind: Annotated[
        str,
        typer.Option(
            help="webhook, or coral (URL = Coral's /api/graphql, --secret = its access token)"
        ),
    ] = "webhook",
    allow_internal: Annotated[
        bool,
        typer.Option("--allow-internal", help="Allow a loopback or private address on purpose."),
    ] = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Add an endpoint; it receives every decision taken from now on."""
    from netiquette.compat.fetch import parse_hosts
    from netiquette.delivery.endpoints import add_endpoint

    database, settings = _database(config, db)
    with database.session() as session:
        endpoint = add_endpoint(
            session,
            url,
            secret,
            events=event or (),
            kind=kind,
            allow_internal=allow_internal,
            allowed_hosts=parse_hosts(settings.webhook_allowed_hosts),
        )
        out.print(f"webhook endpoint {endpoint.id} added: {endpoint.url}")


@webhooks_app.command("list")
def webhooks_list(db: DbOpt = None, config: ConfigOpt = None) -> None:
    """The active endpoints (secrets shown by their first characters)."""
    from netiquette.delivery.endpoints import list_endpoints, masked

    database, _ = _database(config, db)
    with database.session() as session:
        endpoints = list_endpoints(session)
        # One line per endpoint (not a table): URLs stay whole and can be copied.
        for e in endpoints:
            out.print(
                f"{e.id}  {e.kind}  {e.url}  events: {', '.join(e.events) or 'all'}  "
                f"secrets: {', '.join(masked(s) for s in e.secrets)}"
                + ("  internal allowed" if e.allow_internal else "")
                + f"  ({e.origin}, since {e.created_at:%Y-%m-%d %H:%M})",
                highlight=False,
                soft_wrap=True,
            )
    if not endpoints:
        err.print("no webhook endpoints; add one with: netiquette webhooks add URL --secret …")


@webhooks_app.command("remove")
def webhooks_remove(
    endpoint_id: Annotated[int, typer.Argument(help="Endpoint id (webhooks list).")],
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Stop delivering to an endpoint (its delivery log stays)."""
    from netiquette.delivery.endpoints import remove_endpoint

    database, _ = _database(config, db)
    with database.session() as session:
        endpoint = remove_endpoint(session, endpoint_id)
        out.print(f"webhook endpoint {endpoint.id} removed: {endpoint.url}")


@webhooks_app.command("secrets")
def webhooks_secrets(
    endpoint_id: Annotated[int, typer.Argument(help="Endpoint id (webhooks list).")],
    secret: Annotated[
        list[str], typer.Option("--secret", help="Every secret to sign with from now on.")
    ],
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Set an endpoint's secrets: rotate by adding the new next to the old, later drop the old."""
    from netiquette.delivery.endpoints import set_secrets

    database, _ = _database(config, db)
    with database.session() as session:
        endpoint = set_secrets(session, endpoint_id, secret)
        out.print(f"webhook endpoint {endpoint.id} signs with {len(endpoint.secrets)} secret(s)")


@webhooks_app.command("deliveries")
def webhooks_deliveries(
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 30,
    state: Annotated[str | None, typer.Option(help="Only pending, delivered or failed.")] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """The delivery log: newest deliveries with state, attempts and last error."""
    from netiquette.delivery import recent

    database, _ = _database(config, db)
    table = Table()
    for column in ("id", "endpoint", "event", "comment", "state", "attempts", "last", "error"):
        table.add_column(column)
    with database.session() as session:
        for d in recent(session, limit, state):
            table.add_row(
                str(d.id),
                str(d.endpoint_id),
                d.event,
                d.comment_id,
                d.state,
                str(d.attempts),
                str(d.last_status or ""),
                d.last_error[:80],
            )
    out.print(table)


@webhooks_app.command("replay")
def webhooks_replay(
    delivery_id: Annotated[int, typer.Argument(help="Delivery id (webhooks deliveries).")],
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Send a delivery again now, with the same idempotency id."""
    from netiquette.delivery import replay

    database, _ = _database(config, db)
    with database.session() as session:
        row = replay(session, delivery_id)
        out.print(f"delivery {row.id} ({row.event} of comment {row.comment_id}) queued again")


@webhooks_app.command("deliver")
def webhooks_deliver(db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Run delivery rounds until nothing is due (for cron, or without the serve loop)."""
    from netiquette.compat.fetch import parse_hosts
    from netiquette.delivery import Sender, deliver_due

    database, settings = _database(config, db)
    sender = Sender(
        database,
        timeout_s=settings.webhook_timeout_ms / 1000,
        allowed_hosts=parse_hosts(settings.webhook_allowed_hosts),
    )
    totals = [0, 0, 0]
    while True:
        result = deliver_due(database, sender, max_attempts=settings.webhook_max_attempts)
        totals = [
            totals[0] + result.delivered,
            totals[1] + result.retried,
            totals[2] + result.failed,
        ]
        if not result.attempted and not result.created:
            break
        if not result.delivered and not result.created:
            break  # only retries left: they come due later
    out.print(f"delivered {totals[0]}, to retry {totals[1]}, failed {totals[2]}")


SiteOpt = Annotated[str, typer.Option("--site", help="The site (as in train --site).")]


def _registry(config: Path | None, db: str | None, site: str) -> tuple[Any, Settings, Path]:
    from netiquette.learning.history import check_site

    check_site(site)
    database, settings = _database(config, db)
    _use_site_pipeline(settings)
    return database, settings, Path(settings.models_dir)


@models_app.command("list")
def models_list(site: SiteOpt, db: DbOpt = None, config: ConfigOpt = None) -> None:
    """The site's candidates (live and shadow marked) and the history of switches."""
    from netiquette.learning.registry import candidates, state

    database, _, models_dir = _registry(config, db, site)
    with database.session() as session:
        rows = candidates(session, site, models_dir)
        current = state(session, site)
        table = Table(title=f"site {site}: live {current.live or 'shipped'}")
        for column in ("version", "role", "trained", "examples", "held-back reject F1", "reads"):
            table.add_column(column, no_wrap=column in ("version", "trained"))
        for c in rows:
            f1 = "" if c.reject_f1 is None else f"{c.reject_f1:.3f}"
            reads = f"text + {c.release or 'shipped'} scores" if c.reads_shipped else "text"
            table.add_row(c.version, c.role, c.trained_at[:16], str(c.examples), f1, reads)
        out.print(table)
        for change in current.changes:
            out.print(
                f"{change.created_at:%Y-%m-%d %H:%M} {change.action} "
                f"{change.version or 'shipped'} by {change.actor}"
                + (" (forced)" if change.forced else ""),
                highlight=False,
            )
    if not rows:
        err.print(f"no candidate in {models_dir / site}; train one: netiquette train --site {site}")


@models_app.command("promote")
def models_promote(
    site: SiteOpt,
    version: Annotated[str | None, typer.Argument(help="The version (models list).")] = None,
    latest: Annotated[bool, typer.Option("--latest", help="The newest candidate.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Promote even when the guard finds it worse.")
    ] = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Make a candidate the site's live model; the guard compares it with the live one first."""
    from netiquette.learning.registry import LATEST, promote

    if (version is None) == (not latest):
        raise NetiquetteError("give a VERSION or --latest (one of them)", field="version")
    database, settings, models_dir = _registry(config, db, site)

    def shipped() -> Any:
        from netiquette.learning.features import scoring_pipeline
        from netiquette.learning.guard import pipeline_scorer

        return pipeline_scorer(scoring_pipeline())  # the site's pipeline (_registry), once

    with database.session() as session:
        done = promote(
            session,
            site,
            models_dir,
            version or LATEST,
            actor="cli:models",
            margin=settings.site_model_margin,
            shipped=shipped,
            force=force,
        )
    if done.comparison is not None:
        for f in done.comparison.figures:
            out.print(
                f"{f.name}: candidate {f.candidate:.3f}, live {f.live:.3f} (n={f.support})",
                highlight=False,
            )
    forced = " (forced past the guard)" if done.forced else ""
    err.print(f"site {site}: {done.version} is live{forced}; before: {done.previous or 'shipped'}")


@models_app.command("rollback")
def models_rollback(site: SiteOpt, db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Back to the model live before the current one, or to the shipped model."""
    from netiquette.learning.registry import rollback

    database, _, models_dir = _registry(config, db, site)
    with database.session() as session:
        left, now = rollback(session, site, actor="cli:models", models_dir=models_dir)
    err.print(f"site {site}: {left} rolled back; live now: {now or 'shipped'}")


@models_app.command("shadow")
def models_shadow(
    site: SiteOpt,
    version: Annotated[str | None, typer.Argument(help="The version (models list).")] = None,
    latest: Annotated[bool, typer.Option("--latest", help="The newest candidate.")] = False,
    off: Annotated[bool, typer.Option("--off", help="Stop the shadow run.")] = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Run a candidate beside the live model on new comments, deciding nothing."""
    from netiquette.learning.registry import LATEST, set_shadow

    if sum((version is not None, latest, off)) != 1:
        raise NetiquetteError("give a VERSION, --latest or --off (one of them)", field="version")
    database, _, models_dir = _registry(config, db, site)
    with database.session() as session:
        chosen = set_shadow(
            session, site, models_dir, None if off else (version or LATEST), actor="cli:models"
        )
    err.print(f"site {site}: " + (f"{chosen} runs in the shadow" if chosen else "shadow off"))


@app.command("settings")
def show_settings(config: ConfigOpt = None) -> None:
    """List every setting with its effective value and origin, then the effective policy."""
    from netiquette.screening.configured import site_pipeline

    settings = _settings(config)
    values = settings.public()
    table = Table()
    for column in ("setting", "value", "from", "environment", "help"):
        table.add_column(column)
    for s in SETTINGS:
        row = (s.name, str(values[s.name]), settings.origin(s.name), s.env_var, s.help)
        table.add_row(*map(escape, row))
    out.print(table)
    out.print(_policy_table(site_pipeline(settings).effective_policy()))


def _policy_table(policy: dict[str, Any]) -> Table:
    """The effective decision policy: switches with their source, thresholds per rule."""
    title = f"effective policy {policy['version']} ({policy['screening_config']})"
    table = Table(title=escape(title))
    for column in ("", "approve ≤", "reject ≥", "set by"):
        table.add_column(column)
    for switch, source in policy.get("sources", {}).items():
        table.add_row(switch, "on" if policy[switch] else "off", "", escape(source))
    for rule, t in policy.get("thresholds", {}).items():
        reject = t["reject_at_or_above"]
        table.add_row(
            rule,
            f"{t['approve_at_or_below']:.4f}",
            f"{reject:.4f}" if reject < 1.0 else "never",
            escape(t.get("source", "")),
        )
    return table


def _read_text(path: Path, option: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NetiquetteError(f"{option}: file {path} does not exist", field=option) from None
    except UnicodeDecodeError:
        raise NetiquetteError(f"{option}: file {path} is not UTF-8", field=option) from None


def main() -> None:
    """Entry point: any netiquette error becomes one readable line and a non-zero exit."""
    try:
        app()
    except NetiquetteError as exc:
        err.print(f"[red]error:[/] {exc.message}", highlight=False)
        raise SystemExit(2 if exc.status < 500 else 3) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
