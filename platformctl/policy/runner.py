"""Runs a CrossGuard policy pack the way the Pulumi CLI does, over an offline preview.

The pack is started as the CLI starts a Python pack (`python -m pulumi.policy <engine> <dir>`), prints
its port, and is driven over the Analyzer gRPC protocol: Handshake, GetAnalyzerInfo, Configure
(the policy-pack config, merged over the pack's defaults like the CLI does), ConfigureStack,
`Analyze` for every resource, and `AnalyzeStack` once with the whole stack.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from platform_core.errors import UsageError

from ..project import read_yaml
from .config import merged_policy_config

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
LEVEL_NAMES = {0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate"}
_SEVERITIES = {0: "unspecified", 1: "low", 2: "medium", 3: "high", 4: "critical"}
_STARTUP_SECONDS = 60
# How the pack marks a finding an exemption excuses (platform_policies.crossguard): shown as exempted, not noise.
EXEMPTED_MARKER = "[exempted]"


@dataclass(frozen=True)
class PolicyInfo:
    name: str
    description: str
    severity: str
    remediation: str
    framework: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    pack: str
    policy: str
    level: str  # advisory | mandatory (an exempted finding is advisory and marked `exempted`)
    severity: str
    urn: str
    message: str
    description: str
    remediation: str
    framework: str
    exempted: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "policyPackName": self.pack,
            "policyName": self.policy,
            "enforcementLevel": self.level,
            "severity": self.severity,
            "urn": self.urn,
            "message": self.message,
            "description": self.description,
            "remediationSteps": self.remediation,
            "framework": self.framework,
            "exempted": self.exempted,
        }


def evaluate(
    pack_dir: Path,
    config_file: Path | None,
    resources: list[dict[str, Any]],
    project: str,
    stack: str,
    environment: dict[str, str],
    started: subprocess.Popen[str] | None = None,
) -> list[Finding]:
    """The pack's findings over one stack; `started`: the pack's process if `start_pack` has already started it."""
    with analyzer(pack_dir, environment, started) as stub:
        info = stub.GetAnalyzerInfo(empty_pb2.Empty())
        policies = {p.name: _policy_info(p) for p in info.policies}
        stub.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=_policy_config(info, config_file)))
        stub.ConfigureStack(
            analyzer_pb2.AnalyzerStackConfigureRequest(
                stack=stack, project=project, organization="organization", dry_run=True
            )
        )
        analyzed = [r for r in resources if r["type"] != ROOT_STACK_TYPE]
        by_urn = {r["urn"]: r for r in resources}
        findings = []
        for resource in analyzed:
            # A resource policy reports without a URN; the engine attributes it to the analyzed resource.
            findings += [
                _finding(d, info.name, policies, resource["urn"])
                for d in stub.Analyze(_analyze_request(resource, by_urn)).diagnostics
            ]
        stack_request = analyzer_pb2.AnalyzeStackRequest(resources=[_stack_resource(r, by_urn) for r in analyzed])
        findings += [_finding(d, info.name, policies, "") for d in stub.AnalyzeStack(stack_request).diagnostics]
    return findings


@contextmanager
def analyzer(
    pack_dir: Path, environment: dict[str, str], started: subprocess.Popen[str] | None = None
) -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    process = started or start_pack(pack_dir, environment)
    try:
        port = _read_port(process, pack_dir)
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        stub = analyzer_pb2_grpc.AnalyzerStub(channel)
        _handshake(stub, pack_dir)
        yield stub
        channel.close()
    finally:
        stop_pack(process)


def start_pack(pack_dir: Path, environment: dict[str, str]) -> subprocess.Popen[str]:
    """The pack's process, as the CLI starts it: it prints its port once it has imported its rules (about a second),
    then waits for requests. Started ahead of the stack's preview, that second runs beside the programs."""
    if not (pack_dir / "PulumiPolicy.yaml").is_file():
        raise UsageError(f"{pack_dir} is not a policy pack: it has no PulumiPolicy.yaml")
    try:
        return subprocess.Popen(
            [pack_interpreter(pack_dir), "-u", "-m", "pulumi.policy", "127.0.0.1:0", str(pack_dir)],
            cwd=pack_dir,
            env={**os.environ, **environment},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    except OSError as error:
        if error.errno != errno.E2BIG:
            raise
        raise UsageError(_environment_too_large(pack_dir, environment)) from None


def stop_pack(process: subprocess.Popen[str]) -> None:
    process.kill()
    process.wait()


def _environment_too_large(pack_dir: Path, environment: dict[str, str]) -> str:
    # The Pulumi CLI hands a pack the stack's config in PULUMI_CONFIG as well; Linux caps one environment
    # string at 128 KiB (MAX_ARG_STRLEN), so the real CLI could not start this pack either.
    name, value = max(environment.items(), key=lambda item: len(item[1]))
    return (
        f"policy pack {pack_dir}: cannot be started, its environment variable {name} is {len(value):,} characters "
        "(the stack's config, as the Pulumi CLI passes it); one variable may hold at most 131,072 bytes on Linux: "
        "keep large values out of the stack config (a file or a secret store the program reads instead)"
    )


def _read_port(process: subprocess.Popen, pack_dir: Path) -> int:
    line = process.stdout.readline().strip() if process.stdout else ""
    if not line.isdigit():
        process.kill()
        errors = process.stderr.read() if process.stderr else ""
        raise PackFailed(f"policy pack {pack_dir} did not start: {errors.strip() or line or 'no port printed'}")
    return int(line)


def _handshake(stub: analyzer_pb2_grpc.AnalyzerStub, pack_dir: Path) -> None:
    request = analyzer_pb2.AnalyzerHandshakeRequest(
        engine_address="127.0.0.1:0", root_directory=str(pack_dir), program_directory=str(pack_dir)
    )
    try:
        stub.Handshake(request, timeout=_STARTUP_SECONDS, wait_for_ready=True)
    except grpc.RpcError as error:
        # Packs built on older SDKs do not implement Handshake; the CLI carries on without it too.
        if error.code() != grpc.StatusCode.UNIMPLEMENTED:
            raise


class PackFailed(Exception):
    """The policy pack could not be started or answered with an error."""


def _policy_config(info: Any, config_file: Path | None) -> dict[str, analyzer_pb2.PolicyConfig]:
    defaults: dict[str, tuple[str, dict[str, Any]]] = {
        p.name: (LEVEL_NAMES[p.enforcementLevel], {}) for p in info.policies
    }
    config = {}
    for name, (level, properties) in merged_policy_config(defaults, config_file).items():
        struct = struct_pb2.Struct()
        struct.update(properties)
        config[name] = analyzer_pb2.PolicyConfig(enforcementLevel=_level_number(level), properties=struct)
    return config


def _level_number(level: str) -> analyzer_pb2.EnforcementLevel.ValueType:
    return analyzer_pb2.EnforcementLevel.Value(level.upper())


def _struct(values: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(json.loads(json.dumps(values, default=str)))
    return struct


def _options(resource: dict[str, Any]) -> analyzer_pb2.AnalyzerResourceOptions:
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=resource["protect"], parent=resource["parent"], aliases=resource.get("aliases", [])
    )


def _provider(
    resource: dict[str, Any], by_urn: dict[str, dict[str, Any]]
) -> analyzer_pb2.AnalyzerProviderResource | None:
    provider = by_urn.get(resource["provider"].rsplit("::", 1)[0]) if resource["provider"] else None
    if provider is None:
        return None
    return analyzer_pb2.AnalyzerProviderResource(
        type=provider["type"], properties=_struct(provider["inputs"]), urn=provider["urn"], name=provider["name"]
    )


def _resource_fields(resource: dict[str, Any], by_urn: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What Analyze and AnalyzeStack both send of a resource."""
    return {
        "type": resource["type"],
        "properties": _struct(resource["inputs"]),
        "urn": resource["urn"],
        "name": resource["name"],
        "options": _options(resource),
        "provider": _provider(resource, by_urn),
    }


def _analyze_request(resource: dict[str, Any], by_urn: dict[str, dict[str, Any]]) -> analyzer_pb2.AnalyzeRequest:
    return analyzer_pb2.AnalyzeRequest(**_resource_fields(resource, by_urn))


def _stack_resource(resource: dict[str, Any], by_urn: dict[str, dict[str, Any]]) -> analyzer_pb2.AnalyzerResource:
    dependencies = {
        key: analyzer_pb2.AnalyzerPropertyDependencies(urns=urns)
        for key, urns in resource.get("propertyDependencies", {}).items()
    }
    return analyzer_pb2.AnalyzerResource(
        **_resource_fields(resource, by_urn),
        parent=resource["parent"],
        dependencies=resource["dependencies"],
        propertyDependencies=dependencies,
    )


def _policy_info(policy: Any) -> PolicyInfo:
    framework = policy.framework
    label = f"{framework.name} {framework.reference}".strip() if framework.name else ""
    return PolicyInfo(
        name=policy.name,
        description=policy.description,
        severity=_SEVERITIES[policy.severity],
        remediation=policy.remediation_steps,
        framework=label,
        tags=tuple(policy.tags),
    )


def _finding(diagnostic: Any, pack: str, policies: dict[str, PolicyInfo], analyzed_urn: str) -> Finding:
    info = policies.get(diagnostic.policyName)
    severity = _SEVERITIES.get(diagnostic.severity, "unspecified")
    # The SDK sends "<description>\n<message>"; the CLI shows them apart, and so do the reports.
    message = diagnostic.message.removeprefix(diagnostic.description).strip() or diagnostic.message
    return Finding(
        pack=diagnostic.policyPackName or pack,
        policy=diagnostic.policyName,
        level=LEVEL_NAMES.get(diagnostic.enforcementLevel, "advisory"),
        severity=info.severity if info and severity == "unspecified" else severity,
        urn=diagnostic.urn or analyzed_urn,
        message=message,
        description=diagnostic.description,
        remediation=info.remediation if info else "",
        framework=info.framework if info else "",
        exempted=message.startswith(EXEMPTED_MARKER),
    )


def pack_interpreter(pack_dir: Path) -> str:
    """The Python the Pulumi CLI runs the pack with: its declared `runtime.options.virtualenv`, else ours.

    A declared virtualenv that does not exist is an error, as under the CLI: silently running the pack
    with another interpreter would test it against packages it does not pin.
    """
    manifest = read_yaml(pack_dir / "PulumiPolicy.yaml")
    runtime = manifest.get("runtime") if isinstance(manifest, dict) else None
    options = (runtime.get("options") or {}) if isinstance(runtime, dict) else {}
    declared = options.get("virtualenv") or options.get("virtualEnv") if isinstance(options, dict) else None
    if not declared:
        return sys.executable
    candidate = pack_dir / str(declared) / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not candidate.is_file():  # not resolved: a venv's python is a symlink that must stay one
        raise UsageError(
            f"policy pack {pack_dir} declares runtime.options.virtualenv: {declared}, but "
            f"{candidate} does not exist; create it with `make install` at the repository root, "
            f"or `pulumi install` in {pack_dir}"
        )
    return str(candidate)
