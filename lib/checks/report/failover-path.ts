import { AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS, DrStrategy } from '../../core';
import { ResourceGraph } from '../graph/graph';
import { GraphResource } from '../graph/model';
import { isAurora, regionReplication } from '../graph/stores';
import { num } from '../graph/values';
import type { DerivationStep } from '../model';
import { ServiceStack } from '../services';
import { REGION_DRILL, serviceAnchor } from './figure';

/**
 * The steps after detection that make the standby region serve, in order, with what starts them:
 * the decision (an alarm, or a person's stated time), then in parallel the database promotion
 * (with a writer added first to a headless secondary) and the fleet's scale-up (launch and
 * warm-up). A step no runbook performs is never started (`unstarted`); a duration no figure
 * bounds is unknown.
 */
export function failoverPath(graph: ResourceGraph, stacks: readonly ServiceStack[], stores: readonly GraphResource[], strategy: DrStrategy): {
  steps: DerivationStep[]; promotion: DerivationStep[]; scaleUp: DerivationStep[]; decision?: DerivationStep; unstarted: boolean;
  /** A person's stated decision time is in the sum: a figure nobody measured, so the total stays unproven. */
  stated: boolean;
  /** A standby fleet starts from no instance: its region's health checks fail until it serves. */
  fromZero: boolean;
} {
  const anchor = serviceAnchor(stacks);
  const promotion: DerivationStep[] = [];
  for (const store of stores) {
    if ((store.type === 'AWS::RDS::DBCluster' || store.type === 'aws_rds_cluster') && isAurora(store) && regionReplication(graph, store)) {
      promotion.push({ quantity: 'regionRto', stack: store.stack, resource: store.address, value: AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS, basis: 'Aurora Global Database managed failover promotes the secondary', figures: ['AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS'] });
    } else if (store.type === 'google_sql_database_instance' && regionReplication(graph, store)) {
      promotion.push({ quantity: 'regionRto', stack: store.stack, resource: store.address, basis: 'Cloud SQL cross-region replica promotion: time not published', figures: [] });
    }
  }
  const scaleUp = strategy === DrStrategy.ACTIVE_ACTIVE ? [] : scaleUpSteps(stacks, strategy);
  const fromZero = strategy !== DrStrategy.ACTIVE_ACTIVE && fleetsOfRole(stacks, 'standby')
    .some((r) => (num(r.properties.MinSize ?? r.properties.min_size) ?? 0) === 0);
  if (promotion.length === 0 && scaleUp.length === 0) {
    return { steps: [], promotion, scaleUp, unstarted: false, stated: false, fromZero };
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
      basis: `a person is paged, decides to fail over and starts the runbooks within the ${decisionSeconds} s the owner states: `
        + `a stated figure, counted in full and unproven until ${REGION_DRILL} times it`, figures: [] }
    : starters.length > 0
      ? alarmDecision(graph, starters)
      : { quantity: 'regionRto', ...anchor, basis: 'nothing starts the failover', figures: [] };
  steps.push(decision);
  const writer = promoters.find((r) => r.failoverStep!.createsWriter);
  // A headless secondary (storage, no instance) promoted as it is serves nothing: something must add a writer.
  const headless = promotion.length > 0 ? headlessSecondaries(graph, stacks) : [];
  if (headless.length > 0 && promoters.length > 0 && !writer) {
    unstarted = true;
    steps.push({ quantity: 'regionRto', stack: headless[0].stack, resource: headless[0].address,
      basis: `the secondary ${headless[0].address} has no instance and no runbook adds a writer: promoted, it serves nothing`, figures: [] });
  }
  const promotionPath: DerivationStep[] = writer
    ? [{ quantity: 'regionRto', stack: writer.stack, resource: writer.address, basis: `the secondary is headless: the runbook creates a writer first, a duration AWS does not publish (measure it with ${REGION_DRILL})`, figures: [] }, ...promotion]
    : promotion;
  steps.push(...promotionPath, ...scaleUp);
  return { steps, promotion: promotionPath, scaleUp, decision, unstarted, stated: people.length > 0, fromZero };
}

const ALARM_TYPES = ['AWS::CloudWatch::Alarm', 'aws_cloudwatch_metric_alarm', 'AWS::CloudWatch::CompositeAlarm', 'aws_cloudwatch_composite_alarm'];
const RULE_TYPES = ['AWS::Events::Rule', 'aws_cloudwatch_event_rule', 'aws_cloudwatch_event_target'];

/**
 * An alarm starts the runbooks: the decision is the alarm's own evaluation (period × datapoints),
 * read from the alarm the starting rule matches. Counted after detection, which it overlaps: never in our favour.
 */
function alarmDecision(graph: ResourceGraph, starters: readonly GraphResource[]): DerivationStep {
  const rules = starters.flatMap((r) => graph.referrersOf(r, ...RULE_TYPES));
  const alarms = [...new Set([...rules, ...rules.flatMap((r) => graph.referencedBy(r, ...RULE_TYPES))]
    .flatMap((r) => graph.referencedBy(r, ...ALARM_TYPES)))];
  const seconds = alarms.map((alarm) => {
    const p = alarm.properties;
    const period = num(p.Period ?? p.period);
    const periods = num(p.DatapointsToAlarm ?? p.datapoints_to_alarm) ?? num(p.EvaluationPeriods ?? p.evaluation_periods);
    return period === undefined || periods === undefined ? undefined : period * periods;
  });
  const first = alarms[0] ?? starters[0];
  if (alarms.length === 0 || seconds.some((v) => v === undefined)) {
    return { quantity: 'regionRto', stack: first.stack, resource: first.address, figures: [],
      basis: 'an alarm starts the runbooks (EventBridge): its evaluation time is not literal in the templates (a composite alarm, or a rule not found)' };
  }
  const value = Math.max(...(seconds as number[]));
  return { quantity: 'regionRto', stack: first.stack, resource: first.address, value, figures: [],
    basis: `an alarm starts the runbooks (EventBridge) once it has evaluated ${value} s of failure: no human step` };
}

function fleetsOfRole(stacks: readonly ServiceStack[], role: string): GraphResource[] {
  return stacks.flatMap((s) => s.resources)
    .filter((r) => (r.type === 'AWS::AutoScaling::AutoScalingGroup' || r.type === 'aws_autoscaling_group') && r.ha?.role === role);
}

/** Aurora clusters of the service that join a global database without an instance of their own. */
function headlessSecondaries(graph: ResourceGraph, stacks: readonly ServiceStack[]): GraphResource[] {
  return stacks.flatMap((s) => s.resources).filter((r) => (r.type === 'AWS::RDS::DBCluster' || r.type === 'aws_rds_cluster')
    && isAurora(r) && r.ha?.role !== 'primary' && (r.properties.GlobalClusterIdentifier ?? r.properties.global_cluster_identifier) !== undefined
    && graph.referrersOf(r, 'AWS::RDS::DBInstance', 'aws_rds_cluster_instance').length === 0);
}

/** Time for a standby region's fleets to reach the primary's capacity (warm standby, pilot light). */
function scaleUpSteps(stacks: readonly ServiceStack[], strategy: DrStrategy): DerivationStep[] {
  const fleets = (role: string) => fleetsOfRole(stacks, role);
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
