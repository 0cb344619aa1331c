import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { addAllExamples } from '../../examples';
import { checkPath } from '../../lib/checks';
import { ServiceTier, staticallyStableCapacity } from '../../lib/core';
import { haMatchers, haSnapshot } from '../../lib/testing';
import { nagErrors } from '../nag';
import { statefulProblemsOfApp } from '../stateful';
import { cdkJsonApp } from '../util';

expect.extend(haMatchers);

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

const STACK_IDS = [
  'Tier0-us-east-1-Replicas',
  'Tier0-us-west-2',
  'Tier0-us-east-1',
  'Tier0Api-us-east-1-Keys',
  'Tier0Api-us-west-2',
  'Tier0Api-us-east-1',
  'Tier1-us-west-2-Keys',
  'Tier1-us-east-1',
  'Tier1-us-west-2',
  'Tier1-Dns',
  'Tier1Ecs-us-west-2-Keys',
  'Tier1Ecs-us-east-1-Images',
  'Tier1Ecs-us-east-1',
  'Tier1Ecs-us-west-2',
  'Tier1Ecs-us-east-2-Witness',
  'Tier1Ecs-Dns',
  'Tier2-us-west-2-Replicas',
  'Tier2-us-east-1',
  'Tier2-us-west-2',
  'Tier2-Dns',
  'Tier3-us-west-2-Backups',
  'Tier3-us-east-1',
];

interface ValidationReport {
  readonly pluginReports: {
    readonly pluginName: string;
    readonly violations: { readonly ruleName: string; readonly description: string }[];
  }[];
}

// One app and one synthesis for the whole file, as `npx cdk synth` does it: with aws-cdk-lib's
// built-in CloudFormation validation on (a schema check that costs ~3 s and ~350 MB on first use,
// so the other test files keep it off).
let app: App;
let assembly: CloudAssembly;
const templates: Record<string, Template> = {};

beforeAll(() => {
  app = cdkJsonApp({ builtinCloudFormationValidation: true });
  addAllExamples(app, { printReport: false });
  assembly = app.synth();
  for (const stack of assembly.stacks) {
    templates[stack.stackName] = Template.fromJSON(stack.template);
  }
});

function template(stackId: string): Template {
  const found = templates[stackId];
  if (!found) {
    throw new Error(`no stack ${stackId} in the examples, got: ${Object.keys(templates).join(', ')}`);
  }
  return found;
}

function resourcesOf(stackId: string, type: string): Record<string, unknown>[] {
  const resources = template(stackId).toJSON().Resources as Resources;
  return Object.values(resources)
    .filter((r) => r.Type === type)
    .map((r) => r.Properties ?? {});
}

function subnetZones(stackId: string): string[] {
  return [...new Set(resourcesOf(stackId, 'AWS::EC2::Subnet').map((p) => p.AvailabilityZone as string))].sort();
}

function regionOf(stackId: string): string | undefined {
  return assembly.getStackByName(stackId).environment.region;
}

describe('the examples', () => {
  test('synthesize exactly the tier stacks, each pinned to a region and to no account', () => {
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual([...STACK_IDS].sort());
    for (const stack of assembly.stacks) {
      expect(stack.environment.account).toBe('unknown-account');
      // us-east-2 holds only the ECS example's witness: a third vantage point on the serving region.
      expect(['us-east-1', 'us-west-2', 'us-east-2']).toContain(stack.environment.region);
    }
  });

  test('synthesize with built-in CloudFormation validation on and nothing reported', () => {
    const report: ValidationReport = JSON.parse(
      fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'),
    );
    expect(report.pluginReports.map((p) => p.pluginName)).toContain('CloudFormation Validate');
    const violations = report.pluginReports.flatMap((p) =>
      p.violations.map((v) => `${p.pluginName}: ${v.ruleName}: ${v.description}`),
    );
    // TIER_0's unproven region RPO (the carts table's lag has no bound) is acknowledged with its reason;
    // the report still shows it unproven (the HA report test below).
    expect(violations).toEqual([]);
  });

  test('pass cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
    expect(nagErrors(app)).toEqual([]);
  });

  test('retain or snapshot every stateful resource, with deletion protection on', () => {
    expect(statefulProblemsOfApp(app)).toEqual([]);
  });

  test('in the HA report: AZ objectives (TIER_0/1: not for a gray failure), availability, region figures as far as shown', () => {
    const report = checkPath(assembly.directory);
    // One row per service, each over all its stacks; and every stack assessed on its own too.
    expect(report.services.map((s) => s.service).sort()).toEqual([
      'carts-api',
      'catalog',
      'checkout',
      'invoices',
      'orders',
      'reports',
    ]);
    expect([...new Set((report.perStack ?? []).map((s) => s.stack))].sort()).toEqual([...STACK_IDS].sort());
    for (const service of report.services) {
      // TIER_0 and TIER_1: an AZ whose requests fail while its targets pass health checks is detected after 2 of 3
      // one-minute periods (more than 60 s), then shifted away (no published time), then dropped from DNS (60 s
      // TTL): at least 120 s, beyond TIER_0's 30 s (HA-AZ6, acknowledged) and all of TIER_1's 120 s (unproven).
      const azRto = { TIER_0: 'not-met', TIER_1: 'unproven' }[service.tier] ?? 'met';
      // TIER_3: a restore's duration; TIER_1 and TIER_2: the standby's launch time (and the pilot light's new writer),
      // and Aurora's global failover, for which AWS publishes a typical minute and no bound. The ECS example's hot
      // standby launches nothing and an alarm starts its promotion: the promotion alone is unproven.
      const regionRto = 'unproven';
      // The serverless TIER_0 example keeps every execution a region may need warm, writes with strong consistency
      // (RPO 0) and fails over by Route 53 alone: every figure published or literal.
      // Its VPC function's AZ RTO is unproven for a zone whose subnets fail while Lambda still uses them.
      // Its clients' key values and tokens are accepted by both regions (read from the templates): region RTO met.
      const serverless = {
        azRto: 'unproven',
        azRpo: 'met',
        regionRto: 'met',
        regionRpo: 'met',
        availability: 'met',
      };
      // An Aurora writer held to its RPO by rds.global_db_rpo stops committing when its one secondary region is out
      // for longer: that region and the path to it are in series with the writes, with no published figure.
      // invoices' global database has a secondary with a reader in a second region (us-east-2): neither is in series.
      const availability = ['orders', 'catalog'].includes(service.service) ? 'unproven' : 'met';
      const expected =
        service.service === 'carts-api'
          ? serverless
          : service.tier !== 'TIER_0'
            ? { azRto, azRpo: 'met', regionRto, regionRpo: 'met', availability }
            : // The carts table replicates with eventual consistency: typically under 1 s, with no bound (no SLA).
              // TIER_0: the region left must carry the whole load on fleets that scale (a drill bounds it), and the
              // carts table's eventual consistency has no lag bound.
              { azRto, azRpo: 'met', regionRto: 'unproven', regionRpo: 'unproven', availability: 'met' };
      expect({ stack: service.stack, status: service.status }).toEqual({ stack: service.stack, status: expected });
    }
  });

  // The testing kit's matchers, as a user's CI would pin the figures the templates prove.
  test('with the kit: no open finding, the AZ objectives and the proven region RPOs; no tier shown met', () => {
    expect(app).toHaveNoHaFindings({ level: 'warning' });
    expect(app).toHaveAzRtoAtMost(95, { service: 'catalog' });
    expect(app).toHaveAzRtoAtMost(95, { service: 'reports' });
    // A gray failure behind TIER_0's and TIER_1's load balancers takes at least 120 s, and the zonal shift is unknown.
    expect(app).not.toHaveAzRtoAtMost(3600, { service: 'checkout' });
    expect(app).not.toHaveAzRtoAtMost(3600, { service: 'orders' });
    expect(app).toHaveAzRpoAtMost(0);
    expect(app).toHaveRegionRpoAtMost(60, { service: 'orders' });
    expect(app).toHaveRegionRpoAtMost(900, { service: 'catalog' });
    expect(app).toHaveAvailabilityAtLeast(0.9997, { service: 'checkout' });
    expect(app).toHaveAvailabilityAtLeast(0.9997, { service: 'reports' });
    // The Aurora writers' managed RPO puts their one standby region in series with the writes: unproven. invoices'
    // writer has secondaries in two regions: one within the RPO is enough.
    expect(app).not.toHaveAvailabilityAtLeast(0.9, { service: 'orders' });
    expect(app).toHaveAvailabilityAtLeast(0.9997, { service: 'invoices' });
    // Every region RTO waits on a drill: the kit never lets an unproven figure pass.
    expect(app).not.toHaveRegionRtoAtMost(3600, { service: 'orders' });
    expect(app).not.toHaveRegionRtoAtMost(3600, { service: 'invoices' });
    for (const service of ['checkout', 'orders', 'invoices', 'catalog', 'reports']) {
      expect(app).not.toMeetTier({ service });
    }
    expect(app).not.toMeetTier({ service: 'carts-api' });
  });

  test.each(['Tier0-us-east-1', 'Tier0-us-west-2', 'Tier1-us-east-1', 'Tier2-us-east-1', 'Tier3-us-east-1'])(
    '%s pages and tickets on its SLO burn rate, and every alarm with an action notifies a topic',
    (stackId) => {
      const composites = resourcesOf(stackId, 'AWS::CloudWatch::CompositeAlarm');
      const notifying = composites.filter(
        (a) => Array.isArray(a.AlarmActions) && (a.AlarmActions as unknown[]).length > 0,
      );
      // Page, Ticket and BudgetExhausted: one notification per incident, the burn-rate rows feed them silently;
      // and a serving TIER_0/1 fleet's Impaired alarm per AZ, fed silently by its per-AZ alarms.
      const zonal = notifying.filter((a) => String(a.AlarmName).includes('ZonalDetection'));
      expect(notifying.length - zonal.length).toBe(3);
      expect(zonal).toHaveLength(/^Tier[01]-us-east-1$|^Tier0-/.test(stackId) ? 3 : 0);
      const alarms = [...composites, ...resourcesOf(stackId, 'AWS::CloudWatch::Alarm')];
      for (const alarm of alarms.filter((a) => a.AlarmActions !== undefined)) {
        for (const action of alarm.AlarmActions as unknown[]) {
          expect(JSON.stringify(action)).toMatch(/Topic|arn:aws:ssm-incidents|automate/);
        }
      }
    },
  );

  // The HA view (lib/testing): per resource its type, HA record and the properties the HA rules
  // read, a tenth of the template and all of it worth a reviewer's time.
  test.each(STACK_IDS)('%s matches its snapshot', (stackId) => {
    expect(haSnapshot(template(stackId).toJSON())).toMatchSnapshot();
  });
});

describe('TIER_0 active/active', () => {
  test('both regions serve: three AZs each, a statically stable fleet, a canary of their own, an AZ drill and backups copied to the other region', () => {
    const capacity = staticallyStableCapacity(6, 3);
    for (const [stackId, region, peer] of [
      ['Tier0-us-east-1', 'us-east-1', 'us-west-2'],
      ['Tier0-us-west-2', 'us-west-2', 'us-east-1'],
    ]) {
      expect(regionOf(stackId)).toBe(region);
      expect(subnetZones(stackId)).toEqual([`${region}a`, `${region}b`, `${region}c`]);
      template(stackId).hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
        MinSize: String(capacity.total),
        MaxSize: '18',
      });
      // Each region's canary probes that region's own name; us-east-1 also probes the routed name users reach.
      template(stackId).resourceCountIs('AWS::Synthetics::Canary', region === 'us-east-1' ? 2 : 1);
      expect(JSON.stringify(template(stackId).findResources('AWS::Synthetics::Canary'))).toContain(
        `checkout-${region}.example.com/health/ready`,
      );
      template(stackId).resourceCountIs('AWS::FIS::ExperimentTemplate', 1);
      template(stackId).hasResourceProperties('AWS::Backup::BackupPlan', {
        BackupPlan: Match.objectLike({
          BackupPlanRule: [
            Match.objectLike({
              CopyActions: [
                Match.objectLike({
                  DestinationBackupVaultArn: {
                    'Fn::Join': [
                      '',
                      [`arn:aws:backup:${peer}:`, { Ref: 'AWS::AccountId' }, `:backup-vault:checkout-backups-${peer}`],
                    ],
                  },
                }),
              ],
            }),
          ],
        }),
      });
    }
  });

  test('the carts table takes writes in both regions; receipts and the secret replicate to us-west-2', () => {
    const east = template('Tier0-us-east-1');
    const [table] = resourcesOf('Tier0-us-east-1', 'AWS::DynamoDB::GlobalTable');
    expect((table.Replicas as { Region: string }[]).map((r) => r.Region).sort()).toEqual(['us-east-1', 'us-west-2']);
    expect(table.MultiRegionConsistency).toBe('EVENTUAL');
    east.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', ['checkout-receipts-', { Ref: 'AWS::AccountId' }, '-us-east-1']] },
      ReplicationConfiguration: Match.objectLike({
        Rules: [
          Match.objectLike({
            Destination: Match.objectLike({
              Bucket: {
                'Fn::Join': ['', ['arn:aws:s3:::checkout-receipts-', { Ref: 'AWS::AccountId' }, '-us-west-2']],
              },
            }),
          }),
        ],
      }),
    });
    east.hasResourceProperties('AWS::SecretsManager::Secret', {
      ReplicaRegions: [Match.objectLike({ Region: 'us-west-2' })],
    });
    template('Tier0-us-west-2').hasResourceProperties('AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', ['checkout-receipts-', { Ref: 'AWS::AccountId' }, '-us-west-2']] },
    });
  });

  test('latency records send clients to either healthy region, each behind a health check with an alarm', () => {
    const east = template('Tier0-us-east-1');
    for (const region of ['us-east-1', 'us-west-2']) {
      east.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'checkout.example.com.',
        Type: 'A',
        Region: region,
        SetIdentifier: region,
        HealthCheckId: Match.anyValue(),
      });
    }
    east.resourceCountIs('AWS::Route53::HealthCheck', 2);
    const healthAlarms = resourcesOf('Tier0-us-east-1', 'AWS::CloudWatch::Alarm').filter(
      (a) => a.MetricName === 'HealthCheckStatus',
    );
    expect(healthAlarms).toHaveLength(2);
    for (const alarm of healthAlarms) {
      expect(alarm.AlarmActions).toHaveLength(1);
    }
  });

  test('a multi-region audit trail with log-file validation', () => {
    template('Tier0-us-east-1').hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
    });
  });
});

describe('TIER_1 warm standby', () => {
  test('the primary runs full capacity in three AZs of us-east-1; the standby one instance per AZ in us-west-2', () => {
    expect(regionOf('Tier1-us-east-1')).toBe('us-east-1');
    expect(regionOf('Tier1-us-west-2')).toBe('us-west-2');
    expect(subnetZones('Tier1-us-east-1')).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(subnetZones('Tier1-us-west-2')).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2c']);
    template('Tier1-us-east-1').hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: String(staticallyStableCapacity(6, 3).total),
    });
    template('Tier1-us-west-2').hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '3',
      MaxSize: '18',
    });
  });

  test('an Aurora global database: writer and two readers in us-east-1, a secondary with a reader in us-west-2', () => {
    template('Tier1-us-east-1').hasResourceProperties('AWS::RDS::GlobalCluster', {
      GlobalClusterIdentifier: 'orders',
      DeletionProtection: true,
    });
    expect(resourcesOf('Tier1-us-east-1', 'AWS::RDS::DBInstance').map((i) => i.AvailabilityZone)).toEqual([
      'us-east-1a',
      'us-east-1b',
      'us-east-1c',
    ]);
    template('Tier1-us-west-2').hasResourceProperties('AWS::RDS::DBCluster', {
      GlobalClusterIdentifier: 'orders',
      DBClusterIdentifier: 'orders-us-west-2',
    });
    expect(resourcesOf('Tier1-us-west-2', 'AWS::RDS::DBInstance').length).toBeGreaterThanOrEqual(1);
    template('Tier1-us-west-2').hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'AuroraGlobalDBReplicationLag',
    });
  });

  test('failover records: PRIMARY us-east-1, SECONDARY us-west-2, both health-checked', () => {
    const dns = template('Tier1-Dns');
    expect(regionOf('Tier1-Dns')).toBe('us-east-1');
    dns.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'orders.example.com.',
      Failover: 'PRIMARY',
      HealthCheckId: Match.anyValue(),
    });
    dns.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'orders.example.com.',
      Failover: 'SECONDARY',
      HealthCheckId: Match.anyValue(),
    });
    dns.resourceCountIs('AWS::Route53::HealthCheck', 2);
  });

  test('runbooks promote the secondary and scale the standby; backups are copied to the us-west-2 vault', () => {
    const standbyDocs = resourcesOf('Tier1-us-west-2', 'AWS::SSM::Document').filter(
      (d) => d.DocumentType === 'Automation',
    );
    expect(standbyDocs.length).toBeGreaterThanOrEqual(3);
    template('Tier1-us-west-2-Keys').hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: 'orders-dr',
    });
    template('Tier1-us-east-1').hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: Match.objectLike({
        BackupPlanRule: [
          Match.objectLike({ CopyActions: [Match.objectLike({ DestinationBackupVaultArn: Match.anyValue() })] }),
        ],
      }),
    });
    template('Tier1-us-east-1').resourceCountIs('AWS::FIS::ExperimentTemplate', 2);
  });

  test('the primary can shed non-essential features, and publishes the timeouts and retries its clients use', () => {
    const primary = template('Tier1-us-east-1');
    primary.hasResourceProperties('AWS::AppConfig::ConfigurationProfile', { Type: 'AWS.AppConfig.FeatureFlags' });
    const automation = resourcesOf('Tier1-us-east-1', 'AWS::SSM::Document').filter(
      (d) => d.DocumentType === 'Automation',
    );
    // StartZonalShift and DegradeFeatures beside the fleet's own deployment and automatic zonal shift runbooks,
    // and the AZ drill's verdict on its gray failure.
    expect(automation).toHaveLength(5);
    const [parameter] = resourcesOf('Tier1-us-east-1', 'AWS::SSM::Parameter').filter(
      (p) => p.Name === '/ha-constructs/orders/client-resilience-policy',
    );
    expect(JSON.parse(parameter.Value as string).hops.map((h: { name: string }) => h.name)).toEqual([
      'orders-db',
      'inventory-api',
    ]);
  });
});

describe('TIER_2 pilot light', () => {
  test('the standby region holds data only: a headless secondary and a fleet at zero', () => {
    expect(subnetZones('Tier2-us-east-1')).toEqual(['us-east-1a', 'us-east-1b']);
    expect(subnetZones('Tier2-us-west-2')).toEqual(['us-west-2a', 'us-west-2b']);
    template('Tier2-us-west-2').hasResourceProperties('AWS::RDS::DBCluster', { GlobalClusterIdentifier: 'catalog' });
    template('Tier2-us-west-2').resourceCountIs('AWS::RDS::DBInstance', 0);
    template('Tier2-us-west-2').hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '0',
      MaxSize: '12',
    });
    template('Tier2-us-east-1').hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '4',
      MaxSize: '12',
    });
  });

  test('images replicate to the us-west-2 bucket with replication time control', () => {
    template('Tier2-us-east-1').hasResourceProperties('AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', ['catalog-images-', { Ref: 'AWS::AccountId' }, '-us-east-1']] },
      ReplicationConfiguration: Match.objectLike({
        Rules: [
          Match.objectLike({
            Destination: Match.objectLike({
              Bucket: { 'Fn::Join': ['', ['arn:aws:s3:::catalog-images-', { Ref: 'AWS::AccountId' }, '-us-west-2']] },
              ReplicationTime: Match.objectLike({ Status: 'Enabled' }),
            }),
          }),
        ],
      }),
    });
    template('Tier2-us-west-2-Replicas').hasResourceProperties('AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', ['catalog-images-', { Ref: 'AWS::AccountId' }, '-us-west-2']] },
    });
  });

  test('failover records and the runbooks that light the standby up', () => {
    template('Tier2-Dns').hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'catalog.example.com.',
      Failover: 'SECONDARY',
      HealthCheckId: Match.anyValue(),
    });
    const docs = resourcesOf('Tier2-us-west-2', 'AWS::SSM::Document').filter((d) => d.DocumentType === 'Automation');
    expect(docs.length).toBeGreaterThanOrEqual(2);
  });
});

describe('TIER_3 backup and restore', () => {
  test('one serving region across two AZs: fleet, writer and reader in distinct zones', () => {
    const servingStacks = STACK_IDS.filter(
      (id) => id.startsWith('Tier3-') && resourcesOf(id, 'AWS::AutoScaling::AutoScalingGroup').length > 0,
    );
    expect(servingStacks).toEqual(['Tier3-us-east-1']);
    expect(subnetZones('Tier3-us-east-1')).toEqual(['us-east-1a', 'us-east-1b']);
    expect(resourcesOf('Tier3-us-east-1', 'AWS::RDS::DBInstance').map((i) => i.AvailabilityZone)).toEqual([
      'us-east-1a',
      'us-east-1b',
    ]);
    template('Tier3-us-east-1').hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '2' });
  });

  test('backups every tier interval, copied to us-west-2, restored by a weekly test', () => {
    const tier = ServiceTier.TIER_3;
    template('Tier3-us-east-1').hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: Match.objectLike({
        BackupPlanRule: [
          Match.objectLike({
            Lifecycle: { DeleteAfterDays: tier.backupRetentionDays },
            CopyActions: [
              Match.objectLike({
                DestinationBackupVaultArn: {
                  'Fn::Join': [
                    '',
                    ['arn:aws:backup:us-west-2:', { Ref: 'AWS::AccountId' }, ':backup-vault:reports-dr'],
                  ],
                },
              }),
            ],
          }),
        ],
      }),
    });
    template('Tier3-us-east-1').resourceCountIs('AWS::Backup::RestoreTestingPlan', 1);
    template('Tier3-us-west-2-Backups').hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: 'reports-dr',
    });
  });
});
