import { DataGoogleComputeNetwork } from '@cdktf/provider-google/lib/data-google-compute-network';
import { TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { DrStrategy, HaRole, ServiceTier, staticallyStableCapacity } from '../../lib/core';
import { ReplicatedBucket } from '../../lib/tf/google/bucket';
import { CloudSqlEdition, CloudSqlSslMode, HaCloudSql } from '../../lib/tf/google/database';
import { IFleetBackend, RegionalFleet } from '../../lib/tf/google/fleet';
import { GlobalFrontend } from '../../lib/tf/google/frontend';
import { IRegionalNetwork, RegionalNetwork } from '../../lib/tf/google/network';
import { EncryptedSecret } from '../../lib/tf/google/secret';
import { SloAlarms } from '../../lib/tf/google/slo';
import { anyServiceName, anyTier } from './harness';
import {
  GOOGLE_PROJECT,
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
 * Property-based proofs of the cdktf constructs on Google Cloud (the network is in
 * tf.property.test.ts): random valid props synthesize to Terraform JSON with no leaked value and
 * no HA error on the construct's resources; a random invalid value of each validated prop throws
 * an Error naming it.
 */

/** Regions and their zones (real zone letters). */
const ZONES: Record<string, string[]> = {
  'us-central1': ['us-central1-a', 'us-central1-b', 'us-central1-c', 'us-central1-f'],
  'us-east1': ['us-east1-b', 'us-east1-c', 'us-east1-d'],
  'us-east4': ['us-east4-a', 'us-east4-b', 'us-east4-c'],
  'northamerica-northeast1': ['northamerica-northeast1-a', 'northamerica-northeast1-b', 'northamerica-northeast1-c'],
  'europe-west1': ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'],
  'europe-west4': ['europe-west4-a', 'europe-west4-b', 'europe-west4-c'],
  'asia-northeast1': ['asia-northeast1-a', 'asia-northeast1-b', 'asia-northeast1-c'],
  'asia-southeast1': ['asia-southeast1-a', 'asia-southeast1-b', 'asia-southeast1-c'],
};
const REGIONS = Object.keys(ZONES);
/** Regions of one configurable dual-region continent. */
const CONTINENTS = [
  ['us-central1', 'us-east1', 'us-east4', 'northamerica-northeast1'],
  ['europe-west1', 'europe-west4'],
  ['asia-northeast1', 'asia-southeast1'],
];
/** Names that are not Google Cloud region names: a zone, a multi-region, an AWS region, a typo. */
const NOT_REGIONS = ['us-central1-a', 'us', 'EU', 'us-east-1', 'uscentral1', 'europe-west', '', 'US-CENTRAL1'];

/** What the constructs take from their stack: networks over regions (made on first use) and variables. */
interface GoogleFixture {
  /**
   * A network over `regions` (private services access unless `privateServiceAccess` is false): a
   * RegionalNetwork, or (`existing`) one made elsewhere that the stack reads with a data source,
   * which costs a run a fraction of serializing a RegionalNetwork.
   */
  readonly network: (
    tier: ServiceTier,
    regions: string[],
    privateServiceAccess: boolean,
    existing: boolean,
  ) => IRegionalNetwork;
  /** A Terraform variable's value, for props that take an expression. */
  readonly variable: (name: string) => string;
}

function googleFixture(stack: TerraformStack): GoogleFixture {
  const networks = new Map<string, IRegionalNetwork>();
  const variables = new Map<string, string>();
  return {
    network: (tier, regions, privateServiceAccess, existing) => {
      const key = `Network-${tier.name}-${regions.join('-')}${privateServiceAccess ? '' : '-nopsa'}${existing ? '-existing' : ''}`;
      if (!networks.has(key)) {
        networks.set(
          key,
          existing
            ? existingNetwork(stack, key, regions, privateServiceAccess)
            : new RegionalNetwork(stack, key, { tier, regions, privateServiceAccess }),
        );
      }
      return networks.get(key)!;
    },
    variable: (name) => {
      if (!variables.has(name)) {
        variables.set(name, new TerraformVariable(stack, name, { type: 'string' }).stringValue);
      }
      return variables.get(name)!;
    },
  };
}

/** A network made elsewhere (another configuration), read by a data source: an `IRegionalNetwork` of references. */
function existingNetwork(
  scope: Construct,
  id: string,
  regions: string[],
  privateServiceAccess: boolean,
): IRegionalNetwork {
  const network = new DataGoogleComputeNetwork(scope, id, { name: 'shared' });
  return {
    networkId: network.id,
    regions,
    subnetworkId: (region) => {
      if (!regions.includes(region)) {
        throw new Error(`region must be one of this network's regions (${regions.join(', ')}), got: ${region}`);
      }
      return `projects/${GOOGLE_PROJECT}/regions/${region}/subnetworks/shared-${region}`;
    },
    // The peering was made with the network: depending on the data source orders the instances after reading it.
    privateServiceAccess: privateServiceAccess ? network : undefined,
  };
}

/** Optional data-residency constraint: undefined, or the regions used plus any others. */
function anyAllowedRegions(used: string[]): fc.Arbitrary<string[] | undefined> {
  const distinct = [...new Set(used)];
  return fc.option(
    fc.subarray(REGIONS.filter((r) => !distinct.includes(r))).map((more) => [...distinct, ...more]),
    { nil: undefined },
  );
}
/** allowedRegions that leave out one of `used`. */
const leavingOut = (used: string[]) => fc.constantFrom(...used).map((left) => REGIONS.filter((r) => r !== left));
/** Labels users add (lowercase keys and values). */
const anyLabels = optional(
  fc.dictionary(fc.constantFrom('team', 'cost-center', 'env'), fc.constantFrom('payments', 'cc-1234', 'prod'), {
    minKeys: 1,
    maxKeys: 3,
  }),
);

// Built once: building a `stringMatching` arbitrary costs ~15 ms, too much to do inside `chain`.
const anyBucketName = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{1,40}[a-z0-9]$/);
const anySecretId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const anyChannel = fc.stringMatching(/^projects\/[a-z][a-z0-9-]{4,20}\/notificationChannels\/[0-9]{6,19}$/);
const anyKeyId = fc.stringMatching(
  /^projects\/[a-z][a-z0-9-]{4,20}\/locations\/[a-z0-9-]{2,20}\/keyRings\/[a-z0-9-]{1,20}\/cryptoKeys\/[a-z0-9-]{1,20}$/,
);

// ---------------------------------------------------------------------------------------------

const bucket = anyTier
  .chain((tier) =>
    fc.record({
      tier: fc.constant(tier),
      service: anyServiceName,
      role: fc.constantFrom(undefined, HaRole.GLOBAL),
      labels: anyLabels,
      regions: fc
        .constantFrom(...CONTINENTS)
        .chain((continent) => fc.shuffledSubarray(continent, { minLength: 2, maxLength: 2 })),
      bucketName: fc.option(anyBucketName, { nil: undefined }),
      // Default replication has no published bound, so no tier's region RPO can be shown (HA-DR3).
      turboReplication: fc.constantFrom(undefined, true),
      // Turbo replication bounds the copy at 15 minutes: a tier with a tighter region RPO states the bucket's own looser one.
      rpoSlack: optional(fc.integer({ min: 0, max: 86400 })),
      retentionDays: optional(fc.integer({ min: 1, max: 3650 })),
      lockRetentionPolicy: optional(fc.boolean()),
      kmsKeyId: optional(anyKeyId),
      preventDestroy: fc.constantFrom(undefined, true),
    }),
  )
  .chain((p) =>
    anyAllowedRegions(p.regions).map((allowedRegions) => {
      const needsObjective = p.tier.regionRpoSeconds < 900;
      return {
        ...p,
        allowedRegions,
        rpoObjectiveSeconds:
          needsObjective || p.rpoSlack !== undefined
            ? Math.max(900, p.tier.regionRpoSeconds) + (p.rpoSlack ?? 0)
            : undefined,
        lockRetentionPolicy: p.retentionDays === undefined ? undefined : p.lockRetentionPolicy,
      };
    }),
  );

proveTfConstruct({
  name: 'ReplicatedBucket (Terraform, Google Cloud)',
  cloud: 'google',
  valid: bucket,
  fixture: googleFixture,
  build: (scope, p, f) =>
    new ReplicatedBucket(scope, 'Bucket', {
      tier: p.tier,
      service: p.service,
      role: p.role,
      labels: p.labels,
      allowedRegions: p.allowedRegions,
      regions: p.regions,
      // A literal name, or one made of the project variable as the examples do.
      bucketName: p.bucketName ?? `${f.variable('project')}-assets`,
      turboReplication: p.turboReplication,
      rpoObjectiveSeconds: p.rpoObjectiveSeconds,
      retentionDays: p.retentionDays,
      lockRetentionPolicy: p.lockRetentionPolicy,
      kmsKeyId: p.kmsKeyId,
      preventDestroy: p.preventDestroy,
    }),
  invalid: [
    {
      // Not two regions, not region names, one region twice, or two continents.
      prop: 'regions',
      props: bucket.chain((p) =>
        fc
          .oneof(
            fc.shuffledSubarray(REGIONS, { maxLength: 1 }),
            fc.shuffledSubarray(REGIONS, { minLength: 3 }),
            fc
              .tuple(fc.constantFrom(...NOT_REGIONS), fc.constantFrom(...REGIONS))
              .map(([odd, region]) => [region, odd]),
            fc.constantFrom(...REGIONS).map((region) => [region, region]),
            fc.tuple(fc.constantFrom(...CONTINENTS[0]), fc.constantFrom(...CONTINENTS[1], ...CONTINENTS[2])),
          )
          .map((regions) => ({ ...p, regions, allowedRegions: undefined })),
      ),
    },
    {
      prop: 'bucketName',
      props: breaking(
        bucket,
        fc.oneof(
          fc.constantFrom('', 'ab', 'Shop-Assets', 'shop assets', '-shop', 'shop-', 'shop_assets!', 'a'.repeat(64)),
          anyBucketName.map((name) => name.toUpperCase()).filter((name) => /[A-Z]/.test(name)),
        ),
        (p, bucketName) => ({ ...p, bucketName }),
      ),
    },
    {
      prop: 'retentionDays',
      props: breaking(bucket, notIntegerFrom(1), (p, retentionDays) => ({
        ...p,
        retentionDays,
        lockRetentionPolicy: undefined,
      })),
    },
    {
      prop: 'lockRetentionPolicy',
      props: bucket.map((p) => ({ ...p, retentionDays: undefined, lockRetentionPolicy: true })),
    },
    {
      prop: 'rpoObjectiveSeconds',
      props: bucket.chain((p) =>
        notIntegerFrom(p.tier.regionRpoSeconds).map((rpoObjectiveSeconds) => ({ ...p, rpoObjectiveSeconds })),
      ),
    },
    {
      prop: 'allowedRegions',
      props: bucket.chain((p) => leavingOut(p.regions).map((allowedRegions) => ({ ...p, allowedRegions }))),
    },
  ],
});

// ---------------------------------------------------------------------------------------------

/**
 * Cloud SQL replicates across regions with no published lag bound, so HA-DR3 cannot pass for a
 * multi-region tier: the examples acknowledge it with this reason, and so do the proofs.
 */
const REPLICA_LAG_REASON =
  'Cloud SQL replicates across regions asynchronously with no published lag bound; the ReplicaLagAlert watches it';

const database = anyTier
  .chain((tier) =>
    fc.record({
      tier: fc.constant(tier),
      service: anyServiceName,
      labels: anyLabels,
      regions: fc.shuffledSubarray(REGIONS, { minLength: 2, maxLength: 2 }),
      // A BACKUP_RESTORE tier may keep no replica.
      replica: tier.isMultiRegion ? fc.constant(true) : fc.boolean(),
      edition:
        tier.availabilityTarget > 0.9995
          ? fc.constantFrom(undefined, CloudSqlEdition.ENTERPRISE_PLUS)
          : fc.constantFrom(undefined, CloudSqlEdition.ENTERPRISE_PLUS, CloudSqlEdition.ENTERPRISE),
      machineTier: optional(fc.constantFrom('db-perf-optimized-N-4', 'db-perf-optimized-N-8', 'db-custom-4-15360')),
      databaseVersion: optional(fc.constantFrom('POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17')),
      diskSizeGb: optional(fc.integer({ min: 10, max: 65536 })),
      sslMode: optional(
        fc.constantFrom(CloudSqlSslMode.ENCRYPTED_ONLY, CloudSqlSslMode.TRUSTED_CLIENT_CERTIFICATE_REQUIRED),
      ),
      notificationChannels: optional(fc.array(anyChannel, { minLength: 1, maxLength: 2 })),
      maintenanceDay: optional(fc.integer({ min: 1, max: 7 })),
      maintenanceHour: optional(fc.integer({ min: 0, max: 23 })),
      backupStartTime: optional(
        fc
          .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
          .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
      ),
      preventDestroy: fc.constantFrom(undefined, true),
      // A RegionalNetwork in one run of four, a network read by a data source in the others.
      existingNetwork: fc.nat(3).map((n) => n > 0),
    }),
  )
  .chain((p) =>
    anyAllowedRegions(p.replica ? p.regions : p.regions.slice(0, 1)).map((allowedRegions) => ({
      ...p,
      allowedRegions,
      region: p.regions[0],
      replicaRegion: p.replica ? (p.regions[1] as string | undefined) : undefined,
      privateServiceAccess: true,
    })),
  );

type DatabaseDraw = typeof database extends fc.Arbitrary<infer T> ? T : never;

function buildDatabase(scope: Construct, p: DatabaseDraw, f: GoogleFixture): void {
  new HaCloudSql(scope, 'Database', {
    tier: p.tier,
    service: p.service,
    labels: p.labels,
    allowedRegions: p.allowedRegions,
    // The service's network, over the primary's and (for a multi-region tier) another region.
    network: f.network(
      p.tier,
      p.tier.isMultiRegion ? [...new Set([...p.regions, REGIONS[0]])].slice(0, 2) : [p.regions[0]],
      p.privateServiceAccess,
      p.existingNetwork,
    ),
    region: p.region,
    replicaRegion: p.replicaRegion,
    edition: p.edition,
    machineTier: p.machineTier,
    databaseVersion: p.databaseVersion,
    diskSizeGb: p.diskSizeGb,
    sslMode: p.sslMode,
    notificationChannels: p.notificationChannels,
    maintenanceDay: p.maintenanceDay,
    maintenanceHour: p.maintenanceHour,
    backupStartTime: p.backupStartTime,
    preventDestroy: p.preventDestroy,
    replicaLagAccepted: p.replicaRegion !== undefined ? REPLICA_LAG_REASON : undefined,
  });
}

proveTfConstruct({
  name: 'HaCloudSql (Terraform, Google Cloud)',
  cloud: 'google',
  valid: database,
  fixture: googleFixture,
  build: buildDatabase,
  invalid: [
    {
      prop: 'region',
      props: breaking(database, fc.constantFrom(...NOT_REGIONS), (p, region) => ({
        ...p,
        region,
        allowedRegions: undefined,
      })),
    },
    {
      // Not a region name, the primary's own region, or none for a tier that keeps a second region.
      prop: 'replicaRegion',
      props: database.chain((p) =>
        fc
          .oneof(
            fc.constantFrom(...NOT_REGIONS),
            fc.constant(p.region),
            ...(p.tier.isMultiRegion ? [fc.constant(undefined)] : []),
          )
          .map((replicaRegion) => ({ ...p, replicaRegion, allowedRegions: undefined })),
      ),
    },
    { prop: 'network', props: database.map((p) => ({ ...p, privateServiceAccess: false })) },
    {
      prop: 'maintenanceDay',
      props: breaking(database, notIntegerIn(1, 7), (p, maintenanceDay) => ({ ...p, maintenanceDay })),
    },
    {
      prop: 'maintenanceHour',
      props: breaking(database, notIntegerIn(0, 23), (p, maintenanceHour) => ({ ...p, maintenanceHour })),
    },
    { prop: 'diskSizeGb', props: breaking(database, notIntegerFrom(10), (p, diskSizeGb) => ({ ...p, diskSizeGb })) },
    {
      prop: 'backupStartTime',
      props: breaking(
        database,
        fc.oneof(
          fc.constantFrom('', '3am', '1:00', '24:00', '23:60', '01:00:00', ' 01:00', '01.00'),
          fc
            .tuple(fc.integer({ min: 24, max: 99 }), fc.integer({ min: 0, max: 99 }))
            .map(([h, m]) => `${h}:${String(m).padStart(2, '0')}`),
        ),
        (p, backupStartTime) => ({ ...p, backupStartTime }),
      ),
    },
    {
      prop: 'allowedRegions',
      props: database.chain((p) =>
        leavingOut(p.replicaRegion ? [p.region, p.replicaRegion] : [p.region]).map((allowedRegions) => ({
          ...p,
          allowedRegions,
        })),
      ),
    },
  ],
});

// ---------------------------------------------------------------------------------------------

const anyScheduleName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const anySchedule = fc.record({
  name: anyScheduleName,
  schedule: fc.constantFrom('0 7 * * MON-FRI', '0 8 * * *', '30 18 * * SAT'),
  durationSeconds: fc.integer({ min: 300, max: 7 * 86400 }),
  minShare: fc.double({ min: 0, max: 1, noNaN: true }),
  timeZone: optional(fc.constantFrom('UTC', 'America/Chicago', 'Europe/Amsterdam')),
});

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

const fleet = anyTier
  .chain((tier) =>
    fc.record({
      tier: fc.constant(tier),
      service: anyServiceName,
      labels: anyLabels,
      role: fc.constantFrom(undefined, HaRole.PRIMARY, HaRole.STANDBY),
      region: fc.constantFrom(...REGIONS),
      otherRegion: fc.constantFrom(...REGIONS),
      zoneShuffle: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
      zoneCount: fc.integer({ min: tier.minAzs, max: 4 }),
      requiredInstances: optional(fc.integer({ min: 1, max: 30 })),
      maxHeadroom: optional(fc.integer({ min: 0, max: 30 })),
      // Set by the invalid maxInstances runs: maxInstances is the fleet's minimum plus this.
      maxFault: fc.constant(undefined as number | undefined),
      machineType: optional(fc.constantFrom('n2-standard-4', 'n2d-standard-2', 'c2-standard-8', 'e2-standard-2')),
      sourceImage: optional(fc.constantFrom('debian-cloud/debian-12', 'cos-cloud/cos-stable')),
      port: optional(fc.integer({ min: 1, max: 65535 })),
      healthCheckPath: optional(anyPath),
      initialDelaySeconds: optional(fc.integer({ min: 0, max: 3600 })),
      targetCpuPercent: optional(fc.double({ min: 5, max: 99.9, noNaN: true })),
      schedules: fc.uniqueArray(anySchedule, { maxLength: 2, selector: (s) => s.name }),
      surgeExtra: optional(fc.integer({ min: 0, max: 10 })),
      spreadAvailabilityDomains: optional(fc.integer({ min: 2, max: 8 })),
      serviceAccountEmail: optional(fc.constantFrom('web@proof-project.iam.gserviceaccount.com')),
      bootDiskKmsKeyId: optional(anyKeyId),
      startupScript: optional(fc.constantFrom('#!/bin/bash\nsystemctl start app', 'echo ready')),
      // A RegionalNetwork in one run of four, a network read by a data source in the others.
      existingNetwork: fc.nat(3).map((n) => n > 0),
    }),
  )
  .chain((p) =>
    anyAllowedRegions([p.region]).map((allowedRegions) => {
      const zones = ZONES[p.region]
        .map((zone, i) => ({ zone, key: p.zoneShuffle[i] ?? 0 }))
        .sort((a, b) => a.key - b.key)
        .map((z) => z.zone)
        .slice(0, Math.min(p.zoneCount, ZONES[p.region].length));
      // Set by the invalid runs: the regions of the fleet's network.
      return { ...p, allowedRegions, zones, networkRegions: undefined as string[] | undefined };
    }),
  );

type FleetDraw = typeof fleet extends fc.Arbitrary<infer T> ? T : never;

function buildFleet(scope: Construct, p: FleetDraw, f: GoogleFixture): RegionalFleet {
  const zoneCount = p.zones.length;
  // The minimum the fleet runs (as a primary, and as this role), to draw maxInstances and the schedules' minimums.
  const required = p.requiredInstances ?? zoneCount;
  const serving =
    Number.isInteger(required) && required >= 1 && zoneCount >= 2
      ? p.tier.staticallyStable
        ? staticallyStableCapacity(required, zoneCount).total
        : Math.ceil(required / zoneCount) * zoneCount
      : zoneCount;
  const min = p.role === HaRole.STANDBY ? zoneCount : serving;
  const maxInstances =
    p.maxFault !== undefined ? min + p.maxFault : p.maxHeadroom === undefined ? undefined : serving + p.maxHeadroom;
  const max = maxInstances ?? 2 * serving;
  const networkRegions =
    p.networkRegions ??
    (p.tier.isMultiRegion ? [...new Set([p.region, p.otherRegion, ...REGIONS])].slice(0, 2) : [p.region]);
  return new RegionalFleet(scope, 'Fleet', {
    tier: p.tier,
    service: p.service,
    labels: p.labels,
    role: p.role,
    allowedRegions: p.allowedRegions,
    network: f.network(p.tier, networkRegions, true, p.existingNetwork),
    region: p.region,
    zones: p.zones,
    requiredInstances: p.requiredInstances,
    maxInstances,
    machineType: p.machineType,
    sourceImage: p.sourceImage,
    port: p.port,
    healthCheckPath: p.healthCheckPath,
    initialDelaySeconds: p.initialDelaySeconds,
    targetCpuPercent: p.targetCpuPercent,
    prewarmSchedules: p.schedules.map((s) => ({
      name: s.name,
      schedule: s.schedule,
      durationSeconds: s.durationSeconds,
      minInstances: Math.floor(s.minShare * max),
      timeZone: s.timeZone,
    })),
    maxSurge: p.surgeExtra === undefined ? undefined : zoneCount + p.surgeExtra,
    spreadAvailabilityDomains: p.spreadAvailabilityDomains,
    serviceAccountEmail: p.serviceAccountEmail,
    bootDiskKmsKeyId: p.bootDiskKmsKeyId,
    startupScript: p.startupScript,
  });
}

proveTfConstruct({
  name: 'RegionalFleet (Terraform, Google Cloud)',
  cloud: 'google',
  valid: fleet,
  fixture: googleFixture,
  build: buildFleet,
  invalid: [
    {
      // Fewer zones than the tier needs, a zone twice, or a zone of another region.
      prop: 'zones',
      props: fleet.chain((p) =>
        fc
          .oneof(
            fc.nat(p.tier.minAzs - 1).map((n) => p.zones.slice(0, n)),
            fc.nat(p.zones.length - 1).map((i) => [...p.zones, p.zones[i]]),
            fc
              .constantFrom(...REGIONS.filter((r) => r !== p.region))
              .map((other) => [...p.zones.slice(1), ZONES[other][0]]),
          )
          .map((zones) => ({ ...p, zones })),
      ),
    },
    {
      // Outside allowedRegions, or a region the network has no subnetwork in.
      prop: 'region',
      props: fleet.chain((p) =>
        fc.oneof(
          fc.constant({ ...p, allowedRegions: REGIONS.filter((r) => r !== p.region) }),
          fc
            .shuffledSubarray(
              REGIONS.filter((r) => r !== p.region),
              { minLength: 2, maxLength: 2 },
            )
            .map((networkRegions) => ({ ...p, networkRegions, existingNetwork: false })),
        ),
      ),
    },
    { prop: 'port', props: breaking(fleet, notIntegerIn(1, 65535), (p, port) => ({ ...p, port })) },
    {
      prop: 'requiredInstances',
      props: breaking(fleet, notIntegerFrom(1), (p, requiredInstances) => ({
        ...p,
        requiredInstances,
        maxHeadroom: undefined,
        schedules: [],
      })),
    },
    {
      // Below the minimum the fleet runs, or not a count.
      prop: 'maxInstances',
      props: breaking(
        fleet,
        fc.oneof(
          fc.integer({ min: -100, max: -1 }),
          fc.double({ min: 0.01, max: 0.99, noNaN: true }),
          fc.constant(Number.NaN),
        ),
        (p, maxFault) => ({ ...p, maxFault, schedules: [] }),
      ),
    },
    {
      prop: 'maxSurge',
      props: breaking(
        fleet,
        fc.oneof(
          fc.integer({ min: -1000, max: -1 }),
          fc.double({ min: 0.01, max: 10, noNaN: true }).filter((d) => !Number.isInteger(d)),
          fc.constant(Number.NaN),
        ),
        (p, surgeExtra) => ({ ...p, surgeExtra }),
      ),
    },
    {
      prop: 'targetCpuPercent',
      props: breaking(
        fleet,
        fc.oneof(
          fc.double({ min: -10, max: 0, noNaN: true }),
          fc.double({ min: 100, max: 1000, noNaN: true }),
          fc.constant(Number.NaN),
        ),
        (p, targetCpuPercent) => ({ ...p, targetCpuPercent }),
      ),
    },
    {
      prop: 'initialDelaySeconds',
      props: breaking(fleet, notIntegerIn(0, 3600), (p, initialDelaySeconds) => ({ ...p, initialDelaySeconds })),
    },
    {
      prop: 'healthCheckPath',
      props: breaking(fleet, badHealthCheckPath, (p, healthCheckPath) => ({ ...p, healthCheckPath })),
    },
    {
      // A duration under 5 minutes, a minimum that is not a count or above maxInstances, or a name twice.
      prop: 'prewarmSchedules',
      props: fleet.chain((p) =>
        fc.tuple(anySchedule, fc.constantFrom('duration', 'minimum', 'twice')).map(([s, fault]) => ({
          ...p,
          schedules:
            fault === 'twice'
              ? [s, s]
              : [
                  {
                    ...s,
                    durationSeconds: fault === 'duration' ? s.durationSeconds % 300 : s.durationSeconds,
                    minShare: fault === 'minimum' ? 1.5 + s.minShare : s.minShare,
                  },
                ],
        })),
      ),
    },
    {
      prop: 'spreadAvailabilityDomains',
      props: breaking(fleet, notIntegerFrom(2), (p, spreadAvailabilityDomains) => ({
        ...p,
        spreadAvailabilityDomains,
      })),
    },
  ],
});

// ---------------------------------------------------------------------------------------------

const frontend = anyTier
  .chain((tier) => {
    // ACTIVE_ACTIVE and WARM_STANDBY serve from the tier's regions; PILOT_LIGHT and BACKUP_RESTORE may serve from one.
    const serving =
      tier.strategy === DrStrategy.ACTIVE_ACTIVE || tier.strategy === DrStrategy.WARM_STANDBY ? tier.minRegions : 1;
    return fc.record({
      tier: fc.constant(tier),
      service: anyServiceName,
      labels: anyLabels,
      regions: fc.shuffledSubarray(REGIONS, { minLength: serving, maxLength: 3 }),
      // Fleets per region (a second one in a region, e.g. a canary group).
      perRegion: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 3, maxLength: 3 }),
      roles: fc.array(fc.constantFrom(HaRole.PRIMARY, HaRole.STANDBY), { minLength: 6, maxLength: 6 }),
      port: fc.integer({ min: 1, max: 65535 }),
      domains: fc.option(fc.uniqueArray(anyHost, { minLength: 1, maxLength: 3 }), { nil: undefined }),
      regionalDomainCount: fc.nat(3),
      healthCheckPath: optional(anyPath),
      rateLimitPerMinute: optional(fc.integer({ min: 1, max: 100_000 })),
      wafSensitivity: optional(fc.integer({ min: 1, max: 4 })),
      logSampleRate: optional(fc.double({ min: 0, max: 1, noNaN: true })),
    });
  })
  .map((p) => ({
    ...p,
    backendRegions: p.regions.flatMap((region, i) => Array.from({ length: p.perRegion[i] }, () => region)),
    // Set by the invalid runs: the last fleet's port, regional domains as given.
    lastPort: undefined as number | undefined,
    extraDomains: undefined as Record<string, string> | undefined,
  }));

type FrontendDraw = typeof frontend extends fc.Arbitrary<infer T> ? T : never;

function buildFrontend(scope: Construct, p: FrontendDraw, f: GoogleFixture): GlobalFrontend {
  const backends: IFleetBackend[] = p.backendRegions.map((region, i) => ({
    instanceGroup: `projects/proof-project/regions/${region}/instanceGroups/web-${i}`,
    region,
    portName: 'http',
    port: i === p.backendRegions.length - 1 ? (p.lastPort ?? p.port) : p.port,
    role: p.roles[i % p.roles.length],
  }));
  const domain = p.domains ?? [f.variable('domain')];
  const regionalDomains =
    p.extraDomains ??
    Object.fromEntries(p.regions.slice(0, p.regionalDomainCount).map((region) => [region, `${region}.${domain[0]}`]));
  return new GlobalFrontend(scope, 'Frontend', {
    tier: p.tier,
    service: p.service,
    labels: p.labels,
    backends,
    domains: domain,
    regionalDomains,
    healthCheckPath: p.healthCheckPath,
    rateLimitPerMinute: p.rateLimitPerMinute,
    wafSensitivity: p.wafSensitivity,
    logSampleRate: p.logSampleRate,
  });
}

proveTfConstruct({
  name: 'GlobalFrontend (Terraform, Google Cloud)',
  cloud: 'google',
  valid: frontend,
  fixture: googleFixture,
  build: buildFrontend,
  invalid: [
    {
      // None, fewer regions than an ACTIVE_ACTIVE or WARM_STANDBY tier serves from, or two ports.
      prop: 'backends',
      props: frontend.chain((p) => {
        const serving =
          p.tier.strategy === DrStrategy.ACTIVE_ACTIVE || p.tier.strategy === DrStrategy.WARM_STANDBY
            ? p.tier.minRegions
            : 1;
        const faults: fc.Arbitrary<FrontendDraw>[] = [
          fc.constant({ ...p, backendRegions: [], regionalDomainCount: 0 }),
          fc.integer({ min: 1, max: 65534 }).map((shift) => ({
            ...p,
            backendRegions: [...p.backendRegions, p.regions[0]],
            lastPort: ((p.port - 1 + shift) % 65535) + 1,
          })),
        ];
        if (serving > 1) {
          faults.push(
            fc.constant({
              ...p,
              regions: p.regions.slice(0, 1),
              backendRegions: [p.regions[0]],
              regionalDomainCount: 0,
            }),
          );
        }
        return fc.oneof(...faults);
      }),
    },
    {
      prop: 'domains',
      props: breaking(
        frontend,
        fc.oneof(
          fc.constant([] as string[]),
          anyHost.map((host) => [`*.${host}`]),
          fc.tuple(anyHost, anyHost).map(([a, b]) => [a, `*.${b}`]),
        ),
        (p, domains) => ({
          ...p,
          domains,
          regionalDomainCount: domains.length === 0 ? 0 : p.regionalDomainCount,
        }),
      ),
    },
    {
      prop: 'regionalDomains',
      props: frontend.chain((p) =>
        fc
          .constantFrom(...REGIONS.filter((r) => !p.regions.includes(r)))
          .map((region) => ({ ...p, extraDomains: { [region]: `${region}.example.com` } })),
      ),
    },
    {
      prop: 'rateLimitPerMinute',
      props: breaking(frontend, notIntegerFrom(1), (p, rateLimitPerMinute) => ({ ...p, rateLimitPerMinute })),
    },
    {
      prop: 'wafSensitivity',
      props: breaking(frontend, notIntegerIn(1, 4), (p, wafSensitivity) => ({ ...p, wafSensitivity })),
    },
    {
      prop: 'healthCheckPath',
      props: breaking(frontend, badHealthCheckPath, (p, healthCheckPath) => ({ ...p, healthCheckPath })),
    },
    {
      prop: 'logSampleRate',
      props: breaking(
        frontend,
        fc.oneof(
          fc.double({ min: -10, max: 0, noNaN: true }).filter((d) => d < 0),
          fc.double({ min: 1, max: 100, noNaN: true, minExcluded: true }),
          fc.constant(Number.NaN),
        ),
        (p, logSampleRate) => ({ ...p, logSampleRate }),
      ),
    },
  ],
});

// ---------------------------------------------------------------------------------------------

const secret = anyTier
  .chain((tier) =>
    fc.record({
      tier: fc.constant(tier),
      service: anyServiceName,
      labels: anyLabels,
      role: fc.constantFrom(undefined, HaRole.GLOBAL),
      regions: fc.shuffledSubarray(REGIONS, { minLength: tier.minRegions, maxLength: 3 }),
      secretId: fc.option(anySecretId, { nil: undefined }),
      rotationDays: optional(fc.integer({ min: 1, max: 3650 })),
      rotationTopicId: optional(fc.constantFrom<string>('projects/proof-project/topics/secret-rotation')),
      // A value its issuer rotates instead of notifications: the reason acknowledges HA-SEC1.
      rotatedExternally: optional(fc.constantFrom<string>('issued by the payment provider, rotated in its console')),
      preventDestroy: fc.constantFrom(undefined, true),
    }),
  )
  .map((p) => (p.rotatedExternally ? { ...p, rotationTopicId: undefined, rotationDays: undefined } : p))
  .chain((p) =>
    anyAllowedRegions(p.regions).map((allowedRegions) => ({ ...p, allowedRegions, regionVariable: false })),
  );

proveTfConstruct({
  name: 'EncryptedSecret (Terraform, Google Cloud)',
  cloud: 'google',
  valid: secret,
  fixture: googleFixture,
  build: (scope, p, f) =>
    new EncryptedSecret(scope, 'Secret', {
      tier: p.tier,
      service: p.service,
      labels: p.labels,
      role: p.role,
      allowedRegions: p.allowedRegions,
      regions: p.regionVariable ? [...p.regions, f.variable('region')] : p.regions,
      secretId: p.secretId ?? `${f.variable('service')}-credentials`,
      rotationDays: p.rotationDays,
      rotationTopicId: p.rotationTopicId,
      rotatedExternally: p.rotatedExternally,
      preventDestroy: p.preventDestroy,
    }),
  invalid: [
    {
      // Fewer than the tier keeps, not region names, a region twice, or a Terraform expression.
      prop: 'regions',
      props: secret.chain((p) =>
        fc
          .oneof(
            ...(p.tier.minRegions > 1
              ? [fc.constant({ ...p, regions: p.regions.slice(0, p.tier.minRegions - 1) })]
              : [fc.constant({ ...p, regions: [] as string[] })]),
            fc.constantFrom(...NOT_REGIONS).map((odd) => ({ ...p, regions: [...p.regions, odd] })),
            fc.nat(p.regions.length - 1).map((i) => ({ ...p, regions: [...p.regions, p.regions[i]] })),
            fc.constant({ ...p, regionVariable: true }),
          )
          .map((q) => ({ ...q, allowedRegions: undefined })),
      ),
    },
    {
      prop: 'secretId',
      props: breaking(
        secret,
        fc.oneof(
          fc.constantFrom('', 'db password', 'db/password', 'db.password', 'pässword', 'a'.repeat(256)),
          anySecretId.map((id) => `${id}!`),
        ),
        (p, secretId) => ({ ...p, secretId }),
      ),
    },
    {
      // Not whole days from Secret Manager's hour to its 100 years.
      prop: 'rotationDays',
      props: breaking(secret, notIntegerIn(1, 36500), (p, rotationDays) => ({
        ...p,
        rotationDays,
        rotatedExternally: undefined,
      })),
    },
    {
      // Notifications to a topic and rotation elsewhere at once.
      prop: 'rotatedExternally',
      props: secret.map((p) => ({
        ...p,
        rotationTopicId: 'projects/proof-project/topics/secret-rotation',
        rotatedExternally: 'issued by the payment provider',
      })),
    },
    {
      prop: 'allowedRegions',
      props: secret.chain((p) => leavingOut(p.regions).map((allowedRegions) => ({ ...p, allowedRegions }))),
    },
  ],
});

// ---------------------------------------------------------------------------------------------

const slo = anyTier.chain((tier) =>
  fc.record({
    tier: fc.constant(tier),
    service: anyServiceName,
    labels: anyLabels,
    backendServiceName: fc.option(
      anySecretId.map((id) => id.toLowerCase()),
      { nil: undefined },
    ),
    notificationChannels: fc.uniqueArray(anyChannel, { minLength: 1, maxLength: 3 }),
    probes: fc.shuffledSubarray(REGIONS, { maxLength: 3 }).chain((regions) =>
      fc.tuple(
        ...regions.map((region) =>
          fc.record({
            region: fc.constant(region),
            host: anyHost,
            path: optional(anyPath),
          }),
        ),
      ),
    ),
    windowDays: optional(fc.integer({ min: 1, max: 30 })),
    // From the tier's own up to the highest goal Cloud Monitoring takes.
    target: optional(fc.double({ min: tier.availabilityTarget, max: 0.9999, noNaN: true })),
  }),
);

proveTfConstruct({
  name: 'SloAlarms (Terraform, Google Cloud)',
  cloud: 'google',
  valid: slo,
  fixture: googleFixture,
  build: (scope, p, f) =>
    new SloAlarms(scope, 'Slo', {
      tier: p.tier,
      service: p.service,
      labels: p.labels,
      // A literal name, or GlobalFrontend's backendServiceName (an attribute reference).
      backendServiceName: p.backendServiceName ?? f.variable('backend_service_name'),
      notificationChannels: p.notificationChannels,
      probes: p.probes,
      windowDays: p.windowDays,
      target: p.target,
    }),
  invalid: [
    { prop: 'notificationChannels', props: slo.map((p) => ({ ...p, notificationChannels: [] })) },
    {
      // A name that is not a region, or a region probed twice.
      prop: 'probes',
      props: slo.chain((p) =>
        fc
          .oneof(
            fc
              .tuple(fc.constantFrom(...NOT_REGIONS), anyHost)
              .map(([region, host]) => [...p.probes, { region, host, path: undefined }]),
            fc.tuple(fc.constantFrom(...REGIONS), anyHost, anyHost).map(([region, a, b]) => [
              { region, host: a, path: undefined },
              { region, host: b, path: undefined },
            ]),
          )
          .map((probes) => ({ ...p, probes })),
      ),
    },
    { prop: 'windowDays', props: breaking(slo, notIntegerIn(1, 30), (p, windowDays) => ({ ...p, windowDays })) },
    {
      // Looser than the tier, above Cloud Monitoring's highest goal, or not a ratio.
      prop: 'target',
      props: slo.chain((p) =>
        fc
          .oneof(
            fc.double({ min: 0.5, max: p.tier.availabilityTarget, noNaN: true, maxExcluded: true }),
            fc.double({ min: 0.9999, max: 1, noNaN: true, minExcluded: true }),
            fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 0, -1),
          )
          .map((target) => ({ ...p, target })),
      ),
    },
    {
      prop: 'tier.probeIntervalMinutes',
      props: breaking(
        slo,
        fc.integer({ min: 1, max: 1440 }).filter((m) => ![1, 5, 10, 15].includes(m)),
        (p, minutes) => ({ ...p, tier: withProbeInterval(p.tier, minutes) }),
      ),
    },
  ],
});
