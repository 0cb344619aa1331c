import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { TerraformProvider, TerraformResource, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HA_METADATA_KEY, haRecordOf, HaMetadata, HaRole, ServiceTier } from '../../core';
import { planNodePortService } from '../../core/plans/node-port-service';
import { throwProblems, validationError } from '../diagnostics';
import { HaWorkload } from './workload';

/** Props of {@link NodePortService}. */
export interface NodePortServiceProps {
  /** How available the service must be (its HA record). */
  readonly tier: ServiceTier;
  /**
   * The service this belongs to: the HA report groups resources by it.
   * @default - the stack's id
   */
  readonly service?: string;
  /**
   * The role of the workload's cluster (its HA record).
   * @default HaRole.PRIMARY
   */
  readonly role?: HaRole;
  /** The workload the Service sends to: its pods, its namespace, its container port. */
  readonly workload: HaWorkload;
  /**
   * Port every node serves the workload on (30000–32767): give the same port to the cluster's
   * `loadBalancerBackends`, whose named port and health check name it.
   */
  readonly nodePort: number;
  /**
   * The Kubernetes provider of the workload's cluster.
   * @default - the stack's default `kubernetes` provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * A Service of type NodePort with `externalTrafficPolicy: Local` in front of an `HaWorkload`, as
 * `planNodePortService` (lib/core/plans/node-port-service.ts) plans it: the way into the pods for a
 * load balancer Terraform owns, whose backends are the node pool's instance groups
 * (`HaGkeCluster.loadBalancerBackends`). A node answers on the port only while it runs a ready pod
 * of the workload, so the load balancer's health check follows the pods' readiness.
 *
 * GKE's container-native load balancing (network endpoint groups of pods) is not used: its NEG
 * controller creates the groups after the Service is applied, so the templates could not show the
 * load balancer's backends, and one apply could not attach them.
 *
 * Construct ids (public API): `Resource` (the Service).
 */
export class NodePortService extends Construct {
  public readonly resource: ServiceV1;
  /** The node port the workload is served on. */
  public readonly nodePort: number;

  constructor(scope: Construct, id: string, props: NodePortServiceProps) {
    super(scope, id);
    if (Token.isUnresolved(props.nodePort)) {
      throw validationError(
        'nodePort must be known at synthesis (the load balancer names it), got: an unresolved token',
        this,
        'nodePort',
      );
    }
    const plan = planNodePortService({
      name: props.workload.name,
      namespace: props.workload.namespace,
      containerPort: props.workload.containerPort,
      nodePort: props.nodePort,
    });
    throwProblems(plan.problems, this);
    this.nodePort = props.nodePort;
    const { metadata, spec } = plan.service;
    this.resource = new ServiceV1(this, 'Resource', {
      provider: props.provider,
      metadata: { ...metadata, labels: { ...metadata.labels } },
      spec: {
        type: spec.type,
        externalTrafficPolicy: spec.externalTrafficPolicy,
        selector: { ...spec.selector },
        port: spec.ports.map((p) => ({ ...p, targetPort: String(p.targetPort) })),
      },
    });
    const record: HaMetadata = haRecordOf(props.service ?? TerraformStack.of(this).node.id, props, {
      component: 'NodePortService',
      failureDomain: FailureDomain.REGION,
    });
    (this.resource as TerraformResource).addOverride(`//.${HA_METADATA_KEY}`, record);
  }
}
