"""`python -m bot bench-scale` with small numbers: it fills a fresh SQLite database with what was asked, prints a
line per command timed and the bot process's start and memory: a smoke test of the tool, not a timed test."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests import forks

ROOT = Path(__file__).resolve().parents[2]
TIMING = r"^  {name}.*runs +{runs} +p50 +[\d.]+ +p95 +[\d.]+ +max +[\d.]+ ms"


def test_bench_scale_fills_what_was_asked_and_prints_every_timing(tmp_path: Path) -> None:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("BOT_", "TELEGRAM_"))}
    environment.update(PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING")
    command = ["--people", "300", "--requests", "300", "--signups", "50", "--runs", "3", "--forget", "2"]
    result = forks.run(["bench-scale", *command], tmp_path, environment, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout
    assert re.search(r"^Generated in [\d.]+ s: .*rows made [\d.]+ s, written [\d.]+ s", output, re.MULTILINE), output
    counts = re.search(r"^Rows: people (\d+) \(\+ \d+ staff and admin\), help_requests (\d+),.* signups (\d+),", output,
                       re.MULTILINE)  # fmt: skip
    assert counts and counts.groups() == ("300", "300", "50"), output
    for name, runs in (
        (r"/queue, busiest center \(\d+ open\)", 3),
        (r"/queue, admin: every center", 3),
        (r"/stats \(300 requests\)", 3),
        (r"/stats, counted by the database", 3),
        (r"/mydata \(\d+ requests\)", 3),
        (r"export requests CSV \(300 rows\)", 3),
        (r"/forget, 2 people", 2),
    ):
        assert re.search(TIMING.format(name=name, runs=runs), output, re.MULTILINE), (name, output)
    assert re.search(r"^  /queue.*[✓✗] p95 < 20 ms$", output, re.MULTILINE), output
    assert re.search(r"^  /stats.*[✓✗] p95 < 200 ms$", output, re.MULTILINE), output
    assert re.search(r"^  start to first getUpdates [\d.]+ s +[✓✗] < 2 s$", output, re.MULTILINE), output
    memory = r"^  resident memory: VmRSS [\d.]+ MB .*VmHWM [\d.]+ MB +[✓✗] < 120 MB$"
    assert re.search(memory, output, re.MULTILINE), output
    for command_name in ("/queue", "/stats"):  # answered through Telegram, three times each
        assert re.search(rf"^  {command_name} through Telegram, to the first answer: \d+, \d+, \d+ ms$", output,
                         re.MULTILINE), output  # fmt: skip
