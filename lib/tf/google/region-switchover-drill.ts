import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { WorkflowsWorkflow } from '@cdktf/provider-google/lib/workflows-workflow';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaRole, planRegionSwitchoverDrill, REGION_DRILL_ENV } from '../../core';
import { emitWarnings, throwProblems, validationError } from '../diagnostics';
import { GOOGLE_SERVICE_AGENTS } from './apis';
import { RegionalFleet } from './fleet';
import { HaGkeCluster } from './gke-cluster';
import { GoogleHaProps } from './ha-props';
import { ProjectServices } from './project-services';
import { newCryptoKey } from './private/keys';
import { attachRecord, haLabels, haRecord } from './private/metadata';
import { uniqueName } from './private/names';
import { newStopSubscription, newWorkflowSchedule, workflowSource } from './private/workflows';
import { projectOf } from './private/project';
import { FailoverWorkflows } from './runbooks';

/**
 * A GKE cluster whose node pool serves the global load balancer through a Local node port
 * (`HaGkeCluster.loadBalancerBackends` with a `NodePortService`), and the workload it serves.
 */
export interface SwitchoverCluster {
  /** The cluster: its node pool's instance groups, one per zone, are backends of the backend service. */
  readonly cluster: HaGkeCluster;
  /**
   * The workload the node port serves (`HaWorkload` of `ha-constructs/tf/kubernetes`): a node passes
   * the load balancer's health check only while it runs a ready pod of it.
   */
  readonly workload: { readonly replicas: number };
}

/** Props of {@link RegionSwitchoverDrill}. */
export interface RegionSwitchoverDrillProps extends GoogleHaProps {
  /** The runbooks the drill runs and times: promotion (in switchover mode), scale-up, failback. */
  readonly runbooks: FailoverWorkflows;
  /**
   * The serving fleet whose backend the drill drains, and whose minimum the standby must reach
   * healthy. Give it and `standbyFleet`, or `primaryCluster` and `standbyCluster`.
   * @default - none: the primary is `primaryCluster`
   */
  readonly primaryFleet?: RegionalFleet;
  /**
   * The standby fleet, behind the same global backend service.
   * @default - none: the standby is `standbyCluster`
   */
  readonly standbyFleet?: RegionalFleet;
  /**
   * The serving GKE cluster, whose node pool's backends the drill drains. Before the drain the
   * standby must show min(nodes, pods) of it healthy: the most nodes its pods make healthy.
   * @default - none: the primary is `primaryFleet`
   */
  readonly primaryCluster?: SwitchoverCluster;
  /**
   * The standby GKE cluster, behind the same global backend service. No runbook resizes a node pool
   * or a workload's minimum: it must keep the primary's nodes and pods, and the runbooks must not
   * scale a fleet up.
   * @default - none: the standby is `standbyFleet`
   */
  readonly standbyCluster?: SwitchoverCluster;
  /** Name of the global backend service that sends to both fleets (`GlobalFrontend.backendServiceName`). */
  readonly backendServiceName: string;
  /**
   * A URL of the service through the global load balancer (`https://<domain>/health/ready`): once the
   * primary is drained, the standby serves when it answers 2xx three times in a row.
   */
  readonly serviceUrl: string;
  /**
   * Id of the Pub/Sub topic the service's SLO alerts notify (`PagingChannels.topics[n].id`): an
   * incident that opens there stops the drill and rolls it back.
   */
  readonly stopTopicId: string;
  /**
   * Name of the service's SLO (`SloAlarms.slo.id`): the drill does not start while its error budget
   * is spent, or unknown.
   */
  readonly sloName: string;
  /**
   * How long the standby serves alone before the failback, in minutes.
   * @default - the fastest burn-rate page's long window (60 min for a 30-day SLO)
   */
  readonly holdMinutes?: number;
  /**
   * When Cloud Scheduler runs the drill, in cron syntax (`0 9 15 1,4,7,10 *`): at least every
   * `drillIntervalDays` of the tier, so that its measurements stay fresh. The drill checks the error
   * budget when it starts, so a run in a freeze ends without touching anything.
   * @default - no schedule: run it with `gcloud workflows run`
   */
  readonly schedule?: string;
  /**
   * Time zone of the schedule (IANA name).
   * @default 'UTC'
   */
  readonly timeZone?: string;
}

/**
 * A region drill for a Google Cloud service with a standby region: a reversible rehearsal of the
 * failover, as a Cloud Workflows workflow in the runbooks' (standby) region that runs the
 * runbooks themselves, so that what it times is what will run on the day:
 *
 * 1. `Promotion` with `{"mode": "switchover"}` (Cloud SQL advanced DR, no data loss), timed;
 * 2. `ScaleUp`, timed until the load balancer sees the primary's minimum of healthy standby instances;
 * 3. the primary's backends drained (capacity scaler 0) until the service's URL answers through the
 *    global load balancer, then held there;
 * 4. the primary's capacity restored and `Failback` run.
 *
 * Guard rails: it does not start while the SLO's error budget is spent or unknown; an SLO incident
 * that opens (read from a subscription of the alerts' topic) stops it; any failure rolls back
 * (capacity restored, failback run) and fails the execution; each wait is bounded by the tier's
 * region RTO. The execution's result lists `measurements` in the form `recordDrillMeasurement`
 * takes: record them (on `runbooks.promotion` and `runbooks.scaleUp`) and the report counts them
 * for the tier's drill interval. Started by the paged on-call (`gcloud workflows run <name>
 * --location=<region> --data='{"pagedAt":"<the page's time, RFC 3339>"}'`), it times the decision
 * too; record that on the stack. A scheduled run times no decision.
 *
 * On GKE (`primaryCluster`, `standbyCluster`) it drains the primary node pool's groups, one per
 * zone, and serves from the standby's: a same-size standby needs no scale-up, so it times the
 * promotion, and waits before the drain for min(nodes, pods) of the primary healthy in the
 * standby (a node is healthy only with a ready pod behind its Local node port). A standby smaller
 * than the primary is refused: no runbook resizes a node pool.
 *
 * Construct ids (public API): `Resource` (the workflow), `Key`, `KeyRing`, `KeyWorkflowsEncrypter`,
 * `Account`, `Role`, `RoleGrant`, `Logs`, `StopSubscription`, `StopReader`, `Schedule`,
 * `ScheduleAccount`, `ScheduleInvoker`.
 */
export class RegionSwitchoverDrill extends Construct {
  public readonly workflow: WorkflowsWorkflow;
  /** Minutes the standby serves alone. */
  public readonly holdMinutes: number;
  /** The steps the execution's result measures. */
  public readonly measuredSteps: readonly string[];

  constructor(scope: Construct, id: string, props: RegionSwitchoverDrillProps) {
    super(scope, id);
    const { tier, runbooks, primaryFleet, standbyFleet, primaryCluster, standbyCluster } = props;
    const known = (value?: string) => (value === undefined || Token.isUnresolved(value) ? undefined : value);
    const count = (value?: number) => (value === undefined || Token.isUnresolved(value) ? undefined : value);
    const plan = planRegionSwitchoverDrill(tier, {
      promotion: runbooks.promotion !== undefined,
      scaleUp: runbooks.scaleUp !== undefined,
      region: known(runbooks.region),
      runbooksRegion: known(runbooks.region),
      primaryRegion: known(primaryFleet?.region ?? primaryCluster?.cluster.region),
      standbyRegion: known(standbyFleet?.region ?? standbyCluster?.cluster.region),
      given: {
        primaryFleet: primaryFleet !== undefined,
        standbyFleet: standbyFleet !== undefined,
        primaryCluster: primaryCluster !== undefined,
        standbyCluster: standbyCluster !== undefined,
      },
      primaryMinInstances: count(primaryFleet?.minInstances),
      clusters: {
        primaryNodes: count(primaryCluster?.cluster.minNodes),
        primaryPods: count(primaryCluster?.workload.replicas),
        standbyNodes: count(standbyCluster?.cluster.minNodes),
        standbyPods: count(standbyCluster?.workload.replicas),
      },
      holdMinutes: props.holdMinutes,
      schedule: props.schedule,
    });
    throwProblems(plan.problems, this);
    if (plan.servingMinimum === undefined) {
      const prop = primaryFleet ? 'primaryFleet' : 'primaryCluster';
      throw validationError(
        `${prop}'s minimum must be known at synthesis (the standby must show it healthy before the drain), ` +
          'got: an unresolved token',
        this,
        prop,
      );
    }
    // A fleet's one regional group, or a node pool's groups, one per zone.
    const groupsOf = (fleet?: RegionalFleet, cluster?: SwitchoverCluster) =>
      fleet ? fleet.instanceGroup : Fn.join(',', cluster!.cluster.nodePool.managedInstanceGroupUrls);
    emitWarnings(this, 'RegionSwitchoverDrill', plan.warnings);
    this.holdMinutes = plan.holdMinutes;
    this.measuredSteps = plan.measuredSteps;
    const region = runbooks.region;
    const record = haRecord(this, props, {
      component: 'RegionSwitchoverDrill',
      failureDomain: FailureDomain.REGION,
      role: HaRole.STANDBY,
    });
    const labels = haLabels(props, record);
    const services = ProjectServices.of(this, props.projectServices);
    const project = projectOf(this).projectId;

    const key = newCryptoKey(this, 'Key', {
      location: region,
      labels,
      encrypters: { Workflows: services.serviceAgent(GOOGLE_SERVICE_AGENTS.WORKFLOWS) },
    });
    const account = new ServiceAccount(this, 'Account', {
      accountId: uniqueName(this, 'Sa', 30),
      displayName: `Runs the region drill ${this.node.path}`,
    });
    // The runbooks act as their own accounts: the drill only starts them, drains a backend and reads.
    const role = new ProjectIamCustomRole(this, 'Role', {
      roleId: uniqueName(this, 'Role', 64).replace(/-/g, '_'),
      title: `Region drill ${this.node.path}`.slice(0, 100),
      description: 'Run the failover runbooks, drain and restore a backend, read backend health and the SLO budget',
      permissions: [
        'compute.backendServices.get',
        'compute.backendServices.update',
        'compute.globalOperations.get',
        'compute.instanceGroups.use',
        'monitoring.timeSeries.list',
        'workflows.executions.create',
        'workflows.executions.get',
      ],
    });
    new ProjectIamMember(this, 'RoleGrant', { project, role: role.name, member: account.member });
    new ProjectIamMember(this, 'Logs', { project, role: 'roles/logging.logWriter', member: account.member });

    const subscription = newStopSubscription(this, {
      topicId: props.stopTopicId,
      ackDeadlineSeconds: plan.stopSubscription.ackDeadlineSeconds,
      messageRetentionSeconds: plan.stopSubscription.messageRetentionSeconds,
      labels,
      member: account.member,
    });

    const source = workflowSource(plan.definition);
    this.workflow = new WorkflowsWorkflow(this, 'Resource', {
      name: uniqueName(this, 'Resource', 64),
      region,
      description:
        'Region drill: ' +
        (runbooks.promotion ? `switches the database over to ${region}, ` : '') +
        (runbooks.scaleUp ? 'scales the standby up, ' : '') +
        `serves from the standby for ${plan.holdMinutes} min, fails back; ` +
        `times ${plan.measuredSteps.join(' and ')}, each bounded by ${plan.stepTimeoutSeconds} s`,
      serviceAccount: account.email,
      sourceContents: source,
      cryptoKeyName: key.key.id,
      callLogLevel: 'LOG_ALL_CALLS',
      executionHistoryLevel: 'EXECUTION_HISTORY_DETAILED',
      userEnvVars: {
        [REGION_DRILL_ENV.RUNBOOKS_REGION]: region,
        ...(runbooks.promotion ? { [REGION_DRILL_ENV.PROMOTION]: runbooks.promotion.name } : {}),
        ...(runbooks.scaleUp ? { [REGION_DRILL_ENV.SCALE_UP]: runbooks.scaleUp.name } : {}),
        [REGION_DRILL_ENV.FAILBACK]: runbooks.failback.name,
        [REGION_DRILL_ENV.BACKEND_SERVICE]: props.backendServiceName,
        [REGION_DRILL_ENV.PRIMARY_GROUPS]: groupsOf(primaryFleet, primaryCluster),
        [REGION_DRILL_ENV.STANDBY_GROUPS]: groupsOf(standbyFleet, standbyCluster),
        [REGION_DRILL_ENV.SERVING_MIN]: String(plan.servingMinimum),
        [REGION_DRILL_ENV.URL]: props.serviceUrl,
        [REGION_DRILL_ENV.STOP_SUBSCRIPTION]: subscription.id,
        [REGION_DRILL_ENV.SLO]: props.sloName,
      },
      labels,
      dependsOn: key.grants,
    });

    if (props.schedule !== undefined) {
      newWorkflowSchedule(this, {
        workflow: this.workflow,
        what: 'the region drill',
        project,
        region: region,
        schedule: props.schedule,
        timeZone: props.timeZone,
      });
    }
    services.use(this);
    attachRecord(this, record);
  }
}
