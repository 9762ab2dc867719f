"""The Kubernetes objects a previewed stack registers, and the values of its Helm release."""

from __future__ import annotations

HELM_RELEASE = "kubernetes:helm.sh/v3:Release"


def kubernetes_objects(stack) -> list[dict]:
    return [r for r in stack.resources if r["type"].startswith("kubernetes:") and r["type"] != HELM_RELEASE]


def of_kind(stack, kind: str, namespace: str | None = None) -> list[dict]:
    return [
        r["inputs"]
        for r in kubernetes_objects(stack)
        if r["inputs"]["kind"] == kind and (namespace is None or r["inputs"]["metadata"].get("namespace") == namespace)
    ]


def release_values(stack) -> dict:
    return stack.one(HELM_RELEASE)["inputs"]["values"]
