"""Project and stack files are read as strictly as the Pulumi CLI reads them: a duplicate key is an error."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from platform_core.errors import UsageError
from platformctl.project import read_yaml
from tests.platformctl.cli_runs import platformctl, tiny_project

REPO = Path(__file__).resolve().parents[2]


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip())
    return path


@pytest.mark.parametrize(
    "file_name,text,expected",
    [
        (
            "Pulumi.yaml",
            """
        name: tiny
        runtime: python
        name: other
     """,
            "Pulumi.yaml: line 3: mapping key 'name' already defined at line 1",
        ),
        (
            "Pulumi.dev.yaml",
            """
        config:
          aws:region: us-east-1
          tiny:size: 2
          aws:region: eu-west-1
     """,
            "Pulumi.dev.yaml: line 4: mapping key 'aws:region' already defined at line 2",
        ),
    ],
)
def test_a_duplicate_key_stops_the_preview_with_the_file_key_and_line(tmp_path, file_name, text, expected):
    write(tmp_path / "Pulumi.yaml", "name: tiny\nruntime: python\n")
    write(tmp_path / "Pulumi.dev.yaml", "config:\n  aws:region: us-east-1\n")
    write(tmp_path / "__main__.py", "import pulumi\n")
    write(tmp_path / file_name, text)
    result = platformctl("preview", "--cwd", str(tmp_path), "--stack", "dev")
    assert result.returncode == 2, f"{file_name} with a duplicate key was accepted: {result.stdout}{result.stderr}"
    assert result.stderr.strip() == f"error: {expected}; the Pulumi CLI rejects duplicate keys", result.stderr
    assert "Traceback" not in result.stderr


def test_equal_keys_in_different_mappings_and_merge_keys_are_fine(tmp_path):
    path = write(
        tmp_path / "Pulumi.dev.yaml",
        """
        base: &base {size: 1, zone: a}
        config:
          tiny:a: {size: 2}
          tiny:b: {size: 3}
          tiny:c:
            <<: *base
            size: 4
    """,
    )
    assert read_yaml(path)["config"]["tiny:c"] == {"size": 4, "zone": "a"}


def test_a_duplicate_deep_in_a_config_object_is_found(tmp_path):
    path = write(
        tmp_path / "Pulumi.dev.yaml",
        """
        config:
          tiny:network:
            azCount: 2
            azCount: 3
    """,
    )
    with pytest.raises(UsageError, match=r"line 4: mapping key 'azCount' already defined at line 3"):
        read_yaml(path)


@pytest.mark.parametrize(
    "path",
    sorted(REPO.glob("Pulumi*.yaml")) + sorted((REPO / "bootstrap").glob("Pulumi*.yaml")),
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_the_projects_own_files_read_as_before(path):
    assert read_yaml(path) == yaml.safe_load(path.read_text())


@pytest.mark.parametrize("command", ["preview", "cost", "scan"])
def test_a_project_without_stack_files_is_a_usage_error_naming_the_directory(tmp_path, command):
    project = tiny_project(tmp_path / "tiny")
    (project / "Pulumi.test.yaml").unlink()
    result = platformctl(command, "--cwd", str(project))
    assert result.returncode == 2, result.stderr
    assert f"no stack files (Pulumi.<stack>.yaml) in {project}" in result.stderr
    assert "Traceback" not in result.stderr
