import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeInstanceGroupNamedPortA } from '@cdktf/provider-google/lib/compute-instance-group-named-port';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaMetadata, HaRole } from '../../core';
import { ChangeFreeze, MaintenanceWindow, planCluster, ReleaseChannel } from '../../core/plans/cluster';
import { nodePortProblem } from '../../core/plans/node-port-service';
import { emitWarnings, throwProblems, validationError } from '../diagnostics';
import { GOOGLE_SERVICE_AGENTS } from './apis';
import { GOOGLE_HEALTH_CHECK_RANGES } from './fleet';
import { IDependentFleetBackend } from './frontend';
import { GoogleHaProps } from './ha-props';
import { IRegionalNetwork } from './network';
import { ProjectServices } from './project-services';
import { newCryptoKey } from './private/keys';
import { statefulLifecycle } from './private/lifecycle';
import { attachRecord, haLabels, haRecord } from './private/metadata';
import { uniqueName } from './private/names';
import { projectOf } from './private/project';
import { invalidRegionNames } from './private/regions';

/**
 * The role a GKE node's service account needs and nothing more: write logs and metrics, read the
 * node's own metadata (Google's replacement for the Compute Engine default account's Editor).
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster#use_least_privilege_sa
 */
export const GKE_NODE_SERVICE_ACCOUNT_ROLE = 'roles/container.defaultNodeServiceAccount';

/** A network allowed to reach the control plane's IP endpoint. */
export interface AuthorizedNetwork {
  /** CIDR block, e.g. `203.0.113.0/24`. */
  readonly cidrBlock: string;
  /** What it is (`office`, `ci-runners`). */
  readonly displayName: string;
}

/** Options of {@link HaGkeCluster.loadBalancerBackends}. */
export interface NodePoolBackendOptions {
  /** The node port the workload is served on (`NodePortService.nodePort`). */
  readonly nodePort: number;
  /**
   * Name of the instance groups' named port, which the backend service sends to.
   * @default 'http'
   */
  readonly portName?: string;
}

/** Props of {@link HaGkeCluster}. */
export interface HaGkeClusterProps extends GoogleHaProps {
  /** The network; it must have a subnetwork in `region` (its Cloud NAT gives the private nodes egress). */
  readonly network: IRegionalNetwork;
  /** The cluster's region: the control plane is replicated over its zones. */
  readonly region: string;
  /** Zones of `region` the nodes run in, at least `tier.minAzs`. */
  readonly zones: string[];
  /**
   * Nodes the workloads need at peak, over all zones. Statically stable tiers (TIER_0, TIER_1) keep
   * enough in every zone to leave this many after losing one; a STANDBY cluster keeps
   * `standbyNodes` and is sized up to `failoverMinNodes` on failover.
   * @default - one per zone
   */
  readonly requiredNodes?: number;
  /**
   * The most nodes the autoscaler adds, over all zones (a cost guard).
   * @default - twice the serving minimum
   */
  readonly maxNodes?: number;
  /**
   * Nodes a STANDBY cluster keeps before a failover.
   * @default - core's `standbyFleetCapacity`: one per zone for WARM_STANDBY, none for PILOT_LIGHT
   */
  readonly standbyNodes?: number;
  /**
   * Machine type of the nodes.
   * @default 'e2-standard-4'
   */
  readonly machineType?: string;
  /**
   * New nodes a node upgrade adds in each zone before it drains an old one (none is ever unavailable).
   * @default 1
   */
  readonly maxSurgePerZone?: number;
  /**
   * Release channel.
   * @default - 'STABLE' for statically stable tiers (TIER_0, TIER_1), else 'REGULAR'
   */
  readonly releaseChannel?: ReleaseChannel;
  /**
   * The weekly window automatic upgrades may run in (UTC): at least 4 hours, at least 12 hours a week.
   * Give each region's cluster a different window, so that one region upgrades while the other serves.
   * @default - Monday to Thursday, 03:00–07:00 UTC
   */
  readonly maintenanceWindow?: MaintenanceWindow;
  /**
   * Periods without automatic upgrades (a "no upgrades" exclusion each, at most 30 days): the same
   * shape as the CDK fleets' `deploymentFreezes`, so that one list serves every engine.
   * @default - none
   */
  readonly deploymentFreezes?: ChangeFreeze[];
  /**
   * Networks that may reach the control plane's IP endpoint. Whatever is given, the DNS endpoint
   * accepts callers that IAM allows (`container.clusters.connect`), so Terraform and CI reach the
   * cluster without an IP allow-list.
   * @default - none: the IP endpoint refuses every external address
   */
  readonly controlPlaneAuthorizedNetworks?: AuthorizedNetwork[];
  /**
   * Id of the KMS key, in `region`, that encrypts Kubernetes Secrets in etcd (application-layer
   * secrets encryption); GKE's service agent must be allowed to use it.
   * @default - a new key in the cluster's region
   */
  readonly secretsKmsKeyId?: string;
  /**
   * Id of the KMS key, in `region`, that encrypts the nodes' boot disks; Compute Engine's service
   * agent must be allowed to use it.
   * @default - a new key in the cluster's region
   */
  readonly bootDiskKmsKeyId?: string;
  /**
   * Email of the service account the nodes run as.
   * @default - a new account with `roles/container.defaultNodeServiceAccount` only (grant it
   * `roles/artifactregistry.reader` on the repositories its images come from)
   */
  readonly nodeServiceAccountEmail?: string;
  /**
   * Whether Terraform refuses to delete the cluster (`deletion_protection`).
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Keep `prevent_destroy` on the cluster: its control plane holds every Kubernetes object (Secrets,
   * the claims that bind pods to their persistent disks), and GKE may delete those disks with it.
   * Setting it to false lets a plan destroy or replace the cluster (`deletionProtection` still
   * refuses it at apply unless false too) and warns.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * A regional GKE Standard cluster that survives the loss of a zone.
 *
 * The control plane is regional (replicated over the region's zones, GKE's 99.95% SLA class); one
 * node pool spreads over `zones`, autoscaled between a statically stable minimum per zone and a
 * literal maximum, balanced across zones; nodes upgrade by surge with none unavailable, auto-repair
 * on, on a release channel, inside a weekly maintenance window and outside the freezes. Private
 * nodes (no external IP) on Shielded VMs with CMEK boot disks, a least-privilege service account,
 * Workload Identity (pods get Google credentials through their Kubernetes service account, never the
 * node's), Kubernetes Secrets encrypted with a customer-managed key, Dataplane V2 (network policies
 * enforced), system, API-server and workload logs, managed Prometheus.
 *
 * Pair it with `HaWorkload` (lib/tf/kubernetes): the cluster supplies the zones, the workload
 * spreads its pods over them.
 *
 * Behind a load balancer Terraform owns (`GlobalFrontend`), `loadBalancerBackends` gives the node
 * pool's instance groups, one per zone, as backends that serve a `NodePortService`.
 *
 * Construct ids (public API): `Resource` (the cluster), `NodePool`, `NodeServiceAccount`, `NodeRole`,
 * `SecretsKey` (and `SecretsKeyRing`, `SecretsKeyKubernetesEngineEncrypter`), `BootDiskKey` (and its
 * ring and `BootDiskKeyComputeEngineEncrypter`); with backends, `NamedPort-<n>` (one per zone's
 * instance group) and `HealthCheckFirewall`; `ClientConfig` (with `kubernetesAccess`).
 */
export class HaGkeCluster extends Construct {
  public readonly cluster: ContainerCluster;
  public readonly nodePool: ContainerNodePool;
  public readonly region: string;
  public readonly zones: readonly string[];
  public readonly role: HaRole;
  /** The cluster's name. */
  public readonly clusterName: string;
  /** The control plane's DNS endpoint (IAM-authenticated), for the kubernetes provider's `host`. */
  public readonly dnsEndpoint: string;
  /** The Workload Identity pool (`<project>.svc.id.goog`). */
  public readonly workloadPool: string;
  /** The node pool's autoscaler bounds, over all zones. */
  public readonly minNodes: number;
  public readonly maxNodes: number;
  /** The minimum a serving cluster of the same props keeps: what a STANDBY cluster is sized to on failover. */
  public readonly failoverMinNodes: number;
  /** The service account the nodes run as. */
  public readonly nodeServiceAccountEmail: string;
  private readonly network: IRegionalNetwork;
  private readonly record: HaMetadata;
  private readonly services: ProjectServices;
  private backends?: { readonly options: NodePoolBackendOptions; readonly groups: IDependentFleetBackend[] };

  constructor(scope: Construct, id: string, props: HaGkeClusterProps) {
    super(scope, id);
    const { tier } = props;
    this.region = props.region;
    this.zones = [...props.zones];
    this.role = props.role ?? HaRole.PRIMARY;
    this.network = props.network;
    const regionKnown = !Token.isUnresolved(props.region);
    if (regionKnown && invalidRegionNames([props.region]).length > 0) {
      throw validationError(`region must be a region name such as us-central1, got: ${props.region}`, this, 'region');
    }
    if (regionKnown && props.allowedRegions && !props.allowedRegions.includes(props.region)) {
      throw validationError(
        `region must be one of allowedRegions (${props.allowedRegions.join(', ')}), got: ${props.region}`,
        this,
        'region',
      );
    }
    const zonesKnown = !props.zones.some((z) => Token.isUnresolved(z));
    const plan = planCluster(tier, {
      region: regionKnown ? props.region : undefined,
      zones: zonesKnown ? props.zones : undefined,
      role: this.role,
      requiredNodes: props.requiredNodes,
      maxNodes: props.maxNodes,
      standbyNodes: props.standbyNodes,
      maxSurgePerZone: props.maxSurgePerZone,
      releaseChannel: props.releaseChannel,
      maintenanceWindow: props.maintenanceWindow,
      freezes: props.deploymentFreezes,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'HaGkeCluster', plan.warnings);
    this.minNodes = plan.nodes.min;
    this.maxNodes = plan.nodes.max;
    this.failoverMinNodes = plan.failoverMinNodes;

    const record = haRecord(this, props, { component: 'HaGkeCluster', failureDomain: FailureDomain.REGION });
    this.record = record;
    const labels = haLabels(props, record);
    const services = ProjectServices.of(this, props.projectServices);
    this.services = services;
    const project = projectOf(this);
    this.workloadPool = `${project.projectId}.svc.id.goog`;

    let nodeServiceAccountEmail = props.nodeServiceAccountEmail;
    if (!nodeServiceAccountEmail) {
      const account = new ServiceAccount(this, 'NodeServiceAccount', {
        accountId: uniqueName(this, 'Nodes', 30),
        displayName: `Nodes of ${this.node.path}`,
      });
      new ProjectIamMember(this, 'NodeRole', {
        project: project.projectId,
        role: GKE_NODE_SERVICE_ACCOUNT_ROLE,
        member: account.member,
      });
      nodeServiceAccountEmail = account.email;
    }
    this.nodeServiceAccountEmail = nodeServiceAccountEmail;

    const keyGrants = [];
    let secretsKeyId = props.secretsKmsKeyId;
    if (!secretsKeyId) {
      const secretsKey = newCryptoKey(this, 'SecretsKey', {
        location: props.region,
        labels,
        encrypters: { KubernetesEngine: services.serviceAgent(GOOGLE_SERVICE_AGENTS.KUBERNETES_ENGINE) },
      });
      secretsKeyId = secretsKey.key.id;
      keyGrants.push(...secretsKey.grants);
    }
    let bootDiskKeyId = props.bootDiskKmsKeyId;
    if (!bootDiskKeyId) {
      const diskKey = newCryptoKey(this, 'BootDiskKey', {
        location: props.region,
        labels,
        encrypters: { ComputeEngine: services.serviceAgent(GOOGLE_SERVICE_AGENTS.COMPUTE) },
      });
      bootDiskKeyId = diskKey.key.id;
      keyGrants.push(...diskKey.grants);
    }

    const nodeConfig = {
      machineType: props.machineType ?? 'e2-standard-4',
      diskType: 'pd-balanced',
      bootDiskKmsKey: bootDiskKeyId,
      imageType: 'COS_CONTAINERD',
      serviceAccount: nodeServiceAccountEmail,
      // Access is decided by IAM (the node account's one role, Workload Identity for pods), not by scopes.
      oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      // Pods see GKE's metadata server: Workload Identity credentials, never the node account's.
      workloadMetadataConfig: { mode: 'GKE_METADATA' },
      metadata: { 'disable-legacy-endpoints': 'true' },
      resourceLabels: labels,
    };

    this.cluster = new ContainerCluster(this, 'Resource', {
      name: uniqueName(this, 'Resource', 40),
      location: props.region,
      nodeLocations: [...props.zones],
      network: props.network.networkId,
      subnetwork: props.network.subnetworkId(props.region),
      networkingMode: 'VPC_NATIVE',
      // GKE allocates the pod and service ranges as secondary ranges of the subnetwork.
      ipAllocationPolicy: { stackType: 'IPV4' },
      datapathProvider: 'ADVANCED_DATAPATH',
      // The default pool cannot be configured like the managed one: it is created at its minimum and removed.
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      nodeConfig,
      deletionProtection: props.deletionProtection ?? true,
      resourceLabels: labels,
      releaseChannel: { channel: plan.releaseChannel },
      maintenancePolicy: {
        recurringWindow: plan.maintenance,
        maintenanceExclusion: plan.exclusions.map((e) => ({
          exclusionName: e.name,
          startTime: e.startTime,
          endTime: e.endTime,
          exclusionOptions: { scope: e.scope },
        })),
      },
      workloadIdentityConfig: { workloadPool: this.workloadPool },
      databaseEncryption: { state: 'ENCRYPTED', keyName: secretsKeyId },
      enableShieldedNodes: true,
      enableLegacyAbac: false,
      privateClusterConfig: {
        enablePrivateNodes: true,
        enablePrivateEndpoint: false,
        masterGlobalAccessConfig: { enabled: true },
      },
      controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: true } },
      masterAuthorizedNetworksConfig: {
        gcpPublicCidrsAccessEnabled: false,
        cidrBlocks: (props.controlPlaneAuthorizedNetworks ?? []).map((n) => ({
          cidrBlock: n.cidrBlock,
          displayName: n.displayName,
        })),
      },
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      loggingConfig: {
        enableComponents: ['SYSTEM_COMPONENTS', 'APISERVER', 'CONTROLLER_MANAGER', 'SCHEDULER', 'WORKLOADS'],
      },
      monitoringConfig: {
        enableComponents: ['SYSTEM_COMPONENTS', 'APISERVER', 'CONTROLLER_MANAGER', 'SCHEDULER'],
        managedPrometheus: { enabled: true },
      },
      lifecycle: {
        ...statefulLifecycle(this, 'HaGkeCluster', props.preventDestroy),
        // The removed default pool's node config would replace the whole cluster on any change.
        ignoreChanges: ['node_config'],
      },
      dependsOn: keyGrants,
    });
    this.clusterName = this.cluster.name;
    this.dnsEndpoint = this.cluster.controlPlaneEndpointsConfig.dnsEndpointConfig.endpoint;

    this.nodePool = new ContainerNodePool(this, 'NodePool', {
      name: uniqueName(this, 'NodePool', 40),
      cluster: this.cluster.id,
      location: props.region,
      nodeLocations: [...props.zones],
      // Per zone, as GKE counts a regional pool; later changes go through the autoscaler's bounds.
      initialNodeCount: plan.minNodesPerZone,
      autoscaling: {
        minNodeCount: plan.minNodesPerZone,
        maxNodeCount: plan.maxNodesPerZone,
        locationPolicy: 'BALANCED',
      },
      management: { autoRepair: true, autoUpgrade: true },
      upgradeSettings: {
        strategy: 'SURGE',
        maxSurge: plan.maxSurgePerZone,
        maxUnavailable: plan.maxUnavailablePerZone,
      },
      nodeConfig,
      // initial_node_count forces a new pool: a later change of the sizes must not replace every node.
      lifecycle: { ignoreChanges: ['initial_node_count'] },
      dependsOn: keyGrants,
    });

    services.use(this);
    attachRecord(this, record);
  }

  /**
   * The node pool's instance groups, one per zone, as backends of a load balancer Terraform owns
   * (`GlobalFrontend.backends`), serving a `NodePortService` on `nodePort`: each group gets the named
   * port (GKE creates the groups; Terraform sets only their named port), and the load balancer's
   * health-check ranges may reach the nodes on it. Every zone's group is a backend, so a zone whose
   * nodes fail the health check leaves the rotation while the others keep serving. Called again with
   * the same options, it returns the same backends.
   * @see https://cloud.google.com/load-balancing/docs/backend-service#named_ports
   * @see https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges
   */
  public loadBalancerBackends(options: NodePoolBackendOptions): IDependentFleetBackend[] {
    const portName = options.portName ?? 'http';
    const { nodePort } = options;
    if (this.backends) {
      if (this.backends.options.nodePort !== nodePort || (this.backends.options.portName ?? 'http') !== portName) {
        throw validationError(
          `nodePort and portName must be the same on every call (one named port per group), got: ${nodePort} ` +
            `and ${portName} after ${this.backends.options.nodePort} and ${this.backends.options.portName ?? 'http'}`,
          this,
          'nodePort',
        );
      }
      return [...this.backends.groups];
    }
    const problem = Token.isUnresolved(nodePort) ? undefined : nodePortProblem(nodePort);
    throwProblems(problem ? [problem] : [], this);
    const groups = this.zones.map((_, i): IDependentFleetBackend => {
      // A regional pool has one instance group per zone; each named port sits in its group's own zone.
      const group = Fn.element(this.nodePool.managedInstanceGroupUrls, i);
      const namedPort = new ComputeInstanceGroupNamedPortA(this, `NamedPort-${i}`, {
        group,
        zone: Fn.element(Fn.regex('/zones/([^/]+)/', group), 0),
        name: portName,
        port: nodePort,
      });
      const readyAfter = [namedPort];
      return { instanceGroup: group, region: this.region, portName, port: nodePort, role: this.role, readyAfter };
    });
    new ComputeFirewall(this, 'HealthCheckFirewall', {
      name: uniqueName(this, 'HealthCheckFirewall'),
      network: this.network.networkId,
      direction: 'INGRESS',
      // The global load balancer's proxies and its health checks both come from these ranges.
      sourceRanges: [...GOOGLE_HEALTH_CHECK_RANGES],
      targetServiceAccounts: [this.nodeServiceAccountEmail],
      allow: [{ protocol: 'tcp', ports: [String(nodePort)] }],
      logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
    });
    this.backends = { options: { nodePort, portName }, groups };
    this.services.use(this);
    attachRecord(this, this.record);
    return [...groups];
  }

  /**
   * A Google service account that pods running as the Kubernetes service account `name` of
   * `namespace` act as, through Workload Identity (`roles/iam.workloadIdentityUser` on this account
   * only): for grants that need an account rather than a principal, such as Cloud SQL's IAM
   * database login (`HaCloudSql.grantConnect`). Annotate the Kubernetes service account with
   * `iam.gke.io/gcp-service-account: <email>` (`WorkloadServiceAccount` does).
   * Construct ids: `WorkloadAccount-<id>`, `WorkloadIdentity-<id>`.
   * @see https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity#kubernetes-sa-to-iam
   */
  public workloadServiceAccount(id: string, namespace: string, name: string): ServiceAccount {
    const account = new ServiceAccount(this, `WorkloadAccount-${id}`, {
      accountId: uniqueName(this, `Workload${id}`, 30),
      displayName: `Pods of ${namespace}/${name} in ${this.node.path}`,
    });
    new ServiceAccountIamMember(this, `WorkloadIdentity-${id}`, {
      serviceAccountId: account.name,
      role: 'roles/iam.workloadIdentityUser',
      member: `serviceAccount:${this.workloadPool}[${namespace}/${name}]`,
    });
    this.services.use(this);
    attachRecord(this, this.record);
    return account;
  }

  /**
   * What the kubernetes provider needs to reach this cluster from Terraform
   * (`new KubernetesProvider(scope, id, cluster.kubernetesAccess())`): the DNS endpoint, which
   * accepts callers IAM allows (`container.clusters.connect`) wherever they run, and the access token
   * of Terraform's own Google credentials, read at plan time.
   * @see https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation
   */
  public kubernetesAccess(): { readonly host: string; readonly token: string } {
    const existing = this.node.tryFindChild('ClientConfig') as DataGoogleClientConfig | undefined;
    const client = existing ?? new DataGoogleClientConfig(this, 'ClientConfig', {});
    return { host: `https://${this.dnsEndpoint}`, token: client.accessToken };
  }

  /**
   * The IAM principal of a Kubernetes service account of this cluster's project under Workload
   * Identity, for member-based grants (`EncryptedSecret.grantRead`, `ReplicatedBucket.grantRead`).
   * @see https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity#authenticating_to
   */
  public workloadIdentityMember(namespace: string, serviceAccountName: string): string {
    const project = projectOf(this);
    return (
      `principal://iam.googleapis.com/projects/${project.number}/locations/global/workloadIdentityPools/` +
      `${this.workloadPool}/subject/ns/${namespace}/sa/${serviceAccountName}`
    );
  }
}
