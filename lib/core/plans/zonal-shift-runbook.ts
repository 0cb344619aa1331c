import { ZonalShiftPlan } from './zonal-shift';

/**
 * The SSM Automation runbook of the automatic zonal shift (core's `planZonalShift`), one document for
 * every engine: the engines pass their references (ARNs, names) as strings and render it as it is.
 *
 * Its script step (`ShiftAwayIfSafe`):
 * 1. reads the load balancer's managed resource in ARC (`GetManagedResource`), and the Auto Scaling
 *    group's when zonal shift is enabled on it: when a customer-started shift or an autoshift is in
 *    effect on either, it starts none (one at a time; a practice run yields to a customer's shift);
 * 2. counts the healthy members (in-service instances, or running tasks) in the other AZs: fewer
 *    than the plan's `minInstancesLeft`, it starts none;
 * 3. otherwise starts a zonal shift of the load balancer away from the AZ's id
 *    (`DescribeAvailabilityZones`: ARC takes ids, the alarms name AZs) with the plan's expiry;
 * 4. then, for a fleet, one of its Auto Scaling group (`AutoScalingGroupARN` from
 *    `DescribeAutoScalingGroups`: CloudFormation gives no group ARN) with the same expiry, so that the
 *    group stops launching into the AZ. The load balancer's shift stands whatever happens to it.
 * Then `Notify` publishes what it did, or why not (`NotifyFailure` if the script failed before any
 * shift). When the group was not shifted (zonal shift not enabled on it, or ARC refused), the notice
 * says so in its subject and `FailIfGroupNotShifted` then fails the execution. The runbook never
 * cancels a shift.
 * @see https://docs.aws.amazon.com/arc-zonal-shift/latest/api/API_StartZonalShift.html
 */

/**
 * What the capacity guard counts: an Auto Scaling group's instances (the group shifts with the load
 * balancer), or an ECS service's tasks.
 */
export type ZonalShiftRunbookCapacity =
  { readonly autoScalingGroupName: string } | { readonly cluster: string; readonly serviceName: string };

/** The references and names one runbook is rendered with. */
export interface ZonalShiftRunbookInputs {
  /** Who the runbook shifts for (a construct path), named in its description and failure notice. */
  readonly owner: string;
  /** Core's `planZonalShift`, enabled. */
  readonly plan: ZonalShiftPlan;
  /** ARN of the role the runbook runs as (its `AutomationAssumeRole` default). */
  readonly roleArn: string;
  /** The AZ names the runbook may be started with (its `AvailabilityZone` parameter's allowed values). */
  readonly zones: readonly string[];
  /** ARN of the load balancer ARC shifts. */
  readonly loadBalancerArn: string;
  readonly capacity: ZonalShiftRunbookCapacity;
  /** ARN of the topic the runbook notifies. */
  readonly topicArn: string;
}

/**
 * The guards and the shifts, in Python for `aws:executeScript`. Returns `Shifted`, `GroupFailed` (the
 * load balancer shifted but its Auto Scaling group not), the `Subject` and the `Message` the runbook
 * publishes: what was done, or which guard held it back. It holds no `${` or `%{`, so Terraform
 * renders it as it is (a test pins that).
 */
export const ZONAL_SHIFT_SCRIPT = [
  'import boto3',
  '',
  'def handler(events, context):',
  '    zone = events["AvailabilityZone"]',
  '    arn = events["LoadBalancerArn"]',
  '    arc = boto3.client("arc-zonal-shift")',
  '    zones = boto3.client("ec2").describe_availability_zones(ZoneNames=[zone])["AvailabilityZones"]',
  '    zone_id = zones[0]["ZoneId"]',
  '    where = f"{zone} ({zone_id}) is impaired on its own"',
  '    def done(shifted, message, group_failed=False):',
  '        subject = f"Zonal shift runbook: {zone}"',
  '        if group_failed:',
  '            subject += ": load balancer shifted, Auto Scaling group NOT shifted"',
  '        return {"Shifted": shifted, "GroupFailed": group_failed, "Subject": subject, "Message": message}',
  '    group = None',
  '    if "AutoScalingGroupName" in events:',
  '        group = boto3.client("autoscaling").describe_auto_scaling_groups(',
  '            AutoScalingGroupNames=[events["AutoScalingGroupName"]])["AutoScalingGroups"][0]',
  '    resources = [arc.get_managed_resource(resourceIdentifier=arn)]',
  '    group_arn = None',
  '    if group is not None:',
  '        try:',
  '            resources.append(arc.get_managed_resource(resourceIdentifier=group["AutoScalingGroupARN"]))',
  '            group_arn = group["AutoScalingGroupARN"]',
  '        except arc.exceptions.ResourceNotFoundException:',
  '            pass  # ARC knows the group only when its impairment policy enables zonal shift.',
  '    # A practice run yields to a customer-started shift; a customer shift or an autoshift does not.',
  '    in_effect = [(f"zonal shift {s[\'zonalShiftId\']}", s["awayFrom"]) for resource in resources',
  '                 for s in resource.get("zonalShifts", []) if not s.get("practiceRunOutcome")]',
  '    in_effect += [("an autoshift", a["awayFrom"])',
  '                  for resource in resources for a in resource.get("autoshifts", [])]',
  '    if len(in_effect) >= events["MaxActiveShifts"]:',
  '        name, away = in_effect[0]',
  '        if away == zone_id:',
  '            return done(False, f"{where}; {name} already keeps traffic away from it.")',
  '        return done(False, f"{where}, but {name} away from {away} is in effect: ARC applies "',
  '                    f"one shift at a time, so none was started. Decide by hand whether to replace it.")',
  '    if group is not None:',
  '        left = sum(1 for i in group["Instances"]',
  '                   if i["AvailabilityZone"] != zone and i["LifecycleState"] == "InService"',
  '                   and i["HealthStatus"] == "Healthy")',
  '    else:',
  '        # An ECS service: its running tasks that pass their container health check, outside the AZ.',
  '        ecs = boto3.client("ecs")',
  '        arns = [a for page in ecs.get_paginator("list_tasks").paginate(',
  '                    cluster=events["Cluster"], serviceName=events["ServiceName"], desiredStatus="RUNNING")',
  '                for a in page["taskArns"]]',
  '        tasks = [t for i in range(0, len(arns), 100)',
  '                 for t in ecs.describe_tasks(cluster=events["Cluster"], tasks=arns[i:i + 100])["tasks"]]',
  '        left = sum(1 for t in tasks if t.get("availabilityZone") != zone and t["lastStatus"] == "RUNNING"',
  '                   and t.get("healthStatus") == "HEALTHY")',
  '    need = events["MinInstancesLeft"]',
  '    if left < need:',
  '        return done(False, f"{where}, but the other AZs run {left} healthy {events[\'Unit\']}, "',
  '                    f"fewer than the {need} the service needs at peak: no shift was started, since it would "',
  '                    f"overload them. Add capacity there, then shift by hand.")',
  '    comment = f"Impaired alarm of {zone}: automatic shift"',
  '    try:',
  '        shift = arc.start_zonal_shift(resourceIdentifier=arn, awayFrom=zone_id, expiresIn=events["ExpiresIn"],',
  '                                      comment=comment)',
  '    except arc.exceptions.ConflictException:',
  '        # Another AZ alarmed in the same minute and its run shifted first: report that one, not a failure.',
  '        shifts = arc.get_managed_resource(resourceIdentifier=arn).get("zonalShifts", [])',
  '        away = ", ".join(f"{s[\'zonalShiftId\']} away from {s[\'awayFrom\']}" for s in shifts) or "another"',
  '        return done(False, f"{where}, but ARC refused a second shift: {away} is in effect. "',
  '                    f"Decide by hand whether to replace it.")',
  '    message = (f"{where}: zonal shift {shift[\'zonalShiftId\']} moves {arn} away from it until "',
  "               f\"{shift['expiryTime']} ({events['ExpiresIn']}); {left} healthy {events['Unit']} serve in the \"",
  '               f"other AZs. Its alarms now read no traffic, so their OK is no sign of recovery: cancel the shift "',
  '               f"once the AZ has recovered, or extend it.")',
  '    if group is None:',
  '        return done(True, message)',
  '    name = group["AutoScalingGroupName"]',
  '    if group_arn is None:',
  '        failure = "ARC does not know it: zonal shift is not enabled on it (its AvailabilityZoneImpairmentPolicy)"',
  '        advice = "Enable zonal shift on the group, then start"',
  '    else:',
  '        try:',
  '            moved = arc.start_zonal_shift(resourceIdentifier=group_arn, awayFrom=zone_id,',
  '                                          expiresIn=events["ExpiresIn"], comment=comment)',
  '            return done(True, f"{message} Zonal shift {moved[\'zonalShiftId\']} moves the Auto Scaling group "',
  '                        f"{name} away from it too: it launches no instance there until the same time.")',
  '        except Exception as error:',
  '            failure = f"ARC refused to shift it ({error})"',
  '            advice = "Start"',
  '    return done(True, f"{message} But the Auto Scaling group {name} was NOT shifted: {failure}. It still "',
  '                f"launches instances into {zone}, where they get no traffic, and replaces its instances there. "',
  '                f"{advice} a zonal shift of the group away from {zone_id} by hand, with the same expiry.", True)',
].join('\n');

/** Fails its step when the load balancer was shifted without the group (`GroupFailed`, a boolean or its text). */
export const GROUP_CHECK_SCRIPT = [
  'def handler(events, context):',
  '    if str(events["GroupFailed"]).lower() == "true":',
  '        raise Exception("The load balancer was shifted, but its Auto Scaling group was not: see the notice.")',
].join('\n');

/** The Automation document (schema 0.3) as a JSON object. */
export function zonalShiftRunbookContent(inputs: ZonalShiftRunbookInputs): Record<string, unknown> {
  const { owner, plan, capacity } = inputs;
  const group = 'autoScalingGroupName' in capacity;
  return {
    schemaVersion: '0.3',
    description:
      `Shifts ${owner}'s load balancer${group ? ' and Auto Scaling group' : ''} away from an AZ impaired on ` +
      `its own, unless another shift is in effect or the other AZs run fewer than ${plan.minInstancesLeft} ` +
      `healthy ${group ? 'instances' : 'tasks'}; the shift expires in ${plan.expiresIn}. Cancel it (ARC) once ` +
      "the AZ has recovered: while it lasts the AZ's alarms read no traffic.",
    assumeRole: '{{ AutomationAssumeRole }}',
    parameters: {
      AutomationAssumeRole: { type: 'String', default: inputs.roleArn, description: 'Role the runbook runs as.' },
      AvailabilityZone: {
        type: 'String',
        allowedValues: inputs.zones,
        description: 'The AZ (name) to shift traffic away from.',
      },
    },
    mainSteps: [
      {
        name: 'ShiftAwayIfSafe',
        action: 'aws:executeScript',
        onFailure: 'step:NotifyFailure',
        inputs: {
          Runtime: 'python3.11',
          Handler: 'handler',
          InputPayload: {
            AvailabilityZone: '{{ AvailabilityZone }}',
            LoadBalancerArn: inputs.loadBalancerArn,
            ...(group
              ? { AutoScalingGroupName: capacity.autoScalingGroupName }
              : { Cluster: capacity.cluster, ServiceName: capacity.serviceName }),
            MinInstancesLeft: plan.minInstancesLeft,
            Unit: group ? 'in-service instances' : 'running tasks',
            MaxActiveShifts: plan.maxActiveShifts,
            ExpiresIn: plan.expiresIn,
          },
          Script: ZONAL_SHIFT_SCRIPT,
        },
        outputs: [
          { Name: 'Shifted', Selector: '$.Payload.Shifted', Type: 'Boolean' },
          { Name: 'GroupFailed', Selector: '$.Payload.GroupFailed', Type: 'Boolean' },
          { Name: 'Subject', Selector: '$.Payload.Subject', Type: 'String' },
          { Name: 'Message', Selector: '$.Payload.Message', Type: 'String' },
        ],
        nextStep: 'Notify',
      },
      {
        name: 'Notify',
        action: 'aws:executeAwsApi',
        inputs: {
          Service: 'sns',
          Api: 'Publish',
          TopicArn: inputs.topicArn,
          Subject: '{{ ShiftAwayIfSafe.Subject }}',
          Message: '{{ ShiftAwayIfSafe.Message }}',
        },
        ...(group ? { nextStep: 'FailIfGroupNotShifted' } : { isEnd: true }),
      },
      ...(group
        ? [
            {
              // A load balancer shifted without its group is half done: the execution says so too.
              name: 'FailIfGroupNotShifted',
              action: 'aws:executeScript',
              inputs: {
                Runtime: 'python3.11',
                Handler: 'handler',
                InputPayload: { GroupFailed: '{{ ShiftAwayIfSafe.GroupFailed }}' },
                Script: GROUP_CHECK_SCRIPT,
              },
              isEnd: true,
            },
          ]
        : []),
      {
        name: 'NotifyFailure',
        action: 'aws:executeAwsApi',
        inputs: {
          Service: 'sns',
          Api: 'Publish',
          TopicArn: inputs.topicArn,
          Subject: 'Zonal shift runbook failed: {{ AvailabilityZone }}',
          Message:
            `The zonal shift runbook of ${owner} failed for {{ AvailabilityZone }}: no shift was ` +
            'started. See automation execution {{ automation:EXECUTION_ID }}, and start the shift by hand if ' +
            'the AZ is impaired.',
        },
        isEnd: true,
      },
    ],
  };
}
