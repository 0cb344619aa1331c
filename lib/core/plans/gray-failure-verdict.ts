import { GrayFailureDrillPlan } from './gray-failure-drill';

/**
 * What both engines render of an AZ evacuation drill's gray failure (core's `planGrayFailureDrill`):
 * the FIS action that injects it, and the SSM Automation runbook that judges each ended experiment
 * from the AZ's Impaired alarm history. The engines pass their references (ARNs, names, ids) as
 * strings and render these as they are: `lib/aws/gray-failure-drill.ts`, `lib/tf/aws/gray-failure-drill.ts`.
 * @see https://docs.aws.amazon.com/fis/latest/userguide/actions-ssm-agent.html (AWSFIS-Run-Network-Latency-Sources)
 */

/** Name of the gray failure's action in the experiment template (the other actions start after it). */
export const GRAY_FAILURE_ACTION = 'GrayFailure';
/** Name of its target: every running instance of the fleet. */
export const GRAY_FAILURE_TARGET = 'FleetInstances';
/** Experiment states after which nothing more happens (FIS `ExperimentState.status`). */
export const EXPERIMENT_ENDED = ['completed', 'stopped', 'failed', 'cancelled'];

/** The gray failure's FIS action: its description and the parameters of `aws:ssm:send-command`. */
export function grayFailureAction(
  plan: GrayFailureDrillPlan,
  zone: string,
  documentArn: string,
  sources: readonly string[],
): { readonly description: string; readonly parameters: Record<string, string> } {
  return {
    description:
      `Delay by ${plan.delayMilliseconds} ms the traffic every fleet instance receives from the load ` +
      `balancer's subnets in ${zone}, for ${plan.durationSeconds / 60} min: a gray failure of ${zone} ` +
      "that passes health checks, which the AZ's Impaired alarm must detect",
    parameters: {
      documentArn,
      documentParameters: JSON.stringify({
        Sources: sources.join(','),
        DelayMilliseconds: String(plan.delayMilliseconds),
        JitterMilliseconds: String(plan.jitterMilliseconds),
        TrafficType: plan.trafficType,
        DurationSeconds: String(plan.durationSeconds),
        InstallDependencies: 'True',
      }),
      duration: plan.duration,
    },
  };
}

/** The experiment template's description once the gray failure leads it. */
export function grayFailureTemplateDescription(plan: GrayFailureDrillPlan, zone: string, evacuation: string): string {
  return `Gray failure of ${zone} for ${plan.durationSeconds / 60} min, then: ${evacuation}`;
}

/** The references and names one verdict runbook is rendered with. */
export interface GrayFailureVerdictInputs {
  /** The drill (a construct path), named in the description and notices. */
  readonly owner: string;
  /** The drilled AZ (name). */
  readonly zone: string;
  /** ARN of the role the runbook runs as. */
  readonly roleArn: string;
  /** ARN of the topic the verdict goes to. */
  readonly topicArn: string;
  /** Id of the drill's experiment template: the runbook judges its experiments only. */
  readonly templateId: string;
  /** Name of the AZ's Impaired alarm. */
  readonly alarmName: string;
}

/**
 * The verdict runbook (schema 0.3): `CheckDetection` reads the experiment and the Impaired alarm's
 * history over the gray action; `Verdict` branches; a failed drill is notified, then `FailDrill`
 * fails the execution; a check that could not run notifies that no verdict was reached.
 */
export function grayFailureVerdictContent(inputs: GrayFailureVerdictInputs): Record<string, unknown> {
  const { owner, zone, topicArn } = inputs;
  const notify = (name: string, subject: string, message: string) => ({
    name,
    action: 'aws:executeAwsApi',
    inputs: { Service: 'sns', Api: 'Publish', TopicArn: topicArn, Subject: subject, Message: message },
  });
  return {
    schemaVersion: '0.3',
    description:
      `Judges an experiment of the ${owner} drill: it passes only when its gray failure of ${zone} ran ` +
      "to its end, the AZ's Impaired alarm entered ALARM during it, and the experiment completed. Otherwise the " +
      'execution fails, after a notification naming why.',
    assumeRole: '{{ AutomationAssumeRole }}',
    parameters: {
      AutomationAssumeRole: { type: 'String', default: inputs.roleArn, description: 'Role the runbook runs as.' },
      ExperimentId: {
        type: 'String',
        allowedPattern: '^EXP[A-Za-z0-9]+$',
        description: 'The FIS experiment of the drill to judge.',
      },
    },
    mainSteps: [
      {
        name: 'CheckDetection',
        action: 'aws:executeScript',
        isCritical: true,
        onFailure: 'step:NotifyCheckFailed',
        inputs: {
          Runtime: 'python3.11',
          Handler: 'handler',
          InputPayload: {
            ExperimentId: '{{ ExperimentId }}',
            TemplateId: inputs.templateId,
            GrayAction: GRAY_FAILURE_ACTION,
            AvailabilityZone: zone,
            AlarmName: inputs.alarmName,
          },
          Script: GRAY_FAILURE_VERDICT_SCRIPT,
        },
        outputs: [
          { Name: 'Passed', Selector: '$.Payload.Passed', Type: 'Boolean' },
          { Name: 'Message', Selector: '$.Payload.Message', Type: 'String' },
        ],
        nextStep: 'Verdict',
      },
      {
        name: 'Verdict',
        action: 'aws:branch',
        inputs: {
          Choices: [{ NextStep: 'NotifyPassed', Variable: '{{ CheckDetection.Passed }}', BooleanEquals: true }],
          Default: 'NotifyFailed',
        },
      },
      {
        ...notify('NotifyPassed', `Drill passed: gray failure of ${zone} detected`, '{{ CheckDetection.Message }}'),
        isEnd: true,
      },
      {
        ...notify('NotifyFailed', `Drill FAILED: gray failure of ${zone}`, '{{ CheckDetection.Message }}'),
        nextStep: 'FailDrill',
      },
      {
        name: 'FailDrill',
        action: 'aws:executeScript',
        isCritical: true,
        inputs: {
          Runtime: 'python3.11',
          Handler: 'handler',
          InputPayload: { Message: '{{ CheckDetection.Message }}' },
          Script: ['def handler(events, context):', '    raise RuntimeError(events["Message"])'].join('\n'),
        },
        isEnd: true,
      },
      {
        ...notify(
          'NotifyCheckFailed',
          `Drill FAILED: gray failure of ${zone} could not be judged`,
          `The check of experiment {{ ExperimentId }} (drill ${owner}) failed before a verdict: see ` +
            'automation execution {{ automation:EXECUTION_ID }}. Until it runs, the drill does not show that ' +
            "the AZ's " +
            'Impaired alarm detects a gray failure.',
        ),
        isEnd: true,
      },
    ],
  };
}

/**
 * The verdict, in Python for `aws:executeScript`: `Passed` and the `Message` the runbook publishes.
 * Only the gray action's own window counts, so an alarm the later evacuation trips is no detection.
 * It holds no `${` or `%{`, so Terraform renders it as it is.
 */
export const GRAY_FAILURE_VERDICT_SCRIPT = [
  'import json',
  'import boto3',
  '',
  'def handler(events, context):',
  '    experiment_id = events["ExperimentId"]',
  '    zone = events["AvailabilityZone"]',
  '    alarm = events["AlarmName"]',
  '    experiment = boto3.client("fis").get_experiment(id=experiment_id)["experiment"]',
  '    if experiment.get("experimentTemplateId") != events["TemplateId"]:',
  '        raise ValueError(f"experiment {experiment_id} is not one of this drill\'s template "',
  '                         f"{events[\'TemplateId\']}: nothing to judge")',
  '    state = experiment["state"]',
  '    where = f"AZ evacuation drill, experiment {experiment_id} ({state[\'status\']})"',
  '    gray = experiment.get("actions", {}).get(events["GrayAction"], {})',
  '    gray_status = gray.get("state", {}).get("status", "not started")',
  '    start, end = gray.get("startTime"), gray.get("endTime")',
  '    if gray_status != "completed" or start is None or end is None:',
  '        return {"Passed": False, "Message": f"{where}: the gray failure of {zone} did not run to its end "',
  "                f\"({gray_status}: {gray.get('state', {}).get('reason', '')}), so the drill does not show \"",
  "                f\"that its Impaired alarm {alarm} detects one. Experiment: {state.get('reason', '')}\"}",
  '    pages = boto3.client("cloudwatch").get_paginator("describe_alarm_history").paginate(',
  '        AlarmName=alarm, AlarmTypes=["CompositeAlarm", "MetricAlarm"], HistoryItemType="StateUpdate",',
  '        StartDate=start, EndDate=end)',
  '    fired = [item["Timestamp"] for page in pages for item in page["AlarmHistoryItems"]',
  '             if json.loads(item["HistoryData"]).get("newState", {}).get("stateValue") == "ALARM"]',
  '    if not fired:',
  '        return {"Passed": False, "Message": f"{where}: the Impaired alarm {alarm} of {zone} did not enter "',
  '                f"ALARM while the gray failure lasted ({start.isoformat()} to {end.isoformat()}): a gray "',
  '                f"failure of {zone} goes undetected and no zonal shift starts. Check its latency threshold "',
  '                f"and the Latency alarm of {zone} against the load balancer\'s per-AZ TargetResponseTime."}',
  '    detected = min(fired)',
  '    if state["status"] != "completed":',
  '        return {"Passed": False, "Message": f"{where}: the Impaired alarm of {zone} fired at "',
  '                f"{detected.isoformat()}, {int((detected - start).total_seconds())} s into the gray failure, "',
  "                f\"but the experiment did not complete: {state.get('reason', '')}\"}",
  '    return {"Passed": True, "Message": f"{where}: the Impaired alarm of {zone} fired at "',
  '            f"{detected.isoformat()}, "',
  '            f"{int((detected - start).total_seconds())} s into the gray failure, and the evacuation completed. "',
  '            f"A zonal shift away from {zone} may still be in effect: cancel it (ARC) once the AZ is back."}',
].join('\n');
