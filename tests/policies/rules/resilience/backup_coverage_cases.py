"""Cases for backup coverage of stateful resources (platform_policies/rules/resilience/backup_coverage.py)."""

from __future__ import annotations

from tests.policies.cases import Case, res
from tests.policies.rules.resilience.backups_cases import EAST, RDS, WEST

SELECTION = "aws:backup/selection:Selection"
BUCKET = "aws:s3/bucket:Bucket"

_db = res(RDS, "db", provider_props=EAST, identifier="app-db", engine="postgres")
_data = res(BUCKET, "data", provider_props=EAST, bucket="data-1")
_replica = res(RDS, "replica", provider_props=WEST, replicateSourceDb="arn:aws:rds:us-east-1:1:db:app-db")
_dr_bucket = res(BUCKET, "data-replica", provider_props=WEST)
_by_deps = res(SELECTION, "sel", provider_props=EAST, property_dependencies={"resources": [_db.urn, _data.urn]})


_alb_logs = res(BUCKET, "alb-logs", provider_props=EAST, bucket="alb-logs-1")
_alb = res(
    "aws:lb/loadBalancer:LoadBalancer",
    "alb",
    provider_props=EAST,
    accessLogs={"bucket": "alb-logs-1", "prefix": "alb", "enabled": True},
)


def selection(*arns, **kw):
    return res(SELECTION, "sel", provider_props=EAST, resources=list(arns), **kw)


CASES: list[Case] = [
    # backup-covers-stateful-resources
    Case(
        "backup-covers-stateful-resources",
        False,
        (_db, _data, _replica, _dr_bucket, _by_deps),
        note="by-dependency-dr-region-skipped",
    ),
    Case(
        "backup-covers-stateful-resources",
        False,
        (_db, _data, selection("arn:aws:rds:us-east-1:123456789012:db:app-db", "arn:aws:s3:::data-1")),
        note="by-arn",
    ),
    Case("backup-covers-stateful-resources", False, (_data, selection("arn:aws:s3:::*")), note="wildcard"),
    Case(
        "backup-covers-stateful-resources",
        False,
        (
            res(BUCKET, "b", provider_props={**EAST, "defaultTags": '{"tags": {"backup": "daily"}}'}),
            selection(selectionTags=[{"type": "STRINGEQUALS", "key": "backup", "value": "daily"}]),
        ),
        note="by-default-tag",
    ),
    Case(
        "backup-covers-stateful-resources",
        True,
        (_db, _data, selection("arn:aws:s3:::data-1")),
        note="db-missing",
        offender="db",
    ),
    Case("backup-covers-stateful-resources", True, (_db,), note="no-selection", offender="db"),
    Case(
        "backup-covers-stateful-resources",
        True,
        (_data, selection("arn:aws:s3:::*", notResources=["arn:aws:s3:::data-*"])),
        note="excluded",
        offender="data",
    ),
    Case(
        "backup-covers-stateful-resources",
        True,
        (_db, selection("arn:aws:rds:us-west-2:1:db:app-db")),
        note="arn-of-other-region",
        offender="db",
    ),
    Case(
        "backup-covers-stateful-resources",
        False,
        (_data, _alb_logs, _alb, selection("arn:aws:s3:::data-1")),
        note="alb-only-log-bucket-skipped",
    ),
    Case(
        "backup-covers-stateful-resources",
        True,
        (
            _alb_logs,
            _alb,
            res("aws:cloudtrail/trail:Trail", "trail", s3BucketName="alb-logs-1"),
            selection("arn:aws:s3:::data-1"),
        ),
        note="alb-log-bucket-also-written-by-a-trail",
        offender="alb-logs",
    ),
]
