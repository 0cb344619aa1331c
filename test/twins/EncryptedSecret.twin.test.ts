import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import * as fc from 'fast-check';
import { EncryptedSecret } from '../../lib/aws/secret';
import { ServiceTier } from '../../lib/core';
import { EncryptedSecret as TfEncryptedSecret } from '../../lib/tf/aws/secret';
import { EncryptedSecret as GoogleEncryptedSecret } from '../../lib/tf/google/secret';
import { forgettingTokens, proofTfStack, terraformOf, withoutCreationStacks } from '../proofs/tf-harness';
import { cdkResources, cfnOfType, intents, tfJson, tfOfType } from './harness';

/**
 * EncryptedSecret on CloudFormation and on Terraform, from one intent: the same replica regions,
 * the same way of rotating and interval, the same retention, all from core's planEncryptedSecret.
 * Google's twin (another cloud, so no CDK class of its name) is held to the same interval.
 */

const OTHERS = ['us-west-2', 'eu-west-1', 'ap-southeast-2'];
const GOOGLE_REGIONS = ['us-central1', 'us-east1', 'europe-west1', 'asia-southeast1'];
const ROTATOR = 'arn:aws:lambda:us-east-1:111122223333:function:rotate';
const REASON = 'issued by the payment provider and rotated in its console';

const intent = fc
  .record({
    tier: fc.constantFrom(...ServiceTier.BUILT_IN),
    others: fc.shuffledSubarray(OTHERS, { minLength: 0, maxLength: 3 }),
    external: fc.boolean(),
    rotateAfterDays: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
  })
  .map((p) => ({
    ...p,
    // At least the tier's other regions (HA-SEC2); a one-region tier may still replicate.
    replicaRegions: p.others.length >= p.tier.minRegions - 1 ? p.others : OTHERS.slice(0, p.tier.minRegions - 1),
    // An interval given with rotatedExternally only warns: leave it out there.
    rotateAfterDays: p.external ? undefined : p.rotateAfterDays,
  }));
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

/** The HA values of one secret, read from either output. */
interface SecretValues {
  readonly replicaRegions: readonly string[];
  readonly rotations: number;
  readonly rotationDays: number | undefined;
  readonly retained: boolean;
}

function cdkValues(p: Intent): SecretValues {
  const resources = cdkResources(
    (stack) =>
      new EncryptedSecret(stack, 'Secret', {
        tier: p.tier,
        service: 'orders',
        replicaRegions: p.replicaRegions,
        rotationLambda: p.external ? undefined : lambda.Function.fromFunctionArn(stack, 'Rotator', ROTATOR),
        rotatedExternally: p.external ? REASON : undefined,
        rotateAfter: p.rotateAfterDays === undefined ? undefined : Duration.days(p.rotateAfterDays),
      }),
  );
  const [secret] = cfnOfType(resources, 'AWS::SecretsManager::Secret');
  const schedules = cfnOfType(resources, 'AWS::SecretsManager::RotationSchedule');
  const rate = schedules.map((s) => String((s.RotationRules as { ScheduleExpression: string }).ScheduleExpression))[0];
  const policy = Object.values(resources).find((r) => r.Type === 'AWS::SecretsManager::Secret') as unknown as {
    DeletionPolicy?: string;
  };
  return {
    replicaRegions: ((secret.ReplicaRegions ?? []) as { Region: string }[]).map((r) => r.Region).sort(),
    rotations: schedules.length,
    rotationDays: rate === undefined ? undefined : Number(/^rate\((\d+) days?\)$/.exec(rate)![1]),
    retained: policy.DeletionPolicy === 'Retain',
  };
}

function tfValues(p: Intent): SecretValues {
  const json = tfJson(
    (stack) =>
      new TfEncryptedSecret(stack, 'Secret', {
        tier: p.tier,
        service: 'orders',
        replicaProviders: p.replicaRegions.map(
          (region) => new AwsProvider(stack, `aws-${region}`, { region, alias: region.replace(/-/g, '') }),
        ),
        rotationLambdaArn: p.external ? undefined : ROTATOR,
        rotatedExternally: p.external ? REASON : undefined,
        rotateAfterDays: p.rotateAfterDays,
      }),
  );
  const [secret] = tfOfType(json, 'aws_secretsmanager_secret');
  const rotations = tfOfType(json, 'aws_secretsmanager_secret_rotation');
  return {
    replicaRegions: ((secret.replica ?? []) as { region: string }[]).map((r) => r.region).sort(),
    rotations: rotations.length,
    rotationDays: rotations.map((r) =>
      Number((r.rotation_rules as { automatically_after_days: number }).automatically_after_days),
    )[0],
    retained: (secret.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy === true,
  };
}

/** Days between rotation notifications of Google's twin, or undefined when it has none. */
function googleRotationDays(p: Intent): number | undefined {
  const json = forgettingTokens(() => {
    const stack = proofTfStack('google');
    withoutCreationStacks(
      () =>
        new GoogleEncryptedSecret(stack, 'Secret', {
          tier: p.tier,
          service: 'orders',
          secretId: 'orders-api-key',
          regions: GOOGLE_REGIONS.slice(0, p.replicaRegions.length + 1),
          rotatedExternally: p.external ? REASON : undefined,
          rotationDays: p.rotateAfterDays,
        }),
    );
    return withoutCreationStacks(() => terraformOf(stack));
  });
  const [secret] = tfOfType(json, 'google_secret_manager_secret');
  const rotation = secret.rotation as { rotation_period: string } | undefined;
  return rotation === undefined ? undefined : Number(/^(\d+)s$/.exec(rotation.rotation_period)![1]) / 86400;
}

test.each(intents(intent).map((p, i) => [i, p] as const))(
  'intent %i: the CDK secret and its Terraform twins render the same plan',
  (_, p) => {
    const cdk = cdkValues(p);
    expect(tfValues(p)).toEqual(cdk);
    expect(googleRotationDays(p)).toBe(cdk.rotationDays);
    // And the values are the plan's, not defaults that happen to agree.
    expect(cdk).toEqual({
      replicaRegions: [...p.replicaRegions].sort(),
      rotations: p.external ? 0 : 1,
      rotationDays: p.external ? undefined : (p.rotateAfterDays ?? 30),
      retained: true,
    });
  },
);

test('the sample covers a rotator and rotatedExternally, a default and a given interval, one and several replicas', () => {
  const sample = intents(intent);
  expect(new Set(sample.map((p) => p.external))).toEqual(new Set([true, false]));
  expect(
    sample.some((p) => !p.external && p.rotateAfterDays === undefined) &&
      sample.some((p) => p.rotateAfterDays !== undefined),
  ).toBe(true);
  expect(sample.some((p) => p.replicaRegions.length === 1) && sample.some((p) => p.replicaRegions.length > 1)).toBe(
    true,
  );
});
