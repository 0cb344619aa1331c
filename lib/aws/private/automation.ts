import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { acknowledgeFindings } from './nag';

/**
 * The role an SSM Automation runbook runs as. Confused-deputy guard: only automation executions of
 * this account may assume it.
 */
export function newAutomationRole(scope: Construct, id: string, description: string): iam.Role {
  const stack = Stack.of(scope);
  return new iam.Role(scope, id, {
    description,
    assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: {
          'aws:SourceArn': stack.formatArn({ service: 'ssm', resource: 'automation-execution', resourceName: '*' }),
        },
      },
    }),
  });
}

/** What an EventBridge rule targets to start a runbook, and the role it starts it with. */
export interface AutomationTrigger {
  /** The runbook's default version, as a rule target's `Arn`. */
  readonly definitionArn: string;
  /** The role EventBridge assumes: it may start this runbook only, and pass it only its own role. */
  readonly role: iam.Role;
}

/** The target and role with which EventBridge rules start `runbook` as `runbookRole`. */
export function newAutomationTrigger(
  scope: Construct,
  id: string,
  description: string,
  runbook: ssm.CfnDocument,
  runbookRole: iam.IRole,
): AutomationTrigger {
  const role = new iam.Role(scope, id, {
    description,
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
  });
  const definitionArn = Stack.of(scope).formatArn({
    service: 'ssm',
    resource: 'automation-definition',
    resourceName: `${runbook.ref}:$DEFAULT`,
  });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['ssm:StartAutomationExecution'], resources: [definitionArn] }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [runbookRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
    }),
  );
  acknowledgeFindings(role, {
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason:
      'the inline policy belongs to this one role and only starts this runbook with its own role; it is deleted ' +
      'with the role',
  });
  return { definitionArn, role };
}
