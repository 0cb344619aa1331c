import { createHash } from 'crypto';
import { ArnFormat, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { acknowledgeFindings, acknowledgeWildcard } from './private/nag';

/** A declared high-risk period during which the fleet takes no deployments. */
export interface DeploymentFreeze {
  /** What the period is (`Black Friday`): shown in the change calendar. */
  readonly name: string;
  /** When the freeze begins. */
  readonly start: Date;
  /** When it ends (after `start`). */
  readonly end: Date;
}

/** What {@link newFleetDeployment} deploys to and what stops it. */
export interface FleetDeploymentOptions {
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  /** Instance role: the CodeDeploy service role passes it when it launches instances. */
  readonly instanceRole: iam.IRole;
  /**
   * The instances' Linux user data: the CodeDeploy agent installation and the CloudFormation
   * signal of the group's creation and rolling updates are appended to it.
   */
  readonly userData: ec2.UserData;
  readonly azCount: number;
  /** Alarms that stop a deployment and roll it back. */
  readonly alarms: cloudwatch.IAlarm[];
  readonly freezes: readonly DeploymentFreeze[];
  readonly firstZoneBakeTime: Duration;
  readonly zoneBakeTime: Duration;
  /** Bucket of this region the revisions are deployed from, when the fleet is told. */
  readonly revisionBucket?: s3.IBucket;
}

/** The deployment path of a fleet. */
export interface FleetDeployment {
  readonly application: codedeploy.ServerApplication;
  readonly deploymentConfig: codedeploy.ServerDeploymentConfig;
  readonly deploymentGroup: codedeploy.ServerDeploymentGroup;
  readonly changeCalendar: ssm.CfnDocument;
  readonly deployDocument: ssm.CfnDocument;
  readonly revisionBucket?: s3.IBucket;
}

/**
 * The fleet's deployment path (Module 3): application revisions go out through CodeDeploy one AZ
 * at a time, bake in each AZ, and roll back on their own when an alarm fires; and the only door to
 * CodeDeploy that this library opens is an SSM Automation runbook that refuses to start while the
 * change calendar is closed.
 *
 * - Deployment config: zonal, `minimumHealthyHosts` (AZs − 1)/AZs of the fleet (the capacity an
 *   AZ loss leaves, which a statically stable fleet is sized to serve), half of each AZ at a time.
 * - Deployment group: the Auto Scaling group behind the target group (traffic control: instances
 *   leave the target group while they update), alarms with `DEPLOYMENT_STOP_ON_ALARM` rollback.
 * - Change calendar: `ChangeCalendar` document, open by default, closed during each freeze.
 * - Deploy runbook: `aws:assertAwsResourceProperty` on `ssm:GetCalendarState` (must be OPEN), then
 *   `codedeploy:CreateDeployment` of an S3 revision.
 * - Instance bootstrap ({@link addInstanceBootstrap}): the CodeDeploy agent and the signal the
 *   group's creation and rolling updates wait for, on Amazon Linux 2023.
 *
 * Construct ids (public API, under `scope`): `Application`, `DeploymentConfig`, `DeploymentGroup`,
 * `ChangeCalendar`, `DeployRole`, `DeployRunbook`.
 */
export function newFleetDeployment(scope: Construct, options: FleetDeploymentOptions): FleetDeployment {
  const stack = Stack.of(scope);
  const application = new codedeploy.ServerApplication(scope, 'Application');
  const deploymentConfig = new codedeploy.ServerDeploymentConfig(scope, 'DeploymentConfig', {
    minimumHealthyHosts: codedeploy.MinimumHealthyHosts.percentage(
      Math.floor((100 * (options.azCount - 1)) / options.azCount),
    ),
    zonalConfig: {
      firstZoneMonitorDuration: options.firstZoneBakeTime,
      monitorDuration: options.zoneBakeTime,
      minimumHealthyHostsPerZone: codedeploy.MinimumHealthyHostsPerZone.percentage(50),
    },
  });
  const deploymentGroup = new codedeploy.ServerDeploymentGroup(scope, 'DeploymentGroup', {
    application,
    deploymentConfig,
    autoScalingGroups: [options.autoScalingGroup],
    loadBalancers: [codedeploy.LoadBalancer.application(options.targetGroup)],
    // aws-cdk-lib's installer runs `yum update -y` and installs `aws-cli`, which Amazon Linux 2023
    // does not have: addInstanceBootstrap installs the agent instead.
    installAgent: false,
    alarms: options.alarms,
    autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
  });
  // The agent downloads each revision with the instance role, from this region's bucket: a standby's
  // new instances must reach their code when the primary region (and its bucket) is gone.
  const revisionBucket = options.revisionBucket;
  if (revisionBucket) {
    revisionBucket.grantRead(options.instanceRole);
    acknowledgeWildcard(
      options.instanceRole,
      `${revisionBucket.bucketArn}/*`,
      'read-only access to the revision bucket of this fleet: the agent fetches whichever revision a deployment names',
    );
  }
  // The agent installer comes from the AWS-owned bucket of the region (what installAgent grants).
  s3.Bucket.fromBucketName(scope, 'CodeDeployAgentBucket', codeDeployAgentBucket(stack.region)).grantRead(
    options.instanceRole,
    'latest/*',
  );
  addInstanceBootstrap(options.userData, options.autoScalingGroup.node.defaultChild as CfnResource);
  // CodeDeploy launches instances from the group's launch template when it replaces them, which
  // takes these three permissions on top of its managed policy.
  // @see https://docs.aws.amazon.com/codedeploy/latest/userguide/getting-started-create-service-role.html
  deploymentGroup.role?.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [options.instanceRole.roleArn],
    }),
  );
  deploymentGroup.role?.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['ec2:RunInstances', 'ec2:CreateTags'],
      // RunInstances touches instances, volumes, network interfaces, subnets, security groups, images
      // and the launch template, some of them (public images) owned by other accounts: their ARNs
      // are only known when CodeDeploy launches. Scoped to this region.
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
    }),
  );

  if (deploymentGroup.role) {
    acknowledgeFindings(deploymentGroup.role, {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRole]',
      reason:
        'AWSCodeDeployRole is the policy AWS maintains for the CodeDeploy service role; it follows the service as it changes',
    });
    acknowledgeFindings(deploymentGroup.role, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ec2:RunInstances and ec2:CreateTags act on resources created at launch (instances, volumes, interfaces) and on public images of other accounts; limited to this region',
    });
    acknowledgeFindings(deploymentGroup.role, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason:
        "the inline policy belongs to this one service role and adds only what launching from this group's template needs; it is deleted with the role",
    });
  }

  const changeCalendar = new ssm.CfnDocument(scope, 'ChangeCalendar', {
    documentType: 'ChangeCalendar',
    documentFormat: 'TEXT',
    // CloudFormation takes a ChangeCalendar's iCalendar text as a string; the L1's type check
    // only lets objects through, so the text goes in as an override.
    content: {},
    updateMethod: 'NewVersion',
  });
  changeCalendar.addPropertyOverride('Content', changeCalendarContent(scope.node.path, options.freezes));
  const calendarArn = stack.formatArn({ service: 'ssm', resource: 'document', resourceName: changeCalendar.ref });

  const deployRole = new iam.Role(scope, 'DeployRole', {
    assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
    description: `Runs the deploy runbook of ${scope.node.path}: checks the change calendar, then starts a CodeDeploy deployment`,
  });
  acknowledgeFindings(deployRole, {
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason:
      "the inline policy belongs to this one role and names only this fleet's calendar, deployment group, configuration and application; it is deleted with the role",
  });
  deployRole.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['ssm:GetCalendarState'], resources: [calendarArn] }),
  );
  deployRole.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['codedeploy:CreateDeployment'],
      resources: [deploymentGroup.deploymentGroupArn],
    }),
  );
  deployRole.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['codedeploy:GetDeploymentConfig'],
      resources: [deploymentConfig.deploymentConfigArn],
    }),
  );
  deployRole.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['codedeploy:GetApplicationRevision', 'codedeploy:RegisterApplicationRevision'],
      resources: [
        stack.formatArn({
          service: 'codedeploy',
          resource: 'application',
          resourceName: application.applicationName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    }),
  );

  const deployDocument = new ssm.CfnDocument(scope, 'DeployRunbook', {
    documentType: 'Automation',
    documentFormat: 'JSON',
    updateMethod: 'NewVersion',
    content: {
      schemaVersion: '0.3',
      description: `Deploys an application revision from S3 to ${scope.node.path}, one AZ at a time, unless its change calendar is closed.`,
      assumeRole: '{{ AutomationAssumeRole }}',
      parameters: {
        AutomationAssumeRole: { type: 'String', default: deployRole.roleArn, description: 'Role the runbook runs as.' },
        S3Bucket: {
          type: 'String',
          ...(revisionBucket ? { default: revisionBucket.bucketName } : {}),
          description: 'Bucket that holds the revision bundle.',
        },
        S3Key: { type: 'String', description: 'Key of the revision bundle.' },
        BundleType: {
          type: 'String',
          default: 'zip',
          allowedValues: ['zip', 'tar', 'tgz'],
          description: 'Format of the bundle.',
        },
      },
      mainSteps: [
        {
          name: 'RequireOpenChangeCalendar',
          action: 'aws:assertAwsResourceProperty',
          inputs: {
            Service: 'ssm',
            Api: 'GetCalendarState',
            CalendarNames: [calendarArn],
            PropertySelector: '$.State',
            DesiredValues: ['OPEN'],
          },
        },
        {
          name: 'CreateDeployment',
          action: 'aws:executeAwsApi',
          inputs: {
            Service: 'codedeploy',
            Api: 'CreateDeployment',
            applicationName: application.applicationName,
            deploymentGroupName: deploymentGroup.deploymentGroupName,
            revision: {
              revisionType: 'S3',
              s3Location: { bucket: '{{ S3Bucket }}', key: '{{ S3Key }}', bundleType: '{{ BundleType }}' },
            },
          },
          outputs: [{ Name: 'DeploymentId', Selector: '$.deploymentId', Type: 'String' }],
        },
      ],
    },
  });

  return { application, deploymentConfig, deploymentGroup, changeCalendar, deployDocument, revisionBucket };
}

/** The AWS-owned bucket that holds the CodeDeploy resource kit (the agent installer) of a region. */
function codeDeployAgentBucket(region: string): string {
  return `aws-codedeploy-${region}`;
}

/**
 * Appends to `userData` the boot steps every instance of a fleet runs on Amazon Linux 2023, and the
 * CloudFormation signal of `group` (its creation and rolling updates wait for one per instance):
 *
 * 1. `set -euo pipefail`: a failing step (or a failing command of a pipe, or an unset variable)
 *    ends the script, so the signal reports it at once instead of CloudFormation waiting for the
 *    signal timeout.
 * 2. `dnf install -y aws-cfn-bootstrap awscli-2 ruby`: `cfn-signal`, the AWS CLI and the Ruby the
 *    CodeDeploy installer is written in, all packages of the AL2023 repositories (`awscli-2`, not
 *    AL2's `aws-cli`). No `dnf update`: the AMI pins its repository version, and a full upgrade at
 *    boot only adds a way to fail (a mirror hiccup) to every launch.
 * 3. The CodeDeploy agent, which AL2023 does not ship: the installer from the region's resource-kit
 *    bucket (`aws s3 cp` with the instance role), then `install auto`. Agent 1.6.0 added AL2023
 *    and its Ruby 3.2.
 * 4. On exit, whatever the exit code: `cfn-signal -e <exit code>` (SUCCESS on 0, FAILURE
 *    otherwise). If `cfn-signal` is not there (the package install itself failed), the AWS CLI's
 *    `signal-resource` sends the same signal for the instance.
 *
 * Commands already in `userData` run first, as written; commands added later run after these,
 * under `set -euo pipefail`.
 *
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/codedeploy-agent-operations-install-linux.html
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/resource-kit.html#resource-kit-bucket-names
 * @see https://github.com/aws/aws-codedeploy-agent/issues/351 (agent 1.6.0: AL2023 and Ruby 3.2)
 * @see https://docs.aws.amazon.com/linux/al2023/release-notes/all-packages.html (aws-cfn-bootstrap, awscli-2, ruby)
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/cfn-signal.html
 * @see https://docs.aws.amazon.com/cli/latest/reference/cloudformation/signal-resource.html
 */
export function addInstanceBootstrap(userData: ec2.UserData, group: CfnResource): void {
  const stack = Stack.of(group);
  const region = stack.region;
  const target = `--stack ${stack.stackName} --resource ${group.logicalId} --region ${region}`;
  userData.addOnExitCommands(
    // The trap runs whatever ended the script: nothing in it may end it before the signal is sent.
    'set +e',
    'if [ -x /opt/aws/bin/cfn-signal ]; then',
    `/opt/aws/bin/cfn-signal ${target} -e $exitCode || echo 'Failed to send CloudFormation signal'`,
    'else',
    'if [ $exitCode -eq 0 ]; then signalStatus=SUCCESS; else signalStatus=FAILURE; fi',
    `aws cloudformation signal-resource --stack-name ${stack.stackName} --logical-resource-id ${group.logicalId} ` +
      `--region ${region} --unique-id "$(cat /var/lib/cloud/data/instance-id)" --status $signalStatus ` +
      "|| echo 'Failed to send CloudFormation signal'",
    'fi',
  );
  const bucket = codeDeployAgentBucket(region);
  userData.addCommands(
    'set -euo pipefail',
    'dnf install -y aws-cfn-bootstrap awscli-2 ruby',
    'CODEDEPLOY_INSTALLER_DIR=$(mktemp -d)',
    `aws s3 cp s3://${bucket}/latest/install "$CODEDEPLOY_INSTALLER_DIR/install" --region ${region}`,
    'chmod +x "$CODEDEPLOY_INSTALLER_DIR/install"',
    // The region from the template rather than from instance metadata.
    `AWS_REGION=${region} "$CODEDEPLOY_INSTALLER_DIR/install" auto`,
    'rm -rf "$CODEDEPLOY_INSTALLER_DIR"',
  );
}

/**
 * The iCalendar text of an SSM change calendar that is open by default and closed during each
 * freeze. UIDs and stamps derive from the freezes themselves so that synthesis is deterministic.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ssm-document.html
 */
export function changeCalendarContent(description: string, freezes: readonly DeploymentFreeze[]): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'PRODID:-//AWS//Change Calendar 1.0//EN',
    'VERSION:2.0',
    'X-CALENDAR-TYPE:DEFAULT_OPEN',
    `X-WR-CALDESC:Deployment freezes of ${description}`,
  ];
  for (const freeze of freezes) {
    const start = icalTime(freeze.start);
    const end = icalTime(freeze.end);
    const uid = createHash('sha256').update(`${freeze.name}|${start}|${end}`).digest('hex').slice(0, 32);
    lines.push(
      'BEGIN:VEVENT',
      `DTSTAMP:${start}`,
      `UID:${uid}`,
      `SUMMARY:${icalText(freeze.name)}`,
      `DTSTART:${start}`,
      `DTEND:${end}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.join('\r\n')}\r\n`;
}

/** Escapes iCalendar TEXT (RFC 5545 §3.3.11): backslash, semicolon and comma. */
function icalText(text: string): string {
  return text.replace(/[\\;,]/g, (c) => `\\${c}`);
}

/** `2026-11-27T00:00:00.000Z` → `20261127T000000Z`. */
function icalTime(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
