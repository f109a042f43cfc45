"""The DSA Transparency Database's statement form as a JSON Schema, and a small validator.

:data:`SCHEMA` is standard JSON Schema (draft 2020-12), written from the database's submission
rules (``StatementStoreRequest.php``); any validator can check our exports against it. We do not
depend on one: :func:`validate` implements the keywords the schema uses and nothing more.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

VISIBILITY = [
    "DECISION_VISIBILITY_CONTENT_REMOVED",
    "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
]
GROUNDS = ["DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"]
CONTENT_TYPES = [
    "CONTENT_TYPE_TEXT",
    "CONTENT_TYPE_APP",
    "CONTENT_TYPE_AUDIO",
    "CONTENT_TYPE_IMAGE",
    "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA",
    "CONTENT_TYPE_VIDEO",
    "CONTENT_TYPE_OTHER",
]
CATEGORIES = [
    "STATEMENT_CATEGORY_" + name
    for name in (
        "ANIMAL_WELFARE",
        "CONSUMER_INFORMATION",
        "CYBER_VIOLENCE",
        "CYBER_VIOLENCE_AGAINST_WOMEN",
        "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "ILLEGAL_OR_HARMFUL_SPEECH",
        "INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        "NOT_SPECIFIED_NOTICE",
        "OTHER_VIOLATION_TC",
        "PROTECTION_OF_MINORS",
        "RISK_FOR_PUBLIC_SECURITY",
        "SCAMS_AND_FRAUD",
        "SELF_HARM",
        "UNSAFE_AND_PROHIBITED_PRODUCTS",
        "VIOLENCE",
    )
]
SOURCES = [
    "SOURCE_ARTICLE_16",
    "SOURCE_TRUSTED_FLAGGER",
    "SOURCE_TYPE_OTHER_NOTIFICATION",
    "SOURCE_VOLUNTARY",
]
AUTOMATED_DECISION = [
    "AUTOMATED_DECISION_FULLY",
    "AUTOMATED_DECISION_PARTIALLY",
    "AUTOMATED_DECISION_NOT_AUTOMATED",
]


def _codes(text: str) -> list[str]:
    return text.split()


#: EU member states plus the EEA countries Iceland, Liechtenstein and Norway.
EEA = _codes(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK IS LI NO"
)
ISO_639_1 = _codes(
    "AA AB AE AF AK AM AN AR AS AV AY AZ BA BE BG BI BM BN BO BR BS CA CE CH CO CR CS CU CV CY "
    "DA DE DV DZ EE EL EN EO ES ET EU FA FF FI FJ FO FR FY GA GD GL GN GU GV HA HE HI HO HR HT "
    "HU HY HZ IA ID IE IG II IK IO IS IT IU JA JV KA KG KI KJ KK KL KM KN KO KR KS KU KV KW KY "
    "LA LB LG LI LN LO LT LU LV MG MH MI MK ML MN MR MS MT MY NA NB ND NE NG NL NN NO NR NV NY "
    "OC OJ OM OR OS PA PI PL PS PT QU RM RN RO RU RW SA SC SD SE SG SI SK SL SM SN SO SQ SR SS "
    "ST SU SV SW TA TE TG TH TI TK TL TN TO TR TS TT TW TY UG UK UR UZ VE VI VO WA WO XH YI YO "
    "ZA ZH ZU"
)

# Dates as the database accepts them: content 2000-01-01…2038-01-01, application from 2020.
_CONTENT_DATE = r"^(?:20[0-2][0-9]|203[0-7])-\d{2}-\d{2}$|^2038-01-01$"
_APPLICATION_DATE = r"^(?:202[0-9]|203[0-7])-\d{2}-\d{2}$|^2038-01-01$"
_END_DATE = r"^(?:[01][0-9]{3}|20[0-2][0-9]|203[0-7])-\d{2}-\d{2}$|^2038-01-01$"


def _text(limit: int) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": limit}


def _enum_list(values: list[str]) -> dict[str, Any]:
    return {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": values}}


def _required_when(field: str, value: str, required: list[str]) -> dict[str, Any]:
    return {
        "if": {"properties": {field: {"const": value}}, "required": [field]},
        "then": {"required": required},
    }


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://netiquette.invalid/schema/dsa-statement-of-reasons.json",
    "title": "DSA Transparency Database statement of reasons (as netiquette exports it)",
    "type": "object",
    "additionalProperties": False,
    "required": [
        "decision_ground",
        "content_type",
        "category",
        "content_date",
        "application_date",
        "decision_facts",
        "source_type",
        "automated_detection",
        "automated_decision",
        "puid",
    ],
    "anyOf": [
        {"required": ["decision_visibility"]},
        {"required": ["decision_monetary"]},
        {"required": ["decision_provision"]},
        {"required": ["decision_account"]},
    ],
    "properties": {
        "decision_visibility": _enum_list(VISIBILITY),
        "decision_visibility_other": _text(500),
        "decision_monetary": {"type": "string"},
        "decision_provision": {"type": "string"},
        "decision_account": {"type": "string"},
        "decision_ground": {"enum": GROUNDS},
        "decision_ground_reference_url": {
            "type": "string",
            "maxLength": 500,
            "pattern": r"^https?://\S+$",
        },
        "illegal_content_legal_ground": _text(500),
        "illegal_content_explanation": _text(2000),
        "incompatible_content_ground": _text(500),
        "incompatible_content_explanation": _text(2000),
        "incompatible_content_illegal": {"enum": ["Yes", "No"]},
        "content_type": _enum_list(CONTENT_TYPES),
        "content_type_other": _text(500),
        "category": {"enum": CATEGORIES},
        "category_addition": {
            "type": "array",
            "uniqueItems": True,
            "items": {"enum": CATEGORIES},
        },
        "content_date": {"type": "string", "format": "date", "pattern": _CONTENT_DATE},
        "application_date": {"type": "string", "format": "date", "pattern": _APPLICATION_DATE},
        "end_date_visibility_restriction": {
            "type": "string",
            "format": "date",
            "pattern": _END_DATE,
        },
        "decision_facts": _text(5000),
        "source_type": {"enum": SOURCES},
        "source_identity": _text(500),
        "automated_detection": {"enum": ["Yes", "No"]},
        "automated_decision": {"enum": AUTOMATED_DECISION},
        "puid": {"type": "string", "maxLength": 500, "pattern": r"^[a-zA-Z0-9_-]+$"},
        "territorial_scope": _enum_list(EEA),
        "content_language": {"enum": ISO_639_1},
    },
    "allOf": [
        _required_when(
            "decision_ground",
            "DECISION_GROUND_ILLEGAL_CONTENT",
            ["illegal_content_legal_ground", "illegal_content_explanation"],
        ),
        _required_when(
            "decision_ground",
            "DECISION_GROUND_INCOMPATIBLE_CONTENT",
            ["incompatible_content_ground", "incompatible_content_explanation"],
        ),
        # DECISION_VISIBILITY_OTHER needs its explanation.
        {
            "if": {
                "properties": {
                    "decision_visibility": {"contains": {"const": "DECISION_VISIBILITY_OTHER"}}
                },
                "required": ["decision_visibility"],
            },
            "then": {"required": ["decision_visibility_other"]},
        },
        # Own-initiative decisions name no notifier.
        {
            "if": {"properties": {"source_type": {"const": "SOURCE_VOLUNTARY"}}},
            "then": {"not": {"required": ["source_identity"]}},
        },
    ],
}
_TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
}


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None


def _errors(value: Any, schema: dict[str, Any], path: str) -> list[str]:
    """Every violation of ``schema`` by ``value``; ``path`` names where we are."""
    out: list[str] = []
    where = path or "statement"
    kind = schema.get("type")
    if kind is not None and not isinstance(value, _TYPES[kind]):
        return [f"{where} must be of type {kind}"]
    if "const" in schema and value != schema["const"]:
        out.append(f"{where} must be {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{where} must be one of the allowed values, not {value!r}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            out.append(f"{where} must not be empty")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            out.append(f"{where} is longer than {schema['maxLength']} characters")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            out.append(f"{where} does not match {schema['pattern']}")
        if schema.get("format") == "date" and not _is_date(value):
            out.append(f"{where} is not a date YYYY-MM-DD")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            out.append(f"{where} must not be empty")
        if schema.get("uniqueItems") and len(set(map(repr, value))) != len(value):
            out.append(f"{where} has repeated items")
        for i, item in enumerate(value):
            out += _errors(item, schema.get("items", {}), f"{where}[{i}]")
        if "contains" in schema and not any(
            not _errors(item, schema["contains"], where) for item in value
        ):
            out.append(f"{where} contains no matching item")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                out.append(f"{name} is required")
        props = schema.get("properties", {})
        for name, item in value.items():
            if name in props:
                out += _errors(item, props[name], name)
            elif schema.get("additionalProperties") is False:
                out.append(f"{name} is not a field of the statement")
    for sub in schema.get("allOf", []):
        out += _errors(value, sub, path)
    if "anyOf" in schema and all(_errors(value, sub, path) for sub in schema["anyOf"]):
        out.append(f"{where} matches none of the alternatives of {schema['anyOf']}")
    if "not" in schema and not _errors(value, schema["not"], path):
        out.append(f"{where} must not match {schema['not']}")
    if "if" in schema and not _errors(value, schema["if"], path):
        out += _errors(value, schema.get("then", {}), path)
    return out


def validate(statement: dict[str, Any], schema: dict[str, Any] | None = None) -> list[str]:
    """The reasons ``statement`` would be refused; an empty list means it is valid."""
    return _errors(statement, schema or SCHEMA, "")
