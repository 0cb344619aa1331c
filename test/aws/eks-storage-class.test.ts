import { Fn, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HaEksCluster } from '../../lib/aws/eks-cluster';
import { ZoneBoundStorageClass, ZoneBoundStorageClassProps } from '../../lib/aws/storage-class';
import { HA_METADATA_KEY, ServiceTier, StorageClassManifest } from '../../lib/core';
import { expectValidationError, testApp } from '../util';

const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
const MANIFEST_TYPE = 'Custom::AWSCDK-EKS-KubernetesResource';

interface Built {
  readonly stack: Stack;
  readonly cluster: HaEksCluster;
}

/** An HaEksCluster and the kubectl provider a platform team shares to apply manifests to it. */
function build(props: Partial<ZoneBoundStorageClassProps> = {}, zones = ZONES): Built {
  const stack = new Stack(testApp(), 'Shop', { env: { account: '111122223333', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: zones, natGateways: zones.length });
  const cluster = new HaEksCluster(stack, 'Cluster', {
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
  new ZoneBoundStorageClass(stack, 'Volumes', {
    tier: ServiceTier.TIER_1,
    service: 'shop',
    cluster: eks.Cluster.fromClusterAttributes(stack, 'Kube', { clusterName: cluster.clusterName, kubectlProvider }),
    name: 'zonal-gp3',
    parameters: { ...cluster.ebsStorageClassParameters },
    zones: cluster.availabilityZones,
    ...props,
  });
  return { stack, cluster };
}

/** A class as applied: the plan's manifest with the labels CDK adds. */
type AppliedClass = Omit<StorageClassManifest, 'metadata'> & {
  metadata: StorageClassManifest['metadata'] & { labels: Record<string, string> };
};

/** The class the only KubernetesManifest of a template applies. */
function storageClassOf(template: Template): AppliedClass {
  const resources = Object.values(template.findResources(MANIFEST_TYPE));
  expect(resources).toHaveLength(1);
  const manifest = resources[0].Properties.Manifest;
  return JSON.parse(typeof manifest === 'string' ? manifest : resolveJoin(manifest))[0];
}

/** The manifest's JSON with the volumes key's reference written as `<key>`. */
function resolveJoin(value: { 'Fn::Join': [string, unknown[]] }): string {
  const [separator, parts] = value['Fn::Join'];
  return parts.map((part) => (typeof part === 'string' ? part : '<key>')).join(separator);
}

describe("ZoneBoundStorageClass on an HaEksCluster's three zones", () => {
  let template: Template;
  let storageClass: AppliedClass;
  beforeAll(() => {
    template = Template.fromStack(build().stack);
    storageClass = storageClassOf(template);
  });

  test("THEN volumes bind in their first pod's zone, only the cluster's zones, are retained and grow", () => {
    expect(storageClass).toEqual({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      // CDK's prune label: the kubectl handler deletes objects a later manifest drops.
      metadata: { name: 'zonal-gp3', labels: { [Object.keys(storageClass.metadata.labels)[0]]: '' } },
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true', kmsKeyId: '<key>' },
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Retain',
      allowVolumeExpansion: true,
      allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ZONES }] }],
    });
  });

  test("THEN the volumes are encrypted with the cluster's volumes key, which the EBS CSI driver may use", () => {
    const manifest = Object.values(template.findResources(MANIFEST_TYPE))[0].Properties.Manifest;
    const [volumesKey] = Object.keys(template.findResources('AWS::KMS::Key')).filter((id) => id.includes('VolumesKey'));
    expect(JSON.stringify(manifest)).toContain(`"Fn::GetAtt":["${volumesKey}","Arn"]`);
    template.hasResourceProperties(MANIFEST_TYPE, { ClusterName: { Ref: Match.stringLikeRegexp('^Cluster') } });
  });

  test('THEN the manifest carries the HA record of a zonal resource', () => {
    const [resource] = Object.values(template.findResources(MANIFEST_TYPE));
    expect(resource.Metadata[HA_METADATA_KEY]).toMatchObject({
      service: 'shop',
      component: 'ZoneBoundStorageClass',
      failureDomain: 'zone',
    });
  });
});

describe('ZoneBoundStorageClass input', () => {
  test('GIVEN two zones for TIER_1 THEN an HaValidationError naming zones', () => {
    expectValidationError(
      () => build({ zones: ZONES.slice(0, 2) }),
      'zones must list at least 3 zones for TIER_1 (its minAzs), got: 2',
    );
  });

  test("GIVEN EBS volumes under AWS's own key THEN an HaValidationError naming parameters", () => {
    expectValidationError(
      () => build({ parameters: { type: 'gp3', encrypted: 'true' } }),
      "parameters.kmsKeyId must name a customer-managed key (HaEksCluster's ebsStorageClassParameters), got: none",
    );
  });

  test('GIVEN zones the VPC leaves to deploy time THEN an HaValidationError naming zones', () => {
    expectValidationError(
      () => build({ zones: [0, 1, 2].map((i) => Fn.select(i, Fn.getAzs())) }),
      'zones must be known at synthesis, got: an unresolved token',
    );
  });

  test('GIVEN a Persistent Disk class without a key THEN a warning, no error', () => {
    const { stack } = build({ provisioner: 'pd.csi.storage.gke.io', parameters: { type: 'pd-balanced' } });
    Annotations.fromStack(stack).hasWarning(
      '/Shop/Volumes',
      Match.stringLikeRegexp('ha-constructs:ZoneBoundStorageClass.parameters'),
    );
  });
});
