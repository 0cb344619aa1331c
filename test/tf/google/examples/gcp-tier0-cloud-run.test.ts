import { Testing } from 'cdktf';
import {
  addGcpTier0CloudRun,
  GCP_TIER0_CLOUD_RUN_AVAILABILITY,
  GCP_TIER0_CLOUD_RUN_GLOBAL_ENTRY_AVAILABILITY,
} from '../../../../examples/gcp-tier0-cloud-run';
import { checkInputs } from '../../../../lib/checks/check';
import { ServiceReport } from '../../../../lib/checks/report';
import { ServiceTier } from '../../../../lib/core';
import { TerraformJson, terraformJson } from '../util';

describe('example gcp-tier0-cloud-run', () => {
  let json: TerraformJson;
  let report: ServiceReport;
  beforeAll(() => {
    json = terraformJson(addGcpTier0CloudRun(Testing.app()));
    const input = JSON.parse(JSON.stringify(json)) as Record<string, unknown>;
    report = checkInputs({ terraform: [{ name: 'gcp-tier0-cloud-run', json: input }] }).services[0];
  });

  test('THEN availability composes above TIER_0, where one global load balancer could not', () => {
    expect(report.availability).toBeCloseTo(GCP_TIER0_CLOUD_RUN_AVAILABILITY, 12);
    expect(GCP_TIER0_CLOUD_RUN_AVAILABILITY).toBeGreaterThanOrEqual(ServiceTier.TIER_0.availabilityTarget);
    expect(GCP_TIER0_CLOUD_RUN_GLOBAL_ENTRY_AVAILABILITY).toBeLessThan(ServiceTier.TIER_0.availabilityTarget);
    expect(report.status.availability).toBe('met');
  });

  test("THEN the region RTO's known steps fit 120 s and the AZ RTO stays unproven: what Google does not publish", () => {
    expect(report.lowerBounds.regionRto).toBeLessThanOrEqual(ServiceTier.TIER_0.regionRtoSeconds);
    expect(report.status.regionRto).toBe('unproven');
    expect(report.status.azRto).toBe('unproven');
    expect(report.status.regionRpo).toBe('met');
  });

  test("THEN a region's loss needs no scale-out: each region keeps the whole peak; below it, that is unproven", () => {
    const absorb = (r: ServiceReport) =>
      r.derivation.filter((d) => d.quantity === 'regionRto' && d.basis.startsWith('when a region fails'));
    expect(absorb(report).map((d) => [d.value, d.basis])).toEqual([
      [0, expect.stringContaining('this Cloud Run service keeps at least 6, the 4 the whole service needs at peak')],
      [0, expect.stringContaining('this Cloud Run service keeps at least 6')],
    ]);
    // Each region keeping 3, under the stated peak of 4: the regions left must scale, in no published time.
    const input = JSON.parse(JSON.stringify(json)) as TerraformJson;
    for (const service of Object.values(input.resource.google_cloud_run_v2_service)) {
      (service.template as { scaling: { min_instance_count: number } }).scaling.min_instance_count = 3;
    }
    const short = checkInputs({
      terraform: [{ name: 'gcp-tier0-cloud-run', json: input as unknown as Record<string, unknown> }],
    }).services[0];
    expect(absorb(short).map((d) => [d.value, d.basis])).toEqual([
      [
        undefined,
        expect.stringMatching(/carry twice their load: this Cloud Run service keeps 3 \(up to \d+\); whether/),
      ],
      [undefined, expect.stringContaining('this Cloud Run service keeps 3')],
    ]);
    expect(short.status.regionRto).toBe('unproven');
  });

  test('THEN whatever depends on a grant also waits out IAM propagation after it, and nothing waits on itself', () => {
    const all = Object.entries(json.resource).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, body]) => ({ address: `${type}.${name}`, type, body })),
    );
    const byAddress = new Map(all.map((r) => [r.address, r]));
    const dependsOn = (body: Record<string, unknown>) => (body.depends_on ?? []) as string[];
    const isGrant = (type: string) => /^google_\w+_iam_member$/.test(type);
    const unwaited = all
      .filter((r) => !isGrant(r.type) && r.type !== 'time_sleep')
      .flatMap((r) =>
        dependsOn(r.body)
          .filter((d) => isGrant(byAddress.get(d)?.type ?? ''))
          .filter(
            (grant) =>
              !dependsOn(r.body).some(
                (w) => w.startsWith('time_sleep.') && dependsOn(byAddress.get(w)!.body).includes(grant),
              ),
          )
          .map((grant) => `${r.address} after ${grant}`),
      );
    expect(unwaited).toEqual([]);
    expect(Object.keys(json.resource.time_sleep).length).toBeGreaterThan(0);
    // No cycle through references and depends_on (Terraform would refuse the plan).
    const edges = new Map(
      all.map((r) => {
        const text = JSON.stringify(r.body);
        const refs = all.filter((o) => o.address !== r.address && text.includes(`${o.address}.`)).map((o) => o.address);
        return [r.address, [...new Set([...refs, ...dependsOn(r.body).filter((d) => byAddress.has(d))])]];
      }),
    );
    const state = new Map<string, 'open' | 'done'>();
    const cycle = (address: string): boolean => {
      state.set(address, 'open');
      const found = edges
        .get(address)!
        .some((next) => state.get(next) === 'open' || (state.get(next) === undefined && cycle(next)));
      state.set(address, 'done');
      return found;
    };
    expect(all.filter((r) => state.get(r.address) === undefined && cycle(r.address)).map((r) => r.address)).toEqual([]);
  });

  test('THEN the Cloud Run account may use the database and nothing else', () => {
    const grants = Object.entries(json.resource)
      .filter(([type]) => type.endsWith('_iam_member'))
      .flatMap(([type, byName]) =>
        Object.values(byName)
          .filter((r) => /Web_ServiceAccount/.test(String(r.member)))
          .map((r) => [type, r.role]),
      );
    expect(grants).toEqual([['google_spanner_database_iam_member', 'roles/spanner.databaseUser']]);
  });

  test('THEN the image must be a digest, checked by Terraform at plan', () => {
    const variable = (json as unknown as { variable: Record<string, { validation: { condition: string }[] }> }).variable
      .image;
    expect(variable.validation[0].condition).toBe('can(regex("@sha256:[0-9a-f]{64}$", var.image))');
  });

  test('THEN each region keeps 6 instances behind its own regional load balancer, over its serverless NEG', () => {
    const services = Object.values(json.resource.google_cloud_run_v2_service);
    expect(
      services.map((s) => (s.template as { scaling: { min_instance_count: number } }).scaling.min_instance_count),
    ).toEqual([6, 6]);
    const backends = Object.values(json.resource.google_compute_region_backend_service);
    expect(backends.map((b) => [b.region, b.protocol, b.health_checks])).toEqual([
      ['us-east4', 'HTTPS', undefined],
      ['us-east1', 'HTTPS', undefined],
    ]);
  });
});
