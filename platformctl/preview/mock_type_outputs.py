"""The outputs AWS computes for particular resource types (endpoints, versions, default IDs), mocked offline.

Each is derived from the resource's logical name and the fields mocks.py computes for it, so previews are stable.
Programs read these outputs (a cluster's endpoint, a database's address); a type missing here echoes its inputs.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

from .mock_values import ACCOUNT_ID, digest, name_servers, zone_id


def _cluster(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    host = digest("eks", name, 32).upper()
    vpc_config = {
        **state.get("vpcConfig", {}),
        "clusterSecurityGroupId": f"sg-{digest('eks-sg', name, 17)}",
        "vpcId": f"vpc-{digest('eks-vpc', name, 17)}",
    }
    return {
        "endpoint": f"https://{host}.gr7.{region}.eks.amazonaws.com",
        "certificateAuthority": {"data": base64.b64encode(f"-----BEGIN CERTIFICATE-----{host}".encode()).decode()},
        "identities": [{"oidcs": [{"issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{host}"}]}],
        "vpcConfig": vpc_config,
        "status": "ACTIVE",
        "platformVersion": "eks.9",
    }


def _node_group(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    return {
        "resources": [
            {
                "autoscalingGroups": [{"name": f"eks-{fields['physical']}-{fields['uuid']}"}],
                "remoteAccessSecurityGroupId": "",
            }
        ],
        "status": "ACTIVE",
    }


def _db_instance(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    address = f"{fields['physical']}.c{digest('rds', name, 11)}.{region}.rds.amazonaws.com"
    secret_name = f"rds!db-{fields['uuid']}-{fields['short']}"
    secret = {
        "secretArn": f"arn:aws:secretsmanager:{region}:{ACCOUNT_ID}:secret:{secret_name}",
        "kmsKeyId": state.get("masterUserSecretKmsKeyId", ""),
        "secretStatus": "active",
    }
    return {
        "address": address,
        "endpoint": f"{address}:5432",
        "port": 5432,
        "hostedZoneId": "Z2R2ITUGPM61AM",
        "resourceId": f"db-{digest('rds-res', name, 26).upper()}",
        "status": "available",
        "masterUserSecrets": [secret] if state.get("manageMasterUserPassword") else [],
    }


def _bucket(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    bucket = fields["physical"]
    return {
        "bucketDomainName": f"{bucket}.s3.amazonaws.com",
        "region": region,
        "bucketRegionalDomainName": f"{bucket}.s3.{region}.amazonaws.com",
        "hostedZoneId": "Z3AQBSTGFYJSTF",
    }


def _key(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    # An asymmetric key (a DNSSEC signing key) keeps the spec and usage it was created with.
    return {
        "keyId": fields["key_id"],
        "keyUsage": state.get("keyUsage") or "ENCRYPT_DECRYPT",
        "customerMasterKeySpec": state.get("customerMasterKeySpec") or "SYMMETRIC_DEFAULT",
    }


def _key_signing_key(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    # What GetDNSSEC reports for an ECDSA P-256 KSK: flag 257, algorithm 13, SHA-256 digest (type 2), and the DS
    # record as "<key tag> 13 2 <digest>" (https://docs.aws.amazon.com/Route53/latest/APIReference/
    # API_KeySigningKey.html).
    key_tag = int(fields["hex16"][:4], 16)
    digest_value = hashlib.sha256(fields["hex32"].encode()).hexdigest().upper()
    public_key = base64.b64encode(hashlib.sha512(fields["hex32"].encode()).digest()).decode()
    return {
        "flag": 257,
        "keyTag": key_tag,
        "signingAlgorithmMnemonic": "ECDSAP256SHA256",
        "signingAlgorithmType": 13,
        "digestAlgorithmMnemonic": "SHA-256",
        "digestAlgorithmType": 2,
        "digestValue": digest_value,
        "publicKey": public_key,
        "dnskeyRecord": f"257 3 13 {public_key}",
        "dsRecord": f"{key_tag} 13 2 {digest_value}",
        "status": state.get("status") or "ACTIVE",
    }


def _role(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    return {"uniqueId": "AROA" + digest("role", name, 17).upper()}


def _launch_template(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    return {"latestVersion": 1, "defaultVersion": 1}


def _eip(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    octets = hashlib.sha256(name.encode()).digest()
    return {"allocationId": f"eipalloc-{digest('eip', name, 17)}", "publicIp": f"3.{octets[0]}.{octets[1]}.{octets[2]}"}


def _vpc(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    return {
        "defaultSecurityGroupId": f"sg-{digest('default-sg', name, 17)}",
        "mainRouteTableId": f"rtb-{digest('main-rtb', name, 17)}",
        "ownerId": ACCOUNT_ID,
    }


def _load_balancer(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    return {
        "arnSuffix": f"app/{fields['physical']}/{fields['hex16']}",
        "zoneId": "Z35SXDOTRQ7X7K",
        "dnsName": f"{fields['physical']}-{int(fields['hex16'][:8], 16)}.{region}.elb.amazonaws.com",
    }


def _target_group(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    return {"arnSuffix": f"targetgroup/{fields['physical']}/{fields['hex16']}"}


def _certificate(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    token = fields["hex32"]
    return {
        "status": "PENDING_VALIDATION",
        "domainValidationOptions": [
            {
                "domainName": domain,
                "resourceRecordName": f"_{token[:16]}.{state.get('domainName', '')}.",
                "resourceRecordType": "CNAME",
                "resourceRecordValue": f"_{token[16:]}.acm-validations.aws.",
            }
            for domain in [state.get("domainName", ""), *state.get("subjectAlternativeNames", [])]
        ],
    }


def _zone(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    return {"zoneId": zone_id(fields["hex32"]), "nameServers": name_servers(fields["hex16"])}


def _record(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    return {"fqdn": str(state.get("name", "")).rstrip(".")}


# Documented capacities (WCUs) of the AWS managed rule groups a web ACL may reference: aws-managed-rule-groups-
# ip-rep.html, -baseline.html, -use-case.html under https://docs.aws.amazon.com/waf/latest/developerguide/.
# A rate-based rule keyed on IP costs 2 (waf-rule-statement-type-rate-based.html); others count 100 here.
_MANAGED_GROUP_WCU = {
    "AWSManagedRulesAmazonIpReputationList": 25,
    "AWSManagedRulesCommonRuleSet": 700,
    "AWSManagedRulesKnownBadInputsRuleSet": 200,
    "AWSManagedRulesSQLiRuleSet": 200,
}


def _rule_wcu(rule: dict[str, Any]) -> int:
    statement = rule.get("statement") or {}
    if "managedRuleGroupStatement" in statement:
        return _MANAGED_GROUP_WCU.get(statement["managedRuleGroupStatement"].get("name", ""), 100)
    return 2 if "rateBasedStatement" in statement else 100


def _web_acl(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    """What GetWebACL reports: the capacity the rules use, a lock token, the integration URL."""
    return {
        "capacity": sum(_rule_wcu(rule) for rule in state.get("rules") or []),
        "lockToken": fields["key_id"],
        "applicationIntegrationUrl": f"https://{fields['hex16']}.{region}.sdk.awswaf.com/{fields['hex16']}/",
    }


def _backup_plan(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    return {"version": base64.b64encode(digest("plan-version", name, 24).encode()).decode()}


def _security_hub(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    # One hub per account and region, always named "default" (DescribeHub's HubArn).
    return {"arn": f"arn:aws:securityhub:{region}:{ACCOUNT_ID}:hub/default"}


def _repository(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    """What CreateRepository returns: the registry (the account) and the URL images are pushed to."""
    url = f"{ACCOUNT_ID}.dkr.ecr.{region}.amazonaws.com/{fields['physical']}"
    return {"registryId": ACCOUNT_ID, "repositoryUrl": url}


def _canary(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    """CreateCanary's outputs: the ARN names the canary; the engine is the Lambda function `cwsyn-<name>-<id>`."""
    canary = state.get("name", fields["physical"])
    function = f"cwsyn-{canary}-{fields['uuid']}"
    return {
        "arn": f"arn:aws:synthetics:{region}:{ACCOUNT_ID}:canary:{canary}",
        "engineArn": f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{function}:1",
        "sourceLocationArn": f"arn:aws:lambda:{region}:{ACCOUNT_ID}:layer:{function}:1",
        "status": "RUNNING" if state.get("startCanary") else "READY",
    }


def _bucket_object(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    # A versioned bucket gives every PUT a version ID; S3 reports the ETag (the MD5 of a single-part object).
    return {"versionId": fields["hex32"], "etag": fields["hex32"]}


# The role names IAM gives the service-linked roles the programs create (CreateServiceLinkedRole).
_SERVICE_LINKED_ROLE_NAMES = {"config.amazonaws.com": "AWSServiceRoleForConfig"}


def _service_linked_role(name: str, state: dict[str, Any], region: str, fields: dict[str, str]) -> dict[str, Any]:
    service = state["awsServiceName"]
    role = _SERVICE_LINKED_ROLE_NAMES.get(service, f"AWSServiceRoleFor{service.split('.')[0].title()}")
    path = f"/aws-service-role/{service}/"
    return {"name": role, "path": path, "arn": f"arn:aws:iam::{ACCOUNT_ID}:role{path}{role}"}


TYPE_OUTPUTS: dict[str, Callable[[str, dict[str, Any], str, dict[str, str]], dict[str, Any]]] = {
    "aws:eks/cluster:Cluster": _cluster,
    "aws:eks/nodeGroup:NodeGroup": _node_group,
    "aws:rds/instance:Instance": _db_instance,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:kms/key:Key": _key,
    "aws:iam/role:Role": _role,
    "aws:ec2/launchTemplate:LaunchTemplate": _launch_template,
    "aws:ec2/eip:Eip": _eip,
    "aws:ec2/vpc:Vpc": _vpc,
    "aws:backup/plan:Plan": _backup_plan,
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:lb/targetGroup:TargetGroup": _target_group,
    "aws:acm/certificate:Certificate": _certificate,
    "aws:route53/zone:Zone": _zone,
    "aws:route53/record:Record": _record,
    "aws:wafv2/webAcl:WebAcl": _web_acl,
    "aws:route53/keySigningKey:KeySigningKey": _key_signing_key,
    "aws:ecr/repository:Repository": _repository,
    "aws:securityhub/account:Account": _security_hub,
    "aws:synthetics/canary:Canary": _canary,
    "aws:s3/bucketObjectv2:BucketObjectv2": _bucket_object,
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": _service_linked_role,
}
