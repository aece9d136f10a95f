"""What the coordinators' numbers are computed from: no text and no identity, only the facts of each request."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RequestFacts:
    center_id: int
    category: str
    status: str
    created_at: str
    taken_at: str | None
    resolved_at: str | None
    rating: int | None
