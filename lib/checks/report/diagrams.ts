import { dnsRecords } from '../dns';
import { formatSeconds } from '../format';
import { planRules, scheduleIntervalHours } from '../graph/backup';
import { ResourceGraph } from '../graph/graph';
import { GraphResource } from '../graph/model';
import { isAurora, isDataStore, isPrimaryStore, regionReplication } from '../graph/stores';
import { block, blocks, num, str } from '../graph/values';
import { FLEET_TYPES, fleetZones, SUBNET_TYPES, subnetZone } from '../graph/zones';
import type { DerivationStep, HaReport, ServiceReport } from '../model';
import { SERVING_TYPES, ServiceIndex, ServiceStack } from '../services';
import { FUNCTION_ALIAS_TYPES, FUNCTION_TYPES, isServingFunction, provisionedConcurrency } from '../graph/functions';
import { GOOGLE_AUTOSCALER_TYPES } from './google-fleets';
import { fleetKind, fleetMaximum, fleetMinimum } from './scaling-fleets';

/*
 * Pictures of a service: its topology as a Mermaid flowchart (read from the resource graph, with the
 * replication figures of the report's derivation steps), and, per failure domain, a Mermaid gantt of
 * the recovery steps the report counted. Nothing is drawn that the templates or the steps do not show;
 * a step of unknown duration is drawn as unknown, never as zero.
 */

/** One picture: a Mermaid source and what it shows. */
export interface Diagram {
  readonly kind: 'topology' | 'timeline';
  /** The failure domain of a timeline. */
  readonly domain?: FailureDomainName;
  readonly title: string;
  readonly mermaid: string;
}

/** The failure domains a timeline is drawn for: the AZ RTO and the region RTO. */
export type FailureDomainName = 'zone' | 'region';
export const FAILURE_DOMAINS: readonly FailureDomainName[] = ['zone', 'region'];

/** The pictures of every service of a report, by service name: a topology, then a timeline per failure domain. */
export function reportDiagrams(report: HaReport, graph?: ResourceGraph): Map<string, Diagram[]> {
  const index = graph ? new ServiceIndex(graph) : undefined;
  return new Map(
    report.services.map((s) => [
      s.service,
      [
        ...(graph && index ? [topologyDiagram(s, serviceTopology(graph, index.stacksOf(s.service), s))] : []),
        ...FAILURE_DOMAINS.map((domain) => timelineDiagram(s, domain)),
      ],
    ]),
  );
}

// ---------------------------------------------------------------------------------------------------
// Escaping

/**
 * Text inside a quoted flowchart label or subgraph title: Mermaid's entity codes stand for the
 * characters its parser would read as syntax (quotes end the label, `#` starts an entity, `;` ends a statement).
 */
export function flowchartText(text: string): string {
  // One pass: an entity written for one character must not be read again for the next.
  return text.replace(/[\r\n]+/g, ' ').replace(/[#";<>|]/g, (c) => FLOWCHART_ENTITIES[c]);
}

const FLOWCHART_ENTITIES: Record<string, string> = {
  '#': '#35;',
  '"': '#quot;',
  ';': '#59;',
  '<': '#lt;',
  '>': '#gt;',
  '|': '#124;',
};

/**
 * Text of a gantt task or title: the gantt grammar has no quoting, so the characters it reads as
 * syntax (`:` ends the task name, `#` and `%%` start comments, `;` ends a statement) are replaced.
 */
export function ganttText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/:/g, ' -')
    .replace(/;/g, ',')
    .replace(/#/g, 'no. ')
    .replace(/%/g, ' pct')
    .replace(/"/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

// ---------------------------------------------------------------------------------------------------
// Topology

/** A box of the flowchart: an entry point, a fleet, a data store, a backup plan or a copy. */
export interface TopologyNode {
  readonly id: string;
  readonly kind: 'entry' | 'balancer' | 'fleet' | 'store' | 'backup' | 'copy';
  readonly label: string;
  /** Undefined for what lives in no region (DNS) or in a region the templates do not name. */
  readonly region?: string;
  /** The resource drawn (`stack/address`), absent for a copy the templates only name. */
  readonly key?: string;
}

/** An arrow: DNS routing to an entry point, a store's replication, a backup's copy. */
export interface TopologyEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'routing' | 'replication' | 'backup-copy';
  readonly label: string;
}

/** A region of the service and what it does. */
export interface TopologyRegion {
  readonly name: string;
  /** `serving`, `standby`, `pilot light`, `data copies only`, `backup only`, `supporting resources only`. */
  readonly role: string;
  /** Zones named by its fleets and subnets; empty when the templates name none. */
  readonly zones: readonly string[];
}

/** What the flowchart of a service draws. */
export interface Topology {
  readonly regions: readonly TopologyRegion[];
  readonly nodes: readonly TopologyNode[];
  readonly edges: readonly TopologyEdge[];
}

const LOAD_BALANCER_TYPES = [
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'aws_lb',
  'aws_alb',
  'google_compute_backend_service',
  'google_compute_region_backend_service',
];
/** Regional API entry points, drawn as the load balancer of the functions they invoke. */
const API_TYPES = [
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGatewayV2::Api',
  'aws_api_gateway_rest_api',
  'aws_apigatewayv2_api',
];
const INTEGRATION_TYPES = [
  'AWS::ApiGateway::Method',
  'AWS::ApiGatewayV2::Integration',
  'aws_api_gateway_integration',
  'aws_apigatewayv2_integration',
];
const BACKUP_PLAN_TYPES = ['AWS::Backup::BackupPlan', 'aws_backup_plan'];
const BACKUP_VAULT_TYPES = ['AWS::Backup::BackupVault', 'aws_backup_vault'];
const SECRET_TYPES = ['AWS::SecretsManager::Secret', 'aws_secretsmanager_secret'];

/** The topology of a service across its stacks, from the graph, with replication figures from the report. */
export function serviceTopology(
  graph: ResourceGraph,
  stacks: readonly ServiceStack[],
  report: ServiceReport,
): Topology {
  const resources = stacks.flatMap((s) => s.resources);
  const regionOf = (r: GraphResource) => r.region ?? stacks.find((s) => s.stack === r.stack)?.region;
  const nodes: TopologyNode[] = [];
  const edges: TopologyEdge[] = [];
  const idOf = new Map<string, string>();
  const add = (node: Omit<TopologyNode, 'id'>): string => {
    const id = `n${nodes.length + 1}`;
    nodes.push({ ...node, id });
    if (node.key) {
      idOf.set(node.key, id);
    }
    return id;
  };
  const drawn = (r: GraphResource, kind: TopologyNode['kind'], label: string) =>
    idOf.get(r.key) ?? add({ kind, label, region: regionOf(r), key: r.key });

  for (const r of resources.filter((x) => LOAD_BALANCER_TYPES.includes(x.type))) {
    drawn(r, 'balancer', `load balancer ${r.address}${roleText(r)}`);
  }
  for (const r of resources.filter((x) => FLEET_TYPES.includes(x.type))) {
    // A Google group's size is set by the autoscaler that targets it.
    const scaler = graph.referrersOf(r, ...GOOGLE_AUTOSCALER_TYPES)[0] ?? r;
    drawn(r, 'fleet', `fleet ${r.address}: ${fleetSize(graph, scaler)}${roleText(r)}`);
  }
  for (const fn of resources.filter((x) => isServingFunction(graph, x))) {
    const warm = provisionedConcurrency(graph, fn);
    const size = warm === undefined ? 'warm environments not literal' : `${warm} warm environments`;
    drawn(fn, 'fleet', `function ${fn.address}: ${size}${roleText(fn)}`);
  }
  for (const api of resources.filter((x) => API_TYPES.includes(x.type))) {
    const id = drawn(api, 'balancer', `API ${api.address}${roleText(api)}`);
    // The functions its integrations invoke, directly or through an alias.
    const invoked = graph
      .referrersOf(api, ...INTEGRATION_TYPES)
      .flatMap((i) => graph.referencedBy(i, ...FUNCTION_TYPES, ...FUNCTION_ALIAS_TYPES))
      .flatMap((t) => (FUNCTION_ALIAS_TYPES.includes(t.type) ? graph.referencedBy(t, ...FUNCTION_TYPES) : [t]));
    for (const fn of [...new Set(invoked)].filter((f) => idOf.has(f.key))) {
      edges.push({ from: id, to: idOf.get(fn.key)!, kind: 'routing', label: 'invokes' });
    }
  }
  for (const lb of resources.filter((x) => LOAD_BALANCER_TYPES.includes(x.type))) {
    for (const fleet of fleetsBehind(graph, lb).filter((f) => idOf.has(f.key))) {
      edges.push({ from: idOf.get(lb.key)!, to: idOf.get(fleet.key)!, kind: 'routing', label: 'forwards to' });
    }
  }
  const stores = resources.filter((r) => isDataStore(graph, r));
  for (const r of stores) {
    drawn(r, 'store', `${shortType(r.type)} ${r.address}${roleText(r)}`);
  }
  for (const store of stores.filter((r) => isPrimaryStore(graph, r))) {
    const copy = regionReplication(graph, store);
    if (!copy) {
      continue;
    }
    const label = replicationLabel(copy.seconds, copy.typical === true, copy.figures, rpoStep(report, store));
    for (const target of replicaTargets(graph, store, stores, regionOf)) {
      const to =
        'key' in target
          ? drawn(target, 'store', `${shortType(target.type)} ${target.address}${roleText(target)}`)
          : add({
              kind: 'store',
              label:
                `copy of ${store.address}` +
                ('where' in target && target.where
                  ? ` in its ${target.where}`
                  : target.region
                    ? ''
                    : ' (its region is not in the templates)'),
              region: target.region,
            });
      edges.push({ from: idOf.get(store.key)!, to, kind: 'replication', label });
    }
  }
  // A secret replicated by its provider: where the template names the replica regions.
  for (const secret of resources.filter((r) => SECRET_TYPES.includes(r.type))) {
    const p = secret.properties;
    const replicas = unique([
      ...blocks(p.ReplicaRegions).map((r) => str(r.Region)),
      ...blocks(p.replica).map((r) => str(r.region)),
    ]).filter((r) => r !== regionOf(secret));
    if (replicas.length === 0) {
      continue;
    }
    const from = drawn(secret, 'store', `secret ${secret.address}${roleText(secret)}`);
    for (const region of replicas) {
      const to = add({ kind: 'store', label: `replica of secret ${secret.address}`, region });
      edges.push({ from, to, kind: 'replication', label: 'Secrets Manager replica, no published lag' });
    }
  }
  for (const plan of resources.filter((r) => BACKUP_PLAN_TYPES.includes(r.type))) {
    const rules = planRules(plan);
    const every = rules
      .map((rule) => (rule.schedule ? scheduleIntervalHours(rule.schedule) : undefined))
      .filter((h): h is number => h !== undefined);
    const kept = rules.map((rule) => rule.deleteAfterDays).filter((d): d is number => d !== undefined);
    const from = drawn(
      plan,
      'backup',
      `backup plan ${plan.address}: ${every.length > 0 ? `every ${Math.min(...every)} h` : 'schedule not literal'}` +
        `${kept.length > 0 ? `, kept ${Math.max(...kept)} d` : ''}`,
    );
    const destinations = [...new Set(rules.flatMap((rule) => rule.copies))];
    for (const region of destinations) {
      const known = region !== undefined && region !== 'unknown' ? region : undefined;
      const vault = resources.find((r) => BACKUP_VAULT_TYPES.includes(r.type) && known && regionOf(r) === known);
      const to = vault
        ? drawn(vault, 'copy', `backup vault ${vault.address}`)
        : add({ kind: 'copy', label: known ? 'backup copies' : 'backup copies (region not literal)', region: known });
      const copied = every.length > 0 ? ` (every ${Math.min(...every)} h)` : '';
      edges.push({ from, to, kind: 'backup-copy', label: `copies each backup${copied}` });
    }
  }
  const keys = new Set(resources.map((r) => r.key));
  for (const record of dnsRecords(graph).filter((d) => keys.has(d.resource.key))) {
    const routing = record.routing
      ? `${record.routing}${record.failoverRole ? ` ${record.failoverRole}` : ''} routing`
      : 'simple record';
    const health =
      record.healthChecks.length > 0
        ? 'health-checked'
        : record.evaluateTargetHealth
          ? "evaluates its target's health"
          : 'no health check';
    const id = add({ kind: 'entry', label: `DNS ${record.name}: ${routing}, ${health}` });
    // The targets it names: an alias's load balancer, or a Cloud DNS policy's backends.
    const targets = graph.referencedBy(record.resource).filter((t) => idOf.has(t.key));
    for (const target of targets) {
      edges.push({ from: id, to: idOf.get(target.key)!, kind: 'routing', label: routing });
    }
  }

  const regionNames = [
    ...new Set([...report.regions, ...nodes.map((n) => n.region).filter((r): r is string => r !== undefined)]),
  ];
  const regions = regionNames.map((name) => ({
    name,
    role: regionRole(
      resources.filter((r) => regionOf(r) === name),
      nodes,
      name,
      graph,
    ),
    zones: zonesOf(
      graph,
      resources.filter((r) => regionOf(r) === name),
    ),
  }));
  return { regions, nodes, edges };
}

/**
 * What a region does, from what the templates put there: it serves (an entry point or compute in the
 * primary role), stands by (a standby fleet that runs instances), is a pilot light (a standby fleet at
 * zero), or holds only copies of data or backups.
 */
function regionRole(
  resources: readonly GraphResource[],
  nodes: readonly TopologyNode[],
  region: string,
  graph: ResourceGraph,
): string {
  if (resources.some((r) => SERVING_TYPES.includes(r.type) && r.ha?.role === 'primary')) {
    return 'serving';
  }
  const standby = resources.filter(
    (r) => (FLEET_TYPES.includes(r.type) || fleetMinimum(graph, r) !== undefined) && r.ha?.role === 'standby',
  );
  const minimums = standby.map((r) => standbyMinimum(graph, r)).filter((m): m is number => m !== undefined);
  if (minimums.some((m) => m > 0)) {
    const pools = standby.filter((r) => r.type === 'google_container_node_pool');
    const unit = pools.length > 0 ? 'nodes' : standby.every((r) => fleetKind(r) === 'tasks') ? 'tasks' : 'instances';
    return `standby (runs ${Math.max(...minimums)} ${unit})`;
  }
  if (standby.length > 0) {
    return minimums.length > 0 ? 'pilot light (fleet at 0)' : 'standby (fleet size not literal)';
  }
  if (resources.some((r) => isDataStore(graph, r)) || nodes.some((n) => n.region === region && n.kind === 'store')) {
    return 'data copies only';
  }
  if (
    resources.some((r) => BACKUP_VAULT_TYPES.includes(r.type)) ||
    nodes.some((n) => n.region === region && n.kind === 'copy')
  ) {
    return 'backup only';
  }
  return 'supporting resources only';
}

function zonesOf(graph: ResourceGraph, resources: readonly GraphResource[]): string[] {
  const zones = [
    ...resources.flatMap((r) => fleetZones(graph, r) ?? []),
    ...resources.filter((r) => SUBNET_TYPES.includes(r.type)).map(subnetZone),
  ];
  // A zone given by an unresolved function (`Fn::GetAZs`) is not a name: it is left out rather than guessed.
  return [...new Set(zones.filter((z): z is string => z !== undefined && /^[a-z0-9-]+$/.test(z)))].sort();
}

/** The stores a store's replication writes to: a resource of the service when found, else the region named. */
function replicaTargets(
  graph: ResourceGraph,
  store: GraphResource,
  stores: readonly GraphResource[],
  regionOf: (r: GraphResource) => string | undefined,
): (GraphResource | { region?: string; where?: string })[] {
  const own = regionOf(store);
  const p = store.properties;
  const inRegion = (region: string): GraphResource | { region?: string } =>
    stores.find((s) => s !== store && s.address === store.address && regionOf(s) === region) ?? { region };
  const referring = graph
    .referrersOf(store, store.type)
    .filter((r) => regionOf(r) !== undefined && regionOf(r) !== own);
  if (referring.length > 0) {
    return referring;
  }
  if (store.type === 'google_storage_bucket') {
    // A multi-region or dual-region bucket keeps its copies in its own location: no region resource holds them.
    return [{ region: undefined, where: `location ${str(p.location) ?? 'not literal'}` }];
  }
  if (store.type === 'AWS::DynamoDB::GlobalTable') {
    return unique(blocks(p.Replicas).map((r) => str(r.Region)))
      .filter((r) => r !== own)
      .map(inRegion);
  }
  if (store.type === 'aws_dynamodb_table') {
    return unique(blocks(p.replica).map((r) => str(r.region_name)))
      .filter((r) => r !== own)
      .map(inRegion);
  }
  if ((store.type === 'AWS::RDS::DBCluster' || store.type === 'aws_rds_cluster') && isAurora(store)) {
    const secondaries = stores.filter(
      (s) =>
        s !== store &&
        s.type === store.type &&
        isAurora(s) &&
        regionOf(s) !== own &&
        (s.properties.GlobalClusterIdentifier ?? s.properties.global_cluster_identifier) !== undefined,
    );
    if (secondaries.length > 0) {
      return secondaries;
    }
  }
  // A copy of the same resource in another region (the replica bucket of a replication rule), else the regions
  // the store's replication names literally.
  const sameName = stores.filter(
    (s) => s !== store && s.address === store.address && s.type === store.type && regionOf(s) !== own,
  );
  if (sameName.length > 0) {
    return sameName;
  }
  const text = JSON.stringify(p);
  const named = unique(
    graph.resources.map(regionOf).filter((r): r is string => r !== undefined && r !== own && text.includes(r)),
  );
  return named.length > 0 ? named.map((region) => ({ region })) : [{}];
}

/**
 * The fleets a load balancer sends requests to: an AWS load balancer's listeners forward to target
 * groups that Auto Scaling groups register with; a Google backend service names its instance groups.
 */
function fleetsBehind(graph: ResourceGraph, lb: GraphResource): GraphResource[] {
  const direct = graph.referencedBy(lb, ...FLEET_TYPES);
  const listeners = graph.referrersOf(
    lb,
    'AWS::ElasticLoadBalancingV2::Listener',
    'aws_lb_listener',
    'aws_alb_listener',
  );
  const groups = listeners.flatMap((l) => graph.referencedBy(l, ...TARGET_GROUP_TYPES));
  const registered = groups.flatMap((g) => [
    ...graph.referrersOf(g, ...FLEET_TYPES),
    ...graph.referencedBy(g, ...FLEET_TYPES),
  ]);
  return [...new Set([...direct, ...registered])];
}

const TARGET_GROUP_TYPES = ['AWS::ElasticLoadBalancingV2::TargetGroup', 'aws_lb_target_group', 'aws_alb_target_group'];

/** A replication's edge label: synchronous or not, its bound (with its source), and the RPO the report counted. */
function replicationLabel(
  seconds: number | undefined,
  typical: boolean,
  figures: readonly string[],
  step: DerivationStep | undefined,
): string {
  const source = figures.length > 0 ? ` (${figures.join(', ')})` : '';
  const mode = seconds === 0 && !typical ? 'sync' : 'async';
  const lag =
    seconds === undefined
      ? 'no published lag bound'
      : typical
        ? `typical lag ${formatSeconds(seconds)}, not a bound${source}`
        : seconds === 0
          ? `no lag${source}`
          : `lag ≤ ${formatSeconds(seconds)}${source}`;
  const rpo =
    step === undefined ? 'RPO not counted' : `RPO ${step.value === undefined ? 'unknown' : formatSeconds(step.value)}`;
  return `${mode}, ${lag}, ${rpo}`;
}

function rpoStep(report: ServiceReport, store: GraphResource): DerivationStep | undefined {
  return report.derivation.find(
    (d) => d.quantity === 'regionRpo' && d.stack === store.stack && d.resource === store.address,
  );
}

/** A standby fleet's minimum: a GKE node pool's over all its zones (its autoscaler counts per zone). */
function standbyMinimum(graph: ResourceGraph, r: GraphResource): number | undefined {
  if (r.type === 'google_container_node_pool') {
    const min = num(block(r.properties.autoscaling)?.min_node_count);
    const zones = fleetZones(graph, r)?.length;
    return min === undefined || zones === undefined ? undefined : min * zones;
  }
  return fleetMinimum(graph, r);
}

function fleetSize(graph: ResourceGraph, r: GraphResource): string {
  if (r.type === 'google_container_cluster') {
    return 'Kubernetes control plane';
  }
  if (r.type === 'google_container_node_pool') {
    // The autoscaler's bounds are per zone of the pool.
    const bounds = block(r.properties.autoscaling);
    const zones = fleetZones(graph, r)?.length;
    const [min, max] = [num(bounds?.min_node_count), num(bounds?.max_node_count)];
    return min === undefined || max === undefined || zones === undefined
      ? 'size not literal'
      : `${min * zones} to ${max * zones} nodes`;
  }
  const min = fleetMinimum(graph, r);
  const max = fleetMaximum(graph, r);
  if (min === undefined && max === undefined) {
    return 'size not literal';
  }
  return `${min ?? '?'} to ${max ?? '?'} ${fleetKind(r) === 'tasks' ? 'tasks' : 'instances'}`;
}

function roleText(r: GraphResource): string {
  return r.ha?.role ? ` (${r.ha.role})` : '';
}

/** `AWS::RDS::DBCluster` → `RDS DBCluster`, `aws_s3_bucket` → `s3 bucket`. */
function shortType(type: string): string {
  return type.startsWith('AWS::')
    ? type.slice('AWS::'.length).replace('::', ' ')
    : type.replace(/^(aws|google)_/, '').replace(/_/g, ' ');
}

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}

/** The topology as a Mermaid flowchart: a subgraph per region (its role and zones), DNS outside them. */
export function topologyDiagram(s: ServiceReport, topology: Topology): Diagram {
  const lines = ['flowchart LR'];
  const shape = (n: TopologyNode) => {
    const text = `"${flowchartText(n.label)}"`;
    return n.kind === 'store' || n.kind === 'copy' ? `[(${text})]` : n.kind === 'entry' ? `{{${text}}}` : `[${text}]`;
  };
  topology.regions.forEach((region, i) => {
    const zones = region.zones.length > 0 ? `zones ${region.zones.join(', ')}` : 'zones not named in the templates';
    lines.push(`  subgraph region${i}["${flowchartText(`${region.name}: ${region.role}`)}"]`, '    direction TB');
    lines.push(`    region${i}zones["${flowchartText(zones)}"]`);
    for (const n of topology.nodes.filter((node) => node.region === region.name)) {
      lines.push(`    ${n.id}${shape(n)}`);
    }
    lines.push('  end');
  });
  for (const n of topology.nodes.filter((node) => node.region === undefined)) {
    lines.push(`  ${n.id}${shape(n)}`);
  }
  for (const e of topology.edges) {
    const arrow = e.kind === 'backup-copy' ? '-.->' : e.kind === 'replication' ? '==>' : '-->';
    lines.push(`  ${e.from} ${arrow}|"${flowchartText(e.label)}"| ${e.to}`);
  }
  return {
    kind: 'topology',
    title: `${s.service}: topology (${s.tier} ${s.strategy})`,
    mermaid: lines.join('\n'),
  };
}

// ---------------------------------------------------------------------------------------------------
// Timelines

/** The part of a recovery a step is, read from the steps the report's figures are made of. */
export type Phase =
  | 'detection'
  | 'ttl'
  | 'absorb'
  | 'decision'
  | 'writer-creation'
  | 'promotion'
  | 'scale-up'
  | 'rejoin'
  | 'restore'
  | 'guard'
  | 'blocked'
  | 'zonal-failover'
  | 'gray-detection'
  | 'zonal-shift'
  | 'dns'
  | 'total'
  | 'other';

/** One bar of a timeline. `seconds` undefined: unknown, drawn `nominal` wide and labelled so. */
export interface TimelineBar {
  readonly phase: Phase;
  readonly label: string;
  readonly start: number;
  readonly seconds?: number;
  /** The width an unknown bar is drawn with: not a measurement. */
  readonly nominal?: number;
  /** Where the duration comes from: published figures, the template, the owner's statement, a drill. */
  readonly source: string;
  readonly resource: string;
  /** It waits for a step of unknown duration: it starts later than drawn. */
  readonly afterUnknown?: boolean;
  /** Why a step never starts (phase `blocked`): drawn as a mark, not as a duration. */
  readonly why?: string;
}

/** A failure domain's recovery in time. */
export interface Timeline {
  readonly domain: FailureDomainName;
  readonly objective: number;
  readonly bars: readonly TimelineBar[];
  /** Where the known steps end: the figure when proven, its known part (≥) when not; null when nothing recovers. */
  readonly knownEnd: number | null;
  readonly proven: boolean;
  /** Why nothing recovers by itself, when the report says so. */
  readonly never?: string;
  /** Width of an unknown bar: a tenth of the objective. */
  readonly nominal: number;
}

/** Which part of a recovery a derivation step is. */
export function phaseOf(step: DerivationStep): Phase {
  const b = step.basis;
  if (step.quantity === 'azRto') {
    if (step.failure === 'gray' || b.startsWith('gray failure of an AZ')) {
      const what = b.slice(b.indexOf(':') + 2);
      return /^detection \S+ s \+/.test(what) || what.includes('≥')
        ? 'total'
        : what.startsWith('detection') || what.startsWith('per-AZ alarms') || what.startsWith('no per-AZ alarm')
          ? 'gray-detection'
          : what.startsWith('zonal shift')
            ? 'zonal-shift'
            : what.startsWith('DNS')
              ? 'dns'
              : 'other';
    }
    return 'zonal-failover';
  }
  if (step.quantity !== 'regionRto') {
    return 'other';
  }
  if (/^detection \S+ s \+/.test(b)) {
    return 'total';
  }
  if (
    step.figures.includes('ROUTE53_HTTP_CHECK_TIMEOUT_SECONDS') ||
    step.figures.includes('GCE_HEALTH_CHECK_DEFAULTS') ||
    b.startsWith('health check with settings') ||
    b.includes('health evaluated through the alias target')
  ) {
    return 'detection';
  }
  const starts: readonly [string, Phase][] = [
    ['when a region fails, the regions left carry', 'absorb'],
    ['a person is paged', 'decision'],
    ['an alarm starts the runbooks', 'decision'],
    ['no one decides', 'decision'],
    ['nothing starts the', 'blocked'],
    ['the analysed templates place the service in one region', 'blocked'],
    ['the secondary is headless: the runbook creates a writer', 'writer-creation'],
    ['Aurora Global Database failover', 'promotion'],
    ['clients of the service name carry credentials', 'blocked'],
    ['Cloud SQL', 'promotion'],
    ['Spanner moves the leaders', 'promotion'],
    ['scales from', 'scale-up'],
    ['ECS service scales from', 'scale-up'],
    ['Lambda function with', 'scale-up'],
    ['autoscaler scales the group', 'scale-up'],
    ['the standby starts with no instance', 'rejoin'],
    ["the standby's deep health check fails until", 'rejoin'],
    ['backup and restore: the RTO is the restore time', 'restore'],
    ['restore-time alarm', 'guard'],
  ];
  const found = starts.find(([prefix]) => b.startsWith(prefix));
  if (found) {
    return found[1];
  }
  if (
    /no standby fleet in the analysed templates/.test(b) ||
    /has no instance and no runbook adds a writer/.test(b) ||
    /traffic does not move by itself/.test(b) ||
    /no global load balancer|no health-checked|backend/.test(b)
  ) {
    return /no standby fleet/.test(b) ? 'scale-up' : 'blocked';
  }
  return 'other';
}

/** Where a step's duration comes from, in a few words. */
function sourceOf(step: DerivationStep): string {
  if (step.measurement) {
    const m = step.measurement;
    return m.status === 'fresh' ? `drill of ${m.measuredOn}` : `${m.status} drill of ${m.measuredOn}, not counted`;
  }
  if (step.figures.length > 0) {
    return `published ${step.figures.join(', ')}`;
  }
  if (step.basis.includes('the owner states')) {
    return 'stated by the owner';
  }
  return step.value === undefined ? 'no published figure' : 'the template';
}

const PHASE_NAMES: Record<Phase, string> = {
  detection: 'detection',
  ttl: 'clients keep the cached DNS answer',
  absorb: 'the regions left absorb the load',
  decision: 'decision',
  'writer-creation': 'writer creation',
  promotion: 'promotion',
  'scale-up': 'scale-up',
  rejoin: 'standby passes its health checks',
  restore: 'restore',
  guard: 'restore-time alarm',
  blocked: 'never starts',
  'zonal-failover': 'failover',
  'gray-detection': 'gray failure detection',
  'zonal-shift': 'zonal shift',
  dns: 'DNS TTL',
  total: 'total',
  other: 'step',
};

/**
 * The timeline of a failure domain, laid out as the report composes its figure. Region: detection,
 * then the TTL beside decision → (writer creation → promotion) ∥ scale-up → standby rejoin. Zone: every
 * failover path side by side from the loss, a gray failure's detection → zonal shift → DNS in a row.
 * A bar after an unknown one starts where the known steps end (the report's `≥`): its true start is later.
 */
export function timelineOf(s: ServiceReport, domain: FailureDomainName): Timeline {
  const quantity = domain === 'zone' ? 'azRto' : 'regionRto';
  const objective = domain === 'zone' ? s.objectives.azRtoSeconds : s.objectives.regionRtoSeconds;
  const nominal = Math.max(1, Math.round(objective / 10));
  const steps = s.derivation.filter((d) => d.quantity === quantity);
  const bars: TimelineBar[] = [];
  const bar = (step: DerivationStep, phase: Phase, start: number, afterUnknown = false): TimelineBar => {
    const b: TimelineBar = {
      ...(afterUnknown ? { afterUnknown } : {}),
      phase,
      label: PHASE_NAMES[phase],
      start,
      seconds: step.value,
      ...(step.value === undefined && phase !== 'blocked' ? { nominal } : {}),
      ...(phase === 'blocked' ? { why: step.basis } : {}),
      source: sourceOf(step),
      resource: `${step.stack}/${step.resource}`,
    };
    bars.push(b);
    return b;
  };
  const known = (list: readonly TimelineBar[]) => list.reduce((sum, b) => sum + (b.seconds ?? 0), 0);
  const unknown = (list: readonly TimelineBar[]) => list.some((b) => b.seconds === undefined || b.afterUnknown);
  const knownEnd = s.lowerBounds[quantity];
  // The report's figure is null unless every step is known: only then is the end the RTO itself.
  const proven = (domain === 'zone' ? s.azRtoSeconds : s.regionRtoSeconds) !== null;
  const blocked = steps.filter((d) => phaseOf(d) === 'blocked');
  const never = blocked.length > 0 && s.status[quantity] === 'not-met' ? blocked[0].basis : undefined;

  if (domain === 'zone') {
    const grays = new Map<string, DerivationStep[]>();
    for (const step of steps) {
      const phase = phaseOf(step);
      if (phase === 'zonal-failover' || phase === 'other') {
        bar(step, phase, 0);
      } else if (phase !== 'total') {
        const key = `${step.stack}/${step.resource}`;
        grays.set(key, [...(grays.get(key) ?? []), step]);
      }
    }
    for (const chain of grays.values()) {
      let at = 0;
      let waits = false;
      for (const step of chain) {
        const b = bar(step, phaseOf(step), at, waits);
        at += b.seconds ?? 0;
        waits ||= b.seconds === undefined;
      }
    }
    return { domain, objective, bars, knownEnd, proven, never, nominal };
  }

  const of = (phase: Phase) => steps.filter((d) => phaseOf(d) === phase);
  const restore = of('restore');
  if (restore.length > 0) {
    for (const step of restore) {
      bar(step, 'restore', 0);
    }
    // An alarm on restores running too long guards the figure without bounding it: a mark where it fires.
    for (const step of of('guard')) {
      const fires = /have run for (\d+) s/.exec(step.basis);
      if (fires) {
        bars.push({
          phase: 'guard',
          label: 'restore-time alarm fires',
          start: Number(fires[1]),
          seconds: 0,
          source: 'the template',
          resource: `${step.stack}/${step.resource}`,
        });
      }
    }
    return { domain, objective, bars, knownEnd, proven, never, nominal };
  }
  const detection = of('detection').map((step) => bar(step, 'detection', 0));
  const detected = Math.max(0, ...detection.map((b) => b.seconds ?? 0));
  const total = of('total')[0];
  const ttl = total ? /TTL (\d+) s/.exec(total.basis) : null;
  // A global load balancer moves traffic without DNS: no TTL to wait for.
  if (ttl && Number(ttl[1]) > 0) {
    bars.push({
      phase: 'ttl',
      label: PHASE_NAMES.ttl,
      start: detected,
      seconds: Number(ttl[1]),
      ...(unknown(detection) ? { afterUnknown: true } : {}),
      source:
        detection.length > 0 && of('detection').some((d) => d.figures.includes('ROUTE53_ALIAS_ELB_TTL_SECONDS'))
          ? 'published ROUTE53_ALIAS_ELB_TTL_SECONDS'
          : 'the template',
      resource: `${total.stack}/${total.resource}`,
    });
  }
  const late = unknown(detection);
  for (const step of of('absorb')) {
    bar(step, 'absorb', detected, late);
  }
  const decision = of('decision').map((step) => bar(step, 'decision', detected, late));
  const decided = detected + Math.max(0, ...decision.map((b) => b.seconds ?? 0));
  let promoted = decided;
  const writers: TimelineBar[] = [];
  for (const step of of('writer-creation')) {
    const b = bar(step, 'writer-creation', promoted, unknown([...decision, ...writers]) || late);
    writers.push(b);
    promoted += b.seconds ?? 0;
  }
  const promotion = of('promotion').map((step) =>
    bar(step, 'promotion', promoted, unknown([...decision, ...writers]) || late),
  );
  const scaleUp = of('scale-up').map((step) => bar(step, 'scale-up', decided, unknown(decision) || late));
  const ready = Math.max(promoted + known(promotion), decided + known(scaleUp));
  for (const step of of('rejoin')) {
    // A standby that serves already rejoins once its database is the writer, while it may still scale up.
    const afterPromotion = step.basis.startsWith("the standby's deep health check");
    const start = afterPromotion ? promoted + known(promotion) : ready;
    const before = afterPromotion
      ? [...decision, ...writers, ...promotion]
      : [...decision, ...writers, ...promotion, ...scaleUp];
    bar(step, 'rejoin', start, unknown(before) || late);
  }
  for (const step of [...blocked, ...of('other')]) {
    bar(step, phaseOf(step), detected, late);
  }
  return { domain, objective, bars, knownEnd, proven, never, nominal };
}

/** Seconds after the failure as a gantt date (`2000-01-01 00:06:36`), local time both ways. */
function at(seconds: number): string {
  const whole = Math.round(seconds);
  const day = 1 + Math.floor(whole / 86400);
  const rest = whole % 86400;
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
  return `2000-01-${pad(day)} ${time}`;
}

/** What the axis counts: the hour wraps to 00 at 24 h, which the title says. */
function axisUnit(horizon: number): string {
  const unit = horizon < 3600 ? 'minutes and seconds' : 'hours and minutes';
  return `${unit} after the failure${horizon >= 86400 ? ' (00 00 again at 24 h)' : ''}`;
}

/** A bar's text: what, how long (or unknown, with its drawn width), and from where. */
export function barText(bar: TimelineBar): string {
  if (bar.why !== undefined) {
    return ganttText(`never starts - ${bar.why}`);
  }
  const duration =
    bar.phase === 'guard'
      ? `after restores ran ${formatSeconds(bar.start)}, it does not bound the restore`
      : bar.seconds === undefined
        ? `unknown (drawn ${formatSeconds(bar.nominal ?? 0)} wide, not a measurement)`
        : formatSeconds(bar.seconds);
  const resource = bar.resource.slice(bar.resource.indexOf('/') + 1).replace(/^service:/, 'service ');
  const late = bar.afterUnknown ? ' (waits for an unknown step: starts later than drawn)' : '';
  return ganttText(`${bar.label} ${duration}${late} - ${bar.source} - ${resource}`);
}

/** A timeline as a Mermaid gantt: a bar per step (unknown ones `crit`); objective and known end as milestones. */
export function timelineDiagram(s: ServiceReport, domain: FailureDomainName): Diagram {
  const t = timelineOf(s, domain);
  const name = domain === 'zone' ? 'zone' : 'region';
  const ends = t.bars.map((b) => b.start + (b.seconds ?? b.nominal ?? 0));
  const horizon = Math.max(t.objective, t.knownEnd ?? 0, ...ends);
  const lines = [
    'gantt',
    `  title ${ganttText(`${s.service}, loss of a ${name} - recovery steps, axis in ${axisUnit(horizon)}`)}`,
    '  dateFormat YYYY-MM-DD HH:mm:ss',
    `  axisFormat ${horizon < 3600 ? '%M:%S' : '%H:%M'}`,
    '  todayMarker off',
  ];
  const sections = new Map<string, TimelineBar[]>();
  for (const b of t.bars) {
    const section = SECTION[b.phase];
    sections.set(section, [...(sections.get(section) ?? []), b]);
  }
  let n = 0;
  for (const [section, list] of sections) {
    lines.push(`  section ${ganttText(section)}`);
    for (const b of list) {
      const width = b.seconds ?? b.nominal ?? 0;
      const tags =
        b.why !== undefined
          ? 'crit, milestone, '
          : b.seconds === undefined
            ? 'crit, '
            : width === 0
              ? 'milestone, '
              : '';
      lines.push(`    ${barText(b)} :${tags}b${++n}, ${at(b.start)}, ${at(b.start + width)}`);
    }
  }
  lines.push('  section objective');
  const figure = domain === 'zone' ? 'AZ' : 'region';
  const objectiveLabel = `${s.tier} ${figure} RTO objective ${formatSeconds(t.objective)}`;
  lines.push(`    ${ganttText(objectiveLabel)} :milestone, objective, ${at(t.objective)}, ${at(t.objective)}`);
  if (t.never !== undefined) {
    const never = ganttText(`never recovers by itself - ${t.never}`);
    lines.push(`    ${never} :crit, milestone, never, ${at(0)}, ${at(0)}`);
  } else if (t.knownEnd !== null) {
    const end = t.proven ? `RTO ${formatSeconds(t.knownEnd)}` : `known steps end, RTO ≥ ${formatSeconds(t.knownEnd)}`;
    lines.push(`    ${ganttText(end)} :milestone, known, ${at(t.knownEnd)}, ${at(t.knownEnd)}`);
  }
  return {
    kind: 'timeline',
    domain,
    title: `${s.service}: loss of a ${name}, recovery timeline`,
    mermaid: lines.join('\n'),
  };
}

const SECTION: Record<Phase, string> = {
  detection: 'detection',
  'gray-detection': 'gray failure of an AZ',
  ttl: 'DNS',
  dns: 'gray failure of an AZ',
  'zonal-shift': 'gray failure of an AZ',
  absorb: 'capacity',
  decision: 'decision',
  'writer-creation': 'data',
  promotion: 'data',
  'scale-up': 'capacity',
  rejoin: 'DNS',
  restore: 'restore',
  guard: 'restore',
  blocked: 'never starts',
  'zonal-failover': 'AZ lost outright',
  total: 'total',
  other: 'other steps, order not known',
};
