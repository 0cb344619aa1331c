import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as fc from 'fast-check';
import { SloAlarms } from '../../lib/aws/slo';
import { ServiceTier } from '../../lib/core';
import { SloAlarms as TfSloAlarms } from '../../lib/tf/aws/slo';
import { cdkResources, cfnOfType, CfnResource, intents, tfJson, tfOfType } from './harness';

/**
 * SloAlarms on CloudFormation and on Terraform, from one intent: the same target, window and
 * burn-rate alerts; per metric alarm the same threshold, comparison, evaluation periods and
 * datapoints, missing-data treatment, error-ratio expression and inputs (namespace, metric,
 * dimensions, statistic, period); the same rows in the page and the ticket alarm; the same
 * notifications. All come from core's planSlo.
 */

const ARN_SUFFIX = 'app/orders/0123456789abcdef';
const LB_ARN = `arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/${ARN_SUFFIX}`;

const anyMetric = (name: string) =>
  fc.record({
    namespace: fc.constantFrom('Orders', 'Checkout/Api'),
    metricName: fc.constant(name),
    dimensions: fc.option(
      fc.dictionary(fc.constantFrom('Service', 'Stage'), fc.constantFrom('orders', 'prod'), { minKeys: 1, maxKeys: 2 }),
      { nil: undefined },
    ),
  });

const intent = fc.constantFrom(...ServiceTier.BUILT_IN).chain((tier) =>
  fc.record({
    tier: fc.constant(tier),
    windowDays: fc.option(fc.oneof(fc.integer({ min: 1, max: 70 }), fc.double({ min: 1, max: 70, noNaN: true })), {
      nil: undefined,
    }),
    target: fc.option(fc.double({ min: tier.availabilityTarget, max: 0.99999, noNaN: true }), { nil: undefined }),
    loadBalancer: fc.boolean(),
    good: anyMetric('Good'),
    total: anyMetric('Total'),
  }),
);
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

/** The HA values of one SloAlarms, read from either output. */
interface SloValues {
  readonly target: number;
  readonly windowDays: number;
  readonly alerts: unknown;
  /** Per metric alarm: threshold, comparison, periods, datapoints, missing data, expression, inputs, actions. */
  readonly alarms: readonly string[];
  /** Rows of the page and the ticket alarm, and the notifications of each with the budget alarm's. */
  readonly pageRows: number;
  readonly ticketRows: number;
  readonly notifications: readonly unknown[];
}

/** An error-ratio input as both engines can state it. */
type Input = [id: string, namespace: unknown, metricName: unknown, dimensions: unknown, stat: unknown, period: unknown];

/** A metric query of a CloudFormation alarm. */
interface CfnMetricQuery {
  readonly Id: string;
  readonly Expression?: string;
  readonly MetricStat?: {
    readonly Metric: {
      readonly Namespace: string;
      readonly MetricName: string;
      readonly Dimensions?: { Name: string; Value: unknown }[];
    };
    readonly Stat: string;
    readonly Period: number;
  };
}

/** A metric query of a Terraform alarm. */
interface TfMetricQuery {
  readonly id: string;
  readonly expression?: string;
  readonly metric?: {
    readonly namespace: string;
    readonly metric_name: string;
    readonly dimensions?: unknown;
    readonly stat: string;
    readonly period: number;
  };
}

function alarmKey(a: unknown[], expression: string, inputs: Input[]): string {
  const sorted = inputs
    .map(([id, ns, name, dims, ...rest]): Input => [
      id,
      ns,
      name,
      dims && Object.fromEntries(Object.entries(dims).sort()),
      ...rest,
    ])
    .sort((x, y) => x[0].localeCompare(y[0]));
  return JSON.stringify([...a, expression, sorted]);
}

function cdkValues(p: Intent): SloValues {
  let slo: SloAlarms | undefined;
  const resources = cdkResources((stack) => {
    const metric = (m: Intent['good']) =>
      new cloudwatch.Metric({ namespace: m.namespace, metricName: m.metricName, dimensionsMap: m.dimensions });
    slo = new SloAlarms(stack, 'Slo', {
      tier: p.tier,
      service: 'orders',
      windowDays: p.windowDays,
      target: p.target,
      ...(p.loadBalancer
        ? {
            loadBalancer: elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(stack, 'Lb', {
              loadBalancerArn: LB_ARN,
              securityGroupId: 'sg-0123456789abcdef0',
            }),
          }
        : { goodRequests: metric(p.good), totalRequests: metric(p.total) }),
    });
  });
  const alarms = cfnOfType(resources, 'AWS::CloudWatch::Alarm')
    .map((a) => {
      const metrics = a.Metrics as CfnMetricQuery[];
      const ratio = metrics.find((m) => m.Expression)!;
      // CDK suffixes each input with its period (one graph may show several windows).
      const expression = ratio.Expression!.replace(/_\d+\b/g, '');
      const inputs = metrics
        .filter((m) => m.MetricStat)
        .map((m): Input => {
          const stat = m.MetricStat!;
          const dimensions = stat.Metric.Dimensions?.length
            ? Object.fromEntries(stat.Metric.Dimensions.map((d) => [d.Name, d.Value]))
            : undefined;
          return [
            m.Id.replace(/_\d+$/, ''),
            stat.Metric.Namespace,
            stat.Metric.MetricName,
            dimensions,
            stat.Stat,
            stat.Period,
          ];
        });
      return alarmKey(
        [
          a.Threshold,
          a.ComparisonOperator,
          a.EvaluationPeriods,
          a.DatapointsToAlarm,
          a.TreatMissingData,
          a.AlarmActions,
          a.OKActions,
        ],
        expression,
        inputs,
      );
    })
    .sort();
  const composite = (prefix: string): Record<string, unknown> => {
    const found = Object.entries(resources).filter(
      ([id, r]: [string, CfnResource]) =>
        r.Type === 'AWS::CloudWatch::CompositeAlarm' && new RegExp(`^Slo${prefix}[0-9A-F]{8}$`).test(id),
    );
    expect(found).toHaveLength(1);
    return found[0][1].Properties;
  };
  const rows = (c: Record<string, unknown>) => JSON.stringify(c.AlarmRule).split('ALARM(').length - 1;
  const actions = (c: Record<string, unknown>) => [
    (c.AlarmActions as unknown[]).length,
    (c.OKActions as unknown[]).length,
  ];
  return {
    target: slo!.target,
    windowDays: slo!.windowDays,
    alerts: slo!.alerts,
    alarms,
    pageRows: rows(composite('Page')),
    ticketRows: rows(composite('Ticket')),
    notifications: [actions(composite('Page')), actions(composite('Ticket')), actions(composite('BudgetExhausted'))],
  };
}

function tfValues(p: Intent): SloValues {
  let slo: TfSloAlarms | undefined;
  const json = tfJson((stack) => {
    slo = new TfSloAlarms(stack, 'Slo', {
      tier: p.tier,
      service: 'orders',
      windowDays: p.windowDays,
      target: p.target,
      ...(p.loadBalancer ? { loadBalancerArnSuffix: ARN_SUFFIX } : { goodRequests: p.good, totalRequests: p.total }),
    });
  });
  const metricAlarms = tfOfType(json, 'aws_cloudwatch_metric_alarm');
  const alarms = metricAlarms
    .map((a) => {
      const queries = a.metric_query as TfMetricQuery[];
      const inputs = queries
        .filter((q) => q.metric)
        .map((q): Input => [
          q.id,
          q.metric!.namespace,
          q.metric!.metric_name,
          q.metric!.dimensions,
          q.metric!.stat,
          q.metric!.period,
        ]);
      const budget = /-slo-budget-exhausted$/.test(a.alarm_name as string);
      // CloudFormation holds the budget alarm's notifications on the composite that joins the SLIs (one here).
      return alarmKey(
        [
          a.threshold,
          a.comparison_operator,
          a.evaluation_periods,
          a.datapoints_to_alarm,
          a.treat_missing_data,
          budget ? undefined : a.alarm_actions,
          budget ? undefined : a.ok_actions,
        ],
        queries.find((q) => q.expression)!.expression!,
        inputs,
      );
    })
    .sort();
  const composite = (suffix: string) => {
    const found = [...tfOfType(json, 'aws_cloudwatch_composite_alarm'), ...metricAlarms].filter((c) =>
      (c.alarm_name as string).endsWith(`-slo-${suffix}`),
    );
    expect(found).toHaveLength(1);
    return found[0];
  };
  const rows = (c: Record<string, unknown>) => (c.alarm_rule as string).split('ALARM(').length - 1;
  const actions = (c: Record<string, unknown>) => [
    (c.alarm_actions as unknown[]).length,
    (c.ok_actions as unknown[]).length,
  ];
  return {
    target: slo!.target,
    windowDays: slo!.windowDays,
    alerts: slo!.alerts,
    alarms,
    pageRows: rows(composite('page')),
    ticketRows: rows(composite('ticket')),
    notifications: [actions(composite('page')), actions(composite('ticket')), actions(composite('budget-exhausted'))],
  };
}

describe('SloAlarms twins', () => {
  const drawn = intents(intent);

  test('the sample covers both SLI sources, given and default windows and targets, fractional windows', () => {
    expect(new Set(drawn.map((p) => p.loadBalancer)).size).toBe(2);
    expect(drawn.some((p) => p.windowDays === undefined) && drawn.some((p) => p.windowDays !== undefined)).toBe(true);
    expect(drawn.some((p) => p.windowDays !== undefined && !Number.isInteger(p.windowDays))).toBe(true);
    expect(drawn.some((p) => p.target === undefined) && drawn.some((p) => p.target !== undefined)).toBe(true);
  });

  test.each(drawn.map((p, i) => [i, p] as const))('intent %d: both engines render the same plan', (_i, p) => {
    const cdk = cdkValues(p);
    const tf = tfValues(p);
    expect(tf).toEqual(cdk);
    // Two window alarms per alert and the budget alarm; two page rows and one ticket row.
    expect(cdk.alarms).toHaveLength(7);
    expect([cdk.pageRows, cdk.ticketRows]).toEqual([2, 1]);
  });
});
