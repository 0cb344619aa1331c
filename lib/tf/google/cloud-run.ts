import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { ComputeRegionNetworkEndpointGroup } from '@cdktf/provider-google/lib/compute-region-network-endpoint-group';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaRole } from '../../core';
import { planCloudRun } from '../../core/plans/cloud-run';
import { emitWarnings, throwProblems, validationError } from '../diagnostics';
import { GOOGLE_SERVICE_AGENTS } from './apis';
import { IServerlessBackend } from './frontend';
import { GoogleHaProps } from './ha-props';
import { IRegionalNetwork } from './network';
import { ProjectServices } from './project-services';
import { newCryptoKey } from './private/keys';
import { attachRecord, haLabels, haRecord, markResources } from './private/metadata';
import { uniqueName } from './private/names';
import { requireServiceRegions } from './private/regions';

/** A Secret Manager secret version an environment variable is read from. */
export interface SecretReference {
  /** The secret's id (`projects/<p>/secrets/<name>`) or name. */
  readonly secret: string;
  /**
   * The version: a number, or `latest` (read at each instance's start).
   * @default 'latest'
   */
  readonly version?: string;
}

/** Props of {@link HaCloudRunService}. */
export interface HaCloudRunServiceProps extends GoogleHaProps {
  /** Regions that serve: a service in each, attached to the `GlobalFrontend` through its own serverless NEG. */
  readonly regions: string[];
  /**
   * Regions that keep a warm service at `standbyInstances` until traffic fails over to them
   * (WARM_STANDBY, PILOT_LIGHT). An ACTIVE_ACTIVE tier serves from every region.
   * @default - none
   */
  readonly standbyRegions?: string[];
  /**
   * The image: `<repository>@sha256:<digest>` (required for TIER_0 and TIER_1), or `<repository>:<tag>`.
   * Keep it where every region can pull it while another region is down: a multi-region Artifact
   * Registry location (`us-docker.pkg.dev`), not a repository in one of the service's regions.
   */
  readonly image: string;
  /**
   * Port the container listens on.
   * @default 8080
   */
  readonly containerPort?: number;
  /**
   * Instances that carry the service's peak load. A serving region keeps enough to leave this many
   * after losing a zone (TIER_0, TIER_1), and every serving region of an ACTIVE_ACTIVE tier keeps
   * them all, so that it carries the peak alone when another region fails.
   */
  readonly requiredInstances: number;
  /**
   * The most instances a region's autoscaler adds (a cost guard, and the limit of a runaway).
   * @default - twice the serving minimum
   */
  readonly maxInstances?: number;
  /**
   * Instances a standby region keeps before a failover: at least 1, which Cloud Run service health needs.
   * @default 1
   */
  readonly standbyInstances?: number;
  /**
   * Concurrent requests an instance takes.
   * @default 80
   */
  readonly concurrency?: number;
  /**
   * CPU of an instance (Cloud Run's `limits.cpu`).
   * @default '1'
   */
  readonly cpu?: string;
  /**
   * Memory of an instance, MiB.
   * @default 512
   */
  readonly memoryMiB?: number;
  /**
   * Path of the startup and liveness probes: shallow (the process answers). Cloud Run restarts an
   * instance that fails liveness.
   * @default '/health/live'
   */
  readonly livenessPath?: string;
  /**
   * Seconds an instance may take to start (5 to 240).
   * @default 60
   */
  readonly startupSeconds?: number;
  /**
   * The revision that keeps the rest of the traffic while the latest takes `canaryPercent` (tagged `canary`).
   * @default - no canary: the latest revision takes all traffic
   */
  readonly stableRevision?: string;
  /**
   * Percent of requests the latest revision takes during a canary (1 to 99), with `stableRevision`.
   * @default - no canary
   */
  readonly canaryPercent?: number;
  /**
   * Environment variables of the container.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Environment variables read from Secret Manager at instance start, by variable name: the secret's
   * id (`EncryptedSecret.secretName`) and version. Grant the service account each secret
   * (`EncryptedSecret.grantRead(name, serviceAccountMember)`): an instance that cannot read one does not start.
   * @default - none
   */
  readonly secretEnvironment?: Record<string, SecretReference>;
  /**
   * A network to send private traffic through (Direct VPC egress to private ranges: Cloud SQL's
   * private IP, Memorystore); it must have a subnetwork in every region.
   * @default - no VPC egress
   */
  readonly network?: IRegionalNetwork;
  /**
   * Email of the service account the instances run as.
   * @default - a new service account with no role: the data constructs grant it their own data
   */
  readonly serviceAccountEmail?: string;
  /**
   * Ids of the KMS keys that encrypt each region's revisions (its image copy and environment), by region;
   * Cloud Run's service agent must be allowed to use them.
   * @default - a new key in each region
   */
  readonly kmsKeyIds?: Record<string, string>;
  /**
   * Whether Terraform refuses to delete the services (`deletion_protection`).
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * A Cloud Run service in several regions, behind the `GlobalFrontend`.
 *
 * Each region runs a service with minimum instances (static stability for TIER_0/1, at least one in
 * a standby region), a startup and a liveness probe, its revisions encrypted with a key of its
 * region, one service account for all regions (grant it data: `HaCloudSql.grantConnect`,
 * `EncryptedSecret.grantRead`, `HaSpanner.grantDatabaseUser`), and ingress only from internal and
 * Cloud Load Balancing traffic, invoked without IAM (the load balancer holds no identity; the
 * ingress setting and Cloud Armor on the frontend keep others out). Its serverless NEG in each
 * region is what `GlobalFrontend.serverlessBackends` takes.
 *
 * Failover between regions: load balancer health checks do not apply to serverless NEGs. Google's
 * mechanism is Cloud Run service health: a region's service is healthy while at least 60% of its
 * instances pass their readiness probes, and the load balancer moves traffic away from an unhealthy
 * one; it needs a minimum instance per region (kept here) and readiness probes, a Preview feature
 * the google provider this library pins (6.50) cannot set. Until it can, the frontend's outlier
 * detection, which applies to serverless NEGs, ejects a region whose service keeps answering 5xx.
 * Google publishes no time for either: the report keeps the region RTO unproven until a region
 * evacuation drill measures it.
 *
 * Cloud Run's SLA (99.95% per region) is TIER_1's whole availability target: one serving region
 * behind any load balancer composes below it, so TIER_0 and TIER_1 serve from two regions
 * (`regions`), each behind its own regional load balancer (`RegionalEntry`) for TIER_0.
 *
 * Construct ids (public API): `ServiceAccount`, `Service-<region>`, `Neg-<region>`, `Key-<region>`
 * (with `Key-<region>Ring` and `Key-<region>CloudRunEncrypter`).
 */
export class HaCloudRunService extends Construct {
  /** The services by region. */
  public readonly services: Readonly<Record<string, CloudRunV2Service>>;
  /** The serverless NEGs, one per region: `GlobalFrontend.serverlessBackends`. */
  public readonly backends: readonly IServerlessBackend[];
  /** The service account the instances run as: hand it to the data constructs' grants. */
  public readonly serviceAccountEmail: string;
  /** The same account as an IAM member (`serviceAccount:<email>`). */
  public readonly serviceAccountMember: string;
  /** The minimum a serving region keeps: what a standby region is raised to on failover. */
  public readonly failoverMinInstances: number;

  constructor(scope: Construct, id: string, props: HaCloudRunServiceProps) {
    super(scope, id);
    const { tier } = props;
    const standbyRegions = props.standbyRegions ?? [];
    const allRegions = [...props.regions, ...standbyRegions];
    requireServiceRegions({ regions: allRegions, tier, allowedRegions: props.allowedRegions });
    const plan = planCloudRun(tier, {
      image: props.image,
      imageIsToken: Token.isUnresolved(props.image),
      regions: [
        ...props.regions.map((region) => ({ region, role: HaRole.PRIMARY })),
        ...standbyRegions.map((region) => ({ region, role: HaRole.STANDBY })),
      ],
      requiredInstances: props.requiredInstances,
      maxInstances: props.maxInstances,
      standbyInstances: props.standbyInstances,
      concurrency: props.concurrency,
      containerPort: props.containerPort,
      memoryMiB: props.memoryMiB,
      livenessPath: props.livenessPath,
      startupSeconds: props.startupSeconds,
      stableRevision: props.stableRevision,
      canaryPercent: props.canaryPercent,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'HaCloudRunService', plan.warnings);
    this.failoverMinInstances = plan.failoverMinInstances;
    const port = plan.containerPort;
    const clash = Object.keys(props.secretEnvironment ?? {}).filter((name) => name in (props.environment ?? {}));
    if (clash.length > 0) {
      throw validationError(
        `secretEnvironment must not name a variable environment sets too, got: ${clash.join(', ')}`,
        this,
        'secretEnvironment',
      );
    }
    const unknownKeys = Object.keys(props.kmsKeyIds ?? {}).filter((r) => !allRegions.includes(r));
    if (unknownKeys.length > 0) {
      throw validationError(
        `kmsKeyIds must only name regions of the service (${allRegions.join(', ')}), got: ${unknownKeys.join(', ')}`,
        this,
        'kmsKeyIds',
      );
    }

    const services = ProjectServices.of(this, props.projectServices);
    const primaryRecord = haRecord(this, props, {
      component: 'HaCloudRunService',
      failureDomain: FailureDomain.REGION,
    });

    let serviceAccountEmail = props.serviceAccountEmail;
    if (!serviceAccountEmail) {
      const account = new ServiceAccount(this, 'ServiceAccount', {
        accountId: uniqueName(this, 'Sa', 30),
        displayName: `Cloud Run service ${this.node.path}`,
      });
      serviceAccountEmail = account.email;
    }
    this.serviceAccountEmail = serviceAccountEmail;
    this.serviceAccountMember = `serviceAccount:${serviceAccountEmail}`;

    const byRegion: Record<string, CloudRunV2Service> = {};
    const backends: IServerlessBackend[] = [];
    for (const regional of plan.regions) {
      const { region, role } = regional;
      const record = haRecord(this, props, {
        component: 'HaCloudRunService',
        failureDomain: FailureDomain.REGION,
        role,
        // The whole service's peak: the report checks that each serving region keeps it.
        requiredCapacity: props.requiredInstances,
      });
      const labels = haLabels(props, record);
      let keyId = props.kmsKeyIds?.[region];
      const grants = [];
      if (!keyId) {
        const key = newCryptoKey(this, `Key-${region}`, {
          location: region,
          labels,
          encrypters: { CloudRun: services.serviceAgent(GOOGLE_SERVICE_AGENTS.CLOUD_RUN) },
        });
        keyId = key.key.id;
        grants.push(...key.grants);
        markResources([key.ring, key.key, ...key.grants], record);
      }
      const service = new CloudRunV2Service(this, `Service-${region}`, {
        name: uniqueName(this, `Service-${region}`, 49),
        location: region,
        labels,
        // Only traffic from the load balancer (and the VPC): the frontend's Cloud Armor policy applies to all of it.
        ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
        invokerIamDisabled: true,
        deletionProtection: props.deletionProtection ?? true,
        template: {
          serviceAccount: serviceAccountEmail,
          encryptionKey: keyId,
          executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
          maxInstanceRequestConcurrency: plan.concurrency,
          // Per revision: during a canary the stable and the latest revision each keep the minimum.
          scaling: { minInstanceCount: regional.min, maxInstanceCount: regional.max },
          labels,
          vpcAccess: props.network
            ? {
                egress: 'PRIVATE_RANGES_ONLY',
                networkInterfaces: [
                  { network: props.network.networkId, subnetwork: props.network.subnetworkId(region) },
                ],
              }
            : undefined,
          containers: [
            {
              image: props.image,
              ports: { containerPort: port, name: 'http1' },
              resources: {
                limits: { cpu: props.cpu ?? '1', memory: `${plan.memoryMiB}Mi` },
                cpuIdle: true,
                startupCpuBoost: true,
              },
              env: [
                ...Object.entries(props.environment ?? {}).map(([name, value]) => ({ name, value })),
                ...Object.entries(props.secretEnvironment ?? {}).map(([name, ref]) => ({
                  name,
                  valueSource: { secretKeyRef: { secret: ref.secret, version: ref.version ?? 'latest' } },
                })),
              ],
              startupProbe: {
                httpGet: { path: plan.startupProbe.path, port },
                periodSeconds: plan.startupProbe.periodSeconds,
                timeoutSeconds: plan.startupProbe.timeoutSeconds,
                failureThreshold: plan.startupProbe.failureThreshold,
              },
              livenessProbe: {
                httpGet: { path: plan.livenessProbe.path, port },
                periodSeconds: plan.livenessProbe.periodSeconds,
                timeoutSeconds: plan.livenessProbe.timeoutSeconds,
                failureThreshold: plan.livenessProbe.failureThreshold,
              },
            },
          ],
        },
        traffic: plan.traffic.map((t) => ({ type: t.type, revision: t.revision, percent: t.percent, tag: t.tag })),
        dependsOn: grants.length > 0 ? grants : undefined,
      });
      const neg = new ComputeRegionNetworkEndpointGroup(this, `Neg-${region}`, {
        name: uniqueName(this, `Neg-${region}`),
        region,
        networkEndpointType: 'SERVERLESS',
        cloudRun: { service: service.name },
      });
      markResources([service, neg], record);
      byRegion[region] = service;
      backends.push({ networkEndpointGroup: neg.id, region, role });
    }
    this.services = byRegion;
    this.backends = backends;

    services.use(this);
    attachRecord(this, primaryRecord);
  }
}
