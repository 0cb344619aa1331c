import { Names, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { FailureDomain } from '../core';
import { EKS_CONTROL_PLANE_LOG_TYPES, planClusterNodes } from '../core/plans/cluster';
import { EbsVolumeParameters, ebsVolumeParameters } from '../core/plans/storage-class';
import { HaProps } from './ha-props';
import { attachHaMetadata } from './metadata';
import { emitWarnings, throwProblems } from './private/errors';
import { allowCloudWatchLogs, newCustomerManagedKey, newEncryptedLogGroup } from './private/keys';

/** Props of {@link HaEksCluster}. */
export interface HaEksClusterProps extends HaProps {
  /** The Kubernetes version (`1.33`). */
  readonly version: string;
  /** The VPC; the cluster and its nodes use its private subnets with egress, one node group per zone. */
  readonly vpc: ec2.IVpc;
  /**
   * The subnets of the cluster and its nodes: one node group runs in each of their zones.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Nodes the workloads need at peak, over all zones; statically stable tiers keep enough in every
   * zone to leave this many after losing one.
   * @default - one per zone
   */
  readonly requiredNodes?: number;
  /**
   * The most nodes, over all zones (each zone's group gets its share).
   * @default - twice the serving minimum
   */
  readonly maxNodes?: number;
  /**
   * Nodes a STANDBY cluster keeps before a failover.
   * @default - core's `standbyFleetCapacity`: one per zone for WARM_STANDBY, none for PILOT_LIGHT
   */
  readonly standbyNodes?: number;
  /**
   * Instance types of the nodes.
   * @default ['m6i.large']
   */
  readonly instanceTypes?: string[];
  /**
   * Nodes each zone's group replaces at once during an update (EKS adds new nodes before it drains old ones).
   * @default 1
   */
  readonly maxSurgePerZone?: number;
  /**
   * CIDR blocks that may reach the API server's public endpoint.
   * @default - none: the endpoint is private (AWS Control Tower's CT.EKS.PR.1), reached from the VPC
   */
  readonly publicAccessCidrs?: string[];
  /**
   * Whether EKS refuses to delete the cluster.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * An EKS cluster whose nodes survive the loss of a zone: the CDK twin of the Terraform
 * `HaEksCluster` (`ha-constructs/tf/aws`), from the same plan (`planClusterNodes`).
 *
 * One managed node group per zone, each statically stable (a statically stable tier keeps
 * ⌈required / (zones − 1)⌉ nodes in every zone), replaced a zone's group at a time, new nodes first;
 * zonal shift enabled on the cluster; Kubernetes Secrets envelope-encrypted with a customer-managed
 * key; every control-plane log type kept for the tier's retention under its own key; a private API
 * endpoint unless `publicAccessCidrs` says who may reach it; access through EKS access entries;
 * nodes booting from a root volume under a customer-managed key, IMDSv2 only; the EBS CSI driver as
 * an add-on with its role through EKS Pod Identity. The cluster is native CloudFormation
 * (`AWS::EKS::Cluster`): no custom resource, no kubectl layer. {@link ebsStorageClassParameters} and
 * {@link availabilityZones} are what a `ZoneBoundStorageClass` takes (volumes bound in their pod's
 * zone, one of the cluster's); apply it through a kubectl provider (`eks.Cluster.fromClusterAttributes`
 * with `kubectlProvider`), as `HaWorkload` is.
 *
 * The node groups do not scale by themselves: run Cluster Autoscaler or Karpenter (up to each
 * zone's maximum); the autoscaler of `HaWorkload` reads the metrics API (install metrics-server).
 *
 * Construct ids (public API): `Resource` (the cluster), `ClusterRole`, `SecretsKey`, `Logs`,
 * `LogsKey`, `NodeRole`, `VolumesKey`, `NodeTemplate`, `Nodes-<n>` (one per zone, in subnet order),
 * `PodIdentityAgent`, `EbsCsiRole`, `EbsCsiDriver`.
 */
export class HaEksCluster extends Construct {
  public readonly cluster: eks.CfnCluster;
  public readonly clusterName: string;
  public readonly nodeGroups: eks.CfnNodegroup[];
  /** The zones of the node groups, in their order: where a `ZoneBoundStorageClass` may create volumes. */
  public readonly availabilityZones: string[];
  /** Nodes over all zones: the groups' minimums and maximums added up. */
  public readonly minNodes: number;
  public readonly maxNodes: number;
  /** The minimum a serving cluster of the same props keeps: what a STANDBY cluster is raised to on failover. */
  public readonly failoverMinNodes: number;
  /** The key of the nodes' root volumes and of the EBS volumes a storage class creates. */
  public readonly volumesKey: kms.IKey;

  constructor(scope: Construct, id: string, props: HaEksClusterProps) {
    super(scope, id);
    const { tier } = props;
    const selection = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    // One group per zone: the first subnet of each zone.
    const byZone = new Map<string, ec2.ISubnet>();
    for (const subnet of selection.subnets) {
      if (!byZone.has(subnet.availabilityZone)) {
        byZone.set(subnet.availabilityZone, subnet);
      }
    }
    const zones = [...byZone.keys()];
    this.availabilityZones = zones;
    const region = Stack.of(this).region;
    const zonesKnown = !zones.some((z) => Token.isUnresolved(z));
    const plan = planClusterNodes(tier, {
      region: Token.isUnresolved(region) ? undefined : region,
      zones: zonesKnown ? zones : undefined,
      zoneCount: zones.length,
      role: props.role,
      requiredNodes: props.requiredNodes,
      maxNodes: props.maxNodes,
      standbyNodes: props.standbyNodes,
      maxSurgePerZone: props.maxSurgePerZone,
    });
    // The planner names the zones `zones`; here they come from `vpcSubnets` (or `vpc`).
    const zonesProp = props.vpcSubnets ? 'vpcSubnets' : 'vpc';
    throwProblems(
      plan.problems.map((p) =>
        p.prop === 'zones'
          ? { prop: zonesProp, message: `${zonesProp}: ${p.message.replace(/^zones must list/, 'subnets must span')}` }
          : p,
      ),
      this,
    );
    emitWarnings(this, 'HaEksCluster', plan.warnings);
    this.minNodes = plan.nodes.min;
    this.maxNodes = plan.nodes.max;
    this.failoverMinNodes = plan.failoverMinNodes;
    const clusterName = Names.uniqueResourceName(this, { maxLength: 100, separator: '-' });

    // ---- Control plane -------------------------------------------------------------------------
    const clusterRole = new iam.Role(this, 'ClusterRole', {
      assumedBy: new iam.ServicePrincipal('eks.amazonaws.com').withSessionTags(),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKSClusterPolicy')],
    });
    const secretsKey = newCustomerManagedKey(
      this,
      'SecretsKey',
      `Encrypts the Kubernetes Secrets of ${this.node.path}`,
    );
    // EKS encrypts Secrets as the cluster role.
    secretsKey.grant(clusterRole, 'kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey');
    const logsKey = newCustomerManagedKey(this, 'LogsKey', `Encrypts the control-plane logs of ${this.node.path}`);
    allowCloudWatchLogs(logsKey, this);
    // EKS writes to this name: created first, it is kept, encrypted and retained as the tier says.
    const logs = newEncryptedLogGroup(this, 'Logs', {
      logGroupName: `/aws/eks/${clusterName}/cluster`,
      encryptionKey: logsKey,
      retentionDays: tier.logRetentionDays,
    });
    const publicCidrs = props.publicAccessCidrs ?? [];
    this.cluster = new eks.CfnCluster(this, 'Resource', {
      name: clusterName,
      version: props.version,
      roleArn: clusterRole.roleArn,
      resourcesVpcConfig: {
        subnetIds: selection.subnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicCidrs.length > 0,
        publicAccessCidrs: publicCidrs.length > 0 ? publicCidrs : undefined,
      },
      encryptionConfig: [{ resources: ['secrets'], provider: { keyArn: secretsKey.keyArn } }],
      logging: { clusterLogging: { enabledTypes: EKS_CONTROL_PLANE_LOG_TYPES.map((type) => ({ type })) } },
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: true },
      zonalShiftConfig: { enabled: true },
      deletionProtection: props.deletionProtection ?? true,
    });
    this.cluster.node.addDependency(logs, clusterRole);
    this.clusterName = this.cluster.ref;

    // ---- Nodes ---------------------------------------------------------------------------------
    const nodeRole = new iam.Role(this, 'NodeRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'].map(
        (name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name),
      ),
    });
    const volumesKey = newCustomerManagedKey(
      this,
      'VolumesKey',
      `Encrypts the node and pod volumes of ${this.node.path}`,
    );
    allowAutoScaling(volumesKey, this);
    this.volumesKey = volumesKey;
    const template = new ec2.CfnLaunchTemplate(this, 'NodeTemplate', {
      launchTemplateData: {
        blockDeviceMappings: [
          {
            deviceName: '/dev/xvda',
            ebs: { encrypted: true, kmsKeyId: volumesKey.keyArn, volumeType: 'gp3', deleteOnTermination: true },
          },
        ],
        // IMDSv2 only; two hops, so that the node's own agents in containers (the VPC CNI) reach it.
        metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 2 },
      },
    });
    this.nodeGroups = [...byZone.values()].map(
      (subnet, i) =>
        new eks.CfnNodegroup(this, `Nodes-${i + 1}`, {
          clusterName: this.cluster.ref,
          nodeRole: nodeRole.roleArn,
          subnets: [subnet.subnetId],
          amiType: 'AL2023_x86_64_STANDARD',
          capacityType: 'ON_DEMAND',
          instanceTypes: props.instanceTypes ?? ['m6i.large'],
          scalingConfig: {
            minSize: plan.minNodesPerZone,
            desiredSize: plan.minNodesPerZone,
            maxSize: plan.maxNodesPerZone,
          },
          updateConfig: { maxUnavailable: plan.maxSurgePerZone },
          launchTemplate: { id: template.ref, version: template.attrLatestVersionNumber },
        }),
    );

    // ---- Volumes -------------------------------------------------------------------------------
    const agent = new eks.CfnAddon(this, 'PodIdentityAgent', {
      clusterName: this.cluster.ref,
      addonName: 'eks-pod-identity-agent',
    });
    for (const group of this.nodeGroups) {
      agent.node.addDependency(group);
    }
    const csiRole = new iam.Role(this, 'EbsCsiRole', {
      assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEBSCSIDriverPolicy')],
    });
    volumesKey.grant(
      csiRole,
      'kms:Encrypt',
      'kms:Decrypt',
      'kms:ReEncrypt*',
      'kms:GenerateDataKey*',
      'kms:DescribeKey',
    );
    csiRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:CreateGrant'],
        resources: [volumesKey.keyArn],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
    const csi = new eks.CfnAddon(this, 'EbsCsiDriver', {
      clusterName: this.cluster.ref,
      addonName: 'aws-ebs-csi-driver',
      podIdentityAssociations: [{ roleArn: csiRole.roleArn, serviceAccount: 'ebs-csi-controller-sa' }],
    });
    csi.node.addDependency(agent);
    csi.node.addDependency(csiRole);

    attachHaMetadata(this, props, { component: 'HaEksCluster', failureDomain: FailureDomain.REGION });
  }

  /** The parameters of a StorageClass whose EBS volumes are encrypted with this cluster's volumes key. */
  public get ebsStorageClassParameters(): EbsVolumeParameters {
    return ebsVolumeParameters(this.volumesKey.keyArn);
  }
}

/**
 * Lets Auto Scaling's service-linked role use `key` for the volumes of the instances it launches,
 * named by `aws:PrincipalArn`: KMS rejects a policy whose principal does not exist yet, and the role
 * exists only after the account's first Auto Scaling group (here, the node groups', after the key).
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
 */
function allowAutoScaling(key: kms.Key, scope: Construct): void {
  const role = Stack.of(scope).formatArn({
    service: 'iam',
    region: '',
    resource: 'role',
    resourceName: 'aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowAutoScalingServiceLinkedRoleUse',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      // A key policy statement applies to the key it is attached to: `*` here means "this key".
      resources: ['*'],
      conditions: { ArnEquals: { 'aws:PrincipalArn': role } },
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowAutoScalingServiceLinkedRoleGrants',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { ArnEquals: { 'aws:PrincipalArn': role }, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  );
}
