"""A resource monitor that records every registration the way the Pulumi engine would see it.

It extends the SDK's `MockMonitor` (so the program talks to the SDK's own mock monitor) and
keeps, per resource, what `pulumi preview --json` shows: type, name, parent, inputs exactly as
serialized by the SDK (camelCase, secrets still marked), protect, provider, dependencies and the
replacement options (deleteBeforeReplace, ignoreChanges).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import empty_pb2
from pulumi import asset
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor, MockResourceArgs, _ensure_event_loop, _resolve_callbacks
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import get_project, get_stack
from pulumi.runtime.sync_await import _sync_await

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
SECRET_PLACEHOLDER = "[secret]"


@dataclass
class ResourceRecord:
    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any] = field(default_factory=dict)
    id: str = ""
    protect: bool = False
    provider: str = ""
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    op: str = "create"
    delete_before_replace: bool = False
    ignore_changes: list[str] = field(default_factory=list)


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks) -> None:
        super().__init__(mocks)
        self.records: list[ResourceRecord] = []
        self.stack_outputs: dict[str, Any] = {}
        self._lock = threading.Lock()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The engine leaves the root stack out of its children's qualified type; the SDK's mock
        # does not. URNs here must match what the real engine writes into state.
        if parent and parent.split("::")[2] == ROOT_STACK_TYPE:
            parent = ""
        return super().make_urn(parent, type_, name)

    def RegisterResource(self, request):
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == ROOT_STACK_TYPE:
            self._record(
                ResourceRecord(urn=urn, type=request.type, name=request.name, parent="", custom=False, inputs={})
            )
            return resource_pb2.RegisterResourceResponse(urn=urn)
        _ensure_event_loop()
        inputs = rpc.deserialize_properties(request.object, keep_unknowns=True)
        resource_id, state = self.mocks.new_resource(
            MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=inputs,
                provider=request.provider,
                resource_id=request.importId,
                custom=request.custom or False,
                transforms=_resolve_callbacks(request.transforms),
            )
        )
        self._record(
            ResourceRecord(
                urn=urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                custom=request.custom,
                inputs=inputs,
                outputs=state,
                id=resource_id or "",
                protect=request.protect,
                provider=request.provider,
                dependencies=list(request.dependencies),
                property_dependencies={key: list(value.urns) for key, value in request.propertyDependencies.items()},
                aliases=self._alias_urns(request),
                delete_before_replace=request.deleteBeforeReplace,
                ignore_changes=list(request.ignoreChanges),
            )
        )
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, resource_id, state)
        response_state = _sync_await(rpc.serialize_properties(state, {}))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id, object=response_state)

    def _alias_urns(self, request) -> list[str]:
        """The alias URNs the program declared, as the engine's `collapseAliasToUrn` computes them.

        The mock monitor advertises alias specs, so the SDK sends `aliases` (a URN or a spec of
        name/type/parent/stack/project) and leaves `aliasURNs` empty; older SDKs send URNs only.
        Aliases a child inherits from an aliased parent are not declared and not listed here.
        """
        urns = [str(urn) for urn in request.aliasURNs]
        for alias in request.aliases:
            if alias.WhichOneof("alias") == "spec":
                urns.append(_collapse_alias_spec(alias.spec, request.type, request.name, request.parent))
            elif alias.urn:
                urns.append(alias.urn)
        return list(dict.fromkeys(urns))

    def ReadResource(self, request):
        response = super().ReadResource(request)
        registered = self.resources[response.urn]
        self._record(
            ResourceRecord(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                custom=True,
                inputs={},
                outputs=registered.state,
                id=request.id,
                provider=request.provider,
                op="read",
            )
        )
        return response

    def RegisterResourceOutputs(self, request):
        if request.urn.split("::")[2] == ROOT_STACK_TYPE:
            self.stack_outputs = rpc.deserialize_properties(request.outputs, keep_unknowns=True)
        return empty_pb2.Empty()

    def _record(self, record: ResourceRecord) -> None:
        with self._lock:
            self.records.append(record)


def _collapse_alias_spec(spec, type_: str, name: str, parent: str) -> str:
    """What the resource's URN was, from a spec: every field left empty means "as it is now"."""
    old_parent = "" if spec.noParent else (spec.parentUrn or parent)
    qualified = spec.type or type_
    if old_parent and old_parent.split("::")[2] != ROOT_STACK_TYPE:  # the engine's NewURN skips the root stack
        qualified = f"{old_parent.split('::')[2]}${qualified}"
    stack, project = spec.stack or get_stack(), spec.project or get_project()
    return f"urn:pulumi:{stack}::{project}::{qualified}::{spec.name or name}"


def plain(value: Any) -> Any:
    """JSON-ready view of deserialized properties: secrets hidden, unknowns shown as the CLI does."""
    if rpc.is_rpc_secret(value):
        return SECRET_PLACEHOLDER
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # protobuf carries every number as a double; the CLI prints 3, not 3.0
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if type(value).__name__ == "Unknown":
        return "[unknown]"
    if isinstance(value, (asset.Asset, asset.Archive)):
        return _asset(value)
    return str(value)


def _asset(value: asset.Asset | asset.Archive) -> Any:
    """An asset or archive as its content, not its object: the CLI diffs assets by their content's hash, and a
    machine's absolute path must not reach a preview or a snapshot."""
    if isinstance(value, asset.AssetArchive):
        return {"assetArchive": {name: plain(item) for name, item in sorted(value.assets.items())}}
    if isinstance(value, asset.FileAsset):
        path = Path(str(value.path))
        return {"fileAsset": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    if isinstance(value, asset.StringAsset):
        return {"stringAsset": hashlib.sha256(str(value.text).encode()).hexdigest()}
    if isinstance(value, (asset.FileArchive, asset.RemoteAsset, asset.RemoteArchive)):
        location = getattr(value, "path", None) or getattr(value, "uri", "")
        return {type(value).__name__[0].lower() + type(value).__name__[1:]: Path(str(location)).name}
    return type(value).__name__


def stack_identity() -> tuple[str, str]:
    return get_project(), get_stack()
