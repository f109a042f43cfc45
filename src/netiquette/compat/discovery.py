"""The ``commentanalyzer`` v1alpha1 discovery document, pointing at this server.

Google's generated clients (``google-api-python-client``'s ``discovery.build``, the Node
``googleapis`` package) build their methods from a discovery document. Perspective ships none
with the Python client, so ``build("commentanalyzer", "v1alpha1", discoveryServiceUrl=...)``
needs one from the server. This one is written from the public facts of Google's document
(names, paths, schemas; see docs/switch-from-perspective.md) with our own descriptions, and
its ``rootUrl`` is the serving netiquette, so the client's requests come here.
"""

from __future__ import annotations

from typing import Any

API = "commentanalyzer"
VERSION = "v1alpha1"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": name}


def _schema(name: str, description: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"id": name, "type": "object", "description": description, "properties": properties}


_STRING = {"type": "string"}
_SCORE_TYPES = ["SCORE_TYPE_UNSPECIFIED", "PROBABILITY", "STD_DEV_SCORE", "PERCENTILE", "RAW"]

SCHEMAS: dict[str, Any] = {
    "AnalyzeCommentRequest": _schema(
        "AnalyzeCommentRequest",
        "A comment to score, with the attributes wanted.",
        {
            "clientToken": {**_STRING, "description": "Echoed back in the response."},
            "comment": {**_ref("TextEntry"), "description": "The comment (plain text)."},
            "communityId": {**_STRING, "description": "Not used by netiquette."},
            "context": {**_ref("Context"), "description": "The article (for OFF_TOPIC)."},
            "doNotStore": {"type": "boolean", "description": "netiquette never stores here."},
            "languages": {"type": "array", "items": _STRING, "description": "Only de."},
            "requestedAttributes": {
                "type": "object",
                "additionalProperties": _ref("AttributeParameters"),
                "description": "Attribute name to its parameters.",
            },
            "sessionId": {**_STRING, "description": "Not used by netiquette."},
            "spanAnnotations": {"type": "boolean", "description": "Scores per sentence."},
        },
    ),
    "AnalyzeCommentResponse": _schema(
        "AnalyzeCommentResponse",
        "The scores of the requested attributes.",
        {
            "attributeScores": {
                "type": "object",
                "additionalProperties": _ref("AttributeScores"),
                "description": "Attribute name to its scores.",
            },
            "clientToken": _STRING,
            "detectedLanguages": {"type": "array", "items": _STRING},
            "languages": {"type": "array", "items": _STRING},
        },
    ),
    "ArticleAndParentComment": _schema(
        "ArticleAndParentComment",
        "The article and the comment replied to.",
        {"article": _ref("TextEntry"), "parentComment": _ref("TextEntry")},
    ),
    "AttributeParameters": _schema(
        "AttributeParameters",
        "How one attribute is to be scored.",
        {
            "scoreThreshold": {"type": "number", "format": "float"},
            "scoreType": {**_STRING, "enum": _SCORE_TYPES},
        },
    ),
    "AttributeScores": _schema(
        "AttributeScores",
        "One attribute's score for the whole comment and per span.",
        {
            "spanScores": {"type": "array", "items": _ref("SpanScore")},
            "summaryScore": _ref("Score"),
        },
    ),
    "Context": _schema(
        "Context",
        "What the comment is about.",
        {
            "articleAndParentComment": _ref("ArticleAndParentComment"),
            "entries": {"type": "array", "items": _ref("TextEntry")},
        },
    ),
    "Score": _schema(
        "Score",
        "A score and its kind.",
        {
            "type": {**_STRING, "enum": _SCORE_TYPES},
            "value": {"type": "number", "format": "float"},
        },
    ),
    "SpanScore": _schema(
        "SpanScore",
        "A score for text[begin:end], offsets in UTF-16 code units.",
        {
            "begin": {"type": "integer", "format": "int32"},
            "end": {"type": "integer", "format": "int32"},
            "score": _ref("Score"),
        },
    ),
    "SuggestCommentScoreRequest": _schema(
        "SuggestCommentScoreRequest",
        "A moderator's verdict on a comment, kept for retraining.",
        {
            "attributeScores": {"type": "object", "additionalProperties": _ref("AttributeScores")},
            "clientToken": _STRING,
            "comment": _ref("TextEntry"),
            "communityId": _STRING,
            "context": _ref("Context"),
            "languages": {"type": "array", "items": _STRING},
            "sessionId": _STRING,
        },
    ),
    "SuggestCommentScoreResponse": _schema(
        "SuggestCommentScoreResponse",
        "Acknowledges a suggestion.",
        {
            "clientToken": _STRING,
            "detectedLanguages": {"type": "array", "items": _STRING},
            "requestedLanguages": {"type": "array", "items": _STRING},
        },
    ),
    "TextEntry": _schema(
        "TextEntry",
        "A piece of text.",
        {
            "text": _STRING,
            "type": {**_STRING, "enum": ["TEXT_TYPE_UNSPECIFIED", "PLAIN_TEXT", "HTML"]},
        },
    ),
}


def _query(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "location": "query", "description": description, **extra}


PARAMETERS: dict[str, Any] = {
    "key": _query("A netiquette CMS API key."),
    "access_token": _query("OAuth access token (not used by netiquette)."),
    "alt": _query("Response format.", default="json", enum=["json"]),
    "callback": _query("JSONP callback (not used)."),
    "fields": _query("Fields to include in the response (not used)."),
    "oauth_token": _query("OAuth 2.0 token (not used)."),
    "prettyPrint": {
        "type": "boolean",
        "location": "query",
        "default": "true",
        "description": "Pretty-print the response.",
    },
    "quotaUser": _query("Quota user (not used)."),
    "upload_protocol": _query("Upload protocol (not used)."),
    "uploadType": _query("Upload type (not used)."),
    "$.xgafv": _query("Error format version.", enum=["1", "2"]),
}


def _method(name: str, request: str, response: str, description: str) -> dict[str, Any]:
    path = f"{VERSION}/comments:{name}"
    return {
        "id": f"{API}.comments.{name}",
        "httpMethod": "POST",
        "path": path,
        "flatPath": path,
        "parameters": {},
        "parameterOrder": [],
        "request": _ref(request),
        "response": _ref(response),
        "description": description,
    }


def discovery_document(root_url: str) -> dict[str, Any]:
    """The v1alpha1 document with ``rootUrl`` = ``root_url`` (ending in ``/``)."""
    root = root_url if root_url.endswith("/") else root_url + "/"
    return {
        "kind": "discovery#restDescription",
        "discoveryVersion": "v1",
        "id": f"{API}:{VERSION}",
        "name": API,
        "version": VERSION,
        "revision": "netiquette",
        "title": "Perspective Comment Analyzer API (served by netiquette)",
        "description": "Scores German comments for the Perspective attributes, computed from "
        "netiquette's house rules, on the newsroom's own server.",
        "ownerDomain": "netiquette",
        "ownerName": "netiquette",
        "documentationLink": f"{root}docs",
        "protocol": "rest",
        "rootUrl": root,
        "servicePath": "",
        "basePath": "",
        "baseUrl": root,
        "batchPath": "batch",
        "parameters": PARAMETERS,
        "resources": {
            "comments": {
                "methods": {
                    "analyze": _method(
                        "analyze",
                        "AnalyzeCommentRequest",
                        "AnalyzeCommentResponse",
                        "Scores a comment for the requested attributes. Stores nothing.",
                    ),
                    "suggestscore": _method(
                        "suggestscore",
                        "SuggestCommentScoreRequest",
                        "SuggestCommentScoreResponse",
                        "Keeps a moderator's verdict on a comment as a labelled example.",
                    ),
                }
            }
        },
        "schemas": SCHEMAS,
    }


__all__ = ["API", "VERSION", "discovery_document"]
