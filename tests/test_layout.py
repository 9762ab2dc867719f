"""The repository's shape: no import cycles, packages depending downward only, test files named uniquely.

Layers, lowest first: platform_core (no Pulumi) ← components (the program), platform_policies (the pack)
and platformctl (the operator CLI). The pack is published alone, so it may import nothing of the rest; the
CLI runs the program and the pack in worker processes and never imports them, except the config model
that `config-docs` documents.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = {
    "platform_core": REPO / "policies" / "platform_core",
    "components": REPO / "components",
    "platform_policies": REPO / "policies" / "platform_policies",
    "platformctl": REPO / "platformctl",
}
# What each package may import of the others (and of the Pulumi SDKs).
ALLOWED = {
    "platform_core": set(),
    "components": {"platform_core", "pulumi"},
    "platform_policies": {"platform_core", "pulumi"},
    "platformctl": {"platform_core", "pulumi", "components.config"},
}
FIRST_PARTY = set(PACKAGES) | {"pulumi", "pulumi_aws", "pulumi_kubernetes", "pulumi_random", "pulumi_policy"}


def _modules() -> dict[str, Path]:
    found = {}
    for package, root in PACKAGES.items():
        for path in root.rglob("*.py"):
            parts = [package, *path.relative_to(root).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(module: str, path: Path) -> Iterator[str]:
    """Absolute names of everything `module` imports, relative imports resolved."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _graph() -> dict[str, set[str]]:
    """Module → the first-party modules it imports (a name imported from a package counts as the package)."""
    graph = {}
    for module, path in MODULES.items():
        targets = set()
        for name in _imports(module, path):
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module and not module.startswith(name + "."):
                targets.add(name)
        graph[module] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_no_module_imports_itself_back():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_packages_depend_downward_only(package):
    wrong = []
    for module, path in MODULES.items():
        if module.split(".")[0] != package:
            continue
        for name in _imports(module, path):
            top = name.split(".")[0]
            if top == package or top not in FIRST_PARTY:
                continue
            allowed = {"pulumi_aws", "pulumi_kubernetes", "pulumi_random", "pulumi_policy"} & {top}
            allowed |= {a for a in ALLOWED[package] if name == a or name.startswith(a + ".") or a == top}
            if not allowed:
                wrong.append(f"{path.relative_to(REPO)}: imports {name}")
    assert not wrong, f"{package} reaches across layers:\n" + "\n".join(sorted(set(wrong)))


def test_the_shared_core_needs_no_pulumi():
    core = [m for m in MODULES if m.startswith("platform_core")]
    assert core, "platform_core not found"
    for module in core:
        pulumi = [n for n in _imports(module, MODULES[module]) if n.split(".")[0].startswith("pulumi")]
        assert not pulumi, f"{MODULES[module]}: the shared core imports {pulumi}"


def test_no_two_test_files_share_a_name():
    names: dict[str, list[str]] = {}
    for path in (REPO / "tests").rglob("test_*.py"):
        names.setdefault(path.name, []).append(str(path.relative_to(REPO)))
    assert not {name: paths for name, paths in names.items() if len(paths) > 1}
