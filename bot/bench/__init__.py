"""`python -m bot bench`: the real bot against a bare aiogram echo bot, on the local Bot API server, with simulated
people going through real flows; prints updates/s, latency percentiles, peak memory and start time (figures, not
a test). The orchestration is in `run`, the flows in `people`, the echo bot in `echo`, the table in `report`.

Only argparse is imported here, so that `python -m bot --help` stays quick."""

from __future__ import annotations

import argparse

FLOWS = ("place", "card", "menu", "request", "signup")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--people", type=int, default=100, help="simulated people acting at once (default: 100)")
    parser.add_argument("--rounds", type=int, default=3, help="times each person goes through the flows (default: 3)")
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="the bot's database: postgresql://... (existing, empty or migrated); default: a temporary SQLite file",
    )
    parser.add_argument(
        "--flows",
        default=",".join(FLOWS),
        help=f"comma-separated, in this order each round (default: {','.join(FLOWS)})",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="run the bot under cProfile, write its statistics to FILE and print the 25 costliest functions",
    )
