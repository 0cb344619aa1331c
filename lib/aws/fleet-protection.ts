import { ArnFormat, Names, Stack } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { WAF_RATE_WINDOW_SECONDS } from '../core';
import { newEncryptedLogGroup } from './private/keys';

/** AWS WAF only delivers logs to CloudWatch log groups whose name starts with this prefix. */
const WAF_LOG_GROUP_PREFIX = 'aws-waf-logs-';

/** What {@link newFleetWebAcl} protects and how. */
export interface FleetWebAclOptions {
  /** The load balancer the web ACL protects; or give `resourceArn`. */
  readonly loadBalancer?: elbv2.IApplicationLoadBalancer;
  /** ARN of another regional resource the web ACL protects (an API Gateway stage). */
  readonly resourceArn?: string;
  /** Requests one client IP may send per {@link WAF_RATE_WINDOW_SECONDS} before it is blocked. */
  readonly rateLimitPerIp: number;
  /** Path exempt from the rate limit (external health checkers poll it from few addresses). */
  readonly healthCheckPath: string;
  readonly logRetentionDays: number;
  /** Key of the WAF log group; must allow CloudWatch Logs to use it. */
  readonly logKey: kms.IKey;
}

/** The web ACL and its log group. */
export interface FleetWebAcl {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logGroup: logs.ILogGroup;
}

/**
 * A regional WAFv2 web ACL on the load balancer: a per-IP rate limit (Module 8: rate limiting at
 * the edge protects the fleet from one noisy client), then the AWS managed common and known-bad-
 * inputs rule groups; requests no rule blocks are allowed. Sampled requests and metrics are on for
 * every rule, and full logs go to an encrypted log group kept for the tier's log retention.
 *
 * Construct ids (public API, under `scope`): `WebAcl`, `WebAclAssociation`, `WebAclLogs`, `WebAclLogging`.
 */
export function newFleetWebAcl(scope: Construct, options: FleetWebAclOptions): FleetWebAcl {
  const metricPrefix = Names.uniqueResourceName(scope, { maxLength: 100, separator: '-' });
  const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
    cloudWatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName: `${metricPrefix}-${name}`,
  });
  const managedGroup = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
    visibilityConfig: visibility(name),
  });

  const webAcl = new wafv2.CfnWebACL(scope, 'WebAcl', {
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    description: `Rate limit and managed rules in front of ${scope.node.path}`,
    visibilityConfig: visibility('WebAcl'),
    rules: [
      {
        name: 'RateLimitPerIp',
        priority: 0,
        action: { block: {} },
        statement: {
          rateBasedStatement: {
            limit: options.rateLimitPerIp,
            aggregateKeyType: 'IP',
            evaluationWindowSec: WAF_RATE_WINDOW_SECONDS,
            scopeDownStatement: {
              notStatement: {
                statement: {
                  byteMatchStatement: {
                    fieldToMatch: { uriPath: {} },
                    positionalConstraint: 'EXACTLY',
                    searchString: options.healthCheckPath,
                    textTransformations: [{ priority: 0, type: 'NONE' }],
                  },
                },
              },
            },
          },
        },
        visibilityConfig: visibility('RateLimitPerIp'),
      },
      managedGroup('AWSManagedRulesCommonRuleSet', 1),
      managedGroup('AWSManagedRulesKnownBadInputsRuleSet', 2),
    ],
  });

  new wafv2.CfnWebACLAssociation(scope, 'WebAclAssociation', {
    resourceArn: options.resourceArn ?? options.loadBalancer!.loadBalancerArn,
    webAclArn: webAcl.attrArn,
  });

  const logGroup = newEncryptedLogGroup(scope, 'WebAclLogs', {
    logGroupName: `${WAF_LOG_GROUP_PREFIX}${Names.uniqueResourceName(scope, { maxLength: 400, separator: '-' })}`,
    encryptionKey: options.logKey,
    retentionDays: options.logRetentionDays,
  });
  const logging = new wafv2.CfnLoggingConfiguration(scope, 'WebAclLogging', {
    resourceArn: webAcl.attrArn,
    // WAF wants the log group ARN without the trailing `:*` that `logGroupArn` carries.
    logDestinationConfigs: [
      Stack.of(scope).formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: logGroup.logGroupName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    ],
  });
  logging.node.addDependency(logGroup);
  return { webAcl, logGroup };
}
