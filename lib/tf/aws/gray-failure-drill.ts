import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import {
  FisExperimentTemplate,
  FisExperimentTemplateAction,
  FisExperimentTemplateTarget,
} from '@cdktf/provider-aws/lib/fis-experiment-template';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ServiceTier } from '../../core';
import { GrayFailureDrillPlan, planGrayFailureDrill } from '../../core/plans/gray-failure-drill';
import {
  EXPERIMENT_ENDED,
  GRAY_FAILURE_ACTION,
  GRAY_FAILURE_TARGET,
  grayFailureAction,
  grayFailureVerdictContent,
} from '../../core/plans/gray-failure-verdict';
import { emitWarnings, throwProblems, validationError } from '../diagnostics';
import { newAlarmTopic } from './private/alarms';
import { newAutomationRole, newAutomationTrigger } from './private/automation';
import { AccountContext, PolicyStatement } from './private/keys';
import { skipToken } from './private/tokens';

/** An alarm as the drill names it: a `CloudwatchCompositeAlarm` of `ResilientFleet.zoneImpairedAlarms`. */
export interface DrillImpairedAlarm {
  readonly arn: string;
  readonly alarmName: string;
}

/** The props of `AzEvacuationDrill` that shape its gray failure. */
export interface GrayFailureDrillProps {
  /**
   * The Impaired alarm of the drilled AZ: the fleet's `zoneImpairedAlarms[i]`, `i` the index of the
   * AZ's subnet in the fleet's `loadBalancerSubnetIds` (the fleet reads each AZ at plan time, so the
   * drill cannot pick it). With it, the drill first injects a gray failure there and fails unless
   * that alarm fires; an alarm of another AZ fails every drill.
   * @default - no gray failure
   */
  readonly zoneImpairedAlarm?: DrillImpairedAlarm;
  /**
   * Whether the drill injects a gray failure (latency through the AZ's load balancer node that
   * health checks survive) before it evacuates the AZ, and checks that the AZ's Impaired alarm fired.
   * @default - true when `zoneImpairedAlarm` is given
   */
  readonly grayFailure?: boolean;
  /**
   * The fleet's `latencyThresholdSeconds`, when it has one: checked against the latency the drill adds.
   * @default - not checked at synthesis (the verdict says whether the alarm fired)
   */
  readonly latencyThresholdSeconds?: number;
  /**
   * The fleet's load balancer subnets in the drilled AZ, listed one by one: traffic from them is
   * delayed (each one's CIDR block is read at plan time, an `aws_subnet` data source). Required with
   * the gray failure.
   * @default - none
   */
  readonly loadBalancerSubnetIds?: string[];
  /**
   * ARN of the topic that receives the drill's verdict (the fleet's `alarmTopicArn` is a good choice).
   * @default - a new topic, encrypted with a new customer-managed key
   */
  readonly alarmTopicArn?: string;
}

/** What the drill hands over to plan its gray failure. */
export interface GrayFailureDrillContext extends GrayFailureDrillProps {
  readonly tier: ServiceTier;
  readonly availabilityZone: string;
}

/** A planned gray failure: the experiment's additions, rendered before the template. */
export interface GrayFailureExperiment {
  readonly plan: GrayFailureDrillPlan;
  readonly alarm: DrillImpairedAlarm;
  /** The FIS role's permissions to send the fault: the template must depend on them. */
  readonly fisPolicy: IamRolePolicy;
}

/**
 * Plans the drill's gray failure (core's `planGrayFailureDrill`), throws its problems and, when
 * enabled, adds its target and first action to the experiment's (the evacuation's actions start
 * after it) and grants the FIS role what the action needs. The Terraform twin of the CDK drill's
 * (`lib/aws/gray-failure-drill.ts`), with core's action (`gray-failure-verdict.ts`).
 *
 * IAM (the FIS role): send the one AWS document, to instances tagged with this group's name only;
 * follow and cancel its command (no resource).
 *
 * Construct ids (public API, under `scope`): `GrayFailure/{Source<i>,FisPolicy}`.
 */
export function addGrayFailureToExperiment(
  drill: Construct,
  context: AccountContext,
  props: GrayFailureDrillContext,
  experiment: {
    readonly role: IamRole;
    readonly autoScalingGroupName: string;
    readonly targets: FisExperimentTemplateTarget[];
    readonly actions: FisExperimentTemplateAction[];
  },
): GrayFailureExperiment | undefined {
  const alarm = props.zoneImpairedAlarm;
  const plan = planGrayFailureDrill(props.tier, {
    impairedAlarm: alarm !== undefined,
    enabled: props.grayFailure,
    latencyThresholdSeconds: skipToken(props.latencyThresholdSeconds),
    propNames: { latencyThreshold: 'latencyThresholdSeconds', impairedAlarm: 'zoneImpairedAlarm' },
  });
  throwProblems(plan.problems, drill);
  emitWarnings(drill, 'AzEvacuationDrill', plan.warnings);
  if (!plan.enabled || alarm === undefined) {
    return undefined;
  }
  const zone = props.availabilityZone;
  const subnetIds = props.loadBalancerSubnetIds ?? [];
  if (Token.isUnresolved(subnetIds) || subnetIds.length === 0) {
    throw validationError(
      `loadBalancerSubnetIds must list the load balancer's subnets in ${zone} one by one (their traffic is ` +
        `delayed), got: ${subnetIds.length === 0 ? 'none' : 'a Terraform list expression'}`,
      drill,
      'loadBalancerSubnetIds',
    );
  }
  const provider = context.provider;
  const root = new Construct(drill, 'GrayFailure');
  const sources = subnetIds.map((id, i) => new DataAwsSubnet(root, `Source${i}`, { provider, id }).cidrBlock);
  const document = `arn:${context.partition}:ssm:${context.region}::document/${plan.documentName}`;
  const gray = grayFailureAction(plan, zone, document, sources);

  experiment.actions.forEach((action, i) => {
    experiment.actions[i] = { ...action, startAfter: [...(action.startAfter ?? []), GRAY_FAILURE_ACTION] };
  });
  experiment.targets.push({
    name: GRAY_FAILURE_TARGET,
    resourceType: 'aws:ec2:instance',
    selectionMode: 'ALL',
    resourceTag: [{ key: 'aws:autoscaling:groupName', value: experiment.autoScalingGroupName }],
    filter: [{ path: 'State.Name', values: ['running'] }],
  });
  experiment.actions.unshift({
    name: GRAY_FAILURE_ACTION,
    actionId: 'aws:ssm:send-command',
    description: gray.description,
    parameter: Object.entries(gray.parameters).map(([key, value]) => ({ key, value })),
    target: { key: 'Instances', value: GRAY_FAILURE_TARGET },
  });

  const statements: PolicyStatement[] = [
    {
      Sid: 'SendGrayFailureToFleet',
      Effect: 'Allow',
      Action: 'ssm:SendCommand',
      Resource: context.arn('ec2', 'instance/*'),
      Condition: { StringEquals: { 'ssm:resourceTag/aws:autoscaling:groupName': experiment.autoScalingGroupName } },
    },
    { Sid: 'SendGrayFailureDocument', Effect: 'Allow', Action: 'ssm:SendCommand', Resource: document },
    {
      Sid: 'TrackGrayFailureCommand',
      Effect: 'Allow',
      // FIS follows and, when the experiment stops, cancels its command: neither call takes a resource.
      Action: ['ssm:ListCommands', 'ssm:CancelCommand', 'ec2:DescribeInstances', 'ec2:DescribeSubnets'],
      Resource: '*',
    },
  ];
  const fisPolicy = new IamRolePolicy(root, 'FisPolicy', {
    provider,
    role: experiment.role.id,
    policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
  });
  return { plan, alarm, fisPolicy };
}

/** The verdict on a gray failure: who judges each ended experiment, and whom it tells. */
export interface GrayFailureVerdict {
  /** The SSM Automation runbook that judges a finished experiment from the Impaired alarm's history. */
  readonly runbook: SsmDocument;
  /** The role the runbook runs as. */
  readonly role: IamRole;
  /** The EventBridge rule that starts the runbook when an experiment of the template ends. */
  readonly rule: CloudwatchEventRule;
  /** ARN of the topic that receives the verdict. */
  readonly topicArn: string;
}

/**
 * The check that the AZ's Impaired alarm saw the gray failure: when an experiment of the template
 * ends, an EventBridge rule starts core's verdict runbook with its id; the drill passes only when
 * the gray action completed, the alarm entered ALARM during it, and the experiment completed.
 * Otherwise the runbook notifies the topic and its execution ends Failed, naming why.
 *
 * IAM (the runbook's role, assumed by SSM Automation of this account only): read experiments (ids
 * unknown before they start: the script judges only this template's), this alarm's history,
 * publish to the topic (and use its key, when the drill made it).
 *
 * Construct ids (public API, under `scope`): `GrayFailure/{Role,RolePolicy,Check,TriggerRole,
 * TriggerRolePolicy,Ended,EndedTarget,Topic,TopicKey,TopicPolicy}` (the topic only when none is given).
 */
export function newGrayFailureVerdict(
  drill: Construct,
  context: AccountContext,
  gray: GrayFailureExperiment,
  options: {
    readonly template: FisExperimentTemplate;
    readonly availabilityZone: string;
    readonly alarmTopicArn?: string;
    readonly namePrefix: string;
  },
): GrayFailureVerdict {
  const provider = context.provider;
  const root = drill.node.findChild('GrayFailure') as Construct;
  const owner = drill.node.path;
  const zone = options.availabilityZone;
  const ownTopic =
    options.alarmTopicArn === undefined ? newAlarmTopic(root, 'Topic', `${owner} drill verdicts`, context) : undefined;
  const topicArn = options.alarmTopicArn ?? ownTopic!.arn;
  const statements: PolicyStatement[] = [
    {
      Sid: 'ReadExperiment',
      Effect: 'Allow',
      Action: 'fis:GetExperiment',
      Resource: context.arn('fis', 'experiment/*'),
    },
    {
      Sid: 'ReadImpairedAlarmHistory',
      Effect: 'Allow',
      Action: 'cloudwatch:DescribeAlarmHistory',
      Resource: gray.alarm.arn,
    },
    { Sid: 'Notify', Effect: 'Allow', Action: 'sns:Publish', Resource: topicArn },
    ...(ownTopic === undefined
      ? []
      : [
          {
            Sid: 'NotifyEncrypted',
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: ownTopic.kmsMasterKeyId,
          },
        ]),
  ];
  const { role, policy } = newAutomationRole(
    root,
    'Role',
    `Assumed by SSM Automation to judge whether the ${owner} drill's gray failure was detected`,
    context,
    statements,
  );
  const runbook = new SsmDocument(root, 'Check', {
    provider,
    name: `${options.namePrefix}-gray-failure-verdict`,
    documentType: 'Automation',
    documentFormat: 'JSON',
    content: JSON.stringify(
      grayFailureVerdictContent({
        owner,
        zone,
        roleArn: role.arn,
        topicArn,
        templateId: options.template.id,
        alarmName: gray.alarm.alarmName,
      }),
    ),
    // An execution that starts before the policy exists fails on its first call.
    dependsOn: [policy],
  });
  const trigger = newAutomationTrigger(
    root,
    'TriggerRole',
    `Lets EventBridge start the verdict runbook of the ${owner} drill`,
    context,
    runbook,
    role,
  );
  const rule = new CloudwatchEventRule(root, 'Ended', {
    provider,
    description: `Judges each ended experiment of the ${owner} drill: was the gray failure of ${zone} detected?`,
    eventPattern: JSON.stringify({
      source: ['aws.fis'],
      'detail-type': ['FIS Experiment State Change'],
      detail: {
        'experiment-template-id': [options.template.id],
        'new-state': { status: EXPERIMENT_ENDED },
      },
    }),
  });
  new CloudwatchEventTarget(root, 'EndedTarget', {
    provider,
    rule: rule.name,
    targetId: 'VerdictRunbook',
    arn: trigger.definitionArn,
    roleArn: trigger.role.arn,
    inputTransformer: {
      inputPaths: { experiment: '$.detail.experiment-id' },
      inputTemplate: '{"ExperimentId": ["<experiment>"]}',
    },
    dependsOn: [trigger.policy],
  });
  return { runbook, role, rule, topicArn };
}
