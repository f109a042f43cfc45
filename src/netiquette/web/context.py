"""What every request handler needs: settings, database, pipeline, intake — and who is calling."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from netiquette.accounts import Principal, authenticate, remembered_key
from netiquette.errors import AuthError, ForbiddenError
from netiquette.review.intake import Intake
from netiquette.screening import Pipeline
from netiquette.screening.houserules import HouseRules, shipped_house_rules
from netiquette.settings import Settings
from netiquette.store.db import Database
from netiquette.store.ratelimits import RateCounter


@dataclass
class AppContext:
    """The long-lived objects of one app instance."""

    settings: Settings
    db: Database
    pipeline: Pipeline
    intake: Intake
    #: The site's house rules, built with the pipeline at start-up (the one object every
    #: part that speaks about rules is handed).
    house_rules: HouseRules = field(default_factory=shipped_house_rules)
    #: Where the rate limits count (setting ``rate_limit_store``); built on first use.
    rate_counter: RateCounter | None = None
    #: The site's live and shadow models beside the shipped pipeline (learning.site_screening).
    site_models: Any = None


def get_context(request: Request) -> AppContext:
    """The app's context object."""
    ctx: AppContext = request.app.state.ctx
    return ctx


# The dependencies that only look at what the request or an earlier dependency holds are
# ``async def``: FastAPI runs a plain ``def`` dependency in a worker thread, a hand-off to a
# thread and back for an attribute read.


async def context(request: Request) -> AppContext:
    """:func:`get_context` as a dependency."""
    return get_context(request)


Ctx = Annotated[AppContext, Depends(context)]


def get_session(ctx: Ctx) -> Iterator[Session]:
    """A session in one transaction for the request."""
    with ctx.db.session() as session:
        yield session


DbSession = Annotated[Session, Depends(get_session)]


def _credential(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise AuthError(
            "send 'Authorization: Bearer <API key or login token>'", field="Authorization"
        )
    return value.strip()


def _authenticate(ctx: AppContext, credential: str) -> Principal:
    with ctx.db.session() as session:
        return authenticate(session, credential)


async def principal(request: Request, ctx: Ctx) -> Principal:
    """Who is calling, from the bearer credential.

    A CMS key verified moments ago is answered from memory on the event loop; anything else
    reads the database in a thread (a hand-off per request cost about a tenth of a busy app
    process's time when every request took one).
    """
    credential = _credential(request)
    remembered = remembered_key(credential, id(ctx.db.engine))
    if remembered is not None:  # only verified keys are remembered: nothing to check again
        return remembered
    return await run_in_threadpool(_authenticate, ctx, credential)


Caller = Annotated[Principal, Depends(principal)]


async def moderator(caller: Caller) -> Principal:
    """Only moderators and admins pass."""
    if not caller.is_moderator:
        raise ForbiddenError("this needs a moderator login, not an API key", field="Authorization")
    return caller


async def cms(caller: Caller) -> Principal:
    """CMS keys and admins pass."""
    if caller.kind not in ("cms", "admin"):
        raise ForbiddenError("this needs a CMS API key", field="Authorization")
    return caller


async def admin(caller: Caller) -> Principal:
    """Only admins pass."""
    if caller.kind != "admin":
        raise ForbiddenError("this needs an admin login", field="Authorization")
    return caller


Moderator = Annotated[Principal, Depends(moderator)]
Cms = Annotated[Principal, Depends(cms)]
Admin = Annotated[Principal, Depends(admin)]
