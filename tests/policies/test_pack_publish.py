"""`pulumi policy publish` uploads the policies/ folder alone: that folder, copied out of the repository,
installs its own requirements into the virtualenv PulumiPolicy.yaml names, loads and finds what it finds here.

An audit hook in the copy's virtualenv (scaffolding, not part of the pack) records every file the pack
process opens and its sys.path when it imports the pack's code, so a path back into the repository shows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from platformctl.policy.runner import evaluate, pack_interpreter
from tests.policies.test_pack_snapshots import found, snapshot

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "policies"
# A .pth line runs at interpreter start-up: log opened files, and sys.path when platform_policies is imported.
AUDIT_HOOK = (
    "import os, sys; _log = os.environ.get('PACK_AUDIT_LOG'); "
    "_fd = os.open(_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND) if _log else None; "
    "_fd is None or sys.addaudithook(lambda event, args, fd=_fd, write=os.write, sep=os.pathsep: "
    "write(fd, f'open {args[0]}\\n'.encode()) if event == 'open' and isinstance(args[0], str) else "
    "write(fd, f'sys.path {sep.join(args[2])}\\n'.encode()) "
    "if event == 'import' and args[0] == 'platform_policies' else None)\n"
)


def _published_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "policies"
    shutil.copytree(PACK, copy, ignore=shutil.ignore_patterns("venv", "__pycache__"))
    return copy


def _outside_the_repository() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def _install(copy: Path) -> Path:
    """The pack's declared virtualenv, made the way `pulumi install` makes it: from requirements.txt alone."""
    venv = copy / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    environment = _outside_the_repository()
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    installed = subprocess.run(
        [*pip, "-r", "requirements.txt"], cwd=copy, env=environment, capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr
    site_packages = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(site_packages) / "zz_pack_audit.pth").write_text(AUDIT_HOOK)
    return python


def _in_repository(path: str) -> bool:
    return bool(path) and Path(path).resolve().is_relative_to(REPO)


def test_the_pack_folder_alone_installs_loads_and_finds_what_it_finds_in_the_repository(
    tmp_path, stacks, project, monkeypatch
):
    copy = _published_copy(tmp_path)
    python = _install(copy)
    assert pack_interpreter(copy) == str(python)
    monkeypatch.delenv("PYTHONPATH", raising=False)
    audit_log = tmp_path / "audit.log"

    findings = evaluate(
        copy,
        copy / "config" / "dev.json",
        stacks["dev"].resources,
        project.name,
        "dev",
        {"PACK_AUDIT_LOG": str(audit_log)},
    )

    assert found(findings) == snapshot("dev")
    events = audit_log.read_text().splitlines()
    opened = [line.removeprefix("open ") for line in events if line.startswith("open ")]
    sys_paths = [line.removeprefix("sys.path ").split(os.pathsep) for line in events if line.startswith("sys.path ")]
    assert sys_paths, "the pack process never imported platform_policies"
    assert not [entry for entry in sys_paths[0] if _in_repository(entry)], sys_paths[0]
    assert not [path for path in opened if _in_repository(path)]
    sources = [Path(path) for path in opened if path.endswith(".py")]
    for package in ("platform_policies", "platform_core"):
        assert copy / package / "__init__.py" in sources, f"{package} was not loaded from the copy"
    # cost-tags-present reads pulumi_aws's sources: the copy's requirements must have installed it.
    assert any(path.is_relative_to(copy / "venv") and "pulumi_aws" in path.parts for path in sources)
