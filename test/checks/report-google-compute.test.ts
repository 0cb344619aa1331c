import { App, TerraformStack } from 'cdktf';
import { checkInputs } from '../../lib/checks/check';
import { HaReport, ServiceReport } from '../../lib/checks/report';
import { cfn, tf } from './fixtures/builders';
import { PUBLISHED_SLAS, ServiceTier } from '../../lib/core';
import { HaCloudRunService } from '../../lib/tf/google/cloud-run';
import { GlobalFrontend } from '../../lib/tf/google/frontend';
import { HaGkeCluster } from '../../lib/tf/google/gke-cluster';
import { RegionalNetwork } from '../../lib/tf/google/network';
import { RegionalEntry } from '../../lib/tf/google/regional-entry';

const TODAY = new Date('2026-03-10T09:00:00Z');

function report(build: (stack: TerraformStack) => void): HaReport {
  const stack = new TerraformStack(new App(), 'app');
  build(stack);
  const json = JSON.parse(JSON.stringify(stack.toTerraform())) as Record<string, unknown>;
  return checkInputs({ terraform: [{ name: 'app', json }] }, { today: TODAY });
}

describe('the report on Cloud Run in two regions behind the GlobalFrontend (TIER_0)', () => {
  let checked: HaReport;
  let service: ServiceReport;
  beforeAll(() => {
    checked = report((stack) => {
      const run = new HaCloudRunService(stack, 'Web', {
        tier: ServiceTier.TIER_0,
        service: 'shop',
        regions: ['us-east4', 'us-east1'],
        image: `us-docker.pkg.dev/p/r/web@sha256:${'c'.repeat(64)}`,
        requiredInstances: 4,
      });
      new GlobalFrontend(stack, 'Frontend', {
        tier: ServiceTier.TIER_0,
        service: 'shop',
        serverlessBackends: [...run.backends],
        domains: ['shop.example.com'],
      });
    });
    service = checked.services.find((s) => s.service === 'shop')!;
  });

  test('THEN the region RTO is unproven: Google publishes no time for service health, and the drill is named', () => {
    expect(service.regionRtoSeconds).toBeNull();
    expect(service.status.regionRto).toBe('unproven');
    const step = service.derivation.find((d) => d.quantity === 'regionRto' && d.basis.includes('serverless NEGs'));
    expect(step?.basis).toMatch(/in a time Google does not publish; unproven until a region \w*\s?drill/);
  });

  test('THEN the AZ RTO is unproven: Cloud Run moves a lost zone in a time Google does not publish', () => {
    expect(service.azRtoSeconds).toBeNull();
    expect(
      service.derivation.some((d) => d.quantity === 'azRto' && d.basis.includes('Cloud Run zonal redundancy')),
    ).toBe(true);
  });

  test("THEN availability composes Cloud Run's 99.95% per region in parallel, the load balancer in series", () => {
    const regionValue = PUBLISHED_SLAS.CLOUD_RUN;
    const expected = (1 - (1 - regionValue) ** 2) * PUBLISHED_SLAS.CLOUD_LOAD_BALANCING;
    expect(service.availability).toBeCloseTo(expected, 9);
  });

  test('THEN no finding of the Cloud Run and GKE rules', () => {
    const ids = checked.findings.map((f) => f.rule);
    for (const id of ['HA-AZ7', 'HA-CAP3', 'HA-DR8']) {
      expect(ids).not.toContain(id);
    }
  });
});

describe('the report on a regional GKE cluster (TIER_1)', () => {
  test('THEN control plane (99.95%) and nodes (99.99%) in series; the AZ RTO waits on an unpublished grace', () => {
    const checked = report((stack) => {
      const network = new RegionalNetwork(stack, 'Network', {
        tier: ServiceTier.TIER_1,
        service: 'shop',
        regions: ['us-central1', 'us-east1'],
      });
      new HaGkeCluster(stack, 'Gke', {
        tier: ServiceTier.TIER_1,
        service: 'shop',
        network,
        region: 'us-central1',
        zones: ['us-central1-a', 'us-central1-b', 'us-central1-c'],
      });
    });
    const steps = checked.services[0].derivation.filter((d) => d.quantity === 'availability');
    expect(steps.map((s) => s.figures[0])).toEqual(
      expect.arrayContaining(['GKE_REGIONAL_CONTROL_PLANE', 'COMPUTE_ENGINE_MULTI_ZONE']),
    );
    expect(checked.findings.map((f) => f.rule)).not.toContain('HA-AZ7');
    // Pods of a lost zone leave their Services' endpoints after a grace period nobody publishes.
    const service = checked.services[0];
    expect(service.status.azRto).toBe('unproven');
    expect(service.derivation.filter((d) => d.quantity === 'azRto').map((d) => d.basis)).toContainEqual(
      expect.stringContaining('until the node controller marks their nodes NotReady'),
    );
  });
});

describe('the report on Cloud Run with a warm standby region behind regional entries (TIER_1)', () => {
  test("THEN the standby's scale-up is automatic but unpublished: the region RTO stays unproven, and names the drill", () => {
    const checked = report((stack) => {
      const tier = ServiceTier.TIER_1;
      const run = new HaCloudRunService(stack, 'Web', {
        tier,
        service: 'shop',
        regions: ['us-east4'],
        standbyRegions: ['us-east1'],
        image: `us-docker.pkg.dev/p/r/web@sha256:${'c'.repeat(64)}`,
        requiredInstances: 4,
      });
      const network = new RegionalNetwork(stack, 'Network', {
        tier,
        service: 'shop',
        regions: ['us-east4', 'us-east1'],
      });
      new RegionalEntry(stack, 'Entry', {
        tier,
        service: 'shop',
        network,
        serverlessBackends: [...run.backends],
        domain: 'shop.example.com',
        managedZone: 'example-com',
        proxySubnetCidrs: { 'us-east4': '10.129.0.0/23', 'us-east1': '10.130.0.0/23' },
        dnsProbeRegions: ['us-east4', 'us-east1', 'us-central1'],
      });
    });
    const service = checked.services[0];
    expect(service.status.regionRto).toBe('unproven');
    const bases = service.derivation.filter((d) => d.quantity === 'regionRto').map((d) => d.basis);
    expect(bases).toContainEqual(expect.stringContaining('no one decides: the standby scales on demand'));
    expect(bases).toContainEqual(
      expect.stringMatching(
        /Cloud Run service with 1 minimum instance\(s\) where the primary keeps 6: .*measure it with a region \w*\s?drill/,
      ),
    );
  });
});

describe('the report on Kubernetes Deployments whose cluster is elsewhere', () => {
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'orders' } };
  test.each([
    [
      'Terraform',
      tf({ kubernetes_deployment_v1: { orders: { metadata: { name: 'orders' } } } }, { tier: ServiceTier.TIER_1 }),
    ],
    [
      'CloudFormation',
      cfn(
        {
          Workload: {
            Type: 'Custom::AWSCDK-EKS-KubernetesResource',
            Properties: { ClusterName: 'shop', Manifest: JSON.stringify([deployment]) },
          },
        },
        { tier: ServiceTier.TIER_1 },
      ),
    ],
  ])('GIVEN %s THEN the AZ RTO is unproven, not zero', (_, inputs) => {
    const service = checkInputs(inputs, { today: TODAY }).services[0];
    expect(service.status.azRto).toBe('unproven');
    expect(service.azRtoSeconds).toBeNull();
  });
});
