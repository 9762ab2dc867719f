"""The pack's conversion cache: one conversion per resource per request, and no policy sees another's writes."""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy
from pulumi_policy.policy import _PolicyAnalyzerServicer

from platform_policies import conversion_cache

PROPS = {"bucket": "logs", "tags": {"team": "platform"}, "rules": [{"days": 30}]}


def _struct(values: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


def _fields(urn: str) -> dict[str, Any]:
    provider = analyzer_pb2.AnalyzerProviderResource(
        type="pulumi:providers:aws", properties=_struct({"region": "eu-west-1"}), urn="urn:p", name="p"
    )
    return dict(type="aws:s3/bucket:Bucket", properties=_struct(PROPS), urn=urn, name="b", provider=provider)


def _serve(policies: list[Any]) -> _PolicyAnalyzerServicer:
    conversion_cache.install()
    servicer = _PolicyAnalyzerServicer("test-pack", "0.0.1", policies, EnforcementLevel.ADVISORY)
    servicer.GetAnalyzerInfo(empty_pb2.Empty(), None)
    return servicer


def _analyze(servicer: _PolicyAnalyzerServicer) -> None:
    servicer.Analyze(analyzer_pb2.AnalyzeRequest(**_fields("urn:a")), None)


def _analyze_stack(servicer: _PolicyAnalyzerServicer) -> None:
    resources = [analyzer_pb2.AnalyzerResource(**_fields(urn)) for urn in ("urn:a", "urn:b")]
    servicer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=resources), None)


def _resource_policy(name: str, validate: Any) -> ResourceValidationPolicy:
    return ResourceValidationPolicy(name=name, description=name, validate=validate)


def _stack_policy(name: str, validate: Any) -> StackValidationPolicy:
    return StackValidationPolicy(name=name, description=name, validate=validate)


@pytest.fixture
def conversions(monkeypatch) -> list[dict[str, Any]]:
    converted: list[dict[str, Any]] = []
    original = json_format.MessageToDict

    def counting(message: Any, *args: Any) -> Any:
        converted.append(original(message, *args))
        return converted[-1]

    monkeypatch.setattr(json_format, "MessageToDict", counting)
    return converted


def test_analyze_converts_the_resource_and_its_provider_once_for_all_policies(conversions):
    seen: list[Any] = []
    policies = [
        _resource_policy(f"p{i}", lambda args, report: seen.append(args.props["tags"]["team"])) for i in range(4)
    ]
    servicer = _serve(policies)
    _analyze(servicer)
    assert seen == ["platform"] * 4
    assert len(conversions) == 2, "one conversion of the resource's properties and one of its provider's"
    _analyze(servicer)
    assert len(conversions) == 4, "a new request converts again"


def test_analyze_stack_converts_each_resource_once_for_all_policies(conversions):
    seen: list[Any] = []
    policies = [
        _stack_policy(f"s{i}", lambda args, report: seen.extend(r.props["bucket"] for r in args.resources))
        for i in range(3)
    ]
    _analyze_stack(_serve(policies))
    assert seen == ["logs"] * 6
    assert len(conversions) == 4, "two resources, each with its provider, converted once"


def _writer(seen: dict[str, Any], key: str):
    def write(props: Any) -> None:
        props["bucket"] = "mutated"
        props["tags"]["team"] = "mutated"
        props["rules"]["__target"].append("mutated")
        seen[key] = (props["bucket"], props["tags"]["team"], len(props["rules"]))

    return write


def _reader(seen: dict[str, Any], key: str):
    def read(props: Any) -> None:
        seen[key] = (props["bucket"], props["tags"]["team"], len(props["rules"]))

    return read


def test_a_policy_writing_into_its_resource_props_changes_nothing_another_policy_sees(conversions):
    seen: dict[str, Any] = {}
    before, write, after = _reader(seen, "before"), _writer(seen, "writer"), _reader(seen, "after")
    policies = [
        _resource_policy("before", lambda args, report: before(args.props)),
        _resource_policy("writer", lambda args, report: write(args.props)),
        _resource_policy("after", lambda args, report: after(args.props)),
    ]
    _analyze(_serve(policies))
    assert seen == {
        "before": ("logs", "platform", 1),
        "writer": ("mutated", "mutated", 2),
        "after": ("logs", "platform", 1),
    }


def test_a_stack_policy_writing_into_props_changes_nothing_another_stack_policy_sees(conversions):
    seen: dict[str, Any] = {}
    write, after = _writer(seen, "writer"), _reader(seen, "after")
    policies = [
        _stack_policy("writer", lambda args, report: write(args.resources[0].props)),
        _stack_policy("after", lambda args, report: after(args.resources[0].props)),
    ]
    _analyze_stack(_serve(policies))
    assert seen == {"writer": ("mutated", "mutated", 2), "after": ("logs", "platform", 1)}


def test_an_sdk_without_the_internals_keeps_its_own_conversion(monkeypatch):
    from pulumi_policy import policy as sdk

    from platform_policies import conversion_cache

    monkeypatch.setattr(sdk, "_platform_conversion_cache", False, raising=False)
    monkeypatch.delattr(sdk, "unknown_checking_proxy")
    original = sdk.deserialize_properties
    conversion_cache.install()
    assert sdk.deserialize_properties is original, "nothing may be rebound when an internal is missing"


def _rebindable(monkeypatch) -> dict[str, Any]:
    """What install() rebinds, as it is now; monkeypatch puts each back after the test."""
    from pulumi_policy import policy as sdk

    monkeypatch.setattr(sdk, "_platform_conversion_cache", False, raising=False)
    names = {name: getattr(sdk, name) for name in ("json_format", "deserialize_properties", "unknown_checking_proxy")}
    for name, value in names.items():
        monkeypatch.setattr(sdk, name, value)
    for method in ("Analyze", "AnalyzeStack"):
        names[method] = getattr(_PolicyAnalyzerServicer, method)
        monkeypatch.setattr(_PolicyAnalyzerServicer, method, names[method])
    return names


def _bound(names: dict[str, Any]) -> dict[str, Any]:
    from pulumi_policy import policy as sdk

    return {name: getattr(_PolicyAnalyzerServicer if name[0].isupper() else sdk, name) for name in names}


@pytest.mark.parametrize("value", ["1", "true"])
def test_the_reference_path_keeps_the_sdks_own_conversion(monkeypatch, value):
    before = _rebindable(monkeypatch)
    monkeypatch.setenv(conversion_cache.REFERENCE, value)
    conversion_cache.install()
    assert _bound(before) == before, f"{conversion_cache.REFERENCE}={value} must leave the SDK as it is"


@pytest.mark.parametrize("value", [None, "", "0"])
def test_without_the_reference_path_the_cache_is_installed(monkeypatch, value):
    before = _rebindable(monkeypatch)
    if value is None:
        monkeypatch.delenv(conversion_cache.REFERENCE, raising=False)
    else:
        monkeypatch.setenv(conversion_cache.REFERENCE, value)
    conversion_cache.install()
    after = _bound(before)
    assert all(after[name] is not before[name] for name in before), f"{conversion_cache.REFERENCE}={value!r}"
