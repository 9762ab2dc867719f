"""How the offline preview shows registered inputs: assets by their content, never an object's repr or a path."""

from __future__ import annotations

import hashlib
import json

import pulumi

from platformctl.preview.resource_monitor import plain


def test_an_archive_of_files_shows_each_file_by_name_and_content_hash(tmp_path):
    script = tmp_path / "page_load.py"
    script.write_text("def handler(event, context):\n    return 'ok'\n")
    shown = plain(pulumi.AssetArchive({"python/page_load.py": pulumi.FileAsset(str(script))}))
    digest = hashlib.sha256(script.read_bytes()).hexdigest()
    assert shown == {"assetArchive": {"python/page_load.py": {"fileAsset": "page_load.py", "sha256": digest}}}
    assert str(tmp_path) not in json.dumps(shown), "a machine path must not reach the preview"


def test_the_same_content_shows_the_same_whatever_the_directory(tmp_path):
    one, other = tmp_path / "a" / "s.py", tmp_path / "b" / "s.py"
    for path in (one, other):
        path.parent.mkdir()
        path.write_text("x = 1\n")
    assert plain(pulumi.FileAsset(str(one))) == plain(pulumi.FileAsset(str(other)))
    other.write_text("x = 2\n")
    assert plain(pulumi.FileAsset(str(one))) != plain(pulumi.FileAsset(str(other))), "an edit must show as a change"


def test_a_string_asset_shows_its_hash():
    assert plain(pulumi.StringAsset("hello")) == {"stringAsset": hashlib.sha256(b"hello").hexdigest()}
