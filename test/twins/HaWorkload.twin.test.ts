import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { App, TerraformStack } from 'cdktf';
import * as fc from 'fast-check';
import { HaWorkload } from '../../lib/aws/eks-workload';
import { HA_METADATA_KEY, HaRole, ServiceTier } from '../../lib/core';
import {
  DeploymentManifest,
  HorizontalPodAutoscalerManifest,
  planWorkload,
  PodDisruptionBudgetManifest,
  PriorityClassManifest,
  WorkloadOptions,
} from '../../lib/core/plans/workload';
import { HaWorkload as TfHaWorkload } from '../../lib/tf/kubernetes/workload';
import { testApp } from '../util';
import { intents } from './harness';

/**
 * HaWorkload on EKS (one KubernetesManifest) and on Terraform (the kubernetes provider's typed
 * resources), from one intent: the same replicas, spread, affinity, rolling update, disruption
 * budget, probes, autoscaling, priority and security context, all from core's planWorkload.
 */

const DIGEST = `registry.example/orders@sha256:${'d'.repeat(64)}`;
const ZONES = ['zone-a', 'zone-b', 'zone-c', 'zone-d'];

/** A workload's options, with the tier and the role both engines take beside them. */
type Intent = WorkloadOptions & { tier: ServiceTier; role?: HaRole };

const intent = fc
  .record({
    tier: fc.constantFrom(...ServiceTier.BUILT_IN),
    required: fc.integer({ min: 1, max: 30 }),
    headroom: fc.integer({ min: 0, max: 20 }),
    zones: fc.option(fc.integer({ min: 3, max: 4 }), { nil: undefined }),
    readinessPath: fc.option(fc.constantFrom('/ready', '/health/ready?deep=1'), { nil: undefined }),
    cpuRequestMillicores: fc.option(fc.integer({ min: 100, max: 2000 }), { nil: undefined }),
    targetCpuPercent: fc.option(fc.integer({ min: 20, max: 90 }), { nil: undefined }),
    startupSeconds: fc.option(fc.integer({ min: 1, max: 600 }), { nil: undefined }),
    serviceAccountName: fc.option(fc.constantFrom('orders', 'orders.reader'), { nil: undefined }),
    role: fc.option(fc.constantFrom(HaRole.PRIMARY, HaRole.STANDBY), { nil: undefined }),
    drainSeconds: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
  })
  .map((p): Intent => {
    const options = {
      tier: p.tier,
      role: p.role,
      name: 'orders',
      namespace: 'shop',
      image: DIGEST,
      requiredReplicas: p.required,
      maxReplicas: 1000,
      zones: p.zones === undefined ? undefined : ZONES.slice(0, p.zones),
      readinessPath: p.readinessPath,
      cpuRequestMillicores: p.cpuRequestMillicores,
      targetCpuPercent: p.targetCpuPercent,
      startupSeconds: p.startupSeconds,
      drainSeconds: p.drainSeconds,
      serviceAccountName: p.serviceAccountName,
    };
    // The literal maximum: what the plan runs plus some headroom.
    return { ...options, maxReplicas: planWorkload(p.tier, options).replicas.desired + p.headroom };
  });

/** The HA values of one workload, read from either output in the Kubernetes API's terms. */
interface WorkloadValues {
  readonly replicas: number;
  readonly autoscaler: { min: number; max: number; cpu: number; target: string };
  readonly rollingUpdate: { maxUnavailable: number; maxSurge: number };
  /** The disruption budget: minAvailable for lower tiers, maxUnavailable (a zone's share) for statically stable ones. */
  readonly budget: { minAvailable?: number; maxUnavailable?: number };
  /** Seconds from a pod's deletion to SIGKILL (its drain, then its shutdown). */
  readonly gracePeriod: number;
  readonly spread: unknown[];
  readonly antiAffinity: unknown[];
  readonly zones: unknown;
  readonly probes: Record<string, unknown>;
  readonly priority: { name: string; value: number; preemption: string; podClass: string };
  readonly security: { pod: unknown; container: unknown; token: boolean; account: string | undefined };
  readonly resources: unknown;
  /** The HA record the report reads: the role decides whether a failover scales, the capacity the spread's check. */
  readonly record: { role: unknown; requiredCapacity: unknown; component: unknown; failureDomain: unknown };
}

const recordValues = (record: Record<string, unknown>): WorkloadValues['record'] => ({
  role: record.role,
  requiredCapacity: record.requiredCapacity,
  component: record.component,
  failureDomain: record.failureDomain,
});

type WorkloadObjects = [
  PriorityClassManifest,
  DeploymentManifest,
  PodDisruptionBudgetManifest,
  HorizontalPodAutoscalerManifest,
];

function cdkValues(options: Intent): WorkloadValues {
  const stack = new Stack(testApp(), 'Twin');
  const kubectlProvider = eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
    functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:kubectl',
    kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
    handlerRole: iam.Role.fromRoleArn(stack, 'Handler', 'arn:aws:iam::111122223333:role/kubectl-handler'),
  });
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'shop', kubectlProvider });
  new HaWorkload(stack, 'Orders', { ...options, cluster });
  const [manifest] = Object.values(Template.fromStack(stack).findResources('Custom::AWSCDK-EKS-KubernetesResource'));
  const [pc, deployment, pdb, hpa] = JSON.parse(manifest.Properties.Manifest as string) as WorkloadObjects;
  const pod = deployment.spec.template.spec;
  const [container] = pod.containers;
  const probe = (p: typeof container.livenessProbe) => p;
  // The Deployment leaves its count to the autoscaler: it starts at the autoscaler's minimum.
  expect(deployment.spec).not.toHaveProperty('replicas');
  return {
    replicas: hpa.spec.minReplicas,
    autoscaler: {
      min: hpa.spec.minReplicas,
      max: hpa.spec.maxReplicas,
      cpu: hpa.spec.metrics[0].resource.target.averageUtilization,
      target: `${hpa.spec.scaleTargetRef.kind}/${hpa.spec.scaleTargetRef.name}`,
    },
    rollingUpdate: deployment.spec.strategy.rollingUpdate,
    budget: {
      ...(pdb.spec.minAvailable === undefined ? {} : { minAvailable: pdb.spec.minAvailable }),
      ...(pdb.spec.maxUnavailable === undefined ? {} : { maxUnavailable: pdb.spec.maxUnavailable }),
    },
    gracePeriod: pod.terminationGracePeriodSeconds,
    spread: pod.topologySpreadConstraints.map((c) => ({ ...c, labelSelector: c.labelSelector.matchLabels })),
    antiAffinity: pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.map((a) => ({
      weight: a.weight,
      topologyKey: a.podAffinityTerm.topologyKey,
      labels: a.podAffinityTerm.labelSelector.matchLabels,
    })),
    zones: pod.affinity.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms,
    probes: {
      startup: probe(container.startupProbe),
      liveness: probe(container.livenessProbe),
      readiness: probe(container.readinessProbe),
    },
    priority: {
      name: pc.metadata.name,
      value: pc.value,
      preemption: pc.preemptionPolicy,
      podClass: pod.priorityClassName,
    },
    security: {
      pod: pod.securityContext,
      container: container.securityContext,
      token: pod.automountServiceAccountToken,
      account: pod.serviceAccountName,
    },
    resources: container.resources,
    record: recordValues(manifest.Metadata[HA_METADATA_KEY]),
  };
}

/** A Terraform body, read as far as these values need. */
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function tfValues(options: Intent): WorkloadValues {
  const stack = new TerraformStack(new App(), 'twin');
  new KubernetesProvider(stack, 'Cluster', { configPath: '~/.kube/config' });
  new TfHaWorkload(stack, 'Orders', options);
  const json = JSON.parse(JSON.stringify(stack.toTerraform())) as { resource: Record<string, Record<string, Body>> };
  const only = (type: string) => Object.values(json.resource[type])[0];
  const [deployment, pdb, hpa, pc] = [
    'kubernetes_deployment_v1',
    'kubernetes_pod_disruption_budget_v1',
    'kubernetes_horizontal_pod_autoscaler_v2',
    'kubernetes_priority_class_v1',
  ].map(only);
  const pod = deployment.spec.template.spec;
  const [container] = pod.container;
  const probe = (p: Body) => ({
    httpGet: { path: p.http_get.path, port: Number(p.http_get.port) },
    periodSeconds: p.period_seconds,
    timeoutSeconds: p.timeout_seconds,
    failureThreshold: p.failure_threshold,
    successThreshold: p.success_threshold,
  });
  const terms = pod.affinity.node_affinity?.required_during_scheduling_ignored_during_execution.node_selector_term;
  const [metric] = hpa.spec.metric;
  return {
    replicas: Number(deployment.spec.replicas),
    autoscaler: {
      min: hpa.spec.min_replicas,
      max: hpa.spec.max_replicas,
      cpu: metric.resource.target.average_utilization,
      target: `${hpa.spec.scale_target_ref.kind}/${hpa.spec.scale_target_ref.name}`,
    },
    rollingUpdate: {
      maxUnavailable: Number(deployment.spec.strategy.rolling_update.max_unavailable),
      maxSurge: Number(deployment.spec.strategy.rolling_update.max_surge),
    },
    budget: {
      ...(pdb.spec.min_available === undefined ? {} : { minAvailable: Number(pdb.spec.min_available) }),
      ...(pdb.spec.max_unavailable === undefined ? {} : { maxUnavailable: Number(pdb.spec.max_unavailable) }),
    },
    gracePeriod: pod.termination_grace_period_seconds,
    spread: pod.topology_spread_constraint.map((c: Body) => ({
      maxSkew: c.max_skew,
      topologyKey: c.topology_key,
      whenUnsatisfiable: c.when_unsatisfiable,
      ...(c.min_domains === undefined ? {} : { minDomains: c.min_domains }),
      nodeAffinityPolicy: c.node_affinity_policy,
      nodeTaintsPolicy: c.node_taints_policy,
      labelSelector: c.label_selector[0].match_labels,
      matchLabelKeys: c.match_label_keys,
    })),
    antiAffinity: pod.affinity.pod_anti_affinity.preferred_during_scheduling_ignored_during_execution.map(
      (a: Body) => ({
        weight: a.weight,
        topologyKey: a.pod_affinity_term.topology_key,
        labels: a.pod_affinity_term.label_selector[0].match_labels,
      }),
    ),
    zones: terms?.map((t: Body) => ({ matchExpressions: t.match_expressions })),
    probes: {
      startup: probe(container.startup_probe),
      liveness: probe(container.liveness_probe),
      readiness: probe(container.readiness_probe),
    },
    priority: {
      name: pc.metadata.name,
      value: pc.value,
      preemption: pc.preemption_policy,
      podClass: pod.priority_class_name,
    },
    security: {
      pod: {
        runAsNonRoot: pod.security_context.run_as_non_root,
        runAsUser: Number(pod.security_context.run_as_user),
        runAsGroup: Number(pod.security_context.run_as_group),
        fsGroup: Number(pod.security_context.fs_group),
        seccompProfile: pod.security_context.seccomp_profile,
      },
      container: {
        allowPrivilegeEscalation: container.security_context.allow_privilege_escalation,
        privileged: container.security_context.privileged,
        readOnlyRootFilesystem: container.security_context.read_only_root_filesystem,
        runAsNonRoot: container.security_context.run_as_non_root,
        capabilities: container.security_context.capabilities,
      },
      token: pod.automount_service_account_token,
      account: pod.service_account_name,
    },
    resources: container.resources,
    record: recordValues(deployment['//'][HA_METADATA_KEY]),
  };
}

const SAMPLE = intents(intent, 8);

describe('HaWorkload twins', () => {
  test('the sample holds hard and soft zone spreads, with and without listed zones', () => {
    const shapes = new Set(SAMPLE.map((o) => `${o.tier.staticallyStable} ${o.zones !== undefined}`));
    expect([...shapes].sort()).toEqual(['false false', 'false true', 'true false', 'true true']);
    expect(new Set(SAMPLE.map((o) => o.serviceAccountName !== undefined))).toEqual(new Set([true, false]));
    expect(new Set(SAMPLE.map((o) => o.role))).toEqual(new Set([HaRole.PRIMARY, HaRole.STANDBY, undefined]));
    expect(new Set(SAMPLE.map((o) => o.drainSeconds !== undefined))).toEqual(new Set([true, false]));
  });

  test.each(SAMPLE.map((options, i) => [i, options] as const))(
    'intent %i renders the same Kubernetes objects on EKS and on Terraform, as planned',
    (_i, options) => {
      const cdk = cdkValues(options);
      expect(tfValues(options)).toEqual(cdk);
      // Both equal the plan, which holds the HA values (so neither engine drifted from it the same way).
      const plan = planWorkload(options.tier, options);
      expect(plan.problems).toEqual([]);
      expect(cdk.replicas).toBe(plan.replicas.desired);
      const { minAvailable, maxUnavailable } = plan.podDisruptionBudget.spec;
      expect(cdk.budget).toEqual({ minAvailable, maxUnavailable });
      expect(cdk.gracePeriod).toBe(plan.drainSeconds + 30);
      expect(cdk.spread).toHaveLength(2);
      expect(cdk.spread[0]).toMatchObject(
        options.tier.staticallyStable
          ? { whenUnsatisfiable: 'DoNotSchedule', minDomains: options.tier.minAzs - 1, nodeTaintsPolicy: 'Honor' }
          : { whenUnsatisfiable: 'ScheduleAnyway', nodeTaintsPolicy: 'Honor' },
      );
      expect(cdk.probes.liveness).toEqual(plan.deployment.spec.template.spec.containers[0].livenessProbe);
      expect(cdk.record).toEqual({
        role: options.role ?? HaRole.PRIMARY,
        requiredCapacity: options.requiredReplicas,
        component: 'HaWorkload',
        failureDomain: 'region',
      });
    },
  );
});
