import { ResourceGraph } from './graph';
import { GraphResource } from './model';
import { blocks, isInterpolation, isObject, JsonObject, list, num, str } from './values';
import { referencedSubnetZones, subnetZone, zoneKey } from './zones';

/*
 * Isolated-impact detection and its mitigation, as a template shows them: per-AZ alarms on a load
 * balancer's per-AZ metrics, the composite alarms that combine them per AZ, and what such an alarm
 * starts. Read by the report (the AZ RTO of a gray failure) and by HA-AZ4, from CloudFormation
 * templates and Terraform JSON alike: a Terraform alarm names its AZ as a literal or as a reference to
 * a subnet's `availability_zone` (an `aws_subnet` data source or resource), read through to the
 * subnet's literal zone where the configuration has one.
 */

/** Load balancers whose node in an AZ can be shifted away (zonal shift): Application and Network. */
export const ZONAL_LOAD_BALANCER_TYPES = ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'aws_lb', 'aws_alb'];

const METRIC_ALARM_TYPES = ['AWS::CloudWatch::Alarm', 'aws_cloudwatch_metric_alarm'];
const COMPOSITE_ALARM_TYPES = ['AWS::CloudWatch::CompositeAlarm', 'aws_cloudwatch_composite_alarm'];
const EVENT_RULE_TYPES = ['AWS::Events::Rule', 'aws_cloudwatch_event_rule'];
const DOCUMENT_TYPES = ['AWS::SSM::Document', 'aws_ssm_document'];

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
    .referrersOf(loadBalancer, ...METRIC_ALARM_TYPES)
    .map((alarm) => ({ alarm, zone: zoneOf(graph, alarm) }))
    .filter((a): a is { alarm: GraphResource; zone: string } => a.zone !== undefined);
  const members = new Set(perAz.map((a) => a.alarm.key));
  const composites = [...new Set(perAz.flatMap((a) => graph.referrersOf(a.alarm, ...COMPOSITE_ALARM_TYPES)))].filter(
    (c) => c.references.some((key) => members.has(key)),
  );
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
    uncoveredZones: [
      ...referencedSubnetZones(graph, loadBalancer).filter(
        (zone) => /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/.test(zone) && !zones.includes(zone),
      ),
      // Terraform subnets named by literal ids: their AZs are read at plan time, so they are compared by id.
      ...literalSubnetIds(loadBalancer)
        .map((id) => subnetIdZone(id))
        .filter((zone) => !zones.includes(zone)),
    ],
    // The first breaching period may hold only the failure's first seconds: detection takes more than the others.
    detectionSeconds: slowest ? slowest.period * (slowest.datapoints - 1) : undefined,
    periodSeconds: slowest?.period,
    datapoints: slowest?.datapoints,
    shiftRunbook: composites.map((c) => shiftRunbookOf(graph, c, loadBalancer)).find((r) => r !== undefined),
  };
}

/**
 * The `AvailabilityZone` dimension of a per-AZ alarm on a load balancer's metrics: CloudFormation's
 * `Dimensions` list (a literal), or Terraform's `dimensions` map, top-level or in a `metric_query`.
 */
function zoneOf(graph: ResourceGraph, alarm: GraphResource): string | undefined {
  const p = alarm.properties;
  const metrics: { namespace: unknown; zone: unknown }[] = [
    { namespace: p.Namespace, zone: cfnZone(p.Dimensions) },
    ...blocks(p.Metrics).map((m) => {
      const metric = blocks(blocks(m.MetricStat)[0]?.Metric)[0] ?? {};
      return { namespace: metric.Namespace, zone: cfnZone(metric.Dimensions) };
    }),
    { namespace: p.namespace, zone: tfZone(p.dimensions) },
    ...blocks(p.metric_query).map((q) => {
      const metric = blocks(q.metric)[0] ?? {};
      return { namespace: metric.namespace, zone: tfZone(metric.dimensions) };
    }),
  ];
  for (const metric of metrics) {
    const namespace = str(metric.namespace);
    if (namespace !== 'AWS/ApplicationELB' && namespace !== 'AWS/NetworkELB') continue;
    const zone = str(metric.zone) ?? subnetZoneReference(graph, alarm, metric.zone);
    if (zone) return zone;
  }
  return undefined;
}

function cfnZone(dimensions: unknown): unknown {
  return blocks(dimensions).find((d) => d.Name === 'AvailabilityZone')?.Value;
}

function tfZone(dimensions: unknown): unknown {
  return isObject(dimensions) ? dimensions.AvailabilityZone : undefined;
}

/**
 * The zone of a Terraform `${data.aws_subnet.<name>.availability_zone}` (or a subnet resource's)
 * dimension: the referenced subnet's literal zone, else "the AZ of <subnet id>" or the reference's
 * text (one per subnet, so distinct subnets count as distinct zones).
 */
function subnetZoneReference(graph: ResourceGraph, alarm: GraphResource, value: unknown): string | undefined {
  if (typeof value !== 'string' || !isInterpolation(value)) return undefined;
  const match = /^\$\{((?:data\.)?aws_subnet\.[^.}]+)\.availability_zone\}$/.exec(value);
  if (!match) return undefined;
  const subnet = graph.get(`${alarm.stack}/${match[1]}`);
  const behind = subnet?.isData ? graph.referencedBy(subnet, 'aws_subnet')[0] : subnet;
  const literal = behind ? subnetZone(behind) : undefined;
  if (literal !== undefined && !isInterpolation(literal)) return literal;
  // A subnet named by a literal id: its AZ is read at plan time.
  const id = subnet?.isData ? str(subnet.properties.id) : undefined;
  return id ? subnetIdZone(id) : zoneKey(value);
}

/** How a zone read at plan time from the subnet with this literal id is named. */
function subnetIdZone(id: string): string {
  return `the AZ of ${id}`;
}

/** The literal ids of a Terraform load balancer's subnets (`subnets`, `subnet_mapping`). */
function literalSubnetIds(loadBalancer: GraphResource): string[] {
  const p = loadBalancer.properties;
  return [...list(p.subnets), ...blocks(p.subnet_mapping).map((m) => m.subnet_id)]
    .map(str)
    .filter((id): id is string => id !== undefined);
}

/** An alarm's period (the longest of its metrics) and the breaching datapoints it needs. */
function alarmWindow(alarm: GraphResource): { period: number; datapoints: number } | undefined {
  const p = alarm.properties;
  const periods = [
    num(p.Period ?? p.period),
    ...blocks(p.Metrics).flatMap((m) => [num(m.Period), num(blocks(m.MetricStat)[0]?.Period)]),
    ...blocks(p.metric_query).map((q) => num(blocks(q.metric)[0]?.period)),
  ].filter((v): v is number => v !== undefined);
  const datapoints = num(p.DatapointsToAlarm ?? p.EvaluationPeriods ?? p.datapoints_to_alarm ?? p.evaluation_periods);
  if (periods.length === 0 || datapoints === undefined) {
    return undefined;
  }
  return { period: Math.max(...periods), datapoints };
}

/**
 * The runbook an EventBridge rule starts when `composite` goes into ALARM, if it is an Automation
 * document that starts an ARC zonal shift of this load balancer. A CloudFormation rule names its
 * targets; a Terraform rule is named by its `aws_cloudwatch_event_target`s.
 */
function shiftRunbookOf(
  graph: ResourceGraph,
  composite: GraphResource,
  loadBalancer: GraphResource,
): GraphResource | undefined {
  for (const rule of graph.referrersOf(composite, ...EVENT_RULE_TYPES)) {
    const pattern = eventPattern(rule.properties.EventPattern ?? rule.properties.event_pattern);
    const states = isObject(pattern) && isObject(pattern.detail) ? pattern.detail.state : undefined;
    const values = isObject(states) && Array.isArray(states.value) ? states.value : undefined;
    if (values && !values.includes('ALARM')) continue;
    const targets = [rule, ...graph.referrersOf(rule, 'aws_cloudwatch_event_target')];
    const runbook = targets
      .flatMap((target) => graph.referencedBy(target, ...DOCUMENT_TYPES))
      .find((doc) => {
        const p = doc.properties;
        return (
          str(p.DocumentType ?? p.document_type) === 'Automation' &&
          doc.references.includes(loadBalancer.key) &&
          /StartZonalShift|start_zonal_shift/.test(JSON.stringify(p.Content ?? p.content ?? ''))
        );
      });
    if (runbook) return runbook;
  }
  return undefined;
}

/** An event pattern as CloudFormation holds it (an object) or Terraform (a JSON string). */
function eventPattern(value: unknown): JsonObject | undefined {
  if (isObject(value)) return value;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
