from __future__ import annotations

import numpy as np

from netiquette.training.rule_scores import policy_thresholds, replay_off_topic, replay_text_rule

ZONES = {"reject_at": 0.9, "approve_below": 0.1, "flag_at": 0.4}


def test_insult_replay_lifts_lexicon_hits_and_caps_the_rest() -> None:
    texts = ["Du Vollidiot!", "Der Haushalt wurde gestern beschlossen."]
    # the classifier alone flags from flag_at + 0.3 * (reject_at - flag_at) = 0.55
    scores = replay_text_rule("insult", texts + texts[1:], np.array([0.2, 0.5, 0.6]), ZONES)
    assert scores[0] >= 0.9  # clear lexicon hit: reject zone
    assert scores[1] < 0.4  # no insult word, classifier below its own point: held below flag_at
    assert scores[2] == 0.6  # no insult word, classifier past its point: its probability


def test_off_topic_replay_halves_article_references() -> None:
    out = replay_off_topic(["Danke für den Artikel.", "Morgen regnet es."], np.array([0.8, 0.8]))
    assert out.tolist() == [0.4, 0.8]


def test_policy_thresholds_approve_value_is_an_observed_score() -> None:
    y = np.array([0] * 50 + [1] * 50)
    s = np.round(np.r_[np.linspace(0.0, 0.4, 50), np.linspace(0.6, 1.0, 50)], 4)
    th = policy_thresholds(y, s)
    assert th["approve_below"] in s.tolist()
    assert th["npv_at_approve"] >= 0.97 and th["precision_at_reject"] >= 0.95
