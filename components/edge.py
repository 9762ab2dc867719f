"""The public edge: DNS zone, TLS certificate and the load balancer in front of the cluster's ingress.

The ALB is owned here, not by an in-cluster controller, so its TLS policy, deletion protection
and alarms are reviewed like any other resource. Ingress pods join the target group through the
AWS Load Balancer Controller's TargetGroupBinding (target type `ip`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
from pulumi import Input

from .config import PlatformConfig

HTTPS_PORT = 443
HTTP_PORT = 80
INGRESS_PORT = 8080  # the ingress controller's HTTP port on its pods
HEALTH_CHECK_PATH = "/healthz"


@dataclass(frozen=True)
class EdgeArgs:
    config: PlatformConfig
    vpc_id: Input[str]
    vpc_cidr: str
    public_subnet_ids: dict[str, Input[str]]  # AZ name -> public subnet id


class Edge(pulumi.ComponentResource):
    def __init__(self, name: str, args: EdgeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:edge:Edge", name, None, opts)
        config = args.config
        domain = config.ingress.domain_name
        child = pulumi.ResourceOptions(parent=self)

        # The zone holds the delegation the parent zone points at: recreating it changes its name servers.
        zone = aws.route53.Zone(f"{name}-zone", name=domain, comment=f"{config.name_prefix} public zone",
                                opts=pulumi.ResourceOptions(parent=self, protect=config.protect_stateful))
        certificate = self._certificate(name, domain, zone)
        security_group = self._security_group(name, args)
        self.load_balancer = aws.lb.LoadBalancer(
            f"{name}-alb", load_balancer_type="application", internal=False,
            subnets=[args.public_subnet_ids[az] for az in sorted(args.public_subnet_ids)],
            security_groups=[security_group.id], drop_invalid_header_fields=True,
            enable_deletion_protection=config.ingress.deletion_protection, idle_timeout=60, opts=child)
        self.target_group = aws.lb.TargetGroup(
            f"{name}-ingress", vpc_id=args.vpc_id, target_type="ip", protocol="HTTP", port=INGRESS_PORT,
            deregistration_delay=30,
            health_check=aws.lb.TargetGroupHealthCheckArgs(path=HEALTH_CHECK_PATH, matcher="200",
                                                           healthy_threshold=2, unhealthy_threshold=3),
            opts=child)
        aws.lb.Listener(
            f"{name}-https", load_balancer_arn=self.load_balancer.arn, port=HTTPS_PORT, protocol="HTTPS",
            ssl_policy=config.ingress.tls_policy, certificate_arn=certificate.certificate_arn,
            default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward",
                                                              target_group_arn=self.target_group.arn)],
            opts=child)
        # Plain HTTP only ever answers with a permanent redirect to HTTPS.
        aws.lb.Listener(
            f"{name}-http-redirect", load_balancer_arn=self.load_balancer.arn, port=HTTP_PORT, protocol="HTTP",
            default_actions=[aws.lb.ListenerDefaultActionArgs(
                type="redirect", redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                    protocol="HTTPS", port=str(HTTPS_PORT), status_code="HTTP_301"))],
            opts=child)
        for record_name in (domain, f"*.{domain}"):
            aws.route53.Record(
                f"{name}-alias-{'wildcard' if record_name.startswith('*') else 'apex'}", zone_id=zone.zone_id,
                name=record_name, type="A",
                aliases=[aws.route53.RecordAliasArgs(name=self.load_balancer.dns_name,
                                                     zone_id=self.load_balancer.zone_id,
                                                     evaluate_target_health=True)],
                opts=child)

        self.zone_id = zone.zone_id
        self.name_servers = zone.name_servers
        self.load_balancer_arn_suffix = self.load_balancer.arn_suffix
        self.target_group_arn_suffix = self.target_group.arn_suffix
        self.target_group_arn = self.target_group.arn
        self.register_outputs({"zoneId": self.zone_id, "nameServers": self.name_servers,
                               "loadBalancerDnsName": self.load_balancer.dns_name,
                               "targetGroupArn": self.target_group_arn})

    def _certificate(self, name: str, domain: str, zone: aws.route53.Zone) -> aws.acm.CertificateValidation:
        child = pulumi.ResourceOptions(parent=self)
        certificate = aws.acm.Certificate(
            f"{name}-certificate", domain_name=domain, subject_alternative_names=[f"*.{domain}"],
            validation_method="DNS", opts=child)
        # The apex and its wildcard share one validation record, so a single record validates both.
        option = certificate.domain_validation_options[0]
        record = aws.route53.Record(
            f"{name}-certificate-validation", zone_id=zone.zone_id, name=option.resource_record_name,
            type=option.resource_record_type, records=[option.resource_record_value], ttl=300,
            allow_overwrite=True, opts=child)
        return aws.acm.CertificateValidation(
            f"{name}-certificate-ready", certificate_arn=certificate.arn, validation_record_fqdns=[record.fqdn],
            opts=child)

    def _security_group(self, name: str, args: EdgeArgs) -> aws.ec2.SecurityGroup:
        child = pulumi.ResourceOptions(parent=self)
        group = aws.ec2.SecurityGroup(f"{name}-alb-sg", vpc_id=args.vpc_id,
                                      description=f"{args.config.name_prefix} public load balancer", opts=child)
        for port in (HTTPS_PORT, HTTP_PORT):
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-alb-in-{port}", security_group_id=group.id, ip_protocol="tcp", from_port=port,
                to_port=port, cidr_ipv4="0.0.0.0/0", description=f"public TCP {port}", opts=child)
        # Out only to the ingress pods inside the VPC.
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-alb-out-ingress", security_group_id=group.id, ip_protocol="tcp", from_port=INGRESS_PORT,
            to_port=INGRESS_PORT, cidr_ipv4=args.vpc_cidr, description="to ingress pods", opts=child)
        return group
