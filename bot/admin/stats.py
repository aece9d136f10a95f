"""Coordinators' numbers: requests by center, category and status, and the median time to take and resolve."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from bot.admin.models import RequestFacts


@dataclass
class Summary:
    total: int = 0
    by_center: Counter[int] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    median_take_seconds: float | None = None
    median_resolve_seconds: float | None = None
    mean_rating: float | None = None


def _seconds(start: str, end: str | None) -> float | None:
    if end is None:
        return None
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def summarize(rows: list[RequestFacts]) -> Summary:
    """Spam is counted by status but never as help given: it is left out of the times and ratings."""
    summary = Summary(total=len(rows))
    takes, resolves, ratings = [], [], []
    for row in rows:
        summary.by_center[row.center_id] += 1
        summary.by_category[row.category] += 1
        summary.by_status[row.status] += 1
        if row.status == "spam":
            continue
        if (take := _seconds(row.created_at, row.taken_at)) is not None:
            takes.append(take)
        if row.status == "resolved" and (resolve := _seconds(row.created_at, row.resolved_at)) is not None:
            resolves.append(resolve)
        if row.rating is not None:
            ratings.append(row.rating)
    summary.median_take_seconds = median(takes) if takes else None
    summary.median_resolve_seconds = median(resolves) if resolves else None
    summary.mean_rating = sum(ratings) / len(ratings) if ratings else None
    return summary


def summarize_counts(
    by_center: list[tuple[int, str, int]],
    by_category: list[tuple[str, str, int | None, int]],
    median_take: float | None,
    median_resolve: float | None,
) -> Summary:
    """The same numbers as `summarize`, from what the database counted (storage.stats.summary_facts): requests per
    (center, status) and per (category, status, rating), and the median seconds to take and to resolve (spam left
    out of those already). Spam is counted by status but never as help given: its ratings are left out here."""
    summary = Summary(median_take_seconds=median_take, median_resolve_seconds=median_resolve)
    for center_id, _status, requests in by_center:
        summary.by_center[center_id] += requests
    rating_sum = ratings = 0
    for category, status, rating, requests in by_category:
        summary.total += requests
        summary.by_category[category] += requests
        summary.by_status[status] += requests
        if rating is not None and status != "spam":
            rating_sum += rating * requests
            ratings += requests
    summary.mean_rating = rating_sum / ratings if ratings else None
    return summary
