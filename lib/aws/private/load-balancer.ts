import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { newSecureBucket } from './buckets';
import { acknowledgeFindings } from './nag';

/** What {@link newHaLoadBalancer} builds the load balancer for. */
export interface HaLoadBalancerOptions {
  readonly vpc: ec2.IVpc;
  readonly internetFacing: boolean;
  /** Subnets of the load balancer's nodes: one per AZ the service runs in. */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** Where the listener forwards. */
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  /** Certificate of the HTTPS listener; without it the listener serves HTTP. */
  readonly certificate?: acm.ICertificate;
  readonly sslPolicy?: elbv2.SslPolicy;
  /** Days access logs are kept. */
  readonly logRetentionDays: number;
  /** Days replaced versions of access logs are kept. */
  readonly accessLogNoncurrentDays: number;
  /** Mutual TLS on the HTTPS listener. @default - none */
  readonly mutualAuthentication?: elbv2.MutualAuthentication;
  /** What the balancer fronts, as acknowledgement reasons say it: `fleet`, `service`. */
  readonly fronts: string;
}

/** The load balancer, its client-facing listener and its access-log bucket. */
export interface HaLoadBalancer {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  readonly accessLogs: s3.IBucket;
}

/**
 * The Application Load Balancer of a `ResilientFleet` or a `ResilientService`, one decision for both:
 * invalid headers dropped, deletion protection, zonal shift enabled (an operator or zonal
 * autoshift can move traffic off an impaired AZ), access logs to a retained SSL-only bucket
 * (SSE-S3: the only encryption ELB delivers to), HTTPS with a TLS 1.2+ policy and an HTTP→HTTPS
 * redirect when a certificate is given, plain HTTP otherwise. The listeners take their protocol's
 * port (443, 80); an internal balancer's listeners are open to nobody until callers are allowed in.
 *
 * Construct ids (public API, under `scope`): `LoadBalancer` (listeners `Listener`, `Redirect80To443`), `AccessLogs`.
 */
export function newHaLoadBalancer(scope: Construct, options: HaLoadBalancerOptions): HaLoadBalancer {
  const lb = new elbv2.ApplicationLoadBalancer(scope, 'LoadBalancer', {
    vpc: options.vpc,
    internetFacing: options.internetFacing,
    vpcSubnets: options.vpcSubnets,
    dropInvalidHeaderFields: true,
    deletionProtection: true,
  });
  lb.setAttribute('zonal_shift.config.enabled', 'true');

  const accessLogs = newSecureBucket(scope, 'AccessLogs', {
    expireAfterDays: options.logRetentionDays,
    noncurrentVersionDays: options.accessLogNoncurrentDays,
  });
  const endOfChain =
    'this bucket holds the load balancer access logs; logging reads of the logs into yet another ' +
    "bucket would need a bucket for that bucket's logs in turn";
  acknowledgeFindings(accessLogs, { id: 'AwsSolutions-S1', reason: endOfChain });
  acknowledgeFindings(accessLogs, { id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason: endOfChain });
  acknowledgeFindings(accessLogs, {
    id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
    reason: 'Elastic Load Balancing delivers access logs only to buckets encrypted with SSE-S3, not SSE-KMS',
  });
  acknowledgeFindings(accessLogs, {
    id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
    reason:
      "access logs describe traffic of this region's load balancer; the region's loss takes the load balancer " +
      'with it, and the standby region keeps its own',
  });
  lb.logAccessLogs(accessLogs, 'access');

  let listener: elbv2.ApplicationListener;
  if (options.certificate) {
    listener = lb.addListener('Listener', {
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [options.certificate],
      sslPolicy: options.sslPolicy ?? elbv2.SslPolicy.TLS13_12_RES_PQ,
      defaultTargetGroups: [options.targetGroup],
      open: options.internetFacing,
      mutualAuthentication: options.mutualAuthentication,
    });
    const redirect = lb.addRedirect({ open: options.internetFacing });
    acknowledgeFindings(redirect, {
      id: 'NIST.800.53.R5-ELBv2ACMCertificateRequired',
      reason:
        'this port-80 listener only answers with a permanent redirect to HTTPS; no content is ever served ' + 'over it',
    });
  } else {
    listener = lb.addListener('Listener', {
      protocol: elbv2.ApplicationProtocol.HTTP,
      defaultTargetGroups: [options.targetGroup],
      open: options.internetFacing,
    });
  }
  if (options.internetFacing) {
    acknowledgeFindings(lb, {
      id: 'AwsSolutions-EC23',
      reason:
        'an internet-facing load balancer answers every client address; WAF rate-limits and filters them in ' +
        `front of the ${options.fronts}`,
    });
  }
  return { loadBalancer: lb, listener, accessLogs };
}
