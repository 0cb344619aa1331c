import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { TerraformStack, TerraformVariable, Token } from 'cdktf';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import {
  CLOUDWATCH_LOG_RETENTION_DAYS,
  DrStrategy,
  HaRole,
  ROUTE53_HEALTH_CHECKER_REGIONS,
  ServiceTier,
  primaryFleetCapacity,
} from '../../lib/core';
import { AuditTrail } from '../../lib/tf/aws/audit-trail';
import { SyntheticCanary } from '../../lib/tf/aws/canary';
import { GlobalDatabase } from '../../lib/tf/aws/global-database';
import { DnsRouting, FailoverDns, FailoverDnsEndpoint } from '../../lib/tf/aws/dns';
import { AzEvacuationDrill } from '../../lib/tf/aws/drill';
import { FleetPlacementStrategy, ResilientFleet } from '../../lib/tf/aws/fleet';
import { EncryptedSecret } from '../../lib/tf/aws/secret';
import { SloAlarms } from '../../lib/tf/aws/slo';
import { GlobalTable, TableConsistency } from '../../lib/tf/aws/global-table';
import { badLogRetention, notPositiveInteger } from './fixtures';
import { anyServiceName, anyTier } from './harness';
import {
  AWS_DEFAULT_REGION,
  anyHost,
  anyPath,
  notIntegerFrom,
  notIntegerIn,
  optional,
  proveTfConstruct,
  withProbeInterval,
} from './tf-harness';
import { breaking } from './invalid';

/**
 * Property-based proofs of the cdktf constructs on AWS (the networks are in tf.property.test.ts):
 * random valid props synthesize to Terraform JSON with no leaked value and no HA error on the
 * construct's resources; a random invalid value of each validated prop throws an Error naming it.
 */

/** Regions of the proof stacks' providers; the first is the stack's alias-less default. */
const REGIONS = [AWS_DEFAULT_REGION, 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
/** The other regions of us-east-1's MRSC region set (strongly consistent tables). */
const MRSC_US_OTHERS = ['us-east-2', 'us-west-2'];

/** What the constructs take from their stack: providers of other regions, broken providers, variables, subnets (each made on first use). */
interface AwsFixture {
  /** The stack's alias-less default provider (us-east-1). */
  readonly defaultProvider: AwsProvider;
  /** The alias of a region, us-east-1 included (named by the region with underscores). */
  readonly alias: (region: string) => AwsProvider;
  /** An alias without a region. */
  readonly noRegion: () => AwsProvider;
  /** A provider in us-west-2 without an alias (a stack with two would be invalid: for invalid props only). */
  readonly noAlias: () => AwsProvider;
  /** A Terraform variable's value, for props that take an expression. */
  readonly variable: (name: string) => string;
  /** Ids of subnets in the first `count` zones of `region`, so that the HA checks see the zones a fleet spans. */
  readonly subnets: (region: string, kind: 'private' | 'public', count: number) => string[];
}

function awsFixture(stack: TerraformStack): AwsFixture {
  const defaultProvider = stack.node.findChild('aws') as AwsProvider;
  const made = new Map<string, unknown>();
  const once = <T>(id: string, make: () => T): T => {
    if (!made.has(id)) {
      made.set(id, make());
    }
    return made.get(id) as T;
  };
  const alias = (region: string) =>
    once(
      `alias-${region}`,
      () => new AwsProvider(stack, region.replace(/-/g, '_'), { region, alias: region.replace(/-/g, '_') }),
    );
  return {
    defaultProvider,
    alias,
    noRegion: () => once('noregion', () => new AwsProvider(stack, 'noregion', { alias: 'noregion' })),
    noAlias: () => once('noalias', () => new AwsProvider(stack, 'noalias', { region: 'us-west-2' })),
    variable: (name) =>
      once(`variable-${name}`, () => new TerraformVariable(stack, name, { type: 'string' }).stringValue),
    subnets: (region, kind, count) =>
      Array.from({ length: count }, (_, i) => {
        const zone = `${region}${'abcd'[i]}`;
        return once(
          `subnet-${kind}-${zone}`,
          () =>
            new Subnet(stack, `${kind}-${zone}`, {
              provider: region === AWS_DEFAULT_REGION ? defaultProvider : alias(region),
              vpcId: 'vpc-0123456789abcdef0',
              availabilityZone: zone,
              cidrBlock: `10.${kind === 'public' ? 0 : 1}.${i}.0/24`,
            }).id,
        );
      }),
  };
}

/** `provider` for a primary region: the stack's default (left out, or passed) for us-east-1, the region's alias otherwise. */
function primaryProvider(fixture: AwsFixture, region: string, explicit: boolean): AwsProvider | undefined {
  return region === AWS_DEFAULT_REGION ? (explicit ? fixture.defaultProvider : undefined) : fixture.alias(region);
}

/** The alias of a region (replica and secondary providers), or one of the fixture's broken providers (`noregion`, `noalias`). */
function providerOf(fixture: AwsFixture, key: string): AwsProvider {
  return key === 'noregion' ? fixture.noRegion() : key === 'noalias' ? fixture.noAlias() : fixture.alias(key);
}

/** A primary region, whether its provider is passed explicitly, and `count` other regions. */
function anyRegions(minOthers: number, maxOthers: number) {
  return fc
    .record({
      regions: fc.shuffledSubarray(REGIONS, { minLength: minOthers + 1, maxLength: maxOthers + 1 }),
      explicitProvider: fc.boolean(),
    })
    .map(({ regions, explicitProvider }) => ({ primary: regions[0], others: regions.slice(1), explicitProvider }));
}

/** Optional data-residency constraint: undefined, or the regions used plus any others. */
function anyAllowedRegions(used: string[]): fc.Arbitrary<string[] | undefined> {
  const distinct = [...new Set(used)];
  return fc.option(
    fc.subarray(REGIONS.filter((r) => !distinct.includes(r))).map((more) => [...distinct, ...more]),
    { nil: undefined },
  );
}

const anyRole = fc.constantFrom(undefined, HaRole.PRIMARY);
const anyArn = (service: string, resource: string) =>
  fc
    .integer({ min: 100000000000, max: 999999999999 })
    .map((account) => `arn:aws:${service}:us-east-1:${account}:${resource}`);
/** Days from `min` (a tier's retention) to ten years. */
const anyDaysFrom = (min: number, max = 3650) => fc.integer({ min, max });
const anyLogRetentionFrom = (min: number) => fc.constantFrom(...CLOUDWATCH_LOG_RETENTION_DAYS.filter((d) => d >= min));
/** A count below `min` (a list too short). */
const shortList = (min: number, item: fc.Arbitrary<string>) =>
  fc.array(item, { minLength: 0, maxLength: Math.max(0, min - 1) });
// Built once: building a `stringMatching` arbitrary costs ~15 ms, too much to do inside `chain`.
const anySubnetId = fc.stringMatching(/^subnet-[0-9a-f]{8,17}$/);
const anyIdentifier = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/);
const anyHex16 = fc.stringMatching(/^[0-9a-f]{16}$/);

// ---------------------------------------------------------------------------------------------

const auditTrail = anyTier.chain((tier) =>
  fc.record({
    tier: fc.constant(tier),
    service: anyServiceName,
    role: anyRole,
    where: anyRegions(0, 0),
    retentionDays: optional(anyDaysFrom(tier.logRetentionDays)),
  }),
);

proveTfConstruct({
  name: 'AuditTrail (Terraform)',
  cloud: 'aws',
  valid: auditTrail,
  fixture: awsFixture,
  build: (scope, p, f) =>
    new AuditTrail(scope, 'Audit', {
      tier: p.tier,
      service: p.service,
      role: p.role,
      provider: primaryProvider(f, p.where.primary, p.where.explicitProvider),
      compliance: p.retentionDays === undefined ? undefined : { retentionDays: p.retentionDays },
    }),
  invalid: [
    {
      prop: 'compliance.retentionDays',
      props: breaking(auditTrail, notPositiveInteger, (p, retentionDays) => ({ ...p, retentionDays })),
    },
  ],
});

// ---------------------------------------------------------------------------------------------

const canary = anyTier.chain((tier) =>
  fc.record({
    tier: fc.constant(tier),
    service: anyServiceName,
    where: anyRegions(0, 0),
    url: fc.oneof(
      fc.tuple(anyHost, fc.option(anyPath, { nil: '' })).map(([host, path]) => ({ literal: `https://${host}${path}` })),
      anyPath.map((path) => ({ domainVariable: path })),
    ),
    intervalMinutes: optional(fc.integer({ min: 1, max: tier.probeIntervalMinutes })),
    alarmPeriods: optional(fc.integer({ min: 1, max: 10 })),
    artifactRetentionDays: optional(anyDaysFrom(tier.logRetentionDays)),
    alarmTopicArn: optional(anyArn('sns', 'probe-alarms')),
    runtimeVersion: optional(
      fc.constantFrom('syn-nodejs-puppeteer-13.0', 'syn-nodejs-puppeteer-12.0', 'syn-nodejs-puppeteer-11.0'),
    ),
  }),
);

proveTfConstruct({
  name: 'SyntheticCanary (Terraform)',
  cloud: 'aws',
  valid: canary,
  fixture: awsFixture,
  build: (scope, p, f) =>
    new SyntheticCanary(scope, 'Probe', {
      tier: p.tier,
      service: p.service,
      provider: primaryProvider(f, p.where.primary, p.where.explicitProvider),
      url: 'literal' in p.url ? p.url.literal : `https://${f.variable('domain')}${p.url.domainVariable}`,
      intervalMinutes: p.intervalMinutes,
      alarmPeriods: p.alarmPeriods,
      artifactRetentionDays: p.artifactRetentionDays,
      alarmTopicArn: p.alarmTopicArn,
      runtimeVersion: p.runtimeVersion,
    }),
  invalid: [
    {
      prop: 'url',
      props: breaking(
        canary,
        fc.oneof(
          anyHost.map((h) => `http://${h}/health`),
          anyHost.map((h) => `ftp://${h}`),
          anyHost,
          anyPath.map((path) => `https://${path}`),
          fc.constantFrom('', 'https://', 'https:// example.com', 'HTTPS//example.com'),
        ),
        (p, url) => ({ ...p, url: { literal: url } }),
      ),
    },
    {
      // Out of Synthetics' range, given or from a custom tier's probe interval.
      prop: 'intervalMinutes',
      props: breaking(
        canary,
        fc.oneof(
          notIntegerIn(1, 60).map((minutes) => ({ minutes })),
          fc.integer({ min: 61, max: 1440 }).map((minutes) => ({ minutes, fromTier: true })),
        ),
        (p, bad) =>
          'fromTier' in bad
            ? { ...p, tier: withProbeInterval(p.tier, bad.minutes), intervalMinutes: undefined }
            : { ...p, intervalMinutes: bad.minutes },
      ),
    },
    { prop: 'alarmPeriods', props: breaking(canary, notIntegerFrom(1), (p, alarmPeriods) => ({ ...p, alarmPeriods })) },
    {
      prop: 'artifactRetentionDays',
      props: breaking(canary, notIntegerFrom(1), (p, artifactRetentionDays) => ({ ...p, artifactRetentionDays })),
    },
  ],
});

// ---------------------------------------------------------------------------------------------

/** Aurora PostgreSQL versions Aurora Global Database supports. */
const ENGINE_VERSIONS = ['13.18', '14.13', '15.8', '16.4', '16.6'];

/** A literal engine version, or (undefined) a Terraform variable's; and the parameter group family, when given. */
interface EngineDraw {
  readonly version: string | undefined;
  readonly family: string | undefined;
}

const anySubnets = (tier: ServiceTier) =>
  fc.oneof(
    fc.uniqueArray(anySubnetId, { minLength: tier.minAzs, maxLength: 4 }).map((ids) => ({ ids })),
    fc.constant({ variable: true as const }),
  );

const globalDatabase = anyTier.chain((tier) => {
  const defaultSecondary = (readers: number) =>
    tier.allRegionsServe ? readers + 1 : tier.strategy === DrStrategy.WARM_STANDBY ? 1 : 0;
  return fc
    .record({
      tier: fc.constant(tier),
      service: anyServiceName,
      where: anyRegions(1, 1),
      engine: fc.oneof(
        fc.constantFrom(...ENGINE_VERSIONS).map((version): EngineDraw => ({ version, family: undefined })),
        // An engine version from a Terraform variable, with the family it then needs.
        fc
          .constantFrom(...ENGINE_VERSIONS)
          .map((version): EngineDraw => ({ version: undefined, family: `aurora-postgresql${version.split('.')[0]}` })),
      ),
      instanceClass: optional(fc.constantFrom('db.r6g.large', 'db.r7g.xlarge', 'db.r6i.2xlarge')),
      primarySubnets: anySubnets(tier),
      secondarySubnets: anySubnets(tier),
      databaseName: optional(anyIdentifier),
      masterUsername: optional(anyIdentifier),
      masterPasswordVersion: optional(fc.integer({ min: 1, max: 1000 })),
      readers: optional(fc.integer({ min: Math.max(1, tier.minAzs - 1), max: 7 })),
      extraSecondaryReaders: optional(fc.integer({ min: 0, max: 3 })),
      backupRetentionDays: optional(fc.integer({ min: Math.min(tier.backupRetentionDays, 35), max: 35 })),
      secondaryAlarmTopicArn: optional(anyArn('sns', 'replication-alarms')),
      preventDestroy: fc.constantFrom(undefined, true),
    })
    .chain((p) =>
      anyAllowedRegions([p.where.primary, ...p.where.others]).map((allowedRegions) => ({
        ...p,
        allowedRegions,
        secondaryReaders:
          p.extraSecondaryReaders === undefined
            ? undefined
            : defaultSecondary(p.readers ?? tier.minAzs - 1) + p.extraSecondaryReaders,
        // The deprecated counts of instances, drawn only by their invalid cases.
        instances: undefined as number | undefined,
        secondaryInstances: undefined as number | undefined,
      })),
    );
});

type GlobalDatabaseDraw = typeof globalDatabase extends fc.Arbitrary<infer T> ? T : never;

function buildGlobalDatabase(scope: Construct, p: GlobalDatabaseDraw, f: AwsFixture): GlobalDatabase {
  const subnets = (drawn: GlobalDatabaseDraw['primarySubnets'], name: string) =>
    'ids' in drawn ? drawn.ids : Token.asList(f.variable(name));
  return new GlobalDatabase(scope, 'Database', {
    tier: p.tier,
    service: p.service,
    allowedRegions: p.allowedRegions,
    provider: primaryProvider(f, p.where.primary, p.where.explicitProvider),
    secondaryProvider: providerOf(f, p.where.others[0]),
    engineVersion: p.engine.version ?? f.variable('engine_version'),
    parameterGroupFamily: p.engine.family,
    instanceClass: p.instanceClass,
    primaryVpcId: 'vpc-0123456789abcdef0',
    primarySubnetIds: subnets(p.primarySubnets, 'primary_subnets'),
    secondaryVpcId: 'vpc-0fedcba9876543210',
    secondarySubnetIds: subnets(p.secondarySubnets, 'secondary_subnets'),
    databaseName: p.databaseName,
    masterUsername: p.masterUsername,
    masterPassword: f.variable('db_master_password'),
    masterPasswordVersion: p.masterPasswordVersion,
    readers: p.readers,
    secondaryReaders: p.secondaryReaders,
    instances: p.instances,
    secondaryInstances: p.secondaryInstances,
    backupRetentionDays: p.backupRetentionDays,
    secondaryAlarmTopicArn: p.secondaryAlarmTopicArn,
    preventDestroy: p.preventDestroy,
    // rds.global_db_rpo takes no less than 20 s: TIER_0's 1 s needs the data set's own objective.
    rpoObjectiveSeconds: p.tier.regionRpoSeconds < 20 ? 20 : undefined,
  });
}

proveTfConstruct({
  name: 'GlobalDatabase (Terraform)',
  cloud: 'aws',
  valid: globalDatabase,
  fixture: awsFixture,
  build: buildGlobalDatabase,
  invalid: [
    {
      prop: 'secondaryProvider',
      props: globalDatabase.map((p) => ({ ...p, where: { ...p.where, others: ['noregion'] } })),
    },
    {
      prop: 'secondaryProvider.region',
      props: globalDatabase.map((p) => ({ ...p, where: { ...p.where, others: [p.where.primary] } })),
    },
    {
      prop: 'allowedRegions',
      props: breaking(globalDatabase, fc.boolean(), (p, leaveOutPrimary) => ({
        ...p,
        allowedRegions: REGIONS.filter((r) => r !== (leaveOutPrimary ? p.where.primary : p.where.others[0])),
      })),
    },
    {
      prop: 'primarySubnetIds',
      props: globalDatabase.chain((p) =>
        shortList(p.tier.minAzs, anySubnetId).map((ids) => ({ ...p, primarySubnets: { ids } })),
      ),
    },
    {
      prop: 'secondarySubnetIds',
      props: globalDatabase.chain((p) =>
        shortList(p.tier.minAzs, anySubnetId).map((ids) => ({ ...p, secondarySubnets: { ids } })),
      ),
    },
    // A global database's primary readers and its one secondary share Aurora's limit of 15; a secondary runs at most 16.
    { prop: 'readers', props: breaking(globalDatabase, notIntegerIn(0, 14), (p, readers) => ({ ...p, readers })) },
    {
      prop: 'secondaryReaders',
      props: breaking(globalDatabase, notIntegerIn(0, 16), (p, secondaryReaders) => ({ ...p, secondaryReaders })),
    },
    {
      prop: 'instances',
      props: breaking(globalDatabase, notIntegerFrom(1), (p, instances) => ({ ...p, readers: undefined, instances })),
    },
    {
      prop: 'secondaryInstances',
      props: breaking(globalDatabase, notIntegerFrom(0), (p, secondaryInstances) => ({
        ...p,
        secondaryReaders: undefined,
        secondaryInstances,
      })),
    },
    {
      prop: 'backupRetentionDays',
      props: breaking(globalDatabase, notIntegerIn(1, 35), (p, backupRetentionDays) => ({ ...p, backupRetentionDays })),
    },
    {
      prop: 'engineVersion',
      props: breaking(
        globalDatabase,
        fc.oneof(fc.constantFrom('', 'latest', '16.x', 'v16.6', '16.'), fc.constant(undefined)),
        (p, version) => ({
          ...p,
          engine: { version, family: undefined },
        }),
      ),
    },
  ],
});

// ---------------------------------------------------------------------------------------------

const anyZoneId = fc.stringMatching(/^Z[0-9A-Z]{8,13}$/);

/** Health-check paths a health check cannot request: not starting with '/' (a host, a relative path, a URL, empty), or with whitespace in them. */
const badHealthCheckPath = fc.oneof(
  anyHost,
  anyPath.map((path) => path.replace(/^\/+/, '')),
  fc.constantFrom('', ' /health', 'http://x/health'),
  fc.tuple(anyPath, fc.constantFrom(' ', '\t', '\n', '\u00a0'), fc.nat()).map(([path, space, at]) => {
    const i = 1 + (at % path.length);
    return `${path.slice(0, i)}${space}${path.slice(i)}`;
  }),
);

const failoverDns = anyTier
  .chain((tier) =>
    fc.record({
      tier: fc.constant(tier),
      service: anyServiceName,
      // The record's provider: the default (us-east-1, where the health-check metrics are), or another region with a metrics provider in us-east-1.
      providerRegion: fc.constantFrom(...REGIONS),
      explicitProvider: fc.boolean(),
      endpointRegions: fc.shuffledSubarray(REGIONS, {
        minLength: tier.minRegions,
        maxLength: tier.allRegionsServe ? REGIONS.length : 2,
      }),
      endpointNames: fc.array(fc.tuple(fc.option(anyHost, { nil: undefined }), anyZoneId), {
        minLength: REGIONS.length,
        maxLength: REGIONS.length,
      }),
      zone: fc.option(anyZoneId, { nil: undefined }),
      recordName: fc.option(anyHost, { nil: undefined }),
      healthCheckPath: optional(anyPath),
      healthCheckPort: optional(fc.integer({ min: 1, max: 65535 })),
      checkerRegions: optional(fc.shuffledSubarray([...ROUTE53_HEALTH_CHECKER_REGIONS], { minLength: 3 })),
      measureLatency: optional(fc.boolean()),
      // Endpoints that are load balancers (as loadBalancer, or the deprecated dnsName and zoneId) or domain names (CNAME records).
      target: fc.constantFrom('loadBalancer', 'dnsName', 'domainName'),
      // Within what the tier keeps (the HA checks refuse more): its TTL, at most 60 s.
      ttlSeconds: optional(fc.integer({ min: 0, max: Math.min(tier.dnsTtlSeconds, 60) })),
      // Active/active only: weighted instead of latency routing, with a weight per endpoint.
      weighted: fc.boolean(),
      weights: fc.array(optional(fc.integer({ min: 0, max: 255 })), {
        minLength: REGIONS.length,
        maxLength: REGIONS.length,
      }),
      alarmTopicArn: optional(anyArn('sns', 'dns-alarms')),
    }),
  )
  .chain((p) =>
    anyAllowedRegions([...p.endpointRegions, p.providerRegion, AWS_DEFAULT_REGION]).map((allowedRegions) => ({
      ...p,
      allowedRegions,
      metricsRegion: p.providerRegion === AWS_DEFAULT_REGION ? (undefined as string | undefined) : AWS_DEFAULT_REGION,
    })),
  );

type FailoverDnsDraw = typeof failoverDns extends fc.Arbitrary<infer T> ? T : never;

function buildFailoverDns(scope: Construct, p: FailoverDnsDraw, f: AwsFixture): FailoverDns {
  const weighted = p.weighted && p.tier.allRegionsServe;
  const endpoints: FailoverDnsEndpoint[] = p.endpointRegions.map((region, i) => {
    const [host, zoneId] = p.endpointNames[i % p.endpointNames.length];
    const weight = weighted ? p.weights[i] : undefined;
    if (p.target === 'domainName') {
      return {
        region,
        weight,
        domainName: host === undefined ? f.variable(`endpoint_${i}`) : `${host}.${region}.example.net`,
      };
    }
    // A load balancer's name and zone as the example passes them (attributes of an aws_lb), or literal.
    const loadBalancer =
      host === undefined
        ? { dnsName: f.variable(`lb_${i}_dns_name`), zoneId: f.variable(`lb_${i}_zone_id`) }
        : { dnsName: `${host}.${region}.elb.amazonaws.com`, zoneId };
    return p.target === 'dnsName' ? { region, weight, ...loadBalancer } : { region, weight, loadBalancer };
  });
  const provider = primaryProvider(f, p.providerRegion, p.explicitProvider);
  return new FailoverDns(scope, 'Dns', {
    tier: p.tier,
    service: p.service,
    allowedRegions: p.allowedRegions,
    provider,
    metricsProvider: p.metricsRegion === undefined ? undefined : f.alias(p.metricsRegion),
    hostedZoneId: p.zone ?? f.variable('hosted_zone_id'),
    recordName: p.recordName ?? f.variable('domain'),
    endpoints,
    healthCheckPath: p.healthCheckPath,
    healthCheckPort: p.healthCheckPort,
    checkerRegions: p.checkerRegions,
    measureLatency: p.measureLatency,
    ttlSeconds: p.ttlSeconds,
    routing: weighted ? DnsRouting.WEIGHTED : undefined,
    alarmTopicArn: p.alarmTopicArn,
  });
}

proveTfConstruct({
  name: 'FailoverDns (Terraform)',
  cloud: 'aws',
  valid: failoverDns,
  fixture: awsFixture,
  build: buildFailoverDns,
  invalid: [
    {
      prop: 'endpoints',
      props: failoverDns.chain((p) =>
        fc
          .oneof(
            // Fewer regions than the tier keeps.
            fc.integer({ min: 0, max: p.tier.minRegions - 1 }).map((n) => p.endpointRegions.slice(0, n)),
            // A region twice.
            fc.nat(p.endpointRegions.length - 1).map((i) => [...p.endpointRegions, p.endpointRegions[i]]),
            // More than a PRIMARY and a SECONDARY for failover routing (latency routing takes any number).
            ...(p.tier.allRegionsServe ? [] : [fc.shuffledSubarray(REGIONS, { minLength: 3 })]),
          )
          .map((endpointRegions) => ({ ...p, endpointRegions, allowedRegions: undefined })),
      ),
    },
    {
      prop: 'checkerRegions',
      props: failoverDns.chain((p) =>
        fc
          .oneof(
            fc.shuffledSubarray([...ROUTE53_HEALTH_CHECKER_REGIONS], { maxLength: 2 }),
            fc.shuffledSubarray([...ROUTE53_HEALTH_CHECKER_REGIONS], { minLength: 2 }).map((r) => [...r, r[0]]),
            fc
              .shuffledSubarray([...ROUTE53_HEALTH_CHECKER_REGIONS], { minLength: 3 })
              .chain((r) =>
                fc.constantFrom('us-east-2', 'eu-central-1', 'mars-1', 'US-EAST-1', '').map((odd) => [...r, odd]),
              ),
          )
          .map((checkerRegions) => ({ ...p, checkerRegions })),
      ),
    },
    {
      // The health-check alarms' provider (metricsProvider, else provider) outside us-east-1.
      prop: 'metricsProvider',
      props: breaking(
        failoverDns,
        fc.tuple(fc.constantFrom(...REGIONS.slice(1)), fc.boolean()),
        (p, [region, asMetricsProvider]) =>
          asMetricsProvider
            ? { ...p, metricsRegion: region }
            : { ...p, providerRegion: region, explicitProvider: true, metricsRegion: undefined },
      ),
    },
    {
      prop: 'allowedRegions',
      // Leaving out an endpoint's region, the records' (provider's) or the alarms' (us-east-1).
      props: failoverDns.chain((p) =>
        fc
          .constantFrom(...new Set([...p.endpointRegions, p.providerRegion, AWS_DEFAULT_REGION]))
          .map((left) => ({ ...p, allowedRegions: REGIONS.filter((r) => r !== left) })),
      ),
    },
    {
      prop: 'healthCheckPath',
      props: breaking(failoverDns, badHealthCheckPath, (p, healthCheckPath) => ({ ...p, healthCheckPath })),
    },
    {
      prop: 'healthCheckPort',
      props: breaking(failoverDns, notIntegerIn(1, 65535), (p, healthCheckPort) => ({ ...p, healthCheckPort })),
    },
    {
      prop: 'ttlSeconds',
      props: breaking(failoverDns, notIntegerIn(0, 2147483647), (p, ttlSeconds) => ({ ...p, ttlSeconds })),
    },
  ],
});

// ---------------------------------------------------------------------------------------------

const drill = anyTier.chain((tier) =>
  fc.record({
    tier: fc.constant(tier),
    service: anyServiceName,
    where: anyRegions(0, 0),
    zoneLetter: fc.constantFrom('a', 'b', 'c'),
    subnetIds: fc.uniqueArray(anySubnetId, { minLength: 1, maxLength: 3 }) as fc.Arbitrary<string[] | undefined>,
    autoScalingGroupName: fc.option(anyIdentifier, { nil: undefined }),
    databaseClusterArn: optional(anyArn('rds', 'cluster:orders')),
    volumeKeyArn: optional(anyArn('kms', 'key/0123abcd-0123-4567-89ab-0123456789ab')),
    durationMinutes: optional(fc.integer({ min: Math.ceil(tier.azRtoSeconds / 60), max: 720 })),
    logRetentionDays: optional(anyLogRetentionFrom(tier.logRetentionDays)),
  }),
);

proveTfConstruct({
  name: 'AzEvacuationDrill (Terraform)',
  cloud: 'aws',
  valid: drill,
  fixture: awsFixture,
  build: (scope, p, f) =>
    new AzEvacuationDrill(scope, 'Drill', {
      tier: p.tier,
      service: p.service,
      provider: primaryProvider(f, p.where.primary, p.where.explicitProvider),
      availabilityZone: `${p.where.primary}${p.zoneLetter}`,
      // Undefined stands for a list from a Terraform variable (of unknown length).
      subnetIds: p.subnetIds ?? Token.asList(f.variable('zone_subnet_ids')),
      autoScalingGroupName: p.autoScalingGroupName ?? f.variable('fleet_group_name'),
      stopConditionAlarmArn: f.variable('slo_page_alarm_arn'),
      databaseClusterArn: p.databaseClusterArn,
      volumeKeyArn: p.volumeKeyArn,
      durationMinutes: p.durationMinutes,
      logRetentionDays: p.logRetentionDays,
    }),
  invalid: [
    {
      prop: 'subnetIds',
      props: breaking(drill, fc.constantFrom<string[] | undefined>([], undefined), (p, subnetIds) => ({
        ...p,
        subnetIds,
      })),
    },
    {
      prop: 'durationMinutes',
      props: breaking(drill, notIntegerIn(1, 720), (p, durationMinutes) => ({ ...p, durationMinutes })),
    },
    {
      prop: 'logRetentionDays',
      props: breaking(drill, badLogRetention, (p, logRetentionDays) => ({ ...p, logRetentionDays })),
    },
  ],
});

// ---------------------------------------------------------------------------------------------

const INSTANCE_TYPES = ['m7g.large', 'm6g.large', 'c7g.xlarge', 'r7g.large', 'm7i.large'];
const anyCidr = fc
  .tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 8, max: 32 }))
  .map(([a, b, prefix]) => {
    const address = ((a << 24) | (b << 16)) >>> 0;
    const masked = prefix === 32 ? address : address - (address % 2 ** (32 - prefix));
    return `${[24, 16, 8, 0].map((shift) => Math.floor(masked / 2 ** shift) % 256).join('.')}/${prefix}`;
  });

const fleet = anyTier
  .chain((tier) =>
    fc.record({
      tier: fc.constant(tier),
      service: anyServiceName,
      role: fc.constantFrom(undefined, HaRole.PRIMARY, HaRole.STANDBY),
      where: anyRegions(0, 0),
      // Subnets in this many zones of the region (undefined: a list from a Terraform variable).
      subnetCount: fc.integer({ min: tier.minAzs, max: 4 }) as fc.Arbitrary<number | undefined>,
      loadBalancerSubnetCount: fc.integer({ min: Math.max(2, tier.minAzs), max: 4 }),
      instanceTypes: fc.shuffledSubarray(INSTANCE_TYPES, { minLength: 1, maxLength: 3 }),
      requiredCapacity: fc.integer({ min: 1, max: 40 }),
      headroom: fc.integer({ min: 0, max: 30 }),
      placementStrategy: fc.constantFrom(undefined, FleetPlacementStrategy.SPREAD, FleetPlacementStrategy.PARTITION),
      standbyShare: optional(fc.double({ min: 0, max: 1, noNaN: true })),
      internetFacing: optional(fc.boolean()),
      sslPolicy: optional(
        fc.constantFrom(
          'ELBSecurityPolicy-TLS13-1-2-2021-06',
          'ELBSecurityPolicy-TLS13-1-3-2021-06',
          'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
        ),
      ),
      ingressCidrs: optional(fc.array(anyCidr, { minLength: 1, maxLength: 3 })),
      instancePort: optional(fc.integer({ min: 1, max: 65535 })),
      healthCheckPath: optional(anyPath),
      healthCheckGracePeriodSeconds: optional(fc.integer({ min: 0, max: 3600 })),
      userDataBase64: optional(fc.base64String({ minLength: 4, maxLength: 64 })),
      rootVolumeSizeGiB: optional(fc.integer({ min: 8, max: 1024 })),
      rootDeviceName: optional(fc.constantFrom('/dev/xvda', '/dev/sda1')),
      volumeKeyArn: optional(anyArn('kms', 'key/0123abcd-0123-4567-89ab-0123456789ab')),
      alarmTopicArn: optional(anyArn('sns', 'fleet-alarms')),
      accessLogsBucket: optional(anyIdentifier.map((name) => `alb-logs-${name.replace(/_/g, '-')}`)),
      targetCpuPercent: optional(fc.double({ min: 1, max: 99, noNaN: true })),
      rateLimitPerIp: optional(fc.integer({ min: 10, max: 2_000_000_000 })),
    }),
  )
  .map((p) => {
    // The fleet's floor for the tier (static stability, or one per AZ), then headroom above it.
    const azCount = p.subnetCount ?? 1;
    const floor = primaryFleetCapacity(p.requiredCapacity, p.requiredCapacity, azCount, p.tier.staticallyStable).min;
    const maxCapacity = Math.max(floor, p.requiredCapacity) + p.headroom;
    // Spread holds 7 per AZ, and the AZs left after a loss must hold the maximum (core's planFleet).
    const spreadFits = Math.ceil(maxCapacity / Math.max(azCount - 1, 1)) <= 7;
    return {
      ...p,
      maxCapacity,
      placementStrategy:
        p.placementStrategy === FleetPlacementStrategy.SPREAD && !spreadFits
          ? FleetPlacementStrategy.PARTITION
          : p.placementStrategy,
      standbyCapacity: p.standbyShare === undefined ? undefined : Math.floor(p.standbyShare * maxCapacity),
    };
  });

type FleetDraw = typeof fleet extends fc.Arbitrary<infer T> ? T : never;

function buildFleet(scope: Construct, p: FleetDraw, f: AwsFixture): ResilientFleet {
  return new ResilientFleet(scope, 'Fleet', {
    tier: p.tier,
    service: p.service,
    role: p.role,
    provider: primaryProvider(f, p.where.primary, p.where.explicitProvider),
    vpcId: 'vpc-0123456789abcdef0',
    subnetIds:
      p.subnetCount === undefined
        ? Token.asList(f.variable('subnet_ids'))
        : f.subnets(p.where.primary, 'private', p.subnetCount),
    loadBalancerSubnetIds: f.subnets(p.where.primary, 'public', p.loadBalancerSubnetCount),
    imageId: f.variable('image_id'),
    instanceTypes: p.instanceTypes,
    requiredCapacity: p.requiredCapacity,
    maxCapacity: p.maxCapacity,
    standbyCapacity: p.standbyCapacity,
    placementStrategy: p.placementStrategy,
    internetFacing: p.internetFacing,
    certificateArn: f.variable('certificate_arn'),
    sslPolicy: p.sslPolicy,
    ingressCidrs: p.ingressCidrs,
    instancePort: p.instancePort,
    healthCheckPath: p.healthCheckPath,
    healthCheckGracePeriodSeconds: p.healthCheckGracePeriodSeconds,
    userDataBase64: p.userDataBase64,
    rootVolumeSizeGiB: p.rootVolumeSizeGiB,
    rootDeviceName: p.rootDeviceName,
    volumeKeyArn: p.volumeKeyArn,
    alarmTopicArn: p.alarmTopicArn,
    accessLogsBucket: p.accessLogsBucket,
    targetCpuPercent: p.targetCpuPercent,
    rateLimitPerIp: p.rateLimitPerIp,
  });
}

proveTfConstruct({
  name: 'ResilientFleet (Terraform)',
  cloud: 'aws',
  valid: fleet,
  fixture: awsFixture,
  build: buildFleet,
  invalid: [
    {
      prop: 'subnetIds',
      props: fleet.chain((p) =>
        fc.option(fc.nat(p.tier.minAzs - 1), { nil: undefined }).map((subnetCount) => ({ ...p, subnetCount })),
      ),
    },
    {
      prop: 'loadBalancerSubnetIds',
      props: fleet.chain((p) =>
        fc.nat(Math.max(2, p.tier.minAzs) - 1).map((loadBalancerSubnetCount) => ({ ...p, loadBalancerSubnetCount })),
      ),
    },
    { prop: 'instanceTypes', props: fleet.map((p) => ({ ...p, instanceTypes: [] })) },
    {
      prop: 'requiredCapacity',
      props: fleet.chain((p) =>
        fc
          .oneof(notIntegerFrom(1), fc.integer({ min: p.maxCapacity + 1, max: p.maxCapacity + 1000 }))
          .map((requiredCapacity) => ({ ...p, requiredCapacity })),
      ),
    },
    {
      // Not a count, or below what the tier makes the fleet run (static stability, one per AZ, requiredCapacity).
      prop: 'maxCapacity',
      props: fleet.chain((p) => {
        const floor = Math.max(
          p.requiredCapacity,
          primaryFleetCapacity(p.requiredCapacity, p.requiredCapacity, p.subnetCount ?? 1, p.tier.staticallyStable).min,
        );
        return (
          floor > 1 ? fc.oneof(notIntegerFrom(1), fc.integer({ min: 1, max: floor - 1 })) : notIntegerFrom(1)
        ).map((maxCapacity) => ({ ...p, maxCapacity, placementStrategy: undefined, standbyCapacity: undefined }));
      }),
    },
    {
      prop: 'standbyCapacity',
      props: fleet.chain((p) =>
        fc
          .oneof(notIntegerFrom(0), fc.integer({ min: p.maxCapacity + 1, max: p.maxCapacity + 1000 }))
          .map((standbyCapacity) => ({ ...p, standbyCapacity })),
      ),
    },
    {
      // SPREAD with more instances per AZ than a spread placement group holds.
      prop: 'placementStrategy',
      props: fleet.chain((p) =>
        fc.integer({ min: 7 * (p.subnetCount ?? 1) + 1, max: 7 * (p.subnetCount ?? 1) + 200 }).map((maxCapacity) => ({
          ...p,
          maxCapacity: Math.max(maxCapacity, p.maxCapacity),
          placementStrategy: FleetPlacementStrategy.SPREAD,
          standbyCapacity: undefined,
        })),
      ),
    },
    {
      prop: 'instancePort',
      props: breaking(fleet, notIntegerIn(1, 65535), (p, instancePort) => ({ ...p, instancePort })),
    },
    {
      prop: 'rateLimitPerIp',
      props: breaking(fleet, notIntegerIn(10, 2_000_000_000), (p, rateLimitPerIp) => ({ ...p, rateLimitPerIp })),
    },
    {
      prop: 'rootVolumeSizeGiB',
      props: breaking(fleet, notIntegerIn(1, 16384), (p, rootVolumeSizeGiB) => ({ ...p, rootVolumeSizeGiB })),
    },
    {
      prop: 'healthCheckGracePeriodSeconds',
      props: breaking(fleet, notIntegerFrom(0), (p, healthCheckGracePeriodSeconds) => ({
        ...p,
        healthCheckGracePeriodSeconds,
      })),
    },
    {
      prop: 'healthCheckPath',
      props: breaking(fleet, badHealthCheckPath, (p, healthCheckPath) => ({ ...p, healthCheckPath })),
    },
    {
      prop: 'targetCpuPercent',
      props: breaking(
        fleet,
        fc.oneof(
          fc.double({ min: -1000, max: 0, noNaN: true }),
          fc.double({ min: 100, max: 1e6, noNaN: true }),
          fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY),
        ),
        (p, targetCpuPercent) => ({ ...p, targetCpuPercent }),
      ),
    },
  ],
});

// ---------------------------------------------------------------------------------------------

/** Replica provider faults of the multi-region stores: too few, the primary's region, a region twice, no region, no alias. */
function badReplicas(p: { tier: ServiceTier; where: { primary: string; others: string[] } }): fc.Arbitrary<string[]> {
  const { others, primary } = p.where;
  return fc.oneof(
    ...(p.tier.minRegions > 1 ? [fc.constant([] as string[])] : []),
    fc.nat(others.length).map((i) => [...others.slice(0, i), primary, ...others.slice(i)]),
    ...(others.length > 0 ? [fc.nat(others.length - 1).map((i) => [...others, others[i]])] : []),
    fc.nat(others.length).map((i) => [...others.slice(0, i), 'noregion', ...others.slice(i)]),
    fc.constant<string[]>([...others.filter((r) => r !== 'us-west-2'), 'noalias']),
  );
}

/** allowedRegions that leave out the primary or a replica. */
function badAllowedRegions(p: { where: { primary: string; others: string[] } }): fc.Arbitrary<string[]> {
  const used = [p.where.primary, ...p.where.others];
  return fc.nat(used.length - 1).map((i) => REGIONS.filter((r) => r !== used[i]));
}

const secret = anyTier
  .chain((tier) =>
    fc.record({
      tier: fc.constant(tier),
      service: anyServiceName,
      where: anyRegions(tier.minRegions - 1, 3),
      // A secret that never rotates fails HA-SEC1: the construct allows it (documented), the tier does not.
      rotation: fc.oneof(
        anyArn('lambda', 'function:rotate-secret').map((rotationLambdaArn) => ({ rotationLambdaArn })),
        fc.integer({ min: 16, max: 4096 }).map((generatedValueLength) => ({ generatedValueLength })),
        // A value its issuer rotates: the reason acknowledges HA-SEC1.
        fc.constant({ rotatedExternally: 'issued by the payment provider, rotated in its console' }),
      ) as fc.Arbitrary<{ rotationLambdaArn?: string; generatedValueLength?: number; rotatedExternally?: string }>,
      rotateAfterDays: optional(fc.integer({ min: 1, max: 1000 })),
      description: optional(fc.constantFrom('API key of the service', 'Database credentials')),
      secretName: optional(anyIdentifier.map((name) => `ha/${name}`)),
      preventDestroy: fc.constantFrom(undefined, true),
    }),
  )
  .chain((p) =>
    anyAllowedRegions([p.where.primary, ...p.where.others]).map((allowedRegions) => ({ ...p, allowedRegions })),
  );

proveTfConstruct({
  name: 'EncryptedSecret (Terraform, AWS)',
  cloud: 'aws',
  valid: secret,
  fixture: awsFixture,
  build: (scope, p, f) =>
    new EncryptedSecret(scope, 'Secret', {
      tier: p.tier,
      service: p.service,
      allowedRegions: p.allowedRegions,
      provider: primaryProvider(f, p.where.primary, p.where.explicitProvider),
      replicaProviders:
        p.where.others.length === 0 && p.tier.minRegions === 1
          ? undefined
          : p.where.others.map((key) => providerOf(f, key)),
      ...p.rotation,
      rotateAfterDays: p.rotateAfterDays,
      description: p.description,
      secretName: p.secretName,
      preventDestroy: p.preventDestroy,
    }),
  invalid: [
    {
      prop: 'replicaProviders',
      props: secret.chain((p) =>
        badReplicas(p).map((others) => ({ ...p, where: { ...p.where, others }, allowedRegions: undefined })),
      ),
    },
    {
      prop: 'allowedRegions',
      props: secret.chain((p) => badAllowedRegions(p).map((allowedRegions) => ({ ...p, allowedRegions }))),
    },
    {
      prop: 'generatedValueLength',
      props: breaking(secret, notIntegerIn(16, 4096), (p, generatedValueLength) => ({
        ...p,
        rotation: { generatedValueLength },
      })),
    },
    {
      prop: 'rotateAfterDays',
      props: breaking(secret, notIntegerIn(1, 1000), (p, rotateAfterDays) => ({
        ...p,
        rotateAfterDays,
        rotation: { rotationLambdaArn: 'arn:aws:lambda:us-east-1:111122223333:function:rotate' },
      })),
    },
    {
      // A reason that says nothing.
      prop: 'rotatedExternally',
      props: breaking(secret, fc.stringMatching(/^[a-z ]{0,19}$/), (p, rotatedExternally) => ({
        ...p,
        rotation: { rotatedExternally },
      })),
    },
    {
      // Both ways of rotating at once.
      prop: 'rotationLambdaArn',
      props: breaking(
        secret,
        fc.tuple(anyArn('lambda', 'function:rotate-secret'), fc.integer({ min: 16, max: 4096 })),
        (p, [rotationLambdaArn, generatedValueLength]) => ({
          ...p,
          rotation: { rotationLambdaArn, generatedValueLength },
        }),
      ),
    },
  ],
});

// ---------------------------------------------------------------------------------------------

const anyMetric = fc.record({
  namespace: fc.constantFrom('Orders', 'Checkout/Api', 'Custom/Service'),
  metricName: fc.constantFrom('Good', 'Total', 'Requests', 'Succeeded'),
  dimensions: optional(
    fc.dictionary(fc.constantFrom('Service', 'Stage', 'Region'), anyServiceName, { minKeys: 1, maxKeys: 2 }),
  ),
});

const slo = anyTier.chain((tier) =>
  fc.record({
    tier: fc.constant(tier),
    service: anyServiceName,
    where: anyRegions(0, 0),
    sli: fc.oneof(
      fc
        .tuple(anyIdentifier, anyHex16)
        .map(([name, id]) => ({ loadBalancerArnSuffix: `app/${name.replace(/_/g, '-')}/${id}` })),
      fc.tuple(anyMetric, anyMetric).map(([goodRequests, totalRequests]) => ({ goodRequests, totalRequests })),
    ) as fc.Arbitrary<{
      loadBalancerArnSuffix?: string;
      goodRequests?: { namespace: string; metricName: string };
      totalRequests?: { namespace: string; metricName: string };
    }>,
    windowDays: optional(fc.oneof(fc.integer({ min: 1, max: 70 }), fc.double({ min: 1, max: 70, noNaN: true }))),
    target: optional(fc.double({ min: tier.availabilityTarget, max: 0.99999, noNaN: true })),
    pageTopicArn: optional(anyArn('sns', 'slo-pages')),
    ticketTopicArn: optional(anyArn('sns', 'slo-tickets')),
    runbookUrl: optional(fc.tuple(anyHost, anyPath).map(([host, path]) => `https://${host}${path}`)),
  }),
);

proveTfConstruct({
  name: 'SloAlarms (Terraform)',
  cloud: 'aws',
  valid: slo,
  fixture: awsFixture,
  build: (scope, p, f) =>
    new SloAlarms(scope, 'Slo', {
      tier: p.tier,
      service: p.service,
      provider: primaryProvider(f, p.where.primary, p.where.explicitProvider),
      ...p.sli,
      windowDays: p.windowDays,
      target: p.target,
      pageTopicArn: p.pageTopicArn,
      ticketTopicArn: p.ticketTopicArn,
      runbookUrl: p.runbookUrl,
    }),
  invalid: [
    {
      prop: 'windowDays',
      props: breaking(
        slo,
        fc.oneof(
          fc.double({ min: -1000, max: 0, noNaN: true }),
          // Up to 70 days the ticket row's 3-day window (scaled) stays within an alarm's 7 days.
          fc.double({ min: 70.01, max: 1e6, noNaN: true }),
          fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true, maxExcluded: true }),
          fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY),
        ),
        (p, windowDays) => ({ ...p, windowDays }),
      ),
    },
    {
      // Looser than the tier, or not a ratio strictly between 0 and 1.
      prop: 'target',
      props: slo.chain((p) =>
        fc
          .oneof(
            fc.double({ min: 0.5, max: p.tier.availabilityTarget, noNaN: true, maxExcluded: true }),
            fc.double({ min: 1, max: 100, noNaN: true }),
            fc.double({ min: -1, max: 0, noNaN: true }),
            fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY),
          )
          .map((target) => ({ ...p, target })),
      ),
    },
    { prop: 'goodRequests', props: breaking(slo, anyMetric, (p, goodRequests) => ({ ...p, sli: { goodRequests } })) },
    {
      prop: 'totalRequests',
      props: breaking(slo, anyMetric, (p, totalRequests) => ({ ...p, sli: { totalRequests } })),
    },
    {
      // No SLI, or both kinds at once.
      prop: 'loadBalancerArnSuffix',
      props: breaking(slo, fc.option(fc.tuple(anyMetric, anyMetric), { nil: undefined }), (p, metrics) => ({
        ...p,
        sli: metrics
          ? {
              loadBalancerArnSuffix: 'app/orders/0123456789abcdef',
              goodRequests: metrics[0],
              totalRequests: metrics[1],
            }
          : {},
      })),
    },
  ],
});

// ---------------------------------------------------------------------------------------------

const anyKey = fc.record({ name: anyIdentifier, type: fc.constantFrom('S' as const, 'N' as const, 'B' as const) });

const table = anyTier
  .chain((tier) =>
    fc.record({
      tier: fc.constant(tier),
      service: anyServiceName,
      where: anyRegions(tier.minRegions - 1, 3),
      consistency: fc.constantFrom(undefined, TableConsistency.EVENTUAL, TableConsistency.STRONG),
      tableName: fc.option(
        anyIdentifier.map((name) => `${name}-table`),
        { nil: undefined },
      ),
      partitionKey: anyKey,
      sortKey: optional(anyKey),
      pointInTimeRecoveryDays: optional(fc.integer({ min: Math.min(tier.backupRetentionDays, 35), max: 35 })),
      replicationLatencyThresholdMs: optional(fc.integer({ min: 1, max: tier.regionRpoSeconds * 1000 })),
      alarmTopicArn: optional(anyArn('sns', 'table-alarms')),
      preventDestroy: fc.constantFrom(undefined, true),
      contributorInsights: optional(fc.boolean()),
      timeToLiveAttribute: optional(fc.constantFrom('expiresAt', 'ttl')),
      mrscOrder: fc.shuffledSubarray(MRSC_US_OTHERS, { minLength: 2, maxLength: 2 }),
      witness: fc.boolean(),
    }),
  )
  .map((p) =>
    p.consistency === TableConsistency.STRONG
      ? // Strong consistency spans three regions of one MRSC region set, or two and a witness region.
        {
          ...p,
          where: { ...p.where, primary: AWS_DEFAULT_REGION, others: p.witness ? p.mrscOrder.slice(0, 1) : p.mrscOrder },
          witnessRegion: p.witness ? p.mrscOrder[1] : undefined,
        }
      : { ...p, witnessRegion: undefined },
  )
  .chain((p) =>
    anyAllowedRegions([p.where.primary, ...p.where.others, ...(p.witnessRegion ? [p.witnessRegion] : [])]).map(
      (allowedRegions) => ({
        ...p,
        allowedRegions,
        sortKey: p.sortKey && p.sortKey.name !== p.partitionKey.name ? p.sortKey : undefined,
      }),
    ),
  );

proveTfConstruct({
  name: 'GlobalTable (Terraform)',
  cloud: 'aws',
  valid: table,
  fixture: awsFixture,
  build: (scope, p, f) =>
    new GlobalTable(scope, 'Table', {
      tier: p.tier,
      service: p.service,
      allowedRegions: p.allowedRegions,
      provider: primaryProvider(f, p.where.primary, p.where.explicitProvider),
      replicaProviders: p.where.others.map((key) => providerOf(f, key)),
      consistency: p.consistency,
      tableName: p.tableName ?? f.variable('table_name'),
      partitionKey: p.partitionKey,
      sortKey: p.sortKey,
      pointInTimeRecoveryDays: p.pointInTimeRecoveryDays,
      replicationLatencyThresholdMs: p.replicationLatencyThresholdMs,
      alarmTopicArn: p.alarmTopicArn,
      preventDestroy: p.preventDestroy,
      witnessRegion: p.witnessRegion,
      contributorInsights: p.contributorInsights,
      timeToLiveAttribute: p.timeToLiveAttribute,
    }),
  invalid: [
    {
      prop: 'replicaProviders',
      props: table.chain((p) =>
        badReplicas(p).map((others) => ({
          ...p,
          where: { ...p.where, others },
          allowedRegions: undefined,
          consistency: TableConsistency.EVENTUAL,
          witnessRegion: undefined,
        })),
      ),
    },
    {
      prop: 'allowedRegions',
      props: table.chain((p) => badAllowedRegions(p).map((allowedRegions) => ({ ...p, allowedRegions }))),
    },
    {
      // STRONG over other than three regions.
      prop: 'consistency',
      props: table.chain((p) =>
        fc
          .shuffledSubarray(REGIONS.filter((r) => r !== p.where.primary))
          .filter((others) => others.length !== 2 && others.length >= p.tier.minRegions - 1)
          .map((others) => ({
            ...p,
            where: { ...p.where, others },
            allowedRegions: undefined,
            consistency: TableConsistency.STRONG,
            witnessRegion: undefined,
          })),
      ),
    },
    {
      // A witness without strong consistency.
      prop: 'witnessRegion',
      props: table.map((p) => ({
        ...p,
        consistency: TableConsistency.EVENTUAL,
        witnessRegion: REGIONS.find((r) => r !== p.where.primary && !p.where.others.includes(r))!,
      })),
    },
    {
      // Not whole days from the tier's backup retention to DynamoDB's 35.
      prop: 'pointInTimeRecoveryDays',
      props: table.chain((p) =>
        notIntegerIn(Math.min(p.tier.backupRetentionDays, 35), 35).map((pointInTimeRecoveryDays) => ({
          ...p,
          pointInTimeRecoveryDays,
        })),
      ),
    },
    {
      // Not a positive finite number of milliseconds.
      prop: 'replicationLatencyThresholdMs',
      props: breaking(
        table,
        fc.oneof(
          fc.double({ min: -1e9, max: 0, noNaN: true }),
          fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
        ),
        (p, replicationLatencyThresholdMs) => ({ ...p, replicationLatencyThresholdMs }),
      ),
    },
  ],
});
