import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { WorkflowsWorkflow } from '@cdktf/provider-google/lib/workflows-workflow';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaRole, planRegionSwitchoverDrill, REGION_DRILL_ENV } from '../../core';
import { emitWarnings, throwProblems } from '../diagnostics';
import { GOOGLE_SERVICE_AGENTS } from './apis';
import { RegionalFleet } from './fleet';
import { GoogleHaProps } from './ha-props';
import { ProjectServices } from './project-services';
import { newCryptoKey } from './private/keys';
import { attachRecord, haLabels, haRecord } from './private/metadata';
import { uniqueName } from './private/names';
import { newStopSubscription, newWorkflowSchedule, workflowSource } from './private/workflows';
import { projectOf } from './private/project';
import { FailoverWorkflows } from './runbooks';

/** Props of {@link RegionSwitchoverDrill}. */
export interface RegionSwitchoverDrillProps extends GoogleHaProps {
  /** The runbooks the drill runs and times: promotion (in switchover mode), scale-up, failback. */
  readonly runbooks: FailoverWorkflows;
  /** The serving fleet whose backend the drill drains, and whose minimum the standby must reach healthy. */
  readonly primaryFleet: RegionalFleet;
  /** The standby fleet, behind the same global backend service. */
  readonly standbyFleet: RegionalFleet;
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
 * 3. the primary's backend drained (capacity scaler 0) until the service's URL answers through the
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
    const { tier, runbooks, primaryFleet, standbyFleet } = props;
    const known = (value: string) => (Token.isUnresolved(value) ? undefined : value);
    const plan = planRegionSwitchoverDrill(tier, {
      promotion: runbooks.promotion !== undefined,
      scaleUp: runbooks.scaleUp !== undefined,
      region: known(runbooks.region),
      runbooksRegion: known(runbooks.region),
      primaryRegion: known(primaryFleet.region),
      standbyRegion: known(standbyFleet.region),
      holdMinutes: props.holdMinutes,
      schedule: props.schedule,
    });
    throwProblems(plan.problems, this);
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
        `Region drill: switches the database over to ${region}, scales the standby up, serves from it for ` +
        `${plan.holdMinutes} min, fails back; times ${plan.measuredSteps.join(' and ')}, ` +
        `each bounded by ${plan.stepTimeoutSeconds} s`,
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
        [REGION_DRILL_ENV.PRIMARY_GROUP]: primaryFleet.instanceGroup,
        [REGION_DRILL_ENV.STANDBY_GROUP]: standbyFleet.instanceGroup,
        [REGION_DRILL_ENV.SERVING_MIN]: String(primaryFleet.minInstances),
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
