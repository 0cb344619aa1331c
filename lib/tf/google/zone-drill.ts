import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { WorkflowsWorkflow } from '@cdktf/provider-google/lib/workflows-workflow';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, planZoneEvacuationDrill, ZONE_DRILL_ENV, zoneDrillDenialsFilter } from '../../core';
import { emitWarnings, throwProblems } from '../diagnostics';
import { GOOGLE_SERVICE_AGENTS } from './apis';
import { GOOGLE_HEALTH_CHECK_RANGES, RegionalFleet } from './fleet';
import { GoogleHaProps } from './ha-props';
import { ProjectServices } from './project-services';
import { newCryptoKey } from './private/keys';
import { attachRecord, haLabels, haRecord } from './private/metadata';
import { uniqueName } from './private/names';
import { newStopSubscription, newWorkflowSchedule, workflowSource } from './private/workflows';
import { projectOf } from './private/project';

/** Props of {@link ZoneEvacuationDrill}. */
export interface ZoneEvacuationDrillProps extends GoogleHaProps {
  /** The regional fleet one of whose zones the drill takes out. */
  readonly fleet: RegionalFleet;
  /** The zone to take out: one of the fleet's. */
  readonly zone: string;
  /**
   * Name of the backend service that sends to the fleet: the global one (`GlobalFrontend.backendServiceName`),
   * or a regional one in the fleet's region (`RegionalEntry.loadBalancers[i].backendService.name`, with
   * `regionalBackendService`).
   */
  readonly backendServiceName: string;
  /**
   * Whether `backendServiceName` names a regional backend service (a regional external Application
   * Load Balancer's, in the fleet's region).
   * @default false
   */
  readonly regionalBackendService?: boolean;
  /**
   * Further source ranges the zone stops answering: a regional load balancer's proxy-only subnet
   * (`RegionalEntry`'s `proxySubnetCidrs[region]`), whose proxies carry its traffic while its
   * health checks come from Google's ranges. A global load balancer needs none.
   * @default - Google's health-check and proxy ranges only
   */
  readonly proxySourceRanges?: string[];
  /**
   * Id of the Pub/Sub topic the service's SLO alerts notify (a `pubsub` notification channel's
   * topic, e.g. `PagingChannels.topics[0].id`): an incident that opens there stops the drill and
   * rolls it back.
   */
  readonly stopTopicId: string;
  /**
   * Name of the service's SLO (`SloAlarms.slo.id`, `projects/…/services/…/serviceLevelObjectives/…`):
   * the drill does not start while its error budget is spent, or unknown.
   */
  readonly sloName: string;
  /**
   * Ids of the notification channels (`PagingChannels.channelIds`) the dead man's switch pages: an
   * alert when the drill's fault outlasts its deadline, which only happens when the drill and its
   * watchdog were both cancelled or stopped (or Cloud Workflows is down in the fleet's region).
   * @default - no alert, with a warning: a fault nothing restores is found by the next drill
   */
  readonly notificationChannels?: string[];
  /**
   * How long the zone stays out, in minutes.
   * @default - twice the tier's AZ RTO, at least 10 minutes
   */
  readonly durationMinutes?: number;
  /**
   * When Cloud Scheduler runs the drill, in cron syntax (`0 10 * * TUE`). The drill checks the
   * error budget when it starts, so a run in a freeze ends without touching the zone.
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
 * A zone evacuation drill for a `RegionalFleet` on Google Cloud (which has no managed
 * fault-injection service), as a Cloud Workflows workflow in the fleet's region.
 *
 * The fault: the zone's instances get a network tag that a DENY firewall rule (priority above the
 * fleet's allow rules) matches for the load balancer's proxies and health checkers, so the zone
 * stops serving; instances the group creates in the zone during the drill are tagged too. The
 * autohealing probes come from the same ranges, so the drill suspends the group's health-check
 * repair while it runs (else the group recreates the zone's instances, and the drill measures that
 * churn) and restores it once the zone's instances pass their check again; it refuses to start
 * when repair is already off. Nothing is deleted: the rollback removes the tag, and the rule stays,
 * matching nothing.
 *
 * What it exercises: the load balancer taking the zone out and the other zones carrying the load
 * alone (the SLO alert stops it when they do not). What it does not: the time to add capacity
 * (the zone's instances keep running and count in the autoscaler's average, so the report takes
 * static stability from the templates), repair in the other zones during the drill, or anything
 * zonal besides the group (disks, a zonal database primary).
 *
 * Cancelled, timed out, or hung: before the fault the drill starts its watchdog, a second execution
 * of the same workflow that polls the drill every 30 s. When the drill is no longer running (a
 * cancel, an error its `except` cannot catch) or still runs at its deadline (the fault, 600 s for
 * the zone's checks, 300 s of margin: then the watchdog cancels it), the watchdog removes the tag
 * and puts repair back once the zone's instances pass; the drill stops and rolls back when its
 * watchdog is gone. So cancelling either execution is the stop button: the tag comes off within a
 * poll. What it does not guarantee: both executions cancelled, or Cloud Workflows down in the
 * region, leave the zone out and repair off. That is what the dead man's switch sees: firewall logs
 * of the DENY rule (written only while it refuses the zone's probes) counted by a log-based metric,
 * and an alert to `notificationChannels` when they go on past the deadline and another 300 s
 * (TIER_1: 30 min). It does not see repair left off once the tag is gone: the next run refuses to
 * start, and a second alert pages on every failed execution (that refusal, a watchdog that could
 * not restore, a drill stopped by the SLO alert or slower than the AZ RTO). The switch counts what
 * Cloud Logging receives of the rule's firewall logs, and the templates cannot prove that log
 * routing lets them through to the metric: drill it once by cancelling both executions of a drill
 * and waiting for the page. Both alerts' runbooks give the one command that runs the watchdog by
 * hand on a drill execution. The drill's account may create, read, list and cancel the executions
 * of any workflow of the project (provider 6.50 has no grant on one workflow); the definition acts
 * on its own only.
 *
 * Guard rails: the drill refuses to start while the SLO's error budget is spent (the freeze) or
 * unknown; it reads a Pub/Sub subscription of the SLO alerts' topic every 30 s and, when an
 * incident opens, rolls back at once and fails the execution; any error rolls back too. The
 * measurement: the execution's result holds `recoverySeconds` (from the fault until the load
 * balancer sends nothing to the zone and every instance of the other zones is healthy) and
 * `measuredOn`; the execution fails when that exceeds the tier's AZ RTO. Its `measurement` is the
 * `zone-evacuation` record `recordDrillMeasurement` takes: recorded on the fleet, the report's AZ
 * RTO counts it while fresh (a longer recovery than the health check raises the figure). An
 * optional Cloud Scheduler job runs it.
 *
 * Construct ids (public API): `Resource` (the workflow), `Key`, `KeyRing`, `KeyWorkflowsEncrypter`,
 * `Account`, `Role`, `RoleGrant`, `Logs`, `ZoneOut` (the firewall rule), `StopSubscription`,
 * `StopReader`, `Schedule`, `ScheduleAccount`, `ScheduleInvoker`, `Denials` (the log-based metric),
 * `FaultOutlasted` and `ExecutionFailed` (the alerts).
 */
export class ZoneEvacuationDrill extends Construct {
  public readonly workflow: WorkflowsWorkflow;
  /** Minutes the zone stays out. */
  public readonly durationMinutes: number;
  /** The dead man's switch: pages when the fault outlasts the drill's deadline (with `notificationChannels`). */
  public readonly faultAlert?: MonitoringAlertPolicy;
  /** Pages when an execution of the drill or of its watchdog fails (with `notificationChannels`). */
  public readonly failureAlert?: MonitoringAlertPolicy;

  constructor(scope: Construct, id: string, props: ZoneEvacuationDrillProps) {
    super(scope, id);
    const { tier, fleet } = props;
    const known = !Token.isUnresolved(props.zone) && !Token.isUnresolved(fleet.region);
    const plan = planZoneEvacuationDrill(tier, {
      zone: known ? props.zone : undefined,
      region: known ? fleet.region : undefined,
      fleetZones: fleet.zones.some((z) => Token.isUnresolved(z)) ? undefined : fleet.zones,
      durationMinutes: props.durationMinutes,
      schedule: props.schedule,
      regionalBackend: props.regionalBackendService,
      pagedChannels: props.notificationChannels?.length,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'ZoneEvacuationDrill', plan.warnings);
    this.durationMinutes = plan.durationMinutes;
    const record = haRecord(this, props, { component: 'ZoneEvacuationDrill', failureDomain: FailureDomain.REGION });
    const labels = haLabels(props, record);
    const services = ProjectServices.of(this, props.projectServices);
    const project = projectOf(this).projectId;

    const key = newCryptoKey(this, 'Key', {
      location: fleet.region,
      labels,
      encrypters: { Workflows: services.serviceAgent(GOOGLE_SERVICE_AGENTS.WORKFLOWS) },
    });
    const account = new ServiceAccount(this, 'Account', {
      accountId: uniqueName(this, 'Sa', 30),
      displayName: `Runs the zone drill ${this.node.path}`,
    });
    const role = new ProjectIamCustomRole(this, 'Role', {
      roleId: uniqueName(this, 'Role', 64).replace(/-/g, '_'),
      title: `Zone drill ${this.node.path}`.slice(0, 100),
      description:
        "Tag a group's instances in one zone, suspend and restore its health-check repair, read the load " +
        "balancer's view of them and the SLO budget, start, watch and cancel the drill's executions",
      // The executions permissions reach every workflow of the project (provider 6.50 has no grant on one
      // workflow), as the region drill's and the schedule's do: the definition only acts on its own.
      permissions: [
        props.regionalBackendService ? 'compute.regionBackendServices.get' : 'compute.backendServices.get',
        'compute.instanceGroupManagers.get',
        'compute.instanceGroupManagers.update',
        'compute.instances.get',
        'compute.instances.setTags',
        'compute.regionOperations.get',
        'compute.zoneOperations.get',
        'monitoring.timeSeries.list',
        'workflows.executions.cancel',
        'workflows.executions.create',
        'workflows.executions.get',
        'workflows.executions.list',
      ],
    });
    new ProjectIamMember(this, 'RoleGrant', { project, role: role.name, member: account.member });
    new ProjectIamMember(this, 'Logs', { project, role: 'roles/logging.logWriter', member: account.member });

    const tag = uniqueName(this, 'ZoneOut');
    new ComputeFirewall(this, 'ZoneOut', {
      name: tag,
      network: fleet.networkId,
      description: `Takes ${props.zone} of ${fleet.node.path} out during ${this.node.path}: instances the drill tags`,
      direction: 'INGRESS',
      priority: plan.firewallPriority,
      sourceRanges: [...GOOGLE_HEALTH_CHECK_RANGES, ...(props.proxySourceRanges ?? [])],
      targetTags: [tag],
      deny: [{ protocol: 'tcp' }],
      logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
    });
    // The dead man's switch: the rule's denials, which last exactly as long as the fault.
    const denials = new LoggingMetric(this, 'Denials', {
      name: `${tag}-denials`,
      description: `Connections ${tag} refused: the zone drill's fault is on`,
      filter: zoneDrillDenialsFilter(tag),
      metricDescriptor: { metricKind: 'DELTA', valueType: 'INT64', unit: '1' },
    });

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
      region: fleet.region,
      description:
        `Zone evacuation drill: takes ${props.zone} of ${fleet.node.path} out of the load balancer for ` +
        `${plan.durationMinutes} min, stops on an SLO incident, measures the recovery against ${plan.recoveryObjectiveSeconds} s`,
      serviceAccount: account.email,
      sourceContents: source,
      cryptoKeyName: key.key.id,
      callLogLevel: 'LOG_ALL_CALLS',
      executionHistoryLevel: 'EXECUTION_HISTORY_DETAILED',
      userEnvVars: {
        [ZONE_DRILL_ENV.GROUP]: fleet.group.name,
        [ZONE_DRILL_ENV.INSTANCE_GROUP]: fleet.instanceGroup,
        [ZONE_DRILL_ENV.REGION]: fleet.region,
        [ZONE_DRILL_ENV.ZONE]: props.zone,
        [ZONE_DRILL_ENV.TAG]: tag,
        [ZONE_DRILL_ENV.BACKEND_SERVICE]: props.backendServiceName,
        [ZONE_DRILL_ENV.STOP_SUBSCRIPTION]: subscription.id,
        [ZONE_DRILL_ENV.SLO]: props.sloName,
      },
      labels,
      dependsOn: key.grants,
    });

    const alert = plan.faultAlert;
    // The watchdog, run by hand: it restores after an execution of the drill that ended, and cancels one
    // still running first (its deadline, 0, has passed).
    const executionName = 'DRILL_EXECUTION_NAME (projects/…/workflows/…/executions/…)';
    const restoreCommand =
      `\`gcloud workflows run ${this.workflow.name} --location=${fleet.region} ` +
      `--data='{"watch":"DRILL_EXECUTION_NAME","repairBefore":"DEFAULT_ACTION","deadline":0}'\``;
    if (props.notificationChannels !== undefined && props.notificationChannels.length > 0) {
      const minutes = alert.durationMinutes;
      this.faultAlert = new MonitoringAlertPolicy(this, 'FaultOutlasted', {
        displayName: `${this.node.path}: zone ${props.zone} still out ${minutes} min after a drill started`,
        combiner: 'OR',
        conditions: [
          {
            displayName: `${tag} refuses connections for ${minutes} min`,
            conditionThreshold: {
              filter: `metric.type="logging.googleapis.com/user/${denials.name}" AND resource.type="gce_subnetwork"`,
              aggregations: [
                {
                  alignmentPeriod: `${alert.periodSeconds}s`,
                  perSeriesAligner: 'ALIGN_SUM',
                  crossSeriesReducer: 'REDUCE_SUM',
                },
              ],
              comparison: 'COMPARISON_GT',
              thresholdValue: 0,
              duration: `${alert.durationSeconds}s`,
              // No denials is no fault.
              evaluationMissingData: 'EVALUATION_MISSING_DATA_INACTIVE',
            },
          },
        ],
        severity: 'CRITICAL',
        notificationChannels: [...props.notificationChannels],
        documentation: {
          mimeType: 'text/markdown',
          content:
            `The zone drill ${this.node.path} took ${props.zone} out of the load balancer and nothing put it back: ` +
            `its deadline (${plan.deadlineSeconds} s) has passed and the DENY rule ${tag} still refuses the zone's ` +
            'probes, so the drill and its watchdog were both cancelled or stopped. Run the watchdog by hand on ' +
            'the drill execution (it cancels it if still running, removes the tag, waits for the zone to pass ' +
            `its checks, then sets repair back), ${executionName}: ${restoreCommand}. By hand instead: remove ` +
            `the network tag ${tag} from the zone's instances, wait until they pass their health check, then ` +
            "set the group's instanceLifecyclePolicy.onFailedHealthCheck back to DEFAULT_ACTION.",
        },
        userLabels: labels,
      });
      // The next drill's refusal after a double cancel, and a watchdog that could not restore, page too.
      this.failureAlert = new MonitoringAlertPolicy(this, 'ExecutionFailed', {
        displayName: `${this.node.path}: an execution of the zone drill or of its watchdog failed`,
        combiner: 'OR',
        conditions: [
          {
            displayName: 'An execution ended FAILED',
            conditionThreshold: {
              filter:
                'metric.type="workflows.googleapis.com/finished_execution_count" AND ' +
                'metric.label.status="FAILED" AND resource.type="workflows.googleapis.com/Workflow" AND ' +
                `resource.label.workflow_id="${this.workflow.name}"`,
              aggregations: [
                {
                  alignmentPeriod: `${plan.failureAlert.periodSeconds}s`,
                  perSeriesAligner: 'ALIGN_SUM',
                  crossSeriesReducer: 'REDUCE_SUM',
                },
              ],
              comparison: 'COMPARISON_GT',
              thresholdValue: 0,
              duration: '0s',
            },
          },
        ],
        severity: 'WARNING',
        notificationChannels: [...props.notificationChannels],
        documentation: {
          mimeType: 'text/markdown',
          content:
            `An execution of the zone drill ${this.node.path} (${props.zone}) failed; its error says why. A refusal ` +
            '(repair already off, another execution running, no error budget data) touched nothing; repair found ' +
            "off means an earlier drill was left half-restored: check the zone's instances for the network tag " +
            `${tag} and the group's onFailedHealthCheck. A drill stopped by the SLO alert or slower than the AZ RTO ` +
            'rolled back and is a finding. A watchdog that failed may have left the zone out: run it again by ' +
            `hand on the drill execution it watched, ${executionName}: ${restoreCommand}.`,
        },
        userLabels: labels,
      });
    }

    if (props.schedule !== undefined) {
      newWorkflowSchedule(this, {
        workflow: this.workflow,
        what: 'the zone drill',
        project,
        region: fleet.region,
        schedule: props.schedule,
        timeZone: props.timeZone,
      });
    }
    services.use(this);
    attachRecord(this, record);
  }
}
