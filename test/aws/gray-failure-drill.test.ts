import { execFileSync } from 'child_process';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ServiceTier } from '../../lib';
import { AzEvacuationDrill, AzEvacuationDrillProps } from '../../lib/aws/drill';
import { expectValidationError, testApp } from '../util';

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

function synth(override: Partial<AzEvacuationDrillProps> = {}) {
  const stack = new Stack(testApp(), 'Drill', { env: { region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: ZONES,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ],
  });
  const launchTemplate = new ec2.LaunchTemplate(stack, 'LaunchTemplate', {
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
  });
  const fleet = new autoscaling.AutoScalingGroup(stack, 'Fleet', { vpc, launchTemplate, minCapacity: 3 });
  const metric = new cloudwatch.Metric({ namespace: 'Test', metricName: 'Errors' });
  const page = new cloudwatch.Alarm(stack, 'Page', { metric, threshold: 1, evaluationPeriods: 1 });
  const zoneImpairedAlarms = Object.fromEntries(
    ZONES.map((zone) => [
      zone,
      new cloudwatch.CompositeAlarm(stack, `Impaired-${zone}`, {
        alarmRule: cloudwatch.AlarmRule.fromAlarm(page, cloudwatch.AlarmState.ALARM),
      }),
    ]),
  );
  const drill = new AzEvacuationDrill(stack, 'AzDrill', {
    tier: ServiceTier.TIER_1,
    stopConditionAlarm: page,
    autoScalingGroup: fleet,
    vpc,
    availabilityZone: ZONES[1],
    zoneImpairedAlarms,
    latencyThreshold: Duration.millis(500),
    ...override,
  });
  return { stack, vpc, drill, template: Template.fromStack(stack) };
}

function experiment(template: Template) {
  return Object.values(template.findResources('AWS::FIS::ExperimentTemplate'))[0].Properties;
}

function runbookSteps(template: Template): { name: string; inputs: Record<string, unknown> }[] {
  const documents = template.findResources('AWS::SSM::Document');
  const check = Object.entries(documents).find(([id]) => id.includes('GrayFailureCheck'));
  return check![1].Properties.Content.mainSteps;
}

describe('AzEvacuationDrill gray failure', () => {
  const built = synth();

  test('delays traffic from the AZ node subnets on every fleet instance, then evacuates', () => {
    const props = experiment(built.template);
    const gray = props.Actions.GrayFailure;
    expect(gray.ActionId).toBe('aws:ssm:send-command');
    expect(gray.Parameters.documentArn).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1::document/AWSFIS-Run-Network-Latency-Sources'],
      ],
    });
    expect(gray.Parameters.duration).toBe('PT5M');
    const cidrs = built.vpc.publicSubnets.filter((s) => s.availabilityZone === ZONES[1]).map((s) => s.ipv4CidrBlock);
    expect(JSON.parse(gray.Parameters.documentParameters)).toEqual({
      Sources: cidrs.join(','),
      DelayMilliseconds: '1250',
      JitterMilliseconds: '0',
      TrafficType: 'ingress',
      DurationSeconds: '300',
      InstallDependencies: 'True',
    });
    // Every instance, in every AZ: the AZ's node forwards to all of them (cross-zone).
    expect(props.Targets[gray.Targets.Instances]).toEqual({
      ResourceType: 'aws:ec2:instance',
      ResourceTags: { 'aws:autoscaling:groupName': { Ref: expect.stringMatching(/^FleetASG/) } },
      Filters: [{ Path: 'State.Name', Values: ['running'] }],
      SelectionMode: 'ALL',
    });
    const evacuation = Object.keys(props.Actions).filter((name) => name !== 'GrayFailure');
    expect(evacuation).toEqual(expect.arrayContaining(['DisruptZoneNetwork', 'StopInstances']));
    for (const name of evacuation) {
      expect(props.Actions[name].StartAfter).toContain('GrayFailure');
    }
    expect(props.StopConditions).toEqual([{ Source: 'aws:cloudwatch:alarm', Value: expect.anything() }]);
    expect(built.drill.grayFailure).toBeDefined();
  });

  test('FIS may send only the one document, only to this fleet', () => {
    built.template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'SendGrayFailureToFleet',
            Action: 'ssm:SendCommand',
            Condition: { StringEquals: { 'ssm:resourceTag/aws:autoscaling:groupName': { Ref: Match.anyValue() } } },
          }),
          Match.objectLike({ Sid: 'SendGrayFailureDocument', Action: 'ssm:SendCommand' }),
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('AzDrillRole') }],
    });
  });

  test('an ended experiment of this template starts the verdict runbook', () => {
    built.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.fis'],
        'detail-type': ['FIS Experiment State Change'],
        detail: {
          'experiment-template-id': [{ Ref: Match.stringLikeRegexp('AzDrill') }],
          'new-state': { status: ['completed', 'stopped', 'failed', 'cancelled'] },
        },
      },
      Targets: [
        Match.objectLike({
          InputTransformer: {
            InputPathsMap: { experiment: '$.detail.experiment-id' },
            InputTemplate: '{"ExperimentId": ["<experiment>"]}',
          },
        }),
      ],
    });
    const names = runbookSteps(built.template).map((step) => step.name);
    expect(names).toEqual([
      'CheckDetection',
      'Verdict',
      'NotifyPassed',
      'NotifyFailed',
      'FailDrill',
      'NotifyCheckFailed',
    ]);
    built.template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ReadImpairedAlarmHistory',
            Action: 'cloudwatch:DescribeAlarmHistory',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('Impaireduseast1b'), 'Arn'] },
          }),
        ]),
      },
    });
  });

  test("the verdict counts only the gray action's window, and fails a drill the alarm missed", () => {
    const check = runbookSteps(built.template)[0];
    const script = (check.inputs as { Script: string }).Script;
    const start = '2026-01-01T10:00:00+00:00';
    const end = '2026-01-01T10:05:00+00:00';
    const run = (status: string, grayStatus: string, history: [string, string][], templateId = 'EXTabc') => ({
      events: {
        ExperimentId: 'EXP1',
        TemplateId: 'EXTabc',
        GrayAction: 'GrayFailure',
        AvailabilityZone: 'us-east-1b',
        AlarmName: 'impaired-b',
      },
      experiment: {
        experimentTemplateId: templateId,
        state: { status, reason: `experiment ${status}` },
        actions: { GrayFailure: { state: { status: grayStatus, reason: 'r' }, startTime: start, endTime: end } },
      },
      history,
    });
    const results = verdicts(script, [
      run('completed', 'completed', [['2026-01-01T10:02:30+00:00', 'ALARM']]),
      run('completed', 'completed', [['2026-01-01T10:02:30+00:00', 'OK']]),
      // Fired only once the evacuation had started: not a detection of the gray failure.
      run('completed', 'completed', [['2026-01-01T10:06:00+00:00', 'ALARM']]),
      run('stopped', 'cancelled', [['2026-01-01T10:02:30+00:00', 'ALARM']]),
      run('stopped', 'completed', [['2026-01-01T10:02:30+00:00', 'ALARM']]),
      run('completed', 'completed', [], 'EXTother'),
    ]);
    expect(results.map((r) => r.out.Passed)).toEqual([true, false, false, false, false, undefined]);
    expect(results[0].out.Message).toContain('fired at 2026-01-01T10:02:30+00:00, 150 s into the gray failure');
    expect(results[1].out.Message).toContain('did not enter ALARM while the gray failure lasted');
    expect(results[2].out.Message).toContain('did not enter ALARM while the gray failure lasted');
    expect(results[3].out.Message).toContain('did not run to its end (cancelled');
    expect(results[4].out.Message).toContain('but the experiment did not complete: experiment stopped');
    expect(results[5].out.error).toContain('is not one of this drill');
    // Composite alarms are returned only when asked for.
    expect(results[0].calls[0]).toMatchObject({
      AlarmName: 'impaired-b',
      AlarmTypes: ['CompositeAlarm', 'MetricAlarm'],
      HistoryItemType: 'StateUpdate',
    });
  });

  test('off without the AZ alarm, or on request', () => {
    for (const override of [{ zoneImpairedAlarms: undefined }, { grayFailure: false }]) {
      const { template, drill } = synth(override);
      expect(experiment(template).Actions.GrayFailure).toBeUndefined();
      template.resourceCountIs('AWS::Events::Rule', 0);
      expect(drill.grayFailure).toBeUndefined();
    }
  });

  test('errors name the prop, the value and what is allowed', () => {
    expectValidationError(
      () => synth({ zoneImpairedAlarms: {}, grayFailure: true }),
      "grayFailure needs the Impaired alarm of the drilled AZ (zoneImpairedAlarms, the fleet's): the drill fails " +
        'when that alarm does not fire, got: no Impaired alarm for the AZ',
    );
    expectValidationError(
      () => synth({ latencyThreshold: Duration.seconds(2) }),
      "latencyThreshold must be below the 1250 ms the gray failure adds (the most a health check with TIER_1's 5 s " +
        'timeout survives with margin), or the Impaired alarm cannot fire on it, got: 2 seconds',
    );
    expectValidationError(
      () => synth({ loadBalancerSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }),
      "loadBalancerSubnets must select the load balancer's subnets in us-east-1b (their traffic is delayed), " +
        'got: none',
    );
  });
});

interface Verdict {
  out: { Passed?: boolean; Message?: string; error?: string };
  calls: Record<string, unknown>[];
}

/**
 * Runs the runbook's own Python against stubbed FIS and CloudWatch clients; the stubbed history
 * honours StartDate and EndDate as the API does.
 */
function verdicts(script: string, cases: unknown[]): Verdict[] {
  const harness = [
    'import datetime, json, sys, types',
    'data = json.load(sys.stdin)',
    'out = []',
    'at = datetime.datetime.fromisoformat',
    'for case in data["cases"]:',
    '    calls = []',
    '    experiment = case["experiment"]',
    '    for action in experiment["actions"].values():',
    '        action["startTime"], action["endTime"] = at(action["startTime"]), at(action["endTime"])',
    '    class Pages:',
    '        def paginate(self, **kw):',
    '            calls.append({k: v for k, v in kw.items() if k not in ("StartDate", "EndDate")})',
    '            items = [{"Timestamp": at(t), "HistoryData": json.dumps({"newState": {"stateValue": s}})}',
    '                     for t, s in case["history"] if kw["StartDate"] <= at(t) <= kw["EndDate"]]',
    '            return [{"AlarmHistoryItems": items}]',
    '    class Client:',
    '        def get_experiment(self, id):',
    '            return {"experiment": experiment}',
    '        def get_paginator(self, name):',
    '            return Pages()',
    '    boto3 = types.ModuleType("boto3")',
    '    boto3.client = lambda name: Client()',
    '    sys.modules["boto3"] = boto3',
    '    scope = {}',
    '    exec(data["script"], scope)',
    '    try:',
    '        result = scope["handler"](case["events"], None)',
    '    except Exception as error:',
    '        result = {"error": str(error)}',
    '    out.append({"out": result, "calls": calls})',
    'print(json.dumps(out))',
  ].join('\n');
  const stdout = execFileSync('python3', ['-c', harness], { input: JSON.stringify({ script, cases }) });
  return JSON.parse(stdout.toString());
}
