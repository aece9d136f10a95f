"""The questions-and-answers desk: the articles, and the answers to «Did this help?». The app makes one (bot.app
`build_dispatcher`, with the articles the bot ships or FAQ_DIR) and handlers take it as `faq`; a test puts its own
in `dispatcher["faq"]`.

What is counted is advisory: per article and day, yes or no, with nobody's id. One person's answer about one
article is counted once per bot process: the desk remembers, in memory only, a keyed hash of (person, article)
under a key made at random when the process starts and never stored, so after a restart (or on another instance)
the same person could answer again. Nothing on disk can tell who answered.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.faq.library import Library
from bot.faq.models import Article, FeedbackCount
from storage.database import Database
from storage.faq import FeedbackRepository

REMEMBERED_ANSWERS = 100_000  # the oldest are forgotten beyond this: memory stays bounded
OFFERED = 3  # articles offered for one question or description


@dataclass
class FaqDesk:
    db: Database
    library: Library
    zone: ZoneInfo
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    _answered: OrderedDict[bytes, None] = field(default_factory=OrderedDict, repr=False)

    def __post_init__(self) -> None:
        self.feedback = FeedbackRepository(self.db)

    def articles_for(self, text: str) -> list[Article]:
        """The articles a question or a description names, the best first."""
        return [match.article for match in self.library.search(text, OFFERED)]

    async def answer(self, user_id: int, article: Article, helped: bool) -> bool:
        """Counts the answer; False when this person already answered about this article (not counted again)."""
        mark = hmac.new(self._key, f"{user_id}:{article.slug}".encode(), hashlib.sha256).digest()[:16]
        if mark in self._answered:
            self._answered.move_to_end(mark)
            return False
        self._answered[mark] = None  # before the write: a double tap meanwhile is not counted twice
        while len(self._answered) > REMEMBERED_ANSWERS:
            self._answered.popitem(last=False)
        day = self.db.clock.local(self.zone).date().isoformat()
        try:
            async with self.db.transaction():
                await self.feedback.add(article.slug, day, helped)
        except BaseException:
            self._answered.pop(mark, None)
            raise
        return True

    async def counts(self) -> list[FeedbackCount]:
        return await self.feedback.counts()
