import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as ssmincidents from 'aws-cdk-lib/aws-ssmincidents';
import { IncidentResponse } from '../../lib/aws/incident-response';
import { SloAlarms, SloAlarmsProps } from '../../lib/aws/slo';
import { HA_METADATA_KEY, ServiceTier } from '../../lib/core';
import { haSnapshot } from '../../lib/testing/snapshot';
import { expectValidationError, testApp } from '../util';

type Resources = Record<
  string,
  { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }
>;

function synth(props: Partial<SloAlarmsProps> & { withLoadBalancer?: boolean } = {}) {
  const stack = new Stack(testApp(), 'Slo', { env: { region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    natGateways: 0,
  });
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc });
  const { withLoadBalancer = true, ...rest } = props;
  const slo = new SloAlarms(stack, 'Slo', {
    tier: ServiceTier.TIER_1,
    service: 'checkout',
    ...(withLoadBalancer ? { loadBalancer } : {}),
    ...rest,
  });
  const template = Template.fromStack(stack);
  return { stack, slo, template, resources: template.toJSON().Resources as Resources };
}

/** Logical id of the resource whose path ends in `suffix` (ids of this construct are public API). */
function logicalId(resources: Resources, type: string, prefix: string): string {
  const ids = Object.keys(resources).filter(
    (id) => resources[id].Type === type && new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id),
  );
  expect(ids).toHaveLength(1);
  return ids[0];
}

function ruleRefs(resources: Resources, id: string): { refs: string[]; text: string } {
  const rule = resources[id].Properties.AlarmRule as { 'Fn::Join': [string, unknown[]] };
  const parts = rule['Fn::Join'][1];
  return {
    refs: parts
      .filter((p): p is { 'Fn::GetAtt': [string, string] } => typeof p === 'object')
      .map((p) => p['Fn::GetAtt'][0]),
    text: parts.map((p) => (typeof p === 'string' ? p : 'X')).join(''),
  };
}

describe('SloAlarms', () => {
  // TIER_1's 99.95% target over 30 days, per the SRE workbook's table: 14.4x over 1 h / 5 min and
  // 6x over 6 h / 30 min page, 1x over 3 days / 6 h opens a ticket (threshold = burn rate x 0.0005).
  test.each([
    ['page', 3600, { longWindowSeconds: 3600, shortWindowSeconds: 300, errorRateThreshold: 0.0072 }],
    ['page', 21600, { longWindowSeconds: 21600, shortWindowSeconds: 1800, errorRateThreshold: 0.003 }],
    ['ticket', 259200, { longWindowSeconds: 259200, shortWindowSeconds: 21600, errorRateThreshold: 0.0005 }],
  ])(
    'GIVEN TIER_1 and a load balancer THEN the %s alert over %ss has long and short window alarms at the burn-rate threshold',
    (_severity, _long, alert) => {
      const { template } = synth();
      for (const seconds of [alert.longWindowSeconds, alert.shortWindowSeconds]) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Threshold: alert.errorRateThreshold,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 1,
          TreatMissingData: 'notBreaching',
          Metrics: Match.arrayWith([
            Match.objectLike({
              Expression: `(FILL(target5xx_${seconds}, 0) + FILL(elb5xx_${seconds}, 0)) / total_${seconds}`,
              ReturnData: true,
            }),
            Match.objectLike({
              Id: `target5xx_${seconds}`,
              MetricStat: Match.objectLike({
                Period: seconds,
                Stat: 'Sum',
                Metric: Match.objectLike({ MetricName: 'HTTPCode_Target_5XX_Count' }),
              }),
            }),
            Match.objectLike({
              Id: `elb5xx_${seconds}`,
              MetricStat: Match.objectLike({
                Period: seconds,
                Stat: 'Sum',
                Metric: Match.objectLike({ MetricName: 'HTTPCode_ELB_5XX_Count' }),
              }),
            }),
            Match.objectLike({
              Id: `total_${seconds}`,
              MetricStat: Match.objectLike({
                Period: seconds,
                Stat: 'Sum',
                Metric: Match.objectLike({ MetricName: 'RequestCount' }),
              }),
            }),
          ]),
        });
      }
    },
  );

  test('THEN each alert is a composite AND of its long and short window, and the rows join into one page and one ticket alarm', () => {
    const { resources, template } = synth();
    // Three alerts (two page rows, one ticket row): 2 window alarms each + the budget-exhausted
    // alarm; a composite per alert + Page, Ticket, BudgetExhausted.
    const alerts = [
      { longWindowSeconds: 3600, severity: 'page' },
      { longWindowSeconds: 21600, severity: 'page' },
      { longWindowSeconds: 259200, severity: 'ticket' },
    ];
    template.resourceCountIs('AWS::CloudWatch::Alarm', 7);
    template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 6);
    const rowIds: Record<string, string[]> = { page: [], ticket: [] };
    for (const alert of alerts) {
      const name = `SloAvailabilityBurn${alert.longWindowSeconds >= 86400 ? `${alert.longWindowSeconds / 86400}d` : `${alert.longWindowSeconds / 3600}h`}`;
      const row = logicalId(resources, 'AWS::CloudWatch::CompositeAlarm', name);
      const { refs, text } = ruleRefs(resources, row);
      expect(refs).toEqual([
        logicalId(resources, 'AWS::CloudWatch::Alarm', `${name}Long`),
        logicalId(resources, 'AWS::CloudWatch::Alarm', `${name}Short`),
      ]);
      expect(text).toBe('(ALARM("X") AND ALARM("X"))');
      rowIds[alert.severity].push(row);
    }
    const page = ruleRefs(resources, logicalId(resources, 'AWS::CloudWatch::CompositeAlarm', 'SloPage'));
    expect(page.refs).toEqual(rowIds.page);
    expect(page.text).toBe('(ALARM("X") OR ALARM("X"))');
    expect(ruleRefs(resources, logicalId(resources, 'AWS::CloudWatch::CompositeAlarm', 'SloTicket')).refs).toEqual(
      rowIds.ticket,
    );
  });

  test('THEN only the page, ticket and budget alarms notify: pages and recoveries to the page topic, the response plan on ALARM', () => {
    const stack = new Stack(testApp(), 'Plan', { env: { region: 'us-east-1' } });
    const plan = new ssmincidents.CfnResponsePlan(stack, 'Plan', {
      name: 'checkout',
      incidentTemplate: { title: 'checkout', impact: 1 },
    });
    new SloAlarms(stack, 'Slo', {
      tier: ServiceTier.TIER_1,
      goodRequests: metric('Good'),
      totalRequests: metric('Total'),
      responsePlan: plan,
    });
    const resources = Template.fromStack(stack).toJSON().Resources as Resources;
    const pageTopic = logicalId(resources, 'AWS::SNS::Topic', 'SloPageTopic');
    const ticketTopic = logicalId(resources, 'AWS::SNS::Topic', 'SloTicketTopic');
    const page = resources[logicalId(resources, 'AWS::CloudWatch::CompositeAlarm', 'SloPage')].Properties;
    expect(page.AlarmActions).toEqual([{ Ref: pageTopic }, { 'Fn::GetAtt': ['Plan', 'Arn'] }]);
    expect(page.OKActions).toEqual([{ Ref: pageTopic }]);
    for (const name of ['SloTicket', 'SloBudgetExhausted']) {
      const alarm = resources[logicalId(resources, 'AWS::CloudWatch::CompositeAlarm', name)].Properties;
      expect(alarm.AlarmActions).toEqual([{ Ref: ticketTopic }]);
    }
    for (const alarm of Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties.AlarmActions).toBeUndefined();
    }
  });

  test('WHEN the response plan is given by name THEN the page starts an Incident Manager incident of that plan', () => {
    const { resources } = synth({ responsePlan: 'checkout-plan' });
    const actions = resources[logicalId(resources, 'AWS::CloudWatch::CompositeAlarm', 'SloPage')].Properties
      .AlarmActions as unknown[];
    expect(actions).toHaveLength(2);
    expect(JSON.stringify(actions[1])).toMatch(/:ssm-incidents::.*:response-plan\/checkout-plan"/);
  });

  describe('GIVEN an IncidentResponse', () => {
    function withIncidentResponse(wire: (ir: IncidentResponse) => Partial<SloAlarmsProps>) {
      const stack = new Stack(testApp(), 'Incidents', { env: { region: 'us-east-1' } });
      const ir = new IncidentResponse(stack, 'Response', {
        tier: ServiceTier.TIER_1,
        service: 'checkout',
        incidentCommander: { alias: 'ana-ic', displayName: 'Ana', email: 'ana@example.com' },
        communicationsLead: { alias: 'bo-comms', displayName: 'Bo', email: 'bo@example.com' },
      });
      const slo = new SloAlarms(stack, 'Slo', {
        tier: ServiceTier.TIER_1,
        goodRequests: metric('Good'),
        totalRequests: metric('Total'),
        ...wire(ir),
      });
      const resources = Template.fromStack(stack).toJSON().Resources as Resources;
      const planId = logicalId(resources, 'AWS::SSMIncidents::ResponsePlan', 'Response');
      return { stack, ir, slo, resources, planArn: { 'Fn::GetAtt': [planId, 'Arn'] } };
    }

    test.each<[string, (ir: IncidentResponse) => Partial<SloAlarmsProps>]>([
      ['as incidentResponse', (ir) => ({ incidentResponse: ir })],
      ['its responsePlan as responsePlan', (ir) => ({ responsePlan: ir.responsePlan })],
    ])(
      'WHEN passed %s THEN the Page alarm opens an incident of its response plan, and only the Page alarm',
      (_how, wire) => {
        const { stack, ir, resources, planArn } = withIncidentResponse(wire);
        expect(stack.resolve(ir.responsePlanArn)).toEqual(planArn);
        const page = resources[logicalId(resources, 'AWS::CloudWatch::CompositeAlarm', 'SloPage')].Properties;
        expect(page.AlarmActions).toEqual([{ Ref: logicalId(resources, 'AWS::SNS::Topic', 'SloPageTopic') }, planArn]);
        // Only the start of an incident: recovery is the incident commander's call, not the alarm's.
        expect(page.OKActions).toEqual([{ Ref: logicalId(resources, 'AWS::SNS::Topic', 'SloPageTopic') }]);
        for (const name of ['SloTicket', 'SloBudgetExhausted']) {
          expect(
            resources[logicalId(resources, 'AWS::CloudWatch::CompositeAlarm', name)].Properties.AlarmActions,
          ).not.toContainEqual(planArn);
        }
      },
    );

    test('WHEN its alarm action is added to the page alarm afterwards THEN the typed CompositeAlarm takes it', () => {
      const { ir, slo, resources, planArn } = withIncidentResponse(() => ({}));
      expect(slo.pageAlarm).toBeInstanceOf(cloudwatch.CompositeAlarm);
      expect(
        resources[logicalId(resources, 'AWS::CloudWatch::CompositeAlarm', 'SloPage')].Properties
          .AlarmActions as unknown[],
      ).not.toContainEqual(planArn);
      slo.pageAlarm.addAlarmAction(ir.alarmAction());
      const stack = Stack.of(slo);
      const rendered = stack.resolve((slo.pageAlarm.node.defaultChild as cloudwatch.CfnCompositeAlarm).alarmActions);
      expect(rendered).toContainEqual(planArn);
    });

    test('WHEN both incidentResponse and responsePlan are given THEN it is a ValidationError naming both', () => {
      expectValidationError(
        () => withIncidentResponse((ir) => ({ incidentResponse: ir, responsePlan: 'checkout-page' })),
        "pass either incidentResponse or responsePlan for the page alarm's incidents, got: both",
      );
    });
  });

  test('THEN both topics are encrypted with a customer-managed key CloudWatch may use, with the escalation subscriptions', () => {
    const { template } = synth({
      pageEmails: ['oncall@example.com'],
      pageUrls: ['https://pager.example.com/hook'],
      ticketEmails: ['team@example.com'],
    });
    template.resourceCountIs('AWS::SNS::Topic', 2);
    template.allResourcesProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Topic'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchAlarmsToPublish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://pager.example.com/hook',
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'team@example.com' });
  });

  test('WHEN a latency threshold is set THEN a latency SLI uses the percentile rank of target response time under it', () => {
    const { template } = synth({ latencyThreshold: Duration.millis(250), latencyTarget: 0.99 });
    // 99 %: 14.4x, 6x and 1x of a 1 % error budget.
    for (const alert of [
      { longWindowSeconds: 3600, errorRateThreshold: 0.144 },
      { longWindowSeconds: 21600, errorRateThreshold: 0.06 },
      { longWindowSeconds: 259200, errorRateThreshold: 0.01 },
    ]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Threshold: alert.errorRateThreshold,
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: `1 - fast_${alert.longWindowSeconds} / 100` }),
          Match.objectLike({
            MetricStat: Match.objectLike({
              Period: alert.longWindowSeconds,
              Stat: 'PR(0:0.25)',
              Metric: Match.objectLike({ MetricName: 'TargetResponseTime' }),
            }),
          }),
        ]),
      });
    }
  });

  test('WHEN a synthetic success metric is given THEN it is a third SLI and joins the page alarm', () => {
    const success = new cloudwatch.Metric({
      namespace: 'CloudWatchSynthetics',
      metricName: 'SuccessPercent',
      dimensionsMap: { CanaryName: 'probe' },
    });
    const { template, resources } = synth({ syntheticSuccessPercent: success });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: '1 - success_3600 / 100' }),
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'SuccessPercent' }) }),
        }),
      ]),
    });
    const page = ruleRefs(resources, logicalId(resources, 'AWS::CloudWatch::CompositeAlarm', 'SloPage'));
    expect(page.refs).toContain(logicalId(resources, 'AWS::CloudWatch::CompositeAlarm', 'SloSyntheticBurn1h'));
  });

  test('WHEN a metric with its own period is passed THEN each window measures it over the window, without a period-override warning', () => {
    const success = new cloudwatch.Metric({
      namespace: 'CloudWatchSynthetics',
      metricName: 'SuccessPercent',
      period: Duration.minutes(1),
    });
    const { template, stack } = synth({ syntheticSuccessPercent: success });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Id: 'success_259200', MetricStat: Match.objectLike({ Period: 259200 }) }),
      ]),
    });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('WHEN good and total request metrics are given THEN the availability SLI is (total − good) / total', () => {
    const { template } = synth({
      withLoadBalancer: false,
      goodRequests: metric('Good'),
      totalRequests: metric('Total'),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: '(total_3600 - good_3600) / total_3600' })]),
    });
  });

  test('WHEN the window is 28 days THEN the windows scale by 28/30, measured over whole minutes', () => {
    const { template } = synth({ windowDays: 28 });
    // [long, short] window periods and threshold: 56 min / 5 min (280 s, rounded up to a whole
    // minute), 336 min / 28 min, 4,032 min / 336 min; the burn rates and thresholds stay.
    for (const [periods, threshold] of [
      [[3360, 300], 0.0072],
      [[20160, 1680], 0.003],
      [[241920, 20160], 0.0005],
    ] as const) {
      for (const period of periods) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Threshold: threshold,
          Metrics: Match.arrayWith([
            Match.objectLike({ Id: `total_${period}`, MetricStat: Match.objectLike({ Period: period }) }),
          ]),
        });
      }
    }
  });

  test('THEN the budget-exhausted alarm watches the longest range an alarm can see at the threshold core computes', () => {
    const { template, slo } = synth();
    // 7 days (the longest range an alarm can see) of errors at 0.05 % x 30/7 spend the 30-day budget.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 0.00214285714286,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Id: 'total_604800', MetricStat: Match.objectLike({ Period: 604800 }) }),
      ]),
    });
    expect(slo.errorBudgetExhaustedAlarm).toBeInstanceOf(cloudwatch.CompositeAlarm);
  });

  test('THEN budget remaining and burn rate are metrics over the SLO window and the asked window', () => {
    const { slo } = synth();
    const remaining = slo.metricErrorBudgetRemaining() as cloudwatch.MathExpression;
    expect(remaining.expression).toBe('100 * (1 - ratio / 0.0005)');
    expect(remaining.period.toSeconds()).toBe(30 * 86400);
    const burn = slo.metricBurnRate(Duration.hours(6)) as cloudwatch.MathExpression;
    expect(burn.expression).toBe('ratio21600 / 0.0005');
    expect(burn.period.toSeconds()).toBe(6 * 3600);
  });

  test('THEN every resource of the construct carries the HA metadata record', () => {
    const { resources } = synth();
    const ours = Object.entries(resources)
      .filter(([id]) => id.startsWith('Slo'))
      .map(([, r]) => r);
    expect(ours.length).toBeGreaterThan(10);
    for (const resource of ours) {
      expect(resource.Metadata?.[HA_METADATA_KEY]).toMatchObject({
        service: 'checkout',
        tier: 'TIER_1',
        component: 'SloAlarms',
      });
    }
  });

  // The rules are core's (test/core/plans/slo.test.ts); here, that this engine throws them with its props' names and values.
  test.each<[Partial<SloAlarmsProps> & { withLoadBalancer?: boolean }, string]>([
    [
      { target: 0.999 },
      "target must be at least TIER_1's availability target 0.9995 (a looser SLO spends more than the tier's error budget), got: 0.999",
    ],
    [
      { latencyThreshold: Duration.millis(250), latencyTarget: 0.9 },
      'latencyTarget must leave an error budget the 14.4x burn-rate alert can express (14.4 × (1 − latencyTarget) below 1, so above 0.930556), got: 0.9',
    ],
    [{ latencyThreshold: Duration.millis(0) }, 'latencyThreshold must be greater than 0, got: 0 millis'],
    [
      {
        withLoadBalancer: false,
        latencyThreshold: Duration.millis(200),
        goodRequests: metric('Good'),
        totalRequests: metric('Total'),
      },
      'latencyThreshold needs loadBalancer (the latency SLI reads its TargetResponseTime), got: no loadBalancer',
    ],
    [
      { withLoadBalancer: false },
      'SloAlarms needs an SLI: pass loadBalancer, goodRequests and totalRequests, or syntheticSuccessPercent, got: none',
    ],
    [
      { goodRequests: metric('Good'), totalRequests: metric('Total') },
      'pass either loadBalancer or goodRequests and totalRequests for the availability SLI, got: both',
    ],
    [
      { windowDays: 90 },
      'windowDays must keep every burn-rate window within the 604800 seconds (7 days) a CloudWatch alarm can evaluate, got: 90 (a window of 777600 seconds)',
    ],
    [
      { pageUrls: ['http://pager.example.com'] },
      'pageUrls must be HTTPS endpoints (https://...), got: http://pager.example.com',
    ],
  ])('%#: bad input is a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => synth(override), message);
  });

  test('WHEN the target is looser than a custom tier can alert on THEN the default target is refused', () => {
    const tier = ServiceTier.custom({
      name: 'batch',
      strategy: ServiceTier.TIER_3.strategy,
      availabilityTarget: 0.9,
      minAzs: 2,
      minRegions: 1,
      azRtoSeconds: 900,
      azRpoSeconds: 0,
      regionRtoSeconds: 86400,
      regionRpoSeconds: 86400,
    });
    const stack = new Stack(testApp(), 'Custom', { env: { region: 'us-east-1' } });
    expect(
      () => new SloAlarms(stack, 'Slo', { tier, goodRequests: metric('Good'), totalRequests: metric('Total') }),
    ).toThrow(
      'target must leave an error budget the 14.4x burn-rate alert can express (14.4 × (1 − target) below 1, so above 0.930556), got: 0.9',
    );
  });

  test('WHEN good and total counts come with another statistic THEN each window sums them; SampleCount stays a count', () => {
    const good = new cloudwatch.Metric({ namespace: 'Checkout', metricName: 'Good' });
    const total = new cloudwatch.Metric({
      namespace: 'Checkout',
      metricName: 'Latency',
      statistic: cloudwatch.Stats.SAMPLE_COUNT,
    });
    const { template } = synth({ withLoadBalancer: false, goodRequests: good, totalRequests: total });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Id: 'good_3600', MetricStat: Match.objectLike({ Stat: 'Sum', Period: 3600 }) }),
        Match.objectLike({ Id: 'total_3600', MetricStat: Match.objectLike({ Stat: 'SampleCount', Period: 3600 }) }),
      ]),
    });
  });

  describe('GIVEN TIER_0 with a 300 ms latency SLI', () => {
    const tier0 = () =>
      synth({
        tier: ServiceTier.TIER_0,
        latencyThreshold: Duration.millis(300),
        pageEmails: ['oncall@example.com'],
      });

    test('THEN the page alarm joins the fast rows of both SLIs, and latency rows count responses over 300 ms', () => {
      const { resources, template } = tier0();
      const composites = (...names: string[]) =>
        names.map((name) => logicalId(resources, 'AWS::CloudWatch::CompositeAlarm', name));
      const [page, ticket] = composites('SloPage', 'SloTicket').map((id) => ruleRefs(resources, id).refs);
      expect(page).toEqual(
        composites('SloAvailabilityBurn1h', 'SloAvailabilityBurn6h', 'SloLatencyBurn1h', 'SloLatencyBurn6h'),
      );
      expect(ticket).toEqual(composites('SloAvailabilityBurn3d', 'SloLatencyBurn3d'));
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmDescription:
          'Latency error ratio over 1h above 0.00144 (14.4x burn of a 0.9999 SLO); ' + 'part of page alert Burn1h',
        Threshold: 0.00144,
        Metrics: Match.arrayWith([
          Match.objectLike({ Id: 'fast_3600', MetricStat: Match.objectLike({ Stat: 'PR(0:0.3)', Period: 3600 }) }),
        ]),
      });
    });

    test('THEN the page, ticket and budget alarms tell the on-call engineer what to do', () => {
      const { resources } = tier0();
      const description = (name: string) =>
        resources[logicalId(resources, 'AWS::CloudWatch::CompositeAlarm', name)].Properties.AlarmDescription;
      const budget = 'checkout: the error budget of the 30-day SLO';
      expect(description('SloPage')).toBe(`${budget} is burning fast enough to be gone within days; act now.`);
      expect(description('SloTicket')).toBe(`${budget} is being spent faster than it is earned; fix in working hours.`);
      expect(description('SloBudgetExhausted')).toBe(`${budget} is spent; freeze risky changes until it recovers.`);
      expect(description('SloAvailabilityBurn1h')).toBe('Availability: 14.4x burn over 1h and 5m (page)');
    });

    test("THEN both topics take publishes only over TLS, from this account's CloudWatch alarms", () => {
      const { template } = tier0();
      const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
      expect(policies).toHaveLength(2);
      for (const policy of policies) {
        expect(policy.Properties.PolicyDocument.Statement).toEqual([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          expect.objectContaining({
            Sid: 'AllowCloudWatchAlarmsOfThisAccount',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
          }),
        ]);
      }
    });

    // The HA view (lib/testing) of the construct's own resources (the VPC and load balancer are the fixture's).
    test('HA snapshot (beside the targeted assertions above)', () => {
      const { resources } = tier0();
      const own = Object.fromEntries(Object.entries(resources).filter(([id]) => id.startsWith('Slo')));
      expect(haSnapshot({ Resources: own })).toMatchSnapshot();
    });
  });
});

function metric(name: string): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: 'Checkout', metricName: name, statistic: 'Sum' });
}
