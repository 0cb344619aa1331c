import {
  AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS, composeParallel, composeSerial, dnsFailoverSeconds, DrStrategy, PITR_RPO_SECONDS,
  PUBLISHED_SLAS, PublishedSla, ROUTE53_ALIAS_ELB_TTL_SECONDS, targetFailoverSeconds, TierObjectives,
} from '../core';
import { dnsRecords, googleHealthCheckSeconds, healthCheckSettings } from './dns';
import { ResourceGraph } from './graph/graph';
import { GraphResource } from './graph/model';
import { block, blocks, num, str } from './graph/values';
import { isAurora, isDataStore, isPrimaryStore, regionReplication, STORE_TYPES, zoneFailover } from './recovery';
import { planRules, scheduleIntervalHours } from './rules/bak/BackupPlan';
import { targetHealthSettings } from './rules/lb/TargetHealthChecks';
import { Finding } from './rules/rule';
import { fleetZones, tierOfRecord } from './rules/support';
import { ServiceIndex, ServiceStack } from './services';

/** Whether the synthesized topology meets an objective. */
export type ObjectiveStatus = 'met' | 'not-met' | 'unproven';

/** The figure a derivation step contributes to. */
export type Quantity = 'azRto' | 'azRpo' | 'regionRto' | 'regionRpo' | 'availability';

/** One step of the derivation of a reported figure: which resource, what value, from which published figures. */
export interface DerivationStep {
  readonly quantity: Quantity;
  readonly stack: string;
  readonly resource: string;
  /** Seconds (RTO, RPO) or a ratio (availability); absent when the template cannot bound it. */
  readonly value?: number;
  readonly basis: string;
  /** Names of the constants in lib/core/figures.ts (or PUBLISHED_SLAS keys) the value comes from. */
  readonly figures: readonly string[];
}

/** The resilience report of one service in one stack. */
export interface ServiceReport {
  readonly stack: string;
  readonly service: string;
  readonly tier: string;
  readonly strategy: DrStrategy;
  readonly region?: string;
  /** Regions of every stack of the service. */
  readonly regions: readonly string[];
  /** Worst-case seconds to recover from the loss of one zone of this stack; null when unbounded or unproven. */
  readonly azRtoSeconds: number | null;
  readonly azRpoSeconds: number | null;
  /** Worst-case seconds to recover the service from the loss of a region; null when unbounded or unproven. */
  readonly regionRtoSeconds: number | null;
  readonly regionRpoSeconds: number | null;
  /** Estimated availability from published SLAs (a floor the providers commit to, not a measurement). */
  readonly availability: number | null;
  readonly objectives: TierObjectives;
  readonly status: Readonly<Record<Quantity, ObjectiveStatus>>;
  /** Whether every objective is shown to be met. */
  readonly objectivesMet: boolean;
  readonly derivation: readonly DerivationStep[];
  /** What the estimate assumes and what it could not see. */
  readonly notes: readonly string[];
}

/** The report and the findings, as `ha-report --json` prints them. */
export interface HaReport {
  readonly services: readonly ServiceReport[];
  /** Findings not acknowledged: what the exit code and a policy validation act on. */
  readonly findings: readonly Finding[];
  /** Findings the synthesized output acknowledges (`HA_ACKNOWLEDGED_KEY`), with the reason given. */
  readonly acknowledged?: readonly AcknowledgedFinding[];
}

/** A finding accepted by the design, and why. */
export interface AcknowledgedFinding extends Finding {
  readonly reason: string;
}

interface Figure {
  value?: number;
  /** The template shows there is no bound (data with no copy, a single region for a region failure). */
  unbounded: boolean;
  /** Some contribution cannot be bounded from the template. */
  unproven: boolean;
  steps: DerivationStep[];
}

function figure(): Figure {
  return { unbounded: false, unproven: false, steps: [] };
}

function addMax(f: Figure, step: DerivationStep): void {
  f.steps.push(step);
  if (step.value === undefined) {
    f.unproven = true;
  } else {
    f.value = Math.max(f.value ?? 0, step.value);
  }
}

/**
 * Computes the report of every service in every stack: AZ RTO/RPO from the failovers in that
 * stack, region RTO/RPO and availability across all the service's stacks.
 */
export function serviceReports(graph: ResourceGraph, index: ServiceIndex): ServiceReport[] {
  const byService = new Map<string, { regionRto: Figure; regionRpo: Figure; availability: Figure; notes: string[] }>();
  for (const service of index.services()) {
    const stacks = index.stacksOf(service);
    byService.set(service, { ...regionFigures(graph, stacks), availability: availabilityFigure(graph, stacks), notes: serviceNotes(stacks) });
  }
  return index.serviceStacks.map((stack) => {
    const tier = tierOfRecord(stack.record);
    const objectives = tier.toObjectives();
    const shared = byService.get(stack.service)!;
    const azRto = azRtoFigure(graph, stack);
    const azRpo = azRpoFigure(graph, stack);
    const status: Record<Quantity, ObjectiveStatus> = {
      azRto: statusOf(azRto, objectives.azRtoSeconds, 'max'),
      azRpo: statusOf(azRpo, objectives.azRpoSeconds, 'max'),
      regionRto: statusOf(shared.regionRto, objectives.regionRtoSeconds, 'max'),
      regionRpo: statusOf(shared.regionRpo, objectives.regionRpoSeconds, 'max'),
      availability: statusOf(shared.availability, objectives.availabilityTarget, 'min'),
    };
    return {
      stack: stack.stack,
      service: stack.service,
      tier: tier.name,
      strategy: tier.strategy,
      region: stack.region,
      regions: regionsOf(index.stacksOf(stack.service)),
      azRtoSeconds: valueOf(azRto),
      azRpoSeconds: valueOf(azRpo),
      regionRtoSeconds: valueOf(shared.regionRto),
      regionRpoSeconds: valueOf(shared.regionRpo),
      availability: valueOf(shared.availability),
      objectives,
      status,
      objectivesMet: Object.values(status).every((s) => s === 'met'),
      derivation: [...azRto.steps, ...azRpo.steps, ...shared.regionRto.steps, ...shared.regionRpo.steps, ...shared.availability.steps],
      notes: shared.notes,
    };
  });
}

function valueOf(f: Figure): number | null {
  return f.unbounded || f.unproven || f.value === undefined ? null : f.value;
}

function statusOf(f: Figure, objective: number, sense: 'max' | 'min'): ObjectiveStatus {
  if (f.unbounded) {
    return 'not-met';
  }
  if (f.value !== undefined && (sense === 'max' ? f.value > objective : f.value < objective)) {
    return 'not-met';
  }
  if (f.unproven || f.value === undefined) {
    return 'unproven';
  }
  return 'met';
}

/** Regions a service runs in: of its stacks, and of its resources (aliased providers put one stack in several). */
function regionsOf(stacks: readonly ServiceStack[]): string[] {
  const regions = stacks.flatMap((s) => [s.region, ...s.resources.map((r) => r.region)]);
  return [...new Set(regions.filter((r): r is string => r !== undefined))].sort();
}

// ---------------------------------------------------------------------------------------------
// AZ loss
// ---------------------------------------------------------------------------------------------

function azRtoFigure(graph: ResourceGraph, stack: ServiceStack): Figure {
  const f = figure();
  for (const r of stack.resources) {
    if (servesThroughZoneLoss(graph, r, stack.record.strategy)) {
      const failover = zoneFailover(graph, r);
      if (failover) {
        addMax(f, { quantity: 'azRto', stack: r.stack, resource: r.address, value: failover.rto.seconds, basis: failover.rto.basis, figures: failover.rto.figures });
      }
    } else if (['AWS::ElasticLoadBalancingV2::TargetGroup', 'aws_lb_target_group', 'aws_alb_target_group'].includes(r.type)) {
      const settings = targetHealthSettings(r);
      if (settings?.enabled) {
        let seconds: number | undefined;
        try {
          seconds = targetFailoverSeconds(settings);
        } catch {
          seconds = undefined;
        }
        addMax(f, { quantity: 'azRto', stack: r.stack, resource: r.address, value: seconds, basis: `target health check: interval ${settings.intervalSeconds} s × ${settings.unhealthyThresholdCount} + timeout ${settings.timeoutSeconds} s`, figures: ['ELB_TARGET_HEALTH_DEFAULTS'] });
      } else {
        addMax(f, { quantity: 'azRto', stack: r.stack, resource: r.address, basis: 'target group without a literal, enabled health check: failed targets are never taken out', figures: [] });
      }
    } else if (r.type === 'google_compute_backend_service' || r.type === 'google_compute_region_backend_service') {
      const checks = graph.referencedBy(r, 'google_compute_health_check', 'google_compute_region_health_check');
      for (const check of checks) {
        addMax(f, { quantity: 'azRto', stack: r.stack, resource: r.address, value: googleHealthCheckSeconds(check), basis: `backend health check ${check.address}: interval × unhealthy threshold + timeout`, figures: ['GCE_HEALTH_CHECK_DEFAULTS'] });
      }
    } else if (fleetZones(graph, r)?.length === 1) {
      addMax(f, { quantity: 'azRto', stack: r.stack, resource: r.address, basis: 'fleet in one zone: lost with it until replacements launch elsewhere (time not published)', figures: [] });
    }
  }
  if (f.steps.length === 0) {
    f.value = 0;
    f.steps.push({ quantity: 'azRto', stack: stack.stack, resource: `service:${stack.service}`, value: 0, basis: 'no zonal failover in this stack: its resources are regional or spread over zones', figures: [] });
  }
  return f;
}

/**
 * Stores whose zone failover users wait for: primary stores, and in an active/active service every
 * region's store (each region serves). A warm standby's secondary only matters after a region failover.
 */
function servesThroughZoneLoss(graph: ResourceGraph, r: GraphResource, strategy: DrStrategy): boolean {
  return isDataStore(graph, r) && (strategy === DrStrategy.ACTIVE_ACTIVE || (r.ha?.role !== 'standby' && r.ha?.role !== 'replica'));
}

function azRpoFigure(graph: ResourceGraph, stack: ServiceStack): Figure {
  const f = figure();
  for (const r of stack.resources) {
    if (!servesThroughZoneLoss(graph, r, stack.record.strategy)) {
      continue;
    }
    const failover = zoneFailover(graph, r);
    if (failover && failover.rpoSeconds === undefined) {
      addMax(f, { quantity: 'azRpo', stack: r.stack, resource: r.address, value: PITR_RPO_SECONDS, basis: 'single-zone store: restored to the latest restorable time', figures: ['PITR_RPO_SECONDS'] });
    } else {
      addMax(f, { quantity: 'azRpo', stack: r.stack, resource: r.address, value: 0, basis: failover ? 'synchronous copy in another zone' : 'regional service: writes are stored in several zones before they are acknowledged', figures: [] });
    }
  }
  if (f.steps.length === 0) {
    f.value = 0;
  }
  return f;
}

// ---------------------------------------------------------------------------------------------
// Region loss
// ---------------------------------------------------------------------------------------------

function regionFigures(graph: ResourceGraph, stacks: readonly ServiceStack[]): { regionRto: Figure; regionRpo: Figure } {
  const record = stacks[0].record;
  const tier = tierOfRecord(record);
  const resources = stacks.flatMap((s) => s.resources);
  const regions = regionsOf(stacks);
  const rto = figure();
  const rpo = figure();
  const anchor = { stack: stacks[0].stack, resource: `service:${record.service}` };

  // RPO: the slowest cross-region copy of any primary store.
  const stores = resources.filter((r) => isPrimaryStore(graph, r));
  const plans = resources.filter((r) => r.type === 'AWS::Backup::BackupPlan' || r.type === 'aws_backup_plan');
  for (const store of stores) {
    const copy = regionReplication(graph, store);
    const ownObjective = store.ha?.dataRpoSeconds;
    if (copy && ownObjective !== undefined && copy.seconds !== undefined && copy.seconds <= ownObjective) {
      // The owner stated a looser objective for this data set; it meets it, so it does not bound the service's RPO.
      rpo.steps.push({ quantity: 'regionRpo', stack: copy.stack, resource: copy.resource, value: copy.seconds, basis: `${copy.basis}; held to its own data-set objective of ${ownObjective} s (met), not to the tier's`, figures: copy.figures });
      // Nothing the tier's objective applies to is lost from this store: it bounds the service's RPO at 0.
      rpo.value = Math.max(rpo.value ?? 0, 0);
      continue;
    }
    if (copy) {
      addMax(rpo, { quantity: 'regionRpo', stack: copy.stack, resource: copy.resource, value: copy.seconds, basis: copy.basis, figures: copy.figures });
      continue;
    }
    const backup = backupCopyHours(graph, plans, store);
    if (backup !== undefined) {
      addMax(rpo, { quantity: 'regionRpo', stack: store.stack, resource: store.address, value: backup * 3600, basis: `backup every ${backup} h copied to another region (the copy's duration is not modelled)`, figures: [] });
      continue;
    }
    rpo.unbounded = true;
    rpo.steps.push({ quantity: 'regionRpo', stack: store.stack, resource: store.address, basis: 'no copy outside its region: all its data is lost with the region', figures: [] });
  }
  if (stores.length === 0) {
    rpo.value = 0;
    rpo.steps.push({ quantity: 'regionRpo', ...anchor, value: 0, basis: 'no data stores in the service', figures: [] });
  }

  // RTO: detection + max(TTL, promotion + scale-up).
  if (tier.strategy === DrStrategy.BACKUP_RESTORE) {
    rto.unproven = true;
    rto.steps.push({ quantity: 'regionRto', ...anchor, basis: 'backup and restore: the RTO is the restore time, which depends on data size and is not in the templates (restore testing measures it)', figures: [] });
    return { regionRto: rto, regionRpo: rpo };
  }
  if (regions.length < 2) {
    rto.unbounded = true;
    rto.steps.push({ quantity: 'regionRto', ...anchor, basis: `the analysed templates place the service in one region (${regions.join(', ') || 'unknown'}): nothing takes over when it fails`, figures: [] });
    return { regionRto: rto, regionRpo: rpo };
  }
  const dns = dnsShift(graph, stacks) ?? globalLoadBalancerShift(graph, stacks);
  if (!dns) {
    rto.unproven = true;
    rto.steps.push({ quantity: 'regionRto', ...anchor, basis: 'no health-checked DNS routing found for the service: traffic does not move by itself', figures: [] });
    return { regionRto: rto, regionRpo: rpo };
  }
  rto.steps.push(...dns.steps);
  const path = failoverPath(graph, stacks, stores, tier.strategy);
  rto.steps.push(...path.steps);
  const known = (steps: readonly DerivationStep[]) => steps.reduce((sum, step) => sum + (step.value ?? 0), 0);
  const serving = path.decision === undefined ? 0 : (path.decision.value ?? 0) + Math.max(known(path.promotion), known(path.scaleUp));
  rto.value = dns.detection + Math.max(dns.ttl, serving);
  rto.unproven = dns.unproven || path.steps.some((step) => step.value === undefined);
  rto.unbounded = path.unstarted;
  rto.steps.push({
    quantity: 'regionRto', ...anchor, value: rto.value,
    basis: path.decision === undefined
      ? `detection ${dns.detection} s + TTL ${dns.ttl} s (nothing to promote or scale: the other regions already serve)`
      : `detection ${dns.detection} s + max(TTL ${dns.ttl} s, decision ${path.decision.value ?? '?'} s + max(promotion ${describe(path.promotion)}, `
        + `scale-up ${describe(path.scaleUp)}))${rto.unproven ? `: unproven until ${REGION_DRILL} measures the unknown steps` : ''}`,
    figures: [],
  });
  return { regionRto: rto, regionRpo: rpo };
}

/** How the region RTO names the drill that measures what no figure bounds. */
const REGION_DRILL = 'a region evacuation drill (RegionEvacuationDrill, then the runbooks)';

/** A sum of steps as the derivation prints it: `60 s`, `? + 60 s` when a step is unknown. */
function describe(steps: readonly DerivationStep[]): string {
  if (steps.length === 0) {
    return '0 s';
  }
  const unknown = steps.some((s) => s.value === undefined);
  const sum = steps.reduce((total, s) => total + (s.value ?? 0), 0);
  return unknown ? `? + ${sum} s` : `${sum} s`;
}

/**
 * The steps after detection that make the standby region serve, in order, with what starts them:
 * the decision (an alarm, or a person's stated time), then in parallel the database promotion
 * (with a writer added first to a headless secondary) and the fleet's scale-up (launch and
 * warm-up). A step no runbook performs is never started (`unstarted`); a duration no figure
 * bounds is unknown.
 */
function failoverPath(graph: ResourceGraph, stacks: readonly ServiceStack[], stores: readonly GraphResource[], strategy: DrStrategy): {
  steps: DerivationStep[]; promotion: DerivationStep[]; scaleUp: DerivationStep[]; decision?: DerivationStep; unstarted: boolean;
} {
  const anchor = { stack: stacks[0].stack, resource: `service:${stacks[0].service}` };
  const promotion: DerivationStep[] = [];
  for (const store of stores) {
    if ((store.type === 'AWS::RDS::DBCluster' || store.type === 'aws_rds_cluster') && isAurora(store) && regionReplication(graph, store)) {
      promotion.push({ quantity: 'regionRto', stack: store.stack, resource: store.address, value: AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS, basis: 'Aurora Global Database managed failover promotes the secondary', figures: ['AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS'] });
    } else if (store.type === 'google_sql_database_instance' && regionReplication(graph, store)) {
      promotion.push({ quantity: 'regionRto', stack: store.stack, resource: store.address, basis: 'Cloud SQL cross-region replica promotion: time not published', figures: [] });
    }
  }
  const scaleUp = strategy === DrStrategy.ACTIVE_ACTIVE ? [] : scaleUpSteps(stacks, strategy);
  if (promotion.length === 0 && scaleUp.length === 0) {
    return { steps: [], promotion, scaleUp, unstarted: false };
  }
  const runbooks = stacks.flatMap((s) => s.resources).filter((r) => r.failoverStep !== undefined);
  const steps: DerivationStep[] = [];
  let unstarted = false;
  const started = (kind: 'promotion' | 'scale-up', needed: readonly DerivationStep[]) => {
    if (needed.length === 0) {
      return [];
    }
    const found = runbooks.filter((r) => r.failoverStep!.step === kind);
    if (found.length === 0) {
      unstarted = true;
      steps.push({ quantity: 'regionRto', ...anchor, basis: `nothing starts the ${kind}: no runbook in the templates performs it, so the standby region never takes over`, figures: [] });
    }
    return found;
  };
  const promoters = started('promotion', promotion);
  const scalers = started('scale-up', scaleUp);
  const starters = [...promoters, ...scalers];
  const people = starters.filter((r) => r.failoverStep!.startedBy === 'operator');
  const decisionSeconds = Math.max(0, ...starters.map((r) => r.failoverStep!.decisionSeconds ?? 0));
  const decision: DerivationStep = people.length > 0
    ? { quantity: 'regionRto', stack: people[0].stack, resource: people[0].address, value: people.some((r) => r.failoverStep!.decisionSeconds === undefined) ? undefined : decisionSeconds,
      basis: `a person decides to fail over and starts the runbooks, within the ${decisionSeconds} s the owner states (counted in full)`, figures: [] }
    : starters.length > 0
      ? { quantity: 'regionRto', stack: starters[0].stack, resource: starters[0].address, value: 0, basis: 'an alarm starts the runbooks (EventBridge): no human step', figures: [] }
      : { quantity: 'regionRto', ...anchor, basis: 'nothing starts the failover', figures: [] };
  steps.push(decision);
  const writer = promoters.find((r) => r.failoverStep!.createsWriter);
  const promotionPath: DerivationStep[] = writer
    ? [{ quantity: 'regionRto', stack: writer.stack, resource: writer.address, basis: `the secondary is headless: the runbook creates a writer first, a duration AWS does not publish (measure it with ${REGION_DRILL})`, figures: [] }, ...promotion]
    : promotion;
  steps.push(...promotionPath, ...scaleUp);
  return { steps, promotion: promotionPath, scaleUp, decision, unstarted };
}

/** Hours between backups of a store that a plan of the service copies to another region. */
function backupCopyHours(graph: ResourceGraph, plans: readonly GraphResource[], store: GraphResource): number | undefined {
  const hours: number[] = [];
  for (const plan of plans) {
    const selections = graph.referrersOf(plan, 'AWS::Backup::BackupSelection', 'aws_backup_selection');
    const covers = selections.length === 0 || selections.some((s) => JSON.stringify(s.properties).includes(store.address) || JSON.stringify(s.properties).includes('ListOfTags') || JSON.stringify(s.properties).includes('selection_tag'));
    if (!covers) {
      continue;
    }
    for (const rule of planRules(plan)) {
      const interval = rule.schedule ? scheduleIntervalHours(rule.schedule) : undefined;
      if (interval !== undefined && rule.copies.some((region) => region !== plan.region)) {
        hours.push(interval);
      }
    }
  }
  return hours.length > 0 ? Math.min(...hours) : undefined;
}

/** The DNS part of a region failover: detection time and the TTL clients may keep the old answer. */
function dnsShift(graph: ResourceGraph, stacks: readonly ServiceStack[]): { detection: number; ttl: number; unproven: boolean; steps: DerivationStep[] } | undefined {
  const keys = new Set(stacks.flatMap((s) => s.resources.map((r) => r.key)));
  const records = dnsRecords(graph).filter((r) => keys.has(r.resource.key) && r.routing && (r.hasHealthCheck || r.evaluateTargetHealth || r.failoverRole === 'SECONDARY'));
  // Traffic moves when a health-checked record (not a failover secondary) turns unhealthy.
  if (!records.some((r) => r.failoverRole !== 'SECONDARY')) {
    return undefined;
  }
  const steps: DerivationStep[] = [];
  let detection = 0;
  let ttl = 0;
  let unproven = false;
  for (const record of records) {
    const recordTtl = record.alias ? ROUTE53_ALIAS_ELB_TTL_SECONDS : record.ttl;
    if (recordTtl === undefined) {
      unproven = true;
    } else {
      ttl = Math.max(ttl, recordTtl);
    }
    if (record.failoverRole === 'SECONDARY') {
      // The secondary's TTL counts (clients cache its answer too); its own health only matters after the move.
      continue;
    }
    const checks = record.healthChecks.map((h) => ({ check: h, settings: healthCheckSettings(h) }));
    if (checks.length === 0 || checks.some((c) => !c.settings)) {
      if (record.resource.type === 'google_dns_record_set') {
        const seconds = googleHealthCheckSeconds();
        detection = Math.max(detection, seconds);
        steps.push({ quantity: 'regionRto', stack: record.resource.stack, resource: record.resource.address, value: seconds, basis: 'health-checked targets with default Google health-check settings', figures: ['GCE_HEALTH_CHECK_DEFAULTS'] });
      } else {
        unproven = true;
        steps.push({ quantity: 'regionRto', stack: record.resource.stack, resource: record.resource.address, basis: `${record.name}: health evaluated through the alias target or a check outside the templates; detection time not published`, figures: [] });
      }
      continue;
    }
    for (const { check, settings } of checks) {
      let seconds: number;
      try {
        // Detection only: the TTL is composed below with the promotion and scale-up it overlaps.
        seconds = dnsFailoverSeconds({ intervalSeconds: settings!.intervalSeconds, failureThreshold: settings!.failureThreshold, ttlSeconds: 0 });
      } catch (e) {
        unproven = true;
        steps.push({ quantity: 'regionRto', stack: check.stack, resource: check.address, basis: `health check with settings Route 53 does not accept (${(e as Error).message}): detection time not known`, figures: [] });
        continue;
      }
      detection = Math.max(detection, seconds);
      steps.push({ quantity: 'regionRto', stack: check.stack, resource: check.address, value: seconds, basis: `health check every ${settings!.intervalSeconds} s, ${settings!.failureThreshold} failures, + request timeout; record ${record.name} TTL ${recordTtl ?? 'unknown'} s`, figures: ['ROUTE53_HTTP_CHECK_TIMEOUT_SECONDS', ...(record.alias ? ['ROUTE53_ALIAS_ELB_TTL_SECONDS'] : [])] });
    }
  }
  return { detection, ttl, unproven, steps };
}

/**
 * The traffic shift of a Google global external load balancer: one anycast address, backends in
 * several regions; its health check takes a failed region's backends out (no DNS TTL involved).
 */
function globalLoadBalancerShift(graph: ResourceGraph, stacks: readonly ServiceStack[]): { detection: number; ttl: number; unproven: boolean; steps: DerivationStep[] } | undefined {
  const services = stacks.flatMap((s) => s.resources).filter((r) => r.type === 'google_compute_backend_service');
  for (const service of services) {
    const groups = graph.referencedBy(service, 'google_compute_region_instance_group_manager', 'google_compute_instance_group_manager');
    const regions = new Set(groups.map((g) => g.region).filter((r) => r !== undefined));
    const checks = graph.referencedBy(service, 'google_compute_health_check');
    if (regions.size < 2 || checks.length === 0) {
      continue;
    }
    const seconds = Math.max(...checks.map((check) => googleHealthCheckSeconds(check)));
    return {
      detection: seconds,
      ttl: 0,
      unproven: false,
      steps: [{ quantity: 'regionRto', stack: service.stack, resource: service.address, value: seconds, basis: `global load balancer over ${regions.size} regions: its health check (interval × unhealthy threshold + timeout) removes a failed region's backends; one anycast address, no DNS TTL`, figures: ['GCE_HEALTH_CHECK_DEFAULTS'] }],
    };
  }
  return undefined;
}

/** Time for a standby region's fleets to reach the primary's capacity (warm standby, pilot light). */
function scaleUpSteps(stacks: readonly ServiceStack[], strategy: DrStrategy): DerivationStep[] {
  const fleets = (role: string) => stacks.flatMap((s) => s.resources)
    .filter((r) => (r.type === 'AWS::AutoScaling::AutoScalingGroup' || r.type === 'aws_autoscaling_group') && r.ha?.role === role);
  const primaryMin = Math.max(0, ...fleets('primary').map((r) => num(r.properties.MinSize ?? r.properties.min_size) ?? 0));
  const standby = fleets('standby');
  if (standby.length === 0) {
    return [{ quantity: 'regionRto', stack: stacks[0].stack, resource: `service:${stacks[0].service}`, basis: `${strategy}: no standby fleet in the analysed templates, so the time to serve from the standby region is not known`, figures: [] }];
  }
  return standby.flatMap((fleet) => {
    const p = fleet.properties;
    const min = num(p.MinSize ?? p.min_size) ?? 0;
    if (min >= primaryMin) {
      return [];
    }
    const warmup = num(p.DefaultInstanceWarmup ?? p.default_instance_warmup) ?? num(p.HealthCheckGracePeriod ?? p.health_check_grace_period);
    // EC2 publishes no launch time, and capacity in the standby region is not reserved: only a drill bounds the scale-up.
    return [{ quantity: 'regionRto' as const, stack: fleet.stack, resource: fleet.address, value: undefined,
      basis: `scales from ${min} to ${primaryMin}: launch time is not published and capacity is not reserved `
        + `(warm-up alone ${warmup === undefined ? 'undeclared' : `${warmup} s`}); measure it with ${REGION_DRILL}`, figures: [] }];
  });
}

// ---------------------------------------------------------------------------------------------
// Availability
// ---------------------------------------------------------------------------------------------

interface Component {
  readonly sla: PublishedSla;
  readonly resource: GraphResource;
  readonly global: boolean;
}

function componentOf(graph: ResourceGraph, r: GraphResource): Component | undefined {
  const p = r.properties;
  const c = (sla: PublishedSla, global = false): Component => ({ sla, resource: r, global });
  switch (r.type) {
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
    case 'aws_lb':
    case 'aws_alb':
      return c('ELASTIC_LOAD_BALANCING');
    case 'google_compute_backend_service':
      return c('CLOUD_LOAD_BALANCING', true);
    case 'google_compute_region_backend_service':
      return c('CLOUD_LOAD_BALANCING');
    case 'AWS::AutoScaling::AutoScalingGroup':
    case 'aws_autoscaling_group':
    case 'AWS::ECS::Service':
    case 'aws_ecs_service':
      return c((fleetZones(graph, r)?.length ?? 0) >= 2 ? 'EC2_MULTI_AZ' : 'EC2_SINGLE_INSTANCE');
    case 'google_compute_region_instance_group_manager':
    case 'google_container_cluster':
      return c((fleetZones(graph, r)?.length ?? 0) >= 2 ? 'COMPUTE_ENGINE_MULTI_ZONE' : 'COMPUTE_ENGINE_SINGLE_INSTANCE');
    case 'AWS::RDS::DBCluster':
    case 'aws_rds_cluster':
      return isAurora(r) ? c(zoneFailover(graph, r)?.rto.seconds !== undefined ? 'AURORA_MULTI_AZ' : 'RDS_SINGLE_AZ') : c('RDS_MULTI_AZ');
    case 'AWS::RDS::DBInstance':
    case 'aws_db_instance':
      return c(String(p.MultiAZ ?? p.multi_az) === 'true' ? 'RDS_MULTI_AZ' : 'RDS_SINGLE_AZ');
    case 'AWS::DynamoDB::Table':
      return c('DYNAMODB_STANDARD');
    case 'AWS::DynamoDB::GlobalTable':
      return blocks(p.Replicas).length >= 2 ? c('DYNAMODB_GLOBAL_TABLES', true) : c('DYNAMODB_STANDARD');
    case 'aws_dynamodb_table':
      return blocks(p.replica).length > 0 ? c('DYNAMODB_GLOBAL_TABLES', true) : c('DYNAMODB_STANDARD');
    case 'AWS::EFS::FileSystem':
    case 'aws_efs_file_system':
      return c('EFS_REGIONAL');
    case 'google_sql_database_instance': {
      const settings = block(p.settings) ?? {};
      if (str(settings.availability_type) !== 'REGIONAL') {
        return c('COMPUTE_ENGINE_SINGLE_INSTANCE');
      }
      return c(str(settings.edition) === 'ENTERPRISE_PLUS' ? 'CLOUD_SQL_ENTERPRISE_PLUS_HA' : 'CLOUD_SQL_ENTERPRISE_HA');
    }
    case 'AWS::Route53::RecordSet':
    case 'AWS::Route53::RecordSetGroup':
    case 'aws_route53_record':
      return c('ROUTE53', true);
    default:
      return undefined;
  }
}

const SINGLE_WRITER: readonly PublishedSla[] = ['AURORA_MULTI_AZ', 'RDS_MULTI_AZ', 'RDS_SINGLE_AZ', 'CLOUD_SQL_ENTERPRISE_HA', 'CLOUD_SQL_ENTERPRISE_PLUS_HA'];

function availabilityFigure(graph: ResourceGraph, stacks: readonly ServiceStack[]): Figure {
  const f = figure();
  const record = stacks[0].record;
  const activeActive = record.strategy === DrStrategy.ACTIVE_ACTIVE;
  const regional = new Map<string, Map<PublishedSla, Component>>();
  const global = new Map<PublishedSla, Component>();
  const everyRegion: Component[] = [];
  for (const stack of stacks) {
    for (const r of stack.resources) {
      if (STORE_TYPES.includes(r.type) && !isPrimaryStore(graph, r)) {
        continue;
      }
      if (r.ha?.role === 'standby' || r.ha?.role === 'replica') {
        continue;
      }
      const component = componentOf(graph, r);
      if (!component) {
        continue;
      }
      // Every serving region of an active/active service writes to the one writer of a relational
      // database: without a cross-region copy that writer is in series with all of them; with one,
      // each region has a cluster to fail over to (the promotion counts in the region RTO).
      if (activeActive && SINGLE_WRITER.includes(component.sla) && regionReplication(graph, r)) {
        everyRegion.push(component);
      } else if (component.global || (activeActive && SINGLE_WRITER.includes(component.sla))) {
        global.set(component.sla, global.get(component.sla) ?? component);
      } else {
        const key = r.region ?? stack.region ?? stack.stack;
        const map = regional.get(key) ?? new Map<PublishedSla, Component>();
        map.set(component.sla, map.get(component.sla) ?? component);
        regional.set(key, map);
      }
    }
  }
  for (const component of everyRegion) {
    for (const map of regional.values()) {
      map.set(component.sla, map.get(component.sla) ?? component);
    }
  }
  if (!activeActive && regional.size > 1) {
    // Only the primary region serves: keep the region holding the most of the request path.
    const [primary] = [...regional.entries()].sort((a, b) => b[1].size - a[1].size);
    regional.clear();
    regional.set(primary[0], primary[1]);
  }
  if (regional.size === 0 && global.size === 0) {
    f.unproven = true;
    f.steps.push({ quantity: 'availability', stack: stacks[0].stack, resource: `service:${record.service}`, basis: 'no component with a published SLA on the request path', figures: [] });
    return f;
  }
  const regionValues: number[] = [];
  for (const [region, components] of regional) {
    const list = [...components.values()];
    const value = composeSerial(list.map((c) => PUBLISHED_SLAS[c.sla]));
    regionValues.push(value);
    for (const c of list) {
      f.steps.push({ quantity: 'availability', stack: c.resource.stack, resource: c.resource.address, value: PUBLISHED_SLAS[c.sla], basis: `${region}: in series`, figures: [c.sla] });
    }
  }
  const acrossRegions = regionValues.length === 0 ? 1 : activeActive ? composeParallel(regionValues) : regionValues[0];
  for (const c of global.values()) {
    f.steps.push({ quantity: 'availability', stack: c.resource.stack, resource: c.resource.address, value: PUBLISHED_SLAS[c.sla], basis: c.global ? 'global: in series with the regions' : 'single writer: every serving region depends on it, in series', figures: [c.sla] });
  }
  f.value = composeSerial([acrossRegions, ...[...global.values()].map((c) => PUBLISHED_SLAS[c.sla])]);
  f.steps.push({
    quantity: 'availability', stack: stacks[0].stack, resource: `service:${record.service}`, value: f.value,
    basis: activeActive && regionValues.length > 1 ? `${regionValues.length} serving regions in parallel, then global components in series` : 'primary region in series with global components (a standby shortens long outages; it does not raise the SLA floor)',
    figures: [],
  });
  return f;
}

function serviceNotes(stacks: readonly ServiceStack[]): string[] {
  const notes = [
    'Availability composes published SLAs, which are floors the providers pay credits below, under an assumption of independent failures; buckets and secrets are assumed off the request path.',
  ];
  if (stacks.some((s) => s.record.source !== 'metadata')) {
    notes.push('Some resources carry only ha:* tags or ha-* labels: their tier is read by name, so only built-in tiers are recognised.');
  }
  if (stacks.some((s) => s.region === undefined)) {
    notes.push('Some stacks are environment-agnostic: their region is not known at synthesis.');
  }
  return notes;
}
