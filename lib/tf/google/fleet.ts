import { HaValidationError } from '../../core/errors';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeHealthCheck } from '@cdktf/provider-google/lib/compute-health-check';
import { ComputeInstanceTemplate } from '@cdktf/provider-google/lib/compute-instance-template';
import { ComputeRegionAutoscaler } from '@cdktf/provider-google/lib/compute-region-autoscaler';
import { ComputeRegionInstanceGroupManager } from '@cdktf/provider-google/lib/compute-region-instance-group-manager';
import { ComputeResourcePolicy } from '@cdktf/provider-google/lib/compute-resource-policy';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import {
  FailureDomain,
  HaRole,
  healthCheckPathProblem,
  LIVENESS_PATH,
  primaryFleetCapacity,
  regionOfZone,
  zonePlacementProblem,
} from '../../core';
import { planFleet } from '../../core/plans/fleet';
import { planScaling } from '../../core/plans/scaling';
import { emitWarnings, throwProblems, validationError } from '../diagnostics';
import { FleetContainer, renderFleetContainer } from './fleet-container';
import { GoogleHaProps } from './ha-props';
import { IRegionalNetwork } from './network';
import { newCryptoKey } from './private/keys';
import { warn } from './private/lifecycle';
import { attachRecord, haLabels, haRecord } from './private/metadata';
import { uniqueName } from './private/names';
import { projectOf } from './private/project';
import { GOOGLE_SERVICE_AGENTS } from './apis';
import { ProjectServices } from './project-services';
import { requireInteger } from '../../core/numbers';

/**
 * Source ranges of Google Cloud health checkers and of the global external Application Load
 * Balancer's proxies: the firewall must admit them for health checks and traffic to reach the fleet.
 * @see https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges
 */
export const GOOGLE_HEALTH_CHECK_RANGES: readonly string[] = ['35.191.0.0/16', '130.211.0.0/22'];

/**
 * Machine series that accept a spread placement policy (placement across availability domains of a
 * zone); a policy holds at most {@link SPREAD_PLACEMENT_MAX_VMS} VMs.
 * @see https://cloud.google.com/compute/docs/instances/placement-policies-overview
 */
export const SPREAD_PLACEMENT_SERIES: readonly string[] = ['c2', 'g2', 'n1', 'n2', 'n2d'];
export const SPREAD_PLACEMENT_MAX_VMS = 8;

/** What a load balancer needs from a fleet. */
export interface IFleetBackend {
  /** The managed instance group's instance group URL. */
  readonly instanceGroup: string;
  readonly region: string;
  /** Name of the named port that serves traffic. */
  readonly portName: string;
  readonly port: number;
  readonly role: HaRole;
}

/** A scheduled minimum that pre-warms the fleet before a known peak. */
export interface PrewarmSchedule {
  /** Name of the schedule (unique in the fleet). */
  readonly name: string;
  /** When it starts, in cron syntax (`0 8 * * MON-FRI`). */
  readonly schedule: string;
  /** How long the minimum holds, in seconds (at least 300). */
  readonly durationSeconds: number;
  /** Instances to keep while it holds. */
  readonly minInstances: number;
  /**
   * Time zone of the schedule (IANA name).
   * @default 'UTC'
   */
  readonly timeZone?: string;
}

/** Props of {@link RegionalFleet}. */
export interface RegionalFleetProps extends GoogleHaProps {
  /** The network; it must have a subnetwork in `region`. */
  readonly network: IRegionalNetwork;
  /** The region the fleet runs in. */
  readonly region: string;
  /** Zones of `region` to spread over, at least `tier.minAzs`. */
  readonly zones: string[];
  /**
   * Instances the service needs at peak. For statically stable tiers (TIER_0, TIER_1) the fleet runs
   * enough to keep this many after losing a zone (`staticallyStableCapacity`); a STANDBY fleet runs
   * its standby capacity and scales up to the serving minimum when traffic fails over to it. Stated,
   * it goes into the HA record as the whole service's peak (not one region's share): the report then
   * takes an active/active fleet whose minimum covers it as absorbing a lost region without a scale-out.
   * @default - one per zone (not recorded: a default says nothing about the peak)
   */
  readonly requiredInstances?: number;
  /**
   * Instances a STANDBY fleet runs before a failover (the same prop as the AWS fleets'): the template,
   * keys and group exist, and the load balancer sends to it once it has healthy instances.
   * @default - core's `standbyFleetCapacity`: one per zone for WARM_STANDBY, none for PILOT_LIGHT
   */
  readonly standbyCapacity?: number;
  /**
   * Upper bound of the autoscaler.
   * @default - twice the serving minimum (also for a STANDBY fleet, which must grow to it on failover)
   */
  readonly maxInstances?: number;
  /**
   * Machine type.
   * @default 'n2-standard-2'
   */
  readonly machineType?: string;
  /**
   * What the instances run: a container image that Container-Optimized OS starts at boot and
   * restarts when it exits. Without it (or a `startupScript`, or a `sourceImage` of your own that
   * starts the service), nothing answers the health checks, and autohealing replaces every instance
   * once `initialDelaySeconds` have passed: the fleet warns.
   * @default - none
   */
  readonly container?: FleetContainer;
  /**
   * Boot image.
   * @default - Container-Optimized OS (`cos-cloud/cos-stable`) with a `container`, else 'debian-cloud/debian-12'
   */
  readonly sourceImage?: string;
  /**
   * Port the application serves HTTP on (named port `http`).
   * @default 8080
   */
  readonly port?: number;
  /**
   * Path the autohealing health check requests: it starts with '/' and has no whitespace. Keep it
   * shallow (the process is alive): a check that follows dependencies replaces every healthy
   * instance during a dependency's brownout. The load balancer's check is the deep one.
   * @default LIVENESS_PATH ('/health/live')
   */
  readonly healthCheckPath?: string;
  /**
   * Seconds a new instance gets to boot before autohealing judges it (also the autoscaler's cooldown).
   * @default 300
   */
  readonly initialDelaySeconds?: number;
  /**
   * Average CPU utilization the autoscaler holds, in percent (greater than 0, less than 100): the
   * same prop, default and rule as the AWS fleets'.
   * @default 50
   */
  readonly targetCpuPercent?: number;
  /**
   * Average CPU utilization the autoscaler holds (0 to 1).
   * @deprecated use `targetCpuPercent` (percent, as on AWS); this one is read as `targetCpuPercent / 100`
   * @default - `targetCpuPercent`
   */
  readonly targetCpuUtilization?: number;
  /**
   * Scheduled minimums that pre-warm the fleet before known peaks.
   * @default - none
   */
  readonly prewarmSchedules?: PrewarmSchedule[];
  /**
   * Instances a rolling update may add above the target size. A regional group surges by whole zones,
   * so it is at least the zone count; max unavailable is always 0.
   * @default - the zone count
   */
  readonly maxSurge?: number;
  /**
   * Availability domains of a spread placement policy for anti-affinity inside each zone. Only the
   * machine series in {@link SPREAD_PLACEMENT_SERIES} accept it, and a policy holds at most 8 VMs;
   * across zones the group's EVEN distribution already keeps instances apart.
   * @default - no placement policy
   */
  readonly spreadAvailabilityDomains?: number;
  /**
   * Email of the service account instances run as.
   * @default - a new service account that may only write logs and metrics, until the data
   * constructs grant it their own data
   */
  readonly serviceAccountEmail?: string;
  /**
   * Id of the KMS key that encrypts boot disks; Compute Engine's service agent must be allowed to use it.
   * @default - a new key in the fleet's region
   */
  readonly bootDiskKmsKeyId?: string;
  /**
   * Startup script.
   * @default - none
   */
  readonly startupScript?: string;
}

/**
 * A regional managed instance group that survives the loss of a zone.
 *
 * Instances from a Shielded VM template with no external IP, a CMEK boot disk and OS Login; spread
 * EVEN over the zones; autohealed by a health check of their own (more tolerant than the load
 * balancer's: replacing an instance costs more than draining it); rolled out proactively with no
 * unavailable instance; autoscaled between a statically stable minimum and a maximum, with
 * scheduled pre-warming. Health-check and load-balancer ranges are admitted by a firewall rule on
 * the fleet's network tag.
 *
 * What runs: a `container` on Container-Optimized OS (cloud-init starts it; an image in Artifact
 * Registry is pulled through Private Google Access, no external IP or NAT needed), a startup
 * script, or an image of your own. The autohealing check requests the shallow `healthCheckPath`
 * (LIVENESS_PATH by default); the load balancer's check, the deep one, is the frontend's.
 *
 * When a zone is lost, a regional group adds no instance in the other zones by itself (only its
 * autoscaler does, as load grows, in a time Google does not publish; an EVEN group spreads its new
 * size over the lost zone too): the survivors carry the load. The report checks that the minimum
 * left after losing the largest zone covers `requiredInstances`.
 * @see https://cloud.google.com/compute/docs/instance-groups/regional-migs
 *
 * Construct ids (public API): `Template`, `Resource` (the group), `Autoscaler`, `AutohealingCheck`,
 * `HealthCheckFirewall`, `ServiceAccount`, `LogWriter`, `MetricWriter`, `BootDiskKey`, `BootDiskKeyRing`,
 * `BootDiskKeyComputeEngineEncrypter`, `SpreadPlacement`, `ImagePull`.
 * The fleet holds no state of its own: boot disks are recreated from the template.
 *
 * A STANDBY fleet is a lit pilot light: its template, boot-disk key, group and autoscaler exist
 * before the disaster, at `standbyCapacity` (none for PILOT_LIGHT). Attached to the
 * `GlobalFrontend`, it receives traffic as soon as it has healthy instances; scaling it up to
 * `failoverMinInstances` (a resize, or a raised autoscaler minimum: at zero a CPU-driven autoscaler
 * has no load to read) is the failover's step, with no code change: `FailoverWorkflows` raises the
 * minimum and lowers it on failback. Terraform ignores a STANDBY autoscaler's minimum after
 * creation, so an apply during a failover leaves the serving standby at its size (a changed
 * `standbyCapacity` is then set by the failback workflow, or by hand).
 */
export class RegionalFleet extends Construct implements IFleetBackend {
  public readonly group: ComputeRegionInstanceGroupManager;
  /** The regional autoscaler: its minimum is what a failover raises on a STANDBY fleet. */
  public readonly autoscaler: ComputeRegionAutoscaler;
  public readonly instanceGroup: string;
  public readonly region: string;
  public readonly zones: readonly string[];
  public readonly portName = 'http';
  public readonly port: number;
  public readonly role: HaRole;
  /** Network tag of the instances (firewall rules target it). */
  public readonly networkTag: string;
  /** Id of the fleet's network (a drill's firewall rule goes on it). */
  public readonly networkId: string;
  /** The autoscaler's minimum and maximum. */
  public readonly minInstances: number;
  public readonly maxInstances: number;
  /** The minimum a serving fleet of the same props keeps: what a STANDBY fleet scales to on failover. */
  public readonly failoverMinInstances: number;
  /**
   * The service account the instances run as: hand it to the data constructs' grants
   * (`HaCloudSql.grantConnect`, `EncryptedSecret.grantRead`, `ReplicatedBucket.grantRead`).
   */
  public readonly serviceAccountEmail: string;
  /** The same account as an IAM member (`serviceAccount:<email>`). */
  public readonly serviceAccountMember: string;

  constructor(scope: Construct, id: string, props: RegionalFleetProps) {
    super(scope, id);
    const { tier } = props;
    this.region = props.region;
    this.zones = [...props.zones];
    this.role = props.role ?? HaRole.PRIMARY;
    const zoneCount = props.zones.length;

    const concreteZones = props.zones.filter((z) => !Token.isUnresolved(z));
    // Core's check words the region as the stack's; a Google stack spans regions, so the fleet's region is checked here.
    const problem = zonePlacementProblem({
      prop: 'zones',
      zones: concreteZones,
      minZones: tier.minAzs,
      tierName: tier.name,
    });
    if (problem) {
      throw new HaValidationError(problem);
    }
    const foreign = Token.isUnresolved(props.region)
      ? []
      : concreteZones.filter((z) => regionOfZone(z) !== props.region);
    if (foreign.length > 0) {
      throw new HaValidationError(
        `zones must all be in the fleet's region ${props.region}, got: ${foreign.join(', ')}`,
      );
    }
    if (props.allowedRegions && !Token.isUnresolved(props.region) && !props.allowedRegions.includes(props.region)) {
      throw new HaValidationError(
        `region must be one of allowedRegions (${props.allowedRegions.join(', ')}), got: ${props.region}`,
      );
    }
    const subnetworkId = props.network.subnetworkId(props.region);

    this.port = props.port ?? 8080;
    requireInteger('port', this.port, 1, 65535);
    const required = props.requiredInstances ?? zoneCount;
    requireInteger('requiredInstances', required, 1);
    if (tier.staticallyStable && zoneCount < 2) {
      throw new HaValidationError(
        `zones must list at least 2 zones for ${tier.name}: static stability needs a surviving zone, got: ${zoneCount}`,
      );
    }
    // A standby must be able to grow to the serving size when traffic fails over to it.
    const servingMinimum = primaryFleetCapacity(required, required, zoneCount, tier.staticallyStable).min;
    if (props.targetCpuPercent !== undefined && props.targetCpuUtilization !== undefined) {
      throw validationError(
        `targetCpuPercent and targetCpuUtilization are the same setting: give targetCpuPercent, got: both`,
        this,
        'targetCpuPercent',
      );
    }
    const plan = planFleet(tier, {
      zoneCount,
      role: this.role,
      requiredCapacity: required,
      maxCapacity: props.maxInstances ?? 2 * servingMinimum,
      standbyCapacity: props.standbyCapacity,
      targetCpuPercent:
        props.targetCpuPercent ??
        (props.targetCpuUtilization === undefined ? undefined : props.targetCpuUtilization * 100),
    });
    if (props.targetCpuUtilization !== undefined && plan.problems.some((p) => p.prop === 'targetCpuPercent')) {
      throw validationError(
        `targetCpuUtilization must be greater than 0 and less than 1, got: ${props.targetCpuUtilization}`,
        this,
        'targetCpuUtilization',
      );
    }
    throwProblems(
      plan.problems.map((p) =>
        p.prop === 'maxCapacity' || p.prop === 'requiredCapacity'
          ? {
              prop: p.prop === 'maxCapacity' ? 'maxInstances' : 'requiredInstances',
              message: p.message
                .replace(/\bmaxCapacity\b/g, 'maxInstances')
                .replace(/\brequiredCapacity\b/g, 'requiredInstances'),
            }
          : p,
      ),
      this,
    );
    // A standby runs what core's standbyFleetCapacity says for its strategy: a warm standby one per zone, a pilot light none.
    this.minInstances = plan.capacity.min;
    this.maxInstances = plan.capacity.max;
    this.failoverMinInstances = plan.primaryCapacity.min;
    const surge = props.maxSurge ?? zoneCount;
    if (!Number.isInteger(surge) || surge < zoneCount) {
      throw new HaValidationError(
        `maxSurge must be an integer of at least the zone count (${zoneCount}): a regional group surges by whole zones, got: ${surge}`,
      );
    }
    const healthCheckPath = props.healthCheckPath ?? LIVENESS_PATH;
    const pathProblem = Token.isUnresolved(healthCheckPath)
      ? undefined
      : healthCheckPathProblem('healthCheckPath', healthCheckPath);
    if (pathProblem) {
      throw new HaValidationError(pathProblem);
    }
    const cpu = plan.targetCpuPercent / 100;
    const initialDelay = props.initialDelaySeconds ?? 300;
    requireInteger('initialDelaySeconds', initialDelay, 0, 3600);
    // Scaling schedules are a second floor beside min_replicas: the planner decides what they may hold.
    const scaling = planScaling({
      zoneCount,
      floorCapacity: this.minInstances,
      maxCapacity: this.maxInstances,
      serving: this.role !== HaRole.STANDBY,
      queue: false,
      warmupSeconds: initialDelay,
      prewarm: (props.prewarmSchedules ?? []).map((s) => ({
        name: s.name,
        schedule: s.schedule,
        minCapacity: s.minInstances,
        durationSeconds: s.durationSeconds,
        hasEnd: false,
        timeZone: s.timeZone ?? 'UTC',
      })),
      prewarmIsSecondFloor: true,
      prewarmNames: { prop: 'prewarmSchedules', minCapacity: 'minInstances' },
    });
    throwProblems(scaling.problems, this);
    const machineType = props.machineType ?? 'n2-standard-2';

    const record = haRecord(this, props, {
      component: 'RegionalFleet',
      failureDomain: FailureDomain.REGION,
      // Only what the owner stated: the default (one per zone) says nothing about the peak.
      requiredCapacity: props.requiredInstances,
    });
    const labels = haLabels(props, record);
    this.networkTag = uniqueName(this, 'Instances');
    this.networkId = props.network.networkId;

    let serviceAccountEmail = props.serviceAccountEmail;
    if (!serviceAccountEmail) {
      const account = new ServiceAccount(this, 'ServiceAccount', {
        accountId: uniqueName(this, 'Sa', 30),
        displayName: `Instances of ${this.node.path}`,
      });
      serviceAccountEmail = account.email;
      // Only logs and metrics here: each data construct grants access to its own data, and nothing more.
      for (const [name, role] of [
        ['LogWriter', 'roles/logging.logWriter'],
        ['MetricWriter', 'roles/monitoring.metricWriter'],
      ]) {
        new ProjectIamMember(this, name, { project: projectOf(this).projectId, role, member: account.member });
      }
    }

    this.serviceAccountEmail = serviceAccountEmail;
    this.serviceAccountMember = `serviceAccount:${serviceAccountEmail}`;
    const rendered = props.container
      ? renderFleetContainer(this, props.container, {
          region: props.region,
          sourceImage: props.sourceImage,
          serviceAccountMember: this.serviceAccountMember,
        })
      : undefined;
    const container = rendered?.plan;
    if (container) {
      throwProblems(container.problems, this);
      emitWarnings(this, 'RegionalFleet', container.warnings);
    } else if (!props.startupScript && !props.sourceImage) {
      warn(
        this,
        'RegionalFleet.container',
        `the instances boot debian-cloud/debian-12 and run nothing: no process answers ${healthCheckPath} on port ` +
          `${this.port}, so autohealing replaces every instance ${initialDelay} s after it boots and the load ` +
          'balancer never sends to one; give container (or startupScript, or a sourceImage that starts the service)',
      );
    }
    const services = ProjectServices.of(this, props.projectServices);
    let bootDiskKeyId = props.bootDiskKmsKeyId;
    const keyGrants = [];
    if (!bootDiskKeyId) {
      const { key, grants } = newCryptoKey(this, 'BootDiskKey', {
        location: props.region,
        labels,
        encrypters: { ComputeEngine: services.serviceAgent(GOOGLE_SERVICE_AGENTS.COMPUTE) },
      });
      bootDiskKeyId = key.id;
      keyGrants.push(...grants);
    }

    let resourcePolicies: string[] | undefined;
    if (props.spreadAvailabilityDomains !== undefined) {
      requireInteger('spreadAvailabilityDomains', props.spreadAvailabilityDomains, 2);
      const series = machineType.split('-')[0];
      if (!SPREAD_PLACEMENT_SERIES.includes(series)) {
        warn(
          this,
          'RegionalFleet.spreadAvailabilityDomains',
          `machine series ${series} is not among those known to accept spread placement (${SPREAD_PLACEMENT_SERIES.join(', ')}): Compute Engine may reject the template`,
        );
      }
      if (Math.ceil(this.maxInstances / zoneCount) > SPREAD_PLACEMENT_MAX_VMS) {
        warn(
          this,
          'RegionalFleet.spreadAvailabilityDomains',
          `up to ${Math.ceil(this.maxInstances / zoneCount)} instances per zone exceed the ${SPREAD_PLACEMENT_MAX_VMS} VMs a spread placement policy holds`,
        );
      }
      const policy = new ComputeResourcePolicy(this, 'SpreadPlacement', {
        name: uniqueName(this, 'SpreadPlacement'),
        region: props.region,
        groupPlacementPolicy: { availabilityDomainCount: props.spreadAvailabilityDomains },
      });
      resourcePolicies = [policy.id];
    }

    const template = new ComputeInstanceTemplate(this, 'Template', {
      namePrefix: `${uniqueName(this, 'Template', 36)}-`,
      region: props.region,
      machineType,
      labels,
      tags: [this.networkTag],
      disk: [
        {
          boot: true,
          autoDelete: true,
          sourceImage: container?.bootImage ?? props.sourceImage ?? 'debian-cloud/debian-12',
          diskType: 'pd-balanced',
          diskEncryptionKey: { kmsKeySelfLink: bootDiskKeyId },
          labels,
        },
      ],
      // No access_config: instances get no external IP; egress goes through the region's Cloud NAT.
      networkInterface: [{ subnetwork: subnetworkId }],
      shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
      serviceAccount: { email: serviceAccountEmail, scopes: ['cloud-platform'] },
      metadata: {
        'enable-oslogin': 'TRUE',
        'block-project-ssh-keys': 'TRUE',
        ...container?.metadata,
        ...(props.startupScript ? { 'startup-script': props.startupScript } : {}),
      },
      scheduling: { automaticRestart: true, onHostMaintenance: 'MIGRATE' },
      resourcePolicies,
      dependsOn: keyGrants,
      // Templates are immutable: a change creates the new one before the group lets go of the old one.
      lifecycle: { createBeforeDestroy: true },
    });

    const autohealing = new ComputeHealthCheck(this, 'AutohealingCheck', {
      name: uniqueName(this, 'AutohealingCheck'),
      checkIntervalSec: tier.healthCheckIntervalSeconds,
      timeoutSec: 5,
      healthyThreshold: 2,
      // Twice the load balancer's threshold: an instance the balancer drains may still recover; replacing it is the last resort.
      unhealthyThreshold: 2 * tier.healthCheckFailureThreshold,
      httpHealthCheck: { port: this.port, requestPath: healthCheckPath },
      logConfig: { enable: true },
    });

    new ComputeFirewall(this, 'HealthCheckFirewall', {
      name: uniqueName(this, 'HealthCheckFirewall'),
      network: props.network.networkId,
      direction: 'INGRESS',
      sourceRanges: [...GOOGLE_HEALTH_CHECK_RANGES],
      targetTags: [this.networkTag],
      allow: [{ protocol: 'tcp', ports: [String(this.port)] }],
      logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
    });

    this.group = new ComputeRegionInstanceGroupManager(this, 'Resource', {
      name: uniqueName(this, 'Resource'),
      baseInstanceName: uniqueName(this, 'Vm', 50),
      region: props.region,
      distributionPolicyZones: [...props.zones],
      distributionPolicyTargetShape: 'EVEN',
      version: [{ instanceTemplate: template.selfLinkUnique, name: 'primary' }],
      namedPort: [{ name: this.portName, port: this.port }],
      autoHealingPolicies: { healthCheck: autohealing.id, initialDelaySec: initialDelay },
      updatePolicy: {
        type: 'PROACTIVE',
        minimalAction: 'REPLACE',
        maxUnavailableFixed: 0,
        maxSurgeFixed: surge,
        replacementMethod: 'SUBSTITUTE',
        instanceRedistributionType: 'PROACTIVE',
      },
      instanceLifecyclePolicy: { forceUpdateOnRepair: 'YES', defaultActionOnFailure: 'REPAIR' },
      waitForInstances: false,
      // Instances pull the image as they boot: the group waits for the account's read grant.
      dependsOn: rendered?.pullGrant ? [rendered.pullGrant] : undefined,
    });
    this.instanceGroup = this.group.instanceGroup;

    this.autoscaler = new ComputeRegionAutoscaler(this, 'Autoscaler', {
      name: uniqueName(this, 'Autoscaler'),
      region: props.region,
      target: this.group.id,
      autoscalingPolicy: {
        minReplicas: this.minInstances,
        maxReplicas: this.maxInstances,
        cooldownPeriod: initialDelay,
        mode: 'ON',
        cpuUtilization: { target: cpu },
        // A brief dip may take at most one instance per zone every 10 minutes.
        scaleInControl: { maxScaledInReplicas: { fixed: zoneCount }, timeWindowSec: 600 },
        // The plan keeps the name and duration each window was given.
        scalingSchedules: scaling.prewarm.map((w) => ({
          name: w.name!,
          schedule: w.schedule,
          durationSec: w.durationSeconds!,
          minRequiredReplicas: w.minCapacity,
          timeZone: w.timeZone,
        })),
      },
      // The failover runbook raises a standby's minimum and the failback lowers it: an apply during a failover
      // must not take the region now serving back to its standby size.
      lifecycle: this.role === HaRole.STANDBY ? { ignoreChanges: ['autoscaling_policy[0].min_replicas'] } : undefined,
    });

    services.use(this);
    attachRecord(this, record);
  }
}
