import { Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';
import { FailureDomain, HaRole } from '../core';
import { planWorkload, unresolvedWorkloadOption, WorkloadOptions, workloadIntent } from '../core/plans/workload';
import { HaProps } from './ha-props';
import { attachHaMetadata } from './metadata';
import { emitWarnings, throwProblems, validationError } from './private/errors';

/** Props of {@link HaWorkload}. */
export interface HaWorkloadProps extends HaProps, WorkloadOptions {
  /**
   * PRIMARY serves in the primary region; STANDBY runs in a standby region's cluster (the report
   * compares its minimum with the primary's to know whether a failover needs a scale-up).
   * @default HaRole.PRIMARY
   */
  readonly role?: HaRole;
  /**
   * The EKS cluster to deploy to: a `Cluster` of this app, or an imported one with a kubectl
   * provider (`kubectlProvider`) or a kubectl layer (`kubectlLayer`) and a `kubectlRoleArn`.
   */
  readonly cluster: eks.ICluster;
}

/**
 * A Deployment spread over an EKS cluster's zones and nodes, with its PodDisruptionBudget,
 * HorizontalPodAutoscaler and PriorityClass, as `planWorkload` (lib/core/plans/workload.ts) plans
 * them, applied as one `KubernetesManifest` (the PriorityClass first: pods naming a class that does
 * not exist yet are refused at admission). Its Terraform twin is `HaWorkload` in
 * `ha-constructs/tf/kubernetes`.
 *
 * The Deployment's manifest leaves `replicas` out: the autoscaler starts it at its minimum (the
 * plan's replicas) and owns the count from then on, so that a stack update, which re-applies the
 * manifest, does not scale a fleet that has scaled out for peak back to its minimum.
 *
 * The autoscaler reads the metrics API, which an EKS cluster serves once the metrics-server add-on
 * is installed (without it the count stays at its statically stable minimum). The namespace must exist.
 *
 * Construct ids (public API): `Resource` (the manifest).
 */
export class HaWorkload extends Construct {
  public readonly manifest: eks.KubernetesManifest;
  /** Replicas the workload runs at its minimum (what survives a zone loss is `requiredReplicas`). */
  public readonly replicas: number;

  constructor(scope: Construct, id: string, props: HaWorkloadProps) {
    super(scope, id);
    const unresolved = unresolvedWorkloadOption(props, (v) => Token.isUnresolved(v));
    if (unresolved !== undefined) {
      throw validationError(
        `${unresolved} must be known at synthesis (it decides the objects' names, placement, probes or sizes), ` +
          'got: an unresolved token',
        this,
        unresolved,
      );
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
    const plan = planWorkload(
      props.tier,
      workloadIntent(props, (v) => Token.isUnresolved(v)),
    );
    throwProblems(plan.problems, this);
    emitWarnings(this, 'HaWorkload', plan.warnings);
    this.replicas = plan.replicas.desired;

    const spec: { -readonly [K in keyof typeof plan.deployment.spec]?: unknown } = { ...plan.deployment.spec };
    delete spec.replicas;
    this.manifest = new eks.KubernetesManifest(this, 'Resource', {
      cluster,
      manifest: [
        plan.priorityClass,
        { ...plan.deployment, spec },
        plan.podDisruptionBudget,
        plan.horizontalPodAutoscaler,
      ] as unknown as Record<string, unknown>[],
    });
    attachHaMetadata(this, props, {
      component: 'HaWorkload',
      // Spread over zones, it survives a zone; the cluster is one region's.
      failureDomain: FailureDomain.REGION,
      // The peak the replicas left after a zone's loss must carry: the report checks the spread against it.
      requiredCapacity: plan.required,
    });
  }
}
