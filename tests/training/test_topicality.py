"""The off-topic model's training pairs: which comments may stand under another article."""

from __future__ import annotations

import pytest

from netiquette.training.topicality import generic


@pytest.mark.parametrize(
    "comment",
    [
        "Das wurde auch Zeit!",  # a reaction: on topic under any article
        "Genau so ist es.",
        "Das sehe ich wie mein Vorredner, der Artikel trifft es.",  # about the discussion
    ],
)
def test_a_reaction_or_a_word_about_the_discussion_makes_no_cross_pair(comment: str) -> None:
    assert generic(comment)


@pytest.mark.parametrize(
    "comment",
    [
        "Heute Abend gibt es Linsensuppe mit Würstchen.",
        "Bayern hat gestern gegen Dortmund gewonnen.",
        "Die Rentenversicherung braucht dringend mehr Geld vom Staat.",
    ],
)
def test_a_comment_with_a_subject_of_its_own_is_off_topic_elsewhere(comment: str) -> None:
    assert not generic(comment)
