"""The benchmark's run: the real bot, then a bare aiogram echo bot, each as a child process long-polling a fresh
local Bot API server (the server holds one bot token), each under the same load from the same number of people.

The bot goes first: its people take the real flows, and each step they take (a message or a button press) is
noted; the echo bot's people then send exactly those updates, with the same concurrency."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

import bot as bot_package
from bot.bench import FLOWS
from bot.bench.people import SIGNUP_CHOICES, BenchApi, Person, Replay, real_flows
from bot.bench.report import Phase, render
from bot.settings import Settings

BOT_TOKEN = "700001:LOCAL-BENCH-BOT"
ECHO_TOKEN = "700002:LOCAL-BENCH-ECHO"
START_PATIENCE = 60.0  # seconds a process may take to its first getUpdates
# The bot's own pacing, lifted so that the figures are the bot's work, not its waits: the per-person rate limit
# (a burst, then 30 a minute), the daily cap on requests, and Telegram's sending limits the outbox keeps to.
UNPACED = {
    "MESSAGE_BURST": "1000000",
    "MESSAGES_PER_MINUTE": "60000000",
    "REQUESTS_PER_DAY": "1000000",
    "SEND_PER_SECOND": "100000",
    "SEND_PER_CHAT_SECOND": "100000",
    "SEND_PER_GROUP_MINUTE": "6000000",
}
COMMON = {"POLLING_TIMEOUT": "1", "LOG_LEVEL": "WARNING"}


class BenchFailed(Exception):
    pass


class Child:
    """A bot process beside the bench, its output in a log file."""

    def __init__(self, module: str, env: dict[str, str], workdir: Path, log_path: Path, profile: Path | None) -> None:
        self.log_path = log_path
        self.started_at = time.perf_counter()
        profiler = ["-m", "cProfile", "-o", str(profile)] if profile else []
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, *profiler, "-m", module], cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    def peak_rss_mb(self) -> float:
        """The high-water mark of its resident memory (Linux: VmHWM)."""
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_seconds(self) -> float:
        """User and system CPU time so far (Linux: /proc/PID/stat)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    async def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            for _ in range(300):
                if self.process.poll() is not None:
                    return
                await asyncio.sleep(0.05)
            self.process.kill()
            self.process.wait()


def child_environment(api: BenchApi, **settings: str) -> dict[str, str]:
    """The caller's environment without anything the bot reads as a setting, then the bench's settings."""
    own = {name.upper() for name in Settings.model_fields}
    env = {key: value for key, value in os.environ.items() if key.upper() not in own}
    root = str(Path(bot_package.__file__).resolve().parent.parent)  # where `bot` is imported from, source or not
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    env.update(COMMON, BOT_TOKEN=api.token, TELEGRAM_API_URL=api.base_url, **settings)
    return env


async def first_poll(api: BenchApi, child: Child) -> float:
    """Seconds from the process's start to its first getUpdates."""
    deadline = time.perf_counter() + START_PATIENCE
    while api.first_poll_at is None:
        if child.process.poll() is not None:
            raise BenchFailed(f"the process exited with {child.process.returncode}:\n{child.log_tail()}")
        if time.perf_counter() > deadline:
            raise BenchFailed(f"no getUpdates within {START_PATIENCE:.0f} s:\n{child.log_tail()}")
        await asyncio.sleep(0.01)
    return api.first_poll_at - child.started_at


Load = Callable[[BenchApi], tuple[list[Person], list[Awaitable[None]]]]


async def measure(
    name: str, token: str, module: str, settings: dict[str, str], workdir: Path, load: Load, profile: Path | None = None
) -> tuple[Phase, list[Person]]:
    api = BenchApi(token)
    await api.start()
    child: Child | None = None
    try:
        child = Child(module, child_environment(api, **settings), workdir, workdir / f"{name}.log", profile)
        start_seconds = await first_poll(api, child)
        print(f"{name}: first getUpdates {start_seconds:.2f} s after start; the people act…", file=sys.stderr)
        people, jobs = load(api)
        cpu_before, driver_before, calls_before = child.cpu_seconds(), time.process_time(), len(api.calls)
        began = time.perf_counter()
        results = await asyncio.gather(*jobs, return_exceptions=True)
        wall = time.perf_counter() - began
        cpu, driver = child.cpu_seconds() - cpu_before, time.process_time() - driver_before
        failures = [result for result in results if isinstance(result, BaseException)]
        if failures:
            shown = "\n".join(f"  {failure!r}" for failure in failures[:5])
            raise BenchFailed(f"{name}: {len(failures)} of {len(jobs)} people failed, e.g.:\n{shown}\n"
                              f"the process's log ends with:\n{child.log_tail()}")  # fmt: skip
        if child.process.poll() is not None:
            raise BenchFailed(f"{name}: the process exited with {child.process.returncode}:\n{child.log_tail()}")
        latencies = [seconds for person in people for _, seconds in person.latencies]
        updates = sum(len(person.steps) for person in people)
        if len(latencies) != updates:
            raise BenchFailed(f"{name}: {updates} updates but {len(latencies)} first answers timed")
        by_flow: dict[str, list[float]] = {}
        for person in people:
            for flow, seconds in person.latencies:
                by_flow.setdefault(flow, []).append(seconds)
        calls = Counter(method for method, _ in api.calls[calls_before:])
        phase = Phase(name, updates, wall, latencies, by_flow, child.peak_rss_mb(), cpu, start_seconds, driver, calls)
        return phase, people
    finally:
        if child is not None:
            await child.stop()
        await api.stop()


def shown_url(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


async def bench(
    people: int, rounds: int, flows: list[str], database_url: str | None, profile: Path | None = None
) -> str:
    first_id = random.randrange(1, 100_000) * 10_000  # new people each run, even on a database kept from the last
    admin_id = first_id - 1
    with tempfile.TemporaryDirectory(prefix="otbasy-bench-") as folder:
        workdir = Path(folder)
        url = database_url or f"sqlite:///{workdir / 'bench.db'}"

        def bot_load(api: BenchApi) -> tuple[list[Person], list[Awaitable[None]]]:
            api.add_user(admin_id, "Admin", "ru")  # told of every request and sign-up (sample centers: no staff)
            crowd = [Person(api, first_id + n) for n in range(people)]
            return crowd, [real_flows(person, rounds, flows) for person in crowd]

        settings = {"DATABASE_URL": url, "ADMIN_IDS": str(admin_id), **UNPACED}
        bot_phase, bot_people = await measure("bot", BOT_TOKEN, "bot", settings, workdir, bot_load, profile)

        def echo_load(api: BenchApi) -> tuple[list[Person], list[Awaitable[None]]]:
            crowd = [Person(api, original.id) for original in bot_people]
            replays = [Replay(person, original.steps) for person, original in zip(crowd, bot_people, strict=True)]
            return crowd, [replay.run() for replay in replays]

        echo_phase, _ = await measure("echo", ECHO_TOKEN, "bot.bench.echo", {}, workdir, echo_load)

    database = shown_url(database_url) if database_url else "a temporary SQLite file"
    load = os.getloadavg()
    header = [
        f"otbasy-bot bench, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}: {people} people at once, {rounds} "
        f"round(s) each; flows: start (once), then {', '.join(flows)} each round; database: {database}",
        f"Machine: {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, load average {load[0]:.2f} at the end.",
        "Each bot is a child process long-polling the local Bot API server (this process, 127.0.0.1), one after the "
        "other with the same updates;",
        f"both with {', '.join(f'{k}={v}' for k, v in COMMON.items())}. The bot's rate limits and send pacing are "
        "lifted so that pacing does not dominate:",
        f"{', '.join(f'{k}={v}' for k, v in UNPACED.items())}.",
        "Latency: from queuing an update to the bot's first answer in that chat (a message, or the button's "
        "answerCallbackQuery).",
    ]
    return render(echo_phase, bot_phase, header)


def print_profile(path: Path, lines: int = 25) -> None:
    """The bot's costliest functions by their own time, then by time including what they call (main thread)."""
    import pstats

    stats = pstats.Stats(str(path))
    stats.sort_stats("tottime").print_stats(lines)
    stats.sort_stats("cumulative").print_stats(lines)


def parse_flows(text: str) -> list[str]:
    flows = [flow.strip() for flow in text.split(",") if flow.strip()]
    unknown = [flow for flow in flows if flow not in FLOWS]
    if unknown or not flows:
        raise ValueError(f"unknown flow(s) {', '.join(unknown) or '(none given)'}; choose from {', '.join(FLOWS)}")
    return flows


async def bench_command(args: argparse.Namespace) -> int:
    try:
        flows = parse_flows(args.flows)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    if args.people < 1 or args.people > 10_000 or args.rounds < 1:
        print("--people must be 1 to 10000 and --rounds at least 1", file=sys.stderr)
        return 2
    if "signup" in flows and args.rounds > SIGNUP_CHOICES:
        print(f"with the signup flow, --rounds is at most {SIGNUP_CHOICES}: a person signs up once per (topic, group)",
              file=sys.stderr)  # fmt: skip
        return 2
    if args.database_url and not args.database_url.startswith(("postgresql://", "postgres://", "sqlite:///")):
        print("--database-url: expected postgresql://USER:PASSWORD@HOST/DB or sqlite:///PATH", file=sys.stderr)
        return 2
    try:
        profile = Path(args.profile).resolve() if args.profile else None  # noqa: ASYNC240 -- once, before the run
        print(await bench(args.people, args.rounds, flows, args.database_url, profile), flush=True)
        if profile is not None:
            print_profile(profile)
    except BenchFailed as error:
        print(f"The bench failed: {error}", file=sys.stderr)
        return 1
    return 0
