"""The built-in house-rule components, one module per rule.

Importing this package registers them (like Datasette's ``DEFAULT_PLUGINS``): the pipeline uses the
same registry for its own components as for third-party ones. The lexicon-only insult rule and the
placeholders stay registered for sites that want them.
"""

from __future__ import annotations

from netiquette.screening.rules import (
    ad_link,
    aggression,
    insinuation,
    insult,
    insult_model,
    off_topic,
    off_topic_context,
    patterns,
    placeholder,
)

BUILTIN_MODULES = (
    ad_link,
    aggression,
    insinuation,
    insult,
    insult_model,
    off_topic,
    off_topic_context,
    patterns,
    placeholder,
)

__all__ = ["BUILTIN_MODULES"]
