import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { WorkflowsWorkflow } from '@cdktf/provider-google/lib/workflows-workflow';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, planZoneEvacuationDrill, ZONE_DRILL_ENV } from '../../core';
import { throwProblems } from '../diagnostics';
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
 * zonal besides the group (disks, a zonal database primary). Cancelling an execution skips its
 * rollback: the tag and the suspended repair stay until someone removes them (the next run refuses
 * to start and says so).
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
 * `StopReader`, `Schedule`, `ScheduleAccount`, `ScheduleInvoker`.
 */
export class ZoneEvacuationDrill extends Construct {
  public readonly workflow: WorkflowsWorkflow;
  /** Minutes the zone stays out. */
  public readonly durationMinutes: number;

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
    });
    throwProblems(plan.problems, this);
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
        "balancer's view of them and the SLO budget",
      permissions: [
        props.regionalBackendService ? 'compute.regionBackendServices.get' : 'compute.backendServices.get',
        'compute.instanceGroupManagers.get',
        'compute.instanceGroupManagers.update',
        'compute.instances.get',
        'compute.instances.setTags',
        'compute.regionOperations.get',
        'compute.zoneOperations.get',
        'monitoring.timeSeries.list',
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
