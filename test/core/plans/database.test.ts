import * as fc from 'fast-check';
import {
  AuroraClusterIntent,
  DrStrategy,
  planAuroraCluster,
  planAuroraSecondary,
  planCloudSql,
  planGlobalDatabase,
  ServiceTier,
  standbyCompute,
  CloudSqlIntent,
} from '../../../lib/core';

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/** TIER_0's zone objectives in one region: what a cluster of its own may serve. */
const REGIONAL = ServiceTier.custom({
  name: 'REGIONAL',
  strategy: DrStrategy.BACKUP_RESTORE,
  availabilityTarget: 0.9995,
  minAzs: 3,
  minRegions: 1,
  azRtoSeconds: 30,
  azRpoSeconds: 0,
  regionRtoSeconds: 86400,
  regionRpoSeconds: 60,
  staticallyStable: true,
});

/** A tier asking for more backup days than Aurora keeps. */
const LONG_BACKUPS = ServiceTier.custom({
  name: 'ARCHIVE',
  strategy: DrStrategy.BACKUP_RESTORE,
  availabilityTarget: 0.995,
  minAzs: 2,
  minRegions: 1,
  azRtoSeconds: 900,
  azRpoSeconds: 0,
  regionRtoSeconds: 86400,
  regionRpoSeconds: 86400,
  backupRetentionDays: 90,
});

const cluster = (intent: AuroraClusterIntent = {}, tier = REGIONAL) =>
  planAuroraCluster(tier, { zones: ZONES, alarmsOnConnections: true, ...intent });
const messages = (plan: { problems: { message: string }[] }) => plan.problems.map((p) => p.message);

describe('planAuroraCluster by table', () => {
  test('REGIONAL over three zones: a writer and two readers, one per zone, a proxy, 35 days, alarms at 80% of 1679', () => {
    const plan = cluster();
    expect(plan.readers).toBe(2);
    expect(plan.instances).toEqual([
      { role: 'writer', zone: 'us-east-1a', promotionTier: 0 },
      { role: 'reader', zone: 'us-east-1b', promotionTier: 1 },
      { role: 'reader', zone: 'us-east-1c', promotionTier: 1 },
    ]);
    expect(plan).toMatchObject({
      proxy: true,
      backupRetentionDays: 35,
      logRetentionDays: 365,
      removalPolicy: 'snapshot',
      instanceClass: 'r6g.large',
      maxConnections: 1679,
      port: 5432,
      deletionProtection: true,
      storageEncrypted: true,
      iamAuthentication: true,
      requireTls: true,
      logExports: ['postgresql'],
    });
    expect(plan.connectionAlarm).toEqual({
      threshold: 1343,
      periodSeconds: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      comparison: 'GreaterThanOrEqualToThreshold',
      statistic: 'Maximum',
      treatMissingData: 'notBreaching',
    });
    expect(plan.proxyBorrowLatencyAlarm).toMatchObject({ threshold: 100000, statistic: 'Average' });
    expect(plan.problems).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });

  test.each([
    // tier, zones → readers, backup days, proxy
    ['TIER_3', 2, 1, 7, false],
    ['REGIONAL', 3, 2, 35, true],
  ])('%s over %d zones: %d readers, %d backup days, proxy %s', (name, zoneCount, readers, days, proxy) => {
    const tier = name === 'REGIONAL' ? REGIONAL : ServiceTier.fromName(name);
    const plan = cluster({ zones: ZONES.slice(0, zoneCount) }, tier);
    expect([plan.readers, plan.backupRetentionDays, plan.proxy]).toEqual([readers, days, proxy]);
  });

  test('more readers than zones wrap round the zones; fewer than one per further zone warn', () => {
    expect(cluster({ readers: 4 }).instances.map((i) => i.zone)).toEqual([...ZONES, 'us-east-1a', 'us-east-1b']);
    expect(cluster({ readers: 0 }).warnings).toEqual([
      {
        id: 'readers',
        message:
          "readers is 0, fewer than one per further zone (2) for REGIONAL: when the writer's zone fails, the cluster waits for a new " +
          'instance instead of failing over to a reader in about 30 s',
      },
    ]);
  });

  test('zones unknown at synthesis: instances have no zone, and the zone count is not checked', () => {
    const plan = cluster({ zones: undefined });
    expect(plan.instances.map((i) => i.zone)).toEqual([undefined, undefined, undefined]);
    expect(plan.problems).toEqual([]);
  });

  test.each<[AuroraClusterIntent, string]>([
    [
      { backupRetentionDays: 7 },
      'backupRetention must be whole days from 35 (the minimum of REGIONAL) to 35 (the most Aurora keeps), got: 7 days',
    ],
    [
      { backupRetentionDays: 1.5 },
      'backupRetention must be whole days from 35 (the minimum of REGIONAL) to 35 (the most Aurora keeps), got: 1.5 days',
    ],
    [{ readers: 16 }, 'readers must be an integer from 0 to 15, got: 16'],
    [{ readers: -1 }, 'readers must be an integer from 0 to 15, got: -1'],
    [
      { logRetentionDays: 45 },
      'logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got: 45',
    ],
    [
      { clusterIdentifier: 'Orders--db' },
      'clusterIdentifier must be 1 to 63 lowercase letters, digits or hyphens, start with a letter, and neither end with a hyphen nor hold two in a row, got: Orders--db',
    ],
    [
      { instanceClass: 'm6g.large' },
      'maxConnections must be given for instance class m6g.large, whose default max_connections this library does not know',
    ],
    [{ maxConnections: 0 }, 'maxConnections must be a positive integer, got: 0'],
    [{ proxyBorrowLatencyMillis: 0 }, 'proxyBorrowLatencyThreshold must be longer than 0 ms, got: 0 millis'],
    [
      { zones: ZONES.slice(0, 2) },
      'vpcSubnets must list at least 3 zones for REGIONAL, got: 2 (us-east-1a, us-east-1b)',
    ],
    [
      { zones: undefined, subnetCount: 2, props: { subnets: 'primarySubnetIds' } },
      'primarySubnetIds must list at least 3 subnets (one per AZ) for REGIONAL, got: 2',
    ],
    [
      { readers: 20, props: { readers: 'readers' }, globalSecondaryRegions: 1 },
      "readers must be an integer from 0 to 14 (15 less one per secondary region: a global database's primary readers and its secondary clusters share Aurora's limit), got: 20",
    ],
  ])('%j is a problem naming the prop', (intent, message) => {
    expect(messages(cluster(intent))).toEqual([message]);
  });

  test.each(['TIER_0', 'TIER_1', 'TIER_2'])(
    '%s on a cluster of its own is refused, naming GlobalDatabase; as a global primary it is not',
    (name) => {
      const tier = ServiceTier.fromName(name);
      expect(cluster({}, tier).problems).toEqual([
        {
          prop: 'tier',
          message:
            `tier ${name} keeps the data in 2 regions (${tier.strategy}), but a ReplicatedDatabase is one region's cluster: use GlobalDatabase, ` +
            'which builds this cluster as its primary and adds secondaries in other regions (GlobalDatabaseSecondary), or a single-region tier such as TIER_3',
        },
      ]);
      expect(cluster({ globalSecondaryRegions: 1 }, tier).problems).toEqual([]);
    },
  );

  test('a tier keeping backups longer than Aurora: 35 days and a warning; the tier minimum is capped at 35', () => {
    const plan = cluster({ zones: ZONES.slice(0, 2) }, LONG_BACKUPS);
    expect(plan.backupRetentionDays).toBe(35);
    expect(plan.warnings).toEqual([
      {
        id: 'backupRetention',
        message:
          'ARCHIVE keeps backups 90 days, more than the 35 Aurora keeps: 35 days are kept; keep longer copies in a backup vault (BackupPolicy)',
      },
    ]);
    expect(cluster({ zones: ZONES.slice(0, 2), backupRetentionDays: 35 }, LONG_BACKUPS).problems).toEqual([]);
  });

  test('an unknown class without connection alarms is accepted, with no max_connections', () => {
    const plan = cluster({ instanceClass: 'db.m6g.large', alarmsOnConnections: false });
    expect([plan.maxConnections, plan.connectionAlarm, plan.problems]).toEqual([undefined, undefined, []]);
  });

  test('removalPolicy other than snapshot or retain warns', () => {
    expect(cluster({ removalPolicy: 'destroy' }).warnings).toEqual([
      {
        id: 'removalPolicy',
        message:
          'removalPolicy is destroy: deleting the stack or replacing the cluster deletes the database without a final snapshot',
      },
    ]);
    expect(cluster({ removalPolicy: 'retain' }).warnings).toEqual([]);
  });
});

describe('planAuroraSecondary and planGlobalDatabase by table', () => {
  test.each([
    // tier → secondary readers, lag threshold (ms)
    ['TIER_0', 3, 1000],
    ['TIER_1', 1, 60000],
    ['TIER_2', 0, 900000],
  ])('%s: the secondary runs %d readers and alarms above %d ms', (name, readers, thresholdMs) => {
    const plan = planAuroraSecondary(ServiceTier.fromName(name), { zones: ZONES });
    expect(plan.readers).toBe(readers);
    expect(plan.instances.map((i) => [i.role, i.zone, i.promotionTier])).toEqual(
      ZONES.slice(0, readers).map((zone, i) => ['reader', zone, i === 0 ? 0 : 1]),
    );
    expect(plan.replicationLagAlarm).toEqual({
      namespace: 'AWS/RDS',
      metricName: 'AuroraGlobalDBReplicationLag',
      dimensions: ['DBClusterIdentifier', 'SourceRegion'],
      threshold: thresholdMs,
      rpoSeconds: thresholdMs / 1000,
      periodSeconds: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      comparison: 'GreaterThanThreshold',
      statistic: 'Maximum',
      treatMissingData: 'missing',
    });
  });

  test('an active/active secondary runs as many instances as the primary', () => {
    const plan = planGlobalDatabase(ServiceTier.TIER_0, {
      primary: { readers: 4 },
      secondaryRegions: ['us-west-2'],
      secondary: {},
    });
    expect([plan.primary.instances.length, plan.secondary.readers]).toEqual([5, 5]);
  });

  test.each<[Parameters<typeof planAuroraSecondary>[1], string]>([
    [
      { region: 'us-west-2', primaryRegion: 'us-west-2' },
      "primaryRegion must differ from the secondary's region us-west-2 (a secondary survives the loss of the primary's region), got: us-west-2",
    ],
    [
      { region: 'us-west-2', primaryRegion: 'us-east-1', allowedRegions: ['us-east-1', 'eu-west-1'] },
      'the secondary region must stay within allowedRegions (us-east-1, eu-west-1), got: us-west-2',
    ],
    [{ readers: 17 }, 'readers must be an integer from 0 to 16, got: 17'],
    [
      { instanceClass: 't4g.medium' },
      'instanceType must be a memory-optimized class for an Aurora global database (burstable classes are not supported), got: t4g.medium',
    ],
    [
      { globalClusterIdentifier: 'o'.repeat(49) },
      `globalClusterIdentifier must be 1 to 48 lowercase letters, digits or hyphens, start with a letter, and neither end with a hyphen nor hold two in a row, got: ${'o'.repeat(49)}`,
    ],
  ])('secondary %j is a problem naming the prop', (intent, message) => {
    expect(messages(planAuroraSecondary(ServiceTier.TIER_1, intent))).toEqual([message]);
  });

  test.each<[Partial<Parameters<typeof planGlobalDatabase>[1]>, string]>([
    [
      { secondaryRegions: ['us-east-1'] },
      'secondaryRegions must not include the primary region us-east-1, got: us-east-1',
    ],
    [
      { secondaryRegions: [] },
      'secondaryRegions must list at least 1 regions for TIER_1 (minRegions 2 counts the primary), got: 0',
    ],
    [
      { globalClusterIdentifier: 'Orders' },
      'globalClusterIdentifier must be 1 to 48 lowercase letters, digits or hyphens, start with a letter, and neither end with a hyphen nor hold two in a row, got: Orders',
    ],
    [
      { primary: { instanceClass: 'db.t4g.medium', props: { instanceClass: 'instanceClass' } } },
      'instanceClass must be a memory-optimized class for an Aurora global database (burstable classes are not supported), got: db.t4g.medium',
    ],
    [
      {
        primary: { backupRetentionDays: 40, props: { backupRetention: 'backupRetentionDays' } },
        secondary: { backupRetentionDays: 40, props: { backupRetention: 'backupRetentionDays' } },
      },
      'backupRetentionDays must be whole days from 35 (the minimum of TIER_1) to 35 (the most Aurora keeps), got: 40 days',
    ],
    [
      { secondaryRegions: [undefined], secondaryRegionsProp: 'secondaryProvider.region', primary: { readers: 15 } },
      "readers must be an integer from 0 to 14 (15 less one per secondary region: a global database's primary readers and its secondary clusters share Aurora's limit), got: 15",
    ],
  ])('global %j is one problem naming the prop', (intent, message) => {
    const plan = planGlobalDatabase(ServiceTier.TIER_1, {
      primary: {},
      primaryRegion: 'us-east-1',
      secondaryRegions: ['us-west-2'],
      ...intent,
    });
    expect(messages(plan)).toEqual([message]);
  });

  test.each<[string, number | undefined, number]>([
    // tier, rpoObjectiveSeconds → rds.global_db_rpo: the tier's region RPO, or the data set's own looser one
    ['TIER_1', undefined, 60],
    ['TIER_2', undefined, 900],
    ['TIER_3', undefined, 86400],
    ['TIER_1', 300, 300],
    ['TIER_0', 20, 20],
  ])(
    "%s with rpoObjectiveSeconds %s: rds.global_db_rpo %d in the primary's parameter group, no problem",
    (name, own, seconds) => {
      const plan = planGlobalDatabase(ServiceTier.fromName(name), {
        primary: {},
        secondaryRegions: ['us-west-2'],
        rpoObjectiveSeconds: own,
      });
      expect(plan.managedRpo).toEqual({ parameter: 'rds.global_db_rpo', seconds });
      expect(plan.problems).toEqual([]);
      expect(plan.warnings).toEqual([]);
    },
  );

  test.each<[string, Partial<Parameters<typeof planGlobalDatabase>[1]>, string]>([
    [
      'TIER_0',
      {},
      'rpoObjective must be at least 20 s for an Aurora global database: rds.global_db_rpo, the only bound on the data an ' +
        'unplanned failover loses (typical lag under 1 s is not a bound), takes no less. Keep data that needs a tighter RPO in a GlobalTable ' +
        "with consistency STRONG, or state this data set's own rpoObjective if the service can lose 20 s of its writes, got: none, so " +
        "TIER_0's region RPO of 1 s applies",
    ],
    [
      'TIER_0',
      { rpoObjectiveSeconds: 10 },
      'rpoObjective must be at least 20 s for an Aurora global database: rds.global_db_rpo, the only ' +
        'bound on the data an unplanned failover loses (typical lag under 1 s is not a bound), takes no less. Keep data that needs a tighter ' +
        "RPO in a GlobalTable with consistency STRONG, or state this data set's own rpoObjective if the service can lose 20 s of its writes, got: 10 s",
    ],
    [
      'TIER_1',
      { rpoObjectiveSeconds: 30 },
      "rpoObjective must be whole seconds from TIER_1's region RPO (60 s) to 2147483647: it states a " +
        'looser objective for this data set, got: 30 s',
    ],
    [
      'TIER_1',
      { rpoObjectiveSeconds: 90.5, rpoObjectiveProp: 'rpoObjectiveSeconds' },
      'rpoObjectiveSeconds must be whole seconds from ' +
        "TIER_1's region RPO (60 s) to 2147483647: it states a looser objective for this data set, got: 90.5 s",
    ],
  ])('%s with %j: one problem naming the prop, its value and what is allowed', (name, intent, message) => {
    const plan = planGlobalDatabase(ServiceTier.fromName(name), {
      primary: {},
      secondaryRegions: ['us-west-2'],
      ...intent,
    });
    expect(plan.problems.map((p) => p.message)).toEqual([message]);
    expect(plan.problems[0].prop).toBe(intent.rpoObjectiveProp ?? 'rpoObjective');
  });
});

const LAG_ACCEPTED = 'orders lost in a region failover are re-sent by the payment provider';
const SQL: CloudSqlIntent = {
  region: 'us-central1',
  hasReplica: true,
  replicaRegion: 'us-east1',
  replicaLagAccepted: LAG_ACCEPTED,
  privateServiceAccess: true,
  // The steady state, from the second apply on (the first creates the replica).
  designateDrReplica: true,
};

describe('planCloudSql by table', () => {
  test.each([
    // tier → edition, log days, retained backups, replica availability, warnings
    // ENTERPRISE_PLUS's 99.99% is the whole of TIER_0's target: the edition warns too.
    ['TIER_0', 'ENTERPRISE_PLUS', 35, 35, 'REGIONAL', ['edition', 'availabilityType']],
    ['TIER_1', 'ENTERPRISE_PLUS', 35, 35, 'REGIONAL', []],
    // A standby region needs advanced DR, which only Enterprise Plus has.
    ['TIER_2', 'ENTERPRISE_PLUS', 14, 14, 'ZONAL', []],
    ['TIER_3', 'ENTERPRISE', 7, 7, 'ZONAL', []],
  ])('%s: %s, %d days of log, %d backups, a %s replica', (name, edition, logDays, backups, replica, warningIds) => {
    const plan = planCloudSql(ServiceTier.fromName(name), SQL);
    expect(plan).toMatchObject({
      edition,
      availabilityType: 'REGIONAL',
      replicaAvailabilityType: replica,
      diskSizeGb: 100,
      maintenanceWindow: { day: 7, hour: 3 },
      backups: {
        startTime: '01:00',
        retainedBackups: backups,
        pointInTimeRecovery: true,
        transactionLogRetentionDays: logDays,
      },
      machineTier: edition === 'ENTERPRISE_PLUS' ? 'db-perf-optimized-N-2' : 'db-custom-2-7680',
    });
    expect(plan.warnings.map((w) => w.id)).toEqual(warningIds);
    expect(plan.problems).toEqual([]);
  });

  test('the replica lag alert fires above the region RPO for three 60 s samples, and on missing data', () => {
    expect(planCloudSql(ServiceTier.TIER_1, SQL).replicaLagAlert).toEqual({
      thresholdSeconds: 60,
      periodSeconds: 60,
      durationSeconds: 180,
      durationText: '3 minutes',
      missingDataFires: true,
    });
  });

  test('an edition whose SLA is the target, or below it, warns', () => {
    expect(planCloudSql(ServiceTier.TIER_1, { ...SQL, edition: 'ENTERPRISE' }).warnings).toContainEqual({
      id: 'edition',
      message:
        "edition ENTERPRISE has a 99.95% SLA, the whole of TIER_1's availability target: anything in series with the database " +
        '(the fleet, the load balancer) takes the service below it (HA-RES1)',
    });
    expect(planCloudSql(ServiceTier.TIER_0, { ...SQL, edition: 'ENTERPRISE' }).warnings).toContainEqual({
      id: 'edition',
      message: "edition ENTERPRISE has a 99.95% SLA, below TIER_0's availability target of 99.99%",
    });
  });

  test.each<[Partial<CloudSqlIntent>, string, string]>([
    [
      { replicaRegion: 'us-central1' },
      'replicaRegion',
      'replicaRegion must differ from the primary region us-central1, got: us-central1',
    ],
    [
      { hasReplica: false, replicaRegion: undefined, replicaLagAccepted: undefined },
      'replicaRegion',
      'replicaRegion must be set for TIER_1 (WARM_STANDBY keeps a copy of the data in a second region), got: none',
    ],
    [
      { allowedRegions: ['us-central1'] },
      'replicaRegion',
      'replicaRegion must stay within allowedRegions (us-central1), got: us-east1',
    ],
    [
      { privateServiceAccess: false },
      'network',
      'network must have private services access (RegionalNetwork privateServiceAccess: true): the instances have private IPs only',
    ],
    [
      { replicaLagAccepted: 'lag is fine' },
      'replicaLagAccepted',
      "replicaLagAccepted must say why this data set accepts an unbounded replica lag (at least 20 characters), got: 'lag is fine'",
    ],
    [{ maintenanceDay: 0 }, 'maintenanceDay', 'maintenanceDay must be an integer from 1 to 7, got: 0'],
    [{ maintenanceHour: 24 }, 'maintenanceHour', 'maintenanceHour must be an integer from 0 to 23, got: 24'],
    [{ diskSizeGb: 9 }, 'diskSizeGb', 'diskSizeGb must be an integer of at least 10, got: 9'],
    [{ backupStartTime: '3am' }, 'backupStartTime', 'backupStartTime must be a UTC time HH:MM, got: 3am'],
  ])('%j is a problem of %s', (intent, prop, message) => {
    expect(planCloudSql(ServiceTier.TIER_1, { ...SQL, ...intent }).problems).toEqual([{ prop, message }]);
  });

  test('replicaLagAccepted: required with a replica (naming what can serve a multi-region tier), refused without one', () => {
    expect(planCloudSql(ServiceTier.TIER_2, { ...SQL, replicaLagAccepted: undefined }).problems[0].message).toMatch(
      /^tier TIER_2 needs a copy in a second region within its region RPO of 900 s, .*Spanner multi-region.*got: replicaLagAccepted undefined$/,
    );
    expect(planCloudSql(ServiceTier.TIER_3, { ...SQL, replicaLagAccepted: undefined }).problems).toEqual([
      {
        prop: 'replicaLagAccepted',
        message:
          'replicaLagAccepted must say why this data set accepts a replica in us-east1 whose lag Cloud SQL does not bound (HA-DR3), ' +
          'or leave out replicaRegion (TIER_3 restores from backups), got: replicaLagAccepted undefined',
      },
    ]);
    expect(planCloudSql(ServiceTier.TIER_3, { ...SQL, hasReplica: false, replicaRegion: undefined }).problems).toEqual([
      {
        prop: 'replicaLagAccepted',
        message:
          'replicaLagAccepted is about the cross-region replica: set replicaRegion too, or leave replicaLagAccepted out, got: replicaRegion undefined',
      },
    ]);
  });
});

describe('planCloudSql: advanced disaster recovery and the writer', () => {
  test.each([
    // tier, edition, activeRegion → advanced DR, writer, replica names listed
    ['TIER_1', undefined, undefined, true, 'primary', false],
    ['TIER_2', undefined, 'us-central1', true, 'primary', true],
    ['TIER_2', undefined, 'us-east1', true, 'replica', true],
    ['TIER_3', undefined, undefined, false, 'primary', false],
    ['TIER_1', 'ENTERPRISE' as const, undefined, false, 'primary', false],
  ])('%s on %s, active in %s: advanced DR %s, %s writes', (name, edition, activeRegion, advancedDr, writer, listed) => {
    const plan = planCloudSql(ServiceTier.fromName(name), { ...SQL, edition, activeRegion });
    expect(plan).toMatchObject({ advancedDr, designateDrReplica: advancedDr, writer, listReplicaNames: listed });
    expect(plan.problems).toEqual([]);
  });

  test('without a standby region or with Enterprise edition, no role swap; designateDrReplica false warns', () => {
    expect(
      planCloudSql(ServiceTier.TIER_1, { ...SQL, edition: 'ENTERPRISE', activeRegion: 'us-east1' }).problems,
    ).toEqual([
      {
        prop: 'activeRegion',
        message:
          "activeRegion can name the replica's region only with advanced disaster recovery (edition ENTERPRISE_PLUS): " +
          'an ENTERPRISE replica promoted is detached from its primary, got: us-east1',
      },
    ]);
    expect(planCloudSql(ServiceTier.TIER_1, { ...SQL, activeRegion: 'eu-west1' }).problems[0].prop).toBe(
      'activeRegion',
    );
    // A primary region unknown at synthesis: the replica's region still names the replica.
    expect(planCloudSql(ServiceTier.TIER_1, { ...SQL, region: undefined, activeRegion: 'us-east1' }).writer).toBe(
      'replica',
    );
    // By default (the first apply of a new database) the writer names no replica: it does not exist yet.
    for (const designateDrReplica of [false, undefined]) {
      const pending = planCloudSql(ServiceTier.TIER_1, { ...SQL, designateDrReplica });
      expect(pending.designateDrReplica).toBe(false);
      expect(pending.warnings).toEqual([
        { id: 'designateDrReplica', message: expect.stringMatching(/set it to true and apply again/) },
      ]);
    }
  });
});

describe('database planners by property', () => {
  const anyTier = fc.constantFrom(...ServiceTier.BUILT_IN, REGIONAL, LONG_BACKUPS);

  test('a cluster has one writer first, readers after it in zone order, each zone used before any twice', () => {
    fc.assert(
      fc.property(
        anyTier,
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 2, max: 6 }),
        (tier, readers, zoneCount) => {
          const zones = Array.from({ length: zoneCount }, (_, i) => `z${i}`);
          const plan = planAuroraCluster(tier, {
            readers,
            zones,
            globalSecondaryRegions: tier.isMultiRegion ? 0 : undefined,
          });
          expect(plan.instances).toHaveLength(readers + 1);
          expect(plan.instances[0]).toEqual({ role: 'writer', zone: 'z0', promotionTier: 0 });
          plan.instances
            .slice(1)
            .forEach((instance, i) =>
              expect(instance).toEqual({ role: 'reader', zone: zones[(i + 1) % zoneCount], promotionTier: 1 }),
            );
        },
      ),
    );
  });

  test("the default backup retention is the tier's, at most 35 days, and every whole day from it to 35 is accepted", () => {
    fc.assert(
      fc.property(anyTier, fc.integer({ min: 0, max: 40 }), (tier, extra) => {
        const minimum = Math.min(tier.backupRetentionDays, 35);
        expect(planAuroraSecondary(tier, {}).backupRetentionDays).toBe(minimum);
        const plan = planAuroraSecondary(tier, { backupRetentionDays: minimum + extra });
        expect(plan.problems.length === 0).toBe(minimum + extra <= 35);
      }),
    );
  });

  test(
    "the default plans of every tier hold no problem (below rds.global_db_rpo's 20 s, once the data set states an objective Aurora can " +
      'hold); the lag alarm is always at the region RPO, and rds.global_db_rpo at the objective',
    () => {
      fc.assert(
        fc.property(anyTier, (tier) => {
          const rpoObjectiveSeconds = tier.regionRpoSeconds < 20 ? 20 : undefined;
          const global = planGlobalDatabase(tier, {
            primary: { zones: ZONES },
            primaryRegion: 'us-east-1',
            secondaryRegions: ['us-west-2'],
            secondary: { zones: ZONES },
            rpoObjectiveSeconds,
          });
          expect(global.problems).toEqual([]);
          expect(global.managedRpo.seconds).toBe(rpoObjectiveSeconds ?? tier.regionRpoSeconds);
          expect(global.secondary.replicationLagAlarm.threshold).toBe(tier.regionRpoSeconds * 1000);
          expect(planCloudSql(tier, SQL).replicaLagAlert.thresholdSeconds).toBe(tier.regionRpoSeconds);
        }),
      );
    },
  );

  test('standby compute follows the strategy, and the Aurora secondary and the Cloud SQL replica agree with it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ServiceTier.BUILT_IN), (tier) => {
        const compute = standbyCompute(tier.strategy);
        expect(planAuroraSecondary(tier, {}).readers === 0).toBe(compute === 'data-only');
        expect(planCloudSql(tier, SQL).replicaAvailabilityType === 'ZONAL').toBe(compute === 'data-only');
      }),
    );
  });
});
