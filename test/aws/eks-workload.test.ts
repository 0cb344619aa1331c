import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HaWorkload, HaWorkloadProps } from '../../lib/aws/eks-workload';
import {
  DeploymentManifest,
  HA_METADATA_KEY,
  HorizontalPodAutoscalerManifest,
  PodDisruptionBudgetManifest,
  PriorityClassManifest,
  ServiceTier,
} from '../../lib/core';
import { expectValidationError, testApp } from '../util';

const DIGEST = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders@sha256:${'c'.repeat(64)}`;
const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
const MANIFEST_TYPE = 'Custom::AWSCDK-EKS-KubernetesResource';

/**
 * An EKS cluster imported with the kubectl provider a platform team shares: nothing to bundle, so the
 * test runs offline in a bare App (a kubectl layer would need `@aws-cdk/lambda-layer-kubectl-v3x`).
 */
function importedCluster(stack: Stack): eks.ICluster {
  const kubectlProvider = eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
    functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:kubectl',
    kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
    handlerRole: iam.Role.fromRoleArn(stack, 'KubectlHandler', 'arn:aws:iam::111122223333:role/kubectl-handler'),
  });
  return eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'shop', kubectlProvider });
}

/** What HaWorkload applies, in order (the Deployment without its replicas: the autoscaler owns them). */
type WorkloadObjects = [
  PriorityClassManifest,
  DeploymentManifest,
  PodDisruptionBudgetManifest,
  HorizontalPodAutoscalerManifest,
];

/** The objects of the only KubernetesManifest of a template, in the order they are applied. */
function manifestObjects(template: Template): WorkloadObjects {
  const resources = Object.values(template.findResources(MANIFEST_TYPE));
  expect(resources).toHaveLength(1);
  return JSON.parse(resources[0].Properties.Manifest as string) as WorkloadObjects;
}

function build(props: Partial<HaWorkloadProps> = {}): { stack: Stack; workload: HaWorkload } {
  const stack = new Stack(testApp(), 'Shop');
  const workload = new HaWorkload(stack, 'Orders', {
    tier: ServiceTier.TIER_1,
    service: 'checkout',
    cluster: importedCluster(stack),
    name: 'orders',
    namespace: 'shop',
    image: DIGEST,
    requiredReplicas: 6,
    maxReplicas: 18,
    zones: ZONES,
    ...props,
  });
  return { stack, workload };
}

describe('HaWorkload on EKS for TIER_1 over 3 zones', () => {
  let template: Template;
  let objects: WorkloadObjects;
  beforeAll(() => {
    template = Template.fromStack(build().stack);
    objects = manifestObjects(template);
  });

  test('THEN one manifest applies the priority class first, then the Deployment, its budget and autoscaler', () => {
    expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toEqual([
      'scheduling.k8s.io/v1 PriorityClass shop-orders',
      'apps/v1 Deployment orders',
      'policy/v1 PodDisruptionBudget orders',
      'autoscaling/v2 HorizontalPodAutoscaler orders',
    ]);
    template.hasResourceProperties(MANIFEST_TYPE, { ClusterName: 'shop' });
  });

  test('THEN the autoscaler owns the count: no replicas in the Deployment, 9 to 18 in the autoscaler', () => {
    expect(objects[1].spec).not.toHaveProperty('replicas');
    expect(objects[3].spec).toMatchObject({ minReplicas: 9, maxReplicas: 18 });
    expect(objects[1].spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 3 });
    expect(objects[2].spec).toEqual({
      maxUnavailable: 3,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'orders' } },
    });
    expect(objects[1].spec.template.spec.terminationGracePeriodSeconds).toBe(80);
  });

  test('THEN the pods spread over zones (minDomains 2, taints honoured) and hosts, with distinct probes, as non-root', () => {
    const pod = objects[1].spec.template.spec;
    expect(pod.topologySpreadConstraints[0]).toMatchObject({
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'DoNotSchedule',
      minDomains: 2,
      nodeTaintsPolicy: 'Honor',
    });
    expect(pod.affinity.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ZONES }] },
    ]);
    expect(pod.containers[0].livenessProbe.httpGet.path).toBe('/health/live');
    expect(pod.containers[0].readinessProbe.httpGet.path).toBe('/health/ready');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
  });

  test('THEN the manifest carries the HA record', () => {
    const [resource] = Object.values(template.findResources(MANIFEST_TYPE));
    expect(resource.Metadata[HA_METADATA_KEY]).toMatchObject({
      service: 'checkout',
      tier: 'TIER_1',
      component: 'HaWorkload',
      failureDomain: 'region',
    });
  });
});

describe('HaWorkload on EKS refuses what it cannot run', () => {
  test('WHEN fewer replicas than zones THEN it fails naming maxReplicas', () => {
    expectValidationError(
      () => build({ requiredReplicas: 1, maxReplicas: 2 }),
      'maxReplicas must be at least 3 for TIER_1 (static stability: 1 per AZ × 3 AZs so that losing one AZ leaves ' +
        'requiredReplicas 1), got: 2',
    );
  });

  test('WHEN an imported cluster has neither a kubectl provider nor a layer THEN it fails naming cluster', () => {
    const stack = new Stack(testApp(), 'Bare');
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'C', {
      clusterName: 'shop',
      kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
    });
    expect(
      () =>
        new HaWorkload(stack, 'W', {
          tier: ServiceTier.TIER_3,
          cluster,
          name: 'w',
          image: 'w:1',
          requiredReplicas: 1,
          maxReplicas: 4,
        }),
    ).toThrow(
      expect.objectContaining({ prop: 'cluster', message: expect.stringMatching(/kubectlProvider or a kubectlLayer/) }),
    );
  });

  test('WHEN TIER_2 runs a tag THEN it warns under an acknowledgeable id', () => {
    const { stack } = build({ tier: ServiceTier.TIER_2, image: 'orders:1.4', zones: ZONES.slice(0, 2) });
    Annotations.fromStack(stack).hasWarning(
      '/Shop/Orders',
      Match.stringLikeRegexp('is a tag.*\\[ack: ha-constructs:HaWorkload\\.image\\]'),
    );
  });
});
