"""Shared by the operations commands (`backup audit`, `dr drill`, `dr failover`): stack outputs and AWS clients.

Stack outputs are the JSON of `pulumi stack output --json`: a flat object, read once, checked up front so a
missing key is a usage error (exit 2) rather than a KeyError halfway through talking to AWS.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from platform_core.errors import UsageError

# Adaptive retries absorb throttling on the list/describe-heavy audit; bounded timeouts mean a wrong
# endpoint fails in seconds instead of hanging an operator's terminal.
RETRIES = {"mode": "adaptive", "max_attempts": 10}
CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS = 5, 30


def load_outputs(path: Path, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The stack outputs in `path`; UsageError naming the file when it is unreadable or lacks a required key.

    A key whose value is null or empty counts as missing: Pulumi exports `None` for a resource a tier
    does not create (e.g. drBackupVaultArn in dev), and no caller can use that value.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"--outputs {path}: cannot read the stack outputs ({error.strerror or error})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"--outputs {path}: not JSON ({error.msg} at line {error.lineno}); expected the output "
            "of `pulumi stack output --json`"
        ) from None
    if not isinstance(document, dict):
        raise UsageError(
            f"--outputs {path}: expected a JSON object (`pulumi stack output --json`), got {type(document).__name__}"
        )
    missing = [key for key in required if document.get(key) in (None, "", [], {})]
    if missing:
        raise UsageError(
            f"--outputs {path}: missing stack output(s) {', '.join(missing)}; "
            f"present: {', '.join(sorted(document)) or 'none'}"
        )
    return document


def aws_client(service: str, region: str) -> Any:
    """A boto3 client for `service` in `region`: standard credential chain, endpoint from AWS_ENDPOINT_URL only."""
    # Imported here: a usage error (a bad outputs file, a bad flag) is reported before boto3's slow import.
    import boto3
    from botocore.config import Config

    config = Config(retries=dict(RETRIES), connect_timeout=CONNECT_TIMEOUT_SECONDS, read_timeout=READ_TIMEOUT_SECONDS)
    return boto3.session.Session().client(service, region_name=region, config=config)
