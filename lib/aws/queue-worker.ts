import { Duration, Fn, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as eventsources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FailureDomain } from '../core';
import { planQueueWorker, QueueWorkerPlan, SQS_QUEUE_NAME_MAX_LENGTH } from '../core/plans/queue-worker';
import { ResilientFunction } from './function';
import { addQueueBacklogScaling, publishesRunningTaskCount } from './queue-scaling';
import { ResilientService } from './service';
import { HaProps } from './ha-props';
import { attachHaMetadata } from './metadata';
import { newAlarmTopic, notifyOn } from './private/alarms';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { acknowledgeFindings } from './private/nag';
import { newCustomerManagedKey } from './private/keys';

/** Props of {@link QueueWorker}. */
export interface QueueWorkerProps extends HaProps {
  /**
   * The function that processes the messages (through its alias). Its reserved concurrency is what the lanes
   * share; it must return `batchItemFailures` (partial batch responses): only the failed messages are retried.
   * Give this or `consumerService`.
   * @default - none: `consumerService` drains the lanes
   */
  readonly handler?: ResilientFunction;
  /**
   * The ECS service whose tasks drain the lanes, scaled on the backlog per running task between its statically
   * stable count and its `maxCount`. Its container gets `QUEUE_URLS` (the lanes' URLs in drain order: the priority
   * lane first; receive from the next one only while the ones before it are empty), `QUEUE_BATCH_SIZE` (messages
   * per ReceiveMessage call) and `QUEUE_MESSAGES_PER_TASK`; its task role may receive, delete and change the
   * visibility of their messages and decrypt them. Its cluster must publish Container Insights (the default for
   * the cluster `ResilientService` creates). Build it as a worker (`loadBalanced: false`): no load balancer, its
   * container's health check alone replaces a task, and the lanes' age alarms roll its deployments back (this
   * worker adds them). A load-balanced service drains the lanes too, answering its load balancer's checks.
   * Give this or `handler`.
   * @default - none: `handler` drains the lanes
   */
  readonly consumerService?: ResilientService;
  /**
   * With `consumerService`: how long a task takes to process one message, a high percentile (p90 or above)
   * measured under load. It sets the backlog per task the service holds (a task drains it in half of
   * `maxMessageAge`) and the least visibility timeout; a figure shorter than the truth lets messages wait past
   * `maxMessageAge`.
   * @default - required with `consumerService`
   */
  readonly processingTime?: Duration;
  /**
   * With `consumerService`: messages a task processes at once.
   * @default 1
   */
  readonly messagesPerTask?: number;
  /**
   * Whether there is a priority lane (`priorityQueue`). With a `handler` it follows `priorityConcurrency`; a
   * `consumerService`'s tasks drain it before the normal lane.
   * @default - with a handler, whether `priorityConcurrency` is given; with a service, false
   */
  readonly priorityLane?: boolean;
  /** How long a message may wait before its work is late: each lane alarms when its oldest message is older. */
  readonly maxMessageAge: Duration;
  /**
   * Executions of the handler that only the priority lane may use: the normal lane's event source runs at most
   * `reservedConcurrency − priorityConcurrency`, so a flood of normal work never delays priority work past this.
   * Send core work (payments, not e-mails) to `priorityQueue`.
   * @default - no priority lane
   */
  readonly priorityConcurrency?: number;
  /**
   * Messages per batch: a handler's (1–10,000; above 10 needs `maxBatchingWindow`), or what a service's task
   * receives per call (1–10).
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * How long Lambda gathers a batch (0–300 s); a handler's only.
   * @default - none
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Receives before a message goes to the dead-letter queue (1–1,000). With a handler, fewer than 5 warns: Lambda
   * advises 5 under load, as a batch returned after a throttle counts as a receive.
   * @default - 5 with a handler, 3 with a consumerService
   */
  readonly maxReceiveCount?: number;
  /**
   * How long the lanes keep a message (60 s to 14 days); the dead-letter queue keeps its messages 14 days.
   * @default Duration.days(4)
   */
  readonly retentionPeriod?: Duration;
  /**
   * The lanes' visibility timeout: at least 6 × the handler's timeout + `maxBatchingWindow` (Lambda's advice), or
   * a service's batch: ⌈batchSize / messagesPerTask⌉ × processingTime.
   * @default - 6 × the handler's timeout + maxBatchingWindow; for a service twice its batch, at least 30 s, at most
   * the tier's AZ RTO unless one batch takes longer (a lost AZ's messages in progress reappear when it ends)
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Topic the worker's alarms go to.
   * @default - the handler's or the service's alarm topic
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * SQS queues drained by a `ResilientFunction` or a `ResilientService`, with a dead-letter queue, and optionally a
 * priority lane.
 *
 * - **Queues**: encrypted with a customer-managed key, TLS only; a redrive policy sends a message that failed
 *   `maxReceiveCount` receives to the dead-letter queue, which accepts messages from these lanes only and keeps
 *   them 14 days (longer than the lanes, as SQS counts a dead letter's age from its first enqueue).
 * - **Consumer**: an event source mapping per lane on the handler's alias, with partial batch responses (a failed
 *   message does not send its whole batch back) and a maximum concurrency; Lambda scales the pollers with the
 *   backlog up to it.
 * - **Or an ECS consumer** (`consumerService`): target tracking on the lanes' visible messages per running task (both
 *   lanes count alike), the target a backlog a task drains in half of `maxMessageAge`; scale-out after a minute,
 *   scale-in after five and never below the service's statically stable count; `maxCount` is the literal maximum.
 *   A task stopped by scale-in or a deployment leaves its unfinished messages to reappear after the visibility
 *   timeout: processing must be idempotent. How fast a new task starts is not published: the lanes' age alarms,
 *   and a load drill that floods the normal lane, show whether `maxMessageAge` holds.
 * - **Priority lane** (SRE book, criticality): `priorityConcurrency` executions the normal lane can never take, or
 *   a service's tasks draining it first, so that at the maximum only the normal lane waits (while priority work
 *   alone stays under what the maximum drains). The drain order is the application's code: no template proves it.
 * - **Alarms**: any dead letter; the oldest dead letter halfway to expiring; each lane's oldest message older
 *   than `maxMessageAge`. The age alarms roll back the deployments of a worker service (`loadBalanced: false`),
 *   not the dead-letter alarm: it stays in alarm while any old dead letter waits, and would roll back every
 *   deployment. ECS watches a deployment's alarms until a bake time after its last task starts, a time it computes
 *   and does not publish: a version that fails every message is rolled back only if its oldest message passes
 *   `maxMessageAge` within it; the circuit breaker catches tasks that fail to start or fail their health check,
 *   and `pageAlarm` (an SLO alarm on processed work) catches the rest.
 *
 * A queue lives in one region: the messages a failed region holds wait for it, and expire after `retentionPeriod`
 * if it does not come back. Build a worker per region, each fed by its own region's producers, and keep work that
 * must survive a region in a replicated store (a `GlobalTable`) before it is queued.
 *
 * Construct ids (public API): `Key`, `Queue`, `PriorityQueue`, `DeadLetterQueue` (all retained),
 * `DeadLetterAlarm`, `DeadLetterAgeAlarm`, `AgeAlarm`, `PriorityAgeAlarm`, `AlarmTopic`, `BacklogScaling`.
 */
export class QueueWorker extends Construct {
  /** The normal lane. */
  public readonly queue: sqs.Queue;
  /** The priority lane (undefined without one). */
  public readonly priorityQueue?: sqs.Queue;
  /** Messages that failed `maxReceiveCount` receives. Redrive them to their lane once fixed. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Key of the queues. */
  public readonly key: kms.IKey;
  public readonly alarmTopic: sns.ITopic;
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  public readonly deadLetterAgeAlarm: cloudwatch.Alarm;
  /** The normal lane's oldest message is late. */
  public readonly ageAlarm: cloudwatch.Alarm;
  /** The priority lane's oldest message is late (undefined without a priority lane). */
  public readonly priorityAgeAlarm?: cloudwatch.Alarm;
  /** The plan the worker was built from. */
  public readonly plan: QueueWorkerPlan;
  /** The service consumer's target tracking on the backlog per task (undefined with a handler). */
  public readonly backlogScaling?: appscaling.CfnScalingPolicy;

  constructor(scope: Construct, id: string, props: QueueWorkerProps) {
    super(scope, id);
    const { tier, handler } = props;
    const service = props.consumerService;
    const seconds = (prop: string, value: Duration | undefined) => {
      const s = value?.toSeconds({ integral: false });
      if (s !== undefined && Token.isUnresolved(s)) {
        throw validationError(`${prop} must be a concrete duration (checked at synthesis), got: a token`, this, prop);
      }
      return s;
    };
    if (service && props.processingTime === undefined) {
      throw validationError(
        'processingTime must be given with consumerService (it sets the backlog per task), got: none',
        this,
        'processingTime',
      );
    }
    if (service && drainedServices.has(service)) {
      throw validationError(
        "consumerService must drain one QueueWorker (its container's QUEUE_URLS names one), got: " +
          `${service.node.path}, which already drains another`,
        this,
        'consumerService',
      );
    }
    const plan = planQueueWorker(tier, {
      handler: handler && {
        timeoutSeconds: handler.timeoutSeconds,
        reservedConcurrency: handler.reservedConcurrency,
      },
      service: service && {
        processingSeconds: seconds('processingTime', props.processingTime)!,
        messagesPerTask: props.messagesPerTask,
        minCount: service.taskCount.min,
        maxCount: service.taskCount.max,
        runningTaskCountPublished: publishesRunningTaskCount(service.cluster),
      },
      priorityLane: props.priorityLane,
      maxMessageAgeSeconds: seconds('maxMessageAge', props.maxMessageAge)!,
      priorityConcurrency: props.priorityConcurrency,
      batchSize: props.batchSize,
      batchingWindowSeconds: seconds('maxBatchingWindow', props.maxBatchingWindow),
      maxReceiveCount: props.maxReceiveCount,
      retentionSeconds: seconds('retentionPeriod', props.retentionPeriod),
      visibilityTimeoutSeconds: seconds('visibilityTimeout', props.visibilityTimeout),
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'QueueWorker', plan.warnings);
    this.plan = plan;

    // ---- Queues -----------------------------------------------------------------------------
    const key = newCustomerManagedKey(this, 'Key', `Encrypts the messages of ${this.node.path}`);
    this.key = key;
    const encrypted = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      // Fewer calls to KMS (one data key per period per principal): a KMS throttle would stop the worker.
      dataKeyReuse: Duration.seconds(plan.dataKeyReuseSeconds),
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    };
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...encrypted,
      retentionPeriod: Duration.seconds(plan.deadLetterRetentionSeconds),
    });
    // The lanes are named so that the dead-letter queue can name them back (by ARN) without a reference cycle.
    const laneName = (laneId: string) => {
      const maxLength = SQS_QUEUE_NAME_MAX_LENGTH - laneId.length - 1;
      return `${Names.uniqueResourceName(this, { maxLength, separator: '-' })}-${laneId}`;
    };
    const lane = (laneId: string) =>
      new sqs.Queue(this, laneId, {
        ...encrypted,
        queueName: laneName(laneId),
        retentionPeriod: Duration.seconds(plan.retentionSeconds),
        visibilityTimeout: Duration.seconds(plan.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: plan.maxReceiveCount },
      });
    this.queue = lane('Queue');
    this.priorityQueue = plan.priority ? lane('PriorityQueue') : undefined;
    const lanes = [this.queue, ...(this.priorityQueue ? [this.priorityQueue] : [])];
    // Only these lanes may move messages into the dead-letter queue (Control Tower CT.SQS.PR.1 asks for a
    // redrive-allow policy on a dead-letter queue).
    (this.deadLetterQueue.node.defaultChild as sqs.CfnQueue).redriveAllowPolicy = {
      redrivePermission: 'byQueue',
      sourceQueueArns: lanes.map((q) =>
        Stack.of(this).formatArn({ service: 'sqs', resource: (q.node.defaultChild as sqs.CfnQueue).queueName! }),
      ),
    };

    // ---- Consumers --------------------------------------------------------------------------
    if (handler) {
      const consume = (queue: sqs.IQueue, maxConcurrency: number | undefined) =>
        handler.alias.addEventSource(
          new eventsources.SqsEventSource(queue, {
            batchSize: plan.batchSize,
            maxBatchingWindow:
              plan.batchingWindowSeconds > 0 ? Duration.seconds(plan.batchingWindowSeconds) : undefined,
            reportBatchItemFailures: true,
            maxConcurrency,
          }),
        );
      consume(this.queue, plan.normal.maxConcurrency);
      if (this.priorityQueue && plan.priority) {
        consume(this.priorityQueue, plan.priority.maxConcurrency);
      }
    }
    if (service && plan.backlogScaling) {
      drainedServices.add(service);
      // Drain order: the priority lane first.
      const drainOrder = [...(this.priorityQueue ? [this.priorityQueue] : []), this.queue];
      service.container.addEnvironment(
        'QUEUE_URLS',
        Fn.join(
          ',',
          drainOrder.map((q) => q.queueUrl),
        ),
      );
      service.container.addEnvironment('QUEUE_BATCH_SIZE', String(plan.batchSize));
      service.container.addEnvironment('QUEUE_MESSAGES_PER_TASK', String(props.messagesPerTask ?? 1));
      acknowledgeFindings(service.taskDefinition, {
        id: 'AwsSolutions-ECS2',
        reason:
          "QueueWorker gives the container its lanes' URLs and batch size, which are not secret: reading a message " +
          "takes the task role's sqs:ReceiveMessage and kms:Decrypt, not the URL",
      });
      // Least privilege: what a consumer does with a message, on these lanes only (no send, purge or attributes).
      iam.Grant.addToPrincipal({
        grantee: service,
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'],
        resourceArns: drainOrder.map((q) => q.queueArn),
      });
      key.grantDecrypt(service);
      this.backlogScaling = addQueueBacklogScaling(this, {
        plan: plan.backlogScaling,
        service,
        queue: this.queue,
        priorityQueue: this.priorityQueue,
      });
    }

    // ---- Alarms -----------------------------------------------------------------------------
    this.alarmTopic =
      props.alarmTopic ??
      handler?.alarmTopic ??
      service?.alarmTopic ??
      newAlarmTopic(this, 'AlarmTopic', this.node.path);
    const alarm = (alarmId: string, description: string, metric: cloudwatch.IMetric, threshold: number) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      notifyOn(created, this.alarmTopic);
      return created;
    };
    const period = (s: number) => ({ period: Duration.seconds(s), statistic: cloudwatch.Stats.MAXIMUM });
    this.deadLetterAlarm = alarm(
      'DeadLetterAlarm',
      `Messages of ${this.node.path} failed ${plan.maxReceiveCount} receives: read them in the dead-letter queue, ` +
        'fix the cause, redrive them',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(period(plan.deadLetterAlarm.periodSeconds)),
      plan.deadLetterAlarm.threshold,
    );
    this.deadLetterAgeAlarm = alarm(
      'DeadLetterAgeAlarm',
      `The oldest dead letter of ${this.node.path} is halfway to expiring: redrive or keep it before SQS deletes it`,
      this.deadLetterQueue.metricApproximateAgeOfOldestMessage(period(plan.deadLetterAgeAlarm.periodSeconds)),
      plan.deadLetterAgeAlarm.thresholdSeconds,
    );
    const ageAlarm = (alarmId: string, queue: sqs.IQueue, name: string, ageSeconds: number) =>
      alarm(
        alarmId,
        `The ${name} of ${this.node.path} is late: its oldest message waited more than ${ageSeconds} s`,
        queue.metricApproximateAgeOfOldestMessage(period(plan.ageAlarmPeriodSeconds)),
        ageSeconds,
      );
    this.ageAlarm = ageAlarm('AgeAlarm', this.queue, 'normal lane', plan.normal.maxMessageAgeSeconds);
    if (this.priorityQueue && plan.priority) {
      this.priorityAgeAlarm = ageAlarm(
        'PriorityAgeAlarm',
        this.priorityQueue,
        'priority lane',
        plan.priority.maxMessageAgeSeconds,
      );
    }
    // A worker has no load-balancer alarm: work that waits too long is the sign of a bad version it rolls back on.
    if (service && !service.loadBalanced) {
      service.addRollbackAlarm(this.ageAlarm);
      if (this.priorityAgeAlarm) {
        service.addRollbackAlarm(this.priorityAgeAlarm);
      }
    }
    attachHaMetadata(this, props, { component: 'QueueWorker', failureDomain: FailureDomain.REGION });
  }

  /** Lets `grantee` send to the normal lane. */
  public grantSendMessages(grantee: iam.IGrantable): iam.Grant {
    return this.queue.grantSendMessages(grantee);
  }

  /** Lets `grantee` send to the priority lane; an error without one. */
  public grantSendPriorityMessages(grantee: iam.IGrantable): iam.Grant {
    if (!this.priorityQueue) {
      throw validationError(
        'grantSendPriorityMessages needs a priority lane: set priorityConcurrency (or priorityLane with a ' +
          'consumerService), got: none',
        this,
        'priorityConcurrency',
      );
    }
    return this.priorityQueue.grantSendMessages(grantee);
  }
}

/** Services already draining a worker: a second would overwrite the first's QUEUE_URLS. */
const drainedServices = new WeakSet<ResilientService>();
