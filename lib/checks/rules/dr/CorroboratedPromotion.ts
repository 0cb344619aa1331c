import { failoverAlertEvidence, failoverWitnessWaitFloorSeconds } from '../../../core';
import { failoverAlertIntentOf, googleAlertStart } from '../../graph/google-alerts';
import { GraphResource } from '../../graph/model';
import { ResourceGraph } from '../../graph/graph';
import { block, num, str } from '../../graph/values';
import { isServingStack } from '../../services';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';

const ALARM_TYPES = [
  'AWS::CloudWatch::Alarm',
  'aws_cloudwatch_metric_alarm',
  'AWS::CloudWatch::CompositeAlarm',
  'aws_cloudwatch_composite_alarm',
];

/**
 * HA-DR10: a promotion an alarm starts waits for a witness: an alarm of a third region, neither the
 * runbook's nor a serving one, that a witness unable to run cannot set off. On Google Cloud the
 * alert is its own witness when it counts uptime checks failing from several checker locations
 * (core's `failoverAlertEvidence`).
 *
 * AWS (an SSM Automation document):
 *
 * | promotion runbook (failover-step record) | witness alarm in the templates    | finding                       |
 * |-------------------------------------------|-----------------------------------|-------------------------------|
 * | started by a person                       | not needed: the person decides    | none                          |
 * | started by an alarm, no witness           | -                                 | error: one vantage point      |
 * | witness in the runbook's own region       | -                                 | error: same network path      |
 * | witness in a region the service serves    | -                                 | error: lost with it           |
 * | witness in a third region                 | missing data not breaching        | none                          |
 * | witness in a third region                 | missing data breaching            | error: a blind witness agrees |
 * | witness in a third region                 | its canary requests another URL   | error: another endpoint       |
 * | witness in a third region                 | waited for less than its period × (evaluation periods + 1) | error: a missed run pages |
 * | witness in a third region                 | not there                         | undecided                     |
 *
 * Google Cloud (a Workflows workflow; the alert policies that notify the Pub/Sub channel of the topic
 * its Eventarc trigger listens on):
 *
 * | promotion workflow  | alert policies that notify its topic                         | finding     |
 * |---------------------|--------------------------------------------------------------|-------------|
 * | started by a person | not needed                                                   | none        |
 * | started by an alert | uptime `check_passed`, `REDUCE_COUNT_FALSE`, GT 1            | none        |
 * | started by an alert | `AND` of that and a one-region condition                     | none        |
 * | started by an alert | GT 0: one failing location opens it                          | error       |
 * | started by an alert | no cross-series reducer, or grouped by `checker_location`    | error       |
 * | started by an alert | another metric (latency, errors, lag), or data absent        | error       |
 * | started by an alert | an SLO's burn rate (`select_slo_burn_rate`): any cause       | error       |
 * | started by an alert | `OR` of a corroborated and a one-region condition            | error       |
 * | started by an alert | needs more failing locations than the check has checkers     | error: dead |
 * | started by an alert | a query condition, a threshold or metric not literal         | undecided   |
 * | started by an alert | none in the analysed templates, or no Eventarc trigger       | undecided   |
 */
export const CorroboratedPromotion: HaRule = {
  id: 'HA-DR10',
  level: 'error',
  category: 'recovery',
  info:
    'A database promotion runbook started by an alarm (a failover-step record `startedBy: alarm`) names a witness: ' +
    "an alarm in a region that is neither the runbook's nor one the service serves from, whose missing data is not " +
    "breaching and whose canary requests the trigger's URL (where the templates show both); the witness alarm is " +
    'among the analysed templates. On Google Cloud, a promotion workflow an alert starts is notified only by alert ' +
    'policies that count uptime checks failing from more than one checker location (a condition on ' +
    '`uptime_check/check_passed` reduced with `REDUCE_COUNT_FALSE`, compared so that at least 2 locations fail, ' +
    'within the checkers the check runs from).',
  explanation:
    'A promotion loses the writes not yet replicated. Started by one probe from the standby region, it fires for ' +
    "any cause, including the standby's own network path to the serving region, after which both regions may take " +
    'writes. A witness in a third region probing the same endpoint corroborates that the endpoint fails from a ' +
    "third vantage point too, which rules out the standby's own path; it does not say why the endpoint fails (a " +
    'failure the path to the standby causes in the serving region, such as commits blocked by a managed RPO, fails ' +
    'both). The runbook waits for it and otherwise pages a person. A witness in the serving region is lost with ' +
    'it and never agrees; one that treats missing data as breaching agrees when it cannot run. A trigger that ' +
    'already combines ' +
    'independent vantage points (a composite alarm) is acknowledged with that reason. Google runs uptime checks ' +
    'from checkers outside the service (three in the USA, one each in Europe, South America and Asia-Pacific): an ' +
    'alert that opens only when two of them fail is corroborated by independent paths; one on a single checker or ' +
    "on one region's metric is not.",
  resourceTypes: ['AWS::SSM::Document', 'aws_ssm_document', 'google_workflows_workflow'],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    const google = graph
      .ofType('google_workflows_workflow')
      .filter((r) => r.failoverStep?.step === 'promotion' && r.failoverStep.startedBy === 'alarm')
      .map((workflow) => googleAlertEvaluation(graph, workflow));
    return [...awsEvaluations(context), ...google];
  },
};

/** The AWS runbooks: the witness alarm each names. */
function awsEvaluations(context: RuleContext): Evaluation[] {
  const { graph } = context;
  return graph
    .ofType('AWS::SSM::Document', 'aws_ssm_document')
    .filter((r) => r.failoverStep?.step === 'promotion' && r.failoverStep.startedBy === 'alarm')
    .map((runbook) => {
      const witness = runbook.failoverStep!.witness;
      if (!witness) {
        return outcome(
          runbook,
          `${runbook.address} promotes the secondary (losing the writes not yet replicated) when one alarm ` +
            "fires, with no witness: trouble on the standby region's own path to the serving region promotes it " +
            'too; give ' +
            'FailoverTrigger.alarm a witness (an alarm in a third region probing the same endpoint)',
        );
      }
      const named = `the witness alarm ${witness.alarmName} in ${witness.region}`;
      if (runbook.region !== undefined && witness.region === runbook.region) {
        return outcome(
          runbook,
          `${runbook.address}: ${named} is in the runbook's own region, on the same network path as the trigger: ` +
            'name an alarm of a third region',
        );
      }
      if (servingRegions(context, runbook).includes(witness.region)) {
        return outcome(
          runbook,
          `${runbook.address}: ${named} is in a region the service serves from: lost with it, it never agrees and ` +
            'the promotion always stops for a person; name an alarm of a third region',
        );
      }
      const alarm = graph
        .ofType(...ALARM_TYPES)
        .find(
          (a) =>
            a.region === witness.region && str(a.properties.AlarmName ?? a.properties.alarm_name) === witness.alarmName,
        );
      if (!alarm) {
        return undecided(
          runbook,
          `${named} is not in the analysed templates: whether it exists, and what it watches, ` +
            'is not known (add its stack)',
        );
      }
      // Missing data left missing or ignored keeps a blind witness out of ALARM; only breaching sets it off.
      const missing = str(alarm.properties.TreatMissingData ?? alarm.properties.treat_missing_data);
      if (missing === 'breaching') {
        return outcome(
          runbook,
          `${runbook.address}: ${named} treats missing data as breaching: a witness that cannot run would ` +
            'agree that the serving region is lost; set it to notBreaching',
        );
      }
      // A missed witness run restarts its chain: a shorter wait stops the promotion for a page.
      const period = num(alarm.properties.Period ?? alarm.properties.period);
      const periods = num(alarm.properties.EvaluationPeriods ?? alarm.properties.evaluation_periods);
      const floor =
        period === undefined || periods === undefined ? undefined : failoverWitnessWaitFloorSeconds(period, periods);
      if (floor !== undefined && witness.waitSeconds < floor) {
        return outcome(
          runbook,
          `${runbook.address} waits ${witness.waitSeconds} s for ${named}, which fires up to ${period} s × ` +
            `(${periods} + 1) = ${floor} s after the trigger when its probe misses one run (its chain restarts): ` +
            'the promotion then stops for a page instead; wait at least that long (FailoverWitness.wait, or give ' +
            'alarmPeriod and alarmEvaluationPeriods)',
        );
      }
      // Where the templates show both probes' URLs, the witness must request what the trigger requests.
      const seen = probedUrl(graph, alarm);
      const triggers = triggerAlarms(graph, runbook)
        .map((trigger) => probedUrl(graph, trigger))
        .filter((url): url is string => url !== undefined);
      const other = triggers.find((url) => seen !== undefined && url !== seen);
      return outcome(
        runbook,
        other === undefined
          ? undefined
          : `${runbook.address}: ${named} probes ${seen}, the trigger ${other}: it does not see the same endpoint, ` +
              'so its agreement says nothing about what the trigger saw; probe the same URL from the third region',
      );
    });
}

/**
 * A Google promotion workflow an alert starts: every alert policy whose incidents reach it must rest
 * on several checker locations; one that does not decides alone, one the library cannot read leaves
 * the rule undecided.
 */
function googleAlertEvaluation(graph: ResourceGraph, workflow: GraphResource): Evaluation {
  const { triggers, topics, policies } = googleAlertStart(graph, [workflow]);
  if (triggers.length === 0) {
    return undecided(
      workflow,
      `${workflow.address} records that an alert starts it, but no Eventarc trigger in the analysed templates does: ` +
        'what starts it is not known (add its stack)',
    );
  }
  if (policies.length === 0) {
    return undecided(
      workflow,
      `no alert policy in the analysed templates notifies ${topics.join(', ') || "its Eventarc trigger's topic"}: ` +
        'what opens the incidents that promote is not known (add its stack)',
    );
  }
  const judged = policies.map((policy) => {
    const intent = failoverAlertIntentOf(graph, policy);
    return { name: intent.name, ...failoverAlertEvidence(intent) };
  });
  const single = judged.find((j) => j.corroborated === false);
  if (single) {
    return outcome(
      workflow,
      `${workflow.address} promotes the DR replica (losing the writes not yet replicated) on every incident of the ` +
        `alert ${single.name}, which ${single.why}; alert on uptime checks failing from more than one location ` +
        '(REDUCE_COUNT_FALSE across checker locations, COMPARISON_GT 1)',
    );
  }
  const unread = judged.find((j) => j.corroborated === undefined);
  return unread
    ? undecided(workflow, `the alert ${unread.name}, whose incidents promote, ${unread.why}`)
    : outcome(workflow, undefined);
}

/** Regions from which the runbook's service serves now (its stacks with a primary load balancer, fleet or function). */
function servingRegions(context: RuleContext, runbook: GraphResource): string[] {
  const service = context.services.recordOf(runbook)?.service ?? runbook.ha?.service;
  if (service === undefined) {
    return [];
  }
  return context.services
    .stacksOf(service)
    .filter(isServingStack)
    .flatMap((s) => s.region ?? [])
    .filter((region, i, all) => all.indexOf(region) === i);
}

const RULE_TYPES = ['AWS::Events::Rule', 'aws_cloudwatch_event_rule', 'aws_cloudwatch_event_target'];
const CANARY_TYPES = ['AWS::Synthetics::Canary', 'aws_synthetics_canary'];

/** The alarms whose change starts the runbook: those its EventBridge rules (or their targets) match. */
function triggerAlarms(graph: ResourceGraph, runbook: GraphResource): GraphResource[] {
  const rules = graph.referrersOf(runbook, ...RULE_TYPES);
  return [...rules, ...rules.flatMap((r) => graph.referencedBy(r, ...RULE_TYPES))].flatMap((r) =>
    graph.referencedBy(r, ...ALARM_TYPES),
  );
}

/** The URL the canary behind an alarm requests (`PROBE_URL`, as this library's canaries run), when literal. */
function probedUrl(graph: ResourceGraph, alarm: GraphResource): string | undefined {
  const [canary] = graph.referencedBy(alarm, ...CANARY_TYPES);
  const p = canary?.properties;
  return p
    ? (str(block(block(p.RunConfig)?.EnvironmentVariables)?.PROBE_URL) ??
        str(block(block(p.run_config)?.environment_variables)?.PROBE_URL))
    : undefined;
}
