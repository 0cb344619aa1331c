import { readFileSync } from 'fs';
import { join } from 'path';
import { Testing } from 'cdktf';
import { addGcpTier1Gke, GKE_CONTROL_PLANE_IN_SERIES } from '../../../../examples/gcp-tier1-gke';
import { checkInputs } from '../../../../lib/checks/check';
import { HaReport, ServiceReport } from '../../../../lib/checks/report';
import { PUBLISHED_SLAS, ServiceTier } from '../../../../lib/core';
import {
  README_TERRAFORM_DIAGRAMS,
  renderReadmeDiagrams,
  terraformExampleDiagrams,
} from '../../../../scripts/readme-diagrams';
import { resourcesOf, TerraformJson, terraformJson } from '../util';

const TIER = ServiceTier.TIER_1;

describe('example gcp-tier1-gke', () => {
  let json: TerraformJson;
  let checked: HaReport;
  let report: ServiceReport;
  beforeAll(() => {
    json = terraformJson(addGcpTier1Gke(Testing.app()));
    const input = JSON.parse(JSON.stringify(json)) as Record<string, unknown>;
    checked = checkInputs({ terraform: [{ name: 'gcp-tier1-gke', json: input }] });
    report = checked.services[0];
  });
  const steps = (quantity: string) => report.derivation.filter((d) => d.quantity === quantity);

  test("THEN availability is under TIER_1's 99.95 %: the pods' Workload Identity puts the control plane in series", () => {
    const inSeries =
      PUBLISHED_SLAS.CLOUD_LOAD_BALANCING *
      PUBLISHED_SLAS.COMPUTE_ENGINE_MULTI_ZONE *
      PUBLISHED_SLAS.GKE_REGIONAL_CONTROL_PLANE *
      PUBLISHED_SLAS.CLOUD_SQL_ENTERPRISE_PLUS_HA;
    expect(report.availability).toBeCloseTo(inSeries, 12);
    expect(report.availability).toBeLessThan(TIER.availabilityTarget);
    expect(report.status.availability).toBe('not-met');
    expect(steps('availability').find((d) => d.figures[0] === 'GKE_REGIONAL_CONTROL_PLANE')?.basis).toBe(
      'us-east4: in series',
    );
    // Without the control plane (pods that need no token from it) the same path would meet the target.
    expect(inSeries / PUBLISHED_SLAS.GKE_REGIONAL_CONTROL_PLANE).toBeGreaterThanOrEqual(TIER.availabilityTarget);
    // Acknowledged so that the example synthesizes: the report still prints the finding, with the reason.
    expect(checked.findings.map((f) => f.rule)).not.toContain('HA-RES1');
    expect((checked.acknowledged ?? []).filter((f) => f.rule === 'HA-RES1').map((f) => [f.message, f.reason])).toEqual([
      [expect.stringContaining('availability 99.920018 % against a target of 99.95 %'), GKE_CONTROL_PLANE_IN_SERIES],
    ]);
  });

  test("THEN the region RTO's known steps fit 900 s, and the promotion Google does not publish leaves it unproven", () => {
    expect(report.lowerBounds.regionRto).toBe(380);
    expect(report.lowerBounds.regionRto).toBeLessThanOrEqual(TIER.regionRtoSeconds);
    expect(report.status.regionRto).toBe('unproven');
    const bases = steps('regionRto').map((d) => d.basis);
    expect(bases).toContainEqual(
      expect.stringMatching(/^Cloud SQL advanced DR replica failover .*publishes no duration/),
    );
    // The standby keeps what the primary keeps: nothing to scale, nothing left unstarted.
    expect(bases.join('\n')).not.toMatch(/nothing starts the|no standby fleet/);
    expect(bases).toContainEqual(expect.stringContaining('scale-up 0 s'));
  });

  test('THEN the region RPO is unproven (Cloud SQL publishes no lag bound): an alert watches the lag', () => {
    expect(report.status.regionRpo).toBe('unproven');
    expect(checked.findings.filter((f) => f.rule === 'HA-DR3').map((f) => f.message)).toEqual([
      expect.stringContaining("TIER_1's region RPO of 60 s cannot be shown"),
    ]);
    const alerts = Object.values(resourcesOf(json, 'google_monitoring_alert_policy'));
    expect(alerts.map((a) => String(a.display_name))).toContainEqual(expect.stringMatching(/replica lag/i));
  });

  test("THEN the AZ RTO is met at 60 s: Local node ports leave a zone on the health check, not on Kubernetes' grace", () => {
    expect(report.lowerBounds.azRto).toBe(60);
    expect(report.lowerBounds.azRto).toBeLessThanOrEqual(TIER.azRtoSeconds);
    expect(report.status.azRto).toBe('met');
    expect(steps('azRto').map((d) => d.basis)).not.toContainEqual(
      expect.stringContaining('until the node controller marks their nodes NotReady'),
    );
  });

  test("THEN the load balancer's backends are each zone's node-pool group in both regions, checked through the pods", () => {
    const [backendService] = Object.values(resourcesOf(json, 'google_compute_backend_service'));
    const backends = backendService.backend as { group: string; description: string }[];
    expect(backends.map((b) => b.group.replace(/_[0-9A-F]{8}\./, '.'))).toEqual([
      ...[0, 1, 2].map(
        (i) => `\${element(google_container_node_pool.ClusterPrimary_NodePool.managed_instance_group_urls, ${i})}`,
      ),
      ...[0, 1, 2].map(
        (i) => `\${element(google_container_node_pool.ClusterStandby_NodePool.managed_instance_group_urls, ${i})}`,
      ),
    ]);
    expect(backendService.port_name).toBe('http');
    // It sends to the port name only once every group has it.
    expect(
      (backendService.depends_on as string[]).filter((d) => d.startsWith('google_compute_instance_group_named_port.')),
    ).toHaveLength(6);
    const [check] = Object.values(resourcesOf(json, 'google_compute_health_check'));
    expect(check.http_health_check).toEqual({ port: 30080, request_path: '/health/ready' });
    const services = Object.values(resourcesOf(json, 'kubernetes_service_v1'));
    expect(services.map((s) => s.spec)).toEqual(
      [0, 1].map(() =>
        expect.objectContaining({
          type: 'NodePort',
          external_traffic_policy: 'Local',
          port: [expect.objectContaining({ node_port: 30080, port: 8080 })],
        }),
      ),
    );
  });

  test('THEN each region keeps 9 nodes and 9 pods, 3 a zone: a zone leaves the 6 needed, a region needs no scale-out', () => {
    const pools = Object.values(resourcesOf(json, 'google_container_node_pool'));
    expect(pools.map((p) => (p.autoscaling as { min_node_count: number }).min_node_count)).toEqual([3, 3]);
    const autoscalers = Object.values(resourcesOf(json, 'kubernetes_horizontal_pod_autoscaler_v2'));
    expect(autoscalers.map((a) => (a.spec as { min_replicas: number }).min_replicas)).toEqual([9, 9]);
  });

  test("THEN the pods' Google accounts may connect to the database and nothing else", () => {
    const grants = Object.entries(json.resource)
      .filter(([type]) => type.endsWith('_iam_member'))
      .flatMap(([type, byName]) =>
        Object.values(byName)
          .filter((r) => /WorkloadAccount-ledger/.test(String(r.member)))
          .map((r) => [type, r.role]),
      );
    expect(grants).toEqual(
      [0, 1].flatMap(() => [
        ['google_project_iam_member', 'roles/cloudsql.client'],
        ['google_project_iam_member', 'roles/cloudsql.instanceUser'],
      ]),
    );
    const bindings = Object.values(resourcesOf(json, 'google_service_account_iam_member'));
    expect(bindings.map((b) => [b.role, String(b.member).replace(/^.*\[/, '[')])).toEqual([
      ['roles/iam.workloadIdentityUser', '[default/ledger]'],
      ['roles/iam.workloadIdentityUser', '[default/ledger]'],
    ]);
  });

  test("THEN the README's diagrams are what scripts/readme-diagrams.ts draws from the example", async () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
    const section = (text: string) =>
      text.slice(text.indexOf('<!-- diagrams:ledger:begin'), text.indexOf('<!-- diagrams:ledger:end'));
    expect(section(readme)).toContain('```mermaid');
    expect([
      readme.split('<!-- diagrams:ledger:begin').length,
      readme.split('<!-- diagrams:ledger:end').length,
    ]).toEqual([2, 2]);
    const drawn = renderReadmeDiagrams(readme, await terraformExampleDiagrams(), README_TERRAFORM_DIAGRAMS);
    expect(section(drawn)).toBe(section(readme));
  });
});
