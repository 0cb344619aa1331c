import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { TerraformProvider, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HA_METADATA_KEY, haRecordOf, ServiceTier } from '../../core';
import { planStorageClass } from '../../core/plans/storage-class';
import { emitWarnings, throwProblems, validationError } from '../diagnostics';

/** Props of {@link ZoneBoundStorageClass}. */
export interface ZoneBoundStorageClassProps {
  /** How available the service must be (recorded on the class). */
  readonly tier: ServiceTier;
  /**
   * The service this belongs to: the HA report groups resources by it.
   * @default - the stack's id
   */
  readonly service?: string;
  /** The class's name (what a PersistentVolumeClaim's `storageClassName` names). */
  readonly name: string;
  /** The CSI driver that creates the volumes (`ebs.csi.aws.com`, `pd.csi.storage.gke.io`). */
  readonly provisioner: string;
  /**
   * The driver's parameters: on EKS `HaEksCluster.ebsStorageClassParameters` (gp3, encrypted with the
   * cluster's volumes key).
   */
  readonly parameters: Record<string, string>;
  /**
   * The zones volumes may be created in (`HaEksCluster`'s `availabilityZones`), known at synthesis:
   * at least the tier's.
   * @default - none: each volume is created in its first pod's zone, wherever the pod was scheduled
   */
  readonly zones?: string[];
  /**
   * Whether claims that name no class get this one.
   * @default false
   */
  readonly isDefault?: boolean;
  /**
   * The Kubernetes provider of the cluster.
   * @default - the stack's default `kubernetes` provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * A StorageClass whose volumes are created in the zone of the pod that first uses them
 * (`WaitForFirstConsumer`), only in the given zones, kept when their claims are deleted (`Retain`),
 * and able to grow in place, as core's `planStorageClass` plans it; EBS volumes must be encrypted
 * under a customer-managed key. Its CDK twin is `ZoneBoundStorageClass` in `ha-constructs/aws`.
 *
 * A zonal volume still dies with its zone: a statically stable workload keeps its data replicated
 * by the application (or in a regional store), not on one volume.
 * @see https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode
 *
 * Construct ids (public API): `Resource`.
 */
export class ZoneBoundStorageClass extends Construct {
  public readonly storageClass: StorageClassV1;

  constructor(scope: Construct, id: string, props: ZoneBoundStorageClassProps) {
    super(scope, id);
    // The zones become the class's allowed topologies and are counted against the tier.
    if (props.zones !== undefined && (Token.isUnresolved(props.zones) || props.zones.some(Token.isUnresolved))) {
      throw validationError('zones must be known at synthesis, got: an unresolved token', this, 'zones');
    }
    const plan = planStorageClass(props.tier, props);
    throwProblems(plan.problems, this);
    emitWarnings(this, 'ZoneBoundStorageClass', plan.warnings);
    const { manifest } = plan;
    const [topology] = manifest.allowedTopologies ?? [];
    this.storageClass = new StorageClassV1(this, 'Resource', {
      provider: props.provider,
      metadata: { name: manifest.metadata.name, annotations: manifest.metadata.annotations },
      storageProvisioner: manifest.provisioner,
      volumeBindingMode: manifest.volumeBindingMode,
      reclaimPolicy: manifest.reclaimPolicy,
      allowVolumeExpansion: manifest.allowVolumeExpansion,
      parameters: { ...manifest.parameters },
      // The provider takes one block: the plan's single term over the zone key.
      allowedTopologies: topology && {
        matchLabelExpressions: topology.matchLabelExpressions.map((e) => ({ key: e.key, values: [...e.values] })),
      },
    });
    const record = haRecordOf(props.service ?? TerraformStack.of(this).node.id, props, {
      component: 'ZoneBoundStorageClass',
      failureDomain: FailureDomain.ZONE,
    });
    this.storageClass.addOverride(`//.${HA_METADATA_KEY}`, record);
  }
}
