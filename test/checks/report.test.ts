import { checkInputs } from '../../lib/checks/check';
import { ServiceReport } from '../../lib/checks/report';
import {
  DeletionProtection,
  ObjectivesMet,
  ObjectivesProven,
  RoutedRecordsHealthChecked,
} from '../../lib/checks/rules';
import { HA_METADATA_KEY, ServiceTier } from '../../lib/core';
import { record, tf } from './fixtures/builders';
import { activeActiveCfn, activeActiveTf, singleRegionCfn } from './fixtures/topologies';
import { warmStandby } from './fixtures/warm-standby';

function report(inputs: Parameters<typeof checkInputs>[0], stack: string): ServiceReport {
  const found = checkInputs(inputs).services.find((s) => s.stack === stack);
  if (!found) {
    throw new Error(`no report for ${stack}`);
  }
  return found;
}

describe('resilience report', () => {
  test.each([
    ['CloudFormation', activeActiveCfn(), 'App'],
    ['Terraform', activeActiveTf(), 'app'],
  ])(
    'GIVEN TIER_0 active/active on %s THEN region RTO is detection 36 s + alias TTL 60 s and every objective but ' +
      'the AZ RTO is met: nothing detects a gray failure behind the load balancers',
    (_, inputs, stack) => {
      const r = report(inputs, stack);
      expect(r).toMatchObject({
        service: 'shop',
        tier: 'TIER_0',
        strategy: 'ACTIVE_ACTIVE',
        regions: ['us-east-1', 'us-west-2'],
        azRtoSeconds: null,
        azRpoSeconds: 0,
        regionRtoSeconds: 96,
        regionRpoSeconds: 0,
        status: { azRto: 'unproven', azRpo: 'met', regionRto: 'met', regionRpo: 'met', availability: 'met' },
        objectivesMet: false,
      });
      expect(r.derivation).toContainEqual(
        expect.objectContaining({ quantity: 'azRto', value: undefined, basis: expect.stringContaining('HA-AZ4') }),
      );
      // Two regions of ELB (0.9999) × EC2 multi-AZ (0.9999) in parallel, then Route 53 (1.0) in series.
      expect(r.availability).toBe(0.999999960004);
      expect(r.derivation).toContainEqual(
        expect.objectContaining({
          quantity: 'regionRto',
          value: 36,
          figures: ['ROUTE53_HTTP_CHECK_TIMEOUT_SECONDS', 'ROUTE53_ALIAS_ELB_TTL_SECONDS'],
        }),
      );
      expect(r.derivation).toContainEqual(
        expect.objectContaining({ quantity: 'availability', figures: ['ELASTIC_LOAD_BALANCING'], value: 0.9999 }),
      );
    },
  );

  test('GIVEN TIER_1 warm standby THEN region RTO counts detection, the stated decision, promotion and a scale-up no figure bounds', () => {
    const primary = report(warmStandby(), 'Primary');
    expect(primary).toMatchObject({
      tier: 'TIER_1',
      strategy: 'WARM_STANDBY',
      // Target health check with the ALB defaults (30 s × 2 + 5 s) is slower than Aurora's 30 s failover; a gray
      // failure behind the load balancer, which nothing detects, is unknown.
      azRtoSeconds: null,
      lowerBounds: { azRto: 65 },
      azRpoSeconds: 0,
      // The scale-up's launch time is not published: unproven, not assumed. Nor is the global database's lag
      // (no rds.global_db_rpo in the fixture: its typical lag bounds nothing).
      regionRtoSeconds: null,
      regionRpoSeconds: null,
      // ELB × EC2 multi-AZ × Aurora multi-AZ, each 0.9999, in series; Route 53 (1.0) is global.
      availability: 0.999700029999,
      status: { regionRto: 'unproven' },
      objectivesMet: false,
    });
    expect(primary.derivation).toContainEqual(
      expect.objectContaining({
        quantity: 'regionRto',
        stack: 'Standby',
        resource: 'Promote',
        value: 300,
        basis: expect.stringContaining('a person is paged, decides to fail over'),
      }),
    );
    expect(primary.derivation).toContainEqual(
      expect.objectContaining({
        quantity: 'regionRto',
        stack: 'Primary',
        resource: 'Database',
        basis: expect.stringContaining('AWS publishes about 60 s, a typical time and not a bound'),
        figures: ['AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS'],
      }),
    );
    expect(primary.derivation).toContainEqual(
      expect.objectContaining({
        quantity: 'regionRto',
        stack: 'Standby',
        resource: 'Fleet',
        value: undefined,
        basis: expect.stringContaining('launch time is not published'),
      }),
    );
    expect(primary.derivation).toContainEqual(
      expect.objectContaining({
        quantity: 'regionRto',
        resource: 'service:shop',
        value: 336,
        basis: expect.stringMatching(
          /^detection 36 s \+ max\(TTL 60 s, decision 300 s \+ max\(promotion \? \+ 0 s, scale-up \? \+ 0 s\)\): unproven until/,
        ),
      }),
    );
    expect(primary.derivation).toContainEqual(
      expect.objectContaining({
        quantity: 'regionRpo',
        resource: 'Database',
        value: undefined,
        figures: [],
        basis: expect.stringContaining('without rds.global_db_rpo: typical lag under 1 s is not a bound'),
      }),
    );
  });

  test.each([
    ['CloudFormation', activeActiveCfn(true), 'App', 'Fleet'],
    ['Terraform', activeActiveTf(undefined, true), 'app', 'aws_autoscaling_group.fleet'],
  ])(
    "GIVEN TIER_0 active/active on %s whose fleets must scale to take a lost region's load THEN the region RTO is unproven",
    (_, inputs, stack, fleet) => {
      const r = report(inputs, stack);
      expect(r.status.regionRto).toBe('unproven');
      expect(r.derivation).toContainEqual(
        expect.objectContaining({
          quantity: 'regionRto',
          resource: fleet,
          basis: expect.stringContaining('the regions left carry twice their load: this fleet runs 6 (up to 12)'),
        }),
      );
    },
  );

  test("GIVEN an alarm starts the runbooks THEN the decision counts the alarm's evaluation, no human step", () => {
    const r = report(warmStandby({ runbooks: 'alarm' }), 'Primary');
    expect(r.derivation).toContainEqual(
      expect.objectContaining({
        quantity: 'regionRto',
        resource: 'Page',
        value: 120,
        basis: 'an alarm starts the runbooks (EventBridge) once it has evaluated 120 s of failure: no human step',
      }),
    );
    expect(r.status.regionRto).toBe('unproven');
  });

  test('GIVEN an alarm starts the runbooks but the rule is not in the templates THEN the decision is unknown, not 0 s', () => {
    const inputs = warmStandby({ runbooks: 'alarm' });
    const standby = inputs.cloudFormation!.find((s) => s.name === 'Standby')!;
    delete (standby.template as { Resources: Record<string, unknown> }).Resources.Trigger;
    const r = report(inputs, 'Primary');
    const decision = r.derivation.find((d) => d.quantity === 'regionRto' && d.resource === 'Promote');
    expect(decision).toEqual(
      expect.objectContaining({ basis: expect.stringContaining('evaluation time is not literal') }),
    );
    expect(decision?.value).toBeUndefined();
    expect(
      r.derivation.filter((d) => d.quantity === 'regionRto' && d.resource === 'service:shop').at(-1)?.basis,
    ).toContain('decision ? s');
  });

  test('GIVEN a person starts the runbooks THEN the stated decision time is counted in full and keeps the region RTO unproven', () => {
    const r = report(warmStandby({ standbyWarmup: true }), 'Primary');
    expect(r.derivation).toContainEqual(
      expect.objectContaining({
        quantity: 'regionRto',
        resource: 'Promote',
        value: 300,
        basis: expect.stringContaining('a stated figure'),
      }),
    );
    expect(r.status.regionRto).toBe('unproven');
  });

  test('GIVEN no runbook promotes or scales the standby THEN the region RTO is not met: nothing starts the failover', () => {
    const r = report(warmStandby({ runbooks: 'none' }), 'Primary');
    expect(r.status.regionRto).toBe('not-met');
    expect(r.derivation.map((s) => s.basis)).toEqual(
      expect.arrayContaining([
        'nothing starts the promotion: no runbook in the templates performs it, so the standby region never takes over',
        'nothing starts the scale-up: no runbook in the templates performs it, so the standby region never takes over',
      ]),
    );
  });

  test('GIVEN the warm standby without its global database THEN the region RPO is not met and HA-RES1 names the cluster', () => {
    const inputs = warmStandby({ globalDatabase: false });
    const r = report(inputs, 'Primary');
    expect(r.status.regionRpo).toBe('not-met');
    expect(r.regionRpoSeconds).toBeNull();
    const findings = checkInputs(inputs, { rules: [ObjectivesMet] }).findings.filter((f) => f.stack === 'Primary');
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'HA-RES1',
        resource: 'service:shop',
        message: expect.stringContaining(
          'region RPO unbounded against 60 s (Primary/Database: no copy outside its region',
        ),
      }),
    ]);
  });

  test('GIVEN the warm standby without the primary health check THEN HA-DNS1 names the record and the region RTO is unproven', () => {
    const inputs = warmStandby({ primaryHealthCheck: false });
    expect(report(inputs, 'Primary').status.regionRto).toBe('unproven');
    expect(checkInputs(inputs, { rules: [RoutedRecordsHealthChecked] }).findings).toEqual([
      expect.objectContaining({ rule: 'HA-DNS1', stack: 'Primary', resource: 'Record' }),
    ]);
    // One finding for the service, on its main stack, however many stacks it spans.
    expect(checkInputs(inputs, { rules: [ObjectivesProven] }).findings.map((f) => f.stack)).toEqual(['Primary']);
  });

  test('GIVEN the warm standby with deletion protection off THEN HA-DEL2 names both clusters', () => {
    const findings = checkInputs(warmStandby({ deletionProtection: false }), { rules: [DeletionProtection] }).findings;
    expect(findings.map((f) => `${f.rule} ${f.stack}/${f.resource}`)).toEqual([
      'HA-DEL2 Primary/Database',
      'HA-DEL2 Standby/Database',
    ]);
  });

  test('GIVEN a standby without a declared warm-up THEN the region RTO is unproven, not assumed', () => {
    const r = report(warmStandby({ standbyWarmup: false }), 'Primary');
    expect(r.status.regionRto).toBe('unproven');
    expect(r.regionRtoSeconds).toBeNull();
    expect(r.derivation).toContainEqual(
      expect.objectContaining({ resource: 'Fleet', basis: expect.stringContaining('warm-up alone undeclared') }),
    );
  });

  test('GIVEN TIER_3 backup and restore in one region THEN the region RTO is unproven and the rest is computed', () => {
    const r = report(singleRegionCfn(ServiceTier.TIER_3), 'App');
    expect(r).toMatchObject({
      azRtoSeconds: 0,
      regionRtoSeconds: null,
      regionRpoSeconds: 0,
      availability: 0.99980001,
      status: { azRto: 'met', azRpo: 'met', regionRto: 'unproven', regionRpo: 'met', availability: 'met' },
      objectivesMet: false,
    });
  });

  test('GIVEN TIER_0 in one region THEN the region RTO is not met and the availability of one region is below 99.99%', () => {
    const r = report(singleRegionCfn(ServiceTier.TIER_0), 'App');
    expect(r.status).toMatchObject({ regionRto: 'not-met', availability: 'not-met' });
    expect(r.availability).toBe(0.99980001);
  });
});

describe('detection times in the report', () => {
  /** Two regional Google fleets behind one global backend service with the given health check. */
  function googleGlobal(healthCheck: Record<string, unknown>) {
    return tf(
      {
        google_compute_region_instance_group_manager: {
          // 6 over 3 zones for a peak of 4: a zone's loss leaves the peak, so the health check is the AZ RTO.
          a: {
            region: 'us-central1',
            distribution_policy_zones: ['us-central1-a', 'us-central1-b', 'us-central1-c'],
            target_size: 6,
            '//': { [HA_METADATA_KEY]: { ...record(ServiceTier.TIER_0), requiredCapacity: 4 } },
          },
          b: {
            region: 'us-east1',
            distribution_policy_zones: ['us-east1-b', 'us-east1-c', 'us-east1-d'],
            target_size: 6,
            '//': { [HA_METADATA_KEY]: { ...record(ServiceTier.TIER_0), requiredCapacity: 4 } },
          },
        },
        google_compute_health_check: { hc: healthCheck },
        google_compute_backend_service: {
          web: {
            health_checks: ['${google_compute_health_check.hc.id}'],
            backend: [
              { group: '${google_compute_region_instance_group_manager.a.instance_group}' },
              { group: '${google_compute_region_instance_group_manager.b.instance_group}' },
            ],
          },
        },
      },
      { tier: ServiceTier.TIER_0 },
    );
  }

  test.each([
    // interval × unhealthy threshold + timeout; what the check leaves out is Google's default (5 s, 2, 5 s).
    [{}, 15],
    [{ check_interval_sec: 10 }, 25],
    [{ unhealthy_threshold: 3 }, 20],
    [{ timeout_sec: 8 }, 18],
    [{ check_interval_sec: 10, timeout_sec: 5, unhealthy_threshold: 3 }, 35],
  ])(
    'GIVEN a Google global load balancer whose health check sets %j THEN the AZ and region RTO are %s s',
    (healthCheck, seconds) => {
      const [r] = checkInputs(googleGlobal(healthCheck)).services;
      expect(r).toMatchObject({ azRtoSeconds: seconds, regionRtoSeconds: seconds });
      expect(r.derivation).toContainEqual(
        expect.objectContaining({
          quantity: 'azRto',
          resource: 'google_compute_backend_service.web',
          value: seconds,
          figures: ['GCE_HEALTH_CHECK_DEFAULTS'],
        }),
      );
      expect(r.derivation).toContainEqual(
        expect.objectContaining({
          quantity: 'regionRto',
          resource: 'google_compute_backend_service.web',
          value: seconds,
          figures: ['GCE_HEALTH_CHECK_DEFAULTS'],
        }),
      );
    },
  );

  test("GIVEN a regional backend service with a regional health check THEN the AZ RTO is that check's detection time", () => {
    const inputs = tf(
      {
        google_compute_region_health_check: {
          hc: { region: 'us-central1', check_interval_sec: 4, unhealthy_threshold: 5 },
        },
        google_compute_region_backend_service: {
          web: { region: 'us-central1', health_checks: ['${google_compute_region_health_check.hc.id}'] },
        },
      },
      { tier: ServiceTier.TIER_2 },
    );
    // 4 s × 5 + the default 5 s timeout.
    expect(checkInputs(inputs).services[0].azRtoSeconds).toBe(25);
  });

  test("GIVEN a Google DNS record with health-checked targets over two regions THEN detection takes Google's default settings, then the TTL", () => {
    const inputs = tf(
      {
        google_compute_region_instance_group_manager: {
          a: { region: 'us-central1', distribution_policy_zones: ['us-central1-a', 'us-central1-b'] },
          b: { region: 'us-east1', distribution_policy_zones: ['us-east1-b', 'us-east1-c'] },
        },
        google_dns_record_set: {
          api: {
            name: 'api.example.com.',
            type: 'A',
            ttl: 30,
            routing_policy: {
              wrr: [
                {
                  weight: 1,
                  health_checked_targets: {
                    internal_load_balancers: [{ ip_address: '10.0.0.1', region: 'us-central1' }],
                  },
                },
              ],
            },
          },
        },
      },
      { tier: ServiceTier.TIER_0 },
    );
    const [r] = checkInputs(inputs).services;
    // 5 s × 2 + 5 s detection, then the 30 s TTL (active/active: nothing to promote or scale).
    expect(r.regionRtoSeconds).toBe(45);
    expect(r.derivation).toContainEqual(
      expect.objectContaining({
        quantity: 'regionRto',
        resource: 'google_dns_record_set.api',
        value: 15,
        figures: ['GCE_HEALTH_CHECK_DEFAULTS'],
      }),
    );
  });

  test('GIVEN a 30 s Route 53 health check with threshold 2 THEN detection is 30 s × 2 + the 6 s request timeout, then the alias TTL', () => {
    const r = report(activeActiveTf({ type: 'HTTPS', request_interval: 30, failure_threshold: 2 }), 'app');
    expect(r.regionRtoSeconds).toBe(126);
    expect(r.status.regionRto).toBe('not-met');
    expect(r.derivation).toContainEqual(
      expect.objectContaining({ quantity: 'regionRto', resource: 'aws_route53_health_check.hc', value: 66 }),
    );
  });

  test.each([
    [{ type: 'HTTPS', request_interval: 15, failure_threshold: 3 }, 'intervalSeconds must be one of 10, 30, got: 15'],
    [
      { type: 'HTTPS', request_interval: 10, failure_threshold: 11 },
      'failureThreshold must be an integer from 1 to 10, got: 11',
    ],
  ])(
    'GIVEN a Route 53 health check with %j, which Route 53 does not accept THEN the region RTO is unproven and the step says why',
    (healthCheck, message) => {
      const r = report(activeActiveTf(healthCheck), 'app');
      expect(r.regionRtoSeconds).toBeNull();
      expect(r.status.regionRto).toBe('unproven');
      expect(r.derivation).toContainEqual(
        expect.objectContaining({
          quantity: 'regionRto',
          resource: 'aws_route53_health_check.hc',
          basis: expect.stringContaining(message),
        }),
      );
      expect(r.derivation.find((s) => s.resource === 'aws_route53_health_check.hc')?.value).toBeUndefined();
    },
  );
});
