import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformStack } from 'cdktf';
import { HaRole, HaValidationError, HA_METADATA_KEY, ServiceTier } from '../../../lib/core';
import { HaEksCluster, HaEksClusterProps } from '../../../lib/tf/aws/eks-cluster';
import { ZoneBoundStorageClass } from '../../../lib/tf/kubernetes/storage-class';
import { awsStack, Json } from './util';

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const SUBNETS = ['subnet-a', 'subnet-b', 'subnet-c'];

function build(props: Partial<HaEksClusterProps> = {}): { stack: TerraformStack; eks: HaEksCluster } {
  const { stack } = awsStack();
  const eks = new HaEksCluster(stack, 'Shop', {
    tier: ServiceTier.TIER_1,
    service: 'shop',
    version: '1.33',
    subnetIds: SUBNETS,
    availabilityZones: ZONES,
    requiredNodes: 6,
    ...props,
  });
  return { stack, eks };
}

const synth = (stack: TerraformStack): Json => JSON.parse(JSON.stringify(stack.toTerraform())) as Json;
const all = (json: Json, type: string): Json[] => Object.values(json.resource[type] ?? {});
const only = (json: Json, type: string): Json => {
  const found = all(json, type);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('HaEksCluster for TIER_1 needing 6 nodes over three zones', () => {
  let json: Json;
  let eks: HaEksCluster;
  beforeAll(() => {
    const built = build();
    eks = built.eks;
    const kubernetes = new KubernetesProvider(built.stack, 'kubernetes', eks.kubernetesAccess());
    new ZoneBoundStorageClass(built.stack, 'Volumes', {
      tier: ServiceTier.TIER_1,
      name: 'zonal-gp3',
      provisioner: 'ebs.csi.aws.com',
      parameters: { ...eks.ebsStorageClassParameters },
      zones: eks.availabilityZones,
      isDefault: true,
      provider: kubernetes,
    });
    json = synth(built.stack);
  });

  test('THEN a node group in each zone keeps 3 nodes (6 after a zone loss), one replaced at a time', () => {
    const groups = all(json, 'aws_eks_node_group');
    expect(groups.map((g) => g.subnet_ids)).toEqual(SUBNETS.map((s) => [s]));
    for (const group of groups) {
      expect(group).toMatchObject({
        scaling_config: { min_size: 3, desired_size: 3, max_size: 6 },
        update_config: { max_unavailable: 1 },
        ami_type: 'AL2023_x86_64_STANDARD',
        lifecycle: { ignore_changes: ['scaling_config[0].desired_size'], create_before_destroy: true },
      });
    }
    expect([eks.minNodes, eks.maxNodes, eks.failoverMinNodes]).toEqual([9, 18, 9]);
  });

  test('THEN zonal shift on, Secrets envelope-encrypted, every control-plane log kept, no public endpoint', () => {
    const cluster = only(json, 'aws_eks_cluster');
    expect(cluster).toMatchObject({
      version: '1.33',
      zonal_shift_config: { enabled: true },
      enabled_cluster_log_types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'],
      vpc_config: { subnet_ids: SUBNETS, endpoint_private_access: true, endpoint_public_access: false },
      access_config: { authentication_mode: 'API' },
      deletion_protection: true,
    });
    expect(cluster.encryption_config).toMatchObject({ resources: ['secrets'] });
    expect(String(cluster.encryption_config.provider.key_arn)).toMatch(/aws_kms_key\.Shop_SecretsKey/);
    const logs = only(json, 'aws_cloudwatch_log_group');
    expect(logs).toMatchObject({ retention_in_days: 365, lifecycle: { prevent_destroy: true } });
    expect(logs.name).toBe(`/aws/eks/${cluster.name}/cluster`);
    expect(cluster.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_cloudwatch_log_group\./)]));
    // The cluster role may use the Secrets key before the cluster is created with it.
    const keyPolicy = all(json, 'aws_iam_role_policy').find((p) => String(p.role).includes('Shop_ClusterRole'))!;
    expect(JSON.parse(keyPolicy.policy).Statement[0]).toMatchObject({
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'],
      Resource: expect.stringMatching(/aws_kms_key\.Shop_SecretsKey/),
    });
    expect(cluster.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_iam_role_policy\.Shop_ClusterKeyPolicy/)]),
    );
  });

  test('THEN nodes boot from an encrypted root volume with IMDSv2, the key usable by Auto Scaling', () => {
    const template = only(json, 'aws_launch_template');
    expect(template).toMatchObject({
      block_device_mappings: [{ device_name: '/dev/xvda', ebs: { encrypted: 'true', volume_type: 'gp3' } }],
      metadata_options: { http_tokens: 'required' },
    });
    const keys = all(json, 'aws_kms_key');
    const volumesKey = keys.find((k) => String(k.description).includes('node and pod volumes'))!;
    const statements = JSON.parse(volumesKey.policy).Statement as Json[];
    // Named by aws:PrincipalArn: the service-linked role may not exist yet when the key is created.
    const autoScaling = statements.filter((st) => String(st.Sid).startsWith('AllowAutoScalingServiceLinkedRole'));
    expect(autoScaling).toHaveLength(2);
    for (const statement of autoScaling) {
      expect(statement.Principal).toEqual({ AWS: '*' });
      expect(statement.Condition.ArnEquals['aws:PrincipalArn']).toMatch(/AWSServiceRoleForAutoScaling$/);
    }
    expect(keys.every((k) => k.enable_key_rotation === true)).toBe(true);
  });

  test('THEN the EBS CSI driver gets its role through Pod Identity, and the storage class binds in the pod zone', () => {
    const addons = all(json, 'aws_eks_addon');
    expect(addons.map((a) => a.addon_name).sort()).toEqual(['aws-ebs-csi-driver', 'eks-pod-identity-agent']);
    const csi = addons.find((a) => a.addon_name === 'aws-ebs-csi-driver')!;
    expect(csi.pod_identity_association).toEqual([
      { role_arn: expect.stringMatching(/aws_iam_role\.Shop_EbsCsiRole/), service_account: 'ebs-csi-controller-sa' },
    ]);
    const trust = JSON.parse(
      all(json, 'aws_iam_role').find((r) => String(r.name_prefix).includes('-ebs-'))!.assume_role_policy,
    );
    expect(trust.Statement[0]).toMatchObject({
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    });
    expect(only(json, 'kubernetes_storage_class_v1')).toMatchObject({
      storage_provisioner: 'ebs.csi.aws.com',
      volume_binding_mode: 'WaitForFirstConsumer',
      reclaim_policy: 'Retain',
      parameters: { type: 'gp3', encrypted: 'true', kmsKeyId: expect.stringMatching(/aws_kms_key\.Shop_VolumesKey/) },
      allowed_topologies: { match_label_expressions: [{ key: 'topology.kubernetes.io/zone', values: ZONES }] },
    });
  });

  test('THEN the kubernetes provider reaches the cluster with a token read at plan, and resources carry the record', () => {
    expect(json.provider.kubernetes[0]).toMatchObject({
      host: expect.stringMatching(/aws_eks_cluster\.Shop_\w+\.endpoint/),
      token: expect.stringMatching(/data\.aws_eks_cluster_auth\.Shop_Auth_\w+\.token/),
    });
    expect(only(json, 'aws_eks_cluster')['//'][HA_METADATA_KEY]).toMatchObject({
      service: 'shop',
      component: 'HaEksCluster',
      role: HaRole.PRIMARY,
    });
  });
});

describe('HaEksCluster input', () => {
  test.each<[string, Partial<HaEksClusterProps>, string]>([
    [
      'two zones for TIER_1',
      { subnetIds: SUBNETS.slice(0, 2), availabilityZones: ZONES.slice(0, 2) },
      'availabilityZones must list at least 3 zones for TIER_1, got: 2',
    ],
    [
      'a zone for each subnet missing',
      { availabilityZones: ZONES.slice(0, 2) },
      'availabilityZones must name the zone',
    ],
    [
      'a zone of another region',
      { availabilityZones: ['us-east-1a', 'us-east-1b', 'eu-west-1a'] },
      "availabilityZones must all be in the cluster's region us-east-1, got: eu-west-1a",
    ],
    ['a maximum under the floor', { maxNodes: 8 }, 'maxNodes must be at least 9 for TIER_1'],
  ])('GIVEN %s THEN an HaValidationError naming the prop', (_, props, message) => {
    expect(() => build(props)).toThrow(HaValidationError);
    expect(() => build(props)).toThrow(message);
  });

  test('GIVEN CIDRs for the public endpoint THEN only they reach it', () => {
    const { stack } = build({ publicAccessCidrs: ['203.0.113.0/24'] });
    expect(only(synth(stack), 'aws_eks_cluster').vpc_config).toMatchObject({
      endpoint_public_access: true,
      public_access_cidrs: ['203.0.113.0/24'],
    });
  });
});
