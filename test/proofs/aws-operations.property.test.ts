import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { AuditTrail } from '../../lib/aws/audit-trail';
import { SyntheticCanary } from '../../lib/aws/canary';
import { ClientResiliencePolicy } from '../../lib/aws/client-policy';
import { GoldenSignalsDashboard } from '../../lib/aws/dashboard';
import { FeatureFlags } from '../../lib/aws/degradation';
import { AzEvacuationDrill, RegionEvacuationDrill } from '../../lib/aws/drill';
import { IncidentResponse } from '../../lib/aws/incident-response';
import { FailoverRunbooks, FailoverTrigger } from '../../lib/aws/runbooks';
import { ServiceTier } from '../../lib/core';
import { anyLogRetention, anyTierAndZones, badLogRetention, notPositiveInteger, importedVpc, ZONES } from './fixtures';
import { anyServiceName, anyTier, proveConstruct } from './harness';
import { breaking, invalidProp } from './invalid';

/** Property-based proofs of the operations constructs: probes, audit, drills, dashboards, runbooks, incidents. */

const LOAD_BALANCER_ARN = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/api/0123456789abcdef';

function pageAlarm(scope: Construct): cloudwatch.IAlarm {
  return cloudwatch.Alarm.fromAlarmArn(scope, 'Page', 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:page');
}

const canaryProps = fc
  .record({
    tier: anyTier,
    service: anyServiceName,
    host: fc.domain(),
    path: fc.stringMatching(/^\/[a-z0-9/_-]{0,20}$/),
    intervalMinutes: fc.integer({ min: 1, max: 60 }),
    successPercentThreshold: fc.integer({ min: 1, max: 100 }),
    alarmPeriods: fc.integer({ min: 1, max: 10 }),
    artifactRetentionDays: fc.integer({ min: 1, max: 455 }),
  })
  .map((p) => ({ ...p, intervalMinutes: Math.min(p.intervalMinutes, p.tier.probeIntervalMinutes) }));
type CanaryProps = typeof canaryProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<CanaryProps>({
  name: 'SyntheticCanary',
  valid: canaryProps,
  build: (scope, p) =>
    new SyntheticCanary(scope, 'Probe', {
      tier: p.tier,
      service: p.service,
      url: `https://${p.host}${p.path}`,
      intervalMinutes: p.intervalMinutes,
      successPercentThreshold: p.successPercentThreshold,
      alarmPeriods: p.alarmPeriods,
      artifactRetentionDays: p.artifactRetentionDays,
    }),
  invalid: [
    invalidProp(canaryProps, 'intervalMinutes', fc.oneof(notPositiveInteger, fc.integer({ min: 61, max: 10_000 }))),
    invalidProp(canaryProps, 'alarmPeriods', notPositiveInteger),
    invalidProp(
      canaryProps,
      'successPercentThreshold',
      fc.oneof(fc.double({ min: -100, max: 0, noNaN: true }), fc.double({ min: 100.01, max: 1e4, noNaN: true })),
    ),
  ],
});

const auditProps = fc
  .record({
    tier: anyTier,
    service: anyServiceName,
    retentionDays: fc.integer({ min: 1, max: 3650 }),
    infrequentAccessAfterDays: fc.integer({ min: 30, max: 365 }),
    glacierGap: fc.integer({ min: 30, max: 365 }),
    logRetention: anyLogRetention,
  })
  .map((p) => ({
    ...p,
    glacierAfterDays: p.infrequentAccessAfterDays + p.glacierGap,
    logRetentionDays: Math.max(p.logRetention, p.tier.logRetentionDays),
  }));
type AuditProps = typeof auditProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<AuditProps>({
  name: 'AuditTrail',
  valid: auditProps,
  build: (scope, p) =>
    new AuditTrail(scope, 'Audit', {
      tier: p.tier,
      service: p.service,
      compliance: { retentionDays: p.retentionDays },
      infrequentAccessAfterDays: p.infrequentAccessAfterDays,
      glacierAfterDays: p.glacierAfterDays,
      logRetentionDays: p.logRetentionDays,
    }),
  invalid: [
    invalidProp(auditProps, 'infrequentAccessAfterDays', fc.integer({ min: -10, max: 29 })),
    invalidProp(auditProps, 'logRetentionDays', badLogRetention),
    {
      prop: 'compliance.retentionDays',
      props: breaking(auditProps, notPositiveInteger, (p, retentionDays) => ({ ...p, retentionDays })),
    },
  ],
});

interface DrillFixture {
  readonly vpc: ReturnType<typeof importedVpc>;
  readonly fleet: autoscaling.IAutoScalingGroup;
}

// The drills select subnets by zone and target them by id: an imported VPC is enough, and keeps its 30-odd resources out of each run.
const drillFixture = (scope: Construct): DrillFixture => ({
  vpc: importedVpc(scope, ZONES['us-east-1']),
  fleet: autoscaling.AutoScalingGroup.fromAutoScalingGroupName(scope, 'Fleet', 'orders-fleet'),
});

const azDrillProps = fc
  .record({
    tierZones: anyTierAndZones,
    service: anyServiceName,
    zoneIndex: fc.nat(),
    durationMinutes: fc.integer({ min: 1, max: 720 }),
    logRetention: anyLogRetention,
    database: fc.boolean(),
  })
  .map((p) => ({
    ...p,
    zone: p.tierZones.zones[p.zoneIndex % p.tierZones.zones.length],
    logRetentionDays: Math.max(p.logRetention, p.tierZones.tier.logRetentionDays),
  }));
type AzDrillProps = typeof azDrillProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<AzDrillProps, DrillFixture>({
  name: 'AzEvacuationDrill',
  valid: azDrillProps,
  fixture: drillFixture,
  build: (scope, p, f) =>
    new AzEvacuationDrill(scope, 'AzDrill', {
      tier: p.tierZones.tier,
      service: p.service,
      vpc: f.vpc,
      autoScalingGroup: f.fleet,
      availabilityZone: p.zone,
      stopConditionAlarm: pageAlarm(scope),
      durationMinutes: p.durationMinutes,
      logRetentionDays: p.logRetentionDays,
      databaseCluster: p.database
        ? rds.DatabaseCluster.fromDatabaseClusterAttributes(scope, 'Cluster', { clusterIdentifier: 'orders' })
        : undefined,
    }),
  invalid: [
    invalidProp(azDrillProps, 'durationMinutes', fc.oneof(notPositiveInteger, fc.integer({ min: 721, max: 100_000 }))),
    {
      prop: 'availabilityZone',
      props: fc
        .tuple(azDrillProps, fc.constantFrom('us-west-2a', 'eu-west-1b', 'us-east-1z'))
        .map(([p, zone]) => ({ ...p, zone })),
    },
    invalidProp(azDrillProps, 'logRetentionDays', badLogRetention),
  ],
});

const regionDrillProps = fc.record({
  tier: anyTier.filter((tier) => tier.isMultiRegion),
  service: anyServiceName,
  durationMinutes: fc.integer({ min: 1, max: 720 }),
});
type RegionDrillProps = typeof regionDrillProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<RegionDrillProps, DrillFixture>({
  name: 'RegionEvacuationDrill',
  valid: regionDrillProps,
  fixture: drillFixture,
  build: (scope, p, f) =>
    new RegionEvacuationDrill(scope, 'RegionDrill', {
      tier: p.tier,
      service: p.service,
      vpc: f.vpc,
      autoScalingGroup: f.fleet,
      stopConditionAlarm: pageAlarm(scope),
      durationMinutes: p.durationMinutes,
    }),
  invalid: [
    invalidProp(
      regionDrillProps,
      'durationMinutes',
      fc.oneof(notPositiveInteger, fc.integer({ min: 721, max: 100_000 })),
    ),
    { prop: 'tier', props: regionDrillProps.map((p) => ({ ...p, tier: ServiceTier.TIER_3 })) },
  ],
});

const dashboardProps = fc.record({
  tier: anyTier,
  service: anyServiceName,
  latencyMs: fc.integer({ min: 1, max: 60_000 }),
  dashboardName: fc.stringMatching(/^[a-zA-Z0-9_-]{1,40}$/),
});
type DashboardProps = typeof dashboardProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<DashboardProps>({
  name: 'GoldenSignalsDashboard',
  valid: dashboardProps,
  build: (scope, p) =>
    new GoldenSignalsDashboard(scope, 'Dashboard', {
      tier: p.tier,
      service: p.service,
      latencyThreshold: Duration.millis(p.latencyMs),
      dashboardName: p.dashboardName,
      loadBalancer: elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(scope, 'Lb', {
        loadBalancerArn: LOAD_BALANCER_ARN,
        securityGroupId: 'sg-0123456789abcdef0',
      }),
    }),
  invalid: [{ prop: 'latencyThreshold', props: dashboardProps.map((p) => ({ ...p, latencyMs: 0 })) }],
});

const featureName = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,30}$/);
const flagsProps = fc.record({
  tier: anyTier,
  service: anyServiceName,
  features: fc.uniqueArray(
    fc.record({
      name: featureName,
      description: fc.string({ minLength: 1, maxLength: 60 }),
      enabled: fc.option(fc.boolean(), { nil: undefined }),
    }),
    {
      minLength: 1,
      maxLength: 6,
      selector: (f) => f.name,
    },
  ),
});
type FlagsProps = typeof flagsProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<FlagsProps>({
  name: 'FeatureFlags',
  valid: flagsProps,
  build: (scope, p) =>
    new FeatureFlags(scope, 'Flags', {
      tier: p.tier,
      service: p.service,
      features: p.features,
      rollbackAlarm: pageAlarm(scope),
    }),
  invalid: [
    { prop: 'features', props: flagsProps.map((p) => ({ ...p, features: [] })) },
    { prop: 'features', props: flagsProps.map((p) => ({ ...p, features: [...p.features, p.features[0]] })) },
    {
      prop: 'features[].name',
      props: fc
        .tuple(flagsProps, fc.stringMatching(/^[0-9_-][a-zA-Z0-9_-]{0,10}$/))
        .map(([p, name]) => ({ ...p, features: [{ name, description: 'bad', enabled: undefined }] })),
    },
  ],
});

const runbookProps = fc
  .record({
    tier: anyTier,
    service: anyServiceName,
    min: fc.integer({ min: 0, max: 20 }),
    up: fc.integer({ min: 0, max: 20 }),
    upMore: fc.integer({ min: 0, max: 20 }),
    zonalShiftMinutes: fc.integer({ min: 1, max: 3 * 24 * 60 }),
  })
  .map((p) => ({ ...p, capacity: { min: p.min, desired: p.min + p.up, max: p.min + p.up + p.upMore } }));
type RunbookProps = typeof runbookProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<RunbookProps>({
  name: 'FailoverRunbooks',
  region: 'us-west-2',
  valid: runbookProps,
  build: (scope, p) =>
    new FailoverRunbooks(scope, 'Runbooks', {
      tier: p.tier,
      service: p.service,
      globalClusterIdentifier: 'orders-global',
      secondaryClusterArn: 'arn:aws:rds:us-west-2:111122223333:cluster:orders-standby',
      loadBalancerArn: LOAD_BALANCER_ARN.replace('us-east-1', 'us-west-2'),
      standbyAutoScalingGroupName: 'orders-standby',
      primaryCapacity: p.capacity,
      zonalShiftExpiresIn: Duration.minutes(p.zonalShiftMinutes),
      // An automatic promotion waits for a witness in a third region (HA-DR10).
      failoverTrigger: p.tier.allRegionsServe
        ? FailoverTrigger.alarm(pageAlarm(scope), {
            witness: {
              region: 'us-east-2',
              alarmName: 'orders-lost',
              pageTopic: sns.Topic.fromTopicArn(scope, 'PageTopic', 'arn:aws:sns:us-west-2:111122223333:orders-page'),
            },
          })
        : FailoverTrigger.operator(Duration.minutes(5)),
    }),
  invalid: [
    {
      prop: 'primaryCapacity',
      props: runbookProps
        .filter((p) => p.up > 0)
        .map((p) => ({ ...p, capacity: { ...p.capacity, min: p.capacity.desired + 1 } })),
    },
    {
      prop: 'primaryCapacity.desired',
      props: fc
        .tuple(
          runbookProps,
          fc.double({ min: 0.01, max: 100, noNaN: true }).filter((d) => !Number.isInteger(d)),
        )
        .map(([p, desired]) => ({ ...p, capacity: { ...p.capacity, desired } })),
    },
    {
      prop: 'zonalShiftExpiresIn',
      props: fc
        .tuple(runbookProps, fc.integer({ min: 3 * 24 * 60 + 1, max: 1e6 }))
        .map(([p, zonalShiftMinutes]) => ({ ...p, zonalShiftMinutes })),
    },
  ],
});

const responder = (role: string) =>
  fc.record({
    alias: fc.stringMatching(new RegExp(`^[a-z0-9_-]{1,20}-${role}$`)),
    displayName: fc.string({ minLength: 1, maxLength: 40 }),
    email: fc.emailAddress(),
  });
const incidentProps = fc.record({
  tier: anyTier,
  service: anyServiceName,
  commander: responder('ic'),
  comms: responder('comms'),
  impact: fc.integer({ min: 1, max: 5 }),
});
type IncidentProps = typeof incidentProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<IncidentProps>({
  name: 'IncidentResponse',
  valid: incidentProps,
  build: (scope, p) =>
    new IncidentResponse(scope, 'Response', {
      tier: p.tier,
      service: p.service,
      incidentCommander: p.commander,
      communicationsLead: p.comms,
      impact: p.impact,
    }),
  invalid: [
    invalidProp(
      incidentProps,
      'impact',
      fc.oneof(
        fc.integer({ min: -100, max: 0 }),
        fc.integer({ min: 6, max: 100 }),
        fc.double({ min: 1.01, max: 4.99, noNaN: true }).filter((d) => !Number.isInteger(d)),
      ),
    ),
    {
      prop: 'incidentCommander.alias',
      props: fc
        .tuple(incidentProps, fc.stringMatching(/^[A-Z][A-Z0-9 ]{0,10}$/))
        .map(([p, alias]) => ({ ...p, commander: { ...p.commander, alias } })),
    },
  ],
});

const hop = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
  attempts: fc.integer({ min: 1, max: 3 }),
  perTryMs: fc.integer({ min: 10, max: 300 }),
  baseMs: fc.integer({ min: 1, max: 100 }),
  capMs: fc.integer({ min: 0, max: 100 }),
});
const clientProps = fc.record({
  tier: anyTier,
  service: anyServiceName,
  hops: fc.array(hop, { minLength: 1, maxLength: 3 }),
});
type ClientProps = typeof clientProps extends fc.Arbitrary<infer T> ? T : never;

/** The upstream timeout that fits every hop's worst case (attempts × per-try timeout plus the backoff between tries). */
function fittingTimeoutMs(p: ClientProps): number {
  return p.hops.reduce((sum, h) => sum + h.attempts * h.perTryMs + (h.attempts - 1) * (h.baseMs + h.capMs), 0) + 1;
}

proveConstruct<ClientProps & { timeoutMs?: number }>({
  name: 'ClientResiliencePolicy',
  valid: clientProps,
  build: (scope, p) =>
    new ClientResiliencePolicy(scope, 'ClientPolicy', {
      tier: p.tier,
      service: p.service,
      upstreamTimeout: Duration.millis(p.timeoutMs ?? fittingTimeoutMs(p)),
      hops: p.hops.map((h) => ({
        name: h.name,
        attempts: h.attempts,
        perTryTimeout: Duration.millis(h.perTryMs),
        baseDelay: Duration.millis(h.baseMs),
        maxDelay: Duration.millis(h.baseMs + h.capMs),
      })),
    }),
  invalid: [{ prop: 'upstreamTimeout', props: clientProps.map((p) => ({ ...p, timeoutMs: p.hops[0].perTryMs - 1 })) }],
});
