"""What `preview` checks of its policy packs before any program runs: a mistake there is exit 2 in a second,
not after minutes of previews.

- Each pack's `exemptions.yaml`, read by `platform_core.exemptions_schema`, the code the pack itself uses.
- Each `--policy-pack-config` file (every stack's, for a `{stack}` template): JSON, an object, and each
  entry allowed by the schema the pack reports over GetAnalyzerInfo, as the Pulumi CLI asks it. platformctl
  never imports a pack, so it starts each pack that has a config once (not once per stack), in parallel.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format

from platform_core.exemptions_schema import FILE_NAME, check_file

from .check import config_for
from .config import read_config_file
from .config_schema import PolicySchema, validate_config
from .runner import LEVEL_NAMES, PackFailed, analyzer


@dataclass(frozen=True)
class PackSchemas:
    name: str
    policies: Mapping[str, PolicySchema]


def validate_pack_inputs(packs: list[Path], configs: list[str | None], stacks: list[str], base: Path) -> None:
    """A `UsageError` for the first pack input that is wrong; nothing when all of them would be accepted."""
    for pack in packs:
        check_file(pack / FILE_NAME)
    documents: dict[Path, dict[Path, dict[str, Any]]] = {}
    for pack, config in zip(packs, configs, strict=True):  # a pack given twice is still started once
        documents.setdefault(pack, {}).update(_documents(config, stacks, base))
    wanted = [pack for pack, found in documents.items() if found]
    if not wanted:
        return
    with ThreadPoolExecutor(max_workers=len(wanted)) as pool:
        schemas = dict(zip(wanted, pool.map(_schemas_or_none, wanted), strict=True))
    for pack in wanted:
        pack_schemas = schemas[pack]
        if pack_schemas is None:
            continue  # the pack did not answer: the run starts it again and reports why, as before
        for path, document in documents[pack].items():
            validate_config(path, document, pack_schemas.name, pack_schemas.policies)


def pack_schemas(pack: Path) -> PackSchemas:
    """Each policy's default level and config schema, from the pack itself over GetAnalyzerInfo."""
    with analyzer(pack, {}) as stub:
        info = stub.GetAnalyzerInfo(empty_pb2.Empty())
    return PackSchemas(info.name, {policy.name: _policy_schema(policy) for policy in info.policies})


def _documents(config: str | None, stacks: list[str], base: Path) -> dict[Path, dict[str, Any]]:
    """The config files of one pack: one, or one per stack for a `{stack}` template; each parsed once."""
    paths = dict.fromkeys(path for stack in stacks if (path := config_for(config, stack, base)) is not None)
    return {path: read_config_file(path) for path in paths}


def _schemas_or_none(pack: Path) -> PackSchemas | None:
    try:
        return pack_schemas(pack)
    except (PackFailed, grpc.RpcError):
        return None


def _policy_schema(policy: Any) -> PolicySchema:
    schema = json_format.MessageToDict(policy.configSchema, preserving_proto_field_name=True)
    return PolicySchema(
        name=policy.name,
        level=LEVEL_NAMES.get(policy.enforcementLevel, "advisory"),
        properties=schema.get("properties", {}),
        required=tuple(schema.get("required", ())),
    )
