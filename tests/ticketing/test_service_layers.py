"""The shop's services are layered: capacity at the bottom, checkout on top, task definitions above
them all and imported by no service; and no import hides inside a function to dodge a cycle."""

import ast
from pathlib import Path

import ticketing

TICKETING = Path(ticketing.__file__).parent
SERVICES = TICKETING / "services"
# Each service and the services (in the same package) it may import: only ones below it.
LAYERS = {
    "capacity": set(),
    "orders": {"capacity"},
    "waiting_list": {"capacity"},
    "refunds": {"capacity", "orders"},
    "payments": {"capacity", "orders", "refunds", "waiting_list"},
    "attendees": {"badges"},
    "checkout": {"capacity", "orders", "payments", "attendees"},
    "boxoffice": {"capacity", "orders", "badges"},
}
SHARED = {"errors", "outcomes"}  # leaves every service may use


def _imports(path: Path) -> list[tuple[str, ast.AST]]:
    """(module imported, node) for each import in the file, relative ones named within ``ticketing.services``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = "ticketing.services" + (f".{node.module}" if node.module else "")
                found += [(f"{base}.{alias.name}" if not node.module else base, node) for alias in node.names]
            else:
                found += [(f"{node.module}.{alias.name}", node) for alias in node.names]
                found.append((node.module, node))
        elif isinstance(node, ast.Import):
            found += [(alias.name, node) for alias in node.names]
    return found


def test_each_service_imports_only_the_services_below_it():
    for name, allowed in LAYERS.items():
        services = {
            module.split(".")[2]
            for module, _ in _imports(SERVICES / f"{name}.py")
            if module.startswith("ticketing.services.") and module.count(".") >= 2
        }
        assert services - SHARED - {name} <= allowed, name


def test_no_service_imports_the_task_definitions_or_their_receivers():
    for path in SERVICES.glob("*.py"):
        modules = {module for module, _ in _imports(path)}
        assert not modules & {"ticketing.tasks", "ticketing.receivers"}, path.name


def test_no_import_of_the_shop_is_placed_inside_a_function():
    paths = [*SERVICES.glob("*.py"), TICKETING / "tasks.py", TICKETING / "views.py", TICKETING / "forms.py"]
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                nested = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
                assert not nested, f"{path.name}: {node.name} imports inside itself"
