"""`python -m bot` for the end-to-end tests, started as a fork of a server that has already imported the bot.

A fresh interpreter spends about 3.5 s of CPU importing aiogram (pydantic builds every Bot API type), and the e2e
tests start the bot about 35 times and run its subcommands about 75 times. Here multiprocessing's fork server, with
the bot's modules preloaded, forks each of them instead. The child is a real process of its own: its own pid,
signals (SIGTERM, kill -9), exit code, folder, environment, arguments and log; it runs `python -m bot` from its
entry point with `runpy`, as the interpreter would, and runs the interpreter's exit handlers when it ends.
What a fork does not show is the import itself: tests/e2e/test_ops.py starts the bot with a fresh interpreter
(`fresh=True`), and so does the bench. OTBASY_TESTS_FRESH=1 makes every start a fresh interpreter.

This module is imported by the fork server and by each child, so it imports nothing of pytest or the tests.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import io
import multiprocessing
import os
import runpy
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
RUN_TIMEOUT = 60  # seconds for a subcommand
PRELOAD = ["bot.__main__", "bot.app", "bot.cli", "tests.forks"]


class Forked:
    """What the tests use of `subprocess.Popen`, for a forked `python -m bot`."""

    def __init__(self, process: multiprocessing.process.BaseProcess) -> None:
        self._process = process
        self.pid = process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(["python", "-m", "bot"], timeout or 0)
        return self._process.exitcode

    def send_signal(self, sig: int) -> None:
        if self._process.exitcode is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


Process = subprocess.Popen[bytes] | Forked


def start(
    args: list[str], cwd: Path, env: Mapping[str, str], output: Path, errors: Path | None = None, fresh: bool = False
) -> Process:
    """`python -m bot *args` in `cwd` with exactly `env`, its stdout appended to `output` and its stderr to
    `errors` (or to `output` too)."""
    errors = errors or output
    if fresh or os.environ.get("OTBASY_TESTS_FRESH") == "1" or not _can_fork():
        with output.open("ab") as out, errors.open("ab") as err:
            return subprocess.Popen(
                [sys.executable, "-m", "bot", *args], cwd=cwd, env=dict(env), stdout=out, stderr=err
            )
    process = _context().Process(target=_run, args=(args, str(cwd), dict(env), str(output), str(errors)), daemon=True)
    process.start()
    forked = Forked(process)
    _STARTED.append(forked)
    return forked


def run(
    args: list[str], cwd: Path, env: Mapping[str, str], timeout: float = RUN_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """`python -m bot *args` to its end, as `subprocess.run(..., capture_output=True, text=True)` gives it."""
    with tempfile.TemporaryDirectory(prefix="bot-run-") as folder:
        out, err = Path(folder) / "stdout", Path(folder) / "stderr"
        process = start(args, cwd, env, out, err)
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        return _finished(process, args, out, err, timeout)


async def run_async(args: list[str], cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """The same, from a test's event loop, which goes on serving meanwhile (the local Bot API server lives in it)."""
    with tempfile.TemporaryDirectory(prefix="bot-run-") as folder:
        out, err = Path(folder) / "stdout", Path(folder) / "stderr"
        process = start(args, cwd, env, out, err)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(RUN_TIMEOUT):
                while process.poll() is None:  # noqa: ASYNC110 -- a child's end is no event of this loop
                    await asyncio.sleep(0.01)
        return _finished(process, args, out, err, RUN_TIMEOUT)


def _finished(
    process: Process, args: list[str], out: Path, err: Path, timeout: float
) -> subprocess.CompletedProcess[str]:
    if process.poll() is None:
        process.kill()
        process.wait()
        raise subprocess.TimeoutExpired(["python", "-m", "bot", *args], timeout)
    read = lambda path: path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""  # noqa: E731
    return subprocess.CompletedProcess(["python", "-m", "bot", *args], process.wait(), read(out), read(err))


_STARTED: list[Forked] = []


@atexit.register
def _kill_the_rest() -> None:
    """A child a failed test left running is killed when the test process ends (multiprocessing would send it
    SIGTERM and wait for it without a bound)."""
    for forked in _STARTED:
        forked.kill()


def _can_fork() -> bool:
    return "forkserver" in multiprocessing.get_all_start_methods()


_CONTEXT: multiprocessing.context.BaseContext | None = None


def _context() -> multiprocessing.context.BaseContext:
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = multiprocessing.get_context("forkserver")
        _CONTEXT.set_forkserver_preload(PRELOAD)
    return _CONTEXT


def _run(args: list[str], cwd: str, env: dict[str, str], output: str, errors: str) -> None:
    """In the child: become `python -m bot *args`, as a fresh interpreter started in `cwd` with `env` would."""
    for fd, path in ((1, output), (2, errors)):
        opened = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(opened, fd)
        os.close(opened)
    unbuffered = bool(env.get("PYTHONUNBUFFERED"))
    sys.stdout = _stream(1, sys.stdout, unbuffered, line_buffered=False, errors="strict")
    sys.stderr = _stream(2, sys.stderr, unbuffered, line_buffered=True, errors="backslashreplace")
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    time.tzset()  # TZ, as a new interpreter reads it
    extra = [part for part in env.get("PYTHONPATH", "").split(os.pathsep) if part]
    sys.path[:] = [cwd, *extra, *(entry for entry in sys.path if entry and entry not in extra and entry != cwd)]
    sys.argv[:] = ["-m", *args]
    sys.modules.pop("bot.__main__", None)  # preloaded for what it imports; `-m` runs it anew as __main__
    try:
        runpy.run_module("bot", run_name="__main__", alter_sys=True)
    finally:
        atexit._run_exitfuncs()


def _stream(fd: int, like: TextIO, unbuffered: bool, line_buffered: bool, errors: str) -> io.TextIOWrapper:
    """A text stream on `fd` as a new interpreter makes it for a file: unbuffered with PYTHONUNBUFFERED, else
    stdout in blocks and stderr by lines; the encoding is the fork server's own, which a new one would pick too."""
    raw = io.FileIO(fd, "w", closefd=False)
    encoding = getattr(like, "encoding", None) or "utf-8"
    if unbuffered:
        return io.TextIOWrapper(raw, encoding=encoding, errors=errors, write_through=True)  # type: ignore[type-var]
    return io.TextIOWrapper(io.BufferedWriter(raw), encoding=encoding, errors=errors, line_buffering=line_buffered)
