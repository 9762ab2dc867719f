"""The bench's arithmetic and resource copying: a wrong fit or a copy that leaks across copies would mislead."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))  # the bench's modules import each other so

from bench_measure import mib
from checkov_replicate import replicated
from preview_bench import verdict_lines
from scaling_fit import linear_fit
from scaling_stacks import namespaces_for

ROOT = "urn:pulumi:prod::platform::pulumi:pulumi:Stack::platform-prod"
PROVIDER = "urn:pulumi:prod::platform::pulumi:providers:aws::aws"


def _record(urn: str, type_: str, dependencies: list[str]) -> dict:
    return {
        "urn": urn,
        "type": type_,
        "name": urn.rsplit("::", 1)[1],
        "parent": ROOT,
        "custom": True,
        "dependencies": dependencies,
        "propertyDependencies": {"bucket": dependencies},
    }


def test_a_straight_line_fits_exactly_and_a_parabola_does_not():
    xs = [352.0, 704.0, 1408.0, 2816.0]
    line = linear_fit(xs, [0.5 + 0.004 * x for x in xs])
    assert line.slope == pytest.approx(0.004) and line.intercept == pytest.approx(0.5)
    assert line.r_squared == pytest.approx(1.0)
    assert linear_fit(xs, [1e-6 * x * x for x in xs]).r_squared < 0.99
    with pytest.raises(ValueError):
        linear_fit(xs[:2], [1.0, 2.0])


def test_each_copy_has_its_own_urns_and_depends_only_on_its_own_copy():
    bucket = "urn:pulumi:prod::platform::aws:s3/bucketV2:BucketV2::data"
    policy = "urn:pulumi:prod::platform::aws:s3/bucketPolicy:BucketPolicy::data-policy"
    resources = [
        _record(ROOT, "pulumi:pulumi:Stack", []),
        _record(PROVIDER, "pulumi:providers:aws", []),
        _record(bucket, "aws:s3/bucketV2:BucketV2", []),
        _record(policy, "aws:s3/bucketPolicy:BucketPolicy", [bucket]),
        _record("urn:pulumi:prod::platform::kubernetes:core/v1:Namespace::apps", "kubernetes:core/v1:Namespace", []),
    ]
    copies = replicated(resources, 3)
    urns = [r["urn"] for r in copies]
    assert len(urns) == len(set(urns)) == 2 + 2 * 3, "the root and provider are shared, Kubernetes left out"
    second = next(r for r in copies if r["urn"] == policy + "-copy2")
    assert second["dependencies"] == [bucket + "-copy2"]
    assert second["propertyDependencies"] == {"bucket": [bucket + "-copy2"]}
    assert second["parent"] == ROOT


def test_the_namespace_count_brings_prod_to_the_wanted_size():
    assert namespaces_for(1, 352, 9) == 1
    added = namespaces_for(8, 352, 9) - 1  # prod already has one
    assert 352 + added * 9 == pytest.approx(8 * 352, rel=0.01)


def test_the_summary_keeps_each_verdict_under_its_table_header():
    report = ["rows", "stack  x  target 1.2x", "dev 1.1 within", "prod 1.3 OVER", "other line"]
    assert verdict_lines(report) == ["stack  x  target 1.2x", "dev 1.1 within", "prod 1.3 OVER"]


def test_memory_is_shown_in_mib_and_a_missing_figure_as_not_available():
    assert mib(204 * 1024) == "204"
    assert mib(None) == mib(0) == "n/a", "the engine reports 0 when it has no figure"
