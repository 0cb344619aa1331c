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
