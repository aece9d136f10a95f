#!/usr/bin/env python3
"""Set-up and run in one step, with nothing but Python 3.11 on the machine.

    python3 dev.py run    # create .venv, install, compile catalogs, then start the bot (or, without BOT_TOKEN,
                          # the playground: the bot in a browser at http://127.0.0.1:8080)
    python3 dev.py test   # the same set-up (and Chromium, PostgreSQL and Redis, where they can be
                          # installed), then every test

Extra arguments go to the command: `python3 dev.py test -k centers`, `python3 dev.py run centers links`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_environment() -> None:
    """A virtual environment with the project and its test tools, reinstalled when pyproject.toml changes."""
    if sys.version_info < (3, 11):  # noqa: UP036 -- dev.py may be started by an older python3
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        print("creating .venv", flush=True)
        venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
    print("installing dependencies into .venv", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(wanted)


def ensure_test_servers() -> None:
    """Debian's Chromium (the playground's browser test), PostgreSQL and Redis (the service tests), where this
    machine lets us install them (root, apt). Where one cannot be had, the tests that need it are skipped and say
    why; each test starts its own private server on a free port in a temporary folder."""
    missing = [
        package
        for package, found in (
            ("chromium", shutil.which("chromium") or shutil.which("chromium-browser")),
            ("postgresql", shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))),
            ("redis-server", shutil.which("redis-server")),
        )
        if not found
    ]
    if not missing or not shutil.which("apt-get") or (hasattr(os, "geteuid") and os.geteuid() != 0):
        return
    print(f"installing {', '.join(missing)} for the tests", flush=True)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, **quiet)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], env=env, check=False, **quiet)


def compile_catalogs() -> None:
    subprocess.run([str(PYTHON), "-c", "from bot.core.i18n import compile_catalogs; compile_catalogs()"], check=True)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    ensure_environment()
    compile_catalogs()
    os.chdir(ROOT)
    if command == "run":
        # The bot migrates the database and loads the sample centers into an empty directory itself.
        return subprocess.call([str(PYTHON), "-m", "bot", *rest])
    ensure_test_servers()
    return subprocess.call([str(PYTHON), "-m", "pytest", *parallel(rest), *rest])


def parallel(args: list[str]) -> list[str]:
    """One pytest worker per core the process may use and one more (at most five), each taking whole test files,
    so that a file's bot process and servers start once; the extra worker runs while the others wait for timers
    and for other processes (on 2 cores: 2 min 35 s with three, 3 min 15 s with two, 2 min 40 s with four).
    Asking for workers yourself (-n) or `-p no:xdist` wins."""
    if any(arg.startswith(("-n", "--numprocesses", "--dist")) or "no:xdist" in arg for arg in args):
        return []
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    # The files go out in the order tests/conftest.py gives them (the longest first), not by their number of tests.
    return ["-n", str(min(5, cores + 1)), "--dist", "loadfile", "--no-loadscope-reorder"]


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
