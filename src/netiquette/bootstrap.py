"""First-start credentials and the demo data set."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from netiquette.accounts import create_api_key, forget_api_keys, upsert_user
from netiquette.articles.schemas import ArticleBody
from netiquette.articles.store import upsert_article
from netiquette.errors import ConflictError
from netiquette.review.intake import Intake
from netiquette.review.schemas import CommentBody
from netiquette.settings import Settings
from netiquette.store.db import Database
from netiquette.store.models import ApiKey, Comment, User

CMS_KEY_NAME = "cms"


@dataclass(frozen=True, slots=True)
class Credentials:
    """Credentials created at this start, to be shown once (None where not created)."""

    admin_password: str | None
    api_key: str | None


def ensure_credentials(db: Database, settings: Settings, *, generate: bool) -> Credentials:
    """Create or refresh ``admin`` and the CMS key from settings, or generate them.

    With ``NETIQUETTE_ADMIN_PASSWORD`` / ``NETIQUETTE_API_KEY`` set, those are used (and not
    echoed). Otherwise, with ``generate``, a new random password and key are made: older keys
    of the same name are revoked so exactly one CMS key is valid.
    """
    # Several processes may start together on one database: the loser of the race to insert
    # ``admin`` or the key gets a unique violation, and simply does its work again as an update.
    for attempt in range(1, 6):
        try:
            return _ensure_credentials(db, settings, generate=generate)
        except IntegrityError:
            if attempt == 5:
                raise
    raise AssertionError("unreachable")


def _ensure_credentials(db: Database, settings: Settings, *, generate: bool) -> Credentials:
    password: str | None = None
    key: str | None = None
    with db.session() as session:
        if settings.admin_password:
            upsert_user(session, "admin", settings.admin_password, "admin")
        elif generate or session.scalar(select(User.id).limit(1)) is None:
            password = secrets.token_urlsafe(12)
            upsert_user(session, "admin", password, "admin")
        if settings.api_key:
            create_api_key(session, CMS_KEY_NAME, settings.api_key)
        elif generate or session.scalar(select(ApiKey.id).limit(1)) is None:
            session.execute(update(ApiKey).where(ApiKey.name == CMS_KEY_NAME).values(active=False))
            key = create_api_key(session, CMS_KEY_NAME)
    forget_api_keys()  # after the commit: no request reads the old row back in between
    return Credentials(password, key)


def load_demo(db: Database, intake: Intake, settings: Settings) -> tuple[str, int]:
    """Load the demo article and its sample comments (idempotent); returns (article id, new)."""
    from netiquette.demo import load_demo as read_demo

    article, comments = read_demo()
    with db.session() as session:
        upsert_article(
            session,
            ArticleBody.model_validate(article).to_article(),
            actor="system:demo",
            max_chars=settings.max_article_chars,
        )
        known = set(session.scalars(select(Comment.id).where(Comment.article_id == article["id"])))
    added = 0
    for raw in comments:
        if raw["id"] in known:
            continue
        try:
            new = CommentBody.model_validate(raw).to_new_comment()
            intake.submit(new, submitter="system:demo")
            added += 1
        except ConflictError:
            pass
    return article["id"], added
