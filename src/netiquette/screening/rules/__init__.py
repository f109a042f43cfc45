"""The built-in house-rule components, one module per rule.

Importing this package registers them (like Datasette's ``DEFAULT_PLUGINS``): the pipeline uses the
same registry for its own components as for third-party ones.
"""

from __future__ import annotations

from netiquette.screening.rules import ad_link, insult, placeholder

BUILTIN_MODULES = (ad_link, insult, placeholder)

__all__ = ["BUILTIN_MODULES"]
