"""The benchmark's figures: one row per bot, the ratios, and the targets of issue 14 with ✓/✗."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

# Targets the bot is judged by (issue 14, "Fast on real flows").
MIN_THROUGHPUT_RATIO = 0.7  # the bot's updates/s at least this share of the bare echo bot's
MAX_P99_RATIO = 1.5  # the bot's p99 latency at most this multiple of the echo bot's
MAX_START_SECONDS = 2.0  # from the process's start to its first getUpdates


def percentile(values: list[float], share: float) -> float:
    """Linear interpolation between the closest ranks (as numpy's default); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Phase:
    """What one bot did under the load."""

    name: str
    updates: int
    wall_seconds: float
    latencies: list[float]  # seconds, one per update
    by_flow: dict[str, list[float]] = field(default_factory=dict)
    peak_rss_mb: float = math.nan
    cpu_seconds: float = math.nan  # the bot process's CPU time during the load
    start_seconds: float = math.nan  # process start to its first getUpdates
    driver_cpu_seconds: float = math.nan  # the bench's own process (server and people) during the load
    calls: Counter[str] = field(default_factory=Counter)  # the Bot API calls it made during the load, by method

    @property
    def rate(self) -> float:
        return self.updates / self.wall_seconds if self.wall_seconds > 0 else math.nan

    def p(self, share: float) -> float:
        return percentile(self.latencies, share) * 1000


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator and not math.isnan(denominator) else math.nan


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def render(echo: Phase, bot: Phase, header: list[str]) -> str:
    lines = [*header, ""]
    columns = (
        ("", 5, "{}"), ("updates", 8, "{:d}"), ("wall s", 7, "{:.2f}"), ("updates/s", 10, "{:.1f}"),
        ("p50 ms", 8, "{:.1f}"), ("p95 ms", 8, "{:.1f}"), ("p99 ms", 8, "{:.1f}"), ("peak RSS MB", 12, "{:.1f}"),
        ("CPU ms/update", 14, "{:.2f}"), ("start→getUpdates s", 19, "{:.2f}"),
    )  # fmt: skip
    titles = [title.rjust(width) if n else title.ljust(width) for n, (title, width, _) in enumerate(columns)]
    lines.append("".join(titles))
    for phase in (echo, bot):
        values = (
            phase.name, phase.updates, phase.wall_seconds, phase.rate, phase.p(0.50), phase.p(0.95), phase.p(0.99),
            phase.peak_rss_mb, ratio(phase.cpu_seconds * 1000, phase.updates), phase.start_seconds,
        )  # fmt: skip
        cells = [
            (fmt.format(value).rjust(width) if n else fmt.format(value).ljust(width))
            for n, ((_, width, fmt), value) in enumerate(zip(columns, values, strict=True))
        ]
        lines.append("".join(cells))

    throughput = ratio(bot.rate, echo.rate)
    p99 = ratio(bot.p(0.99), echo.p(0.99))
    memory = ratio(bot.peak_rss_mb, echo.peak_rss_mb)
    lines += [
        "",
        f"Ratios (bot/echo): throughput {throughput:.2f}, p50 {ratio(bot.p(0.5), echo.p(0.5)):.2f}, "
        f"p99 {p99:.2f}, peak RSS {memory:.2f}",
        "",
        "Targets (issue 14):",
        f"  {_mark(throughput >= MIN_THROUGHPUT_RATIO)} throughput at least {MIN_THROUGHPUT_RATIO} of the echo bot's: "
        f"{throughput:.2f}",
        f"  {_mark(p99 <= MAX_P99_RATIO)} p99 at most {MAX_P99_RATIO}× the echo bot's: {p99:.2f}×",
        f"  {_mark(bot.start_seconds < MAX_START_SECONDS)} start to first getUpdates under {MAX_START_SECONDS:.0f} s: "
        f"{bot.start_seconds:.2f} s (echo {echo.start_seconds:.2f} s)",
        f"  – resident memory: peak {bot.peak_rss_mb:.1f} MB (echo {echo.peak_rss_mb:.1f} MB, {memory:.1f}×); "
        "the issue names no figure",
        "",
        "Latency to the first answer by flow, ms (p50 / p95 / p99):",
    ]
    width = max(len(flow) for flow in bot.by_flow) if bot.by_flow else 5
    for flow, values in bot.by_flow.items():
        echoed = echo.by_flow.get(flow, [])
        lines.append(
            f"  {flow.ljust(width)}  {len(values):6d} updates   bot {_triple(values)}   echo {_triple(echoed)}"
        )
    lines += ["", "Bot API calls per update (getUpdates apart), and updates taken per getUpdates:"]
    for phase in (echo, bot):
        polls = phase.calls.get("getUpdates", 0)
        methods = sorted(((n, m) for m, n in phase.calls.items() if m != "getUpdates"), reverse=True)
        shown = ", ".join(f"{method} {ratio(count, phase.updates):.2f}" for count, method in methods)
        total = sum(count for count, _ in methods)
        lines.append(
            f"  {phase.name.ljust(5)} {ratio(total, phase.updates):.2f} calls ({shown}); "
            f"{ratio(phase.updates, polls):.1f} updates per getUpdates"
        )
    lines += [
        "",
        f"Bench driver (local server and people, one process): {echo.driver_cpu_seconds:.1f} s CPU during the echo "
        f"run ({ratio(echo.driver_cpu_seconds, echo.wall_seconds):.0%} of a core), {bot.driver_cpu_seconds:.1f} s "
        f"during the bot's ({ratio(bot.driver_cpu_seconds, bot.wall_seconds):.0%}).",
    ]
    return "\n".join(lines)


def _triple(values: list[float]) -> str:
    return " / ".join(f"{percentile(values, share) * 1000:7.1f}" for share in (0.5, 0.95, 0.99))
