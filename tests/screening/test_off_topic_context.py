"""Off-topic v2–v4: a comment on the article's subject, actors, discussion or parent is on topic.

Texts here are written for these tests (not from any training or dev set). The article is a
pension bill; the football result under it is the issue's example of a real off-topic comment.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from netiquette.errors import ModelError
from netiquette.screening import ScreeningInput, load_pipeline
from netiquette.screening.models.embedding import DIM, ENCODER_ID
from netiquette.screening.registry import get_component
from netiquette.screening.rules.off_topic_context import (
    NAME_V2,
    NAME_V3,
    SHIPPED,
    OffTopicContextConfig,
    OffTopicContextRule,
)
from netiquette.screening.topicality import (
    INTERACTION_SCALE,
    TOPIC_FEATURES,
    TOPIC_FEATURES_V2,
    VECTOR_FEATURES,
    TopicalityModel,
    article_actors,
    article_places,
    article_roles,
    mentions_actor,
)

PENSIONS = (
    "Koalition einigt sich auf Rentenreform\n\n"
    "Die Bundesregierung will das Rentenniveau bis 2040 bei 48 Prozent sichern. Sozialministerin "
    "Katrin Hollmann (SPD) sprach von einem fairen Kompromiss; die FDP-Fraktion hatte lange eine "
    "Aktienrente verlangt. Die Beiträge steigen dafür bis 2032 auf 21 Prozent. Arbeitgeber "
    "warnen vor höheren Lohnnebenkosten, der Sozialverband begrüßt die Einigung. Hollmann will "
    "den Entwurf noch vor der Sommerpause in den Bundestag bringen."
)


@pytest.fixture(scope="module")
def rule() -> OffTopicContextRule:
    return OffTopicContextRule(OffTopicContextConfig())


def score(rule: OffTopicContextRule, text: str, parent: str | None = None) -> tuple[float, bool]:
    (result,) = rule.evaluate_many(
        [ScreeningInput(text, article_text=PENSIONS, parent_text=parent)]
    )
    assert result.score is not None
    return result.score, result.flag


def test_a_football_result_under_a_pension_article_is_off_topic(rule: OffTopicContextRule) -> None:
    _, flag = score(rule, "Bayern hat gestern 3:1 gegen Dortmund gewonnen, Kane traf doppelt.")
    assert flag
    # A less clear one is not flagged (the threshold is conservative) but not cleared either:
    # above the approve threshold, so a person sees it.
    value, _ = score(rule, "Union hat gestern 2:0 in Bremen gewonnen, was für ein Freistoßtor!")
    approve = load_pipeline().effective_policy()["thresholds"]["off_topic"]["approve_at_or_below"]
    assert value > approve


@pytest.mark.parametrize(
    "text",
    [
        "Mal sehen, wer da wieder mitverdient hat.",  # political remark, no shared word
        "Frau Hollmann hat das doch schon vor der Wahl versprochen.",  # an actor by name
        "Typisch Regierung, erst ankündigen und dann verschieben.",  # an actor by role
        "Das sehe ich genau wie mein Vorredner.",  # the discussion
        "Warum wurde mein Kommentar von gestern nicht freigeschaltet?",  # moderation
    ],
)
def test_subject_actors_and_discussion_are_on_topic(rule: OffTopicContextRule, text: str) -> None:
    _, flag = score(rule, text)
    assert not flag


def test_a_reply_counts_its_parent(rule: OffTopicContextRule) -> None:
    reply = "Stimmt, der Keeper war gestern überragend, zwei Elfmeter gehalten."
    parent = "Hat jemand das Pokalspiel gestern gesehen? Der Torwart hat zwei Elfmeter gehalten."
    alone, _ = score(rule, reply)
    as_reply, _ = score(rule, reply, parent)
    assert as_reply < alone


def test_without_an_article_the_rule_is_not_evaluated(rule: OffTopicContextRule) -> None:
    (result,) = rule.evaluate_many([ScreeningInput("Union hat 2:0 gewonnen.")])
    assert result.score is None and not result.flag


def test_actors_of_the_article() -> None:
    actors, roles = article_actors(PENSIONS), article_roles(PENSIONS)
    assert {"hollmann", "spd", "fdp"} <= actors
    assert "beiträge" not in actors  # an ordinary noun is not an actor
    assert mentions_actor("Die SPD knickt wieder ein.", actors, roles)
    assert mentions_actor("Der Bundestag wird das durchwinken.", actors, roles)
    assert not mentions_actor("Der Trainer muss gehen.", actors, roles)


def _bag_of_letters(texts: Sequence[str]) -> NDArray[np.float32]:
    """A stand-in sentence encoder: letter counts, L2-normalised."""
    out = np.zeros((len(texts), 26), dtype=np.float32)
    for i, text in enumerate(texts):
        for ch in text.lower():
            if "a" <= ch <= "z":
                out[i, ord(ch) - 97] += 1
    return np.asarray(out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9))


def test_any_sentence_embedding_function_fits() -> None:
    coef = np.zeros(len(TOPIC_FEATURES))
    coef[TOPIC_FEATURES.index("cos_best_paragraph")] = -4.0
    model = TopicalityModel(coef, 1.0, embed=_bag_of_letters)
    close, far = model.off_topic_many(["Rentenniveau und Beiträge", "xyz qqq"], PENSIONS)
    assert close is not None and far is not None and close < far
    assert TopicalityModel(coef, 1.0).off_topic_many(["egal"], None) == [None]


def test_shipped_pipeline_never_rejects_on_off_topic_alone() -> None:
    pipeline = load_pipeline(auto_reject=True)
    assert pipeline.rules["off_topic"].version == "context-v4"
    result = pipeline.screen(
        ScreeningInput("Heute Abend gibt es Linsensuppe mit Würstchen.", article_text=PENSIONS)
    )
    assert result.results["off_topic"].flag
    assert result.decision.outcome == "review"
    assert "off_topic" not in result.decision.rules or result.decision.outcome != "reject"


LOCAL = (
    "Talstadt streicht Zuschuss für das Hallenbad\n\n"
    "Der Stadtrat in Talstadt hat am Montag beschlossen, den Zuschuss für das Hallenbad ab 2027 "
    "zu streichen. Bürgermeisterin Petra Lindqvist verwies auf ein Defizit von 1,2 Millionen "
    "Euro. Der Schwimmverein Talstadt kündigte Protest an; Eltern sammeln in der Sitzung "
    "Unterschriften für den Erhalt des Bades. Nach Angaben der Verwaltung wird nun ein privater "
    "Betreiber gesucht."
)


def _features(texts: list[str], generation: int = 3) -> dict[str, list[float]]:
    names = TOPIC_FEATURES if generation >= 3 else TOPIC_FEATURES_V2
    model = TopicalityModel(np.zeros(len(names)), 0.0, generation=generation)
    rows = model.features_many(texts, LOCAL)
    return {name: [float(v) for v in rows[:, i]] for i, name in enumerate(names)}


def test_places_of_a_local_article() -> None:
    places = article_places(LOCAL, article_actors(LOCAL))
    # "in Talstadt" is a place; "in der Sitzung" and "nach Angaben" are not.
    assert places == {"talstadt"}


def test_the_town_alone_is_no_reference_to_a_local_article() -> None:
    texts = [
        "Kennt jemand einen guten Schlüsseldienst in Talstadt?",  # only the town
        "Frau Lindqvist in Talstadt hat das Bad auf dem Gewissen.",  # an actor besides the town
        "Das Hallenbad in Talstadt muss bleiben.",  # the subject besides the town
    ]
    v3, v2 = _features(texts), _features(texts, generation=2)
    assert v3["actor"][:2] == [0.0, 1.0]
    assert v3["long_shared_stems"][0] == 0.0 and v3["long_shared_stems"][2] >= 1.0
    # v2 counted the town as an actor and a shared stem, and has no aside feature.
    assert v2["actor"][0] == 1.0 and v2["long_shared_stems"][0] >= 1.0
    assert "aside" not in v2


@pytest.mark.parametrize(
    ("text", "aside"),
    [
        ("Kennt jemand einen guten Schlüsseldienst?", True),
        ("Wer verkauft ein gebrauchtes Lastenrad?", True),
        ("Und was ist eigentlich mit dem Funkloch an der B 27?", True),
        ("Über den Fluglärm schreibt ihr nie, dazu schreibt ihr nix!", True),
        ("Warum wird über die Wahl in Italien nicht berichtet?", True),
        ("OT: Der Sperrmüll kam heute wieder nicht.", True),
        ("Suche jemanden, der mir am Samstag beim Umzug hilft. Zahle in Pizza.", True),
        ("Biete zwei Karten für das Konzert am Freitag, gern per Antwort melden.", True),
        ("Ich suche im Artikel vergeblich nach den Kosten für das Bad.", False),
        ("Das Bad muss bleiben, die Kinder brauchen Schwimmunterricht.", False),
        ("Typisch Verwaltung, erst streichen und dann einen Betreiber suchen.", False),
    ],
)
def test_an_aside_is_a_feature(text: str, aside: bool) -> None:
    assert _features([text])["aside"] == [float(aside)]


@pytest.mark.parametrize(
    ("text", "other"),
    [
        (
            "Zum Artikel über die Ortsumfahrung: Die Umleitung kostet mich jeden Tag 20 Minuten.",
            True,
        ),
        ("Zum Bericht von gestern über den Kita-Neubau: Wann ist der endlich fertig?", True),
        ("Zum Artikel von heute Morgen: stimmt alles nicht.", True),
        ("Warum kann man beim Artikel über den Kreistag nicht kommentieren?", True),
        # The same opener about this article's own subject is a reference to it.
        ("Zum Artikel über das Hallenbad: Der Zuschuss muss bleiben.", False),
        ("Im Artikel steht doch, dass ein Betreiber gesucht wird.", False),
        ("Zum Bericht vom Stadtrat: Das Bad muss bleiben.", False),  # an actor, not a day
        ("Zu dem Artikel gestern über das Schützenfest: Glückwunsch an die Königin!", True),
        # The subject's nouns decide: "privat" is in the article, "Kiosk" and "Bahnhof" are not.
        ("Zum Bericht über den privaten Kiosk am Bahnhof: Endlich wieder Zeitungen!", True),
        ("Zum Artikel über den privaten Betreiber: Wer soll das denn sein?", False),
    ],
)
def test_a_comment_about_another_article_is_an_aside(text: str, other: bool) -> None:
    features = _features([text])
    assert features["aside"] == [float(other)]
    if other:  # neither a reference to this article nor to its discussion
        assert features["article_reference"] == [0.0] and features["discussion"] == [0.0]
    else:
        assert features["article_reference"] == [1.0]


def test_a_site_file_naming_v2_keeps_v2() -> None:
    rule = get_component(NAME_V2, "rule").build({}, section="rules.off_topic")
    assert isinstance(rule, OffTopicContextRule)
    assert rule.version == "context-v2"
    (result,) = rule.evaluate_many(
        [ScreeningInput("Heute Abend gibt es Linsensuppe mit Würstchen.", article_text=PENSIONS)]
    )
    assert result.score is not None and result.flag


def test_v4_reads_the_comment_vector_and_what_it_shares_with_the_article() -> None:
    named = len(TOPIC_FEATURES)
    model = TopicalityModel(np.zeros(named + 2 * 26), 0.0, embed=_bag_of_letters, generation=4)
    assert model.record_features == [*TOPIC_FEATURES, *VECTOR_FEATURES]
    text = "Rentenniveau und Beiträge"
    rows = model.features_many([text], PENSIONS)
    vector, article = _bag_of_letters([text])[0], _bag_of_letters([PENSIONS])[0]
    assert rows.shape == (1, named + 2 * 26)
    assert np.allclose(rows[0, named : named + 26], vector)
    assert np.allclose(rows[0, named + 26 :], INTERACTION_SCALE * vector * article)
    # the ten named columns are v3's, unchanged
    v3 = TopicalityModel(np.zeros(named), 0.0, embed=_bag_of_letters, generation=3)
    assert np.allclose(rows[0, :named], v3.features_many([text], PENSIONS)[0])
    # without an encoder v4 has only the named columns (the lexical calibration's)
    assert TopicalityModel(np.zeros(named), 0.0, generation=4).record_features == list(
        TOPIC_FEATURES
    )


def test_the_shipped_v4_calibration_weighs_every_column() -> None:
    records = json.loads(SHIPPED.read_text(encoding="utf-8"))
    use = records[ENCODER_ID]
    assert use["generation"] == 4
    assert use["features"] == [*TOPIC_FEATURES, *VECTOR_FEATURES]
    assert len(use["coef"]) == len(TOPIC_FEATURES) + 2 * DIM
    assert len(records["none"]["coef"]) == len(TOPIC_FEATURES)
    # v4's cross-validated ranking is recorded beside v3's features refitted on the same pairs
    report = use["report"]
    assert report["context"]["all_real"]["roc_auc"] > report["named_only"]["all_real"]["roc_auc"]


def test_a_calibration_that_does_not_fit_the_columns_is_refused(tmp_path: Path) -> None:
    records = json.loads(SHIPPED.read_text(encoding="utf-8"))
    for record in records.values():
        record["coef"] = record["coef"][:-1]
    broken = tmp_path / "off_topic.json"
    broken.write_text(json.dumps(records), encoding="utf-8")
    rule = OffTopicContextRule(OffTopicContextConfig(calibration=str(broken)))
    with pytest.raises(ModelError) as err:
        rule.evaluate_many([ScreeningInput("Die Rente reicht nicht.", article_text=PENSIONS)])
    assert err.value.code == "model_incomplete"


def test_a_site_file_naming_v3_keeps_v3() -> None:
    rule = get_component(NAME_V3, "rule").build({}, section="rules.off_topic")
    assert isinstance(rule, OffTopicContextRule)
    assert rule.version == "context-v3"
    text = "Heute Abend gibt es Linsensuppe mit Würstchen."
    (v3,) = rule.evaluate_many([ScreeningInput(text, article_text=PENSIONS)])
    (v4,) = OffTopicContextRule(OffTopicContextConfig()).evaluate_many(
        [ScreeningInput(text, article_text=PENSIONS)]
    )
    assert v3.flag and v4.flag
    assert v3.score != v4.score  # each scores with its own calibration


def test_a_comment_about_another_article_is_not_discounted_as_a_reference() -> None:
    """It names "Artikel", but another one: the rule flags it instead of halving its score as
    a comment about this article."""
    pipeline = load_pipeline()
    text = "Zu dem Artikel gestern über das Schützenfest: Die neue Königin hat es verdient!"
    result = pipeline.screen(ScreeningInput(text, article_text=LOCAL)).results["off_topic"]
    assert result.flag
    assert result.reason.startswith("no reference to the article")
    about_this = "Im Artikel fehlt, was der private Betreiber für das Hallenbad zahlen soll."
    kept = pipeline.screen(ScreeningInput(about_this, article_text=LOCAL)).results["off_topic"]
    assert not kept.flag


def test_an_article_is_encoded_once_for_the_comments_under_it() -> None:
    """Screening sends one comment at a time; the article's vector is kept, and the features
    are the same as when the comments come together."""
    calls: list[list[str]] = []

    def counting(texts: Sequence[str]) -> NDArray[np.float32]:
        calls.append(list(texts))
        return _bag_of_letters(texts)

    named = len(TOPIC_FEATURES)
    model = TopicalityModel(np.zeros(named + 2 * 26), 0.0, embed=counting, generation=4)
    comments = ["Rentenniveau und Beiträge", "Heute Abend gibt es Linsensuppe."]
    calls.clear()  # the subject areas are encoded when the model is built
    one_by_one = np.vstack([model.features_many([c], PENSIONS) for c in comments])
    assert [PENSIONS] in calls and calls.count([PENSIONS]) == 1
    fresh = TopicalityModel(np.zeros(named + 2 * 26), 0.0, embed=_bag_of_letters, generation=4)
    assert np.allclose(one_by_one, fresh.features_many(comments, PENSIONS))
    # a reply's context is its article and its parent, encoded together as before
    model.features_many(comments[:1], PENSIONS, "Die Rente reicht nicht.")
    assert calls[-1] == [PENSIONS, "Die Rente reicht nicht."]
