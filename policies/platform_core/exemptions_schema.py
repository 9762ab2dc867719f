"""The format of the pack's exemptions.yaml, read one way by the pack and by platformctl.

    exemptions:
      - rule: rds-multi-az
        urn: urn:pulumi:prod::platform::aws:rds/instance:Instance::db
        reason: migration to multi-AZ scheduled in change CHG-1234
        owner: dba-team
        expires: 2027-01-31

A file that is not YAML, or not shaped like this (a list where the mapping belongs, or the other way round),
is a `UsageError` naming the line. An entry's own problems (a missing field, an impossible date, an unknown
field) stay with the entry, with its line: the pack reports them as violations and keeps running, platformctl
refuses them before anything runs. The YAML is composed, not constructed, so an impossible date such as
2027-02-30 is a problem of its entry rather than a crash of the whole file.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import UsageError

FILE_NAME = "exemptions.yaml"
TOP_KEY = "exemptions"
REQUIRED_FIELDS = ("rule", "urn", "reason", "owner", "expires")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NULL_TAG = "tag:yaml.org,2002:null"
_KINDS = {yaml.MappingNode: "a mapping", yaml.SequenceNode: "a list", yaml.ScalarNode: "a single value"}


@dataclass(frozen=True)
class Entry:
    """One exemption as written: its text fields, its date when it is one, and what is wrong with it."""

    fields: Mapping[str, str]  # each given, non-empty field as text
    expires: datetime.date | None
    problems: tuple[str, ...]  # structural only: the pack adds expiry, rule and reason checks
    line: int | None = None

    def get(self, field: str) -> str:
        return self.fields.get(field, "")


def read_entries(path: Path) -> list[Entry]:
    """The entries of an exemptions file; none when it does not exist."""
    if not path.is_file():
        return []
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read exemptions file {path}: {error}") from None
    return parse_entries(text, str(path))


def parse_entries(text: str, source: str) -> list[Entry]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise UsageError(f"exemptions file {source} is not valid YAML: {_yaml_problem(error)}") from None
    listed = _listed(root, source)
    return [_entry_of_node(node) for node in listed]


def check_file(path: Path) -> list[Entry]:
    """`read_entries`, and a `UsageError` listing every entry that cannot be honoured as written."""
    entries = read_entries(path)
    broken = [f"line {e.line}: {'; '.join(e.problems)}" for e in entries if e.problems]
    if broken:
        raise UsageError(
            f"exemptions file {path} has {len(broken)} unusable "
            f"{'entry' if len(broken) == 1 else 'entries'}: {' | '.join(broken)}. "
            f"Every entry has exactly the fields {', '.join(REQUIRED_FIELDS[:-1])} and {REQUIRED_FIELDS[-1]} "
            "(a date, YYYY-MM-DD)."
        )
    return entries


def parse_entry(values: Mapping[str, Any], line: int | None = None) -> Entry:
    """An entry from plain values (text, a date, None for an absent field)."""
    if not isinstance(values, Mapping):
        return Entry({}, None, (f"an entry must be a mapping of {', '.join(REQUIRED_FIELDS)}",), line)
    problems = [_unknown_field(key) for key in values if key not in REQUIRED_FIELDS]
    fields: dict[str, str] = {}
    for key in REQUIRED_FIELDS:
        text, problem = _text(key, values.get(key))
        if problem:
            problems.append(problem)
        elif text:
            fields[key] = text
    missing = [f"`{key}`" for key in REQUIRED_FIELDS if key not in fields and not _has_problem(problems, key)]
    if missing:
        problems.insert(0, f"missing {', '.join(missing)}")
    expires, problem = _date(fields.get("expires", ""))
    if problem:
        problems.append(problem)
    return Entry(fields, expires, tuple(problems), line)


def _listed(root: yaml.Node | None, source: str) -> list[yaml.Node]:
    if root is None or _is_null(root):
        return []
    if not isinstance(root, yaml.MappingNode):
        raise UsageError(
            f"exemptions file {source} line {_line(root)}: the file must be a mapping with one key, "
            f"`{TOP_KEY}:`, holding a list of entries; found {_kind(root)}"
        )
    listed: list[yaml.Node] = []
    for key, value in root.value:
        if key.value != TOP_KEY:
            raise UsageError(
                f"exemptions file {source} line {_line(key)}: unknown key {key.value!r}; the only key is `{TOP_KEY}:`"
            )
        if _is_null(value):
            continue
        if not isinstance(value, yaml.SequenceNode):
            raise UsageError(
                f"exemptions file {source} line {_line(value)}: `{TOP_KEY}:` must be a list of entries "
                f"(each starting with `- rule: …`); found {_kind(value)}"
            )
        listed = value.value
    return listed


def _entry_of_node(node: yaml.Node) -> Entry:
    if not isinstance(node, yaml.MappingNode):
        problem = f"an entry must be a mapping of {', '.join(REQUIRED_FIELDS)}; found {_kind(node)}"
        return Entry({}, None, (problem,), _line(node))
    values: dict[str, Any] = {}
    duplicated = []
    for key, value in node.value:
        name = str(key.value)
        if name in values:
            duplicated.append(f"field `{name}` given twice")
        values[name] = _plain(value)
    entry = parse_entry(values, _line(node))
    return Entry(entry.fields, entry.expires, (*duplicated, *entry.problems), entry.line)


def _plain(node: yaml.Node) -> Any:
    """A scalar as its text (a date stays text until it is checked), None for null; else the node's kind."""
    if isinstance(node, yaml.ScalarNode):
        return None if _is_null(node) else node.value
    return _Nested(_kind(node))


class _Nested(str):
    """A field written as a mapping or list: kept as what it is, for the message."""


def _text(key: str, value: Any) -> tuple[str, str]:
    if isinstance(value, _Nested):
        return "", f"`{key}` must be text; found {value}"
    if isinstance(value, Mapping | list | tuple):
        return "", f"`{key}` must be text; found {'a mapping' if isinstance(value, Mapping) else 'a list'}"
    if value is None:
        return "", ""
    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    return text.strip(), ""


def _date(text: str) -> tuple[datetime.date | None, str]:
    if not text:
        return None, ""
    if not _DATE.fullmatch(text):
        return None, f"`expires` {text!r} is not a date (YYYY-MM-DD)"
    try:
        return datetime.date.fromisoformat(text), ""
    except ValueError as error:
        return None, f"`expires` {text!r} is not a date: {error}"


def _unknown_field(key: Any) -> str:
    close = difflib.get_close_matches(str(key), REQUIRED_FIELDS, n=1)
    hint = f" (did you mean `{close[0]}`?)" if close else ""
    return f"unknown field `{key}`{hint}; the fields are {', '.join(REQUIRED_FIELDS)}"


def _has_problem(problems: list[str], key: str) -> bool:
    return any(problem.startswith(f"`{key}` ") for problem in problems)


def _yaml_problem(error: yaml.YAMLError) -> str:
    """The parser's own words with lines: what it was reading (where that began), and what it found where."""
    if not isinstance(error, yaml.MarkedYAMLError) or error.problem_mark is None:
        return str(error)
    found = f"{error.problem} at line {error.problem_mark.line + 1}, column {error.problem_mark.column + 1}"
    if error.context and error.context_mark is not None:
        return f"{error.context} at line {error.context_mark.line + 1}: {found}"
    return found


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG


def _kind(node: yaml.Node) -> str:
    return next((kind for cls, kind in _KINDS.items() if isinstance(node, cls)), "something else")


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1
