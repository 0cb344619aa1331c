import { CloudSchedulerJob } from '@cdktf/provider-google/lib/cloud-scheduler-job';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { PubsubSubscriptionIamMember } from '@cdktf/provider-google/lib/pubsub-subscription-iam-member';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { WorkflowsWorkflow } from '@cdktf/provider-google/lib/workflows-workflow';
import { Construct } from 'constructs';
import { uniqueName } from './names';

/** What {@link newWorkflowSchedule} starts, when and where. */
export interface WorkflowScheduleOptions {
  readonly workflow: WorkflowsWorkflow;
  /** What the schedule runs, for the account's display name (`the zone drill`). */
  readonly what: string;
  readonly project: string;
  readonly region: string;
  /** Five-field cron. */
  readonly schedule: string;
  /** @default 'UTC' */
  readonly timeZone?: string;
}

/**
 * A Cloud Scheduler job that starts a drill's workflow with no argument, as a service account that
 * may only invoke workflows. A drill that failed is looked at, not retried.
 *
 * Construct ids (under `scope`): `ScheduleAccount`, `ScheduleInvoker`, `Schedule`.
 */
export function newWorkflowSchedule(scope: Construct, options: WorkflowScheduleOptions): CloudSchedulerJob {
  const scheduler = new ServiceAccount(scope, 'ScheduleAccount', {
    accountId: uniqueName(scope, 'SchedSa', 30),
    displayName: `Starts ${options.what} ${scope.node.path} on its schedule`,
  });
  new ProjectIamMember(scope, 'ScheduleInvoker', {
    project: options.project,
    role: 'roles/workflows.invoker',
    member: scheduler.member,
  });
  return new CloudSchedulerJob(scope, 'Schedule', {
    name: uniqueName(scope, 'Schedule'),
    region: options.region,
    description: `Runs ${scope.node.path}; the drill itself refuses to start in a freeze`,
    schedule: options.schedule,
    timeZone: options.timeZone ?? 'UTC',
    retryConfig: { retryCount: 0 },
    httpTarget: {
      httpMethod: 'POST',
      uri: `https://workflowexecutions.googleapis.com/v1/${options.workflow.id}/executions`,
      // Cloud Scheduler takes the body base64-encoded: an execution with no argument.
      body: Buffer.from(JSON.stringify({ argument: '{}' })).toString('base64'),
      headers: { 'Content-Type': 'application/json' },
      oauthToken: { serviceAccountEmail: scheduler.email, scope: 'https://www.googleapis.com/auth/cloud-platform' },
    },
  });
}

/**
 * A workflow definition as Cloud Workflows source: indented for a reader, with the definition's own
 * `${...}` expressions escaped as `$${...}` (Terraform would read `${` as its own interpolation).
 */
export function workflowSource(definition: unknown): string {
  return JSON.stringify(definition, undefined, 2).replace(/\$\{/g, '$$${');
}

/** What {@link newStopSubscription} reads. */
export interface StopSubscriptionOptions {
  /** The topic the SLO alerts notify. */
  readonly topicId: string;
  readonly ackDeadlineSeconds: number;
  readonly messageRetentionSeconds: number;
  readonly labels: Record<string, string>;
  /** The drill's service account, which pulls from it. */
  readonly member: string;
}

/**
 * The subscription a drill reads its stop signal from: the SLO alerts' topic. Only what arrives
 * during a drill matters; it never expires between drills. Construct ids: `StopSubscription`, `StopReader`.
 */
export function newStopSubscription(scope: Construct, options: StopSubscriptionOptions): PubsubSubscription {
  const subscription = new PubsubSubscription(scope, 'StopSubscription', {
    name: uniqueName(scope, 'StopSubscription'),
    topic: options.topicId,
    ackDeadlineSeconds: options.ackDeadlineSeconds,
    messageRetentionDuration: `${options.messageRetentionSeconds}s`,
    expirationPolicy: { ttl: '' },
    labels: options.labels,
  });
  new PubsubSubscriptionIamMember(scope, 'StopReader', {
    subscription: subscription.name,
    role: 'roles/pubsub.subscriber',
    member: options.member,
  });
  return subscription;
}
