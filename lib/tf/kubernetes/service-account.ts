import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { TerraformProvider, TerraformResource, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HA_METADATA_KEY, haRecordOf, HaMetadata, HaRole, ServiceTier } from '../../core';

/** The annotation that binds a Kubernetes service account to a Google one under GKE Workload Identity. */
export const GKE_SERVICE_ACCOUNT_ANNOTATION = 'iam.gke.io/gcp-service-account';

/** Props of {@link WorkloadServiceAccount}. */
export interface WorkloadServiceAccountProps {
  /** How available the service must be (its HA record). */
  readonly tier: ServiceTier;
  /**
   * The service this belongs to: the HA report groups resources by it.
   * @default - the stack's id
   */
  readonly service?: string;
  /**
   * The role of its cluster (its HA record).
   * @default HaRole.PRIMARY
   */
  readonly role?: HaRole;
  /** Its name: the `serviceAccountName` of the workloads that run as it. */
  readonly name: string;
  /**
   * Its namespace; it must exist.
   * @default 'default'
   */
  readonly namespace?: string;
  /**
   * Email of the Google service account its pods act as on GKE (`HaGkeCluster.workloadServiceAccount`).
   * @default - none: its pods get no Google identity
   */
  readonly googleServiceAccountEmail?: string;
  /**
   * The Kubernetes provider of its cluster.
   * @default - the stack's default `kubernetes` provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * The Kubernetes service account a workload runs as (`HaWorkload.serviceAccountName`), with no API
 * token mounted by default, and on GKE bound to a Google service account through Workload Identity,
 * so that its pods get that account's grants and never the node's.
 *
 * Construct ids (public API): `Resource`.
 */
export class WorkloadServiceAccount extends Construct {
  public readonly resource: ServiceAccountV1;
  /** Its name, for `HaWorkload.serviceAccountName`. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: WorkloadServiceAccountProps) {
    super(scope, id);
    this.name = props.name;
    const email = props.googleServiceAccountEmail;
    this.resource = new ServiceAccountV1(this, 'Resource', {
      provider: props.provider,
      metadata: {
        name: props.name,
        namespace: props.namespace ?? 'default',
        annotations: email === undefined ? undefined : { [GKE_SERVICE_ACCOUNT_ANNOTATION]: email },
      },
      // The workloads call no Kubernetes API: a stolen pod gets no token for it.
      automountServiceAccountToken: false,
    });
    const record: HaMetadata = haRecordOf(props.service ?? TerraformStack.of(this).node.id, props, {
      component: 'WorkloadServiceAccount',
      failureDomain: FailureDomain.REGION,
    });
    (this.resource as TerraformResource).addOverride(`//.${HA_METADATA_KEY}`, record);
  }
}
