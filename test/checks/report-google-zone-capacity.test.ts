import { App, TerraformStack } from 'cdktf';
import { checkInputs } from '../../lib/checks/check';
import { ServiceReport } from '../../lib/checks/report';
import { HaRole, ServiceTier } from '../../lib/core';
import { RegionalFleet } from '../../lib/tf/google/fleet';
import { GlobalFrontend } from '../../lib/tf/google/frontend';
import { RegionalNetwork } from '../../lib/tf/google/network';

const TODAY = new Date('2026-03-10T09:00:00Z');
const IMAGE = `europe-docker.pkg.dev/shop/catalog/api@sha256:${'d'.repeat(64)}`;
const ZONES = ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'];

type Json = { resource: Record<string, Record<string, Record<string, unknown>>> };

/** One fleet behind a global load balancer, its JSON edited as a hand-written template could be. */
function zoneReport(
  tier: ServiceTier,
  zones: string[],
  requiredInstances: number | undefined,
  edit: (json: Json) => void = () => undefined,
): ServiceReport {
  const stack = new TerraformStack(new App(), 'app');
  const network = new RegionalNetwork(stack, 'Network', {
    tier,
    service: 'catalog',
    regions: ['europe-west1', 'europe-west4'],
  });
  const fleet = new RegionalFleet(stack, 'Fleet', {
    tier,
    service: 'catalog',
    network,
    region: 'europe-west1',
    zones,
    requiredInstances,
    container: { image: IMAGE },
  });
  new GlobalFrontend(stack, 'Frontend', { tier, service: 'catalog', backends: [fleet], domains: ['shop.example.com'] });
  const json = JSON.parse(JSON.stringify(stack.toTerraform())) as Json;
  edit(json);
  const report = checkInputs(
    { terraform: [{ name: 'app', json: json as unknown as Record<string, unknown> }] },
    { today: TODAY },
  );
  return report.services[0];
}

const zoneLoss = (service: ServiceReport) =>
  service.derivation.filter((s) => s.quantity === 'azRto' && s.basis.startsWith('zone loss'));
const editGroups = (change: (group: Record<string, unknown>) => void) => (json: Json) =>
  Object.values(json.resource.google_compute_region_instance_group_manager).forEach(change);
const editAutoscalers = (change: (policy: Record<string, unknown>) => void) => (json: Json) =>
  Object.values(json.resource.google_compute_region_autoscaler).forEach((a) =>
    change(a.autoscaling_policy as Record<string, unknown>),
  );

/*
 * A regional group adds no instance in the zones left when one is lost: the AZ RTO is the load
 * balancer's health check only when the survivors already run the peak its HA record states.
 *
 * | tier   | zones | peak | minimum | left | AZ RTO                                   |
 * |--------|-------|------|---------|------|------------------------------------------|
 * | TIER_2 | 3     | 2    | 3       | 2    | the health check: met                    |
 * | TIER_2 | 2     | 2    | 2       | 1    | unproven: the autoscaler must grow to 4  |
 * | TIER_2 | 3     | 4    | 4       | 2    | unproven                                 |
 * | TIER_2 | 3     | 4    | 6       | 4    | the health check: met                    |
 * | TIER_2 | 3     | —    | 3       | 2    | unproven: no peak stated                 |
 * | TIER_2 | 3, BALANCED | 2 | 3    | ?    | unproven: the shape keeps no bound       |
 * | TIER_2 | 2, maximum 3 | 2 | 2    | 1    | not met: EVEN never gets 2 into one zone |
 */
describe('the AZ RTO of a Google fleet checks the zones left carry the peak', () => {
  test('GIVEN TIER_2 with one instance in each of 3 zones for a peak of 2 THEN the 2 left carry it: the health check is the RTO', () => {
    const service = zoneReport(ServiceTier.TIER_2, ZONES, 2);
    expect(zoneLoss(service)).toEqual([
      expect.objectContaining({
        value: 0,
        basis: expect.stringContaining(
          'statically stable: after losing its largest zone (1 of its minimum 3 over 3 zones, EVEN) the group keeps 2',
        ),
      }),
    ]);
    expect(service.azRtoSeconds).toBe(95);
    expect(service.status.azRto).toBe('met');
  });

  test('GIVEN TIER_2 with one instance in each of 2 zones for a peak of 2 THEN traffic leaving the zone is not the recovery: unproven', () => {
    const service = zoneReport(ServiceTier.TIER_2, ZONES.slice(0, 2), 2);
    const [step] = zoneLoss(service);
    expect(step.value).toBeUndefined();
    expect(step.basis).toMatch(/the group keeps 1, fewer than the 2 its HA record states/);
    expect(step.basis).toMatch(/adds no instance in the other zones by itself.*with EVEN it must grow to 4/);
    expect(service.azRtoSeconds).toBeNull();
    expect(service.status.azRto).toBe('unproven');
  });

  test('GIVEN a peak of 4 over 3 zones THEN a minimum of 4 leaves 2 (unproven) and one of 6 leaves 4 (the health check)', () => {
    const [short] = zoneLoss(zoneReport(ServiceTier.TIER_2, ZONES, 4));
    expect(short.value).toBeUndefined();
    expect(short.basis).toContain('(2 of its minimum 4 over 3 zones, EVEN) the group keeps 2, fewer than the 4');
    const stable = zoneReport(
      ServiceTier.TIER_2,
      ZONES,
      4,
      editAutoscalers((p) => (p.min_replicas = 6)),
    );
    expect(zoneLoss(stable)).toEqual([expect.objectContaining({ value: 0 })]);
    expect(zoneLoss(stable)[0].basis).toContain('(2 of its minimum 6 over 3 zones, EVEN) the group keeps 4');
  });

  test('GIVEN no stated peak THEN what the survivors carry is not in the templates: unproven', () => {
    const [step] = zoneLoss(zoneReport(ServiceTier.TIER_2, ZONES, undefined));
    expect(step.value).toBeUndefined();
    expect(step.basis).toMatch(/keeps 2; its HA record states no peak \(requiredCapacity\)/);
  });

  test('GIVEN a BALANCED shape THEN the zones may differ by more than one: unproven', () => {
    const service = zoneReport(
      ServiceTier.TIER_2,
      ZONES,
      2,
      editGroups((g) => (g.distribution_policy_target_shape = 'BALANCED')),
    );
    const [step] = zoneLoss(service);
    expect(step.value).toBeUndefined();
    expect(step.basis).toContain('distribution shape BALANCED does not keep the zones within one instance');
  });

  test('GIVEN a maximum EVEN cannot reach the peak in the zones left THEN the AZ RTO is not met', () => {
    const service = zoneReport(
      ServiceTier.TIER_2,
      ZONES.slice(0, 2),
      2,
      editAutoscalers((p) => (p.max_replicas = 3)),
    );
    expect(zoneLoss(service)[0].basis).toMatch(/only at a size of 4, above the maximum 3: they never carry the peak/);
    expect(service.status.azRto).toBe('not-met');
  });

  test('GIVEN a pilot-light standby behind the same load balancer THEN only the serving fleet is judged', () => {
    const stack = new TerraformStack(new App(), 'app');
    const tier = ServiceTier.TIER_2;
    const network = new RegionalNetwork(stack, 'Network', {
      tier,
      service: 'catalog',
      regions: ['europe-west1', 'europe-west4'],
    });
    const fleets = [
      new RegionalFleet(stack, 'Primary', {
        tier,
        service: 'catalog',
        network,
        region: 'europe-west1',
        zones: ZONES,
        requiredInstances: 2,
        container: { image: IMAGE },
      }),
      new RegionalFleet(stack, 'Standby', {
        tier,
        service: 'catalog',
        role: HaRole.STANDBY,
        network,
        region: 'europe-west4',
        zones: ['europe-west4-a', 'europe-west4-b'],
        requiredInstances: 2,
        container: { image: IMAGE },
      }),
    ];
    new GlobalFrontend(stack, 'Frontend', {
      tier,
      service: 'catalog',
      backends: fleets,
      domains: ['shop.example.com'],
    });
    const json = JSON.parse(JSON.stringify(stack.toTerraform())) as Record<string, unknown>;
    const [service] = checkInputs({ terraform: [{ name: 'app', json }] }, { today: TODAY }).services;
    expect(zoneLoss(service).map((s) => s.resource)).toEqual([expect.stringMatching(/Primary/)]);
  });
});
