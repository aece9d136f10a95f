"""`python -m bot commissioners import FILE [--dry-run]`, run as an operator would: a bad file names its lines and
changes nothing; a good one replaces the SAMPLE office of each region it names, and says which are still SAMPLE."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage.commissioners import CommissionerRepository
from storage.database import open_migrated
from tests.e2e.test_cli import run_bot

HEADER = "region,name_kk,name_ru,phone,sample\n"
ASTANA = (
    "astana,Астана қаласы бойынша Бала құқықтары жөніндегі уәкіл,Уполномоченный по городу Астане,+7 7172 12 34 56,0\n"
)
ABAI = "abai,Абай облысы бойынша Бала құқықтары жөніндегі уәкіл,Уполномоченный по Абайской области,+7 7222 65 43 21,0\n"


async def sample_database(folder: Path) -> None:
    """What the bot leaves at its first start: the SAMPLE offices of all 20 regions."""
    db = await open_migrated(folder / "cli.db")
    try:
        assert await CommissionerRepository(db).load_sample_if_empty() == 20
    finally:
        await db.close()


def offices(folder: Path) -> dict[str, tuple[str, int]]:
    with sqlite3.connect(folder / "cli.db") as connection:
        return {
            row[0]: (row[1], row[2]) for row in connection.execute("SELECT region, phone, is_sample FROM commissioners")
        }


async def test_a_bad_file_is_refused_whole_with_its_lines_named(tmp_path: Path) -> None:
    await sample_database(tmp_path)
    before = offices(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + ASTANA + "narnia,Н,Н,+7 7172 00 00 00,0\n" + ABAI.replace("+7 7222 65 43 21", "87222") +
                   ASTANA, encoding="utf-8")  # fmt: skip
    result = run_bot("commissioners", "import", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{bad}: line 3: region: unknown 'narnia' (one of astana, almaty, shymkent, abai, akmola, aktobe, "
        "almaty-region, atyrau, east-kz, jambyl, jetisu, west-kz, karaganda, kostanay, kyzylorda, mangystau, "
        "pavlodar, north-kz, turkistan, ulytau)",
        f"{bad}: line 4: phone: '87222' is not a +7 number",
        f"{bad}: line 5: region: 'astana' already appears on line 2",
        "nothing imported: 3 error(s)",
    ]
    assert offices(tmp_path) == before  # the good row on line 2 did not go in either

    missing = tmp_path / "missing.csv"
    missing.write_text("region,name_kk,phone\nastana,А,+7 7172 12 34 56\n", encoding="utf-8")
    refused = run_bot("commissioners", "import", str(missing), cwd=tmp_path)
    assert (refused.returncode, refused.stderr.splitlines()[0]) == (1, f"{missing}: line 1: missing columns: name_ru")
    unreadable = run_bot("commissioners", "import", str(tmp_path / "nowhere.csv"), cwd=tmp_path)
    assert unreadable.returncode == 1 and unreadable.stderr.startswith(f"cannot read {tmp_path / 'nowhere.csv'}")
    assert offices(tmp_path) == before


async def test_a_good_file_replaces_the_sample_of_its_regions(tmp_path: Path) -> None:
    await sample_database(tmp_path)
    good = tmp_path / "commissioners.csv"
    good.write_text(HEADER + ASTANA + ABAI, encoding="utf-8")

    dry = run_bot("commissioners", "import", str(good), "--dry-run", cwd=tmp_path)
    assert (dry.returncode, dry.stdout) == (0, "dry run: 2 valid rows; would add 0 and update 2\n")
    assert offices(tmp_path)["astana"] == ("+7 (7172) 00-77-01", 1)

    done = run_bot("commissioners", "import", str(good), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "imported 2 commissioners: 0 added, 2 updated"
    assert lines[1] == (
        "still SAMPLE (fictional contacts): akmola, aktobe, almaty, almaty-region, atyrau, east-kz, jambyl, jetisu, "
        "karaganda, kostanay, kyzylorda, mangystau, north-kz, pavlodar, shymkent, turkistan, ulytau, west-kz"
    )
    now = offices(tmp_path)
    assert (now["astana"], now["abai"], now["karaganda"]) == (
        ("+7 7172 12 34 56", 0),
        ("+7 7222 65 43 21", 0),
        ("+7 (7212) 00-77-13", 1),
    )


def test_the_subcommand_is_listed(tmp_path: Path) -> None:
    result = run_bot("commissioners", "--help", cwd=tmp_path)
    assert result.returncode == 0 and "import" in result.stdout
