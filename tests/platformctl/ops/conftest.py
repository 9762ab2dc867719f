"""Fixtures for the operations tools: one moto *server* per session, reset before each test.

Server mode (not moto's decorators) so the tools run exactly as in production: boto3 picks the
endpoint up from the standard AWS_ENDPOINT_URL variable, and CLI subprocesses inherit it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

# Fake credentials and a fixed region; the config/credential files point nowhere so a developer's
# real profile can never leak into a test run.
_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}
_UNSET = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")
_START_TIMEOUT_S = 30.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
            return True
    except (urllib.error.URLError, OSError):
        return False


def _wait_until_up(proc: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto_server exited early with code {proc.returncode}")
        if _answers(url):
            return
        time.sleep(0.1)
    raise RuntimeError(f"moto_server did not answer on {url} within {_START_TIMEOUT_S:.0f}s")


def reset_moto(endpoint: str) -> None:
    """Drop every emulated resource (moto's documented reset API)."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """moto's server on loopback, with the AWS env pointed at it; yields its URL.

    `.ci/run` starts one and passes it in PLATFORM_MOTO_ENDPOINT; otherwise the fixture starts its own on a
    free port and stops it at the end of the session.
    """
    external = os.environ.get("PLATFORM_MOTO_ENDPOINT")
    proc, url = (None, external) if external else _start_server()
    patch = pytest.MonkeyPatch()
    try:
        if proc is not None:
            _wait_until_up(proc, url)
        elif not _answers(url):
            pytest.fail(f"PLATFORM_MOTO_ENDPOINT={url} does not answer")
        # os.environ (not per-test monkeypatch) so CLI subprocesses inherit it for the whole session.
        for name in _UNSET:
            patch.delenv(name, raising=False)
        for name, value in {**_ENV, "AWS_ENDPOINT_URL": url}.items():
            patch.setenv(name, value)
        yield url
    finally:
        patch.undo()
        if proc is not None:
            _stop(proc)


def _start_server() -> tuple[subprocess.Popen, str]:
    binary = Path(sys.executable).parent / "moto_server"
    if not binary.exists():
        pytest.fail(f"moto_server is not installed next to {sys.executable}: install requirements-dev.txt")
    port = _free_port()
    proc = subprocess.Popen(
        [str(binary), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return proc, f"http://127.0.0.1:{port}"


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture
def aws(moto_server: str) -> Iterator[str]:
    """An empty emulator for each test: state from one test never leaks into the next."""
    reset_moto(moto_server)
    yield moto_server
