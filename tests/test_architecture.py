"""The project's shape, read from its source with ``ast``: module size, which package imports which,
no import inside a function, no import cycle, and one address for hand-written SQL.

Each rule is a function of a source tree, run once on the real tree and once on a small broken
tree in ``tmp_path`` (its negative control), so a rule that could never fail shows up.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = (
    "festival",
    "ticketing",
    "door",
    "outbox",
    "mailings",
    "worker",
    "programme",
    "speakers",
    "reports",
    "imports",
    "assembly",
    "stripe_emulator",
)
APPS = (
    "ticketing",
    "door",
    "outbox",
    "mailings",
    "worker",
    "programme",
    "speakers",
    "reports",
    "imports",
    "assembly",
    "stripe_emulator",
)
MAX_LINES = 600
# The door's SQL is the declared performance boundary; the emulator stands in for Stripe and is no Django app.
RAW_SQL_ALLOWED = ("door", "stripe_emulator")
# Hand-written SQL outside the door, each a bypass listed in docs/performance.md with the figure it buys.
RAW_SQL_BYPASSES = {
    # The stock every buyer's request reads: without it the sales rush fell below 100 orders a second.
    ("ticketing/services/capacity.py", ".raw()"),
}
# Heavy third-party modules imported where first needed, each with its reason.
LAZY_IMPORTS_ALLOWED = {
    # WeasyPrint loads Pango, fonts and its CSS machinery (about a second and tens of MB): only the
    # processes that draw badges pay for it, not every web worker that imports the badge service.
    ("ticketing/pdf.py", "weasyprint"),
    ("ticketing/pdf.py", "weasyprint.text.fonts"),
    ("ticketing/pdf.py", "weasyprint.urls"),
    ("ticketing/pdf.py", "weasyprint.text.ffi"),
    # pikepdf (qpdf) is needed only to join or check badge sheets, in the same processes.
    ("ticketing/pdf.py", "pikepdf"),
}


@dataclass(frozen=True)
class Import:
    """One import statement's target module (absolute, as written or resolved), where it stands."""

    module: str  # the module importing
    path: str  # its file, relative to the root
    target: str  # the dotted name imported from (``from a.b import c`` -> a.b, with c in ``names``)
    names: tuple[str, ...]
    line: int
    in_function: str | None  # the innermost function it stands in, None at module level
    in_ready: bool  # inside an AppConfig's ready()
    type_checking: bool  # under ``if TYPE_CHECKING:``, never run


def project_files(root: Path, packages=PROJECT) -> dict[str, Path]:
    """Every module of ``packages`` under ``root`` (dotted name -> file), migrations left out."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            if "migrations" in relative.parts:
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    if not level:
        return target or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


class _ImportVisitor(ast.NodeVisitor):
    def __init__(self, module: str, path: str, is_package: bool):
        self.module, self.path, self.is_package = module, path, is_package
        self.functions: list[str] = []
        self.classes: list[ast.ClassDef] = []
        self.in_ready = False
        self.type_checking = 0
        self.found: list[Import] = []

    def visit_ClassDef(self, node):
        self.classes.append(node)
        self.generic_visit(node)
        self.classes.pop()

    def _visit_function(self, node):
        ready = (
            node.name == "ready"
            and bool(self.classes)
            and any(ast.unparse(base).endswith("AppConfig") for base in self.classes[-1].bases)
        )
        was_ready, self.in_ready = self.in_ready, self.in_ready or ready
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()
        self.in_ready = was_ready

    visit_FunctionDef = visit_AsyncFunctionDef = _visit_function

    def visit_If(self, node):
        guarded = ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
        self.type_checking += guarded
        for child in node.body:
            self.visit(child)
        self.type_checking -= guarded
        for child in node.orelse:
            self.visit(child)

    def _add(self, node, target: str, names: tuple[str, ...]):
        self.found.append(
            Import(
                self.module,
                self.path,
                target,
                names,
                node.lineno,
                self.functions[-1] if self.functions else None,
                self.in_ready,
                bool(self.type_checking),
            )  # fmt: skip
        )

    def visit_Import(self, node):
        for alias in node.names:
            self._add(node, alias.name, ())

    def visit_ImportFrom(self, node):
        target = _resolve(self.module, self.is_package, node.level, node.module)
        self._add(node, target, tuple(alias.name for alias in node.names))


def imports(root: Path, packages=PROJECT) -> list[Import]:
    """Every import statement in ``packages``' modules, wherever it stands."""
    found = []
    for module, path in project_files(root, packages).items():
        visitor = _ImportVisitor(module, str(path.relative_to(root)), path.name == "__init__.py")
        visitor.visit(ast.parse(path.read_text(), filename=str(path)))
        found.extend(visitor.found)
    return found


def _modules_imported(statement: Import, modules: set[str]) -> set[str]:
    """The project modules a statement makes Python load: ``from package import module`` names the module."""
    targets = {f"{statement.target}.{name}" for name in statement.names} & modules
    if len(targets) < len(statement.names) or not statement.names:
        name = statement.target
        while name and name not in modules:
            name = name.rpartition(".")[0]
        if name:
            targets.add(name)
    return targets


def _top(name: str) -> str:
    return name.split(".")[0]


# The rules: each returns what breaks it, as readable lines; [] when the tree keeps it.


def oversized_modules(root: Path, packages=PROJECT, limit: int = MAX_LINES) -> list[str]:
    """(a) Modules over ``limit`` lines (migrations, tests and bench are outside ``packages``)."""
    found = []
    for path in project_files(root, packages).values():
        lines = len(path.read_text().splitlines())
        if lines > limit:
            found.append(f"{path.relative_to(root)}: {lines} lines")
    return found


def shell_imports_of_apps(root: Path, shell: str = "festival", apps=APPS) -> list[str]:
    """(b) Import statements in the shell that name an app (string references are not imports)."""
    return [
        f"{i.path}:{i.line} imports {i.target}"
        for i in imports(root, (shell,))
        if _top(i.target) in apps or (not i.target and any(name in apps for name in i.names))
    ]


def function_level_imports(root: Path, packages=PROJECT, allowed=LAZY_IMPORTS_ALLOWED) -> list[str]:
    """(c) Import statements inside a function, but in AppConfig.ready() or of an allowed heavy module."""
    return [
        f"{i.path}:{i.line} imports {i.target} in {i.in_function}()"
        for i in imports(root, packages)
        if i.in_function and not i.in_ready and (i.path, i.target) not in allowed
    ]


def import_cycles(root: Path, packages=PROJECT) -> list[str]:
    """(d) Cycles among the project's modules through the imports that run when a module loads."""
    modules = set(project_files(root, packages))
    graph: dict[str, set[str]] = {module: set() for module in modules}
    for i in imports(root, packages):
        if i.in_function is None and not i.type_checking:
            graph[i.module] |= _modules_imported(i, modules) - {i.module}
    return [" -> ".join([*cycle, cycle[0]]) for cycle in _strongly_connected(graph) if len(cycle) > 1]


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components of ``graph``, each sorted, iteratively (no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            advanced = False
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return sorted(components)


def speakers_imports_of_programme(root: Path) -> list[str]:
    """(e) Import statements in ``speakers`` that name ``programme``."""
    return [
        f"{i.path}:{i.line} imports {i.target}"
        for i in imports(root, ("speakers",))
        if _top(i.target) == "programme" or (not i.target and "programme" in i.names)
    ]


def raw_sql_outside_the_door(
    root: Path, packages=PROJECT, allowed=RAW_SQL_ALLOWED, bypasses=RAW_SQL_BYPASSES
) -> list[str]:
    """(e) ``cursor.execute``, ``.raw(`` and ``RawSQL`` anywhere but the door, the emulator and the listed bypasses."""
    found = []
    for path in project_files(root, [p for p in packages if p not in allowed]).values():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in ("execute", "executemany") and "cursor" in ast.unparse(node.func.value):
                    found.append((path, node.lineno, ast.unparse(node.func)))
                elif node.func.attr == "raw":
                    found.append((path, node.lineno, ".raw()"))
            elif (isinstance(node, ast.Name) and node.id == "RawSQL") or (
                isinstance(node, ast.alias) and node.name == "RawSQL"
            ):
                found.append((path, node.lineno, "RawSQL"))
    return [
        f"{path.relative_to(root)}:{line} {what}"
        for path, line, what in sorted(found)
        if (str(path.relative_to(root)), what) not in bypasses
    ]


# The real tree.


def test_no_module_is_over_600_lines():
    assert oversized_modules(ROOT) == []


def test_the_shell_imports_no_app():
    assert shell_imports_of_apps(ROOT) == []


def test_no_import_inside_a_function_but_app_ready_and_listed_heavy_modules():
    assert function_level_imports(ROOT) == []


def test_no_import_cycle_among_project_modules():
    assert import_cycles(ROOT) == []


def test_speakers_never_import_programme():
    assert speakers_imports_of_programme(ROOT) == []


def test_only_the_door_and_the_emulator_write_sql_by_hand():
    assert raw_sql_outside_the_door(ROOT) == []


# Negative controls: a small tree in tmp_path broken in the one way each rule forbids.


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_a_long_module_is_reported_and_migrations_are_not(tmp_path):
    long = "x = 1\n" * (MAX_LINES + 1)
    files = {"festival/__init__.py": "", "festival/big.py": long, "festival/ok.py": "x = 1\n" * MAX_LINES}
    root = write(tmp_path, {**files, "festival/migrations/0001_initial.py": long})

    assert oversized_modules(root, ("festival",)) == [f"festival/big.py: {MAX_LINES + 1} lines"]


def test_an_app_imported_by_the_shell_is_reported_but_a_dotted_string_is_not(tmp_path):
    root = write(tmp_path, {
        "festival/__init__.py": "",
        "festival/urls.py": 'from django.urls import include\nurls = [include("door.urls")]\n',
        "festival/handlers.py": "def app():\n    from door.scan import Scan\n",
        "festival/views.py": "from ticketing import models\n",
        "festival/seed.py": "from . import demo\nSEEDERS = ['programme.demo.seed']\n",
    })  # fmt: skip

    assert shell_imports_of_apps(root) == [
        "festival/handlers.py:2 imports door.scan",
        "festival/views.py:1 imports ticketing",
    ]


def test_an_import_in_a_function_is_reported_but_not_in_app_ready_or_an_allowed_heavy_module(tmp_path):
    root = write(tmp_path, {
        "ticketing/__init__.py": "",
        "ticketing/apps.py": "from django.apps import AppConfig\n\nclass C(AppConfig):\n"
                             "    def ready(self):\n        from . import receivers\n",
        "ticketing/receivers.py": "",
        "ticketing/pdf.py": "def draw():\n    import pikepdf\n",
        "ticketing/demo.py": "class Seeder:\n    def seed(self):\n        from stripe_emulator import Server\n",
        "ticketing/other.py": "class NotAnApp:\n    def ready(self):\n        import json\n",
    })  # fmt: skip

    assert function_level_imports(root, ("ticketing",)) == [
        "ticketing/demo.py:3 imports stripe_emulator in seed()",
        "ticketing/other.py:3 imports json in ready()",
    ]


def test_a_cycle_is_reported_by_name_through_relative_and_from_package_imports(tmp_path):
    root = write(tmp_path, {
        "ticketing/__init__.py": "",
        "ticketing/services/__init__.py": "",
        "ticketing/services/capacity.py": "from ticketing.services import orders\n",
        "ticketing/services/orders.py": "from . import checkout\n",
        "ticketing/services/checkout.py": "from .capacity import reserve\n",
        "ticketing/lazy.py": "def f():\n    from ticketing import late\n",
        "ticketing/late.py": "from ticketing import lazy\n",
        "ticketing/typed.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ticketing import hinted\n",
        "ticketing/hinted.py": "from ticketing import typed\n",
    })  # fmt: skip

    assert import_cycles(root, ("ticketing",)) == [
        "ticketing.services.capacity -> ticketing.services.checkout -> ticketing.services.orders"
        " -> ticketing.services.capacity"
    ]


def test_speakers_importing_programme_is_reported(tmp_path):
    root = write(tmp_path, {
        "speakers/__init__.py": "",
        "speakers/models.py": "from programme.models import SessionPage\n",
        "speakers/views.py": "import programme\nNOTE = 'programme.models is fine as text'\n",
    })  # fmt: skip

    assert speakers_imports_of_programme(root) == [
        "speakers/models.py:1 imports programme.models",
        "speakers/views.py:1 imports programme",
    ]


def test_hand_written_sql_is_reported_outside_the_door_and_the_emulator(tmp_path):
    root = write(tmp_path, {
        "ticketing/__init__.py": "",
        "ticketing/stock.py": "def f(connection, T):\n    with connection.cursor() as cursor:\n"
                              "        cursor.execute('SELECT 1')\n    return T.objects.raw('SELECT 1')\n",
        "ticketing/annotate.py": "from django.db.models.expressions import RawSQL\n",
        "ticketing/words.py": '"""Never cursor.execute or .raw( here, nor RawSQL."""\n',
        "door/__init__.py": "",
        "door/scan.py": "def f(cursor):\n    cursor.execute('SELECT 1')\n",
        "stripe_emulator/__init__.py": "",
        "stripe_emulator/store.py": "def f(cursor):\n    cursor.execute('SELECT 1')\n",
    })  # fmt: skip

    assert raw_sql_outside_the_door(root, ("ticketing", "door", "stripe_emulator")) == [
        "ticketing/annotate.py:1 RawSQL",
        "ticketing/stock.py:3 cursor.execute",
        "ticketing/stock.py:4 .raw()",
    ]
