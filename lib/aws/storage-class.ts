import { Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';
import { FailureDomain } from '../core';
import { EBS_CSI_PROVISIONER, planStorageClass } from '../core/plans/storage-class';
import { HaProps } from './ha-props';
import { attachHaMetadata } from './metadata';
import { emitWarnings, throwProblems, validationError } from './private/errors';

/** Props of {@link ZoneBoundStorageClass}. */
export interface ZoneBoundStorageClassProps extends HaProps {
  /**
   * The EKS cluster to apply the class to: a `Cluster` of this app, or an imported one with a
   * kubectl provider (`kubectlProvider`) or a kubectl layer (`kubectlLayer`) and a `kubectlRoleArn`
   * (for an `HaEksCluster`, `eks.Cluster.fromClusterAttributes` with its `clusterName`).
   */
  readonly cluster: eks.ICluster;
  /** The class's name (what a PersistentVolumeClaim's `storageClassName` names). */
  readonly name: string;
  /**
   * The CSI driver that creates the volumes.
   * @default 'ebs.csi.aws.com' (the EBS CSI driver `HaEksCluster` installs)
   */
  readonly provisioner?: string;
  /**
   * The driver's parameters: `HaEksCluster.ebsStorageClassParameters` (gp3, encrypted with the
   * cluster's volumes key).
   */
  readonly parameters: Record<string, string>;
  /**
   * The zones volumes may be created in (`HaEksCluster.availabilityZones`), known at synthesis: at
   * least the tier's.
   * @default - none: each volume is created in its first pod's zone, wherever the pod was scheduled
   */
  readonly zones?: string[];
  /**
   * Whether claims that name no class get this one.
   * @default false
   */
  readonly isDefault?: boolean;
}

/**
 * A StorageClass whose volumes are created in the zone of the pod that first uses them
 * (`WaitForFirstConsumer`), only in the given zones, kept when their claims are deleted (`Retain`),
 * and able to grow in place, as core's `planStorageClass` plans it, applied as one
 * `KubernetesManifest`; EBS volumes must be encrypted under a customer-managed key. Its Terraform
 * twin is `ZoneBoundStorageClass` in `ha-constructs/tf/kubernetes`.
 *
 * Kubernetes refuses changes to a class's parameters, binding or reclaim policy: change them under
 * a new `name` and move the claims. A zonal volume still dies with its zone: a statically stable
 * workload keeps its data replicated by the application (or in a regional store), not on one volume.
 * @see https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode
 *
 * Construct ids (public API): `Resource` (the manifest).
 */
export class ZoneBoundStorageClass extends Construct {
  public readonly manifest: eks.KubernetesManifest;

  constructor(scope: Construct, id: string, props: ZoneBoundStorageClassProps) {
    super(scope, id);
    // The name and zones are the class's identity and its allowed topologies: a token hides both.
    for (const [prop, value] of [
      ['name', [props.name]],
      ['zones', props.zones ?? []],
    ] as const) {
      if (Token.isUnresolved(value) || value.some((v) => Token.isUnresolved(v))) {
        throw validationError(`${prop} must be known at synthesis, got: an unresolved token`, this, prop);
      }
    }
    const { cluster } = props;
    // An imported cluster without either gets a kubectl handler without kubectl: every apply fails.
    if (!(cluster instanceof eks.Cluster) && !cluster.kubectlProvider && !cluster.kubectlLayer) {
      throw validationError(
        'cluster must have a kubectlProvider or a kubectlLayer (import it with one of them), got: neither',
        this,
        'cluster',
      );
    }
    const plan = planStorageClass(props.tier, { ...props, provisioner: props.provisioner ?? EBS_CSI_PROVISIONER });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'ZoneBoundStorageClass', plan.warnings);
    this.manifest = new eks.KubernetesManifest(this, 'Resource', {
      cluster,
      manifest: [plan.manifest as unknown as Record<string, unknown>],
    });
    attachHaMetadata(this, props, { component: 'ZoneBoundStorageClass', failureDomain: FailureDomain.ZONE });
  }
}
