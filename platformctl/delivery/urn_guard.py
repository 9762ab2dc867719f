"""Replacement guard: a stateful resource must keep its URN, or the program must declare an alias for the old one.

Pulumi identifies a resource by its URN (stack, project, parent type chain, name). Renaming a resource, renaming
the component its name derives from, or moving it under another parent changes the URN, and without an alias the
engine deletes the old resource and creates a new one: for a database, a bucket or a key that is data loss.
Committed snapshots (`tests/snapshots/stateful-<stack>.json`) list the stateful URNs; `check` fails for any that
the program no longer produces, directly or through an alias, and suggests the alias to add.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platform_core.errors import UsageError

STATEFUL_TYPES = frozenset(
    {
        "aws:rds/instance:Instance",
        "aws:rds/cluster:Cluster",
        "aws:s3/bucket:Bucket",
        "aws:kms/key:Key",
        "aws:backup/vault:Vault",
        "aws:route53/zone:Zone",
        "aws:dynamodb/table:Table",
        "aws:efs/fileSystem:FileSystem",
        "aws:ecr/repository:Repository",
    }
)
SNAPSHOT_DIR = Path("tests") / "snapshots"
ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
# `pulumi preview --json` operations that end the life of the existing cloud resource.
DESTRUCTIVE_OPS = frozenset(
    {
        "delete",
        "replace",
        "create-replacement",
        "delete-replaced",
        "discard",
        "discard-replaced",
        "read-replacement",
        "import-replacement",
    }
)

Resource = dict[str, Any]


@dataclass(frozen=True)
class Urn:
    stack: str
    project: str
    qualified_type: str  # parent types and the resource's own type, joined by `$`
    name: str

    @classmethod
    def parse(cls, urn: str) -> Urn:
        stack, project, qualified_type, name = urn.removeprefix("urn:pulumi:").split("::", 3)
        return cls(stack, project, qualified_type, name)

    @property
    def type(self) -> str:
        return self.qualified_type.split("$")[-1]

    @property
    def parent_chain(self) -> list[str]:
        return self.qualified_type.split("$")[:-1]

    def __str__(self) -> str:
        return f"urn:pulumi:{self.stack}::{self.project}::{self.qualified_type}::{self.name}"


@dataclass(frozen=True)
class Gone:
    stack: str
    urn: str
    message: str


def stateful_urns(resources: Iterable[Resource]) -> list[str]:
    return sorted(r["urn"] for r in resources if r["type"] in STATEFUL_TYPES and not r.get("delete"))


def snapshot_path(snapshot_dir: Path, stack: str) -> Path:
    return snapshot_dir / f"stateful-{stack}.json"


def write_snapshot(path: Path, stack: str, urns: list[str]) -> bool:
    text = json.dumps({"stack": stack, "urns": urns}, indent=2) + "\n"
    if path.is_file() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return True


def read_baseline(path: Path) -> list[str]:
    """A snapshot, or a `pulumi stack export` file: the real state is the better baseline when at hand."""
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read the URN baseline {path}: {error}") from None
    if isinstance(document, dict) and isinstance(document.get("urns"), list):
        return sorted(document["urns"])
    if isinstance(document, dict) and isinstance(document.get("deployment"), dict):
        return stateful_urns(document["deployment"].get("resources") or [])
    raise UsageError(f'{path}: expected a snapshot ({{"urns": [...]}}) or a `pulumi stack export` file')


def effective_aliases(resources: list[Resource]) -> dict[str, list[str]]:
    """Declared aliases plus those a child inherits from an aliased parent, as the engine's `generateAliases`.

    Renaming a component renames nothing else in the code, but its children's names usually derive from its
    name (`f"{name}-instance"`), so their URNs change too; the engine aliases them through the parent's alias.
    Every alias of the parent counts here, where the engine uses the one that matched the old state.
    """
    by_urn = {r["urn"]: r for r in resources}
    memo: dict[str, list[str]] = {}

    def aliases_of(urn: str) -> list[str]:
        if urn not in memo:
            memo[urn] = []  # placeholder: a parent cycle (never produced by the SDK) ends here instead of looping
            memo[urn] = _aliases(by_urn[urn], aliases_of) if urn in by_urn else []
        return memo[urn]

    return {urn: aliases_of(urn) for urn in by_urn}


def _aliases(resource: Resource, aliases_of: Callable[[str], list[str]]) -> list[str]:
    declared = list(resource.get("aliases") or [])
    found = list(declared)
    if resource.get("parent"):
        me, parent_name = Urn.parse(resource["urn"]), Urn.parse(resource["parent"]).name
        for parent_alias in map(Urn.parse, aliases_of(resource["parent"])):
            found.append(_inherited(me, me.type, me.name, parent_name, parent_alias))
            for alias in map(Urn.parse, declared):
                found.append(_inherited(me, alias.type, alias.name, parent_name, parent_alias))
    return list(dict.fromkeys(found))


def _inherited(me: Urn, child_type: str, child_name: str, parent_name: str, parent_alias: Urn) -> str:
    """The engine's `inheritedChildAlias`: a name derived from the parent's follows the parent's old name."""
    name = parent_alias.name + child_name[len(parent_name) :] if child_name.startswith(parent_name) else child_name
    qualified = (
        child_type if parent_alias.qualified_type == ROOT_STACK_TYPE else f"{parent_alias.qualified_type}${child_type}"
    )
    return str(Urn(me.stack, me.project, qualified, name))


def check(stack: str, baseline: Iterable[str], resources: list[Resource]) -> list[Gone]:
    """The baseline's stateful URNs the program no longer produces, directly or through an alias."""
    expected = sorted(set(baseline))
    aliases = effective_aliases(resources)
    covered = set(aliases) | {alias for found in aliases.values() for alias in found}
    claimed = {urn for urn, found in aliases.items() if set(found) & set(expected)}
    # Stateful resources that are new to the baseline: where a gone one most likely went.
    newcomers = [
        r for r in resources if r["type"] in STATEFUL_TYPES and r["urn"] not in expected and r["urn"] not in claimed
    ]
    return [
        Gone(stack, urn, _message(stack, Urn.parse(urn), newcomers, resources))
        for urn in expected
        if urn not in covered
    ]


def _message(stack: str, old: Urn, newcomers: list[Resource], resources: list[Resource]) -> str:
    chain = " > ".join(old.parent_chain) or "none (top level)"
    lines = [f"stateful resource {old} is gone: renaming or moving it would delete and recreate it (data loss)."]
    candidates = [r for r in newcomers if Urn.parse(r["urn"]).type == old.type]
    if not candidates:
        lines.append(f"No new {old.type} took its place.")
    else:
        new = max(
            candidates,
            key=lambda r: (
                difflib.SequenceMatcher(None, old.name, r["name"]).ratio(),
                Urn.parse(r["urn"]).parent_chain == old.parent_chain,
            ),
        )
        lines += _alias_advice(old, new, {r["urn"]: r for r in resources}, chain)
    lines.append(f"Or run `python -m platformctl urns --stack {stack} --write` if the removal is intended.")
    return "\n    ".join(lines)


def _alias_advice(old: Urn, new: Resource, by_urn: dict[str, Resource], chain: str) -> list[str]:
    renamed = _renamed_ancestor(old, new, by_urn)
    parent_arg = _parent_argument(old, new, by_urn, renamed)
    advice = [
        f"If it moved to {new['urn']}, add "
        f'`opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="{old.name}"{parent_arg})])` to it '
        f'(old name "{old.name}", old parent type chain {chain}).'
    ]
    if renamed:
        ancestor, old_name = renamed
        advice.append(
            f'Its component {ancestor["urn"]} looks renamed from "{old_name}": '
            f'`opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="{old_name}")])` on that component '
            "covers this resource and every child whose name derives from the component's."
        )
    return advice


def _ancestors(resource: Resource, by_urn: dict[str, Resource]) -> list[Resource]:
    found = []
    while resource.get("parent") in by_urn:
        resource = by_urn[resource["parent"]]
        found.append(resource)
    return found


def _renamed_ancestor(old: Urn, new: Resource, by_urn: dict[str, Resource]) -> tuple[Resource, str] | None:
    """The outermost component whose rename explains the new name: `new-db-instance` under `new-db` was `old-…`."""
    match = None
    for ancestor in _ancestors(new, by_urn):
        name = ancestor["name"]
        suffix = new["name"][len(name) :] if new["name"].startswith(name) else ""
        if (
            suffix
            and old.name.endswith(suffix)
            and len(old.name) > len(suffix)
            and ancestor["type"] in old.parent_chain
            and old.name[: -len(suffix)] != name
        ):
            match = (ancestor, old.name[: -len(suffix)])
    return match


def _parent_argument(old: Urn, new: Resource, by_urn: dict[str, Resource], renamed: tuple[Resource, str] | None) -> str:
    """`parent=` for the alias, when the old parent differs from the new one."""
    now = Urn.parse(new["urn"])
    parent = by_urn.get(new.get("parent", ""))
    if not old.parent_chain:
        return "" if not now.parent_chain else ", parent=None"
    if renamed and parent is renamed[0]:
        return f', parent="{Urn(now.stack, now.project, parent["urn"].split("::")[2], renamed[1])}"'
    if old.parent_chain == now.parent_chain:
        return ""
    old_parent_type = "$".join(old.parent_chain)
    for candidate in by_urn.values():
        if candidate["urn"].split("::")[2] == old_parent_type and old.name.startswith(candidate["name"]):
            return f', parent="{candidate["urn"]}"'
    return f', parent="{Urn(now.stack, now.project, old_parent_type, "<old parent name>")}"'


def destructive_steps(document: dict[str, Any]) -> list[str]:
    """Stateful resources a `pulumi preview --json` would delete or replace (property changes included)."""
    found = []
    for step in document.get("steps") or []:
        urn = step.get("urn", "")
        if step.get("op") in DESTRUCTIVE_OPS and urn.count("::") >= 3 and Urn.parse(urn).type in STATEFUL_TYPES:
            found.append(f"{step['op']}: {urn}")
    return list(dict.fromkeys(found))
