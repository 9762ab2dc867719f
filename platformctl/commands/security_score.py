"""`platformctl security-score`: Security Hub's security score per standard, optionally published to CloudWatch.

Exit status: 0 scores computed (and published with --publish), 1 no standard has an evaluated control yet
(nothing to publish: Security Hub just enabled, or AWS Config not recording), 2 bad usage or AWS not usable.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

from ..exit_codes import ExitCode
from ..ops.security_score import DIMENSION, METRIC, NAMESPACE, StandardScore, measure


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", required=True, help="Region whose Security Hub findings are scored.")
    parser.add_argument(
        "--publish",
        action="store_true",
        help=f"Put each score as {NAMESPACE} {METRIC} (dimension {DIMENSION}, unit Percent) in that region.",
    )
    parser.add_argument("--json", action="store_true", help='Print {"region", "published", "standards"} as JSON.')


def run(args: argparse.Namespace) -> int:
    results = measure(args.region, publish_metric=args.publish, now=datetime.now(UTC))
    if args.json:
        standards = [result.as_dict() for result in results]
        print(json.dumps({"region": args.region, "published": args.publish and bool(results), "standards": standards}))
    else:
        print(report(args.region, results, args.publish))
    return ExitCode.OK if results else ExitCode.FINDINGS


def report(region: str, results: list[StandardScore], published: bool) -> str:
    if not results:
        return (
            f"security score in {region}: no evaluated control yet (Security Hub enabled less than a day ago, "
            "or AWS Config not recording); nothing published"
        )
    lines = [f"security score in {region}" + (f", published to {NAMESPACE} {METRIC}" if published else "") + ":"]
    for result in results:
        lines.append(
            f"  {result.standard}: {result.score:g} % ({result.passed} passed, {result.failed} failed, "
            f"{result.unknown} unknown of {result.controls} controls)"
        )
    return "\n".join(lines)
