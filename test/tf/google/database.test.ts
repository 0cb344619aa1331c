import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { TerraformOutput, Testing } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { Construct } from 'constructs';
import { checkInputs } from '../../../lib/checks/check';
import { HA_METADATA_KEY, HaRole, ServiceTier } from '../../../lib/core';
import { CloudSqlEdition, HaCloudSql, HaCloudSqlProps } from '../../../lib/tf/google/database';
import { RegionalFleet } from '../../../lib/tf/google/fleet';
import { GlobalFrontend } from '../../../lib/tf/google/frontend';
import { RegionalNetwork } from '../../../lib/tf/google/network';
import { resourcesOf, TerraformJson, terraformJson, testStack, warningsOf } from './util';

Testing.setupJest();

/** Why the tests' data sets accept a replica with no lag bound (what a multi-region tier needs to keep Cloud SQL). */
const LAG_ACCEPTED =
  'the replica lag alert pages at the region RPO; orders lost in a region failover are re-sent by the payment provider';

function database(scope: Construct, props: Partial<HaCloudSqlProps> = {}, privateServiceAccess = true): HaCloudSql {
  const tier = props.tier ?? ServiceTier.TIER_1;
  const network = new RegionalNetwork(scope, 'Network', {
    tier,
    regions: ['us-central1', 'us-east1'],
    privateServiceAccess,
  });
  return new HaCloudSql(scope, 'Database', {
    tier,
    network,
    region: 'us-central1',
    replicaRegion: 'us-east1',
    replicaLagAccepted: LAG_ACCEPTED,
    // The steady state, from the second apply on: the first one creates the replica (see the test of the default).
    designateDrReplica: true,
    ...props,
  });
}

/** The HA checks' report over a stack, its aspects applied (acknowledgements reach the resources through one) as `cdktf synth` does. */
function reportOf(stack: ReturnType<typeof testStack>) {
  invokeAspects(stack);
  return checkInputs({
    terraform: [{ name: stack.node.id, json: terraformJson(stack) as unknown as Record<string, unknown> }],
  });
}

describe('HaCloudSql', () => {
  test('GIVEN TIER_1 THEN a REGIONAL Enterprise Plus primary with PITR, tier retention, deletion protection twice, CMEK, private IP and TLS', () => {
    const synth = Testing.synthScope((scope) => {
      database(scope);
    });
    expect(synth).toHaveResourceWithProperties(SqlDatabaseInstance, {
      region: 'us-central1',
      database_version: 'POSTGRES_16',
      deletion_protection: true,
      encryption_key_name: expect.stringContaining('google_kms_crypto_key.Database_Key_'),
      lifecycle: { prevent_destroy: true },
      settings: expect.objectContaining({
        availability_type: 'REGIONAL',
        edition: 'ENTERPRISE_PLUS',
        tier: 'db-perf-optimized-N-2',
        deletion_protection_enabled: true,
        backup_configuration: {
          enabled: true,
          start_time: '01:00',
          point_in_time_recovery_enabled: true,
          transaction_log_retention_days: 35,
          backup_retention_settings: { retained_backups: 35, retention_unit: 'COUNT' },
        },
        ip_configuration: expect.objectContaining({
          ipv4_enabled: false,
          ssl_mode: 'ENCRYPTED_ONLY',
          private_network: expect.stringContaining('google_compute_network.Network'),
        }),
        maintenance_window: { day: 7, hour: 3, update_track: 'stable' },
        insights_config: expect.objectContaining({ query_insights_enabled: true }),
      }),
    });
  });

  test('THEN a REGIONAL cross-region replica of the primary, with its own key, is kept too', () => {
    const synth = Testing.synthScope((scope) => {
      database(scope);
    });
    expect(synth).toHaveResourceWithProperties(SqlDatabaseInstance, {
      region: 'us-east1',
      master_instance_name: expect.stringContaining('google_sql_database_instance.Database_'),
      encryption_key_name: expect.stringContaining('google_kms_crypto_key.Database_ReplicaKey_'),
      deletion_protection: true,
      lifecycle: { prevent_destroy: true },
      settings: expect.objectContaining({ availability_type: 'REGIONAL', deletion_protection_enabled: true }),
    });
  });

  test('THEN the replica is recorded as a replica and the primary as a primary', () => {
    const stack = testStack();
    database(stack);
    const instances = Object.values(resourcesOf(terraformJson(stack), 'google_sql_database_instance'));
    const roles = instances.map((i) => [i.region, (i['//'] as Record<string, { role: string }>)[HA_METADATA_KEY].role]);
    expect(roles).toEqual([
      ['us-central1', 'primary'],
      ['us-east1', 'replica'],
    ]);
  });

  test('WHEN TIER_0 THEN Enterprise Plus (99.99% SLA) with 35 days of log retention', () => {
    const synth = Testing.synthScope((scope) => {
      database(scope, { tier: ServiceTier.TIER_0 });
    });
    expect(synth).toHaveResourceWithProperties(SqlDatabaseInstance, {
      settings: expect.objectContaining({
        edition: 'ENTERPRISE_PLUS',
        tier: 'db-perf-optimized-N-2',
        backup_configuration: expect.objectContaining({ transaction_log_retention_days: 35 }),
      }),
    });
  });

  test('WHEN TIER_2 (pilot light) THEN the replica is ZONAL', () => {
    const synth = Testing.synthScope((scope) => {
      database(scope, { tier: ServiceTier.TIER_2 });
    });
    expect(synth).toHaveResourceWithProperties(SqlDatabaseInstance, {
      region: 'us-east1',
      settings: expect.objectContaining({ availability_type: 'ZONAL' }),
    });
  });

  test('WHEN TIER_0 runs on Enterprise edition THEN a warning names the SLA gap', () => {
    const db = database(testStack(), { tier: ServiceTier.TIER_0, edition: CloudSqlEdition.ENTERPRISE });
    expect(warningsOf(db)).toContain(
      "[ha-constructs:HaCloudSql.edition] edition ENTERPRISE has a 99.95% SLA, below TIER_0's availability target of 99.99%",
    );
  });

  test("WHEN the edition's SLA is the whole availability target THEN a warning says nothing is left for what is in series", () => {
    expect(warningsOf(database(testStack(), { edition: CloudSqlEdition.ENTERPRISE }))).toContain(
      "[ha-constructs:HaCloudSql.edition] edition ENTERPRISE has a 99.95% SLA, the whole of TIER_1's availability target: anything in series with the database (the fleet, the load balancer) takes the service below it (HA-RES1)",
    );
    expect(
      warningsOf(
        database(testStack(), {
          tier: ServiceTier.TIER_3,
          edition: CloudSqlEdition.ENTERPRISE,
          replicaRegion: undefined,
          replicaLagAccepted: undefined,
        }),
      ),
    ).toEqual([]);
  });

  test.each([
    // ENTERPRISE (99.95%) in series with the zonal fleet (99.99%) and the load balancer (99.99%): 99.93%, under TIER_1's 99.95%.
    [undefined, 'met'],
    [CloudSqlEdition.ENTERPRISE, 'not-met'],
  ])(
    'GIVEN a TIER_1 service of fleets, a global load balancer and the database on edition %p THEN the report finds its availability %s',
    (edition, status) => {
      const stack = testStack();
      const tier = ServiceTier.TIER_1;
      const network = new RegionalNetwork(stack, 'Network', {
        tier,
        service: 'shop',
        regions: ['us-central1', 'us-east1'],
      });
      const fleets = [
        ['us-central1', ['us-central1-a', 'us-central1-b', 'us-central1-c']],
        ['us-east1', ['us-east1-b', 'us-east1-c', 'us-east1-d']],
      ].map(
        ([region, zones], i) =>
          new RegionalFleet(stack, `Fleet${i}`, {
            tier,
            service: 'shop',
            network,
            region: region as string,
            zones: zones as string[],
            role: i === 0 ? HaRole.PRIMARY : HaRole.STANDBY,
          }),
      );
      new GlobalFrontend(stack, 'Frontend', { tier, service: 'shop', backends: fleets, domains: ['shop.example.com'] });
      new HaCloudSql(stack, 'Database', {
        tier,
        service: 'shop',
        network,
        region: 'us-central1',
        replicaRegion: 'us-east1',
        replicaLagAccepted: LAG_ACCEPTED,
        edition,
      });
      const [service] = reportOf(stack).services;
      expect(service.status.availability).toBe(status);
    },
  );

  test('WHEN the tier zone RTO is shorter than Cloud SQL HA failover THEN a warning says so, and not otherwise', () => {
    expect(warningsOf(database(testStack(), { tier: ServiceTier.TIER_0 }))).toContain(
      '[ha-constructs:HaCloudSql.availabilityType] Cloud SQL HA starts failing over to the standby zone only once the ' +
        "primary is unresponsive for about 60 s, above TIER_0's zone RTO of 30 s: writes pause for longer than the " +
        'tier allows',
    );
    expect(warningsOf(database(testStack()))).toEqual([]);
  });

  test('WHEN preventDestroy is false THEN the lifecycle allows destroy and a warning says so', () => {
    const stack = testStack();
    const db = database(stack, { preventDestroy: false });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(SqlDatabaseInstance, {
      region: 'us-central1',
      lifecycle: { prevent_destroy: false },
      deletion_protection: true,
    });
    expect(warningsOf(db)).toEqual([
      expect.stringContaining('[ha-constructs:HaCloudSql.preventDestroy] preventDestroy is false'),
    ]);
  });

  test('WHEN a service account is added as an IAM user THEN its database user drops the domain suffix', () => {
    const stack = testStack();
    database(stack).addIamServiceAccountUser('App', 'app@shop-prod.iam.gserviceaccount.com');
    expect(Testing.synth(stack)).toHaveResourceWithProperties(SqlUser, {
      name: 'app@shop-prod.iam',
      type: 'CLOUD_IAM_SERVICE_ACCOUNT',
    });
  });

  test('WHEN notification channels are given THEN an alert pages when the replica lags more than the region RPO', () => {
    const stack = testStack();
    const db = database(stack, { notificationChannels: ['projects/p/notificationChannels/1'] });
    const alerts = Object.values(resourcesOf(terraformJson(stack), 'google_monitoring_alert_policy')) as {
      conditions: { condition_threshold: Record<string, unknown> }[];
      notification_channels: string[];
    }[];
    expect(alerts).toHaveLength(1);
    expect(alerts[0].notification_channels).toEqual(['projects/p/notificationChannels/1']);
    expect(alerts[0].conditions[0].condition_threshold).toEqual(
      expect.objectContaining({
        comparison: 'COMPARISON_GT',
        threshold_value: ServiceTier.TIER_1.regionRpoSeconds,
        evaluation_missing_data: 'EVALUATION_MISSING_DATA_ACTIVE',
        filter: expect.stringContaining('metric.type="cloudsql.googleapis.com/database/replication/replica_lag"'),
      }),
    );
    expect(db.replicaLagAlert).toBeDefined();
    const none = testStack();
    expect(database(none).replicaLagAlert).toBeUndefined();
  });

  test('WHEN TIER_3 has no replica region THEN there is one instance, and no HA error with no acknowledgement', () => {
    const stack = testStack();
    database(stack, { tier: ServiceTier.TIER_3, replicaRegion: undefined, replicaLagAccepted: undefined });
    expect(Object.keys(resourcesOf(terraformJson(stack), 'google_sql_database_instance'))).toHaveLength(1);
    const report = reportOf(stack);
    expect(report.findings.filter((f) => f.level === 'error' && !f.resource.startsWith('service:'))).toEqual([]);
    expect(report.acknowledged ?? []).toEqual([]);
  });

  test('WHEN replicaLagAccepted says why THEN HA-DR3 (no published lag bound) is acknowledged with that reason, not raised', () => {
    const stack = testStack();
    database(stack);
    const report = reportOf(stack);
    expect(report.findings.filter((f) => f.rule === 'HA-DR3')).toEqual([]);
    expect(report.acknowledged?.filter((f) => f.rule === 'HA-DR3')).toEqual([
      expect.objectContaining({
        reason: LAG_ACCEPTED,
        message: expect.stringContaining('replicates with no published bound'),
      }),
    ]);
  });

  test.each(ServiceTier.BUILT_IN.filter((t) => t.isMultiRegion).map((t) => [t.name, t] as const))(
    'GIVEN %s and no replicaLagAccepted THEN it refuses the tier, naming the prop and the kind of store that can serve it',
    (name, tier) => {
      expect(() => database(testStack(), { tier, replicaLagAccepted: undefined })).toThrow(
        new Error(
          `tier ${name} needs a copy in a second region within its region RPO of ${tier.regionRpoSeconds} s, which HaCloudSql cannot show: ` +
            'Cloud SQL replicates across regions asynchronously with no published lag bound (HA-DR3). Keep data held to that RPO in a store whose ' +
            'writes commit in several regions, such as Spanner multi-region; or state in replicaLagAccepted why this data set accepts an unbounded ' +
            'replica lag (it becomes the acknowledgement of HA-DR3), got: replicaLagAccepted undefined',
        ),
      );
    },
  );

  test.each([
    [
      { replicaRegion: 'us-central1' },
      'replicaRegion must differ from the primary region us-central1, got: us-central1',
    ],
    [
      { replicaRegion: undefined },
      'replicaRegion must be set for TIER_1 (WARM_STANDBY keeps a copy of the data in a second region), got: none',
    ],
    [{ allowedRegions: ['us-central1'] }, 'replicaRegion must stay within allowedRegions (us-central1), got: us-east1'],
    [
      { replicaRegion: 'us-east1-b' },
      'region and replicaRegion must be region names such as us-central1, got: us-east1-b',
    ],
    [
      { tier: ServiceTier.TIER_3, replicaLagAccepted: undefined },
      'replicaLagAccepted must say why this data set accepts a replica in us-east1 whose lag Cloud SQL does not bound (HA-DR3), or leave out replicaRegion (TIER_3 restores from backups), got: replicaLagAccepted undefined',
    ],
    [
      { tier: ServiceTier.TIER_3, replicaRegion: undefined },
      'replicaLagAccepted is about the cross-region replica: set replicaRegion too, or leave replicaLagAccepted out, got: replicaRegion undefined',
    ],
    [
      { replicaLagAccepted: 'lag is fine' },
      "replicaLagAccepted must say why this data set accepts an unbounded replica lag (at least 20 characters), got: 'lag is fine'",
    ],
    [{ maintenanceDay: 0 }, 'maintenanceDay must be an integer from 1 to 7, got: 0'],
    [{ backupStartTime: '3am' }, 'backupStartTime must be a UTC time HH:MM, got: 3am'],
  ])('WHEN %j THEN it throws a clear error', (props, message) => {
    expect(() => database(testStack(), props)).toThrow(new Error(message));
  });

  test('WHEN the network has no private services access THEN it throws', () => {
    expect(() => database(testStack(), {}, false)).toThrow(
      new Error(
        'network must have private services access (RegionalNetwork privateServiceAccess: true): the instances have private IPs only',
      ),
    );
  });
});

/** Resources Terraform may not destroy, by address, with the name Google Cloud knows them by. */
function protectedIdentities(json: TerraformJson): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(json.resource).flatMap(([type, byName]) =>
      Object.entries(byName)
        .filter(([, r]) => r.lifecycle?.prevent_destroy === true)
        .map(([name, r]) => [`${type}.${name}`, r.name ?? r.location ?? r.key_ring]),
    ),
  );
}

const roleOf = (r: Record<string, unknown>) => (r['//'] as Record<string, { role: string }>)[HA_METADATA_KEY].role;

describe('HaCloudSql with advanced disaster recovery, before and after a failover (TIER_2)', () => {
  const tier = ServiceTier.TIER_2;
  let before: TerraformJson;
  let after: TerraformJson;
  let db: HaCloudSql;
  let promoted: HaCloudSql;
  beforeAll(() => {
    const asDeployed = testStack();
    db = database(asDeployed, { tier, notificationChannels: ['projects/p/notificationChannels/1'] });
    new TerraformOutput(asDeployed, 'endpoint', { value: db.writeEndpoint });
    before = terraformJson(asDeployed);
    const afterFailover = testStack();
    promoted = database(afterFailover, {
      tier,
      notificationChannels: ['projects/p/notificationChannels/1'],
      activeRegion: 'us-east1',
    });
    after = terraformJson(afterFailover);
  });
  const instances = (json: TerraformJson) => {
    const all = Object.values(resourcesOf(json, 'google_sql_database_instance'));
    return {
      primary: all.find((i) => i.region === 'us-central1')!,
      replica: all.find((i) => i.region === 'us-east1')!,
    };
  };

  test('THEN both instances are Enterprise Plus and the primary designates the replica as its DR replica', () => {
    const { primary, replica } = instances(before);
    expect(primary).toEqual(
      expect.objectContaining({
        instance_type: 'CLOUD_SQL_INSTANCE',
        replication_cluster: {
          failover_dr_replica_name: `\${data.google_project.HaConstructsProject.project_id}:${replica.name}`,
        },
        settings: expect.objectContaining({ edition: 'ENTERPRISE_PLUS', availability_type: 'REGIONAL' }),
      }),
    );
    expect(primary.master_instance_name).toBeUndefined();
    expect(primary.replica_names).toBeUndefined();
    expect(replica).toEqual(
      expect.objectContaining({
        instance_type: 'READ_REPLICA_INSTANCE',
        master_instance_name: expect.stringMatching(/^\$\{google_sql_database_instance\.Database_[0-9A-F]+\.name\}$/),
        settings: expect.objectContaining({
          edition: 'ENTERPRISE_PLUS',
          // Google's DR replica requirement: the primary's machine tier.
          tier: (primary.settings as { tier: string }).tier,
          availability_type: 'ZONAL',
          backup_configuration: { enabled: false, point_in_time_recovery_enabled: false },
        }),
      }),
    );
  });

  test('THEN the write endpoint is the writer’s psa_write_endpoint, with the Cloud DNS API enabled before both instances', () => {
    expect(db.writer).toBe(db.instance);
    expect((before as unknown as { output: { endpoint: { value: string } } }).output.endpoint.value).toMatch(
      /^\$\{google_sql_database_instance\.Database_[0-9A-F]+\.replication_cluster\[0\]\.psa_write_endpoint\}$/,
    );
    const dnsApi = Object.entries(before.resource.google_project_service).find(
      ([, r]) => r.service === 'dns.googleapis.com',
    );
    expect(dnsApi).toBeDefined();
    for (const instance of Object.values(instances(before))) {
      expect(instance.depends_on).toContain(`google_project_service.${dnsApi![0]}`);
    }
  });

  test('WHEN activeRegion names the replica region THEN no protected resource changes its address or name', () => {
    const identities = protectedIdentities(before);
    expect(Object.keys(identities).length).toBeGreaterThanOrEqual(6);
    expect(protectedIdentities(after)).toEqual(identities);
    expect(Object.keys(after.resource.google_sql_database_instance).sort()).toEqual(
      Object.keys(before.resource.google_sql_database_instance).sort(),
    );
    // Each instance keeps its own region's key.
    const keyOf = (json: TerraformJson) => Object.values(instances(json)).map((i) => i.encryption_key_name);
    expect(keyOf(after)).toEqual(keyOf(before));
  });

  test('THEN the promoted replica writes (backups, PITR, REGIONAL, DR replica: the old primary) and the old primary replicates from it', () => {
    const { primary: oldPrimary, replica: newWriter } = instances(after);
    expect(promoted.writer).toBe(promoted.replica);
    expect(newWriter.master_instance_name).toBeUndefined();
    expect(newWriter).toEqual(
      expect.objectContaining({
        instance_type: 'CLOUD_SQL_INSTANCE',
        replica_names: [oldPrimary.name],
        replication_cluster: {
          failover_dr_replica_name: `\${data.google_project.HaConstructsProject.project_id}:${oldPrimary.name}`,
        },
        settings: expect.objectContaining({
          availability_type: 'REGIONAL',
          backup_configuration: expect.objectContaining({ enabled: true, point_in_time_recovery_enabled: true }),
        }),
      }),
    );
    const newWriterAddress = Object.entries(after.resource.google_sql_database_instance).find(
      ([, r]) => r === newWriter,
    )![0];
    expect(oldPrimary).toEqual(
      expect.objectContaining({
        instance_type: 'READ_REPLICA_INSTANCE',
        master_instance_name: `\${google_sql_database_instance.${newWriterAddress}.name}`,
        settings: expect.objectContaining({
          availability_type: 'ZONAL',
          backup_configuration: { enabled: false, point_in_time_recovery_enabled: false },
        }),
      }),
    );
    expect(oldPrimary.replication_cluster).toBeUndefined();
    expect([roleOf(oldPrimary), roleOf(newWriter)]).toEqual(['replica', 'primary']);
  });

  test('THEN the lag alert watches the new replica: the old primary', () => {
    const filter = (json: TerraformJson) =>
      JSON.stringify(Object.values(resourcesOf(json, 'google_monitoring_alert_policy'))[0].conditions);
    const address = (json: TerraformJson, region: string) =>
      Object.entries(json.resource.google_sql_database_instance).find(([, r]) => r.region === region)![0];
    expect(filter(before)).toContain(`google_sql_database_instance.${address(before, 'us-east1')}.name`);
    expect(filter(after)).toContain(`google_sql_database_instance.${address(after, 'us-central1')}.name`);
  });

  test('THEN the HA checks still find the cross-region copy after the failover, and acknowledge only HA-DR3', () => {
    const stack = testStack();
    database(stack, { tier, activeRegion: 'us-east1' });
    const report = reportOf(stack);
    expect(report.findings.filter((f) => f.rule === 'HA-DR1' || f.rule === 'HA-DR3')).toEqual([]);
    expect(report.acknowledged?.map((a) => a.rule)).toEqual(['HA-DR3']);
  });

  test.each([
    [
      { activeRegion: 'europe-west1' },
      'activeRegion must be the region of one of the instances (us-central1 or us-east1), got: europe-west1',
    ],
    [
      { activeRegion: 'us-east1', edition: CloudSqlEdition.ENTERPRISE },
      "activeRegion can name the replica's region only with advanced disaster recovery (edition ENTERPRISE_PLUS): an ENTERPRISE replica promoted is detached from its primary, got: us-east1",
    ],
  ])('WHEN %j THEN it throws a clear error', (props, message) => {
    expect(() => database(testStack(), { tier, ...props })).toThrow(new Error(message));
  });

  test.each([false, undefined])(
    'WHEN designateDrReplica is %s (the default: the first apply of a new database) THEN the writer names no replica, so one apply succeeds',
    (designateDrReplica) => {
      const stack = testStack();
      const first = database(stack, { tier, designateDrReplica });
      const { primary, replica } = instances(terraformJson(stack));
      // Cloud SQL accepts only an existing replica as DR replica, and the replica is created after (it names the writer).
      expect(primary.replication_cluster).toEqual({ failover_dr_replica_name: '' });
      expect(replica.master_instance_name).toMatch(/^\$\{google_sql_database_instance\.Database_\w+\.name\}$/);
      expect(first.drReplicaDesignated).toBe(false);
      expect(warningsOf(first)).toEqual([
        expect.stringMatching(/^\[ha-constructs:HaCloudSql\.designateDrReplica\] .*set it to true and apply again/),
      ]);
    },
  );

  test('WHEN designateDrReplica is true on the second apply THEN only the writer changes, in place: it names the replica', () => {
    const [first, second] = [false, true].map((designateDrReplica) => {
      const stack = testStack();
      database(stack, { tier, designateDrReplica });
      return terraformJson(stack);
    });
    const strip = (json: TerraformJson) => {
      const { primary, replica } = instances(json);
      return { primary: { ...primary, replication_cluster: undefined }, replica };
    };
    expect(strip(second)).toEqual(strip(first));
    expect(instances(second).primary.replication_cluster).toEqual({
      failover_dr_replica_name: expect.stringMatching(
        /^\$\{data\.google_project\.\w+\.project_id\}:database-replica-\w+$/,
      ),
    });
  });
});

describe('HaCloudSql.grantConnect', () => {
  let json: TerraformJson;
  let db: HaCloudSql;
  beforeAll(() => {
    const stack = testStack();
    db = database(stack);
    db.grantConnect('App', 'app@shop-prod.iam.gserviceaccount.com');
    json = terraformJson(stack);
  });

  test('THEN client and instance-user roles are granted on the two instances only, whichever writes', () => {
    // The service agent's own role (ProjectServices) aside.
    const grants = Object.values(resourcesOf(json, 'google_project_iam_member')).filter(
      (g) => g.role !== 'roles/cloudsql.serviceAgent',
    );
    const names = Object.keys(resourcesOf(json, 'google_sql_database_instance')).map(
      (n) =>
        `resource.name == 'projects/\${data.google_project.HaConstructsProject.project_id}/instances/\${google_sql_database_instance.${n}.name}'`,
    );
    expect(grants.map((g) => g.role)).toEqual(['roles/cloudsql.client', 'roles/cloudsql.instanceUser']);
    for (const grant of grants) {
      expect(grant.member).toBe('serviceAccount:app@shop-prod.iam.gserviceaccount.com');
      expect((grant.condition as { expression: string }).expression).toBe(
        `resource.type == 'sqladmin.googleapis.com/Instance' && (${names.join(' || ')})`,
      );
    }
    expect(Object.values(resourcesOf(json, 'google_sql_user'))).toEqual([
      expect.objectContaining({ name: 'app@shop-prod.iam', type: 'CLOUD_IAM_SERVICE_ACCOUNT' }),
    ]);
  });

  test('WHEN the same id is granted twice THEN it throws', () => {
    expect(() => db.grantConnect('App', 'other@shop-prod.iam.gserviceaccount.com')).toThrow(
      new Error("id must be unique among this database's grants, got: App twice"),
    );
  });
});
