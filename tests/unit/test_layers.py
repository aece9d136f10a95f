"""The house's rules, checked on every run: which layer may import which.

- rules and models know nothing of Telegram or of the database: they are plain Python (and take a clock);
- storage imports the features' models and rules, never desks, views, handlers or aiogram (but for the FSM
  adapter);
- only the app assembles handlers: nothing else in bot/ imports them;
- every third-party package imported is declared in pyproject.toml.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLAIN = [
    *ROOT.glob("bot/*/models.py"),
    *ROOT.glob("bot/*/rules.py"),
    ROOT / "bot/admin/stats.py",
    ROOT / "bot/core/clock.py",
    ROOT / "bot/privacy/consents.py",
    *(ROOT / "bot/directory" / name for name in ("geo.py", "places.py", "regions.py", "schedule.py")),
]
# Distribution names of what may be imported under another name.
DECLARED_AS = {"pydantic_settings": "pydantic-settings", "prometheus_client": "prometheus-client"}


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def top(module: str) -> str:
    return module.split(".")[0]


@pytest.mark.parametrize("path", PLAIN, ids=lambda path: str(path.relative_to(ROOT)))
def test_rules_and_models_are_plain_python(path: Path) -> None:
    assert path.exists()
    wrong = {module for module in imported(path) if top(module) in ("aiogram", "storage", "handlers", "aiohttp")}
    wrong |= {m for m in imported(path) if m.startswith("bot.") and not m.endswith((".models", ".rules", ".geo",
              ".places", ".regions", ".schedule", ".consents"))}  # fmt: skip
    assert not wrong, f"{path.name} imports {sorted(wrong)}"


# fsm.py is aiogram's dialog storage kept in our database: the one storage module that is an aiogram adapter.
@pytest.mark.parametrize(
    "path", [path for path in sorted(ROOT.glob("storage/*.py")) if path.name != "fsm.py"], ids=lambda path: path.name
)
def test_storage_imports_only_models_and_rules(path: Path) -> None:
    allowed_bot = (".models", ".rules", ".settings", ".schedule", ".regions", ".clock")
    wrong = {
        module
        for module in imported(path)
        if top(module) in ("aiogram", "handlers")
        or (top(module) == "bot" and not module.endswith(allowed_bot) and module != "bot.settings")
    }
    assert not wrong, f"storage/{path.name} imports {sorted(wrong)}"


def test_only_the_app_assembles_handlers() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.glob("bot/**/*.py")
        if path.name != "app.py" and any(top(module) == "handlers" for module in imported(path))
    ]
    assert not offenders


def test_every_package_imported_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {entry.split("=")[0].split(">")[0].split("<")[0].split("[")[0].strip().lower()
                for entry in project["dependencies"]}  # fmt: skip
    ours = {"bot", "handlers", "storage", "tests"}
    used = {top(module) for folder in ("bot", "handlers", "storage") for path in (ROOT / folder).rglob("*.py")
            for module in imported(path)}  # fmt: skip
    third_party = used - ours - set(sys.stdlib_module_names) - {"__future__"}
    missing = {name for name in third_party if DECLARED_AS.get(name, name).lower() not in declared}
    assert not missing, f"imported but not declared in pyproject.toml: {sorted(missing)}"
