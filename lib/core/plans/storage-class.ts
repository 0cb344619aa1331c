import { PlanProblem, PlanWarning } from '../errors';
import { ServiceTier } from '../tier';
import { fleetMinZones } from './fleet';

/**
 * The plan of a StorageClass whose volumes are bound to their pod's zone (`ZoneBoundStorageClass`):
 * the manifest every engine renders (the Terraform engine maps it field by field onto the
 * provider's `kubernetes_storage_class_v1`).
 */

/** The EBS CSI driver: what an EKS cluster's EBS volumes are created by (`HaEksCluster` installs it). */
export const EBS_CSI_PROVISIONER = 'ebs.csi.aws.com';
/** Google's Persistent Disk CSI driver (GKE). */
export const GCE_PD_CSI_PROVISIONER = 'pd.csi.storage.gke.io';

/**
 * The topology key each known driver reports a node's zone under, which `allowedTopologies` must
 * name: a key the driver does not report leaves every claim Pending. The EBS driver creates
 * volumes under the well-known key since v1.33 (nodes report it beside its older
 * `topology.ebs.csi.aws.com/zone`); Google's driver reports only its own.
 * @see https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/CHANGELOG.md#v1330
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/persistent-volumes/regional-pd
 */
export const STORAGE_ZONE_TOPOLOGY_KEYS: Readonly<Record<string, string>> = {
  [EBS_CSI_PROVISIONER]: 'topology.kubernetes.io/zone',
  [GCE_PD_CSI_PROVISIONER]: 'topology.gke.io/zone',
};

/**
 * The parameters of EBS volumes encrypted with a customer-managed key (`kmsKeyId`: its ARN); a type
 * rather than an interface, so that it is a `Record<string, string>` the parameters props accept.
 */
export type EbsVolumeParameters = {
  readonly type: 'gp3';
  readonly encrypted: 'true';
  readonly kmsKeyId: string;
};

/**
 * EBS volumes for a cluster's pods: gp3 (its baseline IOPS and throughput do not depend on the
 * volume's size, unlike gp2's), encrypted with the given customer-managed key.
 * @see https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html
 */
export function ebsVolumeParameters(kmsKeyArn: string): EbsVolumeParameters {
  return { type: 'gp3', encrypted: 'true', kmsKeyId: kmsKeyArn };
}

/** A storage class as its props describe it, in core's terms. */
export interface StorageClassIntent {
  /** The class's name (what a PersistentVolumeClaim's `storageClassName` names). */
  readonly name: string;
  /** The CSI driver that creates the volumes. */
  readonly provisioner: string;
  /** The driver's parameters. */
  readonly parameters: Readonly<Record<string, string>>;
  /** The zones volumes may be created in (the cluster's node zones); undefined: wherever the pod lands. */
  readonly zones?: readonly string[];
  /** Whether claims that name no class get this one. @default false */
  readonly isDefault?: boolean;
}

/** A StorageClass in the Kubernetes API's terms. */
export interface StorageClassManifest {
  readonly apiVersion: 'storage.k8s.io/v1';
  readonly kind: 'StorageClass';
  readonly metadata: { readonly name: string; readonly annotations?: Readonly<Record<string, string>> };
  readonly provisioner: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly volumeBindingMode: 'WaitForFirstConsumer';
  readonly reclaimPolicy: 'Retain';
  readonly allowVolumeExpansion: true;
  /** Present when the zones are given: volumes are created only in them. */
  readonly allowedTopologies?: readonly {
    readonly matchLabelExpressions: readonly { readonly key: string; readonly values: readonly string[] }[];
  }[];
}

/** The plan. */
export interface StorageClassPlan {
  readonly manifest: StorageClassManifest;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** The annotation that makes a class the default of claims naming none. */
export const DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

/** A DNS-1123 subdomain: what a StorageClass's name accepts. */
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** The Persistent Disk driver's parameter naming a customer-managed key. */
const PD_KMS_KEY_PARAMETER = 'disk-encryption-kms-key';

/**
 * Plans a StorageClass whose zonal volumes follow their pods:
 *
 * - **Binding** `WaitForFirstConsumer`: the volume is created in the zone the scheduler chose for
 *   the first pod that uses it. With `Immediate` it is created first, in any zone, and a pod kept in
 *   another zone by its spread constraints can never mount it.
 * - **Zones** (`allowedTopologies`, when given): volumes only in the tier's zones, under the
 *   driver's own zone key (`STORAGE_ZONE_TOPOLOGY_KEYS`); at least `fleetMinZones(tier)` of them.
 * - **Reclaim** `Retain`: data outlives a mistaken `kubectl delete pvc`; volumes grow in place.
 * - **Encryption**: EBS volumes must be encrypted under a customer-managed key (`encrypted`,
 *   `kmsKeyId`); a Persistent Disk without `disk-encryption-kms-key` is encrypted under Google's own
 *   key, which the plan warns about.
 *
 * Example: TIER_1, `ebs.csi.aws.com`, zones `[us-east-1a, us-east-1b, us-east-1c]` → a class binding
 * in the first pod's zone, `allowedTopologies` `topology.kubernetes.io/zone In [a, b, c]`, `Retain`;
 * the same zones minus one → a problem: `zones must list at least 3 zones for TIER_1`.
 *
 * A zonal volume still dies with its zone: a statically stable workload keeps its data replicated
 * by the application (or in a regional store), not on one volume.
 * @see https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode
 * @see https://kubernetes.io/docs/concepts/storage/storage-classes/#allowed-topologies
 */
export function planStorageClass(tier: ServiceTier, intent: StorageClassIntent): StorageClassPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const problem = (prop: string, message: string) => problems.push({ prop, message });

  if (!DNS_SUBDOMAIN.test(intent.name)) {
    problem(
      'name',
      `name must be a DNS subdomain (lowercase letters, digits, '-' and '.'), got: ${JSON.stringify(intent.name)}`,
    );
  }
  const topologyKey = STORAGE_ZONE_TOPOLOGY_KEYS[intent.provisioner];
  if (intent.zones !== undefined) {
    const minZones = fleetMinZones(tier);
    if (intent.zones.length < minZones) {
      problem(
        'zones',
        `zones must list at least ${minZones} zones for ${tier.name} (its minAzs), got: ${intent.zones.length}`,
      );
    }
    const duplicate = intent.zones.find((z, i) => intent.zones!.indexOf(z) !== i);
    if (duplicate !== undefined) {
      problem('zones', `zones must not repeat a zone, got: ${duplicate} twice`);
    }
    if (topologyKey === undefined) {
      problem(
        'zones',
        `zones can restrict volumes only for a driver whose zone key is known ` +
          `(${Object.keys(STORAGE_ZONE_TOPOLOGY_KEYS).join(', ')}), got provisioner: ${intent.provisioner}`,
      );
    }
  }
  const p = lowerCaseKeys(intent.parameters);
  if (intent.provisioner === EBS_CSI_PROVISIONER) {
    if (p.encrypted !== 'true') {
      problem('parameters', `parameters.encrypted must be 'true' for EBS volumes, got: ${JSON.stringify(p.encrypted)}`);
    } else if (!p.kmskeyid) {
      problem(
        'parameters',
        "parameters.kmsKeyId must name a customer-managed key (HaEksCluster's ebsStorageClassParameters), got: none",
      );
    }
  } else if (intent.provisioner === GCE_PD_CSI_PROVISIONER && !p[PD_KMS_KEY_PARAMETER]) {
    warnings.push({
      id: 'parameters',
      message:
        `parameters has no ${PD_KMS_KEY_PARAMETER}: the disks are encrypted with a Google-managed key, ` +
        'which no key policy of yours controls',
    });
  }

  const manifest: StorageClassManifest = {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name: intent.name,
      ...(intent.isDefault ? { annotations: { [DEFAULT_STORAGE_CLASS_ANNOTATION]: 'true' } } : {}),
    },
    provisioner: intent.provisioner,
    parameters: { ...intent.parameters },
    volumeBindingMode: 'WaitForFirstConsumer',
    reclaimPolicy: 'Retain',
    allowVolumeExpansion: true,
    ...(intent.zones !== undefined && topologyKey !== undefined
      ? { allowedTopologies: [{ matchLabelExpressions: [{ key: topologyKey, values: [...intent.zones] }] }] }
      : {}),
  };
  return { manifest, problems, warnings };
}

/** The EBS driver reads its parameters case-insensitively (`kmsKeyId`, `kmskeyid`). */
function lowerCaseKeys(parameters: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k.toLowerCase(), v]));
}
