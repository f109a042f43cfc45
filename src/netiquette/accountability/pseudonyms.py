"""Keyed pseudonyms of author ids, for the audit chain and for erased authors.

A plain sha256 of an author id is no pseudonym: anyone who can guess the id (a CMS user number,
an e-mail address) confirms it in a second. The audit chain, which can never be erased, and the
id an erased author's comments keep therefore carry an HMAC-SHA256 keyed by a random secret of
this installation. The secret lives in the database (``installation_secrets``), is made on
first use, and is never shown; whoever holds the database can still link events of one author,
which is what an auditor needs, and nobody without it can.

Imports nothing from the review layer, so :mod:`netiquette.review.intake` may use it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from netiquette.store.models import InstallationSecret, utcnow

PSEUDONYM_KEY = "audit_pseudonym"


def installation_key(session: Session, name: str = PSEUDONYM_KEY) -> bytes:
    """The installation's secret ``name``, created (32 random bytes) if it does not exist yet.

    Two processes creating it at once both end up with the one that was stored first.
    """
    value = session.scalar(select(InstallationSecret.value).where(InstallationSecret.name == name))
    if value is None:
        values = {"name": name, "value": secrets.token_hex(32), "created_at": utcnow()}
        dialect = session.get_bind().dialect.name
        stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(InstallationSecret)
        session.execute(stmt.values(**values).on_conflict_do_nothing(index_elements=["name"]))
        value = session.scalar(
            select(InstallationSecret.value).where(InstallationSecret.name == name)
        )
        assert value is not None
    return bytes.fromhex(value)


def keyed_digest(key: bytes, value: str) -> str:
    """HMAC-SHA256 of ``value`` under ``key``, hex."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def author_hmac(session: Session, author_id: str) -> str:
    """What stands for ``author_id`` in the audit chain (``details["author_hmac"]``)."""
    return keyed_digest(installation_key(session), author_id)
