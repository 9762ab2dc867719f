"""Cases for Enhanced Monitoring, replica log exports and slow-query logging
(platform_policies/rules/resilience/database_observability.py)."""

from __future__ import annotations

from typing import Any

from tests.policies.cases import Case, res
from tests.policies.rules.resilience.backups_cases import EAST, RDS, WEST

PARAMS = "aws:rds/parameterGroup:ParameterGroup"
ROLE_ARN = "arn:aws:iam::123456789012:role/db-monitoring-role"
ROLE_URN = "urn:pulumi:test::platform::aws:iam/role:Role::db-monitoring-role"
BOTH = ["postgresql", "upgrade"]

_primary = res(
    RDS, "primary", provider_props=EAST, identifier="db", engine="postgres", enabledCloudwatchLogsExports=BOTH
)


def _replica(exports: list[str] | None, name: str = "replica"):
    props: dict[str, Any] = {"enabledCloudwatchLogsExports": exports} if exports is not None else {}
    return res(
        RDS,
        name,
        provider_props=WEST,
        property_dependencies={"replicateSourceDb": [_primary.urn]},
        identifier="db-dr",
        replicateSourceDb="arn:aws:rds:us-east-1:123456789012:db:db",
        **props,
    )


def _group(name: str, slow_ms: str | None, family: str = "postgres16"):
    parameters = [{"name": "rds.force_ssl", "value": "1"}]
    if slow_ms is not None:
        parameters.append({"name": "log_min_duration_statement", "value": slow_ms})
    return res(PARAMS, name, name=name, family=family, parameters=parameters)


def _uses(group, name: str = "db", **props):
    return res(
        RDS,
        name,
        property_dependencies={"parameterGroupName": [group.urn]},
        engine="postgres",
        parameterGroupName=group.name,
        **props,
    )


_fast, _slow, _off = _group("fast", "100"), _group("slow", "5000"), _group("off", "-1")

CASES: list[Case] = [
    # rds-enhanced-monitoring
    Case(
        "rds-enhanced-monitoring",
        False,
        (res(RDS, property_dependencies={"monitoringRoleArn": [ROLE_URN]}, monitoringInterval=30),),
        note="role-from-dependency",
    ),
    Case("rds-enhanced-monitoring", False, (res(RDS, monitoringInterval=60, monitoringRoleArn=ROLE_ARN),)),
    Case("rds-enhanced-monitoring", True, (res(RDS, monitoringInterval=0),), note="off"),
    Case("rds-enhanced-monitoring", True, (res(RDS, engine="postgres"),), note="unset"),
    Case("rds-enhanced-monitoring", True, (res(RDS, monitoringInterval=30),), note="no-role"),
    Case(
        "rds-enhanced-monitoring",
        True,
        (res(RDS, monitoringInterval=20, monitoringRoleArn=ROLE_ARN),),
        note="interval-rds-refuses",
    ),
    # rds-replica-log-exports
    Case("rds-replica-log-exports", False, (_primary, _replica(BOTH))),
    Case("rds-replica-log-exports", False, (_primary, _replica([*BOTH, "iam-db-auth-error"])), note="more"),
    Case("rds-replica-log-exports", False, (_replica(None),), note="source-elsewhere"),
    Case("rds-replica-log-exports", True, (_primary, _replica(None)), note="none", offender="replica"),
    Case("rds-replica-log-exports", True, (_primary, _replica(["postgresql"])), note="partial", offender="replica"),
    # rds-slow-query-logging
    Case("rds-slow-query-logging", False, (_fast, _uses(_fast))),
    Case("rds-slow-query-logging", False, (_slow, _uses(_slow)), config={"maxMs": 5000}, note="tier-target"),
    Case(
        "rds-slow-query-logging",
        False,
        (_fast, res(RDS, "named", engine="postgres", parameterGroupName="fast")),
        note="by-name",
    ),
    Case("rds-slow-query-logging", True, (_slow, _uses(_slow)), note="above-target", offender="db"),
    Case("rds-slow-query-logging", True, (_off, _uses(_off)), note="disabled", offender="db"),
    Case(
        "rds-slow-query-logging",
        True,
        (_group("unset", None), _uses(_group("unset", None))),
        note="unset",
        offender="db",
    ),
    Case(
        "rds-slow-query-logging",
        True,
        (res(RDS, "db", engine="postgres", parameterGroupName="default.postgres16"),),
        note="default-group",
        offender="db",
    ),
]
