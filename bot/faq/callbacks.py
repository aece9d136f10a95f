"""The buttons of questions and answers: an article is named by its 8-hex-digit id, never its slug or text."""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

Key = Annotated[str, Field(pattern=r"^[0-9a-f]{8}$")]  # anything else fails to parse: the catch-all answers it


class FaqTopicsCb(CallbackData, prefix="fqs"):
    """Back to the list of topics."""


class FaqTopicCb(CallbackData, prefix="fqt"):
    topic: Annotated[str, Field(max_length=20)]
    new: bool = False  # in a message of its own (from an article, which stays), not in place of the list


class FaqArticleCb(CallbackData, prefix="fqa"):
    key: Key
    go: bool = False  # kept so that buttons already sent still parse; the person's state decides now


class FaqVoteCb(CallbackData, prefix="fqv"):
    key: Key
    helped: bool
    go: bool = False


class FaqAskCb(CallbackData, prefix="fqk"):
    """Ask a center: the help request dialog."""


class FaqGoOnCb(CallbackData, prefix="fqg"):
    """Go on with the help request being written (its next question again)."""
