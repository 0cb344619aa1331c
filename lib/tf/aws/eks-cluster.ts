import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsEksClusterAuth } from '@cdktf/provider-aws/lib/data-aws-eks-cluster-auth';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain } from '../../core';
import { EKS_CONTROL_PLANE_LOG_TYPES, planClusterNodes } from '../../core/plans/cluster';
import { EbsVolumeParameters, ebsVolumeParameters } from '../../core/plans/storage-class';
import { emitWarnings, throwProblems, validationError } from '../diagnostics';
import { HaProps, RegionalProps } from './ha-props';
import { AccountContext, cloudWatchLogsStatement, newCustomerManagedKey, PolicyStatement } from './private/keys';
import { attachHaMetadata } from './private/metadata';
import { regionOf } from './private/regions';

/** The StorageClass parameters of EBS volumes for the cluster's pods (the EBS CSI driver's). */
export type EbsStorageClassParameters = EbsVolumeParameters;

/** What the kubernetes provider needs to reach the cluster (`new KubernetesProvider(scope, id, config)`). */
export interface KubernetesAccess {
  readonly host: string;
  readonly clusterCaCertificate: string;
  readonly token: string;
}

/** Props of {@link HaEksCluster}. */
export interface HaEksClusterProps extends HaProps, RegionalProps {
  /** The Kubernetes version (`1.33`). */
  readonly version: string;
  /** Private subnets, one per zone: a managed node group runs in each (`MultiAzNetwork.privateSubnetIds`). */
  readonly subnetIds: string[];
  /** The zone of each subnet, in the same order (`MultiAzNetwork.availabilityZones`). */
  readonly availabilityZones: string[];
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
   * @default - none: the endpoint is private, reached from the VPC (run Terraform there)
   */
  readonly publicAccessCidrs?: string[];
  /**
   * Whether EKS refuses to delete the cluster (`deletion_protection`).
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * An EKS cluster whose nodes survive the loss of a zone.
 *
 * One managed node group per zone (a zone-bound EBS volume keeps nodes in its zone, and the
 * scheduler can place its pod there), each statically stable by `planCluster`: a statically stable
 * tier keeps ⌈required / (zones − 1)⌉ nodes in every zone. Nodes are replaced a zone's group at a
 * time, new ones first. Zonal shift is enabled on the cluster (ARC can move its traffic out of an
 * impaired zone); Kubernetes Secrets are envelope-encrypted with a customer-managed key; every
 * control-plane log type goes to a log group kept for the tier's retention under its own key; the
 * API server has no public endpoint unless `publicAccessCidrs` names who may reach it; access is
 * managed through EKS access entries. Nodes boot from an encrypted root volume (customer-managed
 * key) with IMDSv2 required. The EBS CSI driver runs as an add-on whose role it gets through EKS Pod
 * Identity, allowed to use the volumes' key; {@link ebsStorageClassParameters} is what a
 * `ZoneBoundStorageClass` (lib/tf/kubernetes) takes with {@link availabilityZones}, so that a volume
 * is created in its pod's zone, one of the cluster's.
 *
 * The node groups do not scale by themselves: run Cluster Autoscaler or Karpenter (up to each
 * zone's maximum). The autoscaler of `HaWorkload` reads the metrics API: install metrics-server.
 *
 * Construct ids (public API): `Resource` (the cluster), `ClusterRole`, `ClusterPolicy`, `ClusterKeyPolicy`, `SecretsKey`,
 * `Logs`, `LogsKey`, `NodeRole`, `NodeWorkerPolicy`, `NodeCniPolicy`, `NodeRegistryPolicy`,
 * `VolumesKey`, `NodeTemplate`, `Nodes-<zone>`, `PodIdentityAgent`, `EbsCsiRole`, `EbsCsiPolicy`,
 * `EbsCsiKeyPolicy`, `EbsCsiDriver`, `Auth`, `Account`.
 */
export class HaEksCluster extends Construct {
  public readonly cluster: EksCluster;
  public readonly clusterName: string;
  /** The node groups, one per zone, in the order of `availabilityZones`. */
  public readonly nodeGroups: EksNodeGroup[];
  /** The zones of the node groups: where a `ZoneBoundStorageClass` may create volumes. */
  public readonly availabilityZones: string[];
  /** Nodes over all zones: the groups' minimums and maximums added up. */
  public readonly minNodes: number;
  public readonly maxNodes: number;
  /** The minimum a serving cluster of the same props keeps: what a STANDBY cluster is raised to on failover. */
  public readonly failoverMinNodes: number;
  /** The key of the nodes' root volumes and of the EBS volumes the storage class creates. */
  public readonly volumesKeyArn: string;
  private readonly provider?: AwsProvider;
  constructor(scope: Construct, id: string, props: HaEksClusterProps) {
    super(scope, id);
    const { tier, provider } = props;
    this.provider = provider;
    if (props.subnetIds.length !== props.availabilityZones.length) {
      throw validationError(
        `availabilityZones must name the zone of each of the ${props.subnetIds.length} subnetIds, got: ${props.availabilityZones.length}`,
        this,
        'availabilityZones',
      );
    }
    this.availabilityZones = [...props.availabilityZones];
    const region = regionOf(this, provider);
    const zonesKnown = !props.availabilityZones.some((z) => Token.isUnresolved(z));
    const plan = planClusterNodes(tier, {
      region,
      zones: zonesKnown ? props.availabilityZones : undefined,
      zoneCount: props.availabilityZones.length,
      role: props.role,
      requiredNodes: props.requiredNodes,
      maxNodes: props.maxNodes,
      standbyNodes: props.standbyNodes,
      maxSurgePerZone: props.maxSurgePerZone,
    });
    // The planner names the zones `zones`; this construct's prop is `availabilityZones`.
    throwProblems(
      plan.problems.map((p) =>
        p.prop === 'zones'
          ? { prop: 'availabilityZones', message: p.message.replace(/^zones\b/, 'availabilityZones') }
          : p,
      ),
      this,
    );
    emitWarnings(this, 'HaEksCluster', plan.warnings);
    this.minNodes = plan.nodes.min;
    this.maxNodes = plan.nodes.max;
    this.failoverMinNodes = plan.failoverMinNodes;

    const context = new AccountContext(this, 'Account', provider);
    const short = this.node.addr.slice(0, 16);
    const clusterName = `ha-${short}`;
    const arn = (resource: string) => `arn:${context.partition}:iam::${context.accountId}:${resource}`;
    const managedPolicy = (name: string) => `arn:${context.partition}:iam::aws:policy/${name}`;
    const trust = (service: string, actions: string[] = ['sts:AssumeRole']) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: actions }],
      });

    // ---- Control plane -------------------------------------------------------------------------
    const clusterRole = new IamRole(this, 'ClusterRole', {
      provider,
      namePrefix: `ha-eks-${short}-`,
      assumeRolePolicy: trust('eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession']),
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, 'ClusterPolicy', {
      provider,
      role: clusterRole.name,
      policyArn: managedPolicy('AmazonEKSClusterPolicy'),
    });
    const secretsKey = newCustomerManagedKey(this, 'SecretsKey', {
      description: `Encrypts the Kubernetes Secrets of ${this.node.path}`,
      context,
    });
    // EKS encrypts Secrets as the cluster role: it must be allowed to use the key.
    const clusterKeyPolicy = new IamRolePolicy(this, 'ClusterKeyPolicy', {
      provider,
      role: clusterRole.name,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'],
            Resource: secretsKey.arn,
          },
        ],
      }),
    });
    const logsKey = newCustomerManagedKey(this, 'LogsKey', {
      description: `Encrypts the control-plane logs of ${this.node.path}`,
      context,
      statements: [cloudWatchLogsStatement(context)],
    });
    // EKS writes to this name: created first, it is kept, encrypted and retained as the tier says.
    const logs = new CloudwatchLogGroup(this, 'Logs', {
      provider,
      name: `/aws/eks/${clusterName}/cluster`,
      retentionInDays: tier.logRetentionDays,
      kmsKeyId: logsKey.arn,
      deletionProtectionEnabled: true,
      lifecycle: { preventDestroy: true },
    });
    this.cluster = new EksCluster(this, 'Resource', {
      provider,
      name: clusterName,
      version: props.version,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: [...props.subnetIds],
        endpointPrivateAccess: true,
        endpointPublicAccess: (props.publicAccessCidrs ?? []).length > 0,
        publicAccessCidrs: props.publicAccessCidrs,
      },
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: secretsKey.arn } },
      enabledClusterLogTypes: [...EKS_CONTROL_PLANE_LOG_TYPES],
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: true },
      zonalShiftConfig: { enabled: true },
      deletionProtection: props.deletionProtection ?? true,
      dependsOn: [clusterPolicy, clusterKeyPolicy, logs],
    });
    this.clusterName = this.cluster.name;

    // ---- Nodes ---------------------------------------------------------------------------------
    const nodeRole = new IamRole(this, 'NodeRole', {
      provider,
      namePrefix: `ha-eks-${short}-nodes-`,
      assumeRolePolicy: trust('ec2.amazonaws.com'),
    });
    const nodePolicies = [
      ['NodeWorkerPolicy', 'AmazonEKSWorkerNodePolicy'],
      ['NodeCniPolicy', 'AmazonEKS_CNI_Policy'],
      ['NodeRegistryPolicy', 'AmazonEC2ContainerRegistryReadOnly'],
    ].map(
      ([policyId, name]) =>
        new IamRolePolicyAttachment(this, policyId, { provider, role: nodeRole.name, policyArn: managedPolicy(name) }),
    );
    // Auto Scaling launches the nodes: its service-linked role must be able to use the root volumes' key.
    const autoScaling = arn('role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling');
    const volumesKey = newCustomerManagedKey(this, 'VolumesKey', {
      description: `Encrypts the node and pod volumes of ${this.node.path}`,
      context,
      statements: autoScalingKeyStatements(autoScaling),
    });
    this.volumesKeyArn = volumesKey.arn;
    const template = new LaunchTemplate(this, 'NodeTemplate', {
      provider,
      namePrefix: `ha-eks-${short}-`,
      updateDefaultVersion: true,
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: { encrypted: 'true', kmsKeyId: volumesKey.arn, volumeType: 'gp3', deleteOnTermination: 'true' },
        },
      ],
      // IMDSv2 only; two hops, so that the node's own agents in containers (the VPC CNI) reach it.
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 2 },
    });
    this.nodeGroups = props.subnetIds.map(
      (subnetId, i) =>
        new EksNodeGroup(this, `Nodes-${zonesKnown ? props.availabilityZones[i] : i + 1}`, {
          provider,
          clusterName: this.cluster.name,
          nodeGroupNamePrefix: `ha-${short}-${i + 1}-`,
          nodeRoleArn: nodeRole.arn,
          subnetIds: [subnetId],
          amiType: 'AL2023_x86_64_STANDARD',
          capacityType: 'ON_DEMAND',
          instanceTypes: props.instanceTypes ?? ['m6i.large'],
          scalingConfig: {
            minSize: plan.minNodesPerZone,
            desiredSize: plan.minNodesPerZone,
            maxSize: plan.maxNodesPerZone,
          },
          updateConfig: { maxUnavailable: plan.maxSurgePerZone },
          launchTemplate: { id: template.id, version: Token.asString(template.latestVersion) },
          // The autoscaler owns the size once the group runs: an apply must not scale it back.
          lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'], createBeforeDestroy: true },
          dependsOn: nodePolicies,
        }),
    );

    // ---- Volumes -------------------------------------------------------------------------------
    const agent = new EksAddon(this, 'PodIdentityAgent', {
      provider,
      clusterName: this.cluster.name,
      addonName: 'eks-pod-identity-agent',
      dependsOn: this.nodeGroups,
    });
    const csiRole = new IamRole(this, 'EbsCsiRole', {
      provider,
      namePrefix: `ha-eks-${short}-ebs-`,
      assumeRolePolicy: trust('pods.eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession']),
    });
    const csiPolicy = new IamRolePolicyAttachment(this, 'EbsCsiPolicy', {
      provider,
      role: csiRole.name,
      policyArn: managedPolicy('service-role/AmazonEBSCSIDriverPolicy'),
    });
    const csiKeyPolicy = new IamRolePolicy(this, 'EbsCsiKeyPolicy', {
      provider,
      role: csiRole.name,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: volumeKeyUse(volumesKey.arn) }),
    });
    new EksAddon(this, 'EbsCsiDriver', {
      provider,
      clusterName: this.cluster.name,
      addonName: 'aws-ebs-csi-driver',
      podIdentityAssociation: [{ roleArn: csiRole.arn, serviceAccount: 'ebs-csi-controller-sa' }],
      dependsOn: [agent, csiPolicy, csiKeyPolicy],
    });

    attachHaMetadata(this, props, { component: 'HaEksCluster', failureDomain: FailureDomain.REGION });
  }

  /** The parameters of a StorageClass whose EBS volumes are encrypted with this cluster's volumes key. */
  public get ebsStorageClassParameters(): EbsStorageClassParameters {
    return ebsVolumeParameters(this.volumesKeyArn);
  }

  /**
   * What the kubernetes provider needs to reach this cluster from Terraform (a token read at plan
   * time). The endpoint is private unless `publicAccessCidrs` is set: run Terraform from the VPC.
   */
  public kubernetesAccess(): KubernetesAccess {
    const existing = this.node.tryFindChild('Auth') as DataAwsEksClusterAuth | undefined;
    const auth =
      existing ?? new DataAwsEksClusterAuth(this, 'Auth', { provider: this.provider, name: this.cluster.name });
    return {
      host: this.cluster.endpoint,
      clusterCaCertificate: Fn.base64decode(this.cluster.certificateAuthority.get(0).data),
      token: auth.token,
    };
  }
}

/**
 * The key-policy statements Auto Scaling's service-linked role needs to launch instances whose
 * volumes a customer-managed key encrypts: use the key, and grant its use to EC2 for the volumes.
 * The role is named by `aws:PrincipalArn`, not as principal: KMS rejects a policy whose principal
 * does not exist yet, and the role only exists after the account's first Auto Scaling group (here,
 * the node groups', created after the key).
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
 */
function autoScalingKeyStatements(role: string): PolicyStatement[] {
  return [
    {
      Sid: 'AllowAutoScalingServiceLinkedRoleUse',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { ArnEquals: { 'aws:PrincipalArn': role } },
    },
    {
      Sid: 'AllowAutoScalingServiceLinkedRoleGrants',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { ArnEquals: { 'aws:PrincipalArn': role }, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    },
  ];
}

/** What the EBS CSI driver needs of the volumes' key: create and attach encrypted volumes. */
function volumeKeyUse(keyArn: string): PolicyStatement[] {
  return [
    {
      Effect: 'Allow',
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      Resource: keyArn,
    },
    {
      Effect: 'Allow',
      Action: ['kms:CreateGrant'],
      Resource: keyArn,
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    },
  ];
}
