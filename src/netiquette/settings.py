"""Declared settings: each one once, with its default and help.

Values flow ``defaults < config file (TOML) < environment (NETIQUETTE_<NAME>) < CLI``. The
effective settings (secrets masked) are visible at ``GET /api/v1/settings`` and listed by
``netiquette settings``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netiquette.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Setting:
    """One declared setting."""

    name: str
    default: Any
    help: str
    secret: bool = False
    #: For a setting with a fixed set of values: the values allowed (``""`` = not set).
    choices: tuple[str, ...] = ()

    @property
    def env_var(self) -> str:
        """The environment variable that sets it."""
        return "NETIQUETTE_" + self.name.upper()


#: Values of an override switch: not set (the screening file decides), on, off.
SWITCH = ("", "on", "off")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})

SETTINGS: tuple[Setting, ...] = (
    Setting("database_url", "sqlite:///var/netiquette.db", "SQLAlchemy URL of the database"),
    Setting("host", "127.0.0.1", "Address the server listens on"),
    Setting("port", 8000, "Port the server listens on"),
    Setting("max_comment_chars", 10_000, "Longest comment text accepted, in characters"),
    Setting("max_article_chars", 2_000_000, "Largest article page accepted, in characters"),
    Setting("max_request_bytes", 8_000_000, "Largest request body accepted, in bytes (413 above)"),
    Setting("screening_config", "", "TOML file of the screening pipeline; empty = shipped default"),
    Setting(
        "screening_budget_ms",
        5000,
        "Longest a comment may take to be screened; past it a human decides",
    ),
    Setting("screening_workers", 2, "Threads that screen comments (bounds screening's CPU share)"),
    Setting(
        "screening_queue",
        "inline",
        "Where comments are screened: inline (in the request; the answer carries the decision) "
        "| workers (answer 202 at once; `netiquette worker` screens; SQLite: a thread of serve)",
        choices=("inline", "workers"),
    ),
    Setting(
        "screening_job_attempts",
        5,
        "Attempts per screening job before the comment goes to the human queue",
    ),
    Setting(
        "screening_job_lease_seconds",
        60,
        "How long a worker holds a screening job; a dead worker's job is taken again after it",
    ),
    Setting(
        "worker_nice",
        10,
        "Scheduling niceness `netiquette worker` adds to itself (0-19): on a machine shared "
        "with app servers, accepting comments comes before screening them",
    ),
    Setting(
        "worker_yield_above",
        0,
        "Comments per second above which workers stop taking screening jobs (0 = never): "
        "for workers on the app servers' cores, so a burst of acceptances keeps its latency; "
        "the backlog drains after the burst",
    ),
    Setting(
        "worker_yield_max_seconds",
        300,
        "Longest pause of worker_yield_above in a row; a longer burst is screened as it comes",
    ),
    Setting(
        "auto_approve",
        "",
        "Override [policy] auto_approve of the screening file: on | off; empty = as the file says",
        choices=SWITCH,
    ),
    Setting(
        "auto_reject",
        "",
        "Override [policy] auto_reject of the screening file: on | off; empty = as the file says",
        choices=SWITCH,
    ),
    Setting("token_ttl_seconds", 12 * 3600, "Lifetime of a moderator login token"),
    Setting(
        "default_wait_seconds",
        60,
        "Seconds one moderator needs per held comment, until decisions have been observed",
    ),
    Setting("team_size", 2, "Moderators on shift during staffing hours (for wait estimates)"),
    Setting("page_size", 50, "Default page size of comment lists"),
    Setting("admin_password", "", "If set at start, creates or refreshes user 'admin'", True),
    Setting("api_key", "", "If set at start, creates or refreshes the CMS API key", True),
    Setting("public_base_url", "", "Base URL used in status links; empty = from the request"),
    Setting("coral_signing_secret", "", "Coral's signing secret; empty = Coral phase off", True),
    Setting("coral_time_budget_ms", 1000, "Time for a Coral answer; then SYSTEM_WITHHELD"),
    Setting("coral_auto_approve", True, "Answer Coral APPROVED for approved comments; off = 204"),
    Setting("article_fetch_timeout_ms", 3000, "Longest fetch of an article page from story.url"),
    Setting("article_fetch_max_bytes", 2_000_000, "Largest article page fetched, in bytes"),
    Setting(
        "article_fetch_hosts",
        "",
        "Hosts (host or host:port) article pages may be fetched from; empty = any",
    ),
    Setting(
        "staffing_hours", "06:00-23:00", "When moderators work, e.g. '06:00-23:00'; empty = always"
    ),
    Setting("timezone", "Europe/Berlin", "Time zone of staffing hours and of every time shown"),
    Setting(
        "retention_rejected_days", 190, "Days after which texts of rejected comments are deleted"
    ),
    Setting("appeal_days", 183, "Days after a rejection in which the commenter may appeal"),
    Setting(
        "site_auto_precision",
        0.95,
        "Site models: agreement with the moderators their automatic decisions must reach",
    ),
    Setting(
        "site_recalibration_window",
        2000,
        "Site models: recalibrate thresholds on the site's latest this many decisions",
    ),
    Setting("site_drift_psi", 0.2, "Drift report: flag a week whose score PSI exceeds this"),
    Setting(
        "site_drift_rate",
        0.1,
        "Drift report: flag a week whose rejection rate moves by more than this (absolute)",
    ),
    Setting("house_rules_url", "", "Published house rules; cited in statements of reasons"),
    Setting(
        "sor_puid_prefix", "netiquette", "Prefix of statement ids (puid) sent to the EU database"
    ),
    Setting("sor_territorial_scope", "DE", "Countries a rejection applies to, e.g. 'DE,AT'"),
    Setting("smtp_host", "", "SMTP server for notification e-mails; empty = no e-mails"),
    Setting("smtp_port", 25, "Port of the SMTP server"),
    Setting("smtp_username", "", "SMTP login; empty = none"),
    Setting("smtp_password", "", "SMTP password", True),
    Setting("smtp_starttls", False, "Upgrade the SMTP connection with STARTTLS"),
    Setting("mail_from", "netiquette@localhost", "Sender address of notification e-mails"),
    Setting("demo_pages", False, "Serve /demo/articles/{id} (any article's text); on in make run"),
    Setting(
        "trusted_proxies",
        "",
        "Addresses of reverse proxies whose X-Forwarded-For is believed; empty = none",
    ),
    Setting("login_attempts_per_minute", 10, "Logins per client address and minute; 0 = no limit"),
    Setting(
        "public_posts_per_minute",
        20,
        "Reader posts (embed, demo, reports, appeals) per client address and minute; 0 = no limit",
    ),
    Setting(
        "api_key_comments_per_minute",
        60_000,
        "Comments (and Perspective calls) one API key may send per minute; 0 = no limit",
    ),
    Setting(
        "author_comments_per_minute",
        30,
        "Comments one author id may send per minute (CMS, embed, Coral); 0 = no limit",
    ),
    Setting(
        "rate_limit_store",
        "database",
        "Where rate limits count: 'database' (one count for all processes) or 'process-memory' "
        "(each process alone: N processes allow N times the limits)",
        choices=("database", "process-memory"),
    ),
    Setting("webhook_url", "", "A CMS URL that receives every decision event (more: webhooks add)"),
    Setting(
        "webhook_secrets", "", "Signing secrets of webhook_url, comma-separated (rotation)", True
    ),
    Setting(
        "webhook_allowed_hosts",
        "",
        "Webhook hosts allowed to resolve to internal addresses (exact names or IPs)",
    ),
    Setting("webhook_timeout_ms", 5000, "Longest wait for a webhook receiver's answer"),
    Setting("webhook_max_attempts", 12, "Attempts per webhook delivery before it is 'failed'"),
    Setting("delivery_loop", True, "Deliver webhooks from a background thread in serve"),
    Setting("coral_api_url", "", "Coral's GraphQL URL (https://coral.example/api/graphql)"),
    Setting("coral_access_token", "", "Coral admin access token for pushing decisions", True),
    Setting("coral_webhook_secret", "", "Signing secret of Coral's webhooks to netiquette", True),
    Setting("log_format", "text", "Log lines as 'text' or 'json' (one JSON object per line)"),
    Setting("shutdown_grace_seconds", 30, "Time in-flight work gets to finish on shutdown"),
    Setting("site", "default", "This installation's site: its promoted model screens comments"),
    Setting("models_dir", "var/models", "Directory of the site models (<site>/<version>/)"),
    Setting(
        "site_model_margin",
        0.02,
        "Promotion guard: refuse a candidate worse than the live model by more than this",
    ),
    Setting(
        "site_model_check_seconds",
        10,
        "How often a server looks for a promotion or rollback (then loads the model aside)",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def redact_url(url: str) -> str:
    """A URL with its password replaced by ``***`` (for logs and the settings endpoint)."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user, colon, _password = credentials.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}@{host}"


def _coerce(setting: Setting, value: Any, origin: str) -> Any:
    """Convert ``value`` to the type of the setting's default; ConfigError naming it if not."""
    if setting.choices:
        return _choice(setting, value, origin)
    kind = type(setting.default)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if kind is bool:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
        elif kind is int:
            try:
                return int(text)
            except ValueError:
                pass
        elif kind is float:
            try:
                return float(text)
            except ValueError:
                pass
    raise ConfigError(
        f"setting {setting.name!r} from {origin} must be {kind.__name__}, got {value!r}",
        field=setting.name,
    )


def _choice(setting: Setting, value: Any, origin: str) -> str:
    """One of ``setting.choices``; an on/off switch also takes booleans and yes/no/1/0."""
    if isinstance(value, bool):
        text = "on" if value else "off"
    elif isinstance(value, str):
        text = value.strip().lower()
        if setting.choices == SWITCH:
            text = "on" if text in _TRUE else "off" if text in _FALSE else text
    else:
        text = repr(value)
    if text not in setting.choices:
        allowed = " | ".join(c or '""' for c in setting.choices)
        raise ConfigError(
            f"setting {setting.name!r} from {origin} must be one of {allowed}, got {value!r}",
            field=setting.name,
        )
    return text


def switch_value(value: str) -> bool | None:
    """An override switch as a boolean: ``"on"`` True, ``"off"`` False, ``""`` None (not set)."""
    return {"on": True, "off": False}.get(value)


class Settings:
    """The effective settings of one netiquette instance.

    Every declared setting is a typed attribute (a test keeps these annotations and
    :data:`SETTINGS` in step), so a misspelt name or a wrong type is a mypy error, not ``Any``.
    """

    database_url: str
    host: str
    port: int
    max_comment_chars: int
    max_article_chars: int
    max_request_bytes: int
    screening_config: str
    screening_budget_ms: int
    trusted_proxies: str
    screening_workers: int
    screening_queue: str
    screening_job_attempts: int
    screening_job_lease_seconds: int
    worker_nice: int
    worker_yield_above: int
    worker_yield_max_seconds: int
    auto_approve: str
    auto_reject: str
    token_ttl_seconds: int
    default_wait_seconds: int
    team_size: int
    page_size: int
    admin_password: str
    api_key: str
    public_base_url: str
    coral_signing_secret: str
    coral_time_budget_ms: int
    coral_auto_approve: bool
    article_fetch_timeout_ms: int
    article_fetch_max_bytes: int
    article_fetch_hosts: str
    staffing_hours: str
    timezone: str
    retention_rejected_days: int
    appeal_days: int
    site_auto_precision: float
    site_recalibration_window: int
    site_drift_psi: float
    site_drift_rate: float
    house_rules_url: str
    sor_puid_prefix: str
    sor_territorial_scope: str
    smtp_host: str
    smtp_port: int
    smtp_username: str
    smtp_password: str
    smtp_starttls: bool
    mail_from: str
    demo_pages: bool
    login_attempts_per_minute: int
    public_posts_per_minute: int
    api_key_comments_per_minute: int
    author_comments_per_minute: int
    rate_limit_store: str
    webhook_url: str
    webhook_secrets: str
    webhook_allowed_hosts: str
    webhook_timeout_ms: int
    webhook_max_attempts: int
    delivery_loop: bool
    coral_api_url: str
    coral_access_token: str
    coral_webhook_secret: str
    log_format: str
    shutdown_grace_seconds: int
    site: str
    models_dir: str
    site_model_margin: float
    site_model_check_seconds: int

    def __init__(self, values: Mapping[str, Any], origins: Mapping[str, str] | None = None) -> None:
        self._values: dict[str, str | int | float | bool] = dict(values)
        self._origins: dict[str, str] = dict(origins or {})
        for name, value in self._values.items():
            setattr(self, name, value)

    def origin(self, name: str) -> str:
        """Where the value of ``name`` came from: ``default``, a file, a variable, the CLI."""
        return self._origins.get(name, "default")

    def get(self, name: str) -> str | int | float | bool:
        """Value of one setting by name."""
        return self._values[name]

    def public(self) -> dict[str, Any]:
        """All settings with secrets masked, for the settings endpoint."""
        out: dict[str, Any] = {}
        for s in SETTINGS:
            value = self._values[s.name]
            out[s.name] = ("***" if value else "") if s.secret else value
        out["database_url"] = redact_url(str(out["database_url"]))
        return out

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed (validated like CLI values)."""
        values = dict(self._values)
        origins = dict(self._origins)
        for key, value in changes.items():
            if key not in _BY_NAME:
                raise ConfigError(f"unknown setting {key!r}", field=key)
            values[key] = _coerce(_BY_NAME[key], value, "code")
            origins[key] = "code"
        return Settings(values, origins)


def load_settings(
    config_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Build settings from defaults, an optional TOML file, the environment and overrides."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    origins: dict[str, str] = {}
    path = config_file or (Path(env["NETIQUETTE_CONFIG"]) if env.get("NETIQUETTE_CONFIG") else None)
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file {path} does not exist", field="config") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"config file {path} is not valid TOML: {exc}", field="config"
            ) from None
        section = data.get("netiquette", data)
        for key, value in section.items():
            if key not in _BY_NAME:
                raise ConfigError(f"unknown setting {key!r} in {path}", field=key)
            values[key] = _coerce(_BY_NAME[key], value, str(path))
            origins[key] = str(path)
    for s in SETTINGS:
        if s.env_var in env:
            values[s.name] = _coerce(s, env[s.env_var], s.env_var)
            origins[s.name] = s.env_var
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key not in _BY_NAME:
            raise ConfigError(f"unknown setting {key!r}", field=key)
        values[key] = _coerce(_BY_NAME[key], value, "the command line")
        origins[key] = "the command line"
    return Settings(values, origins)
