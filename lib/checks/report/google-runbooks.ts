import { UPTIME_CHECK_DEFAULT_PERIOD_SECONDS } from '../../core';
import { ResourceGraph } from '../graph/graph';
import { GraphResource } from '../graph/model';
import { googleAlertStart } from '../graph/google-alerts';
import { block, blocks, str } from '../graph/values';
import type { DerivationStep } from '../model';
import { DrillRecords, measurementOf } from './drill-measurements';
import { GOOGLE_REGION_DRILL_NAME } from './figure';

export { GOOGLE_RUNBOOK_TYPES, isGoogleRegionDrill } from '../graph/google-workflows';

/**
 * An alert starts Google runbooks: Eventarc triggers on the Pub/Sub topic of a notification channel
 * start the workflows, and the alert policies that notify the channel decide. The decision is
 * at least the policies' own evaluation (the condition's duration after one alignment period and,
 * for an uptime check's condition, one period of the check),
 * read from the templates; Cloud Monitoring publishes no time from a condition met to the
 * notification published, so the step stays unknown until a drill's fresh `decision` measurement,
 * recorded on a workflow, bounds it (the longer of the two counts).
 * @see https://cloud.google.com/monitoring/alerts/concepts-indepth
 */
export function googleAlertDecision(
  graph: ResourceGraph,
  starters: readonly GraphResource[],
  drills: DrillRecords,
): DerivationStep {
  const { triggers, policies: alerts } = googleAlertStart(graph, starters);
  const windows = alerts.map((a) => evaluationSeconds(graph, a));
  const first = alerts[0] ?? triggers[0] ?? starters[0];
  const at = { quantity: 'regionRto' as const, stack: first.stack, resource: first.address, figures: [] };
  const known = alerts.length > 0 && windows.every((w) => w !== undefined);
  const window = known ? Math.max(...(windows as number[])) : undefined;
  const says =
    triggers.length === 0
      ? 'an alert is said to start the runbooks, but no Eventarc trigger starts them'
      : alerts.length === 0
        ? 'an Eventarc trigger starts the runbooks on a Pub/Sub topic that no alert policy in the templates notifies'
        : window === undefined
          ? 'an alert starts the runbooks (Eventarc on its Pub/Sub channel); its evaluation time is not literal in the templates'
          : `an alert starts the runbooks (Eventarc on its Pub/Sub channel) once it has evaluated ${window} s of failure`;
  const found = measurementOf(drills, 'decision', starters, true);
  if (found?.counts && triggers.length > 0 && alerts.length > 0) {
    const seconds = Math.max(window ?? 0, found.measurement.seconds);
    return {
      ...at,
      value: seconds,
      measurement: found.measurement,
      basis: `${says}; ${found.text}: ${seconds} s counts`,
    };
  }
  return {
    ...at,
    ...(found ? { measurement: found.measurement } : {}),
    basis:
      `${says}, plus the time Cloud Monitoring takes to publish the notification, which Google does not publish: ` +
      "no human step, unknown until a drill lets the alert fire and times the incident to the runbooks' start " +
      `(${GOOGLE_REGION_DRILL_NAME} starts them itself, so it does not)${found ? `; ${found.text}` : ''}`,
  };
}

/**
 * Seconds a policy needs to open an incident: the longest condition's alignment period and
 * duration, after the period of the uptime check it counts (the first failing result comes up to
 * one period after the failure; a check with no period runs every 60 s).
 * @see https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.uptimeCheckConfigs
 */
function evaluationSeconds(graph: ResourceGraph, policy: GraphResource): number | undefined {
  const checks = graph.referencedBy(policy, 'google_monitoring_uptime_check_config');
  const periods = checks.map((c) =>
    c.properties.period === undefined ? UPTIME_CHECK_DEFAULT_PERIOD_SECONDS : seconds(c.properties.period),
  );
  if (periods.some((p) => p === undefined)) {
    return undefined;
  }
  const period = Math.max(0, ...(periods as number[]));
  const conditions = blocks(policy.properties.conditions);
  if (conditions.length === 0) {
    return undefined;
  }
  const each = conditions.map((c) => {
    const body =
      block(c.condition_threshold) ??
      block(c.condition_absent) ??
      block(c.condition_monitoring_query_language) ??
      block(c.condition_prometheus_query_language);
    if (!body) {
      return undefined;
    }
    const duration = seconds(body.duration);
    const alignment = Math.max(0, ...blocks(body.aggregations).map((a) => seconds(a.alignment_period) ?? 0));
    return duration === undefined ? undefined : period + duration + alignment;
  });
  return each.some((s) => s === undefined) ? undefined : Math.max(...(each as number[]));
}

/** `180s` as 180; undefined for anything else (a reference, a missing value). */
function seconds(value: unknown): number | undefined {
  const text = str(value);
  const match = text === undefined ? null : /^(\d+(?:\.\d+)?)s$/.exec(text);
  return match ? Number(match[1]) : undefined;
}
