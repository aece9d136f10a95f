#!/usr/bin/env python3
"""Set-up and run in one step, with nothing but Python 3.11 on the machine.

    python3 dev.py run    # create .venv, install, compile catalogs, migrate, start the bot
    python3 dev.py test   # the same set-up, then the whole test suite

Extra arguments go to the command: `python3 dev.py test -k centers`, `python3 dev.py run centers links`.
"""

from __future__ import annotations

import hashlib
import os
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


def compile_catalogs() -> None:
    subprocess.run([str(PYTHON), "-c", "from bot.i18n import compile_catalogs; compile_catalogs()"], check=True)


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
    return subprocess.call([str(PYTHON), "-m", "pytest", *rest])


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
