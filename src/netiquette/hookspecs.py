"""The hooks netiquette calls, after Datasette's ``hookspecs.py``: one documented signature each.

A plugin is a module or object with functions marked ``@hookimpl`` of the same name; register
it with :data:`netiquette.plugins.pm` (or ship it as a package with an entry point in the
``netiquette`` group). Every hook here is described in ``docs/architecture.md`` (a test checks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pluggy import HookimplMarker, HookspecMarker

if TYPE_CHECKING:
    from netiquette.review.events import CommittedDecision

hookspec = HookspecMarker("netiquette")
hookimpl = HookimplMarker("netiquette")


@hookspec
def decision_committed(event: CommittedDecision) -> None:
    """A decision was committed: called once per decision, after its transaction committed.

    Never called for a decision that was rolled back. ``event`` is a frozen copy of the
    ``decision_events`` outbox row written in the decision's transaction; an exception raised
    here is logged and does not undo the decision nor stop the other plugins.
    """
