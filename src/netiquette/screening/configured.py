"""The screening pipeline an installation runs, from its settings.

Kept apart from :mod:`netiquette.app` so that commands which only screen (``netiquette screen``,
``eval``, ``settings``) do not import the web application: ``netiquette screen``'s start-up is
part of its measured throughput (``benchmarks/screen.py``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from netiquette.screening import Pipeline, load_pipeline
from netiquette.settings import Settings, switch_value

log = logging.getLogger(__name__)


def site_pipeline(settings: Settings) -> Pipeline:
    """The screening pipeline of this site: its config file decides the policy.

    The settings ``auto_approve`` / ``auto_reject`` override a switch only when set explicitly
    (``on`` / ``off``); the override is logged and shown with the effective policy.
    """
    config = Path(settings.screening_config) if settings.screening_config else None
    switches = {
        "auto_approve": switch_value(settings.auto_approve),
        "auto_reject": switch_value(settings.auto_reject),
    }
    pipeline = load_pipeline(config, **switches)
    for name, value in switches.items():
        if value is not None:
            origin = settings.origin(name)
            pipeline.policy_overrides[name] = (
                f"setting {name} = {'on' if value else 'off'} (from {origin})"
            )
            log.warning(
                "policy switch %s is %s by the setting (from %s), not by %s",
                name,
                "on" if value else "off",
                origin,
                pipeline.source,
            )
    return pipeline


__all__ = ["site_pipeline"]
