import { Testing } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { addGcpTier0ActiveActive } from '../../../../examples/gcp-tier0-active-active';
import { checkInputs } from '../../../../lib/checks/check';
import { resourcesOf, TerraformJson, terraformJson } from '../util';

/** TIER_0 on Spanner: what its fleets run, how a zone's loss is carried, and the drill that rehearses it. */
describe('example gcp-tier0-active-active: zones', () => {
  let json: TerraformJson;
  let report: ReturnType<typeof checkInputs>;
  beforeAll(() => {
    const stack = addGcpTier0ActiveActive(Testing.app());
    invokeAspects(stack);
    json = terraformJson(stack);
    report = checkInputs({ terraform: [{ name: stack.node.id, json: json as unknown as Record<string, unknown> }] });
  });

  test('THEN each region keeps the whole peak after losing a zone: 6 over 3 zones for 4', () => {
    const [service] = report.services;
    const zoneLoss = service.derivation.filter((s) => s.quantity === 'azRto' && s.basis.startsWith('zone loss'));
    expect(zoneLoss.map((s) => [s.resource.replace(/_\w+$/, ''), s.value]).sort()).toEqual([
      ['google_compute_region_instance_group_manager.FleetPrimary', 0],
      ['google_compute_region_instance_group_manager.FleetSecondary', 0],
    ]);
    expect(zoneLoss[0].basis).toContain('(2 of its minimum 6 over 3 zones, EVEN) the group keeps 4, at least the 4');
    // Still unproven, and only for Spanner's unpublished leader move: not for capacity.
    expect(service.status.azRto).toBe('unproven');
    const unknown = service.derivation.filter((s) => s.quantity === 'azRto' && s.value === undefined);
    expect(unknown.map((s) => s.resource)).toEqual([expect.stringMatching(/^google_spanner_database\./)]);
  });

  test('THEN a weekly zone drill takes us-east4-a out of its regional load balancer, proxies included', () => {
    const [[, drill]] = Object.entries(resourcesOf(json, 'google_workflows_workflow')).filter(([name]) =>
      name.startsWith('ZoneDrill_'),
    );
    expect(drill.region).toBe('us-east4');
    expect(drill.user_env_vars).toEqual(
      expect.objectContaining({
        HA_ZONE: 'us-east4-a',
        HA_BACKEND_SERVICE: expect.stringMatching(
          /^\$\{google_compute_region_backend_service\.Entry_Backend-us-east4_\w+\.name\}$/,
        ),
      }),
    );
    expect(drill.source_contents).toContain('googleapis.compute.v1.regionBackendServices.getHealth');
    const deny = Object.values(resourcesOf(json, 'google_compute_firewall')).find((f) => f.deny !== undefined)!;
    expect(deny.source_ranges).toEqual(['35.191.0.0/16', '130.211.0.0/22', '10.129.0.0/23']);
    // The rule HA-DRL3 sees it: no warning that the service has no zone drill.
    expect(report.findings.filter((f) => f.rule === 'HA-DRL3')).toEqual([]);
  });

  test('THEN both fleets run the image variable, refused at plan unless pinned in the us multi-region', () => {
    const templates = Object.values(resourcesOf(json, 'google_compute_instance_template'));
    expect(templates.map((t) => (t.disk as { source_image: string }[])[0].source_image)).toEqual([
      'cos-cloud/cos-stable',
      'cos-cloud/cos-stable',
    ]);
    for (const template of templates) {
      expect((template.metadata as Record<string, string>)['user-data']).toContain('${var.image}');
    }
    const image = (json as unknown as { variable: Record<string, { validation: { condition: string }[] }> }).variable
      .image;
    expect(image.validation[0].condition).toBe(
      'can(regex("^us-docker[.]pkg[.]dev/[^/]+/[^/]+/[^@]+@sha256:[0-9a-f]{64}$", var.image))',
    );
  });
});
