"""Log lines: one per event, as text for a person at a terminal or as JSON (LOG_FORMAT=json) for a collector.

A JSON line carries exactly: time (ISO 8601, UTC), level, logger, message, and exception when there is one.
What is logged is the code's business: no line may carry a person's text, name or phone.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

from bot.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        failure = []
        if record.exc_info:
            record.exc_text = record.exc_text or self.formatException(record.exc_info)
        if record.exc_text:
            failure.append(record.exc_text)
        if record.stack_info:
            failure.append(self.formatStack(record.stack_info))
        if failure:
            line["exception"] = "\n".join(failure)
        return json.dumps(line, ensure_ascii=False)


def make_formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def setup_logging(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """The root logger writes to `stream` (standard error) in the chosen format, replacing any handler it had."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(make_formatter(settings.log_format))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    return handler
