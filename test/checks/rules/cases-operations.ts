import {
  AlarmActions,
  AuditTrail,
  AuditTrailPresent,
  BurnRateAlarms,
  DnsTtlWithinTier,
  DrillMeasurementsFresh,
  DrillTemplate,
  HealthCheckWithinRto,
  LogRetention,
  NoWildcardActions,
  ObjectivesMet,
  ObjectivesProven,
  RateLimitedEntryPoints,
  RoutedRecordsHealthChecked,
  SyntheticProbes,
} from '../../../lib/checks/rules';
import { ServiceTier } from '../../../lib/core';
import { cfn, merge, tf } from '../fixtures/builders';
import { daysAgo, withDrillMeasurement } from '../fixtures/drill-measurements';
import { warmStandby } from '../fixtures/warm-standby';
import { RuleCase } from './cases';
import {
  activeActiveCfn,
  activeActiveTf,
  singleRegionCfn,
  singleRegionTf,
  TIER_0_MANUAL_AZ,
} from '../fixtures/topologies';

const scaleUpOn = (measuredOn: string) => ({
  step: 'scale-up' as const,
  seconds: 420,
  measuredOn,
  drill: 'region drill',
});
const T0 = { tier: ServiceTier.TIER_0 };
const T1 = { tier: ServiceTier.TIER_1 };
const LB = { Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internal' } } };
const TF_LB = { aws_lb: { web: { internal: true } } };
const GOOGLE_LB = { google_compute_backend_service: { api: { load_balancing_scheme: 'INTERNAL_MANAGED' } } };

const composite = (id: string) => ({
  [`${id}Long`]: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
  [`${id}Short`]: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
  [id]: {
    Type: 'AWS::CloudWatch::CompositeAlarm',
    Properties: {
      AlarmRule: {
        'Fn::Join': [
          '',
          [
            'ALARM("',
            { 'Fn::GetAtt': [`${id}Long`, 'Arn'] },
            '") AND ALARM("',
            { 'Fn::GetAtt': [`${id}Short`, 'Arn'] },
            '")',
          ],
        ],
      },
      AlarmActions: [{ Ref: 'Topic' }],
    },
  },
});
const tfComposite = (name: string) => ({
  alarm_rule: `ALARM(\${aws_cloudwatch_metric_alarm.${name}_long.alarm_name}) AND ALARM(\${aws_cloudwatch_metric_alarm.${name}_short.alarm_name})`,
  alarm_actions: ['${aws_sns_topic.page.arn}'],
});
const burnPolicy = {
  conditions: [
    {
      display_name: 'fast burn',
      condition_threshold: {
        filter: 'select_slo_burn_rate("projects/p/services/s/serviceLevelObjectives/o", "3600s")',
      },
    },
  ],
  notification_channels: ['${google_monitoring_notification_channel.oncall.id}'],
};
const trailBucket = {
  ObjectLockEnabled: true,
  ObjectLockConfiguration: {
    ObjectLockEnabled: 'Enabled',
    Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } },
  },
};
const rateAcl = {
  Rules: [
    {
      Name: 'rate',
      Priority: 0,
      Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP' } },
      Action: { Block: {} },
    },
  ],
};

export const OPERATIONS_CASES: RuleCase[] = [
  {
    rule: RoutedRecordsHealthChecked,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Primary',
    message: 'routes api.example.com. without a health check',
    compliant: cfn({
      Check: { Type: 'AWS::Route53::HealthCheck' },
      Primary: {
        Type: 'AWS::Route53::RecordSet',
        Properties: { Name: 'api.example.com.', Failover: 'PRIMARY', HealthCheckId: { Ref: 'Check' }, TTL: '60' },
      },
      Secondary: {
        Type: 'AWS::Route53::RecordSet',
        Properties: { Name: 'api.example.com.', Failover: 'SECONDARY', TTL: '60' },
      },
    }),
    nonCompliant: cfn({
      Primary: {
        Type: 'AWS::Route53::RecordSet',
        Properties: { Name: 'api.example.com.', Failover: 'PRIMARY', TTL: '60' },
      },
    }),
  },
  {
    rule: RoutedRecordsHealthChecked,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_route53_record.east',
    message: 'without a health check',
    compliant: tf({
      aws_route53_record: {
        east: {
          name: 'api',
          latency_routing_policy: { region: 'us-east-1' },
          alias: { name: 'lb', zone_id: 'Z', evaluate_target_health: true },
        },
      },
    }),
    nonCompliant: tf({
      aws_route53_record: {
        east: {
          name: 'api',
          latency_routing_policy: [{ region: 'us-east-1' }],
          alias: [{ name: 'lb', zone_id: 'Z', evaluate_target_health: false }],
        },
      },
    }),
  },
  {
    rule: RoutedRecordsHealthChecked,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_dns_record_set.api',
    message: 'without a health check',
    compliant: tf({
      google_dns_record_set: {
        api: {
          name: 'api.',
          routing_policy: {
            primary_backup: { primary: { internal_load_balancers: [{}] } },
            health_check: '${google_compute_health_check.hc.id}',
          },
        },
      },
    }),
    nonCompliant: tf({
      google_dns_record_set: { api: { name: 'api.', routing_policy: { wrr: [{ weight: 1, rrdatas: ['10.0.0.1'] }] } } },
    }),
  },
  {
    rule: DnsTtlWithinTier,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Primary',
    message: 'caches api.example.com. for 300 s; at most 60 s is allowed for TIER_1',
    compliant: cfn(
      {
        Primary: {
          Type: 'AWS::Route53::RecordSet',
          Properties: { Name: 'api.example.com.', Failover: 'PRIMARY', TTL: '60' },
        },
      },
      T1,
    ),
    nonCompliant: cfn(
      {
        Primary: {
          Type: 'AWS::Route53::RecordSet',
          Properties: { Name: 'api.example.com.', Failover: 'PRIMARY', TTL: '300' },
        },
      },
      T1,
    ),
  },
  {
    rule: DnsTtlWithinTier,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_route53_record.w',
    message: 'for 120 s; at most 60 s',
    compliant: tf({ aws_route53_record: { w: { name: 'api', weighted_routing_policy: { weight: 10 }, ttl: 30 } } }, T1),
    nonCompliant: tf(
      { aws_route53_record: { w: { name: 'api', weighted_routing_policy: { weight: 10 }, ttl: 120 } } },
      T1,
    ),
  },
  {
    rule: DnsTtlWithinTier,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_dns_record_set.api',
    message: 'for 300 s',
    compliant: tf(
      {
        google_dns_record_set: {
          api: { name: 'api.', ttl: 60, routing_policy: { geo: [{ location: 'us-central1' }] } },
        },
      },
      T1,
    ),
    nonCompliant: tf(
      {
        google_dns_record_set: {
          api: { name: 'api.', ttl: 300, routing_policy: { geo: [{ location: 'us-central1' }] } },
        },
      },
      T1,
    ),
  },
  {
    rule: HealthCheckWithinRto,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Check',
    message:
      "moves traffic after up to 156 s (interval 30 × threshold 3 + request timeout + TTL 60), more than TIER_0's region RTO of 120 s",
    compliant: cfn(
      {
        Check: {
          Type: 'AWS::Route53::HealthCheck',
          Properties: { HealthCheckConfig: { Type: 'HTTPS', RequestInterval: 10, FailureThreshold: 3 } },
        },
        Record: {
          Type: 'AWS::Route53::RecordSet',
          Properties: {
            Name: 'api.',
            Region: 'us-east-1',
            HealthCheckId: { Ref: 'Check' },
            AliasTarget: { DNSName: 'lb', HostedZoneId: 'Z' },
          },
        },
      },
      T0,
    ),
    nonCompliant: cfn(
      {
        Check: { Type: 'AWS::Route53::HealthCheck', Properties: { HealthCheckConfig: { Type: 'HTTPS' } } },
        Record: {
          Type: 'AWS::Route53::RecordSet',
          Properties: {
            Name: 'api.',
            Region: 'us-east-1',
            HealthCheckId: { Ref: 'Check' },
            AliasTarget: { DNSName: 'lb', HostedZoneId: 'Z' },
          },
        },
      },
      T0,
    ),
  },
  {
    rule: HealthCheckWithinRto,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_route53_health_check.hc',
    message: 'moves traffic after up to 156 s',
    compliant: tf(
      {
        aws_route53_health_check: { hc: { type: 'HTTPS', request_interval: 10, failure_threshold: 3 } },
        aws_route53_record: {
          api: {
            name: 'api',
            failover_routing_policy: { type: 'PRIMARY' },
            health_check_id: '${aws_route53_health_check.hc.id}',
            alias: { name: 'lb', zone_id: 'Z', evaluate_target_health: true },
          },
        },
      },
      T0,
    ),
    nonCompliant: tf(
      {
        aws_route53_health_check: { hc: { type: 'HTTPS', request_interval: 30, failure_threshold: 3 } },
        aws_route53_record: {
          api: {
            name: 'api',
            failover_routing_policy: { type: 'PRIMARY' },
            health_check_id: '${aws_route53_health_check.hc.id}',
            alias: { name: 'lb', zone_id: 'Z', evaluate_target_health: true },
          },
        },
      },
      T0,
    ),
  },
  {
    rule: BurnRateAlarms,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'service:shop',
    message: 'has 1 burn-rate page alert(s) in App; it needs 2',
    compliant: cfn({ ...LB, Topic: { Type: 'AWS::SNS::Topic' }, ...composite('Fast'), ...composite('Slow') }, T1),
    nonCompliant: cfn({ ...LB, Topic: { Type: 'AWS::SNS::Topic' }, ...composite('Fast') }, T1),
  },
  {
    rule: BurnRateAlarms,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'service:shop',
    message: 'has 0 burn-rate page alert(s)',
    compliant: tf(
      {
        ...TF_LB,
        aws_sns_topic: { page: {} },
        aws_cloudwatch_composite_alarm: { fast: tfComposite('fast'), slow: tfComposite('slow') },
      },
      T1,
    ),
    nonCompliant: tf(
      {
        ...TF_LB,
        aws_sns_topic: { page: {} },
        aws_cloudwatch_composite_alarm: {
          fast: { ...tfComposite('fast'), alarm_actions: [] },
          slow: { ...tfComposite('slow'), alarm_rule: 'ALARM(x)' },
        },
      },
      T1,
    ),
  },
  {
    rule: BurnRateAlarms,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'service:shop',
    message: 'has 1 burn-rate page alert(s)',
    compliant: tf({ ...GOOGLE_LB, google_monitoring_alert_policy: { fast: burnPolicy, slow: burnPolicy } }, T1),
    nonCompliant: tf({ ...GOOGLE_LB, google_monitoring_alert_policy: { fast: burnPolicy } }, T1),
  },
  {
    rule: AlarmActions,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Errors',
    level: 'warning',
    message: 'has no enabled alarm action',
    compliant: cfn({
      Topic: { Type: 'AWS::SNS::Topic' },
      ...composite('Page'),
      Errors: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'Topic' }] } },
    }),
    nonCompliant: cfn({
      Errors: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: { AlarmActions: [{ Ref: 'Topic' }], ActionsEnabled: false },
      },
    }),
  },
  {
    rule: AlarmActions,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_cloudwatch_metric_alarm.errors',
    level: 'warning',
    message: 'has no enabled alarm action',
    compliant: tf({ aws_cloudwatch_metric_alarm: { errors: { alarm_actions: ['${aws_sns_topic.page.arn}'] } } }),
    nonCompliant: tf({ aws_cloudwatch_metric_alarm: { errors: {} } }),
  },
  {
    rule: AlarmActions,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_monitoring_alert_policy.p',
    level: 'warning',
    message: 'notifies nobody',
    compliant: tf({ google_monitoring_alert_policy: { p: { notification_channels: ['x'] } } }),
    nonCompliant: tf({ google_monitoring_alert_policy: { p: { notification_channels: [] } } }),
  },
  {
    rule: SyntheticProbes,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'service:shop',
    message: 'has no synthetic probe in App',
    compliant: cfn(
      {
        ...LB,
        Canary: { Type: 'AWS::Synthetics::Canary', Properties: { Schedule: { Expression: 'rate(1 minute)' } } },
      },
      T1,
    ),
    nonCompliant: cfn({ ...LB }, T1),
  },
  {
    rule: SyntheticProbes,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'service:shop',
    message: 'is probed every 5 min in app; TIER_1 needs every 1 min',
    compliant: tf({ ...TF_LB, aws_synthetics_canary: { c: { schedule: { expression: 'rate(1 minute)' } } } }, T1),
    nonCompliant: tf({ ...TF_LB, aws_synthetics_canary: { c: { schedule: [{ expression: 'rate(5 minutes)' }] } } }, T1),
  },
  {
    rule: SyntheticProbes,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'service:shop',
    message: 'is probed every 5 min',
    compliant: tf({ ...GOOGLE_LB, google_monitoring_uptime_check_config: { u: { period: '60s' } } }, T1),
    nonCompliant: tf({ ...GOOGLE_LB, google_monitoring_uptime_check_config: { u: { period: '300s' } } }, T1),
  },
  {
    rule: DrillTemplate,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'service:shop',
    message: 'without an alarm stop condition',
    compliant: cfn(
      {
        ...LB,
        Drill: {
          Type: 'AWS::FIS::ExperimentTemplate',
          Properties: {
            StopConditions: [{ Source: 'aws:cloudwatch:alarm', Value: 'arn:aws:cloudwatch:us-east-1:1:alarm:page' }],
          },
        },
      },
      T1,
    ),
    nonCompliant: cfn(
      { ...LB, Drill: { Type: 'AWS::FIS::ExperimentTemplate', Properties: { StopConditions: [{ Source: 'none' }] } } },
      T1,
    ),
  },
  {
    rule: DrillTemplate,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'service:shop',
    message: '(TIER_0) has no drill in app',
    compliant: tf(
      {
        ...TF_LB,
        aws_fis_experiment_template: { az: { stop_condition: [{ source: 'aws:cloudwatch:alarm', value: 'arn' }] } },
      },
      T0,
    ),
    nonCompliant: tf({ ...TF_LB }, T0),
  },
  {
    rule: DrillMeasurementsFresh,
    engine: 'cloudformation',
    stack: 'Standby',
    resource: 'Fleet',
    message: "is older than TIER_1's drill interval",
    compliant: withDrillMeasurement(warmStandby(), 'Standby', 'Fleet', scaleUpOn(daysAgo(7))),
    nonCompliant: withDrillMeasurement(warmStandby(), 'Standby', 'Fleet', scaleUpOn(daysAgo(200))),
  },
  {
    rule: AuditTrail,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Trail',
    level: 'warning',
    message: 'enable S3 Object Lock with a default retention on Logs',
    compliant: cfn({
      Logs: { Type: 'AWS::S3::Bucket', Properties: trailBucket },
      Trail: {
        Type: 'AWS::CloudTrail::Trail',
        Properties: { S3BucketName: { Ref: 'Logs' }, EnableLogFileValidation: true, IsMultiRegionTrail: true },
      },
    }),
    nonCompliant: cfn({
      Logs: { Type: 'AWS::S3::Bucket', Properties: {} },
      Trail: {
        Type: 'AWS::CloudTrail::Trail',
        Properties: { S3BucketName: { Ref: 'Logs' }, EnableLogFileValidation: true, IsMultiRegionTrail: true },
      },
    }),
  },
  {
    rule: AuditTrail,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_cloudtrail.t',
    level: 'warning',
    message: 'enable log file validation; make it multi-region',
    compliant: tf({
      aws_s3_bucket: { logs: { object_lock_enabled: true } },
      aws_s3_bucket_object_lock_configuration: {
        l: { bucket: '${aws_s3_bucket.logs.id}', rule: { default_retention: { mode: 'GOVERNANCE', days: 365 } } },
      },
      aws_cloudtrail: {
        t: {
          s3_bucket_name: '${aws_s3_bucket.logs.id}',
          enable_log_file_validation: true,
          is_multi_region_trail: true,
        },
      },
    }),
    nonCompliant: tf({
      aws_s3_bucket: { logs: { object_lock_enabled: true } },
      aws_s3_bucket_object_lock_configuration: {
        l: { bucket: '${aws_s3_bucket.logs.id}', rule: { default_retention: { mode: 'GOVERNANCE', days: 365 } } },
      },
      aws_cloudtrail: { t: { s3_bucket_name: '${aws_s3_bucket.logs.id}' } },
    }),
  },
  {
    rule: AuditTrailPresent,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'service:shop',
    message: 'runs in an app with no CloudTrail trail',
    compliant: merge(
      cfn({ ...LB }, T1),
      cfn({ Trail: { Type: 'AWS::CloudTrail::Trail', Properties: {} } }, { name: 'Audit' }),
    ),
    nonCompliant: cfn({ ...LB }, T1),
  },
  {
    rule: AuditTrailPresent,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'service:shop',
    message: 'runs in an app with no CloudTrail trail',
    compliant: tf({ ...TF_LB, aws_cloudtrail: { t: {} } }, T0),
    nonCompliant: tf({ ...TF_LB }, T0),
  },
  {
    rule: LogRetention,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Logs',
    message: 'keeps logs 30 days; TIER_1 needs 365',
    compliant: cfn({ Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 } } }, T1),
    nonCompliant: cfn({ Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } } }, T1),
  },
  {
    rule: LogRetention,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_cloudwatch_log_group.l',
    level: 'warning',
    message: 'has no retention: set retention_in_days',
    compliant: tf({ aws_cloudwatch_log_group: { l: { retention_in_days: 90 } } }),
    nonCompliant: tf({ aws_cloudwatch_log_group: { l: { retention_in_days: 0 } } }),
  },
  {
    rule: LogRetention,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_logging_project_bucket_config.b',
    message: 'set retention_days',
    compliant: tf({ google_logging_project_bucket_config: { b: { retention_days: 400 } } }, T1),
    nonCompliant: tf({ google_logging_project_bucket_config: { b: {} } }, T1),
  },
  {
    rule: NoWildcardActions,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Policy',
    level: 'warning',
    message: 'allows s3:*',
    compliant: cfn({
      Policy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyDocument: {
            Statement: [
              { Effect: 'Allow', Action: ['s3:GetObject*', 's3:PutObject'], Resource: '*' },
              { Effect: 'Deny', Action: '*', Resource: '*' },
            ],
          },
        },
      },
    }),
    nonCompliant: cfn({
      Policy: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } },
      },
    }),
  },
  {
    rule: NoWildcardActions,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'data.aws_iam_policy_document.doc',
    level: 'warning',
    message: 'allows *',
    compliant: tf(
      {
        aws_iam_policy: {
          p: {
            policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' }] }),
          },
        },
      },
      { data: { aws_iam_policy_document: { doc: { statement: [{ actions: ['sqs:SendMessage'] }] } } } },
    ),
    nonCompliant: tf(
      { aws_iam_policy: { p: { policy: '${data.aws_iam_policy_document.doc.json}' } } },
      { data: { aws_iam_policy_document: { doc: { statement: [{ actions: ['*'] }] } } } },
    ),
  },
  {
    rule: NoWildcardActions,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_project_iam_member.m',
    level: 'warning',
    message: 'grants roles/editor',
    compliant: tf({
      google_project_iam_member: {
        m: { role: 'roles/cloudsql.client', member: 'serviceAccount:a@p.iam.gserviceaccount.com' },
      },
    }),
    nonCompliant: tf({
      google_project_iam_member: { m: { role: 'roles/editor', member: 'serviceAccount:a@p.iam.gserviceaccount.com' } },
    }),
  },
  {
    rule: RateLimitedEntryPoints,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Lb',
    message: 'is internet-facing without a rate-based WAF rule',
    compliant: cfn({
      Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {} },
      Acl: { Type: 'AWS::WAFv2::WebACL', Properties: rateAcl },
      Assoc: {
        Type: 'AWS::WAFv2::WebACLAssociation',
        Properties: { ResourceArn: { Ref: 'Lb' }, WebACLArn: { 'Fn::GetAtt': ['Acl', 'Arn'] } },
      },
    }),
    nonCompliant: cfn({
      Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing' } },
      Acl: { Type: 'AWS::WAFv2::WebACL', Properties: { Rules: [] } },
      Assoc: {
        Type: 'AWS::WAFv2::WebACLAssociation',
        Properties: { ResourceArn: { Ref: 'Lb' }, WebACLArn: { 'Fn::GetAtt': ['Acl', 'Arn'] } },
      },
    }),
  },
  {
    rule: RateLimitedEntryPoints,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_apigatewayv2_stage.live',
    message: 'has no throttling',
    compliant: tf({
      aws_apigatewayv2_stage: {
        live: { default_route_settings: { throttling_rate_limit: 100, throttling_burst_limit: 200 } },
      },
    }),
    nonCompliant: tf({ aws_apigatewayv2_stage: { live: {} } }),
  },
  {
    rule: RateLimitedEntryPoints,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_compute_backend_service.api',
    message: 'is external without rate limiting',
    compliant: tf({
      google_compute_security_policy: {
        p: { rule: [{ action: 'throttle', priority: 1, rate_limit_options: { conform_action: 'allow' } }] },
      },
      google_compute_backend_service: { api: { security_policy: '${google_compute_security_policy.p.id}' } },
    }),
    nonCompliant: tf({ google_compute_backend_service: { api: { load_balancing_scheme: 'EXTERNAL_MANAGED' } } }),
  },
  {
    rule: ObjectivesMet,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'service:shop',
    message: 'in App does not meet TIER_0: region RTO',
    compliant: singleRegionCfn(ServiceTier.TIER_3),
    nonCompliant: singleRegionCfn(ServiceTier.TIER_0),
  },
  {
    rule: ObjectivesMet,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'service:shop',
    message: 'in app does not meet TIER_1: region RTO',
    compliant: singleRegionTf(ServiceTier.TIER_3),
    nonCompliant: singleRegionTf(ServiceTier.TIER_1),
  },
  {
    rule: ObjectivesProven,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'service:shop',
    message: 'cannot be shown to meet TIER_3: region RTO (service:shop: backup and restore',
    // At TIER_0 the AZ RTO of a gray failure waits on a zonal shift with no published time: never proven.
    compliant: activeActiveCfn(false, TIER_0_MANUAL_AZ),
    nonCompliant: singleRegionCfn(ServiceTier.TIER_3),
  },
  {
    rule: ObjectivesProven,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'service:shop',
    message: 'cannot be shown to meet TIER_3',
    compliant: activeActiveTf(undefined, false, TIER_0_MANUAL_AZ),
    nonCompliant: singleRegionTf(ServiceTier.TIER_3),
  },
];
