import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { Construct } from 'constructs';
import { AccountContext, PolicyStatement } from './keys';

/**
 * The role an SSM Automation runbook runs as, with its inline policy. Confused-deputy guard: only
 * automation executions of this account may assume it.
 *
 * Construct ids: `<id>`, and `<policyId>` (default `<id>Policy`).
 */
export function newAutomationRole(
  scope: Construct,
  id: string,
  description: string,
  context: AccountContext,
  statements: PolicyStatement[],
  policyId = `${id}Policy`,
): { readonly role: IamRole; readonly policy: IamRolePolicy } {
  const provider = context.provider;
  const role = new IamRole(scope, id, {
    provider,
    description,
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'ssm.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': context.accountId },
            ArnLike: { 'aws:SourceArn': context.arn('ssm', 'automation-execution/*') },
          },
        },
      ],
    }),
  });
  const policy = new IamRolePolicy(scope, policyId, {
    provider,
    role: role.id,
    policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
  });
  return { role, policy };
}

/** What an EventBridge target names to start a runbook, and the role it starts it with. */
export interface AutomationTrigger {
  /** The runbook's default version, as a target's `arn`. */
  readonly definitionArn: string;
  /** The role EventBridge assumes: it may start this runbook only, and pass it only its own role. */
  readonly role: IamRole;
  /** The role's policy: a target that starts the runbook before it exists fails. */
  readonly policy: IamRolePolicy;
}

/**
 * The target and role with which EventBridge rules start `runbook` as `runbookRole`. The role may be
 * assumed by EventBridge for this account only.
 *
 * Construct ids: `<id>`, `<id>Policy`.
 */
export function newAutomationTrigger(
  scope: Construct,
  id: string,
  description: string,
  context: AccountContext,
  runbook: SsmDocument,
  runbookRole: IamRole,
): AutomationTrigger {
  const provider = context.provider;
  const role = new IamRole(scope, id, {
    provider,
    description,
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': context.accountId } },
        },
      ],
    }),
  });
  const definitionArn = context.arn('ssm', `automation-definition/${runbook.name}:$DEFAULT`);
  const policy = new IamRolePolicy(scope, `${id}Policy`, {
    provider,
    role: role.id,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'ssm:StartAutomationExecution', Resource: definitionArn },
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: runbookRole.arn,
          Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
        },
      ],
    }),
  });
  return { definitionArn, role, policy };
}
