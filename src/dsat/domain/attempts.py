"""Attempts and their responses as the services hand them around."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

AttemptStatus = Literal["in_progress", "submitted", "expired"]
ScopeKind = Literal["competency", "area", "full"]
Mode = Literal["fixed", "adaptive"]
Feedback = Literal["practice", "assessment"]


class Candidate(BaseModel):
    model_config = ConfigDict(frozen=True)
    employee_id: str
    full_name: str
    unit: str


class Attempt(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    employee_id: str
    scope_kind: ScopeKind
    scope_id: str
    form_seed: int
    lang: str
    started_at: datetime
    deadline: datetime
    submitted_at: datetime | None = None
    status: AttemptStatus
    position: int = 0
    mode: Mode = "fixed"
    feedback: Feedback = "practice"
    origin: str = "app"
    superseded_by: str | None = None


class Response(BaseModel):
    model_config = ConfigDict(frozen=True)
    attempt_id: str
    position: int
    item_id: str
    item_version: int
    competency_id: str
    order: tuple[int, ...] | None
    answer: Any = None
    answered_at: datetime | None = None
    flagged: bool = False
    score: float | None = None
    max_score: float | None = None
    pretest: bool = False  # shown to gather calibration data, not scored
    variant: int | None = None  # generated tasks: the seed their content is built from
