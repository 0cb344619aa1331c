import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Wafv2WebAcl, Wafv2WebAclRuleVisibilityConfig } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import { Construct } from 'constructs';
import { WAF_RATE_WINDOW_SECONDS } from '../../core';
import { AccountContext, cloudWatchLogsStatement, newCustomerManagedKey } from './private/keys';

/** AWS WAF only delivers logs to CloudWatch log groups whose name starts with this prefix. */
const WAF_LOG_GROUP_PREFIX = 'aws-waf-logs-';

/** What {@link newFleetWebAcl} protects and how. */
export interface FleetWebAclOptions {
  readonly context: AccountContext;
  /** ARN of the Application Load Balancer the web ACL protects. */
  readonly loadBalancerArn: string;
  /** Requests one client IP may send per {@link WAF_RATE_WINDOW_SECONDS} before it is blocked. */
  readonly rateLimitPerIp: number;
  /** Path exempt from the rate limit (external health checkers poll it from few addresses). */
  readonly healthCheckPath: string;
  readonly logRetentionDays: number;
}

/** The web ACL and its log group. */
export interface FleetWebAcl {
  readonly webAcl: Wafv2WebAcl;
  readonly logGroup: CloudwatchLogGroup;
}

/**
 * A regional WAFv2 web ACL on the load balancer (Terraform twin of the CDK fleet's): a per-IP rate
 * limit (one noisy client must not take the capacity static stability provisioned), then the AWS
 * managed common and known-bad-inputs rule groups; requests no rule blocks are allowed. Metrics
 * and sampled requests for every rule; full logs to a log group encrypted with its own key, kept
 * for the tier's log retention.
 *
 * Construct ids (public API, under `scope`): `WebAcl`, `WebAclAssociation`, **`WebAclLogKey`**,
 * **`WebAclLogs`**, `WebAclLogging`.
 */
export function newFleetWebAcl(scope: Construct, options: FleetWebAclOptions): FleetWebAcl {
  const { context } = options;
  const provider = context.provider;
  const metricPrefix = `ha-${scope.node.addr.slice(0, 16)}`;
  const visibility = (name: string): Wafv2WebAclRuleVisibilityConfig => ({
    cloudwatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName: `${metricPrefix}-${name}`,
  });
  // `statement` is untyped in the provider (its nesting is too deep to generate): written in Terraform's snake_case.
  const managedGroup = (name: string, priority: number) => ({
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managed_rule_group_statement: { vendor_name: 'AWS', name } },
    visibilityConfig: visibility(name),
  });

  const webAcl = new Wafv2WebAcl(scope, 'WebAcl', {
    provider,
    name: `${metricPrefix}-fleet`,
    scope: 'REGIONAL',
    description: `Rate limit and managed rules in front of ${scope.node.path}`,
    defaultAction: { allow: {} },
    visibilityConfig: visibility('WebAcl'),
    rule: [
      {
        name: 'RateLimitPerIp',
        priority: 0,
        action: { block: {} },
        statement: {
          rate_based_statement: {
            limit: options.rateLimitPerIp,
            aggregate_key_type: 'IP',
            evaluation_window_sec: WAF_RATE_WINDOW_SECONDS,
            scope_down_statement: {
              not_statement: {
                statement: {
                  byte_match_statement: {
                    field_to_match: { uri_path: {} },
                    positional_constraint: 'EXACTLY',
                    search_string: options.healthCheckPath,
                    text_transformation: [{ priority: 0, type: 'NONE' }],
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

  new Wafv2WebAclAssociation(scope, 'WebAclAssociation', {
    provider,
    resourceArn: options.loadBalancerArn,
    webAclArn: webAcl.arn,
  });

  const key = newCustomerManagedKey(scope, 'WebAclLogKey', {
    description: `Encrypts the WAF logs of ${scope.node.path}`,
    context,
    statements: [cloudWatchLogsStatement(context)],
  });
  const logGroup = new CloudwatchLogGroup(scope, 'WebAclLogs', {
    provider,
    namePrefix: WAF_LOG_GROUP_PREFIX,
    retentionInDays: options.logRetentionDays,
    kmsKeyId: key.arn,
    deletionProtectionEnabled: true,
    lifecycle: { preventDestroy: true },
  });
  new Wafv2WebAclLoggingConfiguration(scope, 'WebAclLogging', {
    provider,
    resourceArn: webAcl.arn,
    // WAF wants the log group ARN without the trailing `:*`.
    logDestinationConfigs: [context.arn('logs', `log-group:${logGroup.name}`)],
  });
  return { webAcl, logGroup };
}
