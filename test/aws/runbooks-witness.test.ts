import { execFileSync } from 'child_process';
import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { FailoverRunbooks, FailoverRunbooksProps, FailoverTrigger, FailoverWitness } from '../../lib/aws/runbooks';
import { FAILOVER_STEP_METADATA_KEY, ServiceTier } from '../../lib/core';
import { expectValidationError, testApp } from '../util';

const LOST = 'arn:aws:cloudwatch:us-west-2:111111111111:alarm:orders-us-east-1-lost';
const SECONDARY = 'arn:aws:rds:us-west-2:111111111111:cluster:orders-secondary';

type Step = { name: string; action: string; inputs: Record<string, unknown>; timeoutSeconds?: number };
type Statement = { Sid: string; Action: unknown; Resource: unknown };

/** The standby's runbooks in us-west-2, started by an alarm there, with `witness` (or none). */
function runbooks(witness?: (stack: Stack) => FailoverWitness, props: Partial<FailoverRunbooksProps> = {}) {
  const stack = new Stack(testApp(), 'Standby', { env: { region: 'us-west-2', account: '111111111111' } });
  const trigger = cloudwatch.Alarm.fromAlarmArn(stack, 'Lost', LOST);
  new FailoverRunbooks(stack, 'Runbooks', {
    tier: ServiceTier.TIER_1,
    service: 'orders',
    globalClusterIdentifier: 'orders-global',
    secondaryClusterArn: SECONDARY,
    failoverTrigger: FailoverTrigger.alarm(trigger, { witness: witness?.(stack) }),
    ...props,
  });
  const template = Template.fromStack(stack);
  const [doc] = Object.values(template.findResources('AWS::SSM::Document'));
  const steps = doc.Properties.Content.mainSteps as Step[];
  const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
  const statements = stack.resolve(policy.Properties.PolicyDocument.Statement) as Statement[];
  return { stack, template, doc, steps, statements };
}

/** A witness in us-east-2 paging an encrypted topic of the standby region. */
const EAST_2 = (stack: Stack): FailoverWitness => ({
  region: 'us-east-2',
  alarmName: 'orders-us-east-1-lost-seen-from-us-east-2',
  pageTopic: new sns.Topic(stack, 'Page', { masterKey: new kms.Key(stack, 'PageKey', { enableKeyRotation: true }) }),
});

describe('FailoverRunbooks: an automatic promotion waits for a witness in a third region', () => {
  test('GIVEN a witness THEN the promotion reads it before any other step, and records it for the report', () => {
    const { doc, steps } = runbooks(EAST_2);
    // No chain given: the longest wait, within the 600 s AWS allows one script step.
    expect(steps[0]).toMatchObject({ name: 'WaitForWitness', action: 'aws:executeScript', timeoutSeconds: 600 });
    expect(steps[0].inputs.InputPayload).toMatchObject({ Mode: '{{ Mode }}', Witness: '{{ Witness }}' });
    expect(doc.Properties.Content.parameters).toMatchObject({
      Witness: { default: 'Required', allowedValues: ['Required', 'Skipped'] },
      WitnessRegion: { default: 'us-east-2' },
      WitnessAlarmName: { default: 'orders-us-east-1-lost-seen-from-us-east-2' },
      WitnessWaitSeconds: { type: 'Integer', default: 540 },
    });
    expect(doc.Metadata[FAILOVER_STEP_METADATA_KEY]).toEqual({
      step: 'promotion',
      startedBy: 'alarm',
      decisionSeconds: 0,
      createsWriter: false,
      witness: { region: 'us-east-2', alarmName: 'orders-us-east-1-lost-seen-from-us-east-2', waitSeconds: 540 },
    });
  });

  test('GIVEN the witness alarm fires after 5 one-minute periods THEN the wait covers one restarted chain: 360 s', () => {
    const { doc, steps } = runbooks((stack) => ({
      ...EAST_2(stack),
      alarmPeriod: Duration.minutes(1),
      alarmEvaluationPeriods: 5,
    }));
    expect(doc.Properties.Content.parameters.WitnessWaitSeconds.default).toBe(360);
    expect(steps[0].timeoutSeconds).toBe(420);
    expect(doc.Metadata[FAILOVER_STEP_METADATA_KEY].witness.waitSeconds).toBe(360);
  });

  test('THEN the role may read the witness in us-east-2 and the trigger here, and page that one topic with its key', () => {
    const { statements, stack } = runbooks(EAST_2);
    const sid = (name: string) => statements.find((s) => s.Sid === name)!;
    expect(sid('ReadWitnessAlarm')).toMatchObject({
      Action: 'cloudwatch:DescribeAlarms',
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':cloudwatch:us-east-2:111111111111:alarm:orders-us-east-1-lost-seen-from-us-east-2',
          ],
        ],
      },
    });
    expect(sid('ReadTriggerAlarm')).toMatchObject({ Action: 'cloudwatch:DescribeAlarms', Resource: LOST });
    expect(sid('PageOnCall')).toMatchObject({
      Action: 'sns:Publish',
      Resource: { Ref: expect.stringMatching(/^Page/) },
    });
    expect(sid('EncryptPage')).toMatchObject({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^PageKey/), 'Arn'] },
    });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('no witness'))).toEqual([]);
  });

  test('GIVEN no witness THEN the construct warns that one probe from one vantage point promotes', () => {
    const { stack, steps } = runbooks(undefined);
    expect(steps.map((s) => s.name)).not.toContain('WaitForWitness');
    Annotations.fromStack(stack).hasWarning(
      '/Standby/Runbooks',
      Match.stringLikeRegexp('failoverTrigger is an alarm with no witness.*FailoverRunbooks.failoverTrigger'),
    );
  });

  test('GIVEN a person decides THEN there is no witness step and no warning', () => {
    const { stack, steps } = runbooks(undefined, { failoverTrigger: FailoverTrigger.operator(Duration.minutes(5)) });
    expect(steps.map((s) => s.name)).not.toContain('WaitForWitness');
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('no witness'))).toEqual([]);
  });

  test.each([
    [
      'a witness in the runbooks’ own region',
      { region: 'us-west-2' },
      "failoverTrigger witness.region must be a region other than the runbooks' us-west-2: a witness there shares " +
        "the trigger's network path and cannot say it is wrong, got: us-west-2",
    ],
    [
      'no wait',
      { wait: Duration.seconds(0) },
      'failoverTrigger witness.wait must be whole seconds from 10 to 540, got: 0 seconds',
    ],
    [
      'a wait past nine minutes',
      { wait: Duration.minutes(10) },
      'failoverTrigger witness.wait must be whole seconds from 10 to 540, got: 600 seconds',
    ],
    [
      'a wait of two minutes for a witness of 5 one-minute periods',
      { wait: Duration.minutes(2), alarmPeriod: Duration.minutes(1), alarmEvaluationPeriods: 5 },
      'failoverTrigger witness.wait must cover a witness alarm that restarted its chain as the trigger fired, ' +
        'alarmPeriod × (alarmEvaluationPeriods + 1) = 60 s × (5 + 1) = 360 s (shorter, the promotion stops and ' +
        'pages a person when one witness run is missed), got: 120 seconds',
    ],
    [
      'a witness that fires after 10 one-minute periods',
      { alarmPeriod: Duration.minutes(1), alarmEvaluationPeriods: 10 },
      'failoverTrigger witness alarm must fire within 540 s after a missed run (alarmPeriod × ' +
        '(alarmEvaluationPeriods + 1), what the promotion waits for it within one script step), got: ' +
        '60 s × (10 + 1) = 660 s',
    ],
  ])('GIVEN %s THEN it is a ValidationError naming the prop', (_, change, message) => {
    expectValidationError(() => runbooks((stack) => ({ ...EAST_2(stack), ...change })), message);
  });
});

/**
 * Runs the witness script with a stand-in boto3: the witness alarm reads `states` in turn (an
 * `error` entry raises), the trigger alarm reads `trigger`, time advances one poll per sleep; returns
 * what the handler returned or raised, the regions the witness was read in, the trigger's reads,
 * and the pages published.
 */
function runWitness(states: string[], payload: Record<string, string> = {}, trigger = 'ALARM') {
  const script = runbooks(EAST_2).steps[0].inputs.Script as string;
  const events = {
    Mode: 'Failover',
    Witness: 'Required',
    WitnessRegion: 'us-east-2',
    WitnessAlarmName: 'orders-us-east-1-lost-seen-from-us-east-2',
    WitnessWaitSeconds: '30',
    TriggerAlarmName: 'orders-us-east-1-lost',
    PageTopicArn: 'arn:aws:sns:us-west-2:111111111111:page',
    GlobalClusterIdentifier: 'orders-global',
    ...payload,
  };
  const out = execFileSync(
    'python3',
    [
      '-c',
      [
        'import json, sys, types',
        'clock = [1000.0]',
        'fake_time = types.ModuleType("time")',
        'fake_time.time = lambda: clock[0]',
        'def sleep(seconds): clock[0] += seconds',
        'fake_time.sleep = sleep',
        'sys.modules["time"] = fake_time',
        `states = ${JSON.stringify(states)}`,
        `trigger = ${JSON.stringify(trigger)}`,
        'regions, pages, triggers = [], [], []',
        'class CloudWatch:',
        '    def __init__(self, region): self.region = region',
        '    def describe_alarms(self, AlarmNames, AlarmTypes):',
        '        if AlarmNames[0] == "orders-us-east-1-lost":',
        '            triggers.append(self.region)',
        '            return {"MetricAlarms": [{"StateValue": trigger}], "CompositeAlarms": []}',
        '        regions.append(self.region)',
        '        state = states.pop(0) if len(states) > 1 else states[0]',
        '        if state == "error":',
        '            raise RuntimeError("Could not connect to the endpoint URL")',
        '        alarms = [] if state == "missing" else [{"AlarmName": AlarmNames[0], "StateValue": state}]',
        '        return {"MetricAlarms": alarms, "CompositeAlarms": []}',
        'class Sns:',
        '    def __init__(self, region): self.region = region',
        '    def publish(self, **kwargs): pages.append(dict(kwargs, region=self.region))',
        'fake = types.ModuleType("boto3")',
        'def client(name, region_name=None):',
        '    if name == "cloudwatch":',
        '        return CloudWatch(region_name)',
        '    return Sns(region_name)',
        'fake.client = client',
        'sys.modules["boto3"] = fake',
        script,
        'try:',
        `    result = {"returned": handler(${JSON.stringify(events)}, None)}`,
        'except Exception as error:',
        '    result = {"raised": str(error)}',
        'result.update({"regions": regions, "triggers": triggers, "pages": pages, "waited": clock[0] - 1000})',
        'print(json.dumps(result))',
      ].join('\n'),
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(out) as {
    returned?: unknown;
    raised?: string;
    regions: string[];
    triggers: (string | null)[];
    pages: { Message: string }[];
    waited: number;
  };
}

describe('the witness check on the day (run with a stand-in boto3)', () => {
  test('WHEN the witness is in ALARM THEN the promotion goes on at once, having read it in its own region', () => {
    // ... and the trigger in the runbook's own region (the client's default), still in ALARM.
    expect(runWitness(['ALARM'])).toMatchObject({
      returned: { Agreed: true },
      regions: ['us-east-2'],
      triggers: [null],
      waited: 0,
    });
  });

  test.each([
    ['OK', 'OK'],
    ['INSUFFICIENT_DATA', 'INSUFFICIENT_DATA'],
  ])(
    'WHEN the witness agrees but the trigger is %s again THEN nothing is promoted and a person is paged',
    (_, state) => {
      const run = runWitness(['OK', 'ALARM'], {}, state);
      expect(run.returned).toBeUndefined();
      expect(run.raised).toContain(
        `the trigger alarm orders-us-east-1-lost of this region is ${state}: the two do not see the primary region ` +
          'lost at the same time, so nothing was promoted',
      );
      expect(run.pages).toHaveLength(1);
    },
  );

  test('WHEN the witness reaches ALARM within the wait THEN the promotion goes on then', () => {
    expect(runWitness(['OK', 'OK', 'ALARM'])).toMatchObject({ returned: { Agreed: true }, waited: 20, pages: [] });
  });

  test.each([
    ['OK (it sees the primary healthy)', ['OK'], 'is OK, not ALARM'],
    ['INSUFFICIENT_DATA', ['INSUFFICIENT_DATA'], 'is INSUFFICIENT_DATA, not ALARM'],
    ['missing', ['missing'], 'is missing, not ALARM'],
    ['unreadable (its region is down too)', ['error'], 'is unreadable (Could not connect'],
  ])('WHEN the witness stays %s THEN the step pages a person and fails: nothing is promoted', (_, states, says) => {
    const run = runWitness(states);
    expect(run.returned).toBeUndefined();
    expect(run.raised).toContain(says);
    expect(run.raised).toContain('run this runbook with Mode Failover and Witness Skipped');
    expect(run.waited).toBeGreaterThanOrEqual(30);
    // Published in the topic's own region, read from its ARN.
    expect(run.pages).toEqual([
      expect.objectContaining({ TopicArn: 'arn:aws:sns:us-west-2:111111111111:page', region: 'us-west-2' }),
    ]);
    expect(run.pages[0].Message).toContain(says);
  });

  test.each([
    ['a Switchover', { Mode: 'Switchover' }],
    ['a Failover a person started with Witness Skipped', { Witness: 'Skipped' }],
  ])('WHEN %s THEN the witness is not read', (_, payload) => {
    expect(runWitness(['OK'], payload)).toMatchObject({
      returned: { Agreed: true },
      regions: [],
      triggers: [],
      pages: [],
    });
  });
});
