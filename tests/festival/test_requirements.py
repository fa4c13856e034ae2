"""Every third-party package the application imports is pinned for production."""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "festival",
    "programme",
    "speakers",
    "ticketing",
    "door",
    "outbox",
    "mailings",
    "worker",
    "reports",
    "imports",
    "assembly",
    "proposals",
    "stripe_emulator",
)


def _imported_top_level_modules():
    modules = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    return {m for m in modules if m not in sys.stdlib_module_names and m not in APPS}


def _pinned(requirements):
    names = set()
    for line in (ROOT / requirements).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)(\[[^]]*\])?==", line.strip())
        if match:
            names.add(re.sub(r"[-_.]+", "-", match.group(1)).lower())
    return names


def test_every_package_the_app_imports_is_pinned_in_requirements_txt():
    distributions = packages_distributions()
    pinned = _pinned("requirements.txt")
    unpinned = {
        module: distributions.get(module)
        for module in _imported_top_level_modules()
        if not any(re.sub(r"[-_.]+", "-", d).lower() in pinned for d in distributions.get(module, []))
    }
    assert unpinned == {}


def test_lxml_is_pinned_for_production_and_not_again_for_development():
    assert "lxml" in _pinned("requirements.txt")
    assert "lxml" not in _pinned("requirements-dev.txt")
