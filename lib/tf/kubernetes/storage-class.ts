import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { TerraformProvider, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HA_METADATA_KEY, haRecordOf, ServiceTier } from '../../core';
import { validationError } from '../diagnostics';

/** A DNS-1123 subdomain: what a StorageClass's name accepts. */
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

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
 * (`WaitForFirstConsumer`): with `Immediate` binding a zonal volume is created in any zone, and a pod
 * spread into another zone by its topology constraints could never mount it. The volumes are kept
 * when their claims are deleted (`Retain`: data outlives a mistaken `kubectl delete pvc`), and can
 * grow in place.
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
    if (!DNS_SUBDOMAIN.test(props.name)) {
      throw validationError(
        `name must be a DNS subdomain (lowercase letters, digits, '-' and '.'), got: ${JSON.stringify(props.name)}`,
        this,
        'name',
      );
    }
    this.storageClass = new StorageClassV1(this, 'Resource', {
      provider: props.provider,
      metadata: {
        name: props.name,
        annotations: props.isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : undefined,
      },
      storageProvisioner: props.provisioner,
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Retain',
      allowVolumeExpansion: true,
      parameters: props.parameters,
    });
    const record = haRecordOf(props.service ?? TerraformStack.of(this).node.id, props, {
      component: 'ZoneBoundStorageClass',
      failureDomain: FailureDomain.ZONE,
    });
    this.storageClass.addOverride(`//.${HA_METADATA_KEY}`, record);
  }
}
