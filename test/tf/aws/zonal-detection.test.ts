import { CloudwatchCompositeAlarm } from '@cdktf/provider-aws/lib/cloudwatch-composite-alarm';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { Testing, Token } from 'cdktf';
import { HaRole, ServiceTier } from '../../../lib/core';
import { ZONAL_SHIFT_SCRIPT } from '../../../lib/core/plans/zonal-shift-runbook';
import { ResilientFleet, ResilientFleetProps } from '../../../lib/tf/aws/fleet';
import { awsStack, Json, resourcesOf, warningsOf } from './util';

Testing.setupJest();

/*
 * What is the Terraform engine's own in the fleet's gray-failure handling: each AZ read from its
 * subnet, the resource shapes, names and IAM. The thresholds and expressions are pinned by the
 * planner tests, the math test (test/aws/zonal-detection-math.test.ts) and the twin test.
 */

const BASE = {
  tier: ServiceTier.TIER_1,
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
  const fleet = new ResilientFleet(stack, 'Fleet', { ...BASE, ...props });
  const synthesized = Testing.synth(stack);
  return { stack, fleet, synthesized, json: JSON.parse(synthesized) as Json };
}

const ref = (type: string, path: string, attribute: string) =>
  expect.stringMatching(new RegExp(`^\\$\\{${type.replace('.', '\\.')}\\.${path}_[0-9A-F]{8}\\.${attribute}\\}$`));

describe('ResilientFleet (Terraform): gray-failure detection and zonal shift', () => {
  const { fleet, synthesized, json } = synth();
  const alarms = resourcesOf(synthesized, CloudwatchMetricAlarm);
  const zonal = Object.entries(alarms).filter(([name]) => name.startsWith('Fleet_ZonalDetection_'));
  const policies = resourcesOf(synthesized, IamRolePolicy);
  const roles = resourcesOf(synthesized, IamRole);
  const named = <T>(byName: Record<string, T>, path: string) =>
    Object.entries(byName).find(([name]) => new RegExp(`^${path}_[0-9A-F]{8}$`).test(name))![1];

  test("THEN each AZ is read from its load balancer subnet at plan time and named as its alarms' dimension", () => {
    const subnets = json.data.aws_subnet as Record<string, Json>;
    expect(Object.values(subnets).map((s) => s.id)).toEqual(BASE.loadBalancerSubnetIds);
    expect(zonal).toHaveLength(6);
    for (const [name, alarm] of zonal) {
      const zone = /_Zone(\d)_/.exec(name)![1];
      const dimensions = alarm.metric_query.filter((q: Json) => q.metric).map((q: Json) => q.metric.dimensions);
      expect(dimensions.length).toBeGreaterThanOrEqual(3);
      for (const d of dimensions) {
        expect(d.LoadBalancer).toEqual(ref('aws_lb', 'Fleet_LoadBalancer', 'arn_suffix'));
        expect(d.AvailabilityZone).toEqual(
          expect.stringMatching(/^\$\{data\.aws_subnet\.Fleet_ZonalDetection_Zone\d_/),
        );
      }
      // The Availability alarm reads its own AZ only; the Outlier alarm every AZ's.
      if (name.includes('_Availability_')) {
        expect(new Set(dimensions.map((d: Json) => d.AvailabilityZone)).size).toBe(1);
        expect(dimensions[0].AvailabilityZone).toContain(`Fleet_ZonalDetection_Zone${zone}_Subnet_`);
      } else {
        expect(new Set(dimensions.map((d: Json) => d.AvailabilityZone)).size).toBe(3);
      }
    }
  });

  test('THEN only the Impaired composites notify, on ALARM and OK; their inputs stay silent', () => {
    expect(zonal.every(([, a]) => a.alarm_actions === undefined && a.ok_actions === undefined)).toBe(true);
    const composites = Object.values(resourcesOf(synthesized, CloudwatchCompositeAlarm));
    expect(composites).toHaveLength(3);
    for (const composite of composites) {
      expect(composite.alarm_actions).toEqual([ref('aws_sns_topic', 'Fleet_AlarmTopic', 'arn')]);
      expect(composite.ok_actions).toEqual(composite.alarm_actions);
    }
    expect(fleet.zoneImpairedAlarms).toHaveLength(3);
  });

  test("THEN the runbook is core's, with the script as it is (no Terraform interpolation in it)", () => {
    expect(ZONAL_SHIFT_SCRIPT).not.toMatch(/\$\{|%\{/);
    const [document] = Object.values(resourcesOf(synthesized, SsmDocument));
    expect(document).toEqual(
      expect.objectContaining({
        document_type: 'Automation',
        document_format: 'JSON',
        name: expect.stringMatching(/-zonal-shift$/),
      }),
    );
    expect(document.depends_on).toEqual([expect.stringMatching(/^aws_iam_role_policy\.Fleet_ZonalShift_RolePolicy_/)]);
    const content = JSON.parse(document.content);
    expect(content.mainSteps[0].inputs.Script).toBe(ZONAL_SHIFT_SCRIPT);
    expect(content.parameters.AvailabilityZone.allowedValues).toEqual([
      expect.stringMatching(/^\$\{data\.aws_subnet\.Fleet_ZonalDetection_Zone0_Subnet_\w+\.availability_zone\}$/),
      expect.stringMatching(/^\$\{data\.aws_subnet\.Fleet_ZonalDetection_Zone1_Subnet_\w+\.availability_zone\}$/),
      expect.stringMatching(/^\$\{data\.aws_subnet\.Fleet_ZonalDetection_Zone2_Subnet_\w+\.availability_zone\}$/),
    ]);
    expect(content.parameters.AutomationAssumeRole.default).toEqual(
      ref('aws_iam_role', 'Fleet_ZonalShift_Role', 'arn'),
    );
    expect(content.mainSteps[1].inputs.TopicArn).toEqual(ref('aws_sns_topic', 'Fleet_AlarmTopic', 'arn'));
  });

  test('THEN the runbook role shifts this load balancer and group only, reads zones and groups, publishes', () => {
    const trust = JSON.parse(named(roles, 'Fleet_ZonalShift_Role').assume_role_policy).Statement;
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'ssm.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': expect.stringMatching(/caller_identity/) },
          ArnLike: { 'aws:SourceArn': expect.stringMatching(/:ssm:.*:automation-execution\/\*$/) },
        },
      },
    ]);
    expect(JSON.parse(named(policies, 'Fleet_ZonalShift_RolePolicy').policy).Statement).toEqual([
      {
        Sid: 'ShiftThisLoadBalancerAndGroup',
        Effect: 'Allow',
        Action: ['arc-zonal-shift:GetManagedResource', 'arc-zonal-shift:StartZonalShift'],
        Resource: '*',
        // Exact ARNs, though under StringLike: the CDK twin knows the group by name only.
        Condition: {
          StringLike: {
            'arc-zonal-shift:ResourceIdentifier': [
              ref('aws_lb', 'Fleet_LoadBalancer', 'arn'),
              ref('aws_autoscaling_group', 'Fleet_AutoScalingGroup', 'arn'),
            ],
          },
        },
      },
      {
        Sid: 'ReadZonesAndInstances',
        Effect: 'Allow',
        Action: ['ec2:DescribeAvailabilityZones', 'autoscaling:DescribeAutoScalingGroups'],
        Resource: '*',
      },
      {
        Sid: 'Notify',
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: ref('aws_sns_topic', 'Fleet_AlarmTopic', 'arn'),
      },
      {
        Sid: 'NotifyEncrypted',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        // The topic's kms_master_key_id is the key's ARN the fleet set on it.
        Resource: ref('aws_sns_topic', 'Fleet_AlarmTopic', 'kms_master_key_id'),
      },
    ]);
  });

  test('THEN EventBridge may start this runbook only, pass it its own role only, for this account only', () => {
    const trust = JSON.parse(named(roles, 'Fleet_ZonalShift_TriggerRole').assume_role_policy).Statement;
    expect(trust).toEqual([
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': expect.stringMatching(/caller_identity/) } },
      }),
    ]);
    const definition = expect.stringMatching(
      /:ssm:.*:automation-definition\/\$\{aws_ssm_document\.Fleet_ZonalShift_Runbook_[0-9A-F]{8}\.name\}:\$DEFAULT$/,
    );
    expect(JSON.parse(named(policies, 'Fleet_ZonalShift_TriggerRolePolicy').policy).Statement).toEqual([
      { Effect: 'Allow', Action: 'ssm:StartAutomationExecution', Resource: definition },
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: ref('aws_iam_role', 'Fleet_ZonalShift_Role', 'arn'),
        Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
      },
    ]);
    const rules = Object.entries(resourcesOf(synthesized, CloudwatchEventRule));
    const targets = Object.values(resourcesOf(synthesized, CloudwatchEventTarget));
    expect(rules).toHaveLength(3);
    rules.forEach(([name, rule], i) => {
      expect(JSON.parse(rule.event_pattern)).toEqual({
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: [expect.stringContaining(`aws_cloudwatch_composite_alarm.Fleet_ZonalDetection_Zone${i}_Impaired_`)],
        detail: { state: { value: ['ALARM'] } },
      });
      const target = targets.find((t) => t.rule.includes(`.${name}.`))!;
      expect(target).toEqual(
        expect.objectContaining({
          arn: definition,
          role_arn: ref('aws_iam_role', 'Fleet_ZonalShift_TriggerRole', 'arn'),
        }),
      );
      expect(JSON.parse(target.input).AvailabilityZone).toEqual([
        expect.stringContaining(`data.aws_subnet.Fleet_ZonalDetection_Zone${i}_Subnet_`),
      ]);
    });
  });
});

describe('ResilientFleet (Terraform): the Auto Scaling group and the zonal shift', () => {
  test('THEN the group is left without zonal shift (the provider cannot set it), and a warning says what follows', () => {
    const { json, stack } = synth();
    const [group] = Object.values(json.resource.aws_autoscaling_group as Record<string, Json>);
    expect(group.availability_zone_impairment_policy).toBeUndefined();
    const warnings = warningsOf(stack).filter((w) => w.includes('automaticZonalShift.group'));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^\[ha-constructs:ResilientFleet\.automaticZonalShift\.group\] the runbook can shift the load balancer but not/,
      ),
    ]);
    expect(warnings[0]).toContain('hashicorp/terraform-provider-aws#40271');
    expect(warnings[0]).toContain('ImpairedZoneHealthCheckBehavior=IgnoreUnhealthy');
    // The runbook finds out for itself: it shifts the group once zonal shift is enabled on it.
    const [document] = Object.values(json.resource.aws_ssm_document as Record<string, Json>);
    const steps = JSON.parse(document.content).mainSteps.map((step: Json) => step.name);
    expect(steps).toEqual(['ShiftAwayIfSafe', 'Notify', 'FailIfGroupNotShifted', 'NotifyFailure']);
  });

  test('GIVEN no automatic zonal shift THEN no warning about the group', () => {
    const { stack } = synth({ automaticZonalShift: false });
    expect(warningsOf(stack).filter((w) => w.includes('automaticZonalShift.group'))).toEqual([]);
  });
});

describe('ResilientFleet (Terraform): when there is no gray-failure handling, and why', () => {
  const rendered = (props: Partial<ResilientFleetProps>) => {
    const { json, fleet, stack } = synth(props);
    return {
      alarms: Object.keys(json.resource.aws_cloudwatch_metric_alarm ?? {}).filter((n) => n.includes('ZonalDetection')),
      runbook: fleet.zonalShiftRunbook,
      json,
      warnings: warningsOf(stack),
    };
  };

  test.each([
    ['TIER_2 (not statically stable)', { tier: ServiceTier.TIER_2 }],
    ['a STANDBY (serves nothing)', { role: HaRole.STANDBY, maxCapacity: 18 }],
    ['zonalDetection: false', { zonalDetection: false }],
  ])('GIVEN %s THEN no per-AZ alarm and no runbook', (_, props) => {
    const { alarms, runbook, json } = rendered(props);
    expect(alarms).toEqual([]);
    expect(runbook).toBeUndefined();
    expect(json.data?.aws_subnet).toBeUndefined();
  });

  test('GIVEN automaticZonalShift: false THEN detection without a runbook; an expiry of 30 min THEN `30m`', () => {
    const off = rendered({ automaticZonalShift: false });
    expect(off.alarms).toHaveLength(6);
    expect(off.runbook).toBeUndefined();
    const { json } = rendered({ zonalShiftExpirySeconds: 1800 });
    const [document] = Object.values(json.resource.aws_ssm_document as Record<string, Json>);
    expect(JSON.parse(document.content).mainSteps[0].inputs.InputPayload.ExpiresIn).toBe('30m');
  });

  test('GIVEN a topic of your own THEN the runbook publishes to it, and no key it cannot know is granted', () => {
    const { json } = rendered({ alarmTopicArn: 'arn:aws:sns:us-east-1:111111111111:pager' });
    const policy = Object.entries(json.resource.aws_iam_role_policy as Record<string, Json>).find(([name]) =>
      name.startsWith('Fleet_ZonalShift_RolePolicy_'),
    )![1];
    const statements = JSON.parse(policy.policy).Statement;
    expect(statements.map((s: Json) => s.Sid)).toEqual([
      'ShiftThisLoadBalancerAndGroup',
      'ReadZonesAndInstances',
      'Notify',
    ]);
    expect(statements[2].Resource).toBe('arn:aws:sns:us-east-1:111111111111:pager');
  });

  test('GIVEN load balancer subnets as a list expression THEN no detection, with a warning that says why', () => {
    const { alarms, warnings } = rendered({ loadBalancerSubnetIds: Token.asList('${var.public_subnet_ids}') });
    expect(alarms).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^\[ha-constructs:ResilientFleet\.zonalDetection\.zones\] no per-AZ impairment detection: /,
    );
    expect(warnings[0]).toContain('loadBalancerSubnetIds is a Terraform list expression');
  });

  test('GIVEN six load balancer subnets and zonalDetection THEN an error: an alarm reads at most 10 metrics', () => {
    const six = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(() =>
      synth({
        zonalDetection: true,
        subnetIds: six.map((z) => `subnet-${z}`),
        loadBalancerSubnetIds: six.map((z) => `subnet-p${z}`),
      }),
    ).toThrow(/^zonalDetection needs 2 to 5 AZs \(its outlier alarm reads two 5xx counts per AZ/);
  });
});
