import { regionScopedCredentialSteps } from './client-credentials';
import { DrStrategy, dnsFailoverSeconds, ROUTE53_ALIAS_ELB_TTL_SECONDS } from '../../core';
import { dnsRecords, googleHealthCheckSeconds, healthCheckSettings } from '../dns';
import { backendRegions, serverlessBackendRegions } from '../graph/google-backends';
import { ResourceGraph } from '../graph/graph';
import { GraphResource } from '../graph/model';
import { isServingFunction, provisionedConcurrency } from '../graph/functions';
import { isPrimaryStore } from '../graph/stores';
import { tierOfRecord } from '../graph/tier';
import { num, str } from '../graph/values';
import type { DerivationStep } from '../model';
import { ServiceStack } from '../services';
import { DrillRecords, measurementOf } from './drill-measurements';
import { backendRejoinSeconds, singleRegionBackendsReason } from './google-fleets';
import { isGoogleRegionDrill } from './google-runbooks';
import { failoverPath } from './failover-path';
import { isCloudRunService, minimumCoveringPeak, regionCapacitySteps, servingBounds } from './region-capacity';
import { DRAIN_DRILL, figure, Figure, regionDrillOf, regionsOf, serviceAnchor } from './figure';
import { isScalingFleet } from './scaling-fleets';

/**
 * The region RTO of a service across its stacks: detection (a DNS health check, or a global load
 * balancer's), then the longer of the TTL clients keep the old answer and the failover path that
 * makes the standby region serve (decision, then promotion and scale-up in parallel:
 * {@link failoverPath}).
 */
export function regionRtoFigure(
  graph: ResourceGraph,
  stacks: readonly ServiceStack[],
  today: Date = new Date(),
): Figure {
  const tier = tierOfRecord(stacks[0].record);
  const resources = stacks.flatMap((s) => s.resources);
  const regions = regionsOf(stacks);
  const rto = figure();
  const anchor = serviceAnchor(stacks);
  const stores = resources.filter((r) => isPrimaryStore(graph, r));
  const drills: DrillRecords = { graph, stacks, tier, today };
  // RegionSwitchoverDrill rehearses the runbooks: a service without any needs another drill.
  const regionDrill = regionDrillOf(
    resources,
    resources.some((r) => r.failoverStep) ? undefined : 'no runbook',
    undefined,
    resources.filter((r) => isGoogleRegionDrill(graph, r)),
  );

  if (tier.strategy === DrStrategy.BACKUP_RESTORE) {
    return restoreRto(rto, drills, anchor);
  }
  if (regions.length < 2) {
    rto.unbounded = true;
    rto.steps.push({
      quantity: 'regionRto',
      ...anchor,
      basis: `the analysed templates place the service in one region (${regions.join(', ') || 'unknown'}): nothing takes over when it fails`,
      figures: [],
    });
    return rto;
  }
  const dns = dnsShift(graph, stacks) ?? globalLoadBalancerShift(graph, stacks);
  if (!dns) {
    rto.unproven = true;
    // In the words of the service's cloud: Google moves traffic with a global load balancer or DNS routing policies.
    const google = resources.some((r) => r.cloud === 'google');
    const mover = google
      ? 'no global load balancer over its regions and no health-checked Cloud DNS routing policy'
      : 'no health-checked Route 53 routing';
    // A global load balancer needs no DNS routing: what it lacks is a backend in the other region.
    const backends = google ? singleRegionBackendsReason(graph, stacks, regions) : undefined;
    rto.steps.push({
      quantity: 'regionRto',
      ...anchor,
      basis: backends ?? `${mover} found for the service: traffic does not move by itself`,
      figures: [],
    });
    return rto;
  }
  rto.steps.push(...dns.steps);
  // A step without a value: some clients' credentials one region alone accepts. One of 0 s says what shows every
  // region accepting them: it adds nothing to the timeline, so the total's basis carries it.
  const credentialSteps = regionScopedCredentialSteps(resources);
  const credentials = credentialSteps.filter((step) => step.value === undefined);
  rto.steps.push(...credentials);
  const accepted = credentialSteps.find((step) => step.value !== undefined);
  // Active/active: the regions left take the failed one's share, on the fleets they run.
  // The regions that serve are the primary fleets' (a witness region holding only a key serves nothing).
  const fleetRegions = new Set(
    resources
      .filter(
        (r) => r.ha?.role === 'primary' && (isScalingFleet(r) || isCloudRunService(r) || isServingFunction(graph, r)),
      )
      .map((r) => r.region),
  );
  const servingRegionCount = fleetRegions.size > 1 && !fleetRegions.has(undefined) ? fleetRegions.size : regions.length;
  const absorb = tier.strategy === DrStrategy.ACTIVE_ACTIVE ? absorbSteps(graph, resources, servingRegionCount) : [];
  rto.steps.push(
    ...(tier.strategy === DrStrategy.ACTIVE_ACTIVE ? regionCapacitySteps(graph, resources) : []),
    ...absorb,
  );
  const path = failoverPath(graph, stacks, stores, tier.strategy, drills);
  rto.steps.push(...path.steps);
  const known = (steps: readonly DerivationStep[]) => steps.reduce((sum, step) => sum + (step.value ?? 0), 0);
  // A standby that starts with no instance fails its own health check until it serves, and so does
  // one whose database is not yet the writer (the deep check must: core's READINESS_PATH). While
  // both regions are unhealthy Route 53 answers with the primary, so clients move only once the
  // standby's check has passed `threshold` times, and then drop the answer they cached (TTL).
  const unhealthyUntilServing = path.fromZero || path.promotesWriter;
  const rejoin = unhealthyUntilServing && dns.standbyRecovery !== undefined ? dns.standbyRecovery + dns.ttl : 0;
  if (rejoin > 0) {
    const why = path.fromZero
      ? 'the standby starts with no instance'
      : "the standby's deep health check fails until its database is the writer";
    rto.steps.push({
      quantity: 'regionRto',
      ...anchor,
      value: rejoin,
      figures: [],
      basis: dns.balancer
        ? `${why}: each new one must pass the load balancer's health check for ` +
          `${dns.standbyRecovery} s (interval × healthy threshold) before it receives traffic`
        : `${why}${path.fromZero ? ', so its health check fails until it serves' : ''}: it must then pass ` +
          `${dns.standbyRecovery} s of checks before Route 53 answers with it, and clients drop the cached answer (TTL ${dns.ttl} s)`,
    });
  }
  const serving =
    path.decision === undefined
      ? 0
      : (path.decision.value ?? 0) +
        // A standby answered once its writer serves still carries the load only once scaled up.
        (path.fromZero
          ? Math.max(known(path.promotion), known(path.scaleUp)) + rejoin
          : Math.max(known(path.promotion) + rejoin, known(path.scaleUp)));
  rto.value = dns.detection + Math.max(dns.ttl, serving);
  rto.unproven =
    dns.unproven ||
    path.stated ||
    absorb.length > 0 ||
    credentials.length > 0 ||
    path.steps.some((step) => step.value === undefined);
  rto.unbounded = path.unstarted;
  rto.steps.push({
    quantity: 'regionRto',
    ...anchor,
    value: rto.value,
    basis:
      (path.decision === undefined
        ? `detection ${dns.detectionUnknown ? '?' : `${dns.detection} s`} + TTL ${dns.ttl} s (nothing to promote: the other regions already serve)` +
          `${absorb.length > 0 ? `: unproven until ${regionDrillOf(resources, 'absorb', DRAIN_DRILL)} shows the regions left carry the load` : ''}` +
          `${credentials.length > 0 ? ': unproven for clients whose credentials the templates do not show every region accepting on the day' : ''}`
        : `detection ${dns.detectionUnknown ? '?' : `${dns.detection} s`} + max(TTL ${dns.ttl} s, decision ${path.decision.value ?? '?'} s + ` +
          (path.fromZero || rejoin === 0
            ? `max(promotion ${describe(path.promotion)}, scale-up ${describe(path.scaleUp)})` +
              `${rejoin > 0 ? ` + standby rejoins ${rejoin} s` : ''})`
            : `max(promotion ${describe(path.promotion)} + standby rejoins ${rejoin} s, scale-up ${describe(path.scaleUp)}))`) +
          (rto.unproven
            ? `: unproven until ${regionDrill} measures the unknown and stated steps`
            : provenUntil(path.steps))) + (accepted ? `; ${accepted.basis}` : ''),
    figures: [],
  });
  return rto;
}

/**
 * Backup and restore: the RTO is the restore time. It depends on the data, which the templates do
 * not hold, so only a restore drill's fresh measurement bounds it; the restore-time alarms guard it.
 */
function restoreRto(rto: Figure, drills: DrillRecords, anchor: { stack: string; resource: string }): Figure {
  const resources = drills.stacks.flatMap((s) => s.resources);
  const found = measurementOf(drills, 'restore', resources, true);
  const basis =
    'backup and restore: the RTO is the restore time, which depends on data size and is not in the ' + 'templates';
  if (found?.counts) {
    rto.value = found.measurement.seconds;
    rto.steps.push({
      quantity: 'regionRto',
      ...anchor,
      value: rto.value,
      measurement: found.measurement,
      figures: [],
      basis: `${basis}: ${found.text}`,
    });
  } else {
    rto.unproven = true;
    rto.steps.push({
      quantity: 'regionRto',
      ...anchor,
      ...(found ? { measurement: found.measurement } : {}),
      figures: [],
      basis:
        `${basis} (restore testing measures it: record the time with recordDrillMeasurement)` +
        (found ? `; ${found.text}` : ''),
    });
  }
  rto.steps.push(...restoreTimeAlarms(resources, drills.tier.regionRtoSeconds, found?.counts === true));
  return rto;
}

/** When the sum rests on drill measurements: the date the first of them goes stale. */
function provenUntil(steps: readonly DerivationStep[]): string {
  const until = steps
    .filter((s) => s.measurement?.status === 'fresh')
    .map((s) => s.measurement!.freshUntil)
    .sort();
  return until.length > 0 ? `: proven by drill measurements until ${until[0]}` : '';
}

/**
 * The serving fleets and functions that scale: after a region loss the regions left carry N/(N−1)
 * of their load. Whether a fleet's minimum (or a function's warm environments) covers that is not
 * in the templates (the load is not), and a scale-out has no published duration (Lambda publishes
 * only a cap on its rate), so each is a step only a region drill bounds. A fleet whose minimum
 * equals its maximum, or a function whose warm environments are its whole reserved concurrency,
 * does not scale and adds none.
 */
function absorbSteps(graph: ResourceGraph, resources: readonly GraphResource[], regionCount: number): DerivationStep[] {
  // 2 regions: each left carries twice its load; 3: one and a half times.
  const factor = regionCount > 1 ? Number((regionCount / (regionCount - 1)).toFixed(2)) : 1;
  const share = factor === 2 ? 'twice their load' : `${factor} times their load`;
  const drill = `measure it with ${regionDrillOf(resources, 'absorb', DRAIN_DRILL)}`;
  return resources
    .filter((r) => r.ha?.role === 'primary')
    .flatMap((r) => {
      const at = { quantity: 'regionRto' as const, stack: r.stack, resource: r.address, figures: [] };
      if (isServingFunction(graph, r)) {
        const warm = provisionedConcurrency(graph, r);
        const reserved = num(r.properties.ReservedConcurrentExecutions ?? r.properties.reserved_concurrent_executions);
        if (warm !== undefined && reserved !== undefined && warm >= reserved) {
          return [];
        }
        return [
          {
            ...at,
            figures: ['LAMBDA_CONCURRENCY_SCALING_RATE'],
            basis:
              `when a region fails, the regions left carry ${share}: this function keeps ${warm ?? '?'} warm ` +
              `environments and starts more on demand, up to ${reserved === undefined ? "the account's unreserved concurrency" : `its reserved ${reserved}`}, at a rate AWS caps but does not ` +
              `guarantee; whether that covers it is not in the templates; ${drill}`,
          },
        ];
      }
      // A fleet that runs the service's whole peak needs no scale-out (regionCapacitySteps).
      if (!(isScalingFleet(r) || isCloudRunService(r)) || minimumCoveringPeak(graph, r) !== undefined) {
        return [];
      }
      const bounds = servingBounds(graph, r);
      if (bounds[0] !== undefined && bounds[0] === bounds[1]) {
        return [];
      }
      return [
        {
          ...at,
          basis:
            `when a region fails, the regions left carry ${share}: ` +
            `this ${isCloudRunService(r) ? 'Cloud Run service keeps' : 'fleet runs'} ${bounds[0] ?? '?'} ` +
            `(up to ${bounds[1] ?? '?'}); whether that covers it is not in the templates and a scale-out has no published ` +
            `time; ${drill}`,
        },
      ];
    });
}

/**
 * Alarms on restores running too long (what `BackupPolicy` adds for a backup-and-restore tier):
 * on `NumberOfRestoreJobsRunning` of AWS Backup, which fire once restores have run for their
 * range. They guard the restore time without bounding it: the figure stays unproven until a restore
 * test has run (and the alarm stayed quiet).
 */
function restoreTimeAlarms(
  resources: readonly GraphResource[],
  objectiveSeconds: number,
  measured: boolean,
): DerivationStep[] {
  return resources
    .filter(
      (r) =>
        (r.type === 'AWS::CloudWatch::Alarm' || r.type === 'aws_cloudwatch_metric_alarm') &&
        str(r.properties.Namespace ?? r.properties.namespace) === 'AWS/Backup' &&
        str(r.properties.MetricName ?? r.properties.metric_name) === 'NumberOfRestoreJobsRunning',
    )
    .map((alarm) => {
      const p = alarm.properties;
      const period = num(p.Period ?? p.period);
      const periods =
        num(p.DatapointsToAlarm ?? p.datapoints_to_alarm) ?? num(p.EvaluationPeriods ?? p.evaluation_periods);
      const range = period === undefined || periods === undefined ? undefined : period * periods;
      const guard =
        range === undefined
          ? `fires after restores have run for a time not literal in the template, so whether it guards the tier's region RTO of ${objectiveSeconds} s is not known`
          : range <= objectiveSeconds
            ? `guards it: fires when restores have run for ${range} s (the tier's region RTO is ${objectiveSeconds} s)`
            : `fires only after restores have run for ${range} s, later than the tier's region RTO of ${objectiveSeconds} s: it does not guard it`;
      return {
        quantity: 'regionRto' as const,
        stack: alarm.stack,
        resource: alarm.address,
        figures: [],
        basis:
          `restore-time alarm (AWS Backup NumberOfRestoreJobsRunning) ${guard}` +
          `${measured ? '' : '; the restore time stays unproven until a restore test has run'}`,
      };
    });
}

/** A sum of steps as the derivation prints it: `60 s`, `? + 60 s` when a step is unknown. */
function describe(steps: readonly DerivationStep[]): string {
  if (steps.length === 0) {
    return '0 s';
  }
  const unknown = steps.some((s) => s.value === undefined);
  const sum = steps.reduce((total, s) => total + (s.value ?? 0), 0);
  return unknown ? `? + ${sum} s` : `${sum} s`;
}

/** How traffic leaves a failed region: detection, the TTL clients keep the old answer, and the standby's rejoin. */
interface DnsShift {
  readonly detection: number;
  readonly ttl: number;
  readonly unproven: boolean;
  readonly steps: DerivationStep[];
  /** Seconds of passing checks before a standby that was unhealthy is answered with (failover secondaries). */
  readonly standbyRecovery?: number;
  /** A global load balancer moves the traffic (no DNS answer, no TTL). */
  readonly balancer?: boolean;
  /** Nothing publishes the detection time (`detection` is then 0 and the shift unproven). */
  readonly detectionUnknown?: boolean;
}

/** The DNS part of a region failover: detection time and the TTL clients may keep the old answer. */
function dnsShift(graph: ResourceGraph, stacks: readonly ServiceStack[]): DnsShift | undefined {
  const keys = new Set(stacks.flatMap((s) => s.resources.map((r) => r.key)));
  const records = dnsRecords(graph).filter(
    (r) =>
      keys.has(r.resource.key) &&
      r.routing &&
      (r.hasHealthCheck || r.evaluateTargetHealth || r.failoverRole === 'SECONDARY'),
  );
  // Traffic moves when a health-checked record (not a failover secondary) turns unhealthy.
  if (!records.some((r) => r.failoverRole !== 'SECONDARY')) {
    return undefined;
  }
  const steps: DerivationStep[] = [];
  let detection = 0;
  let ttl = 0;
  let unproven = false;
  let standbyRecovery: number | undefined;
  for (const record of records) {
    const recordTtl = record.alias ? ROUTE53_ALIAS_ELB_TTL_SECONDS : record.ttl;
    if (recordTtl === undefined) {
      unproven = true;
    } else {
      ttl = Math.max(ttl, recordTtl);
    }
    if (record.failoverRole === 'SECONDARY') {
      // The secondary's TTL counts (clients cache its answer too); its own health only matters after the move:
      // Route 53 marks an unhealthy endpoint healthy after `threshold` passing checks.
      // @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html
      for (const settings of record.healthChecks.map(healthCheckSettings)) {
        if (settings) {
          standbyRecovery = Math.max(standbyRecovery ?? 0, settings.intervalSeconds * settings.failureThreshold);
        }
      }
      continue;
    }
    const checks = record.healthChecks.map((h) => ({ check: h, settings: healthCheckSettings(h) }));
    if (checks.length === 0 || checks.some((c) => !c.settings)) {
      if (record.resource.type === 'google_dns_record_set') {
        const seconds = googleHealthCheckSeconds(record.healthChecks[0]);
        detection = Math.max(detection, seconds);
        steps.push({
          quantity: 'regionRto',
          stack: record.resource.stack,
          resource: record.resource.address,
          value: seconds,
          basis: record.healthChecks[0]
            ? `Cloud DNS health check ${record.healthChecks[0].address}: interval × unhealthy threshold + timeout`
            : 'health-checked targets with default Google health-check settings',
          figures: ['GCE_HEALTH_CHECK_DEFAULTS'],
        });
      } else {
        unproven = true;
        steps.push({
          quantity: 'regionRto',
          stack: record.resource.stack,
          resource: record.resource.address,
          basis: `${record.name}: health evaluated through the alias target or a check outside the templates; detection time not published`,
          figures: [],
        });
      }
      continue;
    }
    for (const { check, settings } of checks) {
      let seconds: number;
      try {
        // Detection only: the TTL is composed below with the promotion and scale-up it overlaps.
        seconds = dnsFailoverSeconds({
          intervalSeconds: settings!.intervalSeconds,
          failureThreshold: settings!.failureThreshold,
          ttlSeconds: 0,
        });
      } catch (e) {
        unproven = true;
        steps.push({
          quantity: 'regionRto',
          stack: check.stack,
          resource: check.address,
          basis: `health check with settings Route 53 does not accept (${(e as Error).message}): detection time not known`,
          figures: [],
        });
        continue;
      }
      detection = Math.max(detection, seconds);
      steps.push({
        quantity: 'regionRto',
        stack: check.stack,
        resource: check.address,
        value: seconds,
        basis: `health check every ${settings!.intervalSeconds} s, ${settings!.failureThreshold} failures, + request timeout; record ${record.name} TTL ${recordTtl ?? 'unknown'} s`,
        figures: ['ROUTE53_HTTP_CHECK_TIMEOUT_SECONDS', ...(record.alias ? ['ROUTE53_ALIAS_ELB_TTL_SECONDS'] : [])],
      });
    }
  }
  return { detection, ttl, unproven, steps, standbyRecovery };
}

/**
 * The traffic shift of a Google global external load balancer: one anycast address, backends in
 * several regions; its health check takes a failed region's backends out (no DNS TTL involved).
 */
function globalLoadBalancerShift(graph: ResourceGraph, stacks: readonly ServiceStack[]): DnsShift | undefined {
  const services = stacks.flatMap((s) => s.resources).filter((r) => r.type === 'google_compute_backend_service');
  for (const service of services) {
    const serverless = serverlessBackendRegions(graph, service);
    if (serverless.length >= 2) {
      return serverlessShift(service, serverless);
    }
    const regions = backendRegions(graph, service);
    const checks = graph.referencedBy(service, 'google_compute_health_check');
    if (regions.length < 2 || checks.length === 0) {
      continue;
    }
    const seconds = Math.max(...checks.map((check) => googleHealthCheckSeconds(check)));
    return {
      detection: seconds,
      ttl: 0,
      unproven: false,
      balancer: true,
      standbyRecovery: backendRejoinSeconds(checks),
      steps: [
        {
          quantity: 'regionRto',
          stack: service.stack,
          resource: service.address,
          value: seconds,
          basis: `global load balancer over ${regions.length} regions: its health check (interval × unhealthy threshold + timeout) removes a failed region's backends; one anycast address, no DNS TTL`,
          figures: ['GCE_HEALTH_CHECK_DEFAULTS'],
        },
      ],
    };
  }
  return undefined;
}

/**
 * The traffic shift of a global load balancer over Cloud Run services in several regions. Serverless
 * NEGs take no health check: Cloud Run service health takes a region out once fewer than 60% of its
 * instances pass their readiness probes, and outlier detection ejects a region that answers 5xx.
 * Google publishes the threshold, not the time either takes: unproven until a drill measures it.
 */
function serverlessShift(service: GraphResource, regions: readonly string[]): DnsShift {
  return {
    detection: 0,
    detectionUnknown: true,
    ttl: 0,
    unproven: true,
    balancer: true,
    steps: [
      {
        quantity: 'regionRto',
        stack: service.stack,
        resource: service.address,
        basis:
          `global load balancer over Cloud Run in ${regions.length} regions (${regions.join(', ')}) through serverless NEGs, ` +
          'which take no health check: Cloud Run service health (60% of instances ready) and outlier detection move ' +
          'the traffic in a time Google does not publish; unproven until a region drill measures it (RegionSwitchoverDrill ' +
          'drains instance groups, and a serverless NEG takes no capacity scaler)',
        figures: ['CLOUD_RUN_SERVICE_HEALTH_READY_PERCENT'],
      },
    ],
  };
}
