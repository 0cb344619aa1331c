import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { PlacementGroup } from '@cdktf/provider-aws/lib/placement-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import { Testing, Token } from 'cdktf';
import { HaRole, ServiceTier } from '../../../lib/core';
import { haSnapshot } from '../../../lib/testing/snapshot';
import { FleetPlacementStrategy, ResilientFleet, ResilientFleetProps } from '../../../lib/tf/aws/fleet';
import { awsStack, expectAlarmTopicPolicy, refTo, resourcesOf, warningsOf } from './util';

Testing.setupJest();

const BASE = {
  vpcId: 'vpc-0123456789abcdef0',
  subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
  loadBalancerSubnetIds: ['subnet-pa', 'subnet-pb', 'subnet-pc'],
  imageId: 'ami-0123456789abcdef0',
  instanceTypes: ['m7g.large', 'm6g.large'],
  requiredCapacity: 6,
  maxCapacity: 18,
  certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
  accessLogsBucket: 'orders-alb-logs',
};

function synth(props: Partial<ResilientFleetProps> = {}) {
  const { stack } = awsStack();
  const fleet = new ResilientFleet(stack, 'Fleet', { tier: ServiceTier.TIER_1, ...BASE, ...props });
  return { stack, fleet, synthesized: Testing.synth(stack) };
}

describe('ResilientFleet (Terraform)', () => {
  test('GIVEN TIER_1 THEN the group is statically stable: losing one of 3 AZs leaves requiredCapacity', () => {
    const { fleet, synthesized } = synth();
    expect(fleet.capacity).toEqual({ min: 9, desired: 9, max: 18, perAz: 3 });
    expect(synthesized).toHaveResourceWithProperties(AutoscalingGroup, {
      min_size: 9,
      desired_capacity: 9,
      max_size: 18,
      health_check_type: 'ELB',
      vpc_zone_identifier: BASE.subnetIds,
      capacity_rebalance: true,
    });
  });

  test('THEN instance refresh launches before it terminates and rolls back on the fleet alarms', () => {
    const { synthesized } = synth();
    const group = Object.values(resourcesOf(synthesized, AutoscalingGroup))[0];
    expect(group.instance_refresh).toEqual({
      strategy: 'Rolling',
      preferences: {
        min_healthy_percentage: 100,
        max_healthy_percentage: 110,
        instance_warmup: '300',
        skip_matching: true,
        auto_rollback: true,
        alarm_specification: {
          alarms: [
            '${aws_cloudwatch_metric_alarm.Fleet_ErrorAlarm_EE5FB01B.alarm_name}',
            '${aws_cloudwatch_metric_alarm.Fleet_UnhealthyHostsAlarm_214897BA.alarm_name}',
          ],
        },
      },
    });
  });

  test('THEN the error alarm fires at the fastest page burn rate over its short window, and notifies', () => {
    const { synthesized } = synth();
    // TIER_1: 14.4 × (1 − 0.9995) = 0.72% of requests over 5 minutes.
    expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      threshold: 0.72,
      comparison_operator: 'GreaterThanThreshold',
      alarm_actions: ['${aws_sns_topic.Fleet_AlarmTopic_966EB548.arn}'],
    });
    // The per-AZ alarms are inputs of their AZ's Impaired composite, which alone notifies.
    const alarms = Object.values(resourcesOf(synthesized, CloudwatchMetricAlarm));
    const fleetWide = alarms.filter((a) => !/-zone\d-/.test(a.alarm_name));
    expect(fleetWide).toHaveLength(2);
    expect(fleetWide.every((a) => a.alarm_actions?.length === 1)).toBe(true);
    expect(alarms.filter((a) => /-zone\d-/.test(a.alarm_name)).every((a) => a.alarm_actions === undefined)).toBe(true);
  });

  test('THEN the ALB is HTTPS only with deletion protection, and target checks detect a dead AZ within half the AZ RTO', () => {
    const { synthesized } = synth();
    expect(synthesized).toHaveResourceWithProperties(Lb, {
      enable_deletion_protection: true,
      drop_invalid_header_fields: true,
      internal: false,
      enable_zonal_shift: true,
    });
    expect(synthesized).toHaveResourceWithProperties(LbListener, {
      port: 443,
      protocol: 'HTTPS',
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
      certificate_arn: BASE.certificateArn,
    });
    expect(synthesized).toHaveResourceWithProperties(LbListener, {
      port: 80,
      default_action: [{ type: 'redirect', redirect: { protocol: 'HTTPS', status_code: 'HTTP_301', port: '443' } }],
    });
    // TIER_1 (AZ RTO 120 s): 15 s × 3 + 5 s = 50 s ≤ 60 s.
    expect(synthesized).toHaveResourceWithProperties(LbTargetGroup, {
      health_check: expect.objectContaining({ interval: 15, timeout: 5, unhealthy_threshold: 3, path: '/health/live' }),
    });
  });

  test('THEN instances require IMDSv2 and boot from an encrypted volume', () => {
    const { synthesized } = synth();
    expect(synthesized).toHaveResourceWithProperties(LaunchTemplate, {
      metadata_options: expect.objectContaining({ http_tokens: 'required' }),
      block_device_mappings: [
        {
          device_name: '/dev/xvda',
          ebs: expect.objectContaining({
            encrypted: 'true',
            kms_key_id: '${aws_kms_key.Fleet_VolumeKey_F106FB84.arn}',
          }),
        },
      ],
    });
  });

  test('THEN the volume key lets only the Auto Scaling service-linked role use it, and grant it only to AWS resources (the volumes)', () => {
    const { synthesized } = synth();
    const policy = JSON.parse(resourcesOf(synthesized, KmsKey).Fleet_VolumeKey_F106FB84.policy as string) as {
      Statement: Record<string, unknown>[];
    };
    const bySid = Object.fromEntries(policy.Statement.map((statement) => [statement.Sid, statement]));
    const role =
      'arn:${data.aws_partition.Fleet_Account_Partition_2D816C12.partition}:iam::${data.aws_caller_identity.Fleet_Account_Caller_A5F05CF5.account_id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling';
    expect(bySid.AllowAutoScalingServiceLinkedRoleUse).toMatchObject({
      Condition: { ArnEquals: { 'aws:PrincipalArn': role } },
    });
    expect(bySid.AllowAutoScalingServiceLinkedRoleUse.Action).not.toContain('kms:CreateGrant');
    expect(bySid.AllowAutoScalingServiceLinkedRoleGrants).toMatchObject({
      Action: 'kms:CreateGrant',
      Condition: { ArnEquals: { 'aws:PrincipalArn': role }, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
  });

  test('GIVEN at most 7 per AZ after losing one THEN a spread placement group and CPU target tracking', () => {
    const { synthesized } = synth({ maxCapacity: 14 });
    expect(synthesized).toHaveResourceWithProperties(PlacementGroup, { strategy: 'spread', spread_level: 'rack' });
    expect(synthesized).toHaveResourceWithProperties(AutoscalingPolicy, {
      policy_type: 'TargetTrackingScaling',
      target_tracking_configuration: expect.objectContaining({ target_value: 50 }),
    });
  });

  test('WHEN maxCapacity exceeds 7 per AZ once an AZ is lost THEN the placement is partitioned', () => {
    const { fleet, synthesized } = synth({ maxCapacity: 30 });
    expect(fleet.placementStrategy).toBe(FleetPlacementStrategy.PARTITION);
    expect(synthesized).toHaveResourceWithProperties(PlacementGroup, { strategy: 'partition', partition_count: 7 });
  });

  test('GIVEN a WARM_STANDBY standby THEN it runs one instance per AZ; a PILOT_LIGHT standby none', () => {
    expect(synth({ role: HaRole.STANDBY }).fleet.capacity).toEqual({ min: 3, desired: 3, max: 18, perAz: 1 });
    expect(synth({ tier: ServiceTier.TIER_2, role: HaRole.STANDBY }).fleet.capacity).toEqual({
      min: 0,
      desired: 0,
      max: 18,
      perAz: 0,
    });
  });

  test('THEN instances inherit the HA tags from the group (tag blocks propagated at launch)', () => {
    const { synthesized } = synth({ service: 'orders' });
    expect(synthesized).toHaveResourceWithProperties(AutoscalingGroup, {
      tag: expect.arrayContaining([
        { key: 'ha:service', value: 'orders', propagate_at_launch: true },
        { key: 'ha:role', value: 'primary', propagate_at_launch: true },
        { key: 'ha:component', value: 'ResilientFleet', propagate_at_launch: true },
      ]),
    });
  });

  test('THEN the load balancer writes access logs; without a bucket it warns', () => {
    expect(synth().synthesized).toHaveResourceWithProperties(Lb, {
      access_logs: { bucket: 'orders-alb-logs', prefix: 'test/Fleet', enabled: true },
    });
    const { stack } = synth({ accessLogsBucket: undefined });
    expect(warningsOf(stack)).toEqual([
      expect.stringContaining('[ha-constructs:ResilientFleet.accessLogsBucket] no accessLogsBucket'),
      expect.stringContaining('[ha-constructs:ResilientFleet.automaticZonalShift.group]'),
    ]);
  });

  test('THEN an internet-facing load balancer sits behind a web ACL: per-IP rate limit (health path exempt), then the managed common and bad-inputs groups', () => {
    const { synthesized } = synth({ rateLimitPerIp: 500 });
    const acl = Object.values(resourcesOf(synthesized, Wafv2WebAcl))[0];
    expect(acl.scope).toBe('REGIONAL');
    expect(acl.default_action).toEqual({ allow: {} });
    expect(acl.rule.map((r: { name: string; priority: number }) => [r.priority, r.name])).toEqual([
      [0, 'RateLimitPerIp'],
      [1, 'AWSManagedRulesCommonRuleSet'],
      [2, 'AWSManagedRulesKnownBadInputsRuleSet'],
    ]);
    expect(acl.rule[0].action).toEqual({ block: {} });
    expect(acl.rule[0].statement.rate_based_statement).toEqual(
      expect.objectContaining({ limit: 500, aggregate_key_type: 'IP', evaluation_window_sec: 300 }),
    );
    expect(
      acl.rule[0].statement.rate_based_statement.scope_down_statement.not_statement.statement.byte_match_statement,
    ).toEqual(expect.objectContaining({ search_string: '/health/live', positional_constraint: 'EXACTLY' }));
    expect(acl.rule[1].override_action).toEqual({ none: {} });
    expect(acl.rule[2].statement).toEqual({
      managed_rule_group_statement: { vendor_name: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' },
    });
    expect(synthesized).toHaveResourceWithProperties(Wafv2WebAclAssociation, {
      resource_arn: refTo(Lb, 'Fleet_LoadBalancer', 'arn'),
      web_acl_arn: refTo(Wafv2WebAcl, 'Fleet_WebAcl', 'arn'),
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name_prefix: 'aws-waf-logs-',
      retention_in_days: 365,
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(synthesized).toHaveResourceWithProperties(Wafv2WebAclLoggingConfiguration, {
      resource_arn: refTo(Wafv2WebAcl, 'Fleet_WebAcl', 'arn'),
    });
  });

  test('GIVEN an internal load balancer THEN no web ACL', () => {
    const { fleet, synthesized } = synth({ internetFacing: false });
    expect(fleet.webAcl).toBeUndefined();
    expect(Object.keys(resourcesOf(synthesized, Wafv2WebAcl))).toEqual([]);
  });

  test('GIVEN one instance type for a statically stable tier THEN it warns', () => {
    const { stack } = synth({ instanceTypes: ['m7g.large'] });
    expect(warningsOf(stack)).toEqual([
      expect.stringContaining('[ha-constructs:ResilientFleet.instanceTypes] instanceTypes lists only m7g.large'),
      expect.stringContaining('[ha-constructs:ResilientFleet.automaticZonalShift.group]'),
    ]);
  });

  test.each([
    [{ subnetIds: ['subnet-a', 'subnet-b'] }, 'subnetIds must list at least 3 subnets (one per AZ) for TIER_1, got: 2'],
    [
      { maxCapacity: 8 },
      'maxCapacity must be at least 9 for TIER_1 (static stability: 3 per AZ × 3 AZs so that losing one AZ leaves requiredCapacity 6), got: 8',
    ],
    [{ requiredCapacity: 20 }, 'requiredCapacity must be at most maxCapacity (18), got: 20'],
    [
      { placementStrategy: FleetPlacementStrategy.SPREAD, maxCapacity: 30 },
      'placementStrategy SPREAD holds at most 7 instances per AZ, but after losing one of 3 AZs maxCapacity 30 needs 15 per AZ in the others; use PARTITION or leave placementStrategy unset, got: SPREAD',
    ],
    [{ instanceTypes: [] }, 'instanceTypes must list at least one instance type, got: none'],
    [
      { rateLimitPerIp: 5 },
      'rateLimitPerIp must be an integer of at least 10 (the lowest limit AWS WAF accepts, per 5 minutes), got: 5',
    ],
    [
      { rateLimitPerIp: 2_000_000_001 },
      'rateLimitPerIp must be at most 2000000000 (the highest limit AWS WAF accepts, per 5 minutes), got: 2000000001',
    ],
    [
      { rootVolumeSizeGiB: 0 },
      'rootVolumeSizeGiB must be an integer from 1 to 16384 (the sizes a gp3 volume may have), got: 0',
    ],
    [
      { rootVolumeSizeGiB: 16385 },
      'rootVolumeSizeGiB must be an integer from 1 to 16384 (the sizes a gp3 volume may have), got: 16385',
    ],
    [
      { rootVolumeSizeGiB: 8.5 },
      'rootVolumeSizeGiB must be an integer from 1 to 16384 (the sizes a gp3 volume may have), got: 8.5',
    ],
    [{ healthCheckGracePeriodSeconds: -1 }, 'healthCheckGracePeriodSeconds must be an integer of at least 0, got: -1'],
    [
      { healthCheckGracePeriodSeconds: Number.NaN },
      'healthCheckGracePeriodSeconds must be an integer of at least 0, got: NaN',
    ],
    [{ healthCheckPath: 'health' }, 'healthCheckPath must start with \'/\' and contain no whitespace, got: "health"'],
    [
      { healthCheckPath: '/health\n' },
      'healthCheckPath must start with \'/\' and contain no whitespace, got: "/health\\n"',
    ],
    [
      { loadBalancerSubnetIds: ['subnet-pa'] },
      'loadBalancerSubnetIds must list at least 3 subnets in different AZs for TIER_1 (one per AZ), got: 1',
    ],
    [
      { loadBalancerSubnetIds: ['subnet-pa', 'subnet-pb'] },
      'loadBalancerSubnetIds must list at least 3 subnets in different AZs for TIER_1 (one per AZ), got: 2',
    ],
    [{ latencyThresholdSeconds: 0 }, 'latencyThresholdSeconds must be greater than 0, got: 0 seconds'],
    [
      { zonalShiftExpirySeconds: 90 },
      "zonalShiftExpirySeconds must be whole minutes from 1 minute to 72 hours (ARC's expiry), got: 90 seconds",
    ],
    [
      { zonalDetection: false, automaticZonalShift: true },
      'automaticZonalShift needs per-AZ impairment detection (zonalDetection, with AZs known at synthesis): its ' +
        'Impaired alarm is what starts the shift, got: no detection',
    ],
    [
      { subnetIds: Token.asList('${var.subnet_ids}') },
      'subnetIds must list the subnets one by one (each may be a reference): the capacity is computed per AZ, got: a Terraform list expression',
    ],
  ])('GIVEN %j THEN a clear Error', (extra, message) => {
    expect(() => synth(extra)).toThrow(new Error(message));
  });

  test("GIVEN a tier object that skipped ServiceTier.custom (statically stable, minAzs 1) THEN an Error naming subnetIds, not core's RangeError", () => {
    // JavaScript callers can hand over such an object; core's staticallyStableCapacity would throw a bare RangeError on it.
    const unchecked: ServiceTier = Object.assign(Object.create(ServiceTier.prototype), ServiceTier.TIER_1, {
      name: 'UNCHECKED',
      minAzs: 1,
    });
    expect(() => synth({ tier: unchecked, subnetIds: ['subnet-a'] })).toThrow(
      new Error(
        'subnetIds must list at least 2 subnets (one per AZ) for UNCHECKED (static stability keeps peak capacity in the AZs that survive the loss of one), got: 1',
      ),
    );
  });

  test('GIVEN the bounds AWS accepts THEN the fleet takes them as given', () => {
    const { synthesized } = synth({
      rateLimitPerIp: 2_000_000_000,
      rootVolumeSizeGiB: 16384,
      healthCheckGracePeriodSeconds: 0,
    });
    expect(synthesized).toHaveResourceWithProperties(AutoscalingGroup, {
      health_check_grace_period: 0,
      default_instance_warmup: 0,
    });
    expect(synthesized).toHaveResourceWithProperties(LaunchTemplate, {
      block_device_mappings: [expect.objectContaining({ ebs: expect.objectContaining({ volume_size: 16384 }) })],
    });
  });

  test('THEN clients reach the balancer on 80 and 443, it reaches instances on 8080, they reach out on 443', () => {
    const { synthesized } = synth();
    const group = (ref: unknown) => String(ref).replace(/^.*Fleet_(\w+)SecurityGroup_.*$/, '$1');
    const rule = (r: Record<string, string | number>) => [
      group(r.security_group_id),
      r.from_port,
      r.to_port,
      r.cidr_ipv4 ?? group(r.referenced_security_group_id),
    ];
    expect(Object.values(resourcesOf(synthesized, VpcSecurityGroupIngressRule)).map(rule)).toEqual([
      ['LoadBalancer', 443, 443, '0.0.0.0/0'],
      ['LoadBalancer', 80, 80, '0.0.0.0/0'],
      ['Instance', 8080, 8080, 'LoadBalancer'],
    ]);
    expect(Object.values(resourcesOf(synthesized, VpcSecurityGroupEgressRule)).map(rule)).toEqual([
      ['Instance', 443, 443, '0.0.0.0/0'],
      ['LoadBalancer', 8080, 8080, 'Instance'],
    ]);
  });

  test('THEN instances run as an EC2 role with SSM core, monitored in detail, from a gp3 volume they delete', () => {
    const { synthesized } = synth();
    expect(JSON.parse(Object.values(resourcesOf(synthesized, IamRole))[0].assume_role_policy).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      policy_arn: expect.stringMatching(/:iam::aws:policy\/AmazonSSMManagedInstanceCore$/),
    });
    const volume = expect.objectContaining({ volume_type: 'gp3', volume_size: 30, delete_on_termination: 'true' });
    expect(synthesized).toHaveResourceWithProperties(LaunchTemplate, {
      image_id: BASE.imageId,
      monitoring: { enabled: true },
      update_default_version: true,
      iam_instance_profile: { arn: expect.stringMatching(/^\$\{aws_iam_instance_profile\.Fleet_InstanceProfile_/) },
      metadata_options: { http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 },
      block_device_mappings: [{ device_name: '/dev/xvda', ebs: volume }],
    });
  });

  test('THEN the group runs the latest template on demand in its placement group, 100-110% in maintenance', () => {
    const group = Object.values(resourcesOf(synth().synthesized, AutoscalingGroup))[0];
    expect(group.mixed_instances_policy).toEqual({
      instances_distribution: { on_demand_base_capacity: 9, on_demand_percentage_above_base_capacity: 100 },
      launch_template: {
        launch_template_specification: {
          launch_template_id: expect.stringMatching(/Fleet_LaunchTemplate_.*\.id\}$/),
          version: expect.stringMatching(/\.latest_version\}$/),
        },
        override: [{ instance_type: 'm7g.large' }, { instance_type: 'm6g.large' }],
      },
    });
    expect(group).toMatchObject({
      placement_group: expect.stringMatching(/Fleet_PlacementGroup_/),
      wait_for_capacity_timeout: '15m',
      instance_maintenance_policy: { min_healthy_percentage: 100, max_healthy_percentage: 110 },
    });
    expect(group.enabled_metrics).toEqual(expect.arrayContaining(['GroupInServiceInstances', 'GroupDesiredCapacity']));
  });

  test('THEN the balancer mitigates desync strictly and drains targets for the 60 s idle timeout; unhealthy targets alarm', () => {
    const { synthesized } = synth();
    expect(synthesized).toHaveResourceWithProperties(Lb, { desync_mitigation_mode: 'strictest' });
    expect(synthesized).toHaveResourceWithProperties(LbTargetGroup, {
      deregistration_delay: '60',
      port: 8080,
      vpc_id: BASE.vpcId,
    });
    const suffix = expect.stringContaining('.arn_suffix');
    expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      namespace: 'AWS/ApplicationELB',
      metric_name: 'UnHealthyHostCount',
      statistic: 'Maximum',
      dimensions: { LoadBalancer: suffix, TargetGroup: suffix },
    });
  });

  test('THEN CloudWatch alarms of this account may publish to the topic, over TLS only', () => {
    expectAlarmTopicPolicy(synth().synthesized);
  });

  // The HA view (lib/testing) of the JSON with its // blocks, where the HA records are.
  test('HA snapshot', () => {
    expect(haSnapshot(synth().stack.toTerraform())).toMatchSnapshot();
  });
});
