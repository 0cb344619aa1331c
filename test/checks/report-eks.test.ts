import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { TerraformStack } from 'cdktf';
import { HaEksCluster } from '../../lib/aws/eks-cluster';
import { HaWorkload } from '../../lib/aws/eks-workload';
import { checkInputs } from '../../lib/checks/check';
import { GraphInputs } from '../../lib/checks/graph/load';
import { DerivationStep, ServiceReport } from '../../lib/checks/model';
import { composeSerial, PUBLISHED_SLAS, PublishedSla, ServiceTier } from '../../lib/core';
import { HaEksCluster as TfHaEksCluster } from '../../lib/tf/aws/eks-cluster';
import { MultiAzNetwork } from '../../lib/tf/aws/network';
import { HaWorkload as TfHaWorkload } from '../../lib/tf/kubernetes/workload';
import { testApp } from '../util';
import { awsStack } from '../tf/aws/util';
import { cfn, CfnResource, tf } from './fixtures/builders';

const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
const IMAGE = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders@sha256:${'c'.repeat(64)}`;
const TODAY = new Date('2026-12-06T12:00:00Z');
const MANIFEST = 'Custom::AWSCDK-EKS-KubernetesResource';

const report = (inputs: GraphInputs): ServiceReport =>
  checkInputs(inputs, { today: TODAY }).services.find((s) => s.service === 'shop')!;
const steps = (r: ServiceReport, quantity: DerivationStep['quantity']) =>
  r.derivation.filter((d) => d.quantity === quantity);
/** The composed availability: the service's own step, printed even when unproven. */
const composed = (r: ServiceReport) =>
  steps(r, 'availability').find((d) => d.resource === 'service:shop' && d.value !== undefined)?.value;
const slasOf = (r: ServiceReport) =>
  steps(r, 'availability')
    .flatMap((d) => d.figures)
    .sort();
const gaps = (r: ServiceReport) =>
  steps(r, 'availability')
    .filter((d) => d.value === undefined)
    .map((d) => d.basis);
const expected = (...slas: PublishedSla[]) => composeSerial(slas.map((s) => PUBLISHED_SLAS[s]));

// ---- Fixtures: what each case puts in one CloudFormation template ----------------------------------

const subnet = (zone: string): CfnResource => ({
  Type: 'AWS::EC2::Subnet',
  Properties: { AvailabilityZone: zone, CidrBlock: '10.0.0.0/24' },
});
const cluster: CfnResource = { Type: 'AWS::EKS::Cluster', Properties: { Name: 'shop' } };
const nodeGroup = (subnetId: unknown): CfnResource => ({
  Type: 'AWS::EKS::Nodegroup',
  Properties: { ClusterName: { Ref: 'Cluster' }, Subnets: [subnetId] },
});
const manifest = (...objects: Record<string, unknown>[]): CfnResource => ({
  Type: MANIFEST,
  Properties: { ClusterName: 'shop', Manifest: JSON.stringify(objects) },
});
const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'orders', namespace: 'shop' } };
const ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'orders' } };
const lbService = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'orders' }, spec: { type: 'LoadBalancer' } };
const clusterIpService = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'orders' }, spec: { ports: [] } };
const binding = {
  apiVersion: 'elbv2.k8s.aws/v1beta1',
  kind: 'TargetGroupBinding',
  metadata: { name: 'orders' },
  spec: { serviceRef: { name: 'orders', port: 443 }, targetGroupARN: 'UNRESOLVED', targetType: 'ip' },
};
const loadBalancer: CfnResource = {
  Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
  Properties: { Subnets: [{ Ref: 'SubnetA' }, { Ref: 'SubnetB' }] },
};
const nodesIn = (...zones: string[]): Record<string, CfnResource> =>
  Object.fromEntries(
    zones.flatMap((zone, i) => [
      [`Subnet${'ABC'[i]}`, subnet(zone)],
      [`Nodes${i}`, nodeGroup({ Ref: `Subnet${'ABC'[i]}` })],
    ]),
  );

describe('the report on workloads on EKS (table)', () => {
  test.each<[string, Record<string, CfnResource>, PublishedSla[], RegExp[], string]>([
    [
      'a cluster with node groups in 3 zones, a Deployment and an Ingress',
      { Cluster: cluster, ...nodesIn(...ZONES), Workload: manifest(deployment, ingress) },
      ['EKS_CONTROL_PLANE', 'EC2_MULTI_AZ', 'ELASTIC_LOAD_BALANCING'],
      [/load balancer of Ingress default\/orders is created at run time by the AWS Load Balancer Controller/],
      'unproven',
    ],
    [
      'a Service of type LoadBalancer',
      { Cluster: cluster, ...nodesIn(...ZONES), Workload: manifest(deployment, lbService) },
      ['EKS_CONTROL_PLANE', 'EC2_MULTI_AZ', 'ELASTIC_LOAD_BALANCING'],
      [/load balancer of Service default\/orders is created at run time/],
      'unproven',
    ],
    [
      'node groups in one zone',
      { Cluster: cluster, ...nodesIn(ZONES[0]), Workload: manifest(deployment, ingress) },
      ['EKS_CONTROL_PLANE', 'EC2_SINGLE_INSTANCE', 'ELASTIC_LOAD_BALANCING'],
      [/created at run time/],
      // Nodes in one zone: the Compute SLA's Instance-Level 99.5 % sinks the composition below TIER_2's.
      'not-met',
    ],
    [
      'node groups whose subnets the templates do not show',
      { Cluster: cluster, Nodes: nodeGroup('subnet-0123'), Workload: manifest(deployment, ingress) },
      ['EKS_CONTROL_PLANE', 'ELASTIC_LOAD_BALANCING'],
      [/zones of this node group's subnets are not in the templates/, /created at run time/],
      'unproven',
    ],
    [
      'a Deployment on an imported cluster',
      { Workload: manifest(deployment, ingress) },
      ['EKS_CONTROL_PLANE', 'ELASTIC_LOAD_BALANCING'],
      [/the cluster's nodes are not in these templates/, /created at run time/],
      'unproven',
    ],
    [
      'a Deployment and only a ClusterIP Service',
      { Cluster: cluster, ...nodesIn(...ZONES), Workload: manifest(deployment, clusterIpService) },
      ['EKS_CONTROL_PLANE', 'EC2_MULTI_AZ'],
      [/no load balancer, Service of type LoadBalancer or Ingress in these templates/],
      'unproven',
    ],
    [
      'a load balancer in the template and no TargetGroupBinding',
      { Cluster: cluster, ...nodesIn(...ZONES), Balancer: loadBalancer, Workload: manifest(deployment) },
      ['EKS_CONTROL_PLANE', 'EC2_MULTI_AZ', 'ELASTIC_LOAD_BALANCING'],
      [/a load balancer is in these templates, but no TargetGroupBinding registers the pods/],
      'unproven',
    ],
    [
      'a load balancer in the template (a TargetGroupBinding names its target group)',
      { Cluster: cluster, ...nodesIn(...ZONES), Balancer: loadBalancer, Workload: manifest(deployment, binding) },
      ['EKS_CONTROL_PLANE', 'EC2_MULTI_AZ', 'ELASTIC_LOAD_BALANCING'],
      [],
      'met',
    ],
  ])(
    'GIVEN %s THEN those SLAs in series, and what the templates cannot show',
    (_, resources, slas, unproven, status) => {
      const r = report(cfn(resources, { tier: ServiceTier.TIER_2, region: 'eu-west-1' }));
      expect(composed(r)).toBeCloseTo(expected(...slas), 12);
      expect(slasOf(r)).toEqual([...slas].sort());
      expect(gaps(r)).toEqual(unproven.map((pattern) => expect.stringMatching(pattern)));
      expect(r.status.availability).toBe(status);
    },
  );

  test('GIVEN a load balancer made at run time for TIER_1 THEN the AZ RTO names the drill, and a gray failure', () => {
    const r = report(
      cfn(
        { Cluster: cluster, ...nodesIn(...ZONES), Workload: manifest(deployment, ingress) },
        { tier: ServiceTier.TIER_1, region: 'eu-west-1' },
      ),
    );
    expect(r.status.azRto).toBe('unproven');
    const az = steps(r, 'azRto').filter((d) => d.basis.startsWith('EKS') || d.basis.includes('Ingress'));
    expect(az.map((d) => [d.failure, d.value])).toEqual([
      [undefined, undefined],
      ['gray', undefined],
    ]);
    expect(az[0].basis).toContain("AzEvacuationDrill on the cluster's VPC");
    // TIER_1 on EKS: the endpoint's 99.95 % in series leaves the composition under 99.95 %.
    expect(composed(r)!).toBeLessThan(ServiceTier.TIER_1.availabilityTarget);
    expect(r.status.availability).toBe('not-met');
  });

  test.each<[string, Record<string, string>, number | undefined, string]>([
    [
      'an Ingress whose annotations set the whole check',
      {
        'alb.ingress.kubernetes.io/healthcheck-interval-seconds': '10',
        'alb.ingress.kubernetes.io/healthcheck-timeout-seconds': '5',
        'alb.ingress.kubernetes.io/unhealthy-threshold-count': '3',
      },
      35,
      'unproven',
    ],
    [
      'an Ingress whose check outlasts TIER_1 AZ RTO of 120 s',
      {
        'alb.ingress.kubernetes.io/healthcheck-interval-seconds': '60',
        'alb.ingress.kubernetes.io/healthcheck-timeout-seconds': '5',
        'alb.ingress.kubernetes.io/unhealthy-threshold-count': '3',
      },
      185,
      'not-met',
    ],
    [
      "an Ingress that leaves the timeout to the controller's default",
      {
        'alb.ingress.kubernetes.io/healthcheck-interval-seconds': '10',
        'alb.ingress.kubernetes.io/unhealthy-threshold-count': '3',
      },
      undefined,
      'unproven',
    ],
  ])('GIVEN %s THEN the AZ RTO is at least what they state', (_, annotations, seconds, status) => {
    const annotated = { ...ingress, metadata: { ...ingress.metadata, annotations } };
    const r = report(
      cfn(
        { Cluster: cluster, ...nodesIn(...ZONES), Workload: manifest(deployment, annotated) },
        { tier: ServiceTier.TIER_1, region: 'eu-west-1' },
      ),
    );
    expect(r.status.azRto).toBe(status);
    expect(r.lowerBounds.azRto).toBe(seconds ?? null);
    const known = steps(r, 'azRto').filter((d) => d.basis.startsWith('EKS: the annotations'));
    expect(known.map((d) => d.value)).toEqual(seconds === undefined ? [] : [seconds]);
  });

  test('GIVEN an EKS cluster of TIER_1 without a drill THEN its stack serves, and HA-DRL1 asks for one', () => {
    const inputs = cfn(
      { Cluster: cluster, ...nodesIn(...ZONES), Workload: manifest(deployment, ingress) },
      { tier: ServiceTier.TIER_1, region: 'eu-west-1' },
    );
    expect(checkInputs(inputs, { today: TODAY }).findings.map((f) => f.rule)).toContain('HA-DRL1');
  });

  test("GIVEN Terraform workloads that reach another stack's EKS cluster through its token THEN they count", () => {
    const r = report(
      tf(
        {
          kubernetes_deployment_v1: { orders: { metadata: { name: 'orders' } } },
          kubernetes_service_v1: { orders: { metadata: { name: 'orders' }, spec: { type: 'LoadBalancer' } } },
        },
        { tier: ServiceTier.TIER_2, data: { aws_eks_cluster_auth: { shop: { name: 'shop' } } } },
      ),
    );
    expect(slasOf(r)).toEqual(['EKS_CONTROL_PLANE', 'ELASTIC_LOAD_BALANCING']);
    expect(gaps(r)).toEqual([
      expect.stringMatching(/the cluster's nodes are not in these templates/),
      expect.stringMatching(/Service default\/orders is created at run time/),
    ]);
  });

  test('GIVEN Kubernetes workloads on GKE THEN none of the EKS composition', () => {
    const r = report({
      terraform: [
        {
          name: 'gke',
          json: {
            provider: { google: [{ region: 'us-central1' }] },
            resource: {
              google_container_cluster: { shop: { location: 'us-central1', '//': {} } },
              kubernetes_service_v1: { orders: { metadata: { name: 'orders' }, spec: { type: 'LoadBalancer' } } },
            },
          },
        },
      ],
    });
    expect(r === undefined || slasOf(r).every((s) => !s.startsWith('EKS') && s !== 'ELASTIC_LOAD_BALANCING')).toBe(
      true,
    );
  });
});

describe('the report on the constructs: HaEksCluster and HaWorkload', () => {
  test('GIVEN the CDK cluster, a workload through its kubectl provider and an Ingress THEN the composition', () => {
    const stack = new Stack(testApp(), 'Shop', { env: { account: '111122223333', region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ZONES, natGateways: 3 });
    const haCluster = new HaEksCluster(stack, 'Cluster', {
      tier: ServiceTier.TIER_2,
      service: 'shop',
      version: '1.33',
      vpc,
    });
    const kubectlProvider = eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
      functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:kubectl',
      kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
      handlerRole: iam.Role.fromRoleArn(stack, 'Handler', 'arn:aws:iam::111122223333:role/kubectl-handler'),
    });
    const kube = eks.Cluster.fromClusterAttributes(stack, 'Kube', {
      clusterName: haCluster.clusterName,
      kubectlProvider,
    });
    const workload = new HaWorkload(stack, 'Orders', {
      tier: ServiceTier.TIER_2,
      service: 'shop',
      cluster: kube,
      name: 'orders',
      image: IMAGE,
      requiredReplicas: 4,
      maxReplicas: 12,
      zones: ZONES,
    });
    new eks.KubernetesManifest(workload, 'Entry', { cluster: kube, manifest: [{ ...ingress }] });
    const template = Template.fromStack(stack).toJSON();
    const r = report({ cloudFormation: [{ name: 'Shop', region: 'eu-west-1', template }] });
    expect(composed(r)).toBeCloseTo(expected('EKS_CONTROL_PLANE', 'EC2_MULTI_AZ', 'ELASTIC_LOAD_BALANCING'), 12);
    expect(gaps(r)).toEqual([expect.stringMatching(/Ingress default\/orders is created at run time/)]);
  });

  test.each([
    ['its MultiAzNetwork', true],
    ['literal subnet ids', false],
  ])(
    'GIVEN the Terraform cluster on %s, workload and a Service of type LoadBalancer THEN the composition',
    (_, withNetwork) => {
      const { stack } = awsStack();
      const network = withNetwork
        ? new MultiAzNetwork(stack, 'Network', { tier: ServiceTier.TIER_2, service: 'shop' })
        : undefined;
      const haCluster = new TfHaEksCluster(stack, 'Cluster', {
        tier: ServiceTier.TIER_2,
        service: 'shop',
        version: '1.33',
        subnetIds: network?.privateSubnetIds ?? ['subnet-a', 'subnet-b', 'subnet-c'],
        availabilityZones: network?.availabilityZones ?? ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      });
      const provider = new KubernetesProvider(stack, 'kubernetes', haCluster.kubernetesAccess());
      new TfHaWorkload(stack, 'Orders', {
        tier: ServiceTier.TIER_2,
        service: 'shop',
        provider,
        name: 'orders',
        image: IMAGE,
        requiredReplicas: 4,
        maxReplicas: 12,
      });
      new ServiceV1(stack, 'Entry', {
        provider,
        metadata: { name: 'orders' },
        spec: { type: 'LoadBalancer', selector: { 'app.kubernetes.io/name': 'orders' }, port: [{ port: 443 }] },
      });
      const json = JSON.parse(JSON.stringify((stack as TerraformStack).toTerraform())) as Record<string, unknown>;
      const r = report({ terraform: [{ name: 'shop', json }] });
      const runTime = expect.stringMatching(/Service default\/orders is created at run time/);
      if (withNetwork) {
        expect(composed(r)).toBeCloseTo(expected('EKS_CONTROL_PLANE', 'EC2_MULTI_AZ', 'ELASTIC_LOAD_BALANCING'), 12);
        expect(gaps(r)).toEqual([runTime]);
      } else {
        // Literal subnet ids: the node groups' zones are not in the JSON.
        expect(slasOf(r)).toEqual(['EKS_CONTROL_PLANE', 'ELASTIC_LOAD_BALANCING']);
        const unknownZones = expect.stringMatching(/zones of this node group's subnets are not in the templates/);
        expect(gaps(r)).toEqual([unknownZones, unknownZones, unknownZones, runTime]);
      }
    },
  );
});
