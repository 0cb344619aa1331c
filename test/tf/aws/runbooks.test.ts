import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { TerraformVariable, Testing } from 'cdktf';
import { FAILOVER_STEP_METADATA_KEY, HaRole, HaValidationError, ServiceTier } from '../../../lib/core';
import { readTerraform } from '../../../lib/checks/graph/terraform';
import { FailoverRunbooks, FailoverRunbooksProps, FailoverTrigger } from '../../../lib/tf/aws/runbooks';
import { awsStack, fullResourcesOf, Json, resourcesOf, warningsOf } from './util';

Testing.setupJest();

const CLUSTER_ARN = 'arn:aws:rds:us-west-2:111122223333:cluster:orders-secondary';
const PRIMARY_ARN = 'arn:aws:rds:us-east-1:111122223333:cluster:orders-primary';
const REGION_FAILOVER: FailoverRunbooksProps = {
  tier: ServiceTier.TIER_1,
  service: 'orders',
  role: HaRole.STANDBY,
  failoverTrigger: FailoverTrigger.operator(300),
  globalClusterIdentifier: 'orders-global',
  secondaryClusterArn: CLUSTER_ARN,
  primaryClusterArn: PRIMARY_ARN,
  standbyAutoScalingGroupName: 'orders-standby',
  primaryCapacity: { min: 9, desired: 9, max: 18 },
};
/** A region in an ARN the provider's data source fills in. */
const REGION = '\\$\\{data\\.aws_region\\.[^}]+\\}';
/** The account id, likewise. */
const ACCOUNT = '\\$\\{data\\.aws_caller_identity\\.[^}]+\\}';

function synth(props: Partial<FailoverRunbooksProps> = {}) {
  const { stack, west } = awsStack();
  const runbooks = new FailoverRunbooks(stack, 'Runbooks', { ...REGION_FAILOVER, provider: west, ...props });
  const synthesized = Testing.synth(stack);
  // The documents as written to cdk.tf.json (with their // block), content parsed.
  const documents = Object.entries(fullResourcesOf(stack, SsmDocument)).map(([address, d]): Json => ({
    ...d,
    address,
    content: JSON.parse(d.content),
  }));
  const policies = Object.fromEntries(
    Object.entries(resourcesOf(synthesized, IamRolePolicy)).map(([name, p]) => [name, JSON.parse(p.policy)]),
  );
  return { stack, runbooks, synthesized, documents, policies };
}

/** The one policy whose address contains `part`. */
function policyOf(policies: Record<string, Json>, part: string): Json {
  const found = Object.entries(policies).filter(([name]) => name.includes(part));
  expect(found).toHaveLength(1);
  return found[0][1];
}

const documentOf = (documents: Json[], part: string) => documents.find((d) => d.address.includes(part))!;
const records = (documents: Json[]) => documents.map((d) => d['//'][FAILOVER_STEP_METADATA_KEY]);
const HEADLESS = {
  headlessSecondaryWriterClass: 'db.r6g.large',
  headlessSecondarySubnetGroupName: 'orders-secondary',
  headlessSecondaryEngineVersion: '16.6',
};

describe('FailoverRunbooks (Terraform)', () => {
  test('THEN the promotion runbook fails the global cluster over to the secondary and waits for the writer', () => {
    const { documents, synthesized } = synth();
    const promote = documentOf(documents, 'PromoteDatabase');
    expect(promote).toEqual(
      expect.objectContaining({
        document_type: 'Automation',
        document_format: 'JSON',
        provider: 'aws.west',
      }),
    );
    expect(promote.address).toMatch(/^Runbooks_PromoteDatabaseDocument_/);
    const { content } = promote;
    expect(content.schemaVersion).toBe('0.3');
    expect(content.assumeRole).toBe('{{ AutomationAssumeRole }}');
    expect(content.parameters.AutomationAssumeRole.default).toMatch(
      /^\$\{aws_iam_role\.Runbooks_PromoteDatabaseRole_[0-9A-F]{8}\.arn\}$/,
    );
    expect(content.parameters.GlobalClusterIdentifier.default).toBe('orders-global');
    expect(content.parameters.TargetDbClusterIdentifier.default).toBe(CLUSTER_ARN);
    // No default mode: Switchover fails in an outage, Failover loses writes in a planned move.
    expect(content.parameters.Mode).toEqual(expect.objectContaining({ allowedValues: ['Failover', 'Switchover'] }));
    expect(content.parameters.Mode.default).toBeUndefined();
    expect(content.mainSteps.map((s: Json) => [s.name, s.nextStep])).toEqual([
      ['ChooseMode', undefined],
      ['Switchover', 'WaitForPromotion'],
      ['Failover', 'WaitForPromotion'],
      ['WaitForPromotion', undefined],
    ]);
    expect(content.mainSteps[2].inputs).toEqual({
      Service: 'rds',
      Api: 'FailoverGlobalCluster',
      GlobalClusterIdentifier: '{{ GlobalClusterIdentifier }}',
      TargetDbClusterIdentifier: '{{ TargetDbClusterIdentifier }}',
      AllowDataLoss: true,
    });
    // Done when this cluster is the global database's writer member.
    expect(content.mainSteps[3]).toEqual(
      expect.objectContaining({
        action: 'aws:waitForAwsResourceProperty',
        timeoutSeconds: ServiceTier.TIER_1.regionRtoSeconds,
        isEnd: true,
        inputs: expect.objectContaining({
          Api: 'DescribeGlobalClusters',
          GlobalClusterIdentifier: '{{ GlobalClusterIdentifier }}',
          DesiredValues: ['True'],
          PropertySelector:
            '$.GlobalClusters[0].GlobalClusterMembers' +
            "[?(@.DBClusterArn == '{{ TargetDbClusterIdentifier }}')].IsWriter",
        }),
      }),
    );
    const written = Object.entries(resourcesOf(synthesized, SsmDocument)).find(([n]) =>
      n.includes('PromoteDatabase'),
    )![1];
    expect(written.name).toMatch(/^orders-PromoteDatabase-[0-9a-f]{8}$/);
    expect(written.depends_on).toEqual([
      expect.stringMatching(/^aws_iam_role_policy\.Runbooks_PromoteDatabasePolicy_/),
    ]);
  });

  test("THEN the scale-up runbook sets the standby group to the primary's capacity", () => {
    const { documents } = synth();
    const scale = documentOf(documents, 'ScaleStandby');
    expect(scale.content.parameters).toEqual(
      expect.objectContaining({
        AutoScalingGroupName: expect.objectContaining({ default: 'orders-standby' }),
        MinSize: expect.objectContaining({ type: 'Integer', default: 9 }),
        DesiredCapacity: expect.objectContaining({ type: 'Integer', default: 9 }),
        MaxSize: expect.objectContaining({ type: 'Integer', default: 18 }),
      }),
    );
    expect(scale.content.mainSteps[0]).toEqual({
      name: 'ScaleToPrimaryCapacity',
      action: 'aws:executeAwsApi',
      inputs: {
        Service: 'autoscaling',
        Api: 'UpdateAutoScalingGroup',
        AutoScalingGroupName: '{{ AutoScalingGroupName }}',
        MinSize: '{{ MinSize }}',
        MaxSize: '{{ MaxSize }}',
        DesiredCapacity: '{{ DesiredCapacity }}',
      },
    });
  });

  test('THEN each runbook runs as a role only automation of this account assumes, scoped to its resources', () => {
    const { synthesized, policies } = synth();
    const roles = Object.values(resourcesOf(synthesized, IamRole)).map(
      (r) => JSON.parse(r.assume_role_policy).Statement[0],
    );
    expect(roles).toHaveLength(2);
    for (const statement of roles) {
      expect(statement.Principal).toEqual({ Service: 'ssm.amazonaws.com' });
      expect(statement.Condition.StringEquals['aws:SourceAccount']).toMatch(new RegExp(`^${ACCOUNT}$`));
      expect(statement.Condition.ArnLike['aws:SourceArn']).toMatch(
        new RegExp(`:ssm:${REGION}:${ACCOUNT}:automation-execution/\\*$`),
      );
    }
    const promote = policyOf(policies, 'PromoteDatabase').Statement;
    expect(promote.map((s: Json) => [s.Sid, s.Action])).toEqual([
      ['PromoteSecondary', ['rds:SwitchoverGlobalCluster', 'rds:FailoverGlobalCluster']],
      ['WatchGlobalCluster', 'rds:DescribeGlobalClusters'],
    ]);
    // A global cluster's ARN has no region.
    const globalCluster = new RegExp(`:rds::${ACCOUNT}:global-cluster:orders-global$`);
    expect(promote[0].Resource).toEqual([expect.stringMatching(globalCluster), CLUSTER_ARN, PRIMARY_ARN]);
    const scale = policyOf(policies, 'ScaleStandby').Statement;
    expect(scale[0]).toEqual(
      expect.objectContaining({
        Sid: 'ScaleThisGroup',
        Action: 'autoscaling:UpdateAutoScalingGroup',
        Resource: expect.stringMatching(
          new RegExp(`:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:\\*:autoScalingGroupName/orders-standby$`),
        ),
      }),
    );
    // The one `*`: DescribeAutoScalingGroups takes no resource ARN.
    expect(scale[1]).toEqual(
      expect.objectContaining({
        Action: 'autoscaling:DescribeAutoScalingGroups',
        Resource: '*',
      }),
    );
  });

  test('THEN each document records its failover step for the report, which the checks read back', () => {
    const { stack, documents } = synth();
    expect(records(documents)).toEqual([
      { step: 'promotion', startedBy: 'operator', decisionSeconds: 300, createsWriter: false },
      { step: 'scale-up', startedBy: 'operator', decisionSeconds: 300 },
    ]);
    const { resources } = readTerraform([{ name: 'test', json: stack.toTerraform() }]);
    const read = resources
      .filter((r) => r.failoverStep)
      .map((r) => [r.type, r.failoverStep!.step, r.failoverStep!.startedBy]);
    expect(read).toEqual([
      ['aws_ssm_document', 'promotion', 'operator'],
      ['aws_ssm_document', 'scale-up', 'operator'],
    ]);
  });

  test('GIVEN an operator THEN no EventBridge rule starts the runbooks', () => {
    const { synthesized, runbooks } = synth();
    expect(runbooks.trigger).toBeUndefined();
    expect(Object.keys(resourcesOf(synthesized, CloudwatchEventRule))).toEqual([]);
  });

  test('GIVEN an alarm THEN its change to ALARM starts both runbooks, the promotion in Failover mode', () => {
    const alarm = { arn: 'arn:aws:cloudwatch:us-west-2:111122223333:alarm:primary-lost', alarmName: 'primary-lost' };
    const { synthesized, documents, policies } = synth({ failoverTrigger: FailoverTrigger.alarm(alarm) });
    const rule = Object.values(resourcesOf(synthesized, CloudwatchEventRule))[0];
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      resources: [alarm.arn],
      detail: { state: { value: ['ALARM'] }, previousState: { value: ['OK'] } },
    });
    const targets = Object.values(resourcesOf(synthesized, CloudwatchEventTarget));
    expect(targets.map((t) => [t.target_id, JSON.parse(t.input)])).toEqual([
      ['Runbook1', { Mode: ['Failover'] }],
      ['Runbook2', {}],
    ]);
    const document = '\\$\\{aws_ssm_document\\.Runbooks_PromoteDatabaseDocument_[0-9A-F]{8}\\.name\\}';
    expect(targets[0].arn).toMatch(
      new RegExp(`:ssm:${REGION}:${ACCOUNT}:automation-definition/${document}:\\$DEFAULT$`),
    );
    expect(targets[0].role_arn).toMatch(/^\$\{aws_iam_role\.Runbooks_TriggerRole_[0-9A-F]{8}\.arn\}$/);
    expect(targets[0].rule).toMatch(/^\$\{aws_cloudwatch_event_rule\.Runbooks_Trigger_[0-9A-F]{8}\.name\}$/);
    const trigger = policyOf(policies, 'TriggerPolicy').Statement;
    // The role only starts these runbooks, and passes only their roles to SSM.
    expect(trigger[0]).toEqual(
      expect.objectContaining({
        Action: 'ssm:StartAutomationExecution',
        Resource: targets.map((t) => t.arn),
      }),
    );
    expect(trigger[1]).toEqual(
      expect.objectContaining({
        Action: 'iam:PassRole',
        Resource: [expect.stringContaining('PromoteDatabaseRole'), expect.stringContaining('ScaleStandbyRole')],
        Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
      }),
    );
    expect(records(documents)).toEqual([
      { step: 'promotion', startedBy: 'alarm', decisionSeconds: 0, createsWriter: false },
      { step: 'scale-up', startedBy: 'alarm', decisionSeconds: 0 },
    ]);
  });

  test('GIVEN an alarm of the stack THEN the checks can follow document ← target → rule → alarm', () => {
    const { stack, west } = awsStack();
    const alarm = new CloudwatchMetricAlarm(stack, 'PrimaryLost', {
      provider: west,
      alarmName: 'primary-lost',
      namespace: 'CloudWatchSynthetics',
      metricName: 'SuccessPercent',
      statistic: 'Average',
      period: 60,
      evaluationPeriods: 3,
      comparisonOperator: 'LessThanThreshold',
      threshold: 100,
    });
    new FailoverRunbooks(stack, 'Runbooks', {
      ...REGION_FAILOVER,
      provider: west,
      failoverTrigger: FailoverTrigger.alarm(alarm),
    });
    const { resources } = readTerraform([{ name: 'test', json: stack.toTerraform() }]);
    const byType = (type: string) => resources.filter((r) => r.type === type);
    const [rule] = byType('aws_cloudwatch_event_rule');
    expect(rule.references).toContain(byType('aws_cloudwatch_metric_alarm')[0].key);
    const documents = byType('aws_ssm_document').map((d) => d.key);
    for (const target of byType('aws_cloudwatch_event_target')) {
      expect(target.references).toContain(rule.key);
      expect(target.references.filter((r) => documents.includes(r))).toHaveLength(1);
    }
  });

  test('GIVEN no primary cluster THEN the promotion may act on any cluster of the account, in this global one', () => {
    const { policies } = synth({ primaryClusterArn: undefined });
    expect(policyOf(policies, 'PromoteDatabase').Statement[0].Resource[2]).toMatch(
      new RegExp(`:rds:\\*:${ACCOUNT}:cluster:\\*$`),
    );
  });

  test('GIVEN a headless secondary THEN the promotion adds a writer first and may create only that instance', () => {
    const { documents, policies } = synth(HEADLESS);
    const promote = documentOf(documents, 'PromoteDatabase');
    expect(promote.content.mainSteps.slice(0, 4).map((s: Json) => s.name)).toEqual([
      'FindWriter',
      'CreateWriterOnce',
      'CreateWriter',
      'WaitForWriter',
    ]);
    expect(promote.content.mainSteps[2].inputs).toEqual(
      expect.objectContaining({
        DBClusterIdentifier: '{{ DbClusterIdentifier }}',
        DBParameterGroupName: 'default.aurora-postgresql16',
      }),
    );
    // CreateDBInstance takes the cluster's name, not its ARN.
    expect(promote.content.parameters.DbClusterIdentifier.default).toBe('orders-secondary');
    expect(promote.content.parameters.WriterInstanceIdentifier.default).toBe('orders-us-west-2-writer');
    expect(promote['//'][FAILOVER_STEP_METADATA_KEY].createsWriter).toBe(true);
    const statements = policyOf(policies, 'PromoteDatabase').Statement as Json[];
    expect(statements.map((s) => s.Sid)).toEqual([
      'PromoteSecondary',
      'WatchGlobalCluster',
      'FindInstances',
      'CreateWriter',
      'WatchWriter',
    ]);
    expect(statements[2]).toEqual(expect.objectContaining({ Action: 'rds:DescribeDBClusters', Resource: CLUSTER_ARN }));
    expect(statements[3]).toEqual(
      expect.objectContaining({
        Sid: 'CreateWriter',
        Action: 'rds:CreateDBInstance',
        Resource: [
          expect.stringMatching(new RegExp(`:rds:${REGION}:${ACCOUNT}:db:orders-us-west-2-writer$`)),
          CLUSTER_ARN,
          expect.stringMatching(new RegExp(`:rds:${REGION}:${ACCOUNT}:subgrp:orders-secondary$`)),
          expect.stringMatching(new RegExp(`:rds:${REGION}:${ACCOUNT}:pg:default\\.aurora-postgresql16$`)),
          expect.stringMatching(new RegExp(`:rds:${REGION}:${ACCOUNT}:og:default:aurora-postgresql-16$`)),
        ],
      }),
    );
  });

  test('GIVEN a reader zone THEN the promoted cluster gets a reader there once it writes, and the role may create only it', () => {
    const { documents, policies } = synth({
      ...HEADLESS,
      headlessSecondaryWriterAvailabilityZone: 'us-west-2a',
      promotedReaderAvailabilityZone: 'us-west-2b',
    });
    const promote = documentOf(documents, 'PromoteDatabase');
    const steps = promote.content.mainSteps as Json[];
    expect(steps.slice(-2).map((s) => [s.name, s.isEnd])).toEqual([
      ['WaitForPromotion', undefined],
      ['AddReader', true],
    ]);
    expect(promote.content.parameters.ReaderInstanceIdentifier.default).toBe('orders-us-west-2-reader');
    expect(promote.content.parameters.ReaderAvailabilityZone.default).toBe('us-west-2b');
    expect(promote.content.parameters.WriterAvailabilityZone.default).toBe('us-west-2a');
    const statements = policyOf(policies, 'PromoteDatabase').Statement as Json[];
    expect(statements.find((s) => s.Sid === 'CreateReader')!.Resource).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`:rds:${REGION}:${ACCOUNT}:db:orders-us-west-2-reader$`)),
      ]),
    );
    expect(() =>
      synth({
        ...HEADLESS,
        headlessSecondaryWriterAvailabilityZone: 'us-west-2a',
        promotedReaderAvailabilityZone: 'us-west-2a',
      }),
    ).toThrow('promotedReaderAvailabilityZone must differ from headlessSecondaryWriterAvailabilityZone');
  });

  test('GIVEN a failback THEN the promotion first checks that the cluster is a secondary again', () => {
    const { documents } = synth({ failback: true });
    const promote = documentOf(documents, 'PromoteDatabase');
    expect((promote.content.mainSteps as Json[])[0]).toEqual(
      expect.objectContaining({
        name: 'CheckSecondary',
        action: 'aws:assertAwsResourceProperty',
      }),
    );
    expect(promote.content.description).toContain('rds:unplanned-global-failover-');
  });

  test('GIVEN a secondary ARN known only at apply THEN the writer joins the cluster its ARN names', () => {
    const { stack, west } = awsStack();
    const arn = new TerraformVariable(stack, 'secondary_arn', { type: 'string' }).stringValue;
    new FailoverRunbooks(stack, 'Runbooks', {
      ...REGION_FAILOVER,
      ...HEADLESS,
      provider: west,
      secondaryClusterArn: arn,
    });
    // A template Terraform fills in at apply: the content is JSON once it has.
    const [content] = Object.values(fullResourcesOf(stack, SsmDocument)).map((d) => d.content as string);
    expect(content).toContain('"DbClusterIdentifier":{"type":"String",');
    expect(content).toContain('"default":"${element(split(":", var.secondary_arn), 6)}"');
  });

  test('GIVEN only a standby group THEN only the scale-up runbook, and a warning for a tier with no standby', () => {
    const { runbooks, documents } = synth({
      globalClusterIdentifier: undefined,
      secondaryClusterArn: undefined,
      tier: ServiceTier.TIER_0,
      failoverTrigger: FailoverTrigger.alarm({
        arn: 'arn:aws:cloudwatch:us-west-2:111122223333:alarm:a',
        alarmName: 'a',
      }),
    });
    expect(runbooks.promoteDatabase).toBeUndefined();
    expect(records(documents).map((r) => r.step)).toEqual(['scale-up']);
    const warning = /^\[ha-constructs:FailoverRunbooks\.standbyAutoScalingGroupName\] .*TIER_0 \(ACTIVE_ACTIVE\)/;
    expect(warningsOf(runbooks)).toEqual([expect.stringMatching(warning)]);
  });

  const none = {
    globalClusterIdentifier: undefined,
    secondaryClusterArn: undefined,
    standbyAutoScalingGroupName: undefined,
  };
  test.each<[string, Partial<FailoverRunbooksProps>, string]>([
    [
      'no inputs',
      { ...none, primaryCapacity: undefined },
      'FailoverRunbooks needs the inputs of at least one runbook ' +
        '(globalClusterIdentifier with secondaryClusterArn, or standbyAutoScalingGroupName with primaryCapacity), ' +
        'got: none',
    ],
    [
      'no secondaryClusterArn',
      { secondaryClusterArn: undefined },
      'globalClusterIdentifier and secondaryClusterArn must be given together, got: only globalClusterIdentifier',
    ],
    [
      'no globalClusterIdentifier',
      { globalClusterIdentifier: undefined },
      'globalClusterIdentifier and secondaryClusterArn must be given together, got: only secondaryClusterArn',
    ],
    [
      'no primaryCapacity',
      { primaryCapacity: undefined },
      'standbyAutoScalingGroupName and primaryCapacity must be given together, got: only standbyAutoScalingGroupName',
    ],
    [
      'no trigger',
      { failoverTrigger: undefined },
      'failoverTrigger must say what starts the promotion and scale-up ' +
        'runbooks (FailoverTrigger.alarm(alarm), or FailoverTrigger.operator(decisionSeconds) ' +
        'with the time a person takes to decide): ' +
        'a runbook nobody starts recovers nothing, got: none',
    ],
    [
      'an operator for ACTIVE_ACTIVE',
      { tier: ServiceTier.TIER_0 },
      'failoverTrigger must be an alarm for TIER_0: ACTIVE_ACTIVE fails over with no human step, got: an operator',
    ],
    [
      'a decision of 0 s',
      { failoverTrigger: FailoverTrigger.operator(0) },
      'failoverTrigger decisionTime must be longer than 0, got: 0 seconds',
    ],
    [
      'a writer class without db.',
      { ...HEADLESS, headlessSecondaryWriterClass: 'r6g.large' },
      'headlessSecondaryWriterClass must be an RDS instance class (db.r6g.large), got: r6g.large',
    ],
    [
      'a writer without its subnet group',
      { ...HEADLESS, headlessSecondarySubnetGroupName: undefined },
      'headlessSecondarySubnetGroupName must be given with headlessSecondaryWriterClass: rds:CreateDBInstance is ' +
        'authorised against the DB subnet group the writer joins, got: none',
    ],
    [
      'a writer without its engine version',
      { ...HEADLESS, headlessSecondaryEngineVersion: undefined },
      'headlessSecondaryEngineVersion must be an Aurora PostgreSQL version known at synthesis (16.6) with ' +
        "headlessSecondaryWriterClass: it names the writer's parameter and option groups, got: none",
    ],
    [
      'a writer with engine version v16',
      { ...HEADLESS, headlessSecondaryEngineVersion: 'v16' },
      'headlessSecondaryEngineVersion must be an Aurora PostgreSQL version known at synthesis (16.6) with ' +
        "headlessSecondaryWriterClass: it names the writer's parameter and option groups, got: v16",
    ],
    [
      'a fractional min',
      { primaryCapacity: { min: 1.5, desired: 2, max: 6 } },
      'primaryCapacity.min must be a whole number of instances, got: 1.5',
    ],
    [
      'min > desired',
      { primaryCapacity: { min: 3, desired: 2, max: 6 } },
      'primaryCapacity must satisfy min ≤ desired ≤ max, got: 3, 2, 6',
    ],
    [
      'desired > max',
      { primaryCapacity: { min: 3, desired: 7, max: 6 } },
      'primaryCapacity must satisfy min ≤ desired ≤ max, got: 3, 7, 6',
    ],
  ])('GIVEN %s THEN a clear HaValidationError', (_, props, message) => {
    expect(() => synth(props)).toThrow(new Error(message));
    expect(() => synth(props)).toThrow(HaValidationError);
  });
});
