import { EventarcTrigger } from '@cdktf/provider-google/lib/eventarc-trigger';
import {
  MonitoringAlertPolicy,
  MonitoringAlertPolicyConditions,
} from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringUptimeCheckConfig } from '@cdktf/provider-google/lib/monitoring-uptime-check-config';
import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { WorkflowsWorkflow } from '@cdktf/provider-google/lib/workflows-workflow';
import { DefaultTokenResolver, StringConcat, Token, Tokenization } from 'cdktf';
import { Construct } from 'constructs';
import {
  FAILOVER_STEP_METADATA_KEY,
  FailoverAlertConditionIntent,
  FailoverAlertIntent,
  FailoverTriggerIntent,
  FailureDomain,
  HaRole,
  WORKFLOW_ENV,
  WorkflowPlan,
  failbackWorkflowPlan,
  failoverWorkflowsProblems,
  failoverWorkflowsWarnings,
  promotionWorkflowPlan,
  scaleUpWorkflowPlan,
} from '../../core';
import { emitWarnings, throwProblems } from '../diagnostics';
import { GOOGLE_SERVICE_AGENTS } from './apis';
import { HaCloudSql } from './database';
import { RegionalFleet } from './fleet';
import { GoogleHaProps, serviceNameOf } from './ha-props';
import { ProjectServices } from './project-services';
import { CryptoKey, newCryptoKey } from './private/keys';
import { attachRecord, haLabels, haRecord } from './private/metadata';
import { uniqueName } from './private/names';
import { workflowSource } from './private/workflows';
import { projectOf } from './private/project';

/** Options of {@link FailoverTrigger.alert}. */
export interface FailoverAlertOptions {
  /**
   * The alert policies that notify the topic's Pub/Sub channel: every incident one of them opens
   * promotes the DR replica. Each should count uptime checks failing from more than one checker
   * location (a `check_passed` condition reduced with `REDUCE_COUNT_FALSE`, `COMPARISON_GT` 1, as
   * `SloAlarms`' uptime alerts do), so that one checker's own network path cannot lose writes.
   * @default - none: the construct cannot see what opens the incidents, and warns
   */
  readonly alertPolicies?: MonitoringAlertPolicy[];
  /**
   * The uptime checks those policies count, so that the construct knows their checkers (a policy
   * that needs more failing locations than its check has checkers never fires).
   * @default - the checkers are not checked
   */
  readonly uptimeChecks?: MonitoringUptimeCheckConfig[];
}

/**
 * What starts the promotion and scale-up workflows. A runbook nobody starts recovers nothing, so
 * the report counts the start: an alert's own evaluation, or the time a person states.
 */
export class FailoverTrigger {
  /**
   * A Cloud Monitoring alert starts them: an Eventarc trigger on the Pub/Sub topic of the alert's
   * notification channel (type `pubsub`) starts each workflow, which fails over only on an incident
   * that opens (not on its closing). Every incident that opens on the topic fails over: give it a
   * topic and channel of its own, notified only by an alert that watches the primary region from
   * outside it, with uptime checks failing from more than one location (`alertPolicies`), so that
   * it fires when the region is lost and not on a burn-rate page or one checker's bad path. On a
   * project created before April 2021, Pub/Sub's service agent also needs
   * `roles/iam.serviceAccountTokenCreator` for Eventarc to deliver.
   * @see https://cloud.google.com/eventarc/docs/workflows/route-trigger-cloud-pubsub
   * @param topicId the topic's id (`projects/<project>/topics/<name>`), the channel's `labels.topic`
   * @see https://cloud.google.com/monitoring/support/notification-options#pubsub
   */
  public static alert(topicId: string, options: FailoverAlertOptions = {}): FailoverTrigger {
    return new FailoverTrigger(topicId, undefined, options);
  }

  /**
   * An on-call engineer decides and runs them (`gcloud workflows run <name> --location=<region>
   * --data='{"mode":"failover"}'`). `decisionSeconds`, from the page to the run, is counted in full
   * in the region RTO: state what the on-call rota commits to, and time it in a region drill.
   */
  public static operator(decisionSeconds: number): FailoverTrigger {
    return new FailoverTrigger(undefined, decisionSeconds, {});
  }

  private constructor(
    /** The Pub/Sub topic whose messages start the workflows, when an alert does. */
    public readonly topicId: string | undefined,
    /** How long a person takes to decide, in seconds, when a person does. */
    public readonly decisionSeconds: number | undefined,
    /** The alert policies and uptime checks behind the topic, when an alert starts them. */
    public readonly alertOptions: FailoverAlertOptions,
  ) {}

  /** In core's terms. */
  public get intent(): FailoverTriggerIntent {
    return { alarm: this.topicId !== undefined, decisionSeconds: this.decisionSeconds };
  }

  /** The alert policies behind the topic in core's terms; undefined when none was given. */
  public get alerts(): FailoverAlertIntent[] | undefined {
    const policies = this.alertOptions.alertPolicies ?? [];
    if (policies.length === 0) {
      return undefined;
    }
    const checks = this.alertOptions.uptimeChecks ?? [];
    return policies.map((policy) => ({
      name: policy.node.path,
      combiner: literal(policy.combinerInput),
      conditions: conditionsOf(policy).map((c) => conditionIntent(policy, c, checks)),
    }));
  }
}

/** A string or number given at synthesis; undefined for a token. */
function literal<T extends string | number>(value: T | undefined): T | undefined {
  return value === undefined || Token.isUnresolved(value) ? undefined : value;
}

/** The conditions a policy was given: none when they are a token. */
function conditionsOf(policy: MonitoringAlertPolicy): MonitoringAlertPolicyConditions[] {
  const given = policy.conditionsInput;
  return Array.isArray(given) ? given : [];
}

/**
 * One condition in core's terms. Its filter may embed the check's id (a token): the metric type
 * core reads from it is literal. The check it counts is the one given whose id the filter embeds
 * (each read of an attribute is a new token, so the filter is compared resolved).
 */
function conditionIntent(
  policy: MonitoringAlertPolicy,
  condition: MonitoringAlertPolicyConditions,
  checks: readonly MonitoringUptimeCheckConfig[],
): FailoverAlertConditionIntent {
  const threshold = condition.conditionThreshold;
  const absent = condition.conditionAbsent;
  const body = threshold ?? absent;
  if (!body || Token.isUnresolved(body)) {
    return { kind: 'query' };
  }
  const filter = typeof body.filter === 'string' ? body.filter : undefined;
  const aggregations = Array.isArray(body.aggregations) ? body.aggregations : [];
  const reduced = aggregations.find((a) => a.crossSeriesReducer !== undefined);
  const resolve = (text: string, scope: Construct) =>
    String(Tokenization.resolve(text, { scope, resolver: new DefaultTokenResolver(new StringConcat()) }));
  const resolved = filter === undefined ? undefined : resolve(filter, policy);
  const check = checks.find(
    (c) => resolved !== undefined && resolved.includes(`${resolve(c.fqn, c).replace(/^\$\{(.*)\}$/, '$1')}.`),
  );
  const regions = check?.selectedRegionsInput;
  return {
    kind: threshold ? 'threshold' : 'absent',
    filter,
    comparison: threshold ? literal(threshold.comparison) : undefined,
    thresholdValue: threshold ? literal(threshold.thresholdValue) : undefined,
    crossSeriesReducer: literal(reduced?.crossSeriesReducer),
    groupByFields: Array.isArray(reduced?.groupByFields) ? reduced.groupByFields : undefined,
    checkerRegions:
      check === undefined || (regions !== undefined && Token.isUnresolved(regions)) ? undefined : (regions ?? []),
  };
}

/** Props of {@link FailoverWorkflows}. */
export interface FailoverWorkflowsProps extends GoogleHaProps {
  /**
   * The database whose DR replica the promotion workflow makes the writer (advanced DR, with
   * `designateDrReplica`): the instance deployed in its `replicaRegion`, whichever writes now. The
   * workflows keep to the deployed layout, so setting the database's `activeRegion` after a
   * failover changes none of them: the promotion then finds the replica already writing, and the
   * failback switches over to the instance deployed in `region`.
   * @default - no promotion workflow
   */
  readonly database?: HaCloudSql;
  /**
   * The standby fleet the scale-up workflow raises to `primaryFleet`'s minimum. Give `primaryFleet` with it.
   * @default - no scale-up workflow
   */
  readonly standbyFleet?: RegionalFleet;
  /**
   * The serving fleet whose minimum the standby scales to.
   * @default - the standby's own `failoverMinInstances` (the minimum a serving fleet of its props keeps)
   */
  readonly primaryFleet?: RegionalFleet;
  /** What starts the promotion and scale-up (the failback is always a person's decision). */
  readonly trigger: FailoverTrigger;
  /**
   * Region of the workflows, their key and trigger: the standby region, so that they run when the
   * primary region is lost.
   * @default - the database's replica region, else the standby fleet's region
   */
  readonly region?: string;
}

/**
 * The region-failover runbooks of a Google Cloud service as Cloud Workflows in the standby region:
 * `Promotion` (Cloud SQL advanced DR: replica failover, or switchover when both regions are up),
 * `ScaleUp` (the standby regional autoscaler's minimum to the primary's, then wait until the group
 * is stable) and `Failback` (switchover back to the original primary once its region is healthy,
 * then the standby minimum back down). Each has its own service account with only what it calls,
 * a customer-managed key in the region for its definition and executions, all calls logged, and
 * its inputs (instance, autoscaler and group names, counts) as environment variables that refer
 * to the resources. An alert (Eventarc on its Pub/Sub channel) or a person starts the first two;
 * each records the failover step it performs, so the report counts the start and the step. An
 * alert that promotes must count uptime checks failing from more than one location: the construct
 * warns (`FailoverWorkflows.trigger`) when it is given no policy or one that falls short.
 *
 * Construct ids (public API): `Key`, `KeyRing`, `KeyWorkflowsEncrypter`, `<Workflow>`,
 * `<Workflow>Account`, `<Workflow>CloudSql`, `<Workflow>CloudSqlReader`, `<Workflow>Scaling`, `<Workflow>Logs`, `ScalingRole`,
 * `TriggerAccount`, `TriggerInvoker`, `TriggerReceiver`, `<Workflow>Trigger`.
 */
export class FailoverWorkflows extends Construct {
  public readonly promotion?: WorkflowsWorkflow;
  public readonly scaleUp?: WorkflowsWorkflow;
  public readonly failback: WorkflowsWorkflow;
  public readonly region: string;
  private readonly key: CryptoKey;
  private readonly labels: Record<string, string>;
  private readonly services: ProjectServices;
  private scalingRole?: ProjectIamCustomRole;

  constructor(scope: Construct, id: string, props: FailoverWorkflowsProps) {
    super(scope, id);
    const { tier, database, standbyFleet } = props;
    const region = props.region ?? database?.replicaRegion ?? standbyFleet?.region;
    const known = (value: string | undefined) => (value === undefined || Token.isUnresolved(value) ? undefined : value);
    const knownCount = (value: number | undefined) =>
      value === undefined || Token.isUnresolved(value) ? undefined : value;
    const serving = props.primaryFleet?.minInstances ?? standbyFleet?.failoverMinInstances;
    throwProblems(
      [
        ...failoverWorkflowsProblems({
          tier,
          drReplica: database?.replica !== undefined,
          standbyAutoscaler: standbyFleet !== undefined,
          primaryMinInstances: knownCount(serving),
          standbyMinInstances: knownCount(standbyFleet?.minInstances),
          region: known(region),
          primaryRegion: known(database?.region ?? props.primaryFleet?.region),
          drReplicaRegion: known(database?.replicaRegion),
          standbyRegion: known(standbyFleet?.region),
          trigger: props.trigger.intent,
        }),
        ...(database && !database.drReplicaDesignated
          ? [
              {
                prop: 'database',
                message:
                  'database must designate its replica as DR replica (designateDrReplica: true, after the first apply): ' +
                  'a replica failover needs it, got: a database without one',
              },
            ]
          : []),
      ],
      this,
    );
    emitWarnings(
      this,
      'FailoverWorkflows',
      failoverWorkflowsWarnings({
        tier,
        drReplica: database?.replica !== undefined,
        standbyAutoscaler: standbyFleet !== undefined,
        trigger: props.trigger.intent,
        alerts: props.trigger.alerts,
        topic: props.trigger.topicId,
      }),
    );
    this.region = region!;
    const record = haRecord(this, props, {
      component: 'FailoverWorkflows',
      failureDomain: FailureDomain.REGION,
      role: HaRole.STANDBY,
    });
    this.labels = haLabels(props, record);
    this.services = ProjectServices.of(this, props.projectServices);
    this.key = newCryptoKey(this, 'Key', {
      location: this.region,
      labels: this.labels,
      encrypters: { Workflows: this.services.serviceAgent(GOOGLE_SERVICE_AGENTS.WORKFLOWS) },
    });
    const service = serviceNameOf(this, props);
    const trigger = props.trigger.intent;
    const started: WorkflowsWorkflow[] = [];

    if (database?.replica) {
      const plan = promotionWorkflowPlan({ service, tier, region: this.region, trigger });
      this.promotion = this.workflow('Promotion', plan, { [WORKFLOW_ENV.DR_REPLICA]: database.replica.name });
      this.grantCloudSql('Promotion', database);
      started.push(this.promotion);
    }
    const fleetEnv: Record<string, string> = standbyFleet
      ? {
          [WORKFLOW_ENV.AUTOSCALER]: standbyFleet.autoscaler.name,
          [WORKFLOW_ENV.AUTOSCALER_REGION]: standbyFleet.region,
          [WORKFLOW_ENV.GROUP]: standbyFleet.group.name,
        }
      : {};
    if (standbyFleet) {
      const plan = scaleUpWorkflowPlan({ service, tier, region: this.region, trigger });
      this.scaleUp = this.workflow('ScaleUp', plan, { ...fleetEnv, [WORKFLOW_ENV.SERVING_MIN]: String(serving) });
      this.grantScaling('ScaleUp');
      started.push(this.scaleUp);
    }
    const failback = failbackWorkflowPlan({
      service,
      tier,
      region: this.region,
      drReplica: database?.replica !== undefined,
      standbyAutoscaler: standbyFleet !== undefined,
    });
    this.failback = this.workflow('Failback', failback, {
      ...(database ? { [WORKFLOW_ENV.PRIMARY_INSTANCE]: database.instance.name } : {}),
      ...(standbyFleet ? { ...fleetEnv, [WORKFLOW_ENV.STANDBY_MIN]: String(standbyFleet.minInstances) } : {}),
    });
    if (database?.replica) {
      this.grantCloudSql('Failback', database);
    }
    if (standbyFleet) {
      this.grantScaling('Failback');
    }
    if (props.trigger.topicId !== undefined) {
      this.startOnAlert(props.trigger.topicId, started);
    }
    this.services.use(this);
    attachRecord(this, record);
  }

  /** A workflow in the region with its own service account, key, call logging and environment. */
  private workflow(name: string, plan: WorkflowPlan, env: Record<string, string>): WorkflowsWorkflow {
    const account = new ServiceAccount(this, `${name}Account`, {
      accountId: uniqueName(this, `${name}Sa`, 30),
      displayName: `Runs ${this.node.path}/${name}`,
    });
    // Call logging writes the workflow's calls to Cloud Logging as its service account.
    new ProjectIamMember(this, `${name}Logs`, {
      project: projectOf(this).projectId,
      role: 'roles/logging.logWriter',
      member: account.member,
    });
    const source = workflowSource(plan.definition);
    const workflow = new WorkflowsWorkflow(this, name, {
      name: uniqueName(this, name, 64),
      region: this.region,
      description: plan.title.slice(0, 1000),
      serviceAccount: account.email,
      sourceContents: source,
      cryptoKeyName: this.key.key.id,
      callLogLevel: 'LOG_ALL_CALLS',
      executionHistoryLevel: 'EXECUTION_HISTORY_DETAILED',
      // The built-in GOOGLE_CLOUD_PROJECT_ID is Workflows' own; the rest refers to the resources.
      userEnvVars: env,
      labels: this.labels,
      dependsOn: this.key.grants,
    });
    if (plan.failover) {
      workflow.addOverride(`//.${FAILOVER_STEP_METADATA_KEY}`, plan.failover);
    }
    return workflow;
  }

  /**
   * Cloud SQL Admin on the database's two instances only (an IAM condition names them): replica
   * failover needs `cloudsql.instances.promoteReplica`, and Google names the Cloud SQL Admin role
   * for advanced DR's switchover, whose permission it does not list apart.
   * @see https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery
   */
  private grantCloudSql(name: string, database: HaCloudSql): void {
    const project = projectOf(this).projectId;
    const instances = [database.instance, ...(database.replica ? [database.replica] : [])].map(
      (i) => `resource.name == 'projects/${project}/instances/${i.name}'`,
    );
    new ProjectIamMember(this, `${name}CloudSql`, {
      project,
      role: 'roles/cloudsql.admin',
      member: this.accountMember(name),
      condition: {
        title: `Only ${database.node.path}`.slice(0, 100),
        description: `Fail over and back the instances of ${database.node.path}`,
        expression: `resource.type == 'sqladmin.googleapis.com/Instance' && (${instances.join(' || ')})`,
      },
    });
    // Cloud SQL's IAM conditions cover instances, not the operations the workflow polls until the
    // promotion ends: reading them (and the instances' state) needs a grant no condition narrows.
    new ProjectIamMember(this, `${name}CloudSqlReader`, {
      project,
      role: 'roles/cloudsql.viewer',
      member: this.accountMember(name),
    });
  }

  /** Read and update autoscalers, read the group it waits for, and the operations of both. */
  private grantScaling(name: string): void {
    this.scalingRole ??= new ProjectIamCustomRole(this, 'ScalingRole', {
      roleId: uniqueName(this, 'Scaling', 64).replace(/-/g, '_'),
      title: `Scale the standby fleet of ${this.node.path}`.slice(0, 100),
      description: 'Raise or lower a regional autoscaler minimum and wait for its group',
      permissions: [
        'compute.autoscalers.get',
        'compute.autoscalers.update',
        'compute.instanceGroupManagers.get',
        'compute.instanceGroupManagers.use',
        'compute.regionOperations.get',
      ],
    });
    new ProjectIamMember(this, `${name}Scaling`, {
      project: projectOf(this).projectId,
      role: this.scalingRole.name,
      member: this.accountMember(name),
    });
  }

  private accountMember(name: string): string {
    return (this.node.findChild(`${name}Account`) as ServiceAccount).member;
  }

  /**
   * One Eventarc trigger per workflow on the alert channel's topic, in the workflows' region, as an
   * account that may only receive events and start workflows.
   * @see https://cloud.google.com/eventarc/docs/workflows/route-trigger-cloud-pubsub
   */
  private startOnAlert(topicId: string, workflows: readonly WorkflowsWorkflow[]): void {
    const account = new ServiceAccount(this, 'TriggerAccount', {
      accountId: uniqueName(this, 'TriggerSa', 30),
      displayName: `Starts the runbooks of ${this.node.path} on an alert`,
    });
    const project = projectOf(this).projectId;
    const grants = [
      ['TriggerInvoker', 'roles/workflows.invoker'],
      ['TriggerReceiver', 'roles/eventarc.eventReceiver'],
    ].map(([id, role]) => new ProjectIamMember(this, id, { project, role, member: account.member }));
    for (const workflow of workflows) {
      const name = workflow.node.id;
      new EventarcTrigger(this, `${name}Trigger`, {
        name: uniqueName(this, `${name}Trigger`),
        location: this.region,
        matchingCriteria: [{ attribute: 'type', value: 'google.cloud.pubsub.topic.v1.messagePublished' }],
        transport: { pubsub: { topic: topicId } },
        destination: { workflow: workflow.id },
        serviceAccount: account.email,
        labels: this.labels,
        dependsOn: grants,
      });
    }
  }
}
