"""`python -m bot bench` runs end to end and prints its table: a smoke test of the benchmark, not a timed test."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests import forks

ROOT = Path(__file__).resolve().parents[2]
ROW = r"^{name}\s+(\d+)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+$"


def test_bench_with_three_people_prints_both_rows_the_ratios_and_the_targets(tmp_path: Path) -> None:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("BOT_", "TELEGRAM_"))}
    environment.update(PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING")
    result = forks.run(["bench", "--people", "3", "--rounds", "1"], tmp_path, environment, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout
    echo = re.search(ROW.format(name="echo"), output, re.MULTILINE)
    bot = re.search(ROW.format(name="bot"), output, re.MULTILINE)
    assert echo and bot, output
    # 3 people: /start and the language (2 updates), then place, card, menu (1 each), request (6), sign-up (7)
    assert int(echo.group(1)) == int(bot.group(1)) == 3 * (2 + 1 + 1 + 1 + 6 + 7), output
    assert re.search(r"Ratios \(bot/echo\): throughput [\d.]+, p50 [\d.]+, p99 [\d.]+", output), output
    for target in ("throughput at least 0.7", "p99 at most 1.5", "start to first getUpdates under 2 s"):
        assert re.search(rf"^  [✓✗] {re.escape(target)}", output, re.MULTILINE), output
    for flow in ("start", "place", "card", "menu", "request", "signup"):
        assert re.search(rf"^  {flow}\s+\d+ updates\s+bot ", output, re.MULTILINE), output
