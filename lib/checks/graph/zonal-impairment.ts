import { ResourceGraph } from './graph';
import { GraphResource } from './model';
import { blocks, isObject, num, str } from './values';
import { referencedSubnetZones } from './zones';

/*
 * Isolated-impact detection and its mitigation, as a template shows them: per-AZ alarms on a load
 * balancer's per-AZ metrics, the composite alarms that combine them per AZ, and what such an alarm
 * starts. Read by the report (the AZ RTO of a gray failure) and by HA-AZ4; CloudFormation only for
 * now (the Terraform engines render no per-AZ detection yet, so a Terraform stack shows none).
 */

/** Load balancers whose node in an AZ can be shifted away (zonal shift): Application and Network. */
export const ZONAL_LOAD_BALANCER_TYPES = ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'aws_lb', 'aws_alb'];

/** The per-AZ detection of one load balancer. */
export interface ZonalDetection {
  /** The composite alarms (one per AZ) fed by the load balancer's per-AZ alarms. */
  readonly composites: readonly GraphResource[];
  /** The AZs their per-AZ alarms name (`AvailabilityZone` dimension). */
  readonly zones: readonly string[];
  /** AZs of the load balancer's subnets (literal names) that no per-AZ alarm watches. */
  readonly uncoveredZones: readonly string[];
  /**
   * Seconds of breaching data the slowest per-AZ alarm needs before it fires (period × datapoints
   * to alarm); undefined when one of them states no literal period or count.
   */
  readonly detectionSeconds?: number;
  /** The slowest alarm's period and datapoints, for the derivation. */
  readonly periodSeconds?: number;
  readonly datapoints?: number;
  /** An SSM Automation runbook that starts an ARC zonal shift of this load balancer when a composite fires. */
  readonly shiftRunbook?: GraphResource;
}

/** Whether the zonal autoshift of this load balancer is enabled (AWS's own detection: no published timing). */
export function zonalAutoshiftEnabled(graph: ResourceGraph, loadBalancer: GraphResource): boolean {
  return graph
    .referrersOf(loadBalancer, 'AWS::ARCZonalShift::ZonalAutoshiftConfiguration')
    .some((c) => str(c.properties.ZonalAutoshiftStatus) === 'ENABLED');
}

/**
 * The per-AZ detection of a load balancer: metric alarms on its `AWS/ApplicationELB` (or
 * `AWS/NetworkELB`) metrics with an `AvailabilityZone` dimension, and the composite alarms whose
 * rule names them; undefined when it has none.
 */
export function zonalDetection(graph: ResourceGraph, loadBalancer: GraphResource): ZonalDetection | undefined {
  const perAz = graph
    .referrersOf(loadBalancer, 'AWS::CloudWatch::Alarm')
    .map((alarm) => ({ alarm, zone: zoneOf(alarm) }))
    .filter((a): a is { alarm: GraphResource; zone: string } => a.zone !== undefined);
  const members = new Set(perAz.map((a) => a.alarm.key));
  const composites = [
    ...new Set(perAz.flatMap((a) => graph.referrersOf(a.alarm, 'AWS::CloudWatch::CompositeAlarm'))),
  ].filter((c) => c.references.some((key) => members.has(key)));
  if (composites.length === 0) {
    return undefined;
  }
  const fed = perAz.filter((a) => composites.some((c) => c.references.includes(a.alarm.key)));
  const windows = fed.map((a) => alarmWindow(a.alarm));
  const known = windows.every((w) => w !== undefined);
  const slowest = known
    ? windows.reduce((a, b) => (b!.period * b!.datapoints > a!.period * a!.datapoints ? b : a))
    : undefined;
  const zones = [...new Set(fed.map((a) => a.zone))].sort();
  return {
    composites,
    zones,
    uncoveredZones: referencedSubnetZones(graph, loadBalancer).filter(
      (zone) => /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/.test(zone) && !zones.includes(zone),
    ),
    // The first breaching period may hold only the failure's first seconds: detection takes more than the others.
    detectionSeconds: slowest ? slowest.period * (slowest.datapoints - 1) : undefined,
    periodSeconds: slowest?.period,
    datapoints: slowest?.datapoints,
    shiftRunbook: composites.map((c) => shiftRunbookOf(graph, c, loadBalancer)).find((r) => r !== undefined),
  };
}

/** The literal `AvailabilityZone` dimension of a per-AZ alarm on a load balancer's metrics. */
function zoneOf(alarm: GraphResource): string | undefined {
  const p = alarm.properties;
  const metrics = [
    { Namespace: p.Namespace, Dimensions: p.Dimensions },
    ...blocks(p.Metrics).map((m) => blocks(blocks(m.MetricStat)[0]?.Metric)[0] ?? {}),
  ];
  for (const metric of metrics) {
    const namespace = str(metric.Namespace);
    if (namespace !== 'AWS/ApplicationELB' && namespace !== 'AWS/NetworkELB') continue;
    const zone = blocks(metric.Dimensions).find((d) => d.Name === 'AvailabilityZone');
    if (zone && str(zone.Value)) return str(zone.Value);
  }
  return undefined;
}

/** An alarm's period (the longest of its metrics) and the breaching datapoints it needs. */
function alarmWindow(alarm: GraphResource): { period: number; datapoints: number } | undefined {
  const p = alarm.properties;
  const periods = [
    num(p.Period),
    ...blocks(p.Metrics).flatMap((m) => [num(m.Period), num(blocks(m.MetricStat)[0]?.Period)]),
  ].filter((v): v is number => v !== undefined);
  const datapoints = num(p.DatapointsToAlarm ?? p.EvaluationPeriods);
  if (periods.length === 0 || datapoints === undefined) {
    return undefined;
  }
  return { period: Math.max(...periods), datapoints };
}

/**
 * The runbook an EventBridge rule starts when `composite` goes into ALARM, if it is an Automation
 * document that starts an ARC zonal shift of this load balancer.
 */
function shiftRunbookOf(
  graph: ResourceGraph,
  composite: GraphResource,
  loadBalancer: GraphResource,
): GraphResource | undefined {
  for (const rule of graph.referrersOf(composite, 'AWS::Events::Rule')) {
    const pattern = rule.properties.EventPattern;
    const states = isObject(pattern) && isObject(pattern.detail) ? pattern.detail.state : undefined;
    const values = isObject(states) && Array.isArray(states.value) ? states.value : undefined;
    if (values && !values.includes('ALARM')) continue;
    const runbook = graph
      .referencedBy(rule, 'AWS::SSM::Document')
      .find(
        (doc) =>
          str(doc.properties.DocumentType) === 'Automation' &&
          doc.references.includes(loadBalancer.key) &&
          /StartZonalShift|start_zonal_shift/.test(JSON.stringify(doc.properties.Content ?? '')),
      );
    if (runbook) return runbook;
  }
  return undefined;
}
