import { checkInputs } from '../../lib/checks/check';
import { DerivationStep, ServiceReport } from '../../lib/checks/report';
import { DRILL_MEASUREMENTS_METADATA_KEY, PUBLISHED_SLAS, ServiceTier } from '../../lib/core';
import { tf } from './fixtures/builders';

const TODAY = new Date('2026-03-10T09:00:00Z');

/** A TIER_0 service: a global load balancer over fleets in nam3's read-write regions, Spanner on `config`. */
function service(config: string, database: Record<string, unknown> = {}): ServiceReport {
  const fleet = (region: string) => ({
    region,
    base_instance_name: 'web',
    distribution_policy_zones: [`${region}-b`, `${region}-c`, `${region}-d`],
  });
  const inputs = tf(
    {
      google_compute_health_check: { hc: { check_interval_sec: 5, timeout_sec: 5, unhealthy_threshold: 2 } },
      google_compute_region_instance_group_manager: { east4: fleet('us-east4'), east1: fleet('us-east1') },
      google_compute_backend_service: {
        api: {
          health_checks: ['${google_compute_health_check.hc.id}'],
          backend: [
            { group: '${google_compute_region_instance_group_manager.east4.instance_group}' },
            { group: '${google_compute_region_instance_group_manager.east1.instance_group}' },
          ],
        },
      },
      google_compute_region_autoscaler: {
        east4: { region: 'us-east4', autoscaling_policy: { min_replicas: 6, max_replicas: 12 } },
        east1: { region: 'us-east1', autoscaling_policy: { min_replicas: 6, max_replicas: 12 } },
      },
      // The witness region holds a key and serves nothing.
      google_kms_key_ring: { witness: { location: 'us-central1' } },
      google_spanner_instance: { i: { config } },
      google_spanner_database: { db: { instance: '${google_spanner_instance.i.name}', name: 'orders', ...database } },
    },
    { tier: ServiceTier.TIER_0 },
  );
  return checkInputs(inputs, { today: TODAY }).services[0];
}

const steps = (report: ServiceReport, quantity: string): DerivationStep[] =>
  report.derivation.filter((d) => d.quantity === quantity && d.resource === 'google_spanner_database.db');

describe('the report on a Spanner database', () => {
  test('GIVEN nam3 THEN region RPO 0 from the published quorum commit, the 99.999% SLA in series', () => {
    const report = service('nam3');
    expect(report.regionRpoSeconds).toBe(0);
    expect(steps(report, 'regionRpo')).toEqual([
      expect.objectContaining({ value: 0, figures: ['SPANNER_MULTI_REGION_RPO_SECONDS'] }),
    ]);
    expect(steps(report, 'availability')).toEqual([
      expect.objectContaining({
        value: PUBLISHED_SLAS.SPANNER_MULTI_REGION,
        basis: 'global: in series with the regions',
        figures: ['SPANNER_MULTI_REGION'],
      }),
    ]);
  });

  test("GIVEN nam3 THEN a zone loses no write, and the time to lead the lost zone's splits is unknown", () => {
    const report = service('nam3');
    expect(steps(report, 'azRpo')).toEqual([expect.objectContaining({ value: 0 })]);
    const [zone] = steps(report, 'azRto');
    expect(zone.value).toBeUndefined();
    expect(zone.basis).toContain('in a time Google does not publish');
    expect(report.status).toMatchObject({ azRto: 'unproven', azRpo: 'met' });
  });

  test('GIVEN nam3 and no drill THEN the leader failover is unknown: region RTO unproven, nothing to start', () => {
    const report = service('nam3');
    const [decision, leaders] = steps(report, 'regionRto');
    expect(decision).toMatchObject({ value: 0, basis: 'no one decides: Spanner elects new leaders without a runbook' });
    expect(leaders.value).toBeUndefined();
    expect(leaders.basis).toMatch(/^Spanner moves the leaders .* Google does not publish; measure it with a region/);
    expect(report.status.regionRto).toBe('unproven');
  });

  test("GIVEN a fresh drill measurement of the leaders' move THEN it bounds the region RTO", () => {
    const measured = { promotion: { seconds: 20, measuredOn: '2026-03-02', drill: 'checkout region drill' } };
    const report = service('nam3', { '//': { [DRILL_MEASUREMENTS_METADATA_KEY]: measured } });
    expect(steps(report, 'regionRto')[1]).toMatchObject({ value: 20, measurement: { seconds: 20 } });
    // Detection (15 s) + the measured leader move; the fleets' scale-out stays unknown.
    expect(report.lowerBounds.regionRto).toBe(15 + 20);
  });

  test("GIVEN a key in nam3's witness region THEN the region left carries twice its load: two serve", () => {
    const absorb = service('nam3').derivation.filter((d) => d.resource.startsWith('google_compute_region_autoscaler.'));
    expect(absorb.map((d) => d.basis.slice(0, 57))).toEqual([
      'when a region fails, the regions left carry twice their l',
      'when a region fails, the regions left carry twice their l',
    ]);
  });

  test('GIVEN a regional configuration THEN no copy outside its region, and a single writer in series', () => {
    const report = service('regional-us-east1');
    expect(report.status.regionRpo).toBe('not-met');
    expect(steps(report, 'availability')).toEqual([
      expect.objectContaining({ value: PUBLISHED_SLAS.SPANNER_REGIONAL, figures: ['SPANNER_REGIONAL'] }),
    ]);
  });
});
