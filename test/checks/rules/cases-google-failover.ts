import { CloudSqlDrReplica } from '../../../lib/checks/rules/dr/CloudSqlDrReplica';
import { StandbyBackends } from '../../../lib/checks/rules/lb/StandbyBackends';
import { ServiceTier } from '../../../lib/core';
import { tf } from '../fixtures/builders';
import { RuleCase } from './cases';

const T2 = { tier: ServiceTier.TIER_2 };

/** A Cloud SQL primary in us-central1 with a read replica in us-east1, the primary's extra arguments merged in. */
function cloudSql(primary: Record<string, unknown>) {
  return {
    google_sql_database_instance: {
      p: { name: 'orders', region: 'us-central1', settings: { edition: 'ENTERPRISE_PLUS' }, ...primary },
      r: { name: 'orders-dr', region: 'us-east1', master_instance_name: '${google_sql_database_instance.p.name}' },
    },
  };
}

/** A global backend service over the instance groups of `regions`. */
function frontend(regions: string[]) {
  const name = (region: string) => region.replace(/-/g, '_');
  return {
    google_compute_region_instance_group_manager: Object.fromEntries(
      ['us-central1', 'us-east1'].map((region) => [name(region), { region, base_instance_name: 'web' }]),
    ),
    google_compute_backend_service: {
      web: {
        load_balancing_scheme: 'EXTERNAL_MANAGED',
        backend: regions.map((region) => ({
          group: `\${google_compute_region_instance_group_manager.${name(region)}.instance_group}`,
        })),
      },
    },
  };
}

/** HA-DR7 and HA-LB5: what a Google region failover needs before the disaster. */
export const GOOGLE_FAILOVER_CASES: RuleCase[] = [
  {
    rule: CloudSqlDrReplica,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_sql_database_instance.p',
    message:
      'has the cross-region replica google_sql_database_instance.r but designates no DR replica: promoted, it is detached',
    compliant: tf(cloudSql({ replication_cluster: { failover_dr_replica_name: '${var.project}:orders-dr' } }), T2),
    nonCompliant: tf(cloudSql({ settings: { edition: 'ENTERPRISE' } }), T2),
  },
  {
    rule: StandbyBackends,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_compute_backend_service.web',
    message: 'sends only to instance groups in us-central1: TIER_2 (PILOT_LIGHT) needs 2 regions',
    compliant: tf(frontend(['us-central1', 'us-east1']), T2),
    nonCompliant: tf(frontend(['us-central1']), T2),
  },
];
