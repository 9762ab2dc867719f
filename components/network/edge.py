"""The public edge: TLS certificate and the load balancer in front of the cluster's ingress, in the stack's zone.

The ALB is owned here, not by an in-cluster controller, so its TLS policy, deletion protection, access logs
(ingress.accessLogs, to the bucket the storage component makes for them) and alarms are reviewed like any other
resource; with ingress.waf a WAF web ACL (web_firewall.py) filters what reaches it. Ingress pods join the
target group through the AWS Load Balancer Controller's TargetGroupBinding (target type `ip`).

The public hosted zone is not created here: the account baseline creates it and it is delegated from
the parent zone before the platform's first `up`, so the certificate validates at once instead of
waiting on a delegation that only exists after the zone does.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
from pulumi import Input

from ..config.model import PlatformConfig
from .web_firewall import WebFirewall, WebFirewallArgs

HTTPS_PORT = 443
HTTP_PORT = 80
INGRESS_PORT = 8080  # the ingress controller's HTTP port on its pods
HEALTH_CHECK_PATH = "/healthz"

# Load balancer and target group names: at most 32 characters, alphanumerics and hyphens, no hyphen first or
# last, no "internal-" first (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/
# API_CreateLoadBalancer.html, API_CreateTargetGroup.html). Pulumi auto-naming appends "-" and 7 random
# characters to the logical name, so a logical name of an auto-named one must fit in 24.
ELB_NAME_MAX = 32
AUTO_NAME_SUFFIX = 8  # "-" + 7 random characters


def elb_logical_name(config: PlatformConfig, role: str) -> str:
    """A short, stable logical name from the tier (`platform-staging-alb`) that auto-naming keeps within 32."""
    name = f"{config.name_prefix}-{role}"
    if len(name) + AUTO_NAME_SUFFIX > ELB_NAME_MAX or name.startswith("internal-"):
        raise ValueError(
            f"{name!r} + {AUTO_NAME_SUFFIX} auto-name characters exceeds the {ELB_NAME_MAX}-character "
            "load balancer / target group name limit; shorten it"
        )
    return name


@dataclass(frozen=True)
class AccessLogs:
    """Where the load balancer writes its access logs: an SSE-S3 bucket (the only encryption ALB log delivery
    supports) whose policy lets the region's ELB log delivery write under the prefix."""

    bucket: Input[str]  # the bucket's name
    prefix: str
    # ELB checks that it may write to the bucket when access logging is turned on, so the load balancer waits
    # for the bucket policy: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
    bucket_policy: pulumi.Resource


def alb_access_logs(bucket: aws.s3.Bucket | None, policy: pulumi.Resource | None, prefix: str) -> AccessLogs | None:
    """The access-log destination when the storage component made one (ingress.accessLogs), else None."""
    if bucket is None or policy is None:
        return None
    return AccessLogs(bucket=bucket.bucket, prefix=prefix, bucket_policy=policy)


@dataclass(frozen=True)
class EdgeArgs:
    config: PlatformConfig
    vpc_id: Input[str]
    vpc_cidr: str
    public_subnet_ids: dict[str, Input[str]]  # zone ID -> public subnet id
    # The EKS cluster security group: EKS puts it on managed node groups' nodes (no custom security groups),
    # and so on the pods' VPC CNI addresses: https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html
    cluster_security_group_id: Input[str]
    logs_key_arn: Input[str]  # encrypts the WAF log group (ingress.waf)
    access_logs: AccessLogs | None = None  # required when ingress.accessLogs is on


class Edge(pulumi.ComponentResource):
    def __init__(self, name: str, args: EdgeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:edge:Edge", name, None, opts)
        config = args.config
        domain = config.ingress.domain_name
        child = pulumi.ResourceOptions(parent=self)

        # A prerequisite from the account baseline, already delegated: a missing zone stops the preview here,
        # with the lookup's error, instead of the first `up` hanging on certificate validation.
        zone = aws.route53.get_zone(name=domain, private_zone=False, opts=pulumi.InvokeOptions(parent=self))
        zone_id: str = zone.zone_id
        certificate = self._certificate(name, domain, zone_id)
        security_group = self._security_group(name, args)
        logs = _access_logs(args)
        # Auto-named (replacements create the new one first without a name collision) from short logical names.
        self.load_balancer = aws.lb.LoadBalancer(
            elb_logical_name(config, "alb"),
            load_balancer_type="application",
            internal=False,
            subnets=[args.public_subnet_ids[zone_key] for zone_key in sorted(args.public_subnet_ids)],
            security_groups=[security_group.id],
            drop_invalid_header_fields=True,
            enable_deletion_protection=config.ingress.deletion_protection,
            idle_timeout=60,
            access_logs=_access_logs_args(logs),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[logs.bucket_policy] if logs else []),
        )
        self.target_group = aws.lb.TargetGroup(
            elb_logical_name(config, "ingress"),
            vpc_id=args.vpc_id,
            target_type="ip",
            protocol="HTTP",
            port=INGRESS_PORT,
            deregistration_delay=30,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                path=HEALTH_CHECK_PATH, matcher="200", healthy_threshold=2, unhealthy_threshold=3
            ),
            opts=child,
        )
        aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=self.load_balancer.arn,
            port=HTTPS_PORT,
            protocol="HTTPS",
            ssl_policy=config.ingress.tls_policy,
            certificate_arn=certificate.certificate_arn,
            default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=self.target_group.arn)],
            opts=child,
        )
        # Plain HTTP only ever answers with a permanent redirect to HTTPS.
        aws.lb.Listener(
            f"{name}-http-redirect",
            load_balancer_arn=self.load_balancer.arn,
            port=HTTP_PORT,
            protocol="HTTP",
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(
                    type="redirect",
                    redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                        protocol="HTTPS", port=str(HTTPS_PORT), status_code="HTTP_301"
                    ),
                )
            ],
            opts=child,
        )
        for record_name in (domain, f"*.{domain}"):
            aws.route53.Record(
                f"{name}-alias-{'wildcard' if record_name.startswith('*') else 'apex'}",
                zone_id=zone_id,
                name=record_name,
                type="A",
                aliases=[
                    aws.route53.RecordAliasArgs(
                        name=self.load_balancer.dns_name,
                        zone_id=self.load_balancer.zone_id,
                        evaluate_target_health=True,
                    )
                ],
                opts=child,
            )

        self.firewall = (
            WebFirewall(
                f"{name}-waf",
                WebFirewallArgs(
                    config=config, load_balancer_arn=self.load_balancer.arn, logs_key_arn=args.logs_key_arn
                ),
                child,
            )
            if config.ingress.waf
            else None
        )
        self.zone_id: str = zone_id
        self.name_servers: list[str] = list(zone.name_servers)
        self.load_balancer_arn_suffix = self.load_balancer.arn_suffix
        self.target_group_arn_suffix = self.target_group.arn_suffix
        self.target_group_arn = self.target_group.arn
        self.register_outputs(
            {
                "zoneId": self.zone_id,
                "nameServers": self.name_servers,
                "loadBalancerDnsName": self.load_balancer.dns_name,
                "targetGroupArn": self.target_group_arn,
            }
        )

    def _certificate(self, name: str, domain: str, zone_id: str) -> aws.acm.CertificateValidation:
        child = pulumi.ResourceOptions(parent=self)
        certificate = aws.acm.Certificate(
            f"{name}-certificate",
            domain_name=domain,
            subject_alternative_names=[f"*.{domain}"],
            validation_method="DNS",
            opts=child,
        )
        # The apex and its wildcard share one validation record, so a single record validates both.
        option = certificate.domain_validation_options[0]
        record = aws.route53.Record(
            f"{name}-certificate-validation",
            zone_id=zone_id,
            name=option.resource_record_name,
            type=option.resource_record_type,
            records=[option.resource_record_value],
            ttl=300,
            allow_overwrite=True,
            opts=child,
        )
        return aws.acm.CertificateValidation(
            f"{name}-certificate-ready",
            certificate_arn=certificate.arn,
            validation_record_fqdns=[record.fqdn],
            opts=child,
        )

    def _security_group(self, name: str, args: EdgeArgs) -> aws.ec2.SecurityGroup:
        child = pulumi.ResourceOptions(parent=self)
        group = aws.ec2.SecurityGroup(
            f"{name}-alb-sg",
            vpc_id=args.vpc_id,
            description=f"{args.config.name_prefix} public load balancer",
            opts=child,
        )
        for port in (HTTPS_PORT, HTTP_PORT):
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-alb-in-{port}",
                security_group_id=group.id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                cidr_ipv4="0.0.0.0/0",
                description=f"public TCP {port}",
                opts=child,
            )
        # Out only to the ingress pods inside the VPC.
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-alb-out-ingress",
            security_group_id=group.id,
            ip_protocol="tcp",
            from_port=INGRESS_PORT,
            to_port=INGRESS_PORT,
            cidr_ipv4=args.vpc_cidr,
            description="to ingress pods",
            opts=child,
        )
        # And into them: the targets are pod IPs (target type ip) behind the cluster security group, which by
        # default admits only itself. Health checks use the same port.
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-pods-in-from-alb",
            security_group_id=args.cluster_security_group_id,
            ip_protocol="tcp",
            from_port=INGRESS_PORT,
            to_port=INGRESS_PORT,
            referenced_security_group_id=group.id,
            description="ingress pods from the public load balancer",
            opts=child,
        )
        return group


def _access_logs(args: EdgeArgs) -> AccessLogs | None:
    """The destination when ingress.accessLogs is on; a missing one is a wiring mistake, not a silent skip."""
    if not args.config.ingress.access_logs:
        return None
    if args.access_logs is None:
        raise ValueError("ingress.accessLogs is on but EdgeArgs.access_logs names no bucket (Storage.alb_logs_bucket)")
    return args.access_logs


def _access_logs_args(logs: AccessLogs | None) -> aws.lb.LoadBalancerAccessLogsArgs | None:
    # `enabled` defaults to false even with a bucket set (LoadBalancerAccessLogsArgs), so it is explicit.
    return aws.lb.LoadBalancerAccessLogsArgs(bucket=logs.bucket, prefix=logs.prefix, enabled=True) if logs else None
