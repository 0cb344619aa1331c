/* eslint-disable @typescript-eslint/no-explicit-any */
import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as fc from 'fast-check';
import { AzEvacuationDrill } from '../../lib/aws/drill';
import { CLOUDWATCH_LOG_RETENTION_DAYS, ServiceTier } from '../../lib/core';
import { AzEvacuationDrill as TfAzEvacuationDrill } from '../../lib/tf/aws/drill';
import { cdkResources, cfnOfType, intents, tfJson, tfOfType } from './harness';

/**
 * AzEvacuationDrill on CloudFormation and on Terraform, from one intent: the same fault duration
 * in every action, the same targets (every subnet of the zone; the fleet's running instances in the
 * zone; the cluster), the same actions, descriptions, stop condition, experiment options, log schema
 * and log retention. All come from core's planAzEvacuationDrill. The CDK drill also blocks the
 * group's launches into the zone (it tags the group it was given to find it), and so does the Terraform
 * twin given the group's ARN: here the CDK group is imported and the Terraform twin gets no ARN, so
 * both leave that action out and render the same actions.
 */

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const ALARM = 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:orders-page';
const CLUSTER = 'arn:aws:rds:us-east-1:111111111111:cluster:orders';

const intent = fc.record({
  tier: fc.constantFrom(...ServiceTier.BUILT_IN),
  zone: fc.constantFrom(...ZONES),
  database: fc.boolean(),
  durationMinutes: fc.option(fc.integer({ min: 1, max: 720 }), { nil: undefined }),
  logRetentionDays: fc.option(fc.constantFrom(...CLOUDWATCH_LOG_RETENTION_DAYS), { nil: undefined }),
});
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

/** A FIS target or action with its name, in one shape for both outputs. */
interface Named {
  readonly name: string;
  readonly [key: string]: unknown;
}

/** The HA values of one drill, read from either output. */
interface DrillValues {
  readonly description: unknown;
  readonly targets: Named[];
  readonly actions: Named[];
  readonly stopSources: unknown[];
  readonly options: unknown;
  readonly logSchemaVersion: unknown;
  readonly retentionDays: unknown;
}

const byName = (a: Named, b: Named) => a.name.localeCompare(b.name);

function cdkValues(p: Intent): DrillValues {
  const resources = cdkResources((stack) => {
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1',
      availabilityZones: ZONES,
      publicSubnetIds: ZONES.map((_z, i) => `subnet-pub-${i}`),
      privateSubnetIds: ZONES.map((_z, i) => `subnet-priv-${i}`),
      isolatedSubnetIds: ZONES.map((_z, i) => `subnet-iso-${i}`),
    });
    new AzEvacuationDrill(stack, 'Drill', {
      tier: p.tier,
      service: 'orders',
      availabilityZone: p.zone,
      vpc,
      autoScalingGroup: autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Fleet', 'orders-fleet'),
      stopConditionAlarm: cloudwatch.Alarm.fromAlarmArn(stack, 'Page', ALARM),
      databaseCluster: p.database
        ? rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'Cluster', { clusterIdentifier: 'orders' })
        : undefined,
      durationMinutes: p.durationMinutes,
      logRetentionDays: p.logRetentionDays,
    });
  });
  const [template] = cfnOfType(resources, 'AWS::FIS::ExperimentTemplate') as {
    Description: string;
    Targets: Record<string, { ResourceType: string; SelectionMode: string; ResourceArns?: unknown[]; Filters?: [] }>;
    Actions: Record<string, { ActionId: string; Description: string; Parameters?: object; Targets: object }>;
    StopConditions: { Source: string }[];
    ExperimentOptions: { AccountTargeting: string; EmptyTargetResolutionMode: string };
    LogConfiguration: { LogSchemaVersion: number };
  }[];
  const [logGroup] = cfnOfType(resources, 'AWS::Logs::LogGroup');
  return {
    description: template.Description,
    targets: Object.entries(template.Targets)
      .map(([name, t]) => ({
        name,
        type: t.ResourceType,
        selection: t.SelectionMode,
        arns: t.ResourceArns?.length,
        filters: t.Filters?.map((f: { Path: string; Values: string[] }) => ({ path: f.Path, values: f.Values })),
      }))
      .sort(byName),
    actions: Object.entries(template.Actions)
      .map(([name, a]) => ({
        name,
        id: a.ActionId,
        description: a.Description,
        parameters: a.Parameters,
        targets: a.Targets,
      }))
      .sort(byName),
    stopSources: template.StopConditions.map((s) => s.Source),
    options: [template.ExperimentOptions.AccountTargeting, template.ExperimentOptions.EmptyTargetResolutionMode],
    logSchemaVersion: template.LogConfiguration.LogSchemaVersion,
    retentionDays: logGroup.RetentionInDays,
  };
}

function tfValues(p: Intent): DrillValues {
  const index = ZONES.indexOf(p.zone);
  const json = tfJson(
    (stack) =>
      new TfAzEvacuationDrill(stack, 'Drill', {
        tier: p.tier,
        service: 'orders',
        availabilityZone: p.zone,
        subnetIds: [`subnet-pub-${index}`, `subnet-priv-${index}`, `subnet-iso-${index}`],
        autoScalingGroupName: 'orders-fleet',
        stopConditionAlarmArn: ALARM,
        databaseClusterArn: p.database ? CLUSTER : undefined,
        durationMinutes: p.durationMinutes,
        logRetentionDays: p.logRetentionDays,
      }),
  );
  const [template] = tfOfType(json, 'aws_fis_experiment_template') as {
    description: string;
    target: { name: string; resource_type: string; selection_mode: string; resource_arns?: []; filter?: [] }[];
    action: {
      name: string;
      action_id: string;
      description: string;
      parameter?: { key: string; value: string }[];
      target: { key: string; value: string };
    }[];
    stop_condition: { source: string }[];
    experiment_options: { account_targeting: string; empty_target_resolution_mode: string };
    log_configuration: { log_schema_version: number };
  }[];
  const [logGroup] = tfOfType(json, 'aws_cloudwatch_log_group');
  return {
    description: template.description,
    targets: template.target
      .map((t) => ({
        name: t.name,
        type: t.resource_type,
        selection: t.selection_mode,
        arns: t.resource_arns?.length,
        filters: t.filter,
      }))
      .sort(byName),
    actions: template.action
      .map((a) => ({
        name: a.name,
        id: a.action_id,
        description: a.description,
        parameters: a.parameter && Object.fromEntries(a.parameter.map((kv) => [kv.key, kv.value])),
        targets: { [a.target.key]: a.target.value },
      }))
      .sort(byName),
    stopSources: template.stop_condition.map((s) => s.source),
    options: [template.experiment_options.account_targeting, template.experiment_options.empty_target_resolution_mode],
    logSchemaVersion: template.log_configuration.log_schema_version,
    retentionDays: logGroup.retention_in_days,
  };
}

describe('AzEvacuationDrill twins', () => {
  const drawn = intents(intent);

  test('the sample covers default and given durations and retentions, with and without a database', () => {
    expect(drawn.some((p) => p.durationMinutes === undefined) && drawn.some((p) => p.durationMinutes)).toBe(true);
    expect(drawn.some((p) => p.logRetentionDays === undefined) && drawn.some((p) => p.logRetentionDays)).toBe(true);
    expect(new Set(drawn.map((p) => p.database)).size).toBe(2);
    expect(new Set(drawn.map((p) => p.tier.name)).size).toBeGreaterThan(2);
  });

  test.each(drawn.map((p, i) => [i, p] as const))('intent %d: both engines render the same plan', (_i, p) => {
    const cdk = cdkValues(p);
    expect(tfValues(p)).toEqual(cdk);
    const minutes = p.durationMinutes ?? Math.min(720, Math.max(10, Math.ceil((2 * p.tier.azRtoSeconds) / 60)));
    const fault = cdk.actions.find((a) => a.name === 'DisruptZoneNetwork');
    expect(fault?.parameters).toEqual({ scope: 'all', duration: `PT${minutes}M` });
    expect(cdk.actions.map((a) => a.name)).toEqual(
      [...(p.database ? ['FailoverDatabase'] : []), 'DisruptZoneNetwork', 'StopInstances'].sort(),
    );
    expect(cdk.targets.find((t) => t.name === 'ZoneSubnets')?.arns).toBe(3);
    expect(cdk.targets.find((t) => t.name === 'ZoneInstances')?.filters).toEqual([
      { path: 'Placement.AvailabilityZone', values: [p.zone] },
      { path: 'State.Name', values: ['running'] },
    ]);
    expect(cdk.stopSources).toEqual(['aws:cloudwatch:alarm']);
    expect(cdk.retentionDays).toBe(p.logRetentionDays ?? p.tier.logRetentionDays);
  });
});

/*
 * The gray failure (core's planGrayFailureDrill and gray-failure-verdict): the same fault, first in
 * the experiment, on the same instances, with the same rights; the same verdict runbook started
 * the same way. The sources (the load balancer's subnets in the zone) are literal CIDRs on
 * CloudFormation and read at plan time on Terraform: compared by count.
 */

const IMPAIRED = 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:orders-zone-impaired';
const grayIntent = fc.record({
  tier: fc.constantFrom(ServiceTier.TIER_0, ServiceTier.TIER_1, ServiceTier.TIER_2),
  zone: fc.constantFrom(...ZONES),
  // Below the least delay the drill adds (TIER_0's 1000 ms): a threshold above it is refused.
  latencyMillis: fc.option(fc.integer({ min: 50, max: 900 }), { nil: undefined }),
});
type GrayIntent = typeof grayIntent extends fc.Arbitrary<infer T> ? T : never;

/** The gray failure of one drill, read from either output. */
interface GrayValues {
  readonly action: unknown[];
  readonly startAfter: unknown[];
  readonly target: unknown[];
  readonly fisStatements: unknown[];
  readonly runbook: unknown[];
  readonly runbookStatements: unknown[];
  readonly trigger: unknown[];
}

/** Actions and condition keys of a policy's statements, order-free. */
function shapeOf(statements: Record<string, unknown>[]): unknown[] {
  return statements
    .map((s) => [
      ([] as string[]).concat(s.Action as string | string[]).sort(),
      Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>)
        .flatMap(([op, keys]) => Object.keys(keys).map((k) => `${op}:${k}`))
        .sort(),
    ])
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** What the verdict runbook does: its script, steps, payload constants and notices (owner left out). */
function runbookShape(content: Record<string, any>): unknown[] {
  const steps = content.mainSteps as Record<string, any>[];
  const payload = steps[0].inputs.InputPayload;
  return [
    steps[0].inputs.Script,
    steps.map((s) => [s.name, s.action, s.nextStep ?? s.isEnd ?? null, s.onFailure ?? null]),
    [payload.GrayAction, payload.AvailabilityZone],
    steps.filter((s) => s.inputs?.Subject).map((s) => s.inputs.Subject),
    content.parameters.ExperimentId,
  ];
}

function grayParameters(parameters: Record<string, string>): unknown[] {
  const document = JSON.parse(parameters.documentParameters);
  return [
    String(JSON.stringify(parameters.documentArn)).includes('document/AWSFIS-Run-Network-Latency-Sources'),
    { ...document, Sources: document.Sources.split(',').length },
    parameters.duration,
  ];
}

function cdkGray(p: GrayIntent): GrayValues {
  const resources = cdkResources((stack) => {
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1',
      availabilityZones: ZONES,
      publicSubnetIds: ZONES.map((_z, i) => `subnet-pub-${i}`),
      publicSubnetIpv4CidrBlocks: ZONES.map((_z, i) => `10.0.${i}.0/24`),
      privateSubnetIds: ZONES.map((_z, i) => `subnet-priv-${i}`),
      isolatedSubnetIds: ZONES.map((_z, i) => `subnet-iso-${i}`),
    });
    new AzEvacuationDrill(stack, 'Drill', {
      tier: p.tier,
      service: 'orders',
      availabilityZone: p.zone,
      vpc,
      autoScalingGroup: autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Fleet', 'orders-fleet'),
      stopConditionAlarm: cloudwatch.Alarm.fromAlarmArn(stack, 'Page', ALARM),
      zoneImpairedAlarms: { [p.zone]: cloudwatch.Alarm.fromAlarmArn(stack, 'Impaired', IMPAIRED) },
      latencyThreshold: p.latencyMillis === undefined ? undefined : Duration.millis(p.latencyMillis),
    });
  });
  const [template] = cfnOfType(resources, 'AWS::FIS::ExperimentTemplate') as Record<string, any>[];
  const gray = template.Actions.GrayFailure;
  const target = template.Targets.FleetInstances;
  const policies = cfnOfType(resources, 'AWS::IAM::ManagedPolicy');
  const statementsOf = (description: RegExp) =>
    (policies.find((m) => description.test(String(m.Description)))!.PolicyDocument as any).Statement;
  const [document] = cfnOfType(resources, 'AWS::SSM::Document');
  const [rule] = cfnOfType(resources, 'AWS::Events::Rule') as Record<string, any>[];
  return {
    action: [gray.ActionId, gray.Description, grayParameters(gray.Parameters), gray.Targets],
    startAfter: Object.entries(template.Actions as Record<string, any>)
      .filter(([name]) => name !== 'GrayFailure')
      .map(([name, a]) => [name, a.StartAfter])
      .sort(),
    target: [
      target.ResourceType,
      target.SelectionMode,
      target.ResourceTags,
      target.Filters.map((f: any) => ({ path: f.Path, values: f.Values })),
    ],
    fisStatements: shapeOf(statementsOf(/^Least privilege for the gray failure/)),
    runbook: runbookShape(document.Content as Record<string, any>),
    runbookStatements: shapeOf(statementsOf(/^Least privilege for the verdict runbook/)),
    trigger: [
      rule.EventPattern.source,
      rule.EventPattern['detail-type'],
      rule.EventPattern.detail['new-state'],
      rule.Targets[0].InputTransformer.InputPathsMap,
      rule.Targets[0].InputTransformer.InputTemplate,
    ],
  };
}

function tfGray(p: GrayIntent): GrayValues {
  const index = ZONES.indexOf(p.zone);
  const json = tfJson(
    (stack) =>
      new TfAzEvacuationDrill(stack, 'Drill', {
        tier: p.tier,
        service: 'orders',
        availabilityZone: p.zone,
        subnetIds: [`subnet-pub-${index}`, `subnet-priv-${index}`, `subnet-iso-${index}`],
        autoScalingGroupName: 'orders-fleet',
        stopConditionAlarmArn: ALARM,
        zoneImpairedAlarm: { arn: IMPAIRED, alarmName: 'orders-zone-impaired' },
        loadBalancerSubnetIds: [`subnet-pub-${index}`],
        latencyThresholdSeconds: p.latencyMillis === undefined ? undefined : p.latencyMillis / 1000,
      }),
  );
  const [template] = tfOfType(json, 'aws_fis_experiment_template') as Record<string, any>[];
  const actions = template.action as Record<string, any>[];
  const gray = actions.find((a) => a.name === 'GrayFailure')!;
  const target = (template.target as Record<string, any>[]).find((t) => t.name === 'FleetInstances')!;
  const policies = (json.resource as any).aws_iam_role_policy as Record<string, Record<string, string>>;
  const statementsOf = (path: string) =>
    JSON.parse(Object.entries(policies).find(([name]) => name.startsWith(`Drill_GrayFailure_${path}_`))![1].policy)
      .Statement;
  const [document] = tfOfType(json, 'aws_ssm_document');
  const [rule] = tfOfType(json, 'aws_cloudwatch_event_rule');
  const [eventTarget] = tfOfType(json, 'aws_cloudwatch_event_target') as Record<string, any>[];
  const pattern = JSON.parse(String(rule.event_pattern));
  return {
    action: [
      gray.action_id,
      gray.description,
      grayParameters(Object.fromEntries(gray.parameter.map((kv: any) => [kv.key, kv.value]))),
      { [gray.target.key]: gray.target.value },
    ],
    startAfter: actions
      .filter((a) => a.name !== 'GrayFailure')
      .map((a) => [a.name, a.start_after])
      .sort(),
    target: [
      target.resource_type,
      target.selection_mode,
      Object.fromEntries(target.resource_tag.map((t: any) => [t.key, t.value])),
      target.filter,
    ],
    fisStatements: shapeOf(statementsOf('FisPolicy')),
    runbook: runbookShape(JSON.parse(String(document.content))),
    runbookStatements: shapeOf(statementsOf('RolePolicy')),
    trigger: [
      pattern.source,
      pattern['detail-type'],
      pattern.detail['new-state'],
      eventTarget.input_transformer.input_paths,
      eventTarget.input_transformer.input_template,
    ],
  };
}

test.each(intents(grayIntent, 6).map((p, i) => [i, p] as const))(
  'intent %d: both engines inject the same gray failure and judge it alike',
  (_i, p) => {
    const cdk = cdkGray(p);
    expect(tfGray(p)).toEqual(cdk);
    // Not two renderings that agree by chance: the fault comes first and delays the zone's node.
    expect(cdk.action[0]).toBe('aws:ssm:send-command');
    expect(cdk.startAfter.every(([, after]: any) => after.includes('GrayFailure'))).toBe(true);
    expect((cdk.action[2] as unknown[])[1]).toMatchObject({
      Sources: 1,
      TrafficType: 'ingress',
      JitterMilliseconds: '0',
    });
  },
);
