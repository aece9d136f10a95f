"""Consent purposes and the version of the wording each was given to (a new wording gets a new version)."""

from __future__ import annotations

CONSENT_VERSIONS = {"help_request": "2026-11-v1", "course_signup": "2026-11-v1", "reminders": "2026-11-v1"}
PURPOSES = tuple(CONSENT_VERSIONS)
