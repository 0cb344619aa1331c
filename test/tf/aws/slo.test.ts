import { CloudwatchCompositeAlarm } from '@cdktf/provider-aws/lib/cloudwatch-composite-alarm';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { Testing } from 'cdktf';
import { ServiceTier } from '../../../lib/core';
import { haSnapshot } from '../../../lib/testing/snapshot';
import { SloAlarms, SloAlarmsProps } from '../../../lib/tf/aws/slo';
import { awsStack, resourcesOf } from './util';

Testing.setupJest();

function synth(props: Partial<SloAlarmsProps> = { loadBalancerArnSuffix: 'app/orders/0123456789abcdef' }) {
  const { stack } = awsStack();
  const slo = new SloAlarms(stack, 'Slo', { tier: ServiceTier.TIER_1, service: 'orders', ...props });
  return { stack, slo, synthesized: Testing.synth(stack) };
}

describe('SloAlarms (Terraform)', () => {
  test('GIVEN a 99.95% SLO THEN each burn-rate row has a long and a short window alarm at burnRate × (1 − target)', () => {
    const { synthesized } = synth();
    const alarms = Object.values(resourcesOf(synthesized, CloudwatchMetricAlarm));
    const windows = alarms
      .filter((a) => /-slo-burn/.test(a.alarm_name))
      .map((a) => [a.metric_query[1].metric.period, a.threshold]);
    expect(windows).toHaveLength(6);
    expect(windows).toEqual(
      expect.arrayContaining([
        [3600, 0.0072],
        [300, 0.0072],
        [21600, 0.003],
        [1800, 0.003],
        [259200, 0.0005],
        [21600, 0.0005],
      ]),
    );
  });

  test('THEN the error ratio is (target 5xx + ELB 5xx) / requests of the load balancer', () => {
    const { synthesized } = synth();
    const alarm = Object.values(resourcesOf(synthesized, CloudwatchMetricAlarm))[0];
    expect(alarm.metric_query[0]).toEqual({
      id: 'ratio',
      expression: '(FILL(target5xx, 0) + FILL(elb5xx, 0)) / total',
      label: 'Error ratio',
      return_data: true,
    });
    expect(alarm.metric_query[3].metric).toEqual(
      expect.objectContaining({
        metric_name: 'RequestCount',
        stat: 'Sum',
        dimensions: { LoadBalancer: 'app/orders/0123456789abcdef' },
      }),
    );
  });

  test('THEN each row ANDs its windows, and Page and Ticket composites OR the rows and notify their topics', () => {
    const { synthesized } = synth();
    expect(synthesized).toHaveResourceWithProperties(CloudwatchCompositeAlarm, {
      alarm_rule: expect.stringMatching(
        /^ALARM\("\$\{aws_cloudwatch_metric_alarm\.Slo_Burn1hLong_[0-9A-F]{8}\.alarm_name\}"\) AND ALARM\("\$\{aws_cloudwatch_metric_alarm\.Slo_Burn1hShort_[0-9A-F]{8}\.alarm_name\}"\)$/,
      ),
    });
    const composites = resourcesOf(synthesized, CloudwatchCompositeAlarm);
    const page = Object.entries(composites).find(([name]) => name.startsWith('Slo_Page_'))![1];
    expect(page.alarm_rule).toMatch(/Slo_Burn1h_.* OR .*Slo_Burn6h_/);
    expect(page.alarm_actions).toEqual([expect.stringContaining('aws_sns_topic.Slo_PageTopic_')]);
    const ticket = Object.entries(composites).find(([name]) => name.startsWith('Slo_Ticket_'))![1];
    expect(ticket.alarm_actions).toEqual([expect.stringContaining('aws_sns_topic.Slo_TicketTopic_')]);
  });

  test('THEN the budget-exhausted alarm looks back 7 days (the longest an alarm can) and tickets', () => {
    const { synthesized } = synth();
    // 30 days of a 0.9995 budget spent within 7 days: 0.0005 × 30 / 7.
    expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: expect.stringMatching(/-slo-budget-exhausted$/),
      threshold: 0.00214285714286,
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      alarm_actions: [expect.stringContaining('aws_sns_topic.Slo_TicketTopic_')],
    });
  });

  test('GIVEN good and total request metrics THEN the ratio is (total − good) / total', () => {
    const { synthesized } = synth({
      goodRequests: { namespace: 'Orders', metricName: 'Good' },
      totalRequests: { namespace: 'Orders', metricName: 'Total' },
    });
    const alarm = Object.values(resourcesOf(synthesized, CloudwatchMetricAlarm))[0];
    expect(alarm.metric_query[0].expression).toBe('(total - good) / total');
  });

  test.each([
    [{}, 'SloAlarms needs an SLI: pass loadBalancerArnSuffix, or goodRequests and totalRequests, got: none'],
    [
      { goodRequests: { namespace: 'A', metricName: 'B' } },
      'goodRequests and totalRequests must be passed together, got: only goodRequests',
    ],
    [
      { loadBalancerArnSuffix: 'app/x/1', target: 0.999 },
      "target must be at least TIER_1's availability target 0.9995 (a looser SLO spends more than the tier's error budget), got: 0.999",
    ],
    [
      { loadBalancerArnSuffix: 'app/x/1', windowDays: 0.05 },
      'windowDays must be a number of days of at least 1, got: 0.05',
    ],
    [
      { loadBalancerArnSuffix: 'app/x/1', windowDays: 90 },
      'windowDays must keep every burn-rate window within the 604800 seconds (7 days) a CloudWatch alarm can evaluate, got: 90 (a window of 777600 seconds)',
    ],
  ])('GIVEN %j THEN a clear Error', (props, message) => {
    expect(() => synth(props)).toThrow(new Error(message));
  });

  test('GIVEN a window that is not a whole number of minutes THEN the budget alarm still measures whole minutes', () => {
    // 1.0001 days is 86,408.64 s: CloudWatch takes periods in whole minutes.
    const { synthesized } = synth({ loadBalancerArnSuffix: 'app/orders/0123456789abcdef', windowDays: 1.0001 });
    const budget = Object.values(resourcesOf(synthesized, CloudwatchMetricAlarm)).find((a) =>
      /-slo-budget-exhausted$/.test(a.alarm_name),
    );
    expect(budget!.metric_query.slice(1).map((q: { metric: { period: number } }) => q.metric.period)).toEqual([
      86400, 86400, 86400,
    ]);
  });

  test('THEN the page, ticket and budget alarms tell the on-call engineer what to do; rows name their burn', () => {
    const { synthesized } = synth();
    const descriptionOf = (type: typeof CloudwatchMetricAlarm | typeof CloudwatchCompositeAlarm, prefix: string) =>
      Object.entries(resourcesOf(synthesized, type)).find(([name]) => name.startsWith(prefix))![1].alarm_description;
    const budget = 'orders: the error budget of the 30-day SLO';
    expect(descriptionOf(CloudwatchCompositeAlarm, 'Slo_Page_')).toBe(
      `${budget} is burning fast enough to be gone within days; act now.`,
    );
    expect(descriptionOf(CloudwatchCompositeAlarm, 'Slo_Ticket_')).toBe(
      `${budget} is being spent faster than it is earned; fix in working hours.`,
    );
    expect(descriptionOf(CloudwatchMetricAlarm, 'Slo_BudgetExhausted_')).toBe(
      'orders: the errors of the last 7d ' +
        'spent the whole 30-day error budget of a 0.9995 SLO; freeze risky changes until it recovers.',
    );
    expect(descriptionOf(CloudwatchMetricAlarm, 'Slo_Burn1hLong_')).toBe(
      'Error ratio over 1h above 0.0072 (14.4x burn of a 0.9995 SLO); part of page alert Burn1h',
    );
  });

  test('THEN CloudWatch alarms of this account may publish to both topics, over TLS only', () => {
    const policies = Object.values(resourcesOf(synth().synthesized, SnsTopicPolicy));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      const statements = JSON.parse(policy.policy).Statement as { Sid: string; Effect: string }[];
      expect(statements.map((st) => [st.Sid, st.Effect])).toEqual([
        ['AllowCloudWatchAlarmsOfThisAccount', 'Allow'],
        ['DenyPublishWithoutTls', 'Deny'],
      ]);
    }
  });

  // The HA view (lib/testing) of the JSON with its // blocks, where the HA records are.
  test('HA snapshot', () => {
    expect(haSnapshot(synth().stack.toTerraform())).toMatchSnapshot();
  });
});
