"""Each resource's properties converted once per Analyze/AnalyzeStack request instead of once per policy.

pulumi-policy's `_PolicyAnalyzerServicer.Analyze` runs, for every ResourceValidationPolicy,
`unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(request.properties)))` and
`_get_provider_resource(request)` (the same for the provider's properties); `AnalyzeStack` does it for
every resource of the stack for every StackValidationPolicy. With ~40 resource and ~19 stack
policies that conversion was ~75 % of the pack's CPU. This module memoises the three steps within
one request, keyed by the identity of what each step gets (the protobuf message the request holds,
then the previous step's result); the cache keeps each key object alive, so an id cannot be reused.

Every policy of the request then gets the same read-only proxies. The SDK's proxies are not quite
read-only: `_DictProxy.__setitem__` writes through, and `proxy["__target"]` hands out the inner
dict or list. The shared proxies are marked (a subclass that behaves the same), and the first write
or `__target` access drops the request's cache: the writing policy keeps its change in its own tree,
and every later policy gets a fresh conversion, exactly as when each policy converted for itself.
None of the pack's rules writes, so this never happens in practice.

The cache lives for one request on the serving thread (gRPC may serve requests on several threads)
and only inside Analyze and AnalyzeStack; everything else in the SDK converts as it always did.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from typing import Any

from google.protobuf import json_format
from pulumi_policy import policy as sdk
from pulumi_policy.proxy import _DictProxy, _ListProxy, _raise_if_unknown

_INSTALLED = "_platform_conversion_cache"
_local = threading.local()


# The SDK internals this module rebinds (pulumi-policy 1.21, pinned in requirements.txt). A release without one of
# them keeps its own conversion: the pack then runs as before, only slower, never differently.
_SDK_NAMES = ("json_format", "deserialize_properties", "unknown_checking_proxy", "_PolicyAnalyzerServicer")


# `platformctl preview` with PLATFORMCTL_PREVIEW_REFERENCE set runs the reference path, the SDK's own conversion
# once per policy, so that a test can compare its output with the memoised path's (tests/test_preview_identity.py).
REFERENCE = "PLATFORMCTL_PREVIEW_REFERENCE"


def install() -> None:
    """Rebinds the SDK module's names to memoised ones (idempotent); the SDK's own code is unchanged."""
    if reference_path() or getattr(sdk, _INSTALLED, False) or not all(hasattr(sdk, name) for name in _SDK_NAMES):
        return
    sdk.json_format = _JsonFormat()  # type: ignore[assignment]  # only pulumi_policy.policy sees it
    sdk.deserialize_properties = _memoised(sdk.deserialize_properties)
    sdk.unknown_checking_proxy = _memoised(functools.partial(_shared, sdk.unknown_checking_proxy))
    servicer = sdk._PolicyAnalyzerServicer
    servicer.Analyze = _request_scoped(servicer.Analyze)  # type: ignore[method-assign]
    servicer.AnalyzeStack = _request_scoped(servicer.AnalyzeStack)  # type: ignore[method-assign]
    setattr(sdk, _INSTALLED, True)


def reference_path() -> bool:
    return os.environ.get(REFERENCE, "") not in ("", "0")


class _JsonFormat:
    """google.protobuf.json_format as pulumi_policy.policy sees it, with MessageToDict memoised."""

    def __init__(self) -> None:
        # Looked up per call, so a test can count the conversions behind the memo.
        self.MessageToDict = _memoised(lambda message, *args: json_format.MessageToDict(message, *args))

    def __getattr__(self, name: str) -> Any:
        return getattr(json_format, name)


def _request_scoped(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def scoped(*args: Any, **kwargs: Any) -> Any:
        outer = getattr(_local, "cache", None)
        _local.cache = {}
        try:
            return method(*args, **kwargs)
        finally:
            _local.cache = outer

    return scoped


def _memoised(convert: Callable[..., Any]) -> Callable[..., Any]:
    def memoised(value: Any, *args: Any, **kwargs: Any) -> Any:
        cache = getattr(_local, "cache", None)
        if cache is None or kwargs:
            return convert(value, *args, **kwargs)
        key = (id(convert), id(value), args)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = (value, convert(value, *args))  # `value` kept alive: its id stays its own
        return hit[1]

    return memoised


def _forget_request() -> None:
    cache = getattr(_local, "cache", None)
    if cache:
        cache.clear()


def _shared(proxy: Callable[[Any], Any], props: Any) -> Any:
    return _mark(proxy(props))


def _mark(node: Any) -> Any:
    """Turns the SDK's proxy tree into the shared kind, in place (same attributes, same behaviour)."""
    if type(node) is _DictProxy:
        for child in vars(node)["_DictProxy__target"].values():
            _mark(child)
        node.__class__ = _SharedDictProxy
    elif type(node) is _ListProxy:
        for child in vars(node)["_ListProxy__target"]:
            _mark(child)
        node.__class__ = _SharedListProxy
    return node


class _SharedDictProxy(_DictProxy):
    def __getitem__(self, key: Any) -> Any:
        if key == "__target":
            _forget_request()
            return self._DictProxy__target  # type: ignore[attr-defined]
        return _raise_if_unknown(key, self._DictProxy__target[key], self._DictProxy__props_acc)  # type: ignore[attr-defined]

    def __setitem__(self, key: Any, value: Any) -> None:
        _forget_request()
        super().__setitem__(key, value)


class _SharedListProxy(_ListProxy):
    def __getitem__(self, key: Any) -> Any:
        if key == "__target":
            _forget_request()
        return super().__getitem__(key)
