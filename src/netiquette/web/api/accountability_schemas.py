"""Request bodies of the accountability endpoints (appeals, reports, legal assessments)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _In(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class AppealBody(_In):
    """``POST /api/v1/public/comments/{id}/appeal``."""

    text: str = Field(max_length=20_000)
    token: str | None = Field(default=None, max_length=200)


class AppealDecisionBody(_In):
    """``POST /api/v1/appeals/{id}/decision``."""

    outcome: Literal["upheld", "reversed"]
    # Its length is checked with every decision note's limit (accountability.appeals).
    reason: str


class ReportBody(_In):
    """``POST /api/v1/comments/{id}/reports``."""

    reason: str = Field(min_length=1, max_length=50)
    explanation: str = Field(default="", max_length=2000)
    legal_ground: str = Field(default="", max_length=500)
    reader_id: str | None = Field(default=None, max_length=200)
    contact: str = Field(default="", max_length=500)


class IllegalBody(_In):
    """``POST /api/v1/comments/{id}/illegal``."""

    # Empty: the cited rules' default legal ground (their spec's legal_ground), if any.
    legal_ground: str = Field(default="", max_length=500)
    explanation: str = Field(default="", max_length=2000)
