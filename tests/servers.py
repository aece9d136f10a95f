"""Private PostgreSQL and Redis servers for the tests: each on a free port, in a temporary folder, stopped after.

Both come from Debian's packages, which the test command installs where it can (dev.py). Where a server cannot
be had, `ServerUnavailable` says why, and the tests that need it are skipped with that reason.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


class ServerUnavailable(Exception):
    """The reason a server cannot be started on this machine."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerUnavailable(f"the server stopped at start: {log.read_text(errors='replace')[-500:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    process.kill()
    raise ServerUnavailable(f"the server did not listen on port {port} within {seconds:.0f} s")


def _postgres_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    if not found:
        raise ServerUnavailable(f"PostgreSQL's {name} is not installed (Debian: apt-get install postgresql)")
    return str(found)


def _as_postgres_user() -> tuple[list[str], int | None, int | None]:
    """PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user Debian's package made."""
    if os.geteuid() != 0:
        return [], None, None
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        raise ServerUnavailable("running as root, and there is no 'postgres' user to run PostgreSQL as") from None
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ServerUnavailable("running as root without runuser to start PostgreSQL as 'postgres'")
    return [runuser, "-u", "postgres", "--"], user.pw_uid, user.pw_gid


@dataclass
class Postgres:
    folder: Path
    port: int
    process: subprocess.Popen[bytes]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """An immediate shutdown (SIGQUIT to the postmaster): the data is thrown away, and a smart shutdown (what
        SIGTERM asks) would wait for every client still connected."""
        try:
            postmaster = int((self.folder / "pgdata" / "postmaster.pid").read_text().split()[0])
            os.kill(postmaster, signal.SIGQUIT)
        except (OSError, ValueError, IndexError):
            self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def _memory_folder() -> str | None:
    """/dev/shm where it has room: a run makes a database per test (about 8 MB and 300 files each), and making
    and removing them in memory is several times as fast as on disk. Elsewhere the system's temporary folder."""
    with contextlib.suppress(OSError, ValueError, StopIteration):
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        available = int(next(line for line in meminfo if line.startswith("MemAvailable:")).split()[1]) * 1024
        if min(available, shutil.disk_usage("/dev/shm").free) > 8 * 2**30:
            return "/dev/shm"
    return None


def start_postgres() -> Postgres:
    prefix, uid, gid = _as_postgres_user()
    initdb, postgres = _postgres_bin("initdb"), _postgres_bin("postgres")
    # Its own folder under the system's temporary folder: pytest's is private to root, where 'postgres' cannot go.
    folder = Path(tempfile.mkdtemp(prefix="otbasy-postgres-", dir=_memory_folder()))
    data = folder / "pgdata"
    data.mkdir()
    if uid is not None and gid is not None:
        os.chown(folder, uid, gid)
        os.chown(data, uid, gid)
    log = folder / "postgres.log"
    init = subprocess.run(
        [*prefix, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
        capture_output=True,
        check=False,
    )
    if init.returncode != 0:
        raise ServerUnavailable(f"initdb failed: {init.stderr.decode(errors='replace')[-500:]}")
    port = free_port()
    settings = [
        "-c", "listen_addresses=127.0.0.1", "-p", str(port), "-k", str(folder), "-c", "fsync=off",
        "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200",
    ]  # fmt: skip
    with log.open("ab") as output:
        process = subprocess.Popen([*prefix, postgres, "-D", str(data), *settings], stdout=output, stderr=output)
    server = Postgres(folder, port, process)
    _wait_for_port(port, process, log)
    return server


@dataclass
class Redis:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_redis(folder: Path) -> Redis:
    binary = shutil.which("redis-server")
    if binary is None:
        raise ServerUnavailable("redis-server is not installed (Debian: apt-get install redis-server)")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = folder / "redis.log"
    arguments = ["--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), "--save", "", "--appendonly", "no"]
    with log.open("ab") as output:
        process = subprocess.Popen([binary, *arguments], stdout=output, stderr=output)
    server = Redis(port, process)
    _wait_for_port(port, process, log)
    return server
