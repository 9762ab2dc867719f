"""Bench-only stacks derived from prod with more application namespaces, in a temporary copy of the project.

Each application namespace adds a fixed set of Kubernetes objects (the namespace, its quota, limit range and
network policies) and nothing else, so `kubernetes.appNamespaces` scales the stack in even steps without
touching its AWS side. The stack files and their offline stand-ins (keyed by stack name) are written into a
copy: the repository never gets a bench stack.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from platformctl.project import OFFLINE_FILE, Project, load_project

SOURCE_STACK = "prod"
_COPIED_FILES = ("Pulumi.yaml", "__main__.py", OFFLINE_FILE)
_KEY = "platform:kubernetes"


class ScaledProject:
    """A copy of the project to which stacks with N application namespaces can be added."""

    def __init__(self, repo: Path, root: Path) -> None:
        self.root = root
        self._source = yaml.safe_load((repo / f"Pulumi.{SOURCE_STACK}.yaml").read_text()) or {}
        self._offline: dict[str, Any] = yaml.safe_load((repo / OFFLINE_FILE).read_text()) or {}
        self.project: Project = load_project(root)

    def add_stack(self, stack: str, namespaces: int) -> str:
        """Prod's stack file with `namespaces` application namespaces (1 = prod's own list, unchanged)."""
        config = dict(self._source.get("config") or {})
        if namespaces > 1:
            # Object-valued keys override only the fields they name: quotas and the rest stay prod's.
            kubernetes = dict(config.get(_KEY) or {})
            kubernetes["appNamespaces"] = ["apps", *(f"bench-{index:04d}" for index in range(2, namespaces + 1))]
            config[_KEY] = kubernetes
        (self.root / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": config}, sort_keys=True))
        stand_ins = (self._offline.get("config") or {}).get(SOURCE_STACK) or {}
        self._offline.setdefault("config", {})[stack] = stand_ins
        (self.root / OFFLINE_FILE).write_text(yaml.safe_dump(self._offline, sort_keys=True))
        return stack


@contextmanager
def scaled_project(repo: Path) -> Iterator[ScaledProject]:
    with tempfile.TemporaryDirectory(prefix="bench-scaling-") as scratch:
        root = Path(scratch)
        for name in _COPIED_FILES:
            shutil.copy2(repo / name, root / name)
        shutil.copytree(repo / "components", root / "components", ignore=shutil.ignore_patterns("__pycache__"))
        yield ScaledProject(repo, root)


def namespaces_for(factor: int, base_resources: int, per_namespace: int) -> int:
    """Application namespaces that bring prod (one namespace, `base_resources`) to about `factor` times its size."""
    return 1 + round((factor - 1) * base_resources / per_namespace)
