import { TerraformStack } from 'cdktf';
import { HaValidationError } from '../../../lib/core/errors';
import { ServiceTier } from '../../../lib/core';
import { AuditTrail } from '../../../lib/tf/google/audit-trail';
import { GoldenSignalsDashboard } from '../../../lib/tf/google/dashboard';
import { HaCloudSql } from '../../../lib/tf/google/database';
import { RegionalFleet } from '../../../lib/tf/google/fleet';
import { RegionalNetwork } from '../../../lib/tf/google/network';
import { PagingChannels, PagingChannelsProps } from '../../../lib/tf/google/paging';
import { SloAlarms } from '../../../lib/tf/google/slo';
import { HaSpanner } from '../../../lib/tf/google/spanner';
import { onlyResource, resourcesOf, terraformJson, TerraformJson, testStack, warningsOf } from './util';

/** Dashboard JSON as tests read it: free-form, checked by the assertions themselves. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const REGIONS = ['us-east4', 'us-east1'];
const tier = ServiceTier.TIER_0;
/** The resource of `type` whose logical id starts with `prefix`. */
const named = (json: TerraformJson, type: string, prefix: string) =>
  Object.entries(resourcesOf(json, type)).find(([name]) => name.startsWith(prefix))![1];
const dependsOn = (body: Record<string, unknown>) => (body.depends_on ?? []) as string[];

/** The operations of one TIER_0 service, built once. */
describe('Google operations of a TIER_0 service', () => {
  let stack: TerraformStack;
  let json: TerraformJson;
  let paging: PagingChannels;
  beforeAll(() => {
    stack = testStack();
    const network = new RegionalNetwork(stack, 'Network', { tier, regions: REGIONS, privateServiceAccess: false });
    const fleet = new RegionalFleet(stack, 'Fleet', {
      tier,
      network,
      region: 'us-east4',
      zones: ['us-east4-a', 'us-east4-b', 'us-east4-c'],
      requiredInstances: 4,
    });
    const spanner = new HaSpanner(stack, 'Database', {
      tier,
      configuration: 'nam3',
      servingRegions: REGIONS,
      databaseName: 'orders',
    });
    paging = new PagingChannels(stack, 'Paging', {
      tier,
      regions: REGIONS,
      emails: ['oncall@example.com'],
      webhookUrls: ['https://hooks.example.com/alerts?token=t'],
      pagerDuty: { serviceKeySecret: 'pagerduty-key' },
    });
    const balancers = REGIONS.map((region) => ({ region, forwardingRuleName: `lb-${region}` }));
    const slo = new SloAlarms(stack, 'Slo', {
      tier,
      regionalLoadBalancers: balancers,
      notificationChannels: paging.channelIds,
      probes: REGIONS.map((region) => ({ region, host: `${region}.orders.example.com` })),
    });
    new GoldenSignalsDashboard(stack, 'Dashboard', {
      tier,
      regionalLoadBalancers: balancers,
      slo,
      latencyThresholdMs: 300,
      fleets: [fleet],
      spanner: [spanner],
    });
    new AuditTrail(stack, 'Audit', { tier, region: 'us-east4' });
    json = terraformJson(stack);
  });

  describe('PagingChannels', () => {
    test('THEN a Pub/Sub channel per region, on a topic under a key of that region that only stores there', () => {
      const channels = Object.values(resourcesOf(json, 'google_monitoring_notification_channel'));
      expect(channels.map((c) => c.type).sort()).toEqual([
        'email',
        'pagerduty',
        'pubsub',
        'pubsub',
        'webhook_tokenauth',
      ]);
      const topics = resourcesOf(json, 'google_pubsub_topic');
      const rings = resourcesOf(json, 'google_kms_key_ring');
      const keys = resourcesOf(json, 'google_kms_crypto_key');
      for (const region of REGIONS) {
        const [name, topic] = Object.entries(topics).find(([n]) => n.startsWith(`Paging_Topic-${region}_`))!;
        expect(topic.message_storage_policy).toEqual({ allowed_persistence_regions: [region] });
        expect(topic.lifecycle).toEqual({ prevent_destroy: true });
        const keyName = String(topic.kms_key_name).match(/google_kms_crypto_key\.([^.]+)\./)![1];
        const ringName = String(keys[keyName].key_ring).match(/google_kms_key_ring\.([^.]+)\./)![1];
        expect(rings[ringName].location).toBe(region);
        const channel = channels.find((c) => (c.labels as Record<string, string>)?.topic?.includes(`.${name}.`));
        expect(channel).toBeDefined();
        // The channel waits for Cloud Monitoring's agent to be allowed to publish.
        const [grantName, grant] = Object.entries(resourcesOf(json, 'google_pubsub_topic_iam_member')).find(([, g]) =>
          String(g.topic).includes(`.${name}.`),
        )!;
        expect(grant.member).toBe(
          'serviceAccount:service-${data.google_project.HaConstructsProject.number}' +
            '@gcp-sa-monitoring-notification.iam.gserviceaccount.com',
        );
        expect(dependsOn(grant)).toContainEqual(
          expect.stringMatching(/^google_project_service_identity\.ProjectServices_Agent-monitoring_/),
        );
        expect(dependsOn(channel!)).toContain(`google_pubsub_topic_iam_member.${grantName}`);
      }
    });

    test('THEN the PagerDuty key comes from Secret Manager, never from the configuration', () => {
      const channel = Object.values(resourcesOf(json, 'google_monitoring_notification_channel')).find(
        (c) => c.type === 'pagerduty',
      )!;
      const [name, data] = Object.entries(json.data?.google_secret_manager_secret_version ?? {})[0];
      expect(data).toEqual(expect.objectContaining({ secret: 'pagerduty-key', version: 'latest' }));
      expect(channel.sensitive_labels).toEqual({
        service_key: `\${data.google_secret_manager_secret_version.${name}.secret_data}`,
      });
    });

    test('THEN channelIds lists every channel, and the SLO alerts notify them all', () => {
      expect(paging.channelIds).toHaveLength(5);
      const policies = Object.values(resourcesOf(json, 'google_monitoring_alert_policy')).filter((p) =>
        String(p.display_name).includes('error budget'),
      );
      expect(policies.length).toBeGreaterThan(0);
      for (const policy of policies) {
        expect(policy.notification_channels).toHaveLength(5);
      }
    });
  });

  describe('GoldenSignalsDashboard', () => {
    let dashboard: { displayName: string; gridLayout: { widgets: Record<string, Json>[] } };
    beforeAll(() => {
      dashboard = JSON.parse(String(onlyResource(json, 'google_monitoring_dashboard').dashboard_json));
    });
    const titled = (part: string) => dashboard.gridLayout.widgets.filter((w) => String(w.title).includes(part));

    test("THEN each region's availability chart draws the error ratios at which the plan's pages fire", () => {
      for (const region of REGIONS) {
        const [chart] = titled(`Availability in ${region}`);
        const ratio = chart.xyChart.dataSets[0].timeSeriesQuery.timeSeriesFilterRatio;
        expect(ratio.numerator.filter).toContain(`"lb-${region}"`);
        expect(ratio.numerator.filter).toContain('response_code_class"=500');
        expect(ratio.denominator.filter).not.toContain('response_code_class');
        // TIER_0 (0.9999): 14.4 × 0.0001 and 6 × 0.0001.
        expect(chart.xyChart.thresholds.map((t: { value: number }) => t.value)).toEqual([
          expect.closeTo(0.00144, 10),
          expect.closeTo(0.0006, 10),
        ]);
        const [latency] = titled(`Latency in ${region}`);
        expect(latency.xyChart.thresholds).toEqual([expect.objectContaining({ value: 300 })]);
        expect(
          latency.xyChart.dataSets.map((d: Json) => d.timeSeriesQuery.timeSeriesFilter.aggregation.crossSeriesReducer),
        ).toEqual(['REDUCE_PERCENTILE_50', 'REDUCE_PERCENTILE_95', 'REDUCE_PERCENTILE_99']);
      }
    });

    test('THEN the burn rates are read from the SLO against the page rates, and saturation has its ceilings', () => {
      const [burn] = titled('Burn rate');
      expect(burn.xyChart.dataSets.map((d: Json) => d.timeSeriesQuery.timeSeriesFilter.filter)).toEqual([
        expect.stringMatching(/^select_slo_burn_rate\("\$\{google_monitoring_slo\.Slo_[0-9A-F]+\.name\}", "60m"\)$/),
        expect.stringMatching(/"360m"\)$/),
      ]);
      expect(burn.xyChart.thresholds.map((t: { value: number }) => t.value)).toEqual([14.4, 6]);
      const [uptime] = titled('Uptime checks');
      expect(
        uptime.xyChart.dataSets.map((d: Json) => [d.legendTemplate, d.timeSeriesQuery.timeSeriesFilter.filter]),
      ).toEqual(
        REGIONS.map((region) => [
          region,
          expect.stringMatching(
            new RegExp(
              'check_id"="\\$\\{google_monitoring_uptime_check_config\\.' +
                `Slo_Uptime-${region}_[0-9A-F]+\\.uptime_check_id\\}"$`,
            ),
          ),
        ]),
      );
      const [spanner] = titled('Spanner');
      expect(spanner.xyChart.thresholds[0].value).toBe(0.45);
      const [size] = titled('instances of Fleet');
      expect(size.xyChart.thresholds[0].value).toBeGreaterThan(0);
    });
  });

  describe('AuditTrail', () => {
    test("THEN a locked bucket keeps the tier's retention under its region's key; a sink routes audit logs", () => {
      const bucket = named(json, 'google_logging_project_bucket_config', 'Audit_');
      expect(bucket).toEqual(
        expect.objectContaining({ location: 'us-east4', locked: true, retention_days: tier.logRetentionDays }),
      );
      expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
      const key = String((bucket.cmek_settings as { kms_key_name: string }).kms_key_name);
      expect(key).toMatch(/google_kms_crypto_key\.Audit_Key_/);
      // The grant to Cloud Logging's agent, whose email reading the CMEK settings creates, comes first.
      const grant = Object.entries(resourcesOf(json, 'google_kms_crypto_key_iam_member')).find(([n]) =>
        n.startsWith('Audit_KeyLoggingEncrypter'),
      )!;
      expect(grant[1].member).toMatch(
        /^serviceAccount:\$\{data\.google_logging_project_cmek_settings\..*\.service_account_id\}$/,
      );
      expect(dependsOn(bucket)).toContain(`google_kms_crypto_key_iam_member.${grant[0]}`);
      const sink = named(json, 'google_logging_project_sink', 'Audit_Sink_');
      expect(sink.destination).toMatch(
        /^logging\.googleapis\.com\/\$\{google_logging_project_bucket_config\.Audit_.*\.id\}$/,
      );
      expect(sink.filter).toBe('logName:"/logs/cloudaudit.googleapis.com%2F"');
    });

    test("THEN Cloud Logging's agent is read (so created) only once the Logging API is on", () => {
      const [settings] = Object.values(json.data?.google_logging_project_cmek_settings ?? {}) as Record<
        string,
        unknown
      >[];
      expect(dependsOn(settings)).toEqual([
        expect.stringMatching(/^google_project_service\.ProjectServices_Api-logging_/),
      ]);
    });

    test('THEN Data Access logs are on for every data service', () => {
      const configs = Object.values(resourcesOf(json, 'google_project_iam_audit_config'));
      expect(configs.map((c) => c.service).sort()).toEqual([
        'cloudkms.googleapis.com',
        'cloudsql.googleapis.com',
        'secretmanager.googleapis.com',
        'spanner.googleapis.com',
        'storage.googleapis.com',
      ]);
      for (const config of configs) {
        expect(config.audit_log_config).toEqual([
          { log_type: 'ADMIN_READ' },
          { log_type: 'DATA_READ' },
          { log_type: 'DATA_WRITE' },
        ]);
      }
    });
  });
});

describe('GoldenSignalsDashboard of a service behind the global load balancer, on Cloud SQL', () => {
  test("THEN requests are grouped by backend region, and the replica's lag is drawn against the region RPO", () => {
    const stack = testStack();
    const t2 = ServiceTier.TIER_2;
    const network = new RegionalNetwork(stack, 'Network', { tier: t2, regions: ['us-central1', 'us-east1'] });
    const database = new HaCloudSql(stack, 'Database', {
      tier: t2,
      network,
      region: 'us-central1',
      replicaRegion: 'us-east1',
      replicaLagAccepted: 'orders lost in a region failover are re-sent by the payment provider',
    });
    new GoldenSignalsDashboard(stack, 'Dashboard', {
      tier: t2,
      backendServiceName: 'orders-backend',
      cloudSql: [database],
    });
    const json = terraformJson(stack);
    const raw = String(onlyResource(json, 'google_monitoring_dashboard').dashboard_json);
    // Cloud Monitoring's legend variable, escaped from Terraform's interpolation.
    expect(raw).toContain('$${resource.labels.backend_scope}');
    const widgets = JSON.parse(raw).gridLayout.widgets as Record<string, Json>[];
    const [availability] = widgets.filter((w) => String(w.title).startsWith('Availability'));
    const ratio = availability.xyChart.dataSets[0].timeSeriesQuery.timeSeriesFilterRatio;
    expect(ratio.denominator.filter).toContain('resource.label."backend_service_name"="orders-backend"');
    expect(ratio.denominator.aggregation.groupByFields).toEqual(['resource.label."backend_scope"']);
    const [lag] = widgets.filter((w) => String(w.title).startsWith('Replication lag'));
    expect(lag.xyChart.thresholds).toEqual([expect.objectContaining({ value: t2.regionRpoSeconds })]);
    expect(lag.xyChart.dataSets[0].timeSeriesQuery.timeSeriesFilter.filter).toMatch(
      new RegExp(
        'database_id"="\\$\\{data\\.google_project\\.HaConstructsProject\\.project_id\\}:' +
          '\\$\\{google_sql_database_instance\\..*\\.name\\}"',
      ),
    );
  });
});

describe('bad input', () => {
  const paging = (props: Partial<PagingChannelsProps>) =>
    new PagingChannels(testStack(), 'Paging', { tier: ServiceTier.TIER_1, regions: REGIONS, ...props });

  test.each([
    [{ pubsub: false, emails: ['a@example.com'] }, 'TIER_1 pages must reach someone by more than email'],
    [{ pubsub: false }, 'needs at least one channel'],
    [{ webhookUrls: ['http://hooks.example.com'] }, 'webhookUrls must be HTTPS endpoints'],
  ])('WHEN %j THEN PagingChannels throws', (props, message) => {
    expect(() => paging(props)).toThrow(HaValidationError);
    expect(() => paging(props)).toThrow(message);
  });

  test('GIVEN email only and channels made elsewhere THEN a warning says their kind cannot be checked', () => {
    const channels = paging({ pubsub: false, emails: ['a@example.com'], existingChannelIds: ['projects/p/x'] });
    expect(warningsOf(channels)).toEqual([
      expect.stringContaining('[ha-constructs:PagingChannels.existingChannelIds]'),
    ]);
  });

  test('GIVEN email only for TIER_2 THEN it is enough', () => {
    expect(() => paging({ tier: ServiceTier.TIER_2, pubsub: false, emails: ['a@example.com'] })).not.toThrow();
  });

  test.each([
    [{ retentionDays: 4000 }, 'retentionDays must be a whole number of days from 1 to 3650'],
    [{ region: 'us' }, 'region must be a region name'],
    [{ region: 'us-east4', allowedRegions: ['europe-west1'] }, 'region must stay within allowedRegions'],
  ])('WHEN %j THEN AuditTrail throws', (props, message) => {
    expect(() => new AuditTrail(testStack(), 'Audit', { tier, region: 'us-east4', ...props })).toThrow(message);
  });

  test('GIVEN an unlocked bucket, or a retention under the tier THEN AuditTrail warns', () => {
    const audit = new AuditTrail(testStack(), 'Audit', { tier, region: 'us-east4', locked: false, retentionDays: 30 });
    expect(warningsOf(audit).map((w) => w.slice(0, w.indexOf(']') + 1))).toEqual([
      '[ha-constructs:AuditTrail.retentionDays]',
      '[ha-constructs:AuditTrail.locked]',
    ]);
  });

  test('WHEN the dashboard gets no request source THEN it throws', () => {
    expect(() => new GoldenSignalsDashboard(testStack(), 'Dashboard', { tier })).toThrow(
      'pass regionalLoadBalancers or backendServiceName, got: neither',
    );
  });
});
