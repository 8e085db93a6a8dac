"""The shape of the code: no import cycles, dependencies between features in one direction, and nothing wired by
being imported. Imports inside functions count as much as those at the top of a module."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from portal import FEATURES, create_app
from portal.config import ROOT

TOPS = ("portal", "worker")


def _modules() -> dict[str, Path]:
    found = {}
    for top in TOPS:
        for path in (ROOT / top).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str) -> set[str]:
    """The project modules `module` imports, anywhere in its body (`from a import b` counts a.b, or a)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        found.update(target for target in map(_resolve, targets) if target and target != module)
    return found


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_in_portal_and_worker():
    graph = {module: imports_of(module) for module in MODULES}
    assert find_cycles(graph) == []


def _feature_of(module: str) -> str | None:
    parts = module.split(".")
    names = {feature.__name__ for feature in FEATURES}
    return ".".join(parts[:2]) if len(parts) >= 2 and ".".join(parts[:2]) in names else None


def test_features_depend_only_on_features_listed_before_them():
    """create_app lists FEATURES in dependency order: a feature may import one listed earlier, never a later one
    (registrations builds on sessions, never the reverse)."""
    order = [feature.__name__ for feature in FEATURES]
    wrong = []
    for module in MODULES:
        feature = _feature_of(module)
        if feature is None:
            continue
        for target in imports_of(module):
            used = _feature_of(target)
            if used is not None and used != feature and order.index(used) > order.index(feature):
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_no_feature_imports_another_features_routes():
    wrong = [f"{module} imports {target}" for module in MODULES for target in imports_of(module)
             if target.endswith(".routes") and _feature_of(module) not in (None, _feature_of(target))]
    assert wrong == []


def test_the_app_core_imports_no_feature():
    """The app-wide modules (extensions, i18n, times, clock...) know no feature; only create_app lists them."""
    core = [module for module in MODULES if module.startswith("portal.") and _feature_of(module) is None
            and module not in ("portal.models", "portal.demo", "portal.cli")]
    wrong = [f"{module} imports {target}" for module in core for target in imports_of(module)
             if _feature_of(target) is not None]
    assert wrong == []


@pytest.mark.parametrize("attribute", ["email_builders", "clock"])
def test_each_app_gets_its_registries_from_init_app(app_config, attribute):
    """Two apps in one process have equal but separate registries, filled by create_app's list of features."""
    first, second = create_app(app_config), create_app(app_config)
    assert first.extensions[attribute] == second.extensions[attribute]
    assert first.extensions[attribute] is not second.extensions[attribute]


def test_services_never_commit():
    """The view, CLI command, clock job or actor owns the transaction: no `services.py` calls commit()."""
    committing = []
    for module, path in MODULES.items():
        if path.name != "services.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("commit", "rollback"):
                committing.append(f"{module}:{node.lineno}")
    assert committing == []
