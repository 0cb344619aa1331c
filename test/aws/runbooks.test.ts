import { execFileSync } from 'child_process';
import { Annotations as CoreAnnotations, Duration, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { addTier2PilotLight } from '../../examples/tier2-pilot-light';
import { HA_METADATA_KEY, READINESS_PATH, regionalLabel, ServiceTier } from '../../lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { FailoverRunbooks, FailoverRunbooksProps, FailoverTrigger, runbookLink } from '../../lib/aws/runbooks';
import { AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS, FAILOVER_STEP_METADATA_KEY } from '../../lib/core';
import { haSnapshot } from '../../lib/testing/snapshot';
import { expectValidationError, printedWarning, quietly, recommendedApp, testApp } from '../util';

// The CLI's recommended flags, as `cdk init` writes them: the assertions pin ARNs with the partition
// literal and weak cross-region references. Every construct in a bare App: test/aws/default-apps.test.ts.

const SECONDARY = 'arn:aws:rds:us-west-2:111111111111:cluster:orders-secondary';
const PRIMARY = 'arn:aws:rds:us-east-1:111111111111:cluster:orders-primary';
const LB = 'arn:aws:elasticloadbalancing:us-west-2:111111111111:loadbalancer/app/orders/0123456789abcdef';

const ALL: FailoverRunbooksProps = {
  tier: ServiceTier.TIER_1,
  service: 'orders',
  globalClusterIdentifier: 'orders-global',
  secondaryClusterArn: SECONDARY,
  loadBalancerArn: LB,
  standbyAutoScalingGroupName: 'orders-standby',
  primaryCapacity: { min: 3, desired: 6, max: 12 },
  failoverTrigger: FailoverTrigger.operator(Duration.minutes(5)),
};

function synth(props: Partial<FailoverRunbooksProps> = {}, replace = false) {
  const stack = new Stack(recommendedApp(), 'Runbooks', { env: { region: 'us-west-2' } });
  const runbooks = new FailoverRunbooks(
    stack,
    'Runbooks',
    replace ? { tier: ServiceTier.TIER_1, ...props } : { ...ALL, ...props },
  );
  return { stack, runbooks, template: Template.fromStack(stack) };
}

type Doc = {
  schemaVersion: string;
  assumeRole: string;
  parameters: Record<string, { default?: unknown; allowedValues?: string[]; allowedPattern?: string; type: string }>;
  mainSteps: Step[];
};
type Step = { name: string; action: string; inputs: Record<string, unknown>; timeoutSeconds?: number };

function documents(template: Template): Record<string, Doc> {
  const docs = template.findResources('AWS::SSM::Document');
  return Object.fromEntries(
    Object.entries(docs).map(([id, d]) => {
      expect(d.Properties.DocumentType).toBe('Automation');
      expect(d.Properties.UpdateMethod).toBe('NewVersion');
      return [id.replace(/Document[0-9A-F]{8}$/, '').replace(/^Runbooks/, ''), d.Properties.Content as Doc];
    }),
  );
}

describe('FailoverRunbooks', () => {
  test('GIVEN all inputs THEN three Automation documents (schemaVersion 0.3) exist, each assuming its own role', () => {
    const { template, runbooks } = synth();
    const docs = documents(template);
    expect(Object.keys(docs).sort()).toEqual(['PromoteDatabase', 'ScaleStandby', 'StartZonalShift']);
    for (const doc of Object.values(docs)) {
      expect(doc.schemaVersion).toBe('0.3');
      expect(doc.assumeRole).toBe('{{ AutomationAssumeRole }}');
      expect(doc.parameters.AutomationAssumeRole.default).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/Role/), 'Arn'],
      });
    }
    expect(
      new Set(Object.values(docs).map((d) => JSON.stringify(d.parameters.AutomationAssumeRole.default))).size,
    ).toBe(3);
    expect(runbooks.runbooks.map((r) => r.title)).toEqual([
      'Promote the Aurora global secondary of orders in us-west-2',
      "Shift orders's load balancer traffic away from an availability zone in us-west-2",
      "Scale orders's standby fleet in us-west-2 to primary capacity",
    ]);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 3);
  });

  test('THEN the promotion runbook switches over or fails over (allowing data loss) in the mode chosen, then waits up to the region RTO', () => {
    const doc = documents(synth().template).PromoteDatabase;
    expect(doc.parameters.Mode).toEqual(expect.objectContaining({ allowedValues: ['Failover', 'Switchover'] }));
    expect(doc.parameters.GlobalClusterIdentifier.default).toBe('orders-global');
    expect(doc.parameters.TargetDbClusterIdentifier.default).toBe(SECONDARY);
    expect(doc.mainSteps.map((s) => [s.name, s.action])).toEqual([
      ['ChooseMode', 'aws:branch'],
      ['Switchover', 'aws:executeAwsApi'],
      ['Failover', 'aws:executeAwsApi'],
      ['WaitForPromotion', 'aws:waitForAwsResourceProperty'],
    ]);
    const [branch, switchover, failover, wait] = doc.mainSteps;
    expect(branch.inputs).toEqual({
      Choices: [{ NextStep: 'Failover', Variable: '{{ Mode }}', StringEquals: 'Failover' }],
      Default: 'Switchover',
    });
    expect(switchover.inputs).toEqual({
      Service: 'rds',
      Api: 'SwitchoverGlobalCluster',
      GlobalClusterIdentifier: '{{ GlobalClusterIdentifier }}',
      TargetDbClusterIdentifier: '{{ TargetDbClusterIdentifier }}',
    });
    expect(failover.inputs).toEqual({
      Service: 'rds',
      Api: 'FailoverGlobalCluster',
      GlobalClusterIdentifier: '{{ GlobalClusterIdentifier }}',
      TargetDbClusterIdentifier: '{{ TargetDbClusterIdentifier }}',
      AllowDataLoss: true,
    });
    expect(wait.timeoutSeconds).toBe(
      Math.max(ServiceTier.TIER_1.regionRtoSeconds, AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS),
    );
    expect(wait.inputs).toEqual(expect.objectContaining({ Api: 'DescribeGlobalClusters', DesiredValues: ['True'] }));
  });

  test('THEN the promotion role may switch over or fail over this global cluster, this secondary and the given primary only', () => {
    const { template } = synth({ primaryClusterArn: PRIMARY });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'PromoteSecondary',
            Effect: 'Allow',
            Action: ['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'],
            Resource: [
              PRIMARY,
              SECONDARY,
              { 'Fn::Join': ['', ['arn:aws:rds::', { Ref: 'AWS::AccountId' }, ':global-cluster:orders-global']] },
            ],
          },
        ]),
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'ssm.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ],
      },
    });
  });

  test('THEN the zonal-shift runbook takes an AZ id and expires the shift after an hour by default', () => {
    const { template } = synth();
    const doc = documents(template).StartZonalShift;
    expect(doc.parameters.ResourceIdentifier.default).toBe(LB);
    expect(doc.parameters.ExpiresIn.default).toBe('1h');
    expect(doc.parameters.AwayFrom.allowedPattern).toBe('^[a-z0-9]+(-[a-z0-9]+)*-az[0-9]+$');
    expect(new RegExp(doc.parameters.AwayFrom.allowedPattern!).test('use1-az1')).toBe(true);
    expect(new RegExp(doc.parameters.AwayFrom.allowedPattern!).test('us-east-1a')).toBe(false);
    expect(doc.mainSteps).toEqual([
      expect.objectContaining({
        action: 'aws:executeAwsApi',
        inputs: {
          Service: 'arc-zonal-shift',
          Api: 'StartZonalShift',
          ResourceIdentifier: '{{ ResourceIdentifier }}',
          AwayFrom: '{{ AwayFrom }}',
          ExpiresIn: '{{ ExpiresIn }}',
          Comment: '{{ Comment }}',
        },
      }),
    ]);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          { Sid: 'ShiftThisLoadBalancer', Effect: 'Allow', Action: 'arc-zonal-shift:StartZonalShift', Resource: LB },
        ],
      },
    });
    expect(
      documents(synth({ zonalShiftExpiresIn: Duration.minutes(90) }).template).StartZonalShift.parameters.ExpiresIn
        .default,
    ).toBe('90m');
  });

  test('THEN the scale-up runbook sets the standby group to the primary capacity, and its role may update that group only', () => {
    const { template } = synth();
    const doc = documents(template).ScaleStandby;
    expect([
      doc.parameters.MinSize.default,
      doc.parameters.DesiredCapacity.default,
      doc.parameters.MaxSize.default,
    ]).toEqual([3, 6, 12]);
    expect(doc.parameters.MinSize.type).toBe('Integer');
    expect(doc.mainSteps[0].inputs).toEqual({
      Service: 'autoscaling',
      Api: 'UpdateAutoScalingGroup',
      AutoScalingGroupName: '{{ AutoScalingGroupName }}',
      MinSize: '{{ MinSize }}',
      MaxSize: '{{ MaxSize }}',
      DesiredCapacity: '{{ DesiredCapacity }}',
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'ScaleThisGroup',
            Effect: 'Allow',
            Action: 'autoscaling:UpdateAutoScalingGroup',
            Resource: {
              'Fn::Join': [
                '',
                [
                  'arn:aws:autoscaling:us-west-2:',
                  { Ref: 'AWS::AccountId' },
                  ':autoScalingGroup:*:autoScalingGroupName/orders-standby',
                ],
              ],
            },
          },
        ]),
      },
    });
  });

  test('WHEN only a load balancer is given THEN only the zonal-shift runbook exists', () => {
    const { template, runbooks } = synth({ loadBalancerArn: LB }, true);
    expect(Object.keys(documents(template))).toEqual(['StartZonalShift']);
    expect(runbooks.promoteDatabase).toBeUndefined();
    expect(runbooks.scaleStandby).toBeUndefined();
    expect(runbooks.runbooks).toEqual([runbooks.startZonalShift]);
  });

  test('grantStart lets an operator start the runbook and pass its assume role, and nothing more', () => {
    const stack = new Stack(recommendedApp(), 'Runbooks', { env: { region: 'us-west-2' } });
    const runbooks = new FailoverRunbooks(stack, 'Runbooks', { tier: ServiceTier.TIER_1, loadBalancerArn: LB });
    const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    runbooks.startZonalShift!.grantStart(operator);
    const template = Template.fromStack(stack);
    const docId = Object.keys(template.findResources('AWS::SSM::Document'))[0];
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument.Statement;
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'ssm:StartAutomationExecution',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:aws:ssm:us-west-2:',
              { Ref: 'AWS::AccountId' },
              ':automation-definition/',
              { Ref: docId },
              ':$DEFAULT',
            ],
          ],
        },
      },
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: stack.resolve(runbooks.startZonalShift!.assumeRole.roleArn),
      },
    ]);
  });

  test('runbookLink names the document and links its console page', () => {
    const { stack, runbooks } = synth();
    const link = stack.resolve(runbookLink(runbooks.startZonalShift!));
    const docId = Object.keys(Template.fromStack(stack).findResources('AWS::SSM::Document')).find((id) =>
      id.includes('StartZonalShift'),
    );
    expect(link).toEqual({
      'Fn::Join': [
        '',
        [
          "Runbook: Shift orders's load balancer traffic away from an availability zone in us-west-2: SSM Automation document ",
          { Ref: docId },
          ' in us-west-2, https://us-west-2.console.aws.amazon.com/systems-manager/documents/',
          { Ref: docId },
          '/description',
        ],
      ],
    });
  });

  test('WHEN a standby scale-up is asked for an active/active tier THEN a warning with a stable id is emitted', () => {
    quietly(
      () => {
        const lost = cloudwatch.Alarm.fromAlarmArn(
          new Stack(),
          'Lost',
          'arn:aws:cloudwatch:us-west-2:111111111111:alarm:primary-lost',
        );
        const { stack } = synth({ tier: ServiceTier.TIER_0, failoverTrigger: FailoverTrigger.alarm(lost) });
        Annotations.fromStack(stack).hasWarning(
          '/Runbooks/Runbooks',
          Match.stringLikeRegexp(
            'standbyAutoScalingGroupName is set for TIER_0 \\(ACTIVE_ACTIVE\\).*ha-constructs:FailoverRunbooks.standbyAutoScalingGroupName',
          ),
        );
      },
      printedWarning(
        'Runbooks/Runbooks',
        'ha-constructs:FailoverRunbooks.standbyAutoScalingGroupName',
        'standbyAutoScalingGroupName is set for TIER_0 (ACTIVE_ACTIVE), which keeps no scaled-down standby fleet: the scale-up runbook is meant for WARM_STANDBY and PILOT_LIGHT',
      ),
      printedWarning(
        'Runbooks/Runbooks',
        'ha-constructs:FailoverRunbooks.failoverTrigger',
        'failoverTrigger is an alarm with no witness',
      ),
    );
  });

  test('THEN every resource carries the HA metadata record', () => {
    const { template } = synth();
    for (const resource of Object.values(
      template.toJSON().Resources as Record<string, { Metadata?: Record<string, unknown> }>,
    )) {
      expect(resource.Metadata?.[HA_METADATA_KEY]).toMatchObject({
        service: 'orders',
        component: 'FailoverRunbooks',
        failureDomain: 'region',
      });
    }
  });

  test.each<[Partial<FailoverRunbooksProps>, boolean, string]>([
    [
      {},
      true,
      'FailoverRunbooks needs the inputs of at least one runbook (globalClusterIdentifier with secondaryClusterArn, loadBalancerArn, standbyAutoScalingGroupName with primaryCapacity, standbyService with primaryTaskCount, or featureFlags), got: none',
    ],
    [
      { globalClusterIdentifier: 'g' },
      true,
      'globalClusterIdentifier and secondaryClusterArn must be given together, got: only globalClusterIdentifier',
    ],
    [
      { standbyAutoScalingGroupName: 'fleet' },
      true,
      'standbyAutoScalingGroupName and primaryCapacity must be given together, got: only standbyAutoScalingGroupName',
    ],
    [
      { primaryCapacity: { min: 3, desired: 2, max: 6 } },
      false,
      'primaryCapacity must satisfy min ≤ desired ≤ max, got: 3, 2, 6',
    ],
    [
      { primaryCapacity: { min: 1.5, desired: 2, max: 6 } },
      false,
      'primaryCapacity.min must be a whole number of instances, got: 1.5',
    ],
    [
      { zonalShiftExpiresIn: Duration.days(4) },
      false,
      'zonalShiftExpiresIn must be whole minutes from 1 minute to 3 days, got: 4 days',
    ],
    [
      { zonalShiftExpiresIn: Duration.seconds(30) },
      false,
      'zonalShiftExpiresIn must be whole minutes from 1 minute to 3 days, got: 30 seconds',
    ],
  ])('%#: bad input is a ValidationError naming the prop', (override, replace, message) => {
    expectValidationError(() => synth(override, replace), message);
  });

  test('THEN both promotion steps lead to the wait, which ends the runbook once the target cluster writes', () => {
    type Chained = Step & { nextStep?: string; isEnd?: boolean };
    const [, switchover, failover, wait] = documents(synth().template).PromoteDatabase.mainSteps as Chained[];
    expect([switchover.nextStep, failover.nextStep]).toEqual(['WaitForPromotion', 'WaitForPromotion']);
    expect(wait.isEnd).toBe(true);
    expect(wait.inputs.PropertySelector).toBe(
      '$.GlobalClusters[0].GlobalClusterMembers' + "[?(@.DBClusterArn == '{{ TargetDbClusterIdentifier }}')].IsWriter",
    );
  });

  test('WHEN the primary is not named THEN the promotion role reaches any cluster, via this global cluster', () => {
    // Documented in lib/aws/runbooks.ts: the primary is another region's, and the global cluster bounds the statement.
    const anyCluster = { 'Fn::Join': ['', ['arn:aws:rds:*:', { Ref: 'AWS::AccountId' }, ':cluster:*']] };
    const globalCluster = {
      'Fn::Join': ['', ['arn:aws:rds::', { Ref: 'AWS::AccountId' }, ':global-cluster:orders-global']],
    };
    synth().template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'PromoteSecondary',
            Effect: 'Allow',
            Action: ['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'],
            Resource: [SECONDARY, anyCluster, globalCluster],
          },
          { Sid: 'WatchGlobalCluster', Effect: 'Allow', Action: 'rds:DescribeGlobalClusters', Resource: globalCluster },
        ],
      },
    });
  });

  test('THEN each role is assumed only by Automation executions of this account and region', () => {
    const { template } = synth();
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(3);
    const executions = {
      'Fn::Join': ['', ['arn:aws:ssm:us-west-2:', { Ref: 'AWS::AccountId' }, ':automation-execution/*']],
    };
    for (const role of roles) {
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'ssm.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: { 'aws:SourceArn': executions },
          },
        },
      ]);
    }
  });

  test('THEN the scale-up reports the capacity reached, and the zonal shift returns its id', () => {
    const docs = documents(synth().template);
    expect(docs.ScaleStandby.mainSteps.map((s) => s.name)).toEqual(['ScaleToPrimaryCapacity', 'ReportGroup']);
    expect(docs.ScaleStandby.mainSteps[1]).toMatchObject({
      action: 'aws:executeAwsApi',
      inputs: {
        Service: 'autoscaling',
        Api: 'DescribeAutoScalingGroups',
        AutoScalingGroupNames: ['{{ AutoScalingGroupName }}'],
      },
      outputs: [{ Name: 'DesiredCapacity', Selector: '$.AutoScalingGroups[0].DesiredCapacity', Type: 'Integer' }],
    });
    expect(docs.StartZonalShift.mainSteps[0]).toMatchObject({
      name: 'StartZonalShift',
      outputs: [{ Name: 'ZonalShiftId', Selector: '$.ZonalShiftId', Type: 'String' }],
    });
    expect(docs.StartZonalShift.parameters.ExpiresIn.allowedPattern).toBe('^[1-9][0-9]*[mh]$');
    expect(docs.StartZonalShift.parameters.Comment.default).toBe('Zone impaired: traffic shifted by runbook');
  });

  // The HA view (lib/testing): per resource its type, HA record and the properties the HA rules read.
  test('HA snapshot of the three runbooks (beside the targeted assertions above)', () => {
    expect(haSnapshot(synth().template.toJSON())).toMatchSnapshot();
  });
});

describe('FailoverRunbooks: what starts the region failover', () => {
  const LOST = 'arn:aws:cloudwatch:us-west-2:111111111111:alarm:primary-lost';

  test('WHEN nothing says what starts promotion and scale-up THEN it is a ValidationError', () => {
    expectValidationError(
      () => synth({ failoverTrigger: undefined }),
      'failoverTrigger must say what starts the promotion and scale-up ' +
        'runbooks (FailoverTrigger.alarm(alarm), or FailoverTrigger.operator(decisionTime) with the time a person takes to decide): ' +
        'a runbook nobody starts recovers nothing, got: none',
    );
  });

  test('WHEN an ACTIVE_ACTIVE tier has a person decide THEN it is a ValidationError', () => {
    expectValidationError(
      () => synth({ tier: ServiceTier.TIER_0, standbyAutoScalingGroupName: undefined, primaryCapacity: undefined }),
      'failoverTrigger must be an alarm for TIER_0: ACTIVE_ACTIVE fails over with no human step, got: an operator',
    );
  });

  test('GIVEN a person decides THEN each region-failover document records the step, who starts it and the decision time', () => {
    const { template } = synth();
    const records = Object.values(template.findResources('AWS::SSM::Document'))
      .map((d) => d.Metadata?.[FAILOVER_STEP_METADATA_KEY])
      .filter((r) => r !== undefined);
    expect(records).toEqual([
      { step: 'promotion', startedBy: 'operator', decisionSeconds: 300, createsWriter: false },
      { step: 'scale-up', startedBy: 'operator', decisionSeconds: 300 },
    ]);
    template.resourceCountIs('AWS::Events::Rule', 0);
  });

  test('GIVEN an alarm starts them THEN an EventBridge rule on its ALARM state starts the promotion in Failover mode and the scale-up', () => {
    const alarmed = new Stack(recommendedApp(), 'Alarmed', { env: { region: 'us-west-2' } });
    const runbooks = new FailoverRunbooks(alarmed, 'Runbooks', {
      ...ALL,
      failoverTrigger: FailoverTrigger.alarm(cloudwatch.Alarm.fromAlarmArn(alarmed, 'Lost', LOST)),
    });
    // The rule is the subject here; the missing witness's warning has its own test.
    CoreAnnotations.of(runbooks).acknowledgeWarning('ha-constructs:FailoverRunbooks.failoverTrigger');
    const t = Template.fromStack(alarmed);
    const [rule] = Object.values(t.findResources('AWS::Events::Rule'));
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      resources: [LOST],
      detail: { state: { value: ['ALARM'] }, previousState: { value: ['OK'] } },
    });
    expect(rule.Properties.Targets.map((target: { Input: string }) => JSON.parse(target.Input))).toEqual([
      { Mode: ['Failover'] },
      {},
    ]);
    expect(JSON.stringify(rule.Properties.Targets[0].Arn)).toContain(':automation-definition/');
    const records = Object.values(t.findResources('AWS::SSM::Document'))
      .map((d) => d.Metadata?.[FAILOVER_STEP_METADATA_KEY])
      .filter((r) => r);
    expect(records.map((r) => [r.startedBy, r.decisionSeconds])).toEqual([
      ['alarm', 0],
      ['alarm', 0],
    ]);
  });

  test('GIVEN a headless secondary THEN the promotion adds a writer of the given class and waits for it before it promotes', () => {
    const { template } = synth({
      headlessSecondaryWriterClass: 'db.r6g.large',
      headlessSecondarySubnetGroupName: 'orders-subnets',
    });
    const promote = Object.values(template.findResources('AWS::SSM::Document')).find((d) =>
      JSON.stringify(d.Properties.Content).includes('SwitchoverGlobalCluster'),
    )!;
    const steps = promote.Properties.Content.mainSteps as { name: string; inputs: Record<string, unknown> }[];
    expect(steps.map((s) => s.name)).toEqual([
      'FindWriter',
      'CreateWriterOnce',
      'CreateWriter',
      'WaitForWriter',
      'ChooseMode',
      'Switchover',
      'Failover',
      'WaitForPromotion',
    ]);
    expect(steps[2].inputs).toMatchObject({
      Api: 'CreateDBInstance',
      DBInstanceClass: '{{ WriterInstanceClass }}',
      Engine: 'aurora-postgresql',
    });
    expect(promote.Properties.Content.parameters.WriterInstanceClass.default).toBe('db.r6g.large');
    expect(promote.Metadata[FAILOVER_STEP_METADATA_KEY]).toMatchObject({ step: 'promotion', createsWriter: true });
    expectValidationError(
      () => synth({ headlessSecondaryWriterClass: 'r6g.large', headlessSecondarySubnetGroupName: 'orders-subnets' }),
      'headlessSecondaryWriterClass must be an RDS instance class (db.r6g.large), got: r6g.large',
    );
  });
});

describe('FailoverRunbooks: the promotion works on the day (bare App, as users build it)', () => {
  /** The ARNs a bare App joins with the partition, as strings in the commercial partition. */
  function partitioned<T>(value: T): T {
    return JSON.parse(JSON.stringify(value), (_key, v) =>
      v &&
      Array.isArray(v['Fn::Join']) &&
      v['Fn::Join'][0] === '' &&
      (v['Fn::Join'][1] as unknown[]).every(
        (p) => typeof p === 'string' || (p as { Ref?: string }).Ref === 'AWS::Partition',
      )
        ? (v['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : 'aws')).join('')
        : v,
    ) as T;
  }

  const HEADLESS: FailoverRunbooksProps = {
    tier: ServiceTier.TIER_2,
    service: 'orders',
    globalClusterIdentifier: 'orders-global',
    secondaryClusterArn: SECONDARY,
    headlessSecondaryWriterClass: 'db.r6g.large',
    headlessSecondarySubnetGroupName: 'orders-subnets',
    failoverTrigger: FailoverTrigger.operator(Duration.minutes(15)),
  };

  function promotion(props: Partial<FailoverRunbooksProps> = {}) {
    const stack = new Stack(testApp(), 'Bare', { env: { region: 'us-west-2', account: '111111111111' } });
    new FailoverRunbooks(stack, 'Runbooks', { ...HEADLESS, ...props });
    const template = Template.fromStack(stack);
    const [doc] = Object.values(template.findResources('AWS::SSM::Document'));
    const content = doc.Properties.Content as Doc;
    const step = (name: string) =>
      content.mainSteps.find((s) => s.name === name)! as Step & { nextStep?: string; outputs?: unknown[] };
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    const statement = (sid: string) =>
      partitioned(
        (policy.Properties.PolicyDocument.Statement as { Sid: string; Action: unknown; Resource: unknown }[]).find(
          (s) => s.Sid === sid,
        )!,
      );
    return { stack, content, step, statement };
  }

  test('CreateWriter names the secondary by its identifier, not its ARN; only the global-cluster calls take the ARN', () => {
    const { content, step } = promotion();
    expect(content.parameters.DbClusterIdentifier.default).toBe('orders-secondary');
    expect(content.parameters.TargetDbClusterIdentifier.default).toBe(SECONDARY);
    expect(step('CreateWriter').inputs.DBClusterIdentifier).toBe('{{ DbClusterIdentifier }}');
    expect(step('FindWriter').inputs.InputPayload).toEqual({
      DbClusterIdentifier: '{{ DbClusterIdentifier }}',
      WriterInstanceIdentifier: '{{ WriterInstanceIdentifier }}',
    });
    for (const name of ['Switchover', 'Failover']) {
      expect(step(name).inputs.TargetDbClusterIdentifier).toBe('{{ TargetDbClusterIdentifier }}');
    }
    expect(
      promotion({ secondaryClusterIdentifier: 'orders-standby' }).content.parameters.DbClusterIdentifier.default,
    ).toBe('orders-standby');
  });

  test('GIVEN the ARN as a token THEN the identifier is its resource name, split at deploy time', () => {
    const { stack, content } = promotion({
      secondaryClusterArn: Token.asString({ 'Fn::ImportValue': 'orders-secondary-arn' }),
    });
    expect(stack.resolve(content.parameters.DbClusterIdentifier.default)).toEqual({
      'Fn::Select': [6, { 'Fn::Split': [':', { 'Fn::ImportValue': 'orders-secondary-arn' }] }],
    });
  });

  test('CreateWriter may create the instance with exactly the parameter, option and subnet groups it uses', () => {
    const { step, statement } = promotion();
    expect(step('CreateWriter').inputs.DBParameterGroupName).toBe('default.aurora-postgresql16');
    expect(statement('CreateWriter')).toEqual(
      expect.objectContaining({
        Action: 'rds:CreateDBInstance',
        Resource: [
          'arn:aws:rds:us-west-2:111111111111:db:orders-us-west-2-writer',
          SECONDARY,
          'arn:aws:rds:us-west-2:111111111111:pg:default.aurora-postgresql16',
          'arn:aws:rds:us-west-2:111111111111:og:default:aurora-postgresql-16',
          'arn:aws:rds:us-west-2:111111111111:subgrp:orders-subnets',
        ],
      }),
    );
    expect(statement('FindInstances')).toEqual(
      expect.objectContaining({ Action: 'rds:DescribeDBClusters', Resource: SECONDARY }),
    );
    const older = promotion({ headlessSecondaryEngineVersion: '15.4' });
    expect(older.step('CreateWriter').inputs.DBParameterGroupName).toBe('default.aurora-postgresql15');
    expect(older.statement('CreateWriter').Resource).toEqual(
      expect.arrayContaining([
        'arn:aws:rds:us-west-2:111111111111:pg:default.aurora-postgresql15',
        'arn:aws:rds:us-west-2:111111111111:og:default:aurora-postgresql-15',
      ]),
    );
    const own = promotion({ headlessSecondaryWriterParameterGroupName: 'orders-instances' });
    expect(own.step('CreateWriter').inputs.DBParameterGroupName).toBe('orders-instances');
    expect(own.statement('CreateWriter').Resource).toContain('arn:aws:rds:us-west-2:111111111111:pg:orders-instances');
  });

  test('the failover actions are granted on the primary cluster too: the given one, or any cluster beside this global cluster', () => {
    const global = 'arn:aws:rds::111111111111:global-cluster:orders-global';
    expect(promotion({ primaryClusterArn: PRIMARY }).statement('PromoteSecondary').Resource).toEqual([
      global,
      SECONDARY,
      PRIMARY,
    ]);
    expect(promotion().statement('PromoteSecondary').Resource).toEqual([
      global,
      SECONDARY,
      'arn:aws:rds:*:111111111111:cluster:*',
    ]);
  });

  test.each<[Partial<FailoverRunbooksProps>, string]>([
    [
      { headlessSecondarySubnetGroupName: undefined },
      'headlessSecondarySubnetGroupName must be given with headlessSecondaryWriterClass: ' +
        "rds:CreateDBInstance is authorised against the DB subnet group the writer joins (the secondary cluster's, CfnDBCluster.dbSubnetGroupName), got: none",
    ],
    [
      { headlessSecondaryEngineVersion: 'sixteen' },
      'headlessSecondaryEngineVersion must be an Aurora PostgreSQL version known at synthesis (16.8): ' +
        "it names the writer's default parameter and option groups, got: sixteen",
    ],
  ])('%#: writer inputs that cannot be granted are a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => promotion(override), message);
  });

  test('Mode is a required choice with no default, and says which to choose when', () => {
    const mode = promotion().content.parameters.Mode as unknown as {
      default?: unknown;
      allowedValues?: string[];
      description: string;
    };
    expect(mode.default).toBeUndefined();
    expect(mode.allowedValues).toEqual(['Failover', 'Switchover']);
    expect(mode.description).toMatch(
      /Failover when the primary region is down or impaired \(an outage\).*up to the replication lag/,
    );
    expect(mode.description).toMatch(/Switchover for a planned move.*fails in an outage/);
  });

  test('a re-run finds the writer it created and waits for it instead of creating it again', () => {
    const { content, step } = promotion();
    expect(content.mainSteps.map((s) => s.name).slice(0, 4)).toEqual([
      'FindWriter',
      'CreateWriterOnce',
      'CreateWriter',
      'WaitForWriter',
    ]);
    expect(step('FindWriter')).toEqual(
      expect.objectContaining({
        action: 'aws:executeScript',
        outputs: [{ Name: 'WriterExists', Selector: '$.Payload.WriterExists', Type: 'Boolean' }],
      }),
    );
    expect(step('CreateWriterOnce').inputs).toEqual({
      Choices: [{ NextStep: 'WaitForWriter', Variable: '{{ FindWriter.WriterExists }}', BooleanEquals: true }],
      Default: 'CreateWriter',
    });
    expect(step('WaitForWriter').inputs).toEqual(
      expect.objectContaining({ Api: 'DescribeDBInstances', DesiredValues: ['available'] }),
    );
  });

  test("the writer check script answers from the cluster's members (run with a stand-in boto3)", () => {
    const script = promotion().step('FindWriter').inputs.Script as string;
    const run = (members: string[]) =>
      JSON.parse(
        execFileSync(
          'python3',
          [
            '-c',
            [
              'import json, sys, types',
              'fake = types.ModuleType("boto3")',
              'class Rds:',
              '    def describe_db_clusters(self, DBClusterIdentifier):',
              '        assert DBClusterIdentifier == "orders-secondary"',
              `        return {"DBClusters": [{"DBClusterMembers": [{"DBInstanceIdentifier": m} for m in ${JSON.stringify(members)}]}]}`,
              'fake.client = lambda name: Rds()',
              'sys.modules["boto3"] = fake',
              script,
              'print(json.dumps(handler({"DbClusterIdentifier": "orders-secondary", "WriterInstanceIdentifier": "orders-us-west-2-writer"}, None)))',
            ].join('\n'),
          ],
          { encoding: 'utf8' },
        ),
      );
    expect(run([])).toEqual({ WriterExists: false });
    expect(run(['Orders-US-West-2-Writer'])).toEqual({ WriterExists: true });
    expect(run(['someone-elses-reader'])).toEqual({ WriterExists: false });
  });

  test('the promotion is done when the global database names this cluster writer, not when its status reads available', () => {
    const { content, step } = promotion();
    expect(content.mainSteps.map((s) => s.name)).not.toContain('LetPromotionStart');
    expect(step('Switchover').nextStep).toBe('WaitForPromotion');
    expect(step('Failover').nextStep).toBe('WaitForPromotion');
    expect(step('WaitForPromotion').inputs).toEqual({
      Service: 'rds',
      Api: 'DescribeGlobalClusters',
      GlobalClusterIdentifier: '{{ GlobalClusterIdentifier }}',
      PropertySelector:
        "$.GlobalClusters[0].GlobalClusterMembers[?(@.DBClusterArn == '{{ TargetDbClusterIdentifier }}')].IsWriter",
      DesiredValues: ['True'],
    });
    expect(step('WaitForPromotion').timeoutSeconds).toBe(ServiceTier.TIER_2.regionRtoSeconds);
  });
});

describe('FailoverRunbooks: the promoted writer is not left alone in one zone', () => {
  const WITH_READER: FailoverRunbooksProps = {
    tier: ServiceTier.TIER_2,
    service: 'orders',
    globalClusterIdentifier: 'orders-global',
    secondaryClusterArn: SECONDARY,
    headlessSecondaryWriterClass: 'db.r6g.large',
    headlessSecondarySubnetGroupName: 'orders-subnets',
    headlessSecondaryWriterAvailabilityZone: 'us-west-2a',
    promotedReaderAvailabilityZone: 'us-west-2b',
    failoverTrigger: FailoverTrigger.operator(Duration.minutes(15)),
  };

  function promotion(props: Partial<FailoverRunbooksProps> = {}) {
    const stack = new Stack(testApp(), 'Bare', { env: { region: 'us-west-2', account: '111111111111' } });
    new FailoverRunbooks(stack, 'Runbooks', { ...WITH_READER, ...props });
    const template = Template.fromStack(stack);
    const [doc] = Object.values(template.findResources('AWS::SSM::Document'));
    const content = doc.Properties.Content as Doc & { description: string };
    const step = (name: string) =>
      content.mainSteps.find((s) => s.name === name) as (Step & { isEnd?: boolean; outputs?: unknown[] }) | undefined;
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    const statements = stack.resolve(policy.Properties.PolicyDocument.Statement) as {
      Sid: string;
      Action: unknown;
      Resource: unknown;
    }[];
    return { content, step, statements, metadata: doc.Metadata[FAILOVER_STEP_METADATA_KEY] };
  }

  test('GIVEN a reader zone THEN a reader is added there once the promotion is done, and nothing waits for it', () => {
    const { content, step, metadata } = promotion();
    expect(content.mainSteps.map((s) => s.name)).toEqual([
      'FindWriter',
      'CreateWriterOnce',
      'CreateWriter',
      'WaitForWriter',
      'ChooseMode',
      'Switchover',
      'Failover',
      'WaitForPromotion',
      'AddReader',
    ]);
    expect(step('WaitForPromotion')!.isEnd).toBeUndefined();
    expect(step('AddReader')).toEqual(
      expect.objectContaining({
        action: 'aws:executeScript',
        isEnd: true,
        outputs: [{ Name: 'ReaderCreated', Selector: '$.Payload.Created', Type: 'Boolean' }],
      }),
    );
    expect(step('AddReader')!.inputs.InputPayload).toEqual({
      DbClusterIdentifier: '{{ DbClusterIdentifier }}',
      ReaderInstanceIdentifier: '{{ ReaderInstanceIdentifier }}',
      ReaderInstanceClass: '{{ ReaderInstanceClass }}',
      ReaderAvailabilityZone: '{{ ReaderAvailabilityZone }}',
      ParameterGroupName: 'default.aurora-postgresql16',
    });
    expect(content.parameters.ReaderInstanceIdentifier.default).toBe('orders-us-west-2-reader');
    expect(content.parameters.ReaderAvailabilityZone.default).toBe('us-west-2b');
    // The reader's class is the writer's unless given.
    expect(content.parameters.ReaderInstanceClass.default).toBe('db.r6g.large');
    expect(promotion({ promotedReaderClass: 'db.r6g.xlarge' }).content.parameters.ReaderInstanceClass.default).toBe(
      'db.r6g.xlarge',
    );
    // The writer goes in the zone named for it, so the reader's is another.
    expect(step('CreateWriter')!.inputs).toEqual(
      expect.objectContaining({ AvailabilityZone: '{{ WriterAvailabilityZone }}', PubliclyAccessible: false }),
    );
    expect(content.parameters.WriterAvailabilityZone.default).toBe('us-west-2a');
    // The report counts the writer's creation; the reader is off the critical path.
    expect(metadata).toEqual({ step: 'promotion', startedBy: 'operator', decisionSeconds: 900, createsWriter: true });
    expect(content.description).toMatch(/adds a reader in another zone \(once\) and does not wait for it/);
  });

  test('the reader script creates the reader once, in its zone (run with a stand-in boto3)', () => {
    const script = promotion().step('AddReader')!.inputs.Script as string;
    const run = (members: string[]) =>
      JSON.parse(
        execFileSync(
          'python3',
          [
            '-c',
            [
              'import json, sys, types',
              'fake = types.ModuleType("boto3")',
              'created = []',
              'class Rds:',
              '    def describe_db_clusters(self, DBClusterIdentifier):',
              `        return {"DBClusters": [{"DBClusterMembers": [{"DBInstanceIdentifier": m} for m in ${JSON.stringify(members)}]}]}`,
              '    def create_db_instance(self, **kwargs):',
              '        created.append(kwargs)',
              'fake.client = lambda name: Rds()',
              'sys.modules["boto3"] = fake',
              script,
              'out = handler({"DbClusterIdentifier": "orders-secondary", "ReaderInstanceIdentifier": "orders-us-west-2-reader",',
              '    "ReaderInstanceClass": "db.r6g.large", "ReaderAvailabilityZone": "us-west-2b", "ParameterGroupName": "pg"}, None)',
              'print(json.dumps({"out": out, "created": created}))',
            ].join('\n'),
          ],
          { encoding: 'utf8' },
        ),
      );
    expect(run(['orders-us-west-2-writer'])).toEqual({
      out: { Created: true },
      created: [
        {
          DBInstanceIdentifier: 'orders-us-west-2-reader',
          DBClusterIdentifier: 'orders-secondary',
          DBInstanceClass: 'db.r6g.large',
          Engine: 'aurora-postgresql',
          AvailabilityZone: 'us-west-2b',
          DBParameterGroupName: 'pg',
          PubliclyAccessible: false,
        },
      ],
    });
    expect(run(['orders-us-west-2-writer', 'Orders-US-West-2-Reader'])).toEqual({
      out: { Created: false },
      created: [],
    });
  });

  test('the role may create that reader with its groups, and only it', () => {
    const { statements } = promotion();
    const join = (v: unknown) => JSON.stringify(v);
    const reader = statements.find((s) => s.Sid === 'CreateReader')!;
    expect(reader.Action).toBe('rds:CreateDBInstance');
    expect(join(reader.Resource)).toContain(':db:orders-us-west-2-reader');
    expect(join(reader.Resource)).toContain(':subgrp:orders-subnets');
    expect(statements.map((s) => s.Sid)).toEqual([
      'PromoteSecondary',
      'WatchGlobalCluster',
      'FindInstances',
      'CreateWriter',
      'WatchWriter',
      'CreateReader',
    ]);
  });

  test('GIVEN a one-instance secondary THEN the reader needs a class of its own, and its subnet group', () => {
    const oneInstance = { headlessSecondaryWriterClass: undefined, headlessSecondaryWriterAvailabilityZone: undefined };
    expectValidationError(
      () => promotion(oneInstance),
      'promotedReaderClass must be given with promotedReaderAvailabilityZone when the secondary ' +
        'is not headless (there is no headlessSecondaryWriterClass to take it from), got: none',
    );
    const { content, statements } = promotion({ ...oneInstance, promotedReaderClass: 'db.r6g.large' });
    expect(content.mainSteps.map((s) => s.name)).toEqual([
      'ChooseMode',
      'Switchover',
      'Failover',
      'WaitForPromotion',
      'AddReader',
    ]);
    expect(statements.map((s) => s.Sid)).toEqual([
      'PromoteSecondary',
      'WatchGlobalCluster',
      'FindInstances',
      'CreateReader',
    ]);
    expectValidationError(
      () =>
        promotion({ ...oneInstance, promotedReaderClass: 'db.r6g.large', headlessSecondarySubnetGroupName: undefined }),
      'headlessSecondarySubnetGroupName must be given with promotedReaderAvailabilityZone: rds:CreateDBInstance is authorised against ' +
        "the DB subnet group the writer joins (the secondary cluster's, CfnDBCluster.dbSubnetGroupName), got: none",
    );
  });

  test.each<[Partial<FailoverRunbooksProps>, string]>([
    [
      { promotedReaderAvailabilityZone: 'us-west-2a' },
      'promotedReaderAvailabilityZone must differ from headlessSecondaryWriterAvailabilityZone: ' +
        "the reader keeps the database serving when the writer's zone fails, got: us-west-2a for both",
    ],
    [
      { promotedReaderAvailabilityZone: 'us-east-1b' },
      "promotedReaderAvailabilityZone must be a zone of the secondary's region us-west-2, got: us-east-1b",
    ],
    [
      { headlessSecondaryWriterAvailabilityZone: 'eu-west-1a' },
      "headlessSecondaryWriterAvailabilityZone must be a zone of the secondary's region us-west-2, got: eu-west-1a",
    ],
    [
      { promotedReaderClass: 'r6g.large' },
      'promotedReaderClass must be an RDS instance class (db.r6g.large), got: r6g.large',
    ],
  ])('%#: zones and classes the runbook cannot use are a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => promotion(override), message);
  });

  test('GIVEN a failback THEN it first checks the cluster is a secondary again, and says what it leaves to a person', () => {
    const { content, step } = promotion({
      failback: true,
      headlessSecondaryWriterClass: undefined,
      headlessSecondaryWriterAvailabilityZone: undefined,
      promotedReaderAvailabilityZone: undefined,
    });
    expect(content.mainSteps.map((s) => s.name)).toEqual([
      'CheckSecondary',
      'ChooseMode',
      'Switchover',
      'Failover',
      'WaitForPromotion',
    ]);
    expect(step('CheckSecondary')).toEqual(
      expect.objectContaining({
        action: 'aws:assertAwsResourceProperty',
        inputs: {
          Service: 'rds',
          Api: 'DescribeGlobalClusters',
          GlobalClusterIdentifier: '{{ GlobalClusterIdentifier }}',
          PropertySelector:
            "$.GlobalClusters[0].GlobalClusterMembers[?(@.DBClusterArn == '{{ TargetDbClusterIdentifier }}')].IsWriter",
          DesiredValues: ['False'],
        },
      }),
    );
    expect(content.description).toMatch(/^Fail the Aurora global database of orders back to us-west-2\./);
    expect(content.description).toMatch(
      /\(1\) Aurora adds this cluster back .*\(2\) Run the ScaleStandby runbook .*\(3\) Run this runbook with Mode Switchover.*\(4\) Deploy/,
    );
    expect(content.description).toMatch(
      /cannot recover the writes the failover lost: .*rds:unplanned-global-failover-/,
    );
  });
});

describe('the Tier 2 example: a us-east-1 outage pages from us-west-2', () => {
  test("Tier2-us-west-2 probes the primary's regional name and pages through a topic of its own, linking the promotion runbook", () => {
    const app = testApp();
    const { standby } = addTier2PilotLight(app, { hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com' });
    expect(standby.region).toBe('us-west-2');
    const template = Template.fromStack(standby);
    template.hasResourceProperties('AWS::Synthetics::Canary', {
      RunConfig: Match.objectLike({
        EnvironmentVariables: Match.objectLike({
          PROBE_URL: `https://${regionalLabel('catalog', 'us-east-1')}.example.com${READINESS_PATH}`,
        }),
      }),
    });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
      JSON.stringify(a.Properties.Dimensions ?? []).includes('CanaryName'),
    );
    expect(alarms).toHaveLength(1);
    const [topicRef] = alarms[0].Properties.AlarmActions as { Ref: string }[];
    expect(template.findResources('AWS::SNS::Topic')[topicRef.Ref]).toBeDefined();
    const description = JSON.stringify(standby.resolve(alarms[0].Properties.AlarmDescription));
    expect(description).toContain('https://us-west-2.console.aws.amazon.com/systems-manager/documents/');
    expect(description).toContain(standby.resolve(standby.runbooks!.promoteDatabase!.documentName).Ref);
  });
});
