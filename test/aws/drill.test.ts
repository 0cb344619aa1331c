import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { HA_METADATA_KEY, ServiceTier } from '../../lib';
import {
  AzEvacuationDrill,
  AzEvacuationDrillProps,
  DrillInstanceFault,
  RegionEvacuationDrill,
  RegionEvacuationDrillProps,
} from '../../lib/aws/drill';
import { haSnapshot } from '../../lib/testing/snapshot';
import { expectValidationError, testApp } from '../util';

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

function fixture() {
  const stack = new Stack(testApp(), 'Drill', { env: { region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: ZONES,
    natGateways: 3,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const launchTemplate = new ec2.LaunchTemplate(stack, 'LaunchTemplate', {
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
  });
  const fleet = new autoscaling.AutoScalingGroup(stack, 'Fleet', { vpc, launchTemplate, minCapacity: 3 });
  const alarm = new cloudwatch.Alarm(stack, 'Page', {
    metric: new cloudwatch.Metric({ namespace: 'Test', metricName: 'Errors' }),
    threshold: 1,
    evaluationPeriods: 1,
  });
  // A region drill stops only when users fail for longer than the region RTO (15 × 1 min for TIER_1).
  const overrun = new cloudwatch.Alarm(stack, 'FailoverOverrun', {
    metric: new cloudwatch.Metric({
      namespace: 'CloudWatchSynthetics',
      metricName: 'SuccessPercent',
      period: Duration.minutes(1),
    }),
    threshold: 100,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 15,
    datapointsToAlarm: 15,
  });
  const cluster = rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'Cluster', { clusterIdentifier: 'orders' });
  return { stack, vpc, fleet, alarm, overrun, cluster };
}

function synthAz(override: Partial<AzEvacuationDrillProps> = {}) {
  const f = fixture();
  const drill = new AzEvacuationDrill(f.stack, 'AzDrill', {
    tier: ServiceTier.TIER_1,
    service: 'orders',
    autoScalingGroup: f.fleet,
    vpc: f.vpc,
    availabilityZone: 'us-east-1a',
    databaseCluster: f.cluster,
    stopConditionAlarm: f.alarm,
    ...override,
  });
  return { ...f, drill, template: Template.fromStack(f.stack) };
}

function synthRegion(override: Partial<RegionEvacuationDrillProps> = {}) {
  const f = fixture();
  const drill = new RegionEvacuationDrill(f.stack, 'RegionDrill', {
    tier: ServiceTier.TIER_1,
    service: 'orders',
    vpc: f.vpc,
    autoScalingGroup: f.fleet,
    stopConditionAlarm: f.overrun,
    ...override,
  });
  return { ...f, drill, template: Template.fromStack(f.stack) };
}

function experiment(template: Template) {
  const templates = Object.values(template.findResources('AWS::FIS::ExperimentTemplate'));
  expect(templates).toHaveLength(1);
  return templates[0].Properties;
}

/** The statements of the network disruption, first in every drill's policy. */
const NETWORK_STATEMENTS = [
  'LogDelivery',
  'CreateDrillNetworkAcl',
  'CreateDrillNetworkAclInVpc',
  'TagDrillNetworkAcl',
  'ChangeDrillNetworkAcl',
  'SwapSubnetNetworkAcl',
  'DescribeNetwork',
];

function statements(
  template: Template,
): Record<string, { Action: string | string[]; Resource: unknown; Condition?: unknown }> {
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
  expect(policies).toHaveLength(1);
  return Object.fromEntries(policies[0].Properties.PolicyDocument.Statement.map((s: { Sid: string }) => [s.Sid, s]));
}

describe('AzEvacuationDrill', () => {
  test('GIVEN a fleet, a VPC and a cluster THEN the template disrupts the zone, stops its instances, blocks launches there and fails the database over', () => {
    const { template, drill } = synthAz();
    const props = experiment(template);
    expect(Object.keys(props.Actions).sort()).toEqual([
      'BlockZoneLaunches',
      'DisruptZoneNetwork',
      'FailoverDatabase',
      'StopInstances',
    ]);
    expect(props.Actions.DisruptZoneNetwork).toEqual(
      expect.objectContaining({
        ActionId: 'aws:network:disrupt-connectivity',
        Parameters: { scope: 'all', duration: 'PT10M' },
        Targets: { Subnets: 'ZoneSubnets' },
      }),
    );
    expect(props.Actions.StopInstances).toEqual(
      expect.objectContaining({
        ActionId: 'aws:ec2:stop-instances',
        Parameters: { startInstancesAfterDuration: 'PT10M', completeIfInstancesTerminated: 'true' },
        Targets: { Instances: 'ZoneInstances' },
      }),
    );
    expect(props.Actions.BlockZoneLaunches).toEqual(
      expect.objectContaining({
        ActionId: 'aws:ec2:asg-insufficient-instance-capacity-error',
        Parameters: { availabilityZoneIdentifiers: 'us-east-1a', duration: 'PT10M', percentage: '100' },
        Targets: { AutoScalingGroups: 'ZoneGroup' },
      }),
    );
    expect(props.Actions.FailoverDatabase).toEqual(
      expect.objectContaining({ ActionId: 'aws:rds:failover-db-cluster', Targets: { Clusters: 'Cluster' } }),
    );
    expect(drill.durationMinutes).toBe(10);
  });

  test('THEN the instances target is the fleet (by its group tag) in that zone, running ones only', () => {
    const { template, fleet } = synthAz();
    expect(experiment(template).Targets.ZoneInstances).toEqual({
      ResourceType: 'aws:ec2:instance',
      ResourceTags: {
        'aws:autoscaling:groupName': {
          Ref: Stack.of(fleet).getLogicalId(fleet.node.defaultChild as autoscaling.CfnAutoScalingGroup),
        },
      },
      Filters: [
        { Path: 'Placement.AvailabilityZone', Values: ['us-east-1a'] },
        { Path: 'State.Name', Values: ['running'] },
      ],
      SelectionMode: 'ALL',
    });
  });

  test('THEN the subnets target holds exactly the public, private and isolated subnets of that zone', () => {
    const { template, vpc } = synthAz();
    const inZone = [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets].filter(
      (s) => s.availabilityZone === 'us-east-1a',
    );
    expect(inZone).toHaveLength(3);
    const arns = experiment(template).Targets.ZoneSubnets.ResourceArns as unknown[];
    expect(arns).toHaveLength(3);
    const stack = Stack.of(vpc);
    expect(arns.map((arn) => JSON.stringify(arn))).toEqual(
      inZone.map((s) =>
        JSON.stringify(
          stack.resolve(stack.formatArn({ service: 'ec2', resource: 'subnet', resourceName: s.subnetId })),
        ),
      ),
    );
  });

  test('THEN the page alarm stops the experiment, empty targets fail it, and it logs to an encrypted log group with the tier retention', () => {
    const { template, alarm, stack } = synthAz();
    const props = experiment(template);
    expect(props.StopConditions).toEqual([{ Source: 'aws:cloudwatch:alarm', Value: stack.resolve(alarm.alarmArn) }]);
    expect(props.ExperimentOptions).toEqual({ AccountTargeting: 'single-account', EmptyTargetResolutionMode: 'fail' });
    expect(props.LogConfiguration.LogSchemaVersion).toBe(2);
    const logGroupId = Object.keys(template.findResources('AWS::Logs::LogGroup'))[0];
    expect(props.LogConfiguration.CloudWatchLogsConfiguration.LogGroupArn).toEqual({
      'Fn::GetAtt': [logGroupId, 'Arn'],
    });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        RetentionInDays: 365,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AzDrillLogKey'), 'Arn'] },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('THEN the role may be assumed only by FIS experiments of this account, and its policy is scoped to the drill targets', () => {
    const { template, stack, fleet, cluster } = synthAz();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'fis.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ],
      },
    });
    const s = statements(template);
    expect(s.FaultFleetInstances.Action).toEqual(['ec2:StartInstances', 'ec2:StopInstances']);
    expect(s.FaultFleetInstances.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/aws:autoscaling:groupName': stack.resolve(fleet.autoScalingGroupName) },
    });
    expect(s.ChangeDrillNetworkAcl.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/managedByFIS': 'true' } });
    expect(s.SwapSubnetNetworkAcl.Resource as unknown[]).toHaveLength(4);
    expect(s.FailoverCluster).toEqual(
      expect.objectContaining({ Action: 'rds:FailoverDBCluster', Resource: stack.resolve(cluster.clusterArn) }),
    );
    expect(s.BlockZoneLaunches.Condition).toEqual({
      StringEquals: { 'ec2:FisActionId': 'aws:ec2:asg-insufficient-instance-capacity-error' },
      'ForAllValues:ArnLike': { 'ec2:FisTargetArns': [stack.resolve(fleet.autoScalingGroupArn)] },
    });
    expect(s.RestartEncryptedVolumes).toBeUndefined();
    expect(s.DescribeGroups.Action).toEqual(['autoscaling:DescribeAutoScalingGroups', 'tag:GetResources']);
  });

  test('THEN the group is tagged for FIS to find it, without tagging its instances', () => {
    const { template, drill } = synthAz();
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      Tags: Match.arrayWith([{ Key: 'ha:drill-target', Value: drill.node.addr, PropagateAtLaunch: false }]),
    });
    expect(experiment(template).Targets.ZoneGroup).toEqual({
      ResourceType: 'aws:ec2:autoscaling-group',
      ResourceTags: { 'ha:drill-target': drill.node.addr },
      SelectionMode: 'ALL',
    });
  });

  test('WHEN instanceFault is TERMINATE and an EBS key is given THEN instances are terminated and no start grant is needed', () => {
    const f = fixture();
    const ebsKey = new kms.Key(f.stack, 'EbsKey');
    new AzEvacuationDrill(f.stack, 'AzDrill', {
      tier: ServiceTier.TIER_1,
      autoScalingGroup: f.fleet,
      vpc: f.vpc,
      availabilityZone: 'us-east-1b',
      stopConditionAlarm: f.alarm,
      instanceFault: DrillInstanceFault.TERMINATE,
      ebsKey,
    });
    const template = Template.fromStack(f.stack);
    const props = experiment(template);
    expect(Object.keys(props.Actions).sort()).toEqual([
      'BlockZoneLaunches',
      'DisruptZoneNetwork',
      'TerminateInstances',
    ]);
    expect(props.Actions.TerminateInstances.ActionId).toBe('aws:ec2:terminate-instances');
    const s = statements(template);
    expect(s.FaultFleetInstances.Action).toBe('ec2:TerminateInstances');
    expect(s.RestartEncryptedVolumes).toBeUndefined();
  });

  test('WHEN an EBS key is given for a stop drill THEN FIS may create grants on it for AWS resources only', () => {
    const f = fixture();
    const ebsKey = new kms.Key(f.stack, 'EbsKey');
    new AzEvacuationDrill(f.stack, 'AzDrill', {
      tier: ServiceTier.TIER_1,
      autoScalingGroup: f.fleet,
      vpc: f.vpc,
      availabilityZone: 'us-east-1c',
      stopConditionAlarm: f.alarm,
      ebsKey,
    });
    const s = statements(Template.fromStack(f.stack));
    expect(s.RestartEncryptedVolumes).toEqual(
      expect.objectContaining({
        Action: 'kms:CreateGrant',
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
  });

  test('WHEN the group is imported THEN the launch-blocking action is left out with a warning', () => {
    const f = fixture();
    const imported = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(f.stack, 'Imported', 'legacy-fleet');
    new AzEvacuationDrill(f.stack, 'AzDrill', {
      tier: ServiceTier.TIER_1,
      autoScalingGroup: imported,
      vpc: f.vpc,
      availabilityZone: 'us-east-1a',
      stopConditionAlarm: f.alarm,
    });
    const template = Template.fromStack(f.stack);
    expect(Object.keys(experiment(template).Actions).sort()).toEqual(['DisruptZoneNetwork', 'StopInstances']);
    Annotations.fromStack(f.stack).hasWarning(
      '/Drill/AzDrill',
      Match.stringLikeRegexp(
        'autoScalingGroup Drill/Imported is imported: .*ha-constructs:AzEvacuationDrill.autoScalingGroup',
      ),
    );
  });

  test('WHEN a schedule is given THEN EventBridge Scheduler starts the experiment once per run, without retries', () => {
    const { template, stack, drill } = synthAz({
      schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '10', weekDay: 'TUE' }),
    });
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(1);
    const target = schedules[0].Properties.Target;
    expect(schedules[0].Properties.ScheduleExpression).toBe('cron(0 10 ? * TUE *)');
    expect(target.Arn).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:::aws-sdk:fis:startExperiment']],
    });
    expect(target.RetryPolicy.MaximumRetryAttempts).toBe(0);
    expect(target.Input).toEqual({
      'Fn::Join': [
        '',
        [
          '{"ExperimentTemplateId":"',
          stack.resolve(drill.experimentTemplateId),
          '","ClientToken":"<aws.scheduler.execution-id>"}',
        ],
      ],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'fis:StartExperiment' })] },
    });
  });

  test('WHEN durationMinutes is shorter than the AZ RTO THEN a warning with a stable id says so', () => {
    const { stack, drill } = synthAz({ tier: ServiceTier.TIER_3, durationMinutes: 5 });
    expect(drill.durationMinutes).toBe(5);
    Annotations.fromStack(stack).hasWarning(
      '/Drill/AzDrill',
      Match.stringLikeRegexp(
        'durationMinutes is 5 but TIER_3 allows 15 min to recover.*ha-constructs:AzEvacuationDrill.durationMinutes',
      ),
    );
  });

  test('THEN the default duration is twice the AZ RTO, at least 10 minutes', () => {
    expect(synthAz({ tier: ServiceTier.TIER_0 }).drill.durationMinutes).toBe(10);
    expect(synthAz({ tier: ServiceTier.TIER_3 }).drill.durationMinutes).toBe(
      (2 * ServiceTier.TIER_3.azRtoSeconds) / 60,
    );
  });

  test('THEN every resource of the drill carries the HA metadata record', () => {
    const { template } = synthAz();
    const ours = Object.entries(
      template.toJSON().Resources as Record<string, { Metadata?: Record<string, unknown> }>,
    ).filter(([id]) => id.startsWith('AzDrill'));
    expect(ours.length).toBeGreaterThanOrEqual(5);
    for (const [, resource] of ours) {
      expect(resource.Metadata?.[HA_METADATA_KEY]).toMatchObject({
        service: 'orders',
        component: 'AzEvacuationDrill',
        failureDomain: 'region',
      });
    }
  });

  test.each<[Partial<AzEvacuationDrillProps>, string]>([
    [{ availabilityZone: 'eu-west-1a' }, "availabilityZone must be in the stack's region us-east-1, got: eu-west-1a"],
    [
      { availabilityZone: 'us-east-1d' },
      "availabilityZone must be one of the VPC's zones (us-east-1a, us-east-1b, us-east-1c), got: us-east-1d",
    ],
    [
      { durationMinutes: 0 },
      'durationMinutes must be an integer from 1 to 720 (the durations FIS actions accept), got: 0',
    ],
    [
      { durationMinutes: 721 },
      'durationMinutes must be an integer from 1 to 720 (the durations FIS actions accept), got: 721',
    ],
    [
      { logRetentionDays: 45 },
      'logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got: 45',
    ],
    [
      // A JavaScript user may leave out the required prop: the drill refuses to run without a stop condition.
      { stopConditionAlarm: undefined as unknown as cloudwatch.IAlarm },
      'stopConditionAlarm must name the alarm that stops the experiment (a drill that hurts users more than the ' +
        'tier allows must end at once), got: none',
    ],
  ])('%#: bad input is a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => synthAz(override), message);
  });

  test('THEN the policy holds exactly these statements, and FIS may create and tag only its own network ACLs', () => {
    const { template } = synthAz();
    const s = statements(template);
    expect(Object.keys(s)).toEqual([
      ...NETWORK_STATEMENTS,
      'FaultFleetInstances',
      'DescribeInstances',
      'BlockZoneLaunches',
      'DescribeGroups',
      'FailoverCluster',
      'DescribeClusters',
    ]);
    expect(s.CreateDrillNetworkAcl).toMatchObject({
      Action: 'ec2:CreateNetworkAcl',
      Condition: { StringEquals: { 'aws:RequestTag/managedByFIS': 'true' } },
    });
    expect(s.TagDrillNetworkAcl).toMatchObject({
      Action: 'ec2:CreateTags',
      Condition: { StringEquals: { 'aws:RequestTag/managedByFIS': 'true', 'ec2:CreateAction': 'CreateNetworkAcl' } },
    });
    expect(s.ChangeDrillNetworkAcl.Action).toEqual(['ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAcl']);
  });

  // The HA view (lib/testing) of the drill's own resources (the VPC and fleet are the fixture's).
  test('WHEN no fleet is given (functions in the VPC) THEN only the zone network is disrupted', () => {
    const { template } = synthAz({ autoScalingGroup: undefined, databaseCluster: undefined });
    expect(Object.keys(experiment(template).Actions)).toEqual(['DisruptZoneNetwork']);
    expect(Object.keys(experiment(template).Targets)).toEqual(['ZoneSubnets']);
    expect(statements(template).FaultFleetInstances).toBeUndefined();
  });

  test('WHEN zone alarms are given without a fleet THEN it is a ValidationError: there are no instances to delay', () => {
    const f = fixture();
    const impaired = new cloudwatch.Alarm(f.stack, 'Impaired', {
      metric: new cloudwatch.Metric({ namespace: 'Test', metricName: 'Impaired' }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    expectValidationError(
      () =>
        new AzEvacuationDrill(f.stack, 'AzDrill', {
          tier: ServiceTier.TIER_1,
          vpc: f.vpc,
          availabilityZone: 'us-east-1a',
          stopConditionAlarm: f.alarm,
          zoneImpairedAlarms: { 'us-east-1a': impaired },
        }),
      "zoneImpairedAlarms need autoScalingGroup: the gray failure delays the fleet's instances in the zone, got: no " +
        'autoScalingGroup',
    );
  });

  test('HA snapshot of the TIER_1 AZ drill with a database (beside the targeted assertions above)', () => {
    const { template } = synthAz();
    const resources = Object.fromEntries(
      Object.entries(template.toJSON().Resources as Record<string, unknown>).filter(([id]) => id.startsWith('AzDrill')),
    );
    expect(haSnapshot({ Resources: resources })).toMatchSnapshot();
  });
});

describe('RegionEvacuationDrill', () => {
  test('GIVEN a warm-standby tier THEN every subnet of the VPC is cut and the fleet stops, for twice the region RTO', () => {
    const { template, drill, vpc } = synthRegion();
    const props = experiment(template);
    expect(props.Targets.RegionSubnets.ResourceArns).toHaveLength(
      vpc.publicSubnets.length + vpc.privateSubnets.length + vpc.isolatedSubnets.length,
    );
    expect(props.Targets.RegionSubnets.ResourceArns).toHaveLength(9);
    expect(props.Targets.RegionInstances.Filters).toEqual([{ Path: 'State.Name', Values: ['running'] }]);
    expect(Object.keys(props.Actions).sort()).toEqual(['DisruptRegionNetwork', 'StopInstances']);
    expect(drill.durationMinutes).toBe((2 * ServiceTier.TIER_1.regionRtoSeconds) / 60);
    expect(props.Actions.DisruptRegionNetwork.Parameters).toEqual({ scope: 'all', duration: 'PT30M' });
    expect(props.StopConditions).toHaveLength(1);
  });

  test("THEN the fleet's running instances are the target, the overrun alarm stops it, and it logs encrypted", () => {
    const { template, stack, fleet, overrun } = synthRegion();
    const props = experiment(template);
    expect(props.Targets.RegionInstances).toEqual({
      ResourceType: 'aws:ec2:instance',
      SelectionMode: 'ALL',
      Filters: [{ Path: 'State.Name', Values: ['running'] }],
      ResourceTags: { 'aws:autoscaling:groupName': stack.resolve(fleet.autoScalingGroupName) },
    });
    expect(props.Actions.StopInstances).toMatchObject({
      ActionId: 'aws:ec2:stop-instances',
      Parameters: { startInstancesAfterDuration: 'PT30M', completeIfInstancesTerminated: 'true' },
    });
    expect(props.StopConditions).toEqual([{ Source: 'aws:cloudwatch:alarm', Value: stack.resolve(overrun.alarmArn) }]);
    expect(props.ExperimentOptions).toEqual({ AccountTargeting: 'single-account', EmptyTargetResolutionMode: 'fail' });
    expect(props.LogConfiguration.CloudWatchLogsConfiguration.LogGroupArn).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^RegionDrillLogs/), 'Arn'],
    });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RegionDrillLogKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
  });

  test('THEN only FIS experiments of this account assume the role, which swaps the ACLs of the nine subnets', () => {
    const { template, stack, fleet } = synthRegion();
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'fis.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ],
      },
    });
    const s = statements(template);
    expect(Object.keys(s)).toEqual([...NETWORK_STATEMENTS, 'FaultFleetInstances', 'DescribeInstances']);
    // The nine subnets, and the network ACLs the association swaps between.
    const swapped = (s.SwapSubnetNetworkAcl.Resource as unknown[]).map((arn) => JSON.stringify(arn));
    expect(swapped).toHaveLength(10);
    expect(swapped.filter((arn) => arn.includes(':subnet/'))).toHaveLength(9);
    expect(swapped[9]).toContain(':network-acl/*');
    expect(s.FaultFleetInstances.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/aws:autoscaling:groupName': stack.resolve(fleet.autoScalingGroupName) },
    });
  });

  // The HA view (lib/testing) of the drill's own resources (the VPC and fleet are the fixture's).
  test('HA snapshot of the TIER_1 region drill (beside the targeted assertions above)', () => {
    const { template } = synthRegion();
    const resources = Object.fromEntries(
      Object.entries(template.toJSON().Resources as Record<string, unknown>).filter(([id]) =>
        id.startsWith('RegionDrill'),
      ),
    );
    expect(haSnapshot({ Resources: resources })).toMatchSnapshot();
  });

  test('WHEN no fleet is given THEN only the network is disrupted', () => {
    const { template } = synthRegion({ autoScalingGroup: undefined });
    expect(Object.keys(experiment(template).Actions)).toEqual(['DisruptRegionNetwork']);
    expect(statements(template).FaultFleetInstances).toBeUndefined();
  });

  test('WHEN the stop condition fires before the region RTO THEN it is a ValidationError: every drill would end before the failover', () => {
    const stack = new Stack(testApp(), 'Short', { env: { account: '111111111111', region: 'us-east-1' } });
    const page = new cloudwatch.Alarm(stack, 'Page', {
      metric: new cloudwatch.Metric({
        namespace: 'CloudWatchSynthetics',
        metricName: 'SuccessPercent',
        period: Duration.minutes(1),
      }),
      threshold: 100,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
    });
    expectValidationError(
      () => synthRegion({ stopConditionAlarm: page }),
      "stopConditionAlarm must fire only once users have failed for longer than TIER_1's region RTO of 900 s (the drill cuts the region " +
        'on purpose and the failover takes up to that long), got: an alarm over 120 s (period × datapoints to alarm)',
    );
  });

  test('WHEN the tier has no standby region THEN it is a ValidationError', () => {
    expectValidationError(
      () => synthRegion({ tier: ServiceTier.TIER_3 }),
      'tier must keep a standby region to rehearse evacuating one, got: TIER_3 (BACKUP_RESTORE)',
    );
  });
});
