"""The Edge, checked against the AWS constraints the offline mocks would accept anyway: load balancer and target
group names within the ELB limits, the public zone looked up (not created) and the ALB reaching the ingress pods.
The components run in-process per tier (runs.py)."""

from __future__ import annotations

import re
from typing import Any

from components.network.edge import INGRESS_PORT
from tests.components.network.runs import CLUSTER_SECURITY_GROUP, ZONE_TOKEN, run_components

LB = "aws:lb/loadBalancer:LoadBalancer"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


# --- 1. load balancer and target group names -------------------------------------------------------------------

# Both ELBv2 names: <= 32 characters, alphanumerics and hyphens, no hyphen first or last, and a load balancer's
# not "internal-" first: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html
# and API_CreateTargetGroup.html. Pulumi's auto-name is the logical name + "-" + 7 random characters;
# a name_prefix (<= 6) gets a 26-character unique suffix (terraform-provider-aws internal/service/elbv2/validate.go).
_ELB_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")


def _physical_name(resource: dict[str, Any]) -> tuple[str, str]:
    inputs = resource["inputs"]
    if inputs.get("name"):
        return inputs["name"], "explicit"
    if inputs.get("namePrefix"):
        return inputs["namePrefix"] + "x" * 26, "name_prefix"
    return f"{resource['name']}-{'x' * 7}", "auto-named"


def test_load_balancer_and_target_group_names_fit_the_elb_limits(run):
    balancers = run.of_type(LB) + run.of_type(TARGET_GROUP)
    assert {r["type"] for r in balancers} == {LB, TARGET_GROUP}, f"{run.tier}: no load balancer or target group"
    for resource in balancers:
        name, how = _physical_name(resource)
        assert how != "explicit", f"{resource['urn']}: a fixed name cannot be replaced create-before-delete"
        assert len(name) <= 32, f"{resource['urn']}: {how} name {name!r} is {len(name)} characters (max 32)"
        assert _ELB_NAME.match(name), f"{resource['urn']}: {name!r} must be alphanumerics and inner hyphens"
        assert not name.startswith("internal-"), f"{resource['urn']}: {name!r} starts with 'internal-'"
        if how == "name_prefix":
            assert len(resource["inputs"]["namePrefix"]) <= 6, f"{resource['urn']}: name_prefix over 6 characters"


def test_the_target_group_still_feeds_the_listener_and_the_alarms(run):
    target_group = run.one(TARGET_GROUP)
    https = next(r for r in run.of_type("aws:lb/listener:Listener") if r["inputs"]["protocol"] == "HTTPS")
    assert https["inputs"]["defaultActions"][0]["targetGroupArn"] == target_group["outputs"]["arn"], https["urn"]
    assert target_group["inputs"]["targetType"] == "ip" and target_group["inputs"]["port"] == INGRESS_PORT
    edge = run.edge
    assert edge.target_group is not None and edge.load_balancer is not None  # arn_suffix outputs feed the alarms


# --- 2. the public zone is a prerequisite, looked up ------------------------------------------------------------


def test_the_public_zone_is_looked_up_not_created(run):
    created = run.of_type("aws:route53/zone:Zone")
    assert not created, f"the zone belongs to the account baseline, not the stack: {[r['urn'] for r in created]}"
    lookups = [args for token, args in run.calls if token == ZONE_TOKEN]
    domain = next(r for r in run.of_type("aws:acm/certificate:Certificate"))["inputs"]["domainName"]
    assert lookups == [{"name": domain, "privateZone": False}], lookups
    (answer,) = run.zone_answers
    zone_id = answer["zoneId"]
    records = run.of_type("aws:route53/record:Record")
    assert len(records) == 3, [r["urn"] for r in records]  # certificate validation, apex, wildcard
    for record in records:
        assert record["inputs"]["zoneId"] == zone_id, f"{record['urn']} is not in the looked-up zone"
    assert run.edge.zone_id == zone_id
    assert run.edge.name_servers == list(answer["nameServers"])


def test_the_certificate_is_still_validated_in_the_zone(run):
    validation = run.one("aws:acm/certificateValidation:CertificateValidation")
    record = next(r for r in run.of_type("aws:route53/record:Record") if r["name"].endswith("-certificate-validation"))
    assert validation["inputs"]["validationRecordFqdns"] == [record["outputs"]["fqdn"]], validation["urn"]


def test_a_missing_zone_stops_the_preview_at_the_lookup_before_the_certificate():
    failed = run_components("dev", missing_zone=True)
    assert failed.error is not None, "the preview must fail when the zone does not exist"
    assert "dev.platform.company.com" in str(failed.error) or ZONE_TOKEN in str(failed.error), failed.error
    assert not failed.of_type("aws:acm/certificate:Certificate"), "nothing may wait on a zone that is not there"


# --- 3. the ALB reaches the ingress pods ------------------------------------------------------------------------


def test_the_cluster_security_group_admits_the_alb_on_the_ingress_port(run):
    alb_group = next(r for r in run.of_type("aws:ec2/securityGroup:SecurityGroup") if r["name"].endswith("-alb-sg"))
    assert run.one(LB)["inputs"]["securityGroups"] == [alb_group["id"]]
    into_pods = [r for r in run.of_type(INGRESS_RULE) if r["inputs"]["securityGroupId"] == CLUSTER_SECURITY_GROUP]
    assert len(into_pods) == 1, f"{run.tier}: expected one rule on the cluster security group: {into_pods}"
    rule = into_pods[0]
    inputs = rule["inputs"]
    assert inputs["referencedSecurityGroupId"] == alb_group["id"], rule["urn"]
    assert (inputs["ipProtocol"], inputs["fromPort"], inputs["toPort"]) == ("tcp", INGRESS_PORT, INGRESS_PORT)
    assert "cidrIpv4" not in inputs and inputs.get("description"), rule["urn"]
    # Security group rule descriptions: up to 255 of a-zA-Z0-9 . _-:/()#,@[]+=&;{}!$* and space.
    assert re.fullmatch(r"[A-Za-z0-9. _\-:/()#,@\[\]+=&;{}!$*]{1,255}", inputs["description"]), rule["urn"]
