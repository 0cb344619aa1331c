import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as fis from 'aws-cdk-lib/aws-fis';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ServiceTier } from '../core';
import { GrayFailureDrillPlan, planGrayFailureDrill } from '../core/plans/gray-failure-drill';
import {
  EXPERIMENT_ENDED,
  GRAY_FAILURE_ACTION,
  GRAY_FAILURE_TARGET,
  grayFailureAction,
  grayFailureTemplateDescription,
  grayFailureVerdictContent,
} from '../core/plans/gray-failure-verdict';
import { newAlarmTopic } from './private/alarms';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { newAutomationRole, newAutomationTrigger } from './private/automation';
import { acknowledgeWildcard } from './private/nag';

/** The props of `AzEvacuationDrill` that shape its gray failure. */
export interface GrayFailureDrillProps {
  /**
   * The fleet's per-AZ Impaired alarms (`ResilientFleet.zoneImpairedAlarms`). With the drilled AZ's
   * alarm, the drill first injects a gray failure there and fails unless that alarm fires.
   * @default - no gray failure
   */
  readonly zoneImpairedAlarms?: Readonly<Record<string, cloudwatch.IAlarm>>;
  /**
   * Whether the drill injects a gray failure (latency through the AZ's load balancer node that
   * health checks survive) before it evacuates the AZ, and checks that the AZ's Impaired alarm fired.
   * @default - true when `zoneImpairedAlarms` holds the drilled AZ's alarm
   */
  readonly grayFailure?: boolean;
  /**
   * The fleet's `latencyThreshold`, when it has one: checked against the latency the drill adds.
   * @default - not checked at synthesis (the verdict says whether the alarm fired)
   */
  readonly latencyThreshold?: Duration;
  /**
   * Subnets of the fleet's load balancer: traffic from those in the drilled AZ is delayed.
   * @default - the VPC's public subnets (where an internet-facing `ResilientFleet` puts it)
   */
  readonly loadBalancerSubnets?: ec2.SubnetSelection;
  /**
   * Receives the drill's verdict (the fleet's `alarmTopic` is a good choice).
   * @default - a new topic, encrypted with a new customer-managed key
   */
  readonly alarmTopic?: sns.ITopic;
}

/** What the drill hands over: its own props and what it built. */
export interface GrayFailureDrillContext extends GrayFailureDrillProps {
  readonly tier: ServiceTier;
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
  readonly vpc: ec2.IVpc;
  readonly availabilityZone: string;
  readonly template: fis.CfnExperimentTemplate;
  readonly role: iam.IRole;
}

/**
 * Plans the drill's gray failure from its props (core's `planGrayFailureDrill`), throws its problems,
 * and renders it when enabled (`newGrayFailureDrill`).
 */
export function addGrayFailure(drill: Construct, context: GrayFailureDrillContext): GrayFailureDrill | undefined {
  const zone = context.availabilityZone;
  const alarm = Token.isUnresolved(zone) ? undefined : context.zoneImpairedAlarms?.[zone];
  const plan = planGrayFailureDrill(context.tier, {
    impairedAlarm: alarm !== undefined,
    enabled: context.grayFailure,
    latencyThresholdSeconds: context.latencyThreshold?.toSeconds({ integral: false }),
  });
  throwProblems(plan.problems, drill);
  emitWarnings(drill, 'AzEvacuationDrill', plan.warnings);
  if (!plan.enabled || !alarm) {
    return undefined;
  }
  const selection = context.loadBalancerSubnets ?? { subnetType: ec2.SubnetType.PUBLIC };
  let subnets: ec2.ISubnet[] = [];
  try {
    subnets = context.vpc.selectSubnets({ ...selection, availabilityZones: [zone] }).subnets;
  } catch {
    // A selection of a subnet type or group the VPC lacks selects nothing.
  }
  if (subnets.length === 0) {
    throw validationError(
      `loadBalancerSubnets must select the load balancer's subnets in ${zone} (their traffic is delayed), got: none`,
      drill,
      'loadBalancerSubnets',
    );
  }
  const sources = subnets.map((subnet) => {
    try {
      return subnet.ipv4CidrBlock;
    } catch {
      throw validationError(
        `loadBalancerSubnets must have known IPv4 CIDR blocks (the gray failure delays traffic from them), got: ` +
          `subnet ${subnet.subnetId} without one (import it with its CIDR block)`,
        drill,
        'loadBalancerSubnets',
      );
    }
  });
  return newGrayFailureDrill(drill, {
    template: context.template,
    role: context.role,
    autoScalingGroup: context.autoScalingGroup,
    availabilityZone: zone,
    sources,
    impairedAlarm: alarm,
    plan,
    alarmTopic: context.alarmTopic,
  });
}

/** What {@link newGrayFailureDrill} adds to an AZ evacuation drill. */
export interface GrayFailureDrillOptions {
  /** The drill's experiment template: the gray failure becomes its first action. */
  readonly template: fis.CfnExperimentTemplate;
  /** The role FIS assumes for the drill: it gets the send-command permissions. */
  readonly role: iam.IRole;
  /** The fleet: every running instance of it gets the latency. */
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
  /** The drilled AZ (name). */
  readonly availabilityZone: string;
  /** CIDR blocks of the subnets of the load balancer's node in the AZ: the traffic that is delayed. */
  readonly sources: readonly string[];
  /** The AZ's Impaired alarm (the fleet's `zoneImpairedAlarms[availabilityZone]`). */
  readonly impairedAlarm: cloudwatch.IAlarm;
  /** Core's `planGrayFailureDrill`, enabled. */
  readonly plan: GrayFailureDrillPlan;
  /** Receives the verdict. @default - a new encrypted topic */
  readonly alarmTopic?: sns.ITopic;
}

/** The gray failure of an AZ evacuation drill and the check that its alarm fired. */
export interface GrayFailureDrill {
  /** The SSM Automation runbook that judges a finished experiment from the Impaired alarm's history. */
  readonly runbook: ssm.CfnDocument;
  /** The role the runbook runs as. */
  readonly role: iam.IRole;
  /** The EventBridge rule that starts the runbook when an experiment of the template ends. */
  readonly rule: events.CfnRule;
  /** Receives the verdict. */
  readonly topic: sns.ITopic;
}

/** Name of the gray failure's action in the experiment template (core's). */
export { GRAY_FAILURE_ACTION };

/**
 * Adds a gray failure to an AZ evacuation drill, as core's `planGrayFailureDrill` decides it, and
 * checks that the AZ's Impaired alarm saw it:
 *
 * 1. **Inject** (`GrayFailure`, the template's first action; the evacuation's actions start after
 *    it): `aws:ssm:send-command` runs `AWSFIS-Run-Network-Latency-Sources` on every running
 *    instance of the fleet, delaying the traffic that arrives from the subnets of the load
 *    balancer's node in the AZ. Requests through that node slow down; its health checks and every
 *    other node stay within bounds.
 * 2. **Judge**: when an experiment of the template ends (completed, stopped, failed or cancelled),
 *    an EventBridge rule starts an SSM Automation runbook with its id. Its script reads the
 *    experiment (`fis:GetExperiment`: its state and the gray action's start and end) and the
 *    Impaired alarm's history over that action (`cloudwatch:DescribeAlarmHistory`, composite
 *    alarms included). The drill passes only when the gray action completed, the alarm entered
 *    ALARM during it, and the experiment completed; otherwise the runbook notifies the topic and
 *    its execution ends Failed, naming why.
 *
 * An SSM runbook rather than a Lambda function, as the zonal shift's: it runs in the regional
 * service (Control Tower's CT.LAMBDA.PR.3 would put a function in the VPC), and each verdict stays
 * on record as an automation execution.
 *
 * IAM: the FIS role may send the one AWS document, to instances tagged with this group's name;
 * the runbook may read experiments (ids unknown before they start), this alarm's history, and
 * publish to the topic.
 *
 * Construct ids (public API, under `scope`): `GrayFailure/{FisPolicy,Role,Policy,Check,TriggerRole,
 * Ended,Topic,TopicKey}` (the topic and its key only when none is given).
 */
export function newGrayFailureDrill(scope: Construct, options: GrayFailureDrillOptions): GrayFailureDrill {
  const { template, plan, availabilityZone: zone } = options;
  const stack = Stack.of(scope);
  const root = new Construct(scope, 'GrayFailure');
  const groupName = options.autoScalingGroup.autoScalingGroupName;

  // ---- The fault: first action of the experiment ----------------------------------------------
  const targets = template.targets as Record<string, fis.CfnExperimentTemplate.ExperimentTemplateTargetProperty>;
  const actions = template.actions as Record<string, fis.CfnExperimentTemplate.ExperimentTemplateActionProperty>;
  const evacuation: Record<string, fis.CfnExperimentTemplate.ExperimentTemplateActionProperty> = {};
  for (const [name, action] of Object.entries(actions)) {
    evacuation[name] = { ...action, startAfter: [...(action.startAfter ?? []), GRAY_FAILURE_ACTION] };
  }
  const document = stack.formatArn({
    service: 'ssm',
    account: '',
    resource: 'document',
    resourceName: plan.documentName,
  });
  template.targets = {
    ...targets,
    [GRAY_FAILURE_TARGET]: {
      resourceType: 'aws:ec2:instance',
      resourceTags: { 'aws:autoscaling:groupName': groupName },
      filters: [{ path: 'State.Name', values: ['running'] }],
      selectionMode: 'ALL',
    },
  };
  const gray = grayFailureAction(plan, zone, document, options.sources);
  template.actions = {
    [GRAY_FAILURE_ACTION]: {
      actionId: 'aws:ssm:send-command',
      description: gray.description,
      parameters: gray.parameters,
      targets: { Instances: GRAY_FAILURE_TARGET },
    },
    ...evacuation,
  };
  template.description = grayFailureTemplateDescription(plan, zone, String(template.description));

  const instances = stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' });
  const fisPolicy = new iam.ManagedPolicy(root, 'FisPolicy', {
    description: `Least privilege for the gray failure of the ${scope.node.path} drill`,
    roles: [options.role],
    statements: [
      new iam.PolicyStatement({
        sid: 'SendGrayFailureToFleet',
        actions: ['ssm:SendCommand'],
        resources: [instances],
        conditions: { StringEquals: { 'ssm:resourceTag/aws:autoscaling:groupName': groupName } },
      }),
      new iam.PolicyStatement({ sid: 'SendGrayFailureDocument', actions: ['ssm:SendCommand'], resources: [document] }),
      new iam.PolicyStatement({
        sid: 'TrackGrayFailureCommand',
        // FIS follows and, when the experiment stops, cancels its command: neither call takes a resource.
        actions: ['ssm:ListCommands', 'ssm:CancelCommand', 'ec2:DescribeInstances', 'ec2:DescribeSubnets'],
        resources: ['*'],
      }),
    ],
  });
  template.node.addDependency(fisPolicy);
  acknowledgeWildcard(
    fisPolicy,
    instances,
    "the fleet's instances come and go; ssm:SendCommand on them is conditioned on their aws:autoscaling:groupName " +
      'tag, and the document is named exactly',
  );
  acknowledgeWildcard(
    fisPolicy,
    '*',
    'ssm:ListCommands and ssm:CancelCommand take no resource; the describe calls resolve the targets and the ' +
      "document's sources",
  );

  // ---- The verdict: a runbook started when the experiment ends ----------------------------------
  const topic = options.alarmTopic ?? newAlarmTopic(root, 'Topic', `${scope.node.path} drill verdicts`);
  const role = newAutomationRole(
    root,
    'Role',
    `Assumed by SSM Automation to judge whether the ${scope.node.path} drill's gray failure was detected`,
  );
  const experiments = stack.formatArn({ service: 'fis', resource: 'experiment', resourceName: '*' });
  const policy = new iam.ManagedPolicy(root, 'Policy', {
    description: `Least privilege for the verdict runbook of the ${scope.node.path} drill`,
    roles: [role],
    statements: [
      new iam.PolicyStatement({ sid: 'ReadExperiment', actions: ['fis:GetExperiment'], resources: [experiments] }),
      new iam.PolicyStatement({
        sid: 'ReadImpairedAlarmHistory',
        actions: ['cloudwatch:DescribeAlarmHistory'],
        resources: [options.impairedAlarm.alarmArn],
      }),
      new iam.PolicyStatement({ sid: 'Notify', actions: ['sns:Publish'], resources: [topic.topicArn] }),
    ],
  });
  if (topic.masterKey) {
    policy.addStatements(
      new iam.PolicyStatement({
        sid: 'NotifyEncrypted',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [topic.masterKey.keyArn],
      }),
    );
  }
  acknowledgeWildcard(
    policy,
    experiments,
    "an experiment's id is unknown before it starts; fis:GetExperiment only reads it, and the script judges only " +
      "experiments of this drill's template",
  );

  const runbook = new ssm.CfnDocument(root, 'Check', {
    documentType: 'Automation',
    documentFormat: 'JSON',
    updateMethod: 'NewVersion',
    content: grayFailureVerdictContent({
      owner: scope.node.path,
      zone,
      roleArn: role.roleArn,
      topicArn: topic.topicArn,
      templateId: template.ref,
      alarmName: options.impairedAlarm.alarmName,
    }),
  });
  runbook.node.addDependency(policy);

  const trigger = newAutomationTrigger(
    root,
    'TriggerRole',
    `Lets EventBridge start the verdict runbook of the ${scope.node.path} drill`,
    runbook,
    role,
  );
  const triggerRole = trigger.role;
  const definition = trigger.definitionArn;
  const rule = new events.CfnRule(root, 'Ended', {
    description:
      `Judges each ended experiment of the ${scope.node.path} drill: ` + `was the gray failure of ${zone} detected?`,
    eventPattern: {
      source: ['aws.fis'],
      'detail-type': ['FIS Experiment State Change'],
      detail: {
        'experiment-template-id': [template.ref],
        'new-state': { status: EXPERIMENT_ENDED },
      },
    },
    targets: [
      {
        id: 'VerdictRunbook',
        arn: definition,
        roleArn: triggerRole.roleArn,
        inputTransformer: {
          inputPathsMap: { experiment: '$.detail.experiment-id' },
          inputTemplate: '{"ExperimentId": ["<experiment>"]}',
        },
      },
    ],
  });
  rule.node.addDependency(triggerRole);
  return { runbook, role, rule, topic };
}
