"""Queue priority by harm: threats first, off-topic last, oldest first within a level.

The decision policy gives every comment it sends to a human one of a few *harm levels* as its
queue priority (stored in ``comments.priority`` at screening time, so the work list is read in
index order, never sorted in Python). Within a level the queue is oldest first.

=================  =====  ===========================================================
level              value  when
=================  =====  ===========================================================
screening_failed    100   the pipeline raised: nobody knows what the comment says
threat               90   ``aggression`` flagged (threats, calls to violence, dehumanisation)
would_reject         70   another rule is in its reject zone (auto-reject is off)
flagged              50   another rule flagged it (insult, insinuation, ad_link)
in_doubt             30   a rule is in doubt, none flagged
held_clean           20   nothing against it; held because auto-approve is off
off_topic            10   only ``off_topic`` has something against it
=================  =====  ===========================================================

Off-topic comments harm nobody by waiting, so they come last, even after clean comments held
for a person. Readers' notices of illegal content (DSA Art. 16) concern published comments;
the queues put them before everything else (``review.queue``, ``review.queries``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from netiquette.screening.base import RuleResult

SCREENING_FAILED = 100
THREAT = 90
WOULD_REJECT = 70
FLAGGED = 50
IN_DOUBT = 30
HELD_CLEAN = 20
OFF_TOPIC = 10

#: Harm level names by value, highest first.
HARM_LEVELS: dict[int, str] = {
    SCREENING_FAILED: "screening_failed",
    THREAT: "threat",
    WOULD_REJECT: "would_reject",
    FLAGGED: "flagged",
    IN_DOUBT: "in_doubt",
    HELD_CLEAN: "held_clean",
    OFF_TOPIC: "off_topic",
}
#: The rule whose flag is a threat, and the rule whose signal alone is the least harm.
THREAT_RULE = "aggression"
LEAST_HARM_RULE = "off_topic"


def harm_priority(
    results: Mapping[str, RuleResult], rejecting: Collection[str], doubtful: Collection[str]
) -> int:
    """The harm level of a comment going to a human (see the module table)."""
    flagged = {rule for rule, r in results.items() if r.flag}
    if THREAT_RULE in flagged or THREAT_RULE in rejecting:
        return THREAT
    if any(rule != LEAST_HARM_RULE for rule in rejecting):
        return WOULD_REJECT
    if any(rule != LEAST_HARM_RULE for rule in flagged):
        return FLAGGED
    if any(rule != LEAST_HARM_RULE for rule in doubtful):
        return IN_DOUBT
    if LEAST_HARM_RULE in flagged or LEAST_HARM_RULE in rejecting or LEAST_HARM_RULE in doubtful:
        return OFF_TOPIC
    return HELD_CLEAN


def harm_name(priority: int) -> str:
    """The name of the harm level ``priority`` belongs to (the highest level not above it)."""
    for value, name in HARM_LEVELS.items():
        if priority >= value:
            return name
    return "none"


__all__ = [
    "FLAGGED",
    "HARM_LEVELS",
    "HELD_CLEAN",
    "IN_DOUBT",
    "OFF_TOPIC",
    "SCREENING_FAILED",
    "THREAT",
    "WOULD_REJECT",
    "harm_name",
    "harm_priority",
]
