"""A bad `Pulumi.yaml` stops the preview with exit 2, naming the file, the key, the value and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_core.errors import UsageError
from platformctl.project_file import project_settings
from tests.platformctl.cli_runs import platformctl, tiny_project

BAD_PROJECT_FILES = {
    "main names a missing directory": (
        "name: tiny\nruntime: python\nmain: src/\n",
        ['key `main` is "src/"', "src does not exist", "allowed: the directory of the Python program"],
    ),
    "main names a file": (
        "name: tiny\nruntime: python\nmain: __main__.py\n",
        ['key `main` is "__main__.py"', "is not a directory", "allowed: the directory of the Python program"],
    ),
    "main has no __main__.py": (
        "name: tiny\nruntime: python\nmain: empty\n",
        ['key `main` is "empty", but', "empty has no __main__.py", "holding its __main__.py"],
    ),
    "config is a list": (
        "name: tiny\nruntime: python\nconfig:\n  - size\n  - colour\n",
        ['key `config` is a list (["size", "colour"])', "allowed: a mapping of config keys"],
    ),
    "a declared type that does not exist": (
        "name: tiny\nruntime: python\nconfig:\n  size:\n    type: number\n",
        ['key `config.size.type` is "number"', "allowed: string, integer, boolean, array, object"],
    ),
    "not a mapping": ("- name: tiny\n- runtime: python\n", ["expected a mapping of project settings", "got a list"]),
    "empty": ("", ["expected a mapping of project settings", "got an empty file"]),
    "name missing": ("runtime: python\n", ["key `name` is missing", "allowed: the project's name, a non-empty string"]),
    "name is a list": ("name: [a, b]\nruntime: python\n", ['key `name` is ["a", "b"]', "a non-empty string"]),
    "runtime missing": ("name: tiny\n", ["key `runtime` is missing", "allowed: `runtime: python`"]),
    "runtime is another language": (
        "name: tiny\nruntime: nodejs\n",
        ['key `runtime` names "nodejs"', "Python programs only", "allowed: `runtime: python`"],
    ),
    "runtime options are a list": (
        "name: tiny\nruntime:\n  name: python\n  options: [venv]\n",
        ['key `runtime.options` is ["venv"]', "allowed: a mapping"],
    ),
    "stackConfigDir is missing": (
        "name: tiny\nruntime: python\nstackConfigDir: stacks\n",
        ['key `stackConfigDir` is "stacks"', "does not exist", "allowed: a directory"],
    ),
}


@pytest.mark.parametrize("text,expected", BAD_PROJECT_FILES.values(), ids=BAD_PROJECT_FILES.keys())
def test_a_bad_project_file_exits_2_naming_file_key_value_and_what_is_allowed(tmp_path, text, expected):
    project = tiny_project(tmp_path / "tiny")
    (project / "empty").mkdir()
    (project / "Pulumi.yaml").write_text(text)
    result = platformctl("preview", "--stack", "test", "--cwd", str(project))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    first_line = result.stderr.splitlines()[0]
    assert first_line.startswith(f"error: {project / 'Pulumi.yaml'}: "), result.stderr
    for fragment in expected:
        assert fragment in result.stderr
    assert len(result.stderr.splitlines()) == 1, "one paragraph, and no program ran to print progress"


def test_a_project_directory_without_a_program_is_named_with_the_missing_main_key(tmp_path):
    project = tiny_project(tmp_path / "tiny")
    (project / "__main__.py").unlink()
    result = platformctl("preview", "--stack", "test", "--cwd", str(project))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == (
        f"error: {project / 'Pulumi.yaml'}: without a `main` key the program is {project}, which has no "
        "__main__.py; allowed: `main` naming the directory of the Python program (holding its __main__.py), "
        "relative to the project file\n"
    )


def test_a_good_project_file_gives_the_settings_the_preview_uses(tmp_path):
    project = tiny_project(tmp_path / "tiny")
    (project / "src").mkdir()
    (project / "src" / "__main__.py").write_text("import pulumi\n")
    (project / "stacks").mkdir()
    document = {
        "name": "tiny",
        "runtime": {"name": "python", "options": {"virtualenv": "venv"}},
        "main": "src/",
        "stackConfigDir": "stacks",
        "config": {"size": {"type": "integer", "default": 2}, "aws:region": "eu-west-1"},
    }
    settings = project_settings(project / "Pulumi.yaml", document)
    assert settings.program_dir == project / "src" and settings.stack_config_dir == project / "stacks"
    assert settings.virtualenv == project / "venv" and settings.declarations == document["config"]


def test_the_checks_raise_the_one_usage_error_type(tmp_path: Path):
    with pytest.raises(UsageError, match="key `name` is missing"):
        project_settings(tmp_path / "Pulumi.yaml", {"runtime": "python"})
