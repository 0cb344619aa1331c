import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { Testing } from 'cdktf';
import { FAILOVER_STEP_METADATA_KEY, HaRole, HaValidationError, ServiceTier } from '../../../lib/core';
import {
  FailoverRunbooks,
  FailoverRunbooksProps,
  FailoverTrigger,
  FailoverWitness,
} from '../../../lib/tf/aws/runbooks';
import { awsStack, fullResourcesOf, Json, resourcesOf, warningsOf } from './util';

Testing.setupJest();

const LOST = { arn: 'arn:aws:cloudwatch:us-west-2:111122223333:alarm:orders-lost', alarmName: 'orders-lost' };
const WITNESS: FailoverWitness = {
  region: 'us-east-2',
  alarmName: 'orders-lost-seen-from-us-east-2',
  pageTopicArn: 'arn:aws:sns:us-west-2:111122223333:orders-page',
  pageTopicKeyArn: 'arn:aws:kms:us-west-2:111122223333:key/0f0e0d0c-0b0a-0908-0706-050403020100',
};

function synth(witness: FailoverWitness | undefined, props: Partial<FailoverRunbooksProps> = {}) {
  const { stack, west } = awsStack();
  new FailoverRunbooks(stack, 'Runbooks', {
    tier: ServiceTier.TIER_1,
    service: 'orders',
    role: HaRole.STANDBY,
    provider: west,
    globalClusterIdentifier: 'orders-global',
    secondaryClusterArn: 'arn:aws:rds:us-west-2:111122223333:cluster:orders-secondary',
    failoverTrigger: FailoverTrigger.alarm(LOST, { witness }),
    ...props,
  });
  const synthesized = Testing.synth(stack);
  const [document] = Object.values(fullResourcesOf(stack, SsmDocument));
  const promotion = { ...document, content: JSON.parse(document.content) } as Json;
  const statements = Object.entries(resourcesOf(synthesized, IamRolePolicy))
    .filter(([name]) => name.includes('PromoteDatabase'))
    .flatMap(([, p]) => JSON.parse(p.policy).Statement as Json[]);
  return { stack, promotion, statements };
}

describe('FailoverRunbooks (Terraform): an automatic promotion waits for a witness in a third region', () => {
  test('GIVEN a witness THEN the promotion reads it first and records it, as the CDK engine does', () => {
    const { promotion } = synth(WITNESS);
    expect(promotion.content.mainSteps[0]).toMatchObject({ name: 'WaitForWitness', timeoutSeconds: 600 });
    expect(promotion.content.parameters.WitnessRegion.default).toBe('us-east-2');
    expect(promotion['//'][FAILOVER_STEP_METADATA_KEY].witness).toEqual({
      region: 'us-east-2',
      alarmName: 'orders-lost-seen-from-us-east-2',
      waitSeconds: 540,
    });
  });

  test('GIVEN the witness alarm fires after 5 one-minute periods THEN the wait covers one restarted chain: 360 s', () => {
    const { promotion } = synth({ ...WITNESS, alarmPeriodSeconds: 60, alarmEvaluationPeriods: 5 });
    expect(promotion.content.parameters.WitnessWaitSeconds.default).toBe(360);
    expect(promotion.content.mainSteps[0].timeoutSeconds).toBe(420);
  });

  test('THEN the role may read that alarm in us-east-2 and the trigger here, and page that topic with its key', () => {
    const { statements } = synth(WITNESS);
    const sid = (name: string) => statements.find((s) => s.Sid === name);
    expect(sid('ReadWitnessAlarm')).toMatchObject({
      Action: 'cloudwatch:DescribeAlarms',
      Resource: expect.stringMatching(
        /^arn:\$\{.+\}:cloudwatch:us-east-2:\$\{.+\}:alarm:orders-lost-seen-from-us-east-2$/,
      ),
    });
    expect(sid('ReadTriggerAlarm')).toMatchObject({ Action: 'cloudwatch:DescribeAlarms', Resource: LOST.arn });
    expect(sid('PageOnCall')).toMatchObject({ Action: 'sns:Publish', Resource: WITNESS.pageTopicArn });
    expect(sid('EncryptPage')).toMatchObject({ Resource: WITNESS.pageTopicKeyArn });
  });

  test('GIVEN no witness THEN a warning with the CDK engine’s id', () => {
    const { stack, promotion } = synth(undefined);
    expect(promotion.content.mainSteps.map((s: Json) => s.name)).not.toContain('WaitForWitness');
    expect(warningsOf(stack)).toContainEqual(
      expect.stringMatching(
        /^\[ha-constructs:FailoverRunbooks\.failoverTrigger\] failoverTrigger is an alarm with no witness/,
      ),
    );
  });

  test('GIVEN a witness in the runbooks’ own region THEN an HaValidationError naming the prop', () => {
    expect(() => synth({ ...WITNESS, region: 'us-west-2' })).toThrow(HaValidationError);
    expect(() => synth({ ...WITNESS, waitSeconds: 600 })).toThrow(
      'failoverTrigger witness.wait must be whole seconds from 10 to 540, got: 600 seconds',
    );
    expect(() => synth({ ...WITNESS, waitSeconds: 120, alarmPeriodSeconds: 60, alarmEvaluationPeriods: 5 })).toThrow(
      '= 60 s × (5 + 1) = 360 s (shorter, the promotion stops and pages a person when one witness run is missed), ' +
        'got: 120 seconds',
    );
  });
});
