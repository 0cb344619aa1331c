import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { TargetHealthPlan } from '../../../core/plans/fleet';
import { newFleetWebAcl } from '../fleet-protection';
import { AccountContext } from './keys';

/** The HTTPS listener clients reach, and the HTTP one that redirects to it. */
const HTTPS = { port: 443, description: 'HTTPS from clients' } as const;
const HTTP = { port: 80, description: 'HTTP from clients, redirected to HTTPS' } as const;

/** TLS 1.2 and 1.3 with forward-secret AEAD ciphers and post-quantum key exchange. */
const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09';

/** What a fleet or a service puts behind its load balancer. */
export interface HaLoadBalancerOptions {
  readonly provider?: TerraformProvider;
  readonly context: AccountContext;
  readonly vpcId: string;
  readonly subnets: string[];
  /** @default ['0.0.0.0/0'] */
  readonly ingressCidrs?: string[];
  /** @default true */
  readonly internetFacing?: boolean;
  readonly accessLogsBucket?: string;
  readonly certificateArn: string;
  readonly sslPolicy?: string;
  /** The backends, as construct ids and descriptions name them (`Instance`, `Task`). */
  readonly backend: {
    readonly noun: 'Instance' | 'Task';
    readonly targetType: 'instance' | 'ip';
    /** What the backends reach over HTTPS (the description of their egress rule). */
    readonly httpsOut: string;
  };
  /** The backends' port and the target group's health check, from the plan. */
  readonly targetHealth: TargetHealthPlan;
  /** The target group's health-check path (the plan's, or the user's). */
  readonly healthCheckPath: string;
  readonly deregistrationDelaySeconds: number;
  /** How the target group spreads requests (a plan's `loadBalancing`). @default - round robin, as AWS does */
  readonly loadBalancing?: {
    readonly algorithm: 'weighted_random' | 'round_robin';
    readonly anomalyMitigation: boolean;
  };
  readonly rateLimitPerIp: number;
  readonly logRetentionDays: number;
}

/** What {@link newHaLoadBalancer} builds. */
export interface HaLoadBalancer {
  readonly loadBalancer: Lb;
  readonly targetGroup: LbTargetGroup;
  readonly backendSecurityGroupId: string;
  /** The WAF web ACL of an internet-facing load balancer. */
  readonly webAcl?: Wafv2WebAcl;
  readonly httpsListener: LbListener;
}

/**
 * The load balancer a `ResilientFleet` and a `ResilientService` share, as the CDK engine's helper of the
 * same name: security groups that let clients reach the listeners and the load balancer reach the
 * backends only, an ALB with deletion protection, strict desync mitigation and zonal shift, a target
 * group with the plan's health check, an HTTPS listener and an HTTP redirect, and WAF when internet-facing.
 * Construct ids are the ones both constructs had before it, so their resources keep their addresses.
 */
export function newHaLoadBalancer(scope: Construct, options: HaLoadBalancerOptions): HaLoadBalancer {
  const { provider, backend } = options;
  const plural = `${backend.noun}s`;
  const backends = plural.toLowerCase();
  const port = options.targetHealth.port;
  const albGroup = new SecurityGroup(scope, 'LoadBalancerSecurityGroup', {
    provider,
    vpcId: options.vpcId,
    description: `Load balancer of ${scope.node.path}`,
  });
  const backendGroup = new SecurityGroup(scope, `${backend.noun}SecurityGroup`, {
    provider,
    vpcId: options.vpcId,
    description: `${plural} of ${scope.node.path}`,
  });
  for (const [i, cidr] of (options.ingressCidrs ?? ['0.0.0.0/0']).entries()) {
    for (const listener of [HTTPS, HTTP]) {
      new VpcSecurityGroupIngressRule(scope, `Ingress${listener.port}From${i + 1}`, {
        provider,
        securityGroupId: albGroup.id,
        cidrIpv4: cidr,
        ipProtocol: 'tcp',
        fromPort: listener.port,
        toPort: listener.port,
        description: listener.description,
      });
    }
  }
  new VpcSecurityGroupEgressRule(scope, `LoadBalancerTo${plural}`, {
    provider,
    securityGroupId: albGroup.id,
    referencedSecurityGroupId: backendGroup.id,
    ipProtocol: 'tcp',
    fromPort: port,
    toPort: port,
    description: `Requests and health checks to the ${backends}`,
  });
  new VpcSecurityGroupIngressRule(scope, `${plural}FromLoadBalancer`, {
    provider,
    securityGroupId: backendGroup.id,
    referencedSecurityGroupId: albGroup.id,
    ipProtocol: 'tcp',
    fromPort: port,
    toPort: port,
    description: 'Requests and health checks from the load balancer',
  });
  // AWS APIs, image registries and package mirrors over HTTPS, through the NAT gateways or endpoints.
  new VpcSecurityGroupEgressRule(scope, `${plural}HttpsOut`, {
    provider,
    securityGroupId: backendGroup.id,
    cidrIpv4: '0.0.0.0/0',
    ipProtocol: 'tcp',
    fromPort: HTTPS.port,
    toPort: HTTPS.port,
    description: backend.httpsOut,
  });

  const internetFacing = options.internetFacing ?? true;
  const loadBalancer = new Lb(scope, 'LoadBalancer', {
    provider,
    loadBalancerType: 'application',
    internal: !internetFacing,
    subnets: options.subnets,
    securityGroups: [albGroup.id],
    enableDeletionProtection: true,
    dropInvalidHeaderFields: true,
    desyncMitigationMode: 'strictest',
    // Lets a zonal shift (ARC) move traffic away from an impaired AZ without waiting for health checks.
    enableZonalShift: true,
    accessLogs: options.accessLogsBucket
      ? { bucket: options.accessLogsBucket, prefix: scope.node.path, enabled: true }
      : undefined,
  });
  const health = options.targetHealth;
  const targetGroup = new LbTargetGroup(scope, 'TargetGroup', {
    provider,
    vpcId: options.vpcId,
    port,
    protocol: 'HTTP',
    targetType: backend.targetType,
    deregistrationDelay: String(options.deregistrationDelaySeconds),
    ...(options.loadBalancing
      ? {
          loadBalancingAlgorithmType: options.loadBalancing.algorithm,
          loadBalancingAnomalyMitigation: options.loadBalancing.anomalyMitigation ? 'on' : 'off',
        }
      : {}),
    healthCheck: {
      enabled: true,
      path: options.healthCheckPath,
      interval: health.intervalSeconds,
      timeout: health.timeoutSeconds,
      unhealthyThreshold: health.unhealthyThresholdCount,
      healthyThreshold: health.healthyThresholdCount,
      matcher: health.matcher,
    },
  });
  const webAcl = internetFacing
    ? newFleetWebAcl(scope, {
        context: options.context,
        loadBalancerArn: loadBalancer.arn,
        rateLimitPerIp: options.rateLimitPerIp,
        healthCheckPath: options.healthCheckPath,
        logRetentionDays: options.logRetentionDays,
      }).webAcl
    : undefined;
  const httpsListener = new LbListener(scope, 'HttpsListener', {
    provider,
    loadBalancerArn: loadBalancer.arn,
    port: HTTPS.port,
    protocol: 'HTTPS',
    sslPolicy: options.sslPolicy ?? DEFAULT_SSL_POLICY,
    certificateArn: options.certificateArn,
    defaultAction: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
  });
  new LbListener(scope, 'HttpRedirect', {
    provider,
    loadBalancerArn: loadBalancer.arn,
    port: HTTP.port,
    protocol: 'HTTP',
    defaultAction: [
      { type: 'redirect', redirect: { protocol: 'HTTPS', port: String(HTTPS.port), statusCode: 'HTTP_301' } },
    ],
  });
  return { loadBalancer, targetGroup, backendSecurityGroupId: backendGroup.id, webAcl, httpsListener };
}
