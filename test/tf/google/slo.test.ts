import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringSlo } from '@cdktf/provider-google/lib/monitoring-slo';
import { MonitoringUptimeCheckConfig } from '@cdktf/provider-google/lib/monitoring-uptime-check-config';
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { HaValidationError, ServiceTier } from '../../../lib/core';
import { SloAlarms, SloAlarmsProps, SloAlerts } from '../../../lib/tf/google/slo';
import { testStack, warningsOf } from './util';

Testing.setupJest();

function alerts(scope: Construct, props: Partial<SloAlarmsProps> = {}): SloAlarms {
  return new SloAlarms(scope, 'Slo', {
    tier: ServiceTier.TIER_1,
    service: 'shop',
    backendServiceName: 'shop-backend',
    notificationChannels: ['projects/p/notificationChannels/1'],
    probes: [
      { region: 'us-central1', host: 'us-central1.shop.example.com' },
      { region: 'us-east1', host: 'us-east1.shop.example.com' },
    ],
    ...props,
  });
}

const burnRate = (window: string, threshold: number) =>
  expect.objectContaining({
    condition_threshold: expect.objectContaining({
      filter: expect.stringMatching(
        new RegExp(`^select_slo_burn_rate\\("\\$\\{google_monitoring_slo\\.Slo_[0-9A-F]+\\.name\\}", "${window}"\\)$`),
      ),
      comparison: 'COMPARISON_GT',
      threshold_value: threshold,
    }),
  });

describe('SloAlarms (Google Cloud)', () => {
  test('GIVEN TIER_1 THEN a request-based 99.95% SLO over 30 days on the backend service, 5xx counted as bad', () => {
    const synth = Testing.synthScope((scope) => {
      alerts(scope);
    });
    expect(synth).toHaveResourceWithProperties(MonitoringSlo, {
      goal: 0.9995,
      rolling_period_days: 30,
      request_based_sli: {
        good_total_ratio: {
          total_service_filter:
            'metric.type="loadbalancing.googleapis.com/https/request_count" resource.type="https_lb_rule" resource.label."backend_service_name"="shop-backend"',
          bad_service_filter:
            'metric.type="loadbalancing.googleapis.com/https/request_count" resource.type="https_lb_rule" resource.label."backend_service_name"="shop-backend" metric.label."response_code_class"=500',
        },
      },
    });
  });

  test.each([
    ['60m', '5m', 14.4, 'CRITICAL'],
    ['360m', '30m', 6, 'CRITICAL'],
    ['4320m', '360m', 1, 'WARNING'],
  ])('THEN a policy fires when the burn rate over %s AND %s exceeds %d (%s)', (long, short, threshold, severity) => {
    const synth = Testing.synthScope((scope) => {
      alerts(scope);
    });
    expect(synth).toHaveResourceWithProperties(MonitoringAlertPolicy, {
      combiner: 'AND',
      severity,
      conditions: [burnRate(long, threshold), burnRate(short, threshold)],
      notification_channels: ['projects/p/notificationChannels/1'],
    });
  });

  test('THEN each serving region has an HTTPS uptime check at the tier probe interval, with an alert', () => {
    const synth = Testing.synthScope((scope) => {
      alerts(scope);
    });
    expect(synth).toHaveResourceWithProperties(MonitoringUptimeCheckConfig, {
      period: '60s',
      http_check: expect.objectContaining({ use_ssl: true, validate_ssl: true, path: '/health/ready', port: 443 }),
      monitored_resource: {
        type: 'uptime_url',
        labels: {
          project_id: '${data.google_project.HaConstructsProject.project_id}',
          host: 'us-east1.shop.example.com',
        },
      },
    });
    expect(synth).toHaveResourceWithProperties(MonitoringAlertPolicy, {
      display_name: 'shop in us-east1 fails its uptime check',
      conditions: [
        expect.objectContaining({
          condition_threshold: expect.objectContaining({
            filter: expect.stringContaining('monitoring.googleapis.com/uptime_check/check_passed'),
            threshold_value: 1,
          }),
        }),
      ],
    });
  });

  test('WHEN TIER_2 THEN probes run every 5 minutes', () => {
    const synth = Testing.synthScope((scope) => {
      alerts(scope, { tier: ServiceTier.TIER_2 });
    });
    expect(synth).toHaveResourceWithProperties(MonitoringUptimeCheckConfig, { period: '300s' });
  });

  test('WHEN there are no probes THEN a warning says an outage without traffic goes unnoticed', () => {
    expect(warningsOf(alerts(testStack(), { probes: [] }))).toEqual([
      expect.stringContaining('[ha-constructs:SloAlarms.probes] probes is empty'),
    ]);
    expect(warningsOf(alerts(testStack()))).toEqual([]);
  });

  test.each([
    [
      { notificationChannels: [] },
      'notificationChannels must list at least one channel (an alert nobody receives does not page), got: none',
    ],
    [
      {
        probes: [
          { region: 'us-east1', host: 'a' },
          { region: 'us-east1', host: 'b' },
        ],
      },
      'probes must have one probe per region, got: us-east1 more than once',
    ],
    [{ windowDays: 31 }, "windowDays must be an integer from 1 to 30 (Cloud Monitoring's rolling periods), got: 31"],
    [
      { sloWindowDays: 31 },
      "sloWindowDays must be an integer from 1 to 30 (Cloud Monitoring's rolling periods), got: 31",
    ],
    [
      { target: 0.999 },
      "target must be at least TIER_1's availability target 0.9995 (a looser SLO spends more than the tier's error budget), got: 0.999",
    ],
    [
      { target: 0.99995 },
      'target must be at most 0.9999 (the highest goal a Cloud Monitoring SLO takes), got: 0.99995',
    ],
  ])('WHEN %j THEN it throws a clear error', (props, message) => {
    expect(() => alerts(testStack(), props)).toThrow(new Error(message));
  });

  test('WHEN a custom tier is too loose for the fastest page to ever fire THEN it is refused, as on AWS', () => {
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
    expect(() => alerts(testStack(), { tier })).toThrow(
      /^target must leave an error budget the 14.4x burn-rate alert can express .*got: 0.9$/,
    );
  });

  test('WHEN the window is 1 day THEN every lookback is at least a whole minute (5 min / 30 would be 10 s)', () => {
    const synth = Testing.synthScope((scope) => {
      alerts(scope, { windowDays: 1 });
    });
    expect(synth).toHaveResourceWithProperties(MonitoringSlo, { rolling_period_days: 1 });
    expect(synth).toHaveResourceWithProperties(MonitoringAlertPolicy, {
      conditions: [burnRate('2m', 14.4), burnRate('1m', 14.4)],
    });
    expect(synth).toHaveResourceWithProperties(MonitoringAlertPolicy, {
      conditions: [burnRate('12m', 6), burnRate('1m', 6)],
    });
  });

  test('WHEN a target tighter than the tier is given THEN it is the goal of the SLO', () => {
    const synth = Testing.synthScope((scope) => {
      alerts(scope, { target: 0.9999 });
    });
    expect(synth).toHaveResourceWithProperties(MonitoringSlo, {
      goal: 0.9999,
      display_name: 'shop: 99.99% of requests succeed over 30 days',
    });
  });

  test('the deprecated SloAlerts and sloWindowDays build the same construct', () => {
    const old = Testing.synthScope((scope) => {
      new SloAlerts(scope, 'Slo', {
        tier: ServiceTier.TIER_1,
        service: 'shop',
        backendServiceName: 'b',
        notificationChannels: ['c'],
        sloWindowDays: 28,
      });
    });
    const renamed = Testing.synthScope((scope) => {
      new SloAlarms(scope, 'Slo', {
        tier: ServiceTier.TIER_1,
        service: 'shop',
        backendServiceName: 'b',
        notificationChannels: ['c'],
        windowDays: 28,
      });
    });
    expect(old).toEqual(renamed);
    expect(SloAlerts).toBe(SloAlarms);
  });
});

describe("SloAlarms (Google Cloud) on a redundant entry's regional load balancers", () => {
  const regional = [
    { region: 'us-east4', forwardingRuleName: 'shop-https-us-east4' },
    { region: 'us-east1', forwardingRuleName: 'shop-https-us-east1' },
  ];
  const onEntry =
    (props: Partial<SloAlarmsProps> = {}) =>
    (scope: Construct) =>
      alerts(scope, {
        tier: ServiceTier.TIER_0,
        backendServiceName: undefined,
        regionalLoadBalancers: regional,
        ...props,
      });

  test('THEN one SLO of the service counts the requests of both forwarding rules, 5xx as bad', () => {
    const requests =
      'metric.type="loadbalancing.googleapis.com/https/external/regional/request_count" ' +
      'resource.type="http_external_regional_lb_rule" ' +
      'resource.label."forwarding_rule_name"=one_of("shop-https-us-east4", "shop-https-us-east1")';
    const synth = Testing.synthScope(onEntry());
    expect(synth).toHaveResourceWithProperties(MonitoringSlo, {
      goal: 0.9999,
      request_based_sli: {
        good_total_ratio: {
          total_service_filter: requests,
          bad_service_filter: `${requests} metric.label."response_code_class"=500`,
        },
      },
    });
    const slos = Object.values(
      (JSON.parse(synth) as { resource: Record<string, object> }).resource.google_monitoring_slo,
    );
    expect(slos).toHaveLength(1);
    expect(synth).toHaveResourceWithProperties(MonitoringAlertPolicy, {
      conditions: [burnRate('60m', 14.4), burnRate('5m', 14.4)],
    });
  });

  test.each([
    [
      { backendServiceName: 'shop-backend' },
      'pass either backendServiceName or regionalLoadBalancers for the availability SLI, got: both',
    ],
    [
      { regionalLoadBalancers: [regional[0]] },
      'regionalLoadBalancers must list the load balancer of each of at least 2 regions for TIER_0 (the SLO counts ' +
        'every request of the service, wherever it is served), got: 1',
    ],
    [
      { regionalLoadBalancers: [regional[0], { region: 'us-east4', forwardingRuleName: 'other' }] },
      'regionalLoadBalancers must have one load balancer per region (an entry serves each region once), got: ' +
        'us-east4 more than once',
    ],
    [
      { regionalLoadBalancers: [regional[0], { region: 'us-east1-b', forwardingRuleName: 'zonal' }] },
      'regionalLoadBalancers must name regions such as us-central1, got: us-east1-b',
    ],
    [
      { regionalLoadBalancers: undefined },
      'SloAlarms needs an SLI: pass backendServiceName, or regionalLoadBalancers, got: none',
    ],
  ])('WHEN %j THEN an HaValidationError names the prop and the value', (props, message) => {
    expect(() => onEntry(props)(testStack())).toThrow(HaValidationError);
    expect(() => onEntry(props)(testStack())).toThrow(new Error(message));
  });
});
