"""The plugin manager, after Datasette's ``plugins.py``.

Plugins implement the hooks of :mod:`netiquette.hookspecs`. Installed packages register
through entry points in the ``netiquette`` group; code (and tests) may call ``pm.register``.
"""

from __future__ import annotations

import logging
from typing import Any

import pluggy

from netiquette import hookspecs

log = logging.getLogger(__name__)

pm = pluggy.PluginManager("netiquette")
pm.add_hookspecs(hookspecs)
pm.load_setuptools_entrypoints("netiquette")


def call_each(hook_name: str, **kwargs: Any) -> None:
    """Call every implementation of a notification hook on its own.

    One plugin's exception is logged and does not keep the others from hearing of the event:
    the database already committed it, and the outbox keeps it for anyone who missed it.
    """
    caller = getattr(pm.hook, hook_name)
    for impl in reversed(caller.get_hookimpls()):  # pluggy's order: last registered first
        try:
            impl.function(*(kwargs[name] for name in impl.argnames))
        except Exception:
            log.exception("plugin %s failed in %s", impl.plugin_name, hook_name)
