import { DeploymentV1, DeploymentV1Spec } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { HorizontalPodAutoscalerV2 } from '@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { PriorityClassV1 } from '@cdktf/provider-kubernetes/lib/priority-class-v1';
import { TerraformProvider, TerraformResource, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HA_METADATA_KEY, haRecordOf, HaMetadata, HaRole, ServiceTier } from '../../core';
import {
  DeploymentManifest,
  HttpProbe,
  planWorkload,
  unresolvedWorkloadOption,
  WorkloadOptions,
  workloadIntent,
} from '../../core/plans/workload';
import { emitWarnings, throwProblems, validationError } from '../diagnostics';

/** Props of {@link HaWorkload}. */
export interface HaWorkloadProps extends WorkloadOptions {
  /** How available the service must be; drives the replicas, the spread and the budgets. */
  readonly tier: ServiceTier;
  /**
   * The service this belongs to: the HA report groups resources by it.
   * @default - the stack's id
   */
  readonly service?: string;
  /**
   * PRIMARY serves in the primary region; STANDBY runs in a standby region's cluster (the report
   * compares its minimum with the primary's to know whether a failover needs a scale-up).
   * @default HaRole.PRIMARY
   */
  readonly role?: HaRole;
  /**
   * The Kubernetes provider of the cluster to deploy to (one per cluster, with an alias when a
   * stack holds several).
   * @default - the stack's default `kubernetes` provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * A Deployment spread over a cluster's zones and nodes, with its PodDisruptionBudget,
 * HorizontalPodAutoscaler and PriorityClass, as `planWorkload` (lib/core/plans/workload.ts) plans
 * them, rendered through the provider's typed resources (`kubernetes_deployment_v1`, ...), which
 * unlike `kubernetes_manifest` need no cluster to plan. Its CDK twin on EKS is `HaWorkload` in
 * `ha-constructs/aws`.
 *
 * The Deployment sets its replicas on creation and then leaves them to the autoscaler
 * (`ignore_changes` on `spec[0].replicas`): else each apply would scale a fleet that has scaled out
 * for peak back to its minimum.
 *
 * The autoscaler reads the metrics API: GKE serves it, an EKS cluster needs the metrics-server
 * add-on (without it the count stays at its statically stable minimum).
 *
 * Construct ids (public API): `Resource` (the Deployment), `DisruptionBudget`, `Autoscaler`, `PriorityClass`.
 */
export class HaWorkload extends Construct {
  public readonly deployment: DeploymentV1;
  public readonly podDisruptionBudget: PodDisruptionBudgetV1;
  public readonly autoscaler: HorizontalPodAutoscalerV2;
  public readonly priorityClass: PriorityClassV1;
  /** Replicas the workload runs at its minimum (what survives a zone loss is `requiredReplicas`). */
  public readonly replicas: number;
  /** The Deployment's name (its pods' `app.kubernetes.io/name` label). */
  public readonly name: string;
  public readonly namespace: string;
  /** Port the container listens on. */
  public readonly containerPort: number;

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
    const plan = planWorkload(
      props.tier,
      workloadIntent(props, (v) => Token.isUnresolved(v)),
    );
    throwProblems(plan.problems, this);
    emitWarnings(this, 'HaWorkload', plan.warnings);
    this.replicas = plan.replicas.desired;
    this.name = plan.deployment.metadata.name;
    this.namespace = plan.deployment.metadata.namespace;
    this.containerPort = plan.deployment.spec.template.spec.containers[0].ports[0].containerPort;
    const provider = props.provider;

    const pc = plan.priorityClass;
    this.priorityClass = new PriorityClassV1(this, 'PriorityClass', {
      provider,
      metadata: { name: pc.metadata.name, labels: { ...pc.metadata.labels } },
      value: pc.value,
      globalDefault: pc.globalDefault,
      preemptionPolicy: pc.preemptionPolicy,
      description: pc.description,
    });
    this.deployment = new DeploymentV1(this, 'Resource', {
      provider,
      metadata: { ...plan.deployment.metadata, labels: { ...plan.deployment.metadata.labels } },
      spec: deploymentSpec(plan.deployment),
      // Pods naming a priority class that does not exist yet are refused at admission.
      dependsOn: [this.priorityClass],
      lifecycle: { ignoreChanges: ['spec[0].replicas'] },
    });
    const pdb = plan.podDisruptionBudget;
    this.podDisruptionBudget = new PodDisruptionBudgetV1(this, 'DisruptionBudget', {
      provider,
      metadata: { ...pdb.metadata, labels: { ...pdb.metadata.labels } },
      spec: {
        minAvailable: pdb.spec.minAvailable === undefined ? undefined : String(pdb.spec.minAvailable),
        maxUnavailable: pdb.spec.maxUnavailable === undefined ? undefined : String(pdb.spec.maxUnavailable),
        selector: { matchLabels: { ...pdb.spec.selector.matchLabels } },
      },
    });
    const hpa = plan.horizontalPodAutoscaler;
    this.autoscaler = new HorizontalPodAutoscalerV2(this, 'Autoscaler', {
      provider,
      metadata: { ...hpa.metadata, labels: { ...hpa.metadata.labels } },
      spec: {
        scaleTargetRef: { ...hpa.spec.scaleTargetRef },
        minReplicas: hpa.spec.minReplicas,
        maxReplicas: hpa.spec.maxReplicas,
        metric: hpa.spec.metrics.map((m) => ({
          type: m.type,
          resource: { name: m.resource.name, target: { ...m.resource.target } },
        })),
      },
    });

    const record: HaMetadata = haRecordOf(props.service ?? TerraformStack.of(this).node.id, props, {
      component: 'HaWorkload',
      // Spread over zones, it survives a zone; the cluster is one region's.
      failureDomain: FailureDomain.REGION,
      // The peak the replicas left after a zone's loss must carry: the report checks the spread against it.
      requiredCapacity: plan.required,
    });
    for (const resource of [this.priorityClass, this.deployment, this.podDisruptionBudget, this.autoscaler]) {
      (resource as TerraformResource).addOverride(`//.${HA_METADATA_KEY}`, record);
    }
  }
}

/** The Deployment's spec in the provider's shape (blocks as lists, quantities and counts as strings). */
function deploymentSpec(manifest: DeploymentManifest): DeploymentV1Spec {
  const { spec } = manifest;
  const pod = spec.template.spec;
  const selector = (s: { readonly matchLabels: Readonly<Record<string, string>> }) => [
    { matchLabels: { ...s.matchLabels } },
  ];
  const probe = (p: HttpProbe) => ({
    httpGet: { path: p.httpGet.path, port: String(p.httpGet.port) },
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    failureThreshold: p.failureThreshold,
    successThreshold: p.successThreshold,
  });
  const nodeAffinity = pod.affinity.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return {
    replicas: String(spec.replicas),
    selector: { matchLabels: { ...spec.selector.matchLabels } },
    strategy: {
      type: spec.strategy.type,
      rollingUpdate: {
        maxUnavailable: String(spec.strategy.rollingUpdate.maxUnavailable),
        maxSurge: String(spec.strategy.rollingUpdate.maxSurge),
      },
    },
    template: {
      metadata: { labels: { ...spec.template.metadata.labels } },
      spec: {
        terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds,
        priorityClassName: pod.priorityClassName,
        serviceAccountName: pod.serviceAccountName,
        automountServiceAccountToken: pod.automountServiceAccountToken,
        securityContext: {
          runAsNonRoot: pod.securityContext.runAsNonRoot,
          runAsUser: String(pod.securityContext.runAsUser),
          runAsGroup: String(pod.securityContext.runAsGroup),
          fsGroup: String(pod.securityContext.fsGroup),
          seccompProfile: { ...pod.securityContext.seccompProfile },
        },
        topologySpreadConstraint: pod.topologySpreadConstraints.map((c) => ({
          maxSkew: c.maxSkew,
          topologyKey: c.topologyKey,
          whenUnsatisfiable: c.whenUnsatisfiable,
          minDomains: c.minDomains,
          nodeAffinityPolicy: c.nodeAffinityPolicy,
          nodeTaintsPolicy: c.nodeTaintsPolicy,
          labelSelector: selector(c.labelSelector),
          matchLabelKeys: [...c.matchLabelKeys],
        })),
        affinity: {
          nodeAffinity: nodeAffinity && {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerm: nodeAffinity.nodeSelectorTerms.map((term) => ({
                matchExpressions: term.matchExpressions.map((e) => ({ ...e, values: [...e.values] })),
              })),
            },
          },
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution:
              pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.map((p) => ({
                weight: p.weight,
                podAffinityTerm: {
                  topologyKey: p.podAffinityTerm.topologyKey,
                  labelSelector: selector(p.podAffinityTerm.labelSelector),
                },
              })),
          },
        },
        container: pod.containers.map((c) => ({
          name: c.name,
          image: c.image,
          imagePullPolicy: c.imagePullPolicy,
          port: c.ports.map((p) => ({ ...p })),
          resources: { requests: { ...c.resources.requests }, limits: { ...c.resources.limits } },
          startupProbe: probe(c.startupProbe),
          livenessProbe: probe(c.livenessProbe),
          readinessProbe: probe(c.readinessProbe),
          securityContext: {
            allowPrivilegeEscalation: c.securityContext.allowPrivilegeEscalation,
            privileged: c.securityContext.privileged,
            readOnlyRootFilesystem: c.securityContext.readOnlyRootFilesystem,
            runAsNonRoot: c.securityContext.runAsNonRoot,
            capabilities: { drop: [...c.securityContext.capabilities.drop] },
          },
          volumeMount: c.volumeMounts.map((m) => ({ ...m })),
        })),
        volume: pod.volumes.map((v) => ({ name: v.name, emptyDir: { ...v.emptyDir } })),
      },
    },
  };
}
