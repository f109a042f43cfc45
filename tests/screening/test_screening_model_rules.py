"""The model-backed house rules: insult, aggression, insinuation, off_topic, and the pipeline."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netiquette.screening import Pipeline, ScreeningInput, load_pipeline
from netiquette.screening.base import RuleResult
from netiquette.screening.classifier import load_default_models
from netiquette.screening.registry import get_component
from netiquette.screening.rules.aggression import AggressionRule
from netiquette.screening.rules.insult_model import _SELF, _self_mockery

ARTICLE = (
    "Stadtrat beschließt neue Stadtbahnlinie 7\n\n"
    "Der Stadtrat von Nordheim hat am Dienstag den Bau der Stadtbahnlinie 7 beschlossen. Die "
    "Strecke soll die Innenstadt mit dem Neubaugebiet am Nordhang verbinden und 118 Millionen "
    "Euro kosten. Der Bund übernimmt einen großen Teil der Kosten.\n\n"
    "Die Opposition kritisiert die Kosten und verlangt eine Bürgerbefragung zur Stadtbahn. "
    "Die Bauarbeiten sollen im Frühjahr beginnen und vier Jahre dauern."
)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return load_pipeline(auto_reject=True)


def screen(pipeline: Pipeline, text: str, article: str | None = None) -> dict[str, RuleResult]:
    return pipeline.screen(ScreeningInput(text, article_text=article)).results


def assert_evidence_in_original(text: str, result: RuleResult) -> None:
    for span in result.evidence:
        assert text[span.start : span.end] == span.text
        assert span.rule == result.rule


@pytest.mark.parametrize(
    "text",
    [
        "Kein Schwein interessiert sich für die Kosten der Stadtbahn.",
        "Da haben wir noch einmal Schwein gehabt mit dem Wetter.",
        "Die neue Ticket-App ist wirklich idiotensicher.",
        "Wer andere „Idiot“ nennt, hat schon verloren.",
        "Dass Sie hier „Schlitzaugen“ schreiben, ist rassistisch und gehört gelöscht.",
        "Ich Depp hab das Abo erst gestern verlängert.",
    ],
)
def test_idioms_quotations_and_self_mockery_are_not_insults(pipeline: Pipeline, text: str) -> None:
    assert not screen(pipeline, text)["insult"].flag


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Der Bürgermeister ist ein Vollidiot.", "Vollidiot"),
        ("Was für ein I d i o t schreibt so etwas?", "I d i o t"),
        ("Nur Vollpf0sten glauben das.", "Vollpf0sten"),
        ("So ein A****loch!", "A****loch"),
        ("Sie sind ein alter Schw@chkopf.", "Schw@chkopf"),
    ],
)
def test_insults_and_obfuscations_are_flagged_with_evidence(
    pipeline: Pipeline, text: str, word: str
) -> None:
    result = screen(pipeline, text)["insult"]
    assert result.flag
    assert [s.text for s in result.evidence] == [word]
    assert_evidence_in_original(text, result)


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Wir wissen, wo du wohnst.", "Wir wissen, wo du wohnst"),
        ("Solche Leute gehören an die Wand gestellt.", "gehören an die Wand gestellt"),
        ("Die ganze Bande gehört ausgeräuchert!", "gehört ausgeräuchert"),
        ("Dem reiß ich den Kopf ab, wenn ich ihn treffe.", None),
        ("Euch kriegen wir noch, verlasst euch drauf.", "Euch kriegen wir noch"),
        ("Diese Leute sind doch Ungeziefer.", "sind doch Ungeziefer"),
        ("Man sollte die alle a u f h ä n g e n.", None),
    ],
)
def test_threats_and_dehumanisation_are_aggression(
    pipeline: Pipeline, text: str, evidence: str | None
) -> None:
    result = screen(pipeline, text)["aggression"]
    if evidence is None and text.startswith("Dem"):
        # "den Kopf ab" without "reißen" right after: at least a human must see it
        assert result.score is not None and result.score > 0.1
        return
    assert result.flag, text
    assert result.evidence
    assert_evidence_in_original(text, result)
    if evidence is not None:
        assert evidence in [s.text for s in result.evidence]


@pytest.mark.parametrize(
    "text",
    [
        "Die Stadtbahn ist zu teuer, ich bin dagegen.",
        "Niemand sollte Politiker an die Wand stellen wollen, auch wenn man wütend ist.",
        "WIEDER EIN GIPFEL, WIEDER NICHTS PASSIERT!!!",
        "Für Japan ist das Manöver direkt vor der Haustür.",
    ],
)
def test_criticism_negation_and_plain_shouting_are_not_flagged(
    pipeline: Pipeline, text: str
) -> None:
    assert not screen(pipeline, text)["aggression"].flag


def test_not_knowing_where_someone_lives_is_no_threat_formula(pipeline: Pipeline) -> None:
    rule = pipeline.rules["aggression"]
    assert isinstance(rule, AggressionRule)
    for text in (
        "Ich weiß nicht, wo Sie wohnen, aber hier zahlt man das.",
        "Wir wissen gar nicht, wo die leben.",
    ):
        assert [c.reason for c in rule.cues(text)] == [], text
    assert [c.reason for c in rule.cues("Ich weiß genau, wo Sie wohnen.")] == ["threat"]


def test_shouted_threat_at_the_reader_rejects(pipeline: Pipeline) -> None:
    text = "IHR WERDET EUCH NOCH WUNDERN!!! WIR RECHNEN MIT EUCH ALLEN AB!!!"
    result = pipeline.screen(ScreeningInput(text))
    assert result.results["aggression"].flag
    assert result.decision.outcome == "reject"
    assert "aggression" in result.decision.rules


def test_paid_by_is_an_insinuation_with_cue_evidence(pipeline: Pipeline) -> None:
    text = "Der Bürgermeister wird doch von Peking bezahlt, das weiß jeder."
    result = screen(pipeline, text)["insinuation"]
    assert result.flag
    assert any("bezahlt" in s.text for s in result.evidence)
    assert_evidence_in_original(text, result)


def test_a_factual_comment_is_no_insinuation(pipeline: Pipeline) -> None:
    assert not screen(pipeline, "Der Bund zahlt laut Artikel den Großteil der Kosten.")[
        "insinuation"
    ].flag


def test_off_topic_needs_an_article(pipeline: Pipeline) -> None:
    result = screen(pipeline, "Hat jemand ein Rezept für Pflaumenkuchen?")["off_topic"]
    assert result.score is None
    assert not result.flag


def test_unrelated_comment_is_off_topic_and_related_one_is_not(pipeline: Pipeline) -> None:
    text = "Hat jemand ein gutes Rezept für Pflaumenkuchen mit Streuseln? Meiner wird immer nass."
    off = screen(pipeline, text, ARTICLE)["off_topic"]
    assert off.flag
    assert [s.text for s in off.evidence] == [text]
    related = "Die Stadtbahnlinie 7 zum Nordhang ist überfällig, auch wenn 118 Millionen viel sind."
    assert not screen(pipeline, related, ARTICLE)["off_topic"].flag


def test_reply_is_related_through_its_parent(pipeline: Pipeline) -> None:
    parent = "Mein Pflaumenkuchen mit Streuseln wird immer nass, was mache ich falsch?"
    reply = "Den Pflaumenkuchen vorher mit Grieß bestreuen, dann bleiben die Streusel trocken."
    alone = pipeline.screen(ScreeningInput(reply, article_text=ARTICLE))
    threaded = pipeline.screen(ScreeningInput(reply, article_text=ARTICLE, parent_text=parent))
    assert threaded.scores["off_topic"] is not None and alone.scores["off_topic"] is not None
    assert threaded.scores["off_topic"] < alone.scores["off_topic"]


def test_vollidiot_is_rejected_citing_only_insult(pipeline: Pipeline) -> None:
    text = "Wer für diese Stadtbahn gestimmt hat, ist ein Vollidiot."
    result = pipeline.screen(ScreeningInput(text, article_text=ARTICLE))
    assert result.decision.outcome == "reject"
    assert result.decision.rules == ("insult",)
    assert [s.text for s in result.results["insult"].evidence] == ["Vollidiot"]


def test_clean_on_topic_comment_is_not_rejected(pipeline: Pipeline) -> None:
    text = (
        "Gut, dass die Linie 7 endlich kommt. 118 Millionen Euro sind viel, "
        "aber Nordheim braucht die Anbindung."
    )
    result = pipeline.screen(ScreeningInput(text, article_text=ARTICLE))
    assert result.decision.outcome != "reject"
    assert not any(result.flags.values())


def test_batch_matches_one_at_a_time(pipeline: Pipeline) -> None:
    texts = [
        "Du Vollidiot.",
        "Wir wissen, wo du wohnst.",
        "Die Stadtbahn ist überfällig.",
        "Wird doch von der Baulobby bezahlt, der Stadtrat.",
        "Kauft Uhren bei www.uhren-xy.com, nur 19,99 €!",
    ]
    items = [ScreeningInput(t, article_text=ARTICLE) for t in texts]
    batched = pipeline.screen_batch(items)
    single = [pipeline.screen(item) for item in items]
    assert [r.scores for r in batched] == [r.scores for r in single]
    assert [r.decision for r in batched] == [r.decision for r in single]
    assert pipeline.screen_batch([]) == []


def test_lexicon_and_placeholder_components_stay_registered() -> None:
    for name in (
        "netiquette.insult.lexicon.v1",
        "netiquette.insinuation.placeholder.v1",
        "netiquette.aggression.placeholder.v1",
        "netiquette.off_topic.placeholder.v1",
        "netiquette.policy.thresholds.v1",
    ):
        assert get_component(name).name == name


def test_policy_thresholds_come_from_the_model(pipeline: Pipeline) -> None:
    from netiquette.screening.classifier import load_default_models
    from netiquette.screening.policy import policy_calibration

    thresholds = load_default_models().thresholds
    config = pipeline.policy.config  # type: ignore[attr-defined]
    # insult's reject zone is the model's: the rule places clear lexicon evidence exactly there.
    assert config.reject_threshold("insult") == thresholds["insult"]["reject_at"]
    # Approve side: calibrated on article comments for this model version.
    calibration = policy_calibration()
    assert calibration is not None
    assert config.approve_threshold("aggression") == calibration["approve_thresholds"]["aggression"]
    assert config.reject_threshold("insinuation") == calibration["reject_thresholds"]["insinuation"]
    assert config.reject_threshold("ad_link") == 0.7


def test_policy_threshold_override_in_toml() -> None:
    policy = get_component("netiquette.policy.thresholds.v2").build(
        {"reject_thresholds": {"insult": 0.99}}, section="policy"
    )
    assert policy.config.reject_threshold("insult") == 0.99
    assert policy.config.reject_threshold("aggression") < 1.0  # still from the model


SELF_PIECES = [
    "ich", "Mich", "MIR", "mir", "dumme", "Blöder", "alter", "alte", "Idiot", " ", "  ", "\n",
    "\u00a0", "\u2003", "(", "„", "x", "ıch", "İCH", ".", "dummerer",
]  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(SELF_PIECES), max_size=14))
def test_self_mockery_reads_only_the_words_before_a_hit(pieces: list[str]) -> None:
    text = "".join(pieces)
    for start in range(len(text) + 1):
        assert _self_mockery(text, start) == (_SELF.search(text[:start]) is not None), start


def test_white_space_is_what_the_pattern_calls_white_space() -> None:
    # _self_mockery walks back over str.isspace(); the pattern's \s must be the same set.
    for code in range(0x110000):
        char = chr(code)
        assert (re.fullmatch(r"\s", char) is not None) == char.isspace(), hex(code)


CALM = (
    "Ich fahre seit zehn Jahren jeden Tag mit der Stadtbahn zur Arbeit und finde den Ausbau "
    "grundsätzlich richtig. Was mich stört, ist die Informationspolitik: Die Anwohner haben von "
    "der Sperrung aus der Zeitung erfahren, nicht von den Verkehrsbetrieben. Ein Ersatzverkehr "
    "mit zwei Bussen pro Stunde reicht nicht aus."
)
THREAT = "Und dem Baudezernenten hau ich eine rein, wenn ich ihn sehe."


def test_a_threat_in_the_last_sentence_of_a_long_calm_comment_is_flagged(
    pipeline: Pipeline,
) -> None:
    """Read whole, the calm sentences dilute the threat below the flag point; read sentence by
    sentence, the threat is what the moderator sees as evidence."""
    text = f"{CALM} {THREAT}"
    result = screen(pipeline, text, ARTICLE)["aggression"]
    assert result.flag
    assert [span.text for span in result.evidence] == [THREAT]
    assert_evidence_in_original(text, result)
    assert not screen(pipeline, CALM, ARTICLE)["aggression"].flag


def test_reading_sentence_by_sentence_is_a_rule_setting() -> None:
    """``sentence_point = 1.0`` in ``[rules.aggression]`` (or ``[rules.insult]``) switches it
    off: the comment is then held in doubt for a person, not flagged and not auto-approved."""
    text = f"{CALM} {THREAT}"
    component = get_component("netiquette.aggression.model.v1", "rule")
    assert component.build({}, section="rules.aggression").evaluate(ScreeningInput(text)).flag
    off = component.build({"sentence_point": 1.0}, section="rules.aggression")
    held = off.evaluate(ScreeningInput(text))
    approve_below = load_default_models().thresholds["aggression"]["approve_below"]
    assert not held.flag and held.score > approve_below
    insult = get_component("netiquette.insult.model.v1", "rule")
    assert insult.build({"sentence_point": 1.0}, section="rules.insult").config.sentence_point == 1
