import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretRotation } from '@cdktf/provider-aws/lib/secretsmanager-secret-rotation';
import { TerraformStack, Testing } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { checkInputs } from '../../../lib/checks/check';
import { ServiceTier } from '../../../lib/core';
import { haSnapshot } from '../../../lib/testing/snapshot';
import { EncryptedSecret, EncryptedSecretProps } from '../../../lib/tf/aws/secret';
import { awsStack, refTo, resourcesOf, warningsOf } from './util';

Testing.setupJest();

const ROTATE = 'arn:aws:lambda:us-east-1:111111111111:function:rotate';

function synth(props: Partial<EncryptedSecretProps> = {}, useWest = true) {
  const { stack, west } = awsStack();
  const secret = new EncryptedSecret(stack, 'ApiKey', {
    tier: ServiceTier.TIER_1,
    replicaProviders: useWest ? [west] : undefined,
    rotationLambdaArn:
      props.generatedValueLength === undefined && props.rotatedExternally === undefined ? ROTATE : undefined,
    ...props,
  });
  return { stack, secret, synthesized: Testing.synth(stack) };
}

/** The HA checks' report over a stack, its aspects applied (acknowledgements reach the resources through one) as `cdktf synth` does. */
function reportOf(stack: TerraformStack) {
  invokeAspects(stack);
  return checkInputs({ terraform: [{ name: stack.node.id, json: stack.toTerraform() as Record<string, unknown> }] });
}

describe('EncryptedSecret (Terraform)', () => {
  test('THEN the secret is encrypted with its key, replicated with a key per region, recoverable for 30 days and prevent_destroy', () => {
    const { synthesized } = synth();
    expect(synthesized).toHaveResourceWithProperties(SecretsmanagerSecret, {
      kms_key_id: refTo(KmsKey, 'ApiKey', 'arn'),
      recovery_window_in_days: 30,
      replica: [{ region: 'us-west-2', kms_key_id: refTo(KmsKey, 'ApiKey_ReplicaKey-west', 'arn') }],
      lifecycle: { prevent_destroy: true },
    });
    expect(synthesized).toHaveResourceWithProperties(KmsKey, { provider: 'aws.west', enable_key_rotation: true });
  });

  test('THEN there is no secret value in the configuration', () => {
    const { synthesized } = synth();
    expect(synthesized).not.toContain('secret_string');
  });

  test('WHEN it rotates externally THEN there is no rotation here, and HA-SEC1 is acknowledged with the reason', () => {
    const reason = 'issued by the payment provider, rotated in its console every 90 days';
    const { stack, synthesized } = synth({ rotatedExternally: reason });
    expect(resourcesOf(synthesized, SecretsmanagerSecretRotation)).toEqual({});
    const report = reportOf(stack);
    expect(report.findings.filter((f) => f.rule === 'HA-SEC1')).toEqual([]);
    expect(report.acknowledged?.filter((f) => f.rule === 'HA-SEC1')).toEqual([
      expect.objectContaining({ reason, message: expect.stringContaining('never rotates') }),
    ]);
  });

  test.each([
    ['a rotation function', {}],
    ['a generated value', { rotationLambdaArn: undefined, generatedValueLength: 32 }],
  ])(
    'WHEN it rotates with %s THEN HA-SEC1 passes with no acknowledgement',
    (_how, props: Partial<EncryptedSecretProps>) => {
      const { stack } = synth(props);
      const report = reportOf(stack);
      expect(report.findings.filter((f) => f.rule === 'HA-SEC1')).toEqual([]);
      expect(report.acknowledged ?? []).toEqual([]);
    },
  );

  test('WHEN a rotation function is given THEN the secret rotates on the schedule', () => {
    const { synthesized } = synth({ rotationLambdaArn: ROTATE, rotateAfterDays: 7 });
    expect(synthesized).toHaveResourceWithProperties(SecretsmanagerSecretRotation, {
      rotation_lambda_arn: 'arn:aws:lambda:us-east-1:111111111111:function:rotate',
      rotation_rules: { automatically_after_days: 7 },
    });
  });

  test('WHEN generatedValueLength is given THEN a built-in function that may touch only this secret rotates it', () => {
    const { synthesized } = synth({ generatedValueLength: 48 });
    expect(synthesized).toHaveResourceWithProperties(SecretsmanagerSecretRotation, {
      rotation_lambda_arn: refTo(LambdaFunction, 'ApiKey_RotationFunction', 'arn'),
      rotation_rules: { automatically_after_days: 30 },
    });
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
      environment: { variables: { VALUE_LENGTH: '48' } },
      handler: 'index.handler',
    });
    expect(synthesized).toHaveResourceWithProperties(LambdaPermission, {
      principal: 'secretsmanager.amazonaws.com',
      source_arn: refTo(SecretsmanagerSecret, 'ApiKey', 'arn'),
    });
    const policy = JSON.parse(Object.values(resourcesOf(synthesized, IamRolePolicy))[0].policy);
    const rotate = policy.Statement.find((s: { Sid: string }) => s.Sid === 'RotateThisSecret');
    expect(rotate.Resource).toEqual(refTo(SecretsmanagerSecret, 'ApiKey', 'arn'));
    const keys = policy.Statement.find((s: { Sid: string }) => s.Sid === 'EncryptVersions');
    expect(keys.Resource).toEqual([refTo(KmsKey, 'ApiKey', 'arn'), refTo(KmsKey, 'ApiKey_ReplicaKey-west', 'arn')]);
  });

  test('GIVEN TIER_3 THEN a single-region secret is fine', () => {
    const { synthesized } = synth({ tier: ServiceTier.TIER_3 }, false);
    expect(synthesized).toHaveResourceWithProperties(SecretsmanagerSecret, { recovery_window_in_days: 30 });
  });

  // The rules are core's planEncryptedSecret (test/core/plans/secret.test.ts); these prove the engine throws them.
  test.each([
    [
      {},
      false,
      'replicaProviders must list at least 1 region for TIER_1 (minRegions 2 including us-east-1), so that the value survives the loss of a region (HA-SEC2), got: 0',
    ],
    [{ rotateAfterDays: 0 }, true, 'rotateAfterDays must be an integer from 1 to 1000, got: 0'],
    [{ generatedValueLength: 8 }, true, 'generatedValueLength must be an integer from 16 to 4096, got: 8'],
    [
      { generatedValueLength: 32, rotationLambdaArn: ROTATE },
      true,
      'rotationLambdaArn, generatedValueLength and rotatedExternally are alternatives: give one of them, got: rotationLambdaArn, generatedValueLength',
    ],
    [
      { rotationLambdaArn: undefined },
      true,
      'rotationLambdaArn, generatedValueLength (a random value the service issues itself) or rotatedExternally (why the value rotates elsewhere) must be given: a secret that never rotates keeps working for whoever leaked it (HA-SEC1), got: none',
    ],
    [
      { rotatedExternally: 'by hand' },
      true,
      "rotatedExternally must say why the value rotates outside Secrets Manager (at least 20 characters), got: 'by hand'",
    ],
  ])('GIVEN %j THEN a clear Error', (extra, useWest, message) => {
    expect(() => synth(extra, useWest)).toThrow(new Error(message));
  });

  test('WHEN it rotates externally and a rotation interval is given THEN a warning says the interval is ignored', () => {
    const { stack } = synth({
      rotatedExternally: 'issued by the payment provider, rotated in its console',
      rotateAfterDays: 7,
    });
    expect(warningsOf(stack)).toEqual([
      expect.stringContaining(
        '[ha-constructs:EncryptedSecret.rotateAfterDays] rotateAfterDays has no effect with rotatedExternally',
      ),
    ]);
  });

  test('GIVEN a replica in the primary region THEN a clear Error', () => {
    const { stack } = awsStack();
    const east = new AwsProvider(stack, 'east', { region: 'us-east-1', alias: 'east' });
    expect(
      () =>
        new EncryptedSecret(stack, 'ApiKey', {
          tier: ServiceTier.TIER_1,
          replicaProviders: [east],
          rotationLambdaArn: ROTATE,
        }),
    ).toThrow(new Error('replicaProviders must not include the primary region us-east-1, got: us-east-1'));
  });

  test("THEN each region's key is governed by its own account only, with rotation, and kept through destroy", () => {
    const keys = Object.values(resourcesOf(synth().synthesized, KmsKey));
    expect(keys.map((k) => [k.provider, k.description])).toEqual([
      [undefined, 'Encrypts the secret test/ApiKey'],
      ['aws.west', 'Encrypts the replica of the secret test/ApiKey'],
    ]);
    const partition = String.raw`\$\{data\.aws_partition\.[\w-]+\.partition\}`;
    const account = String.raw`\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}`;
    const root = new RegExp(`^arn:${partition}:iam::${account}:root$`);
    for (const key of keys) {
      expect(JSON.parse(key.policy).Statement).toEqual([
        {
          Sid: 'AllowAccountToGovernKey',
          Effect: 'Allow',
          Action: 'kms:*',
          Resource: '*',
          Principal: { AWS: expect.stringMatching(root) },
        },
      ]);
      expect(key).toMatchObject({
        enable_key_rotation: true,
        deletion_window_in_days: 30,
        lifecycle: { prevent_destroy: true },
      });
    }
  });

  // The HA view (lib/testing) of the JSON with its // blocks, where the HA records are.
  test('HA snapshot', () => {
    expect(haSnapshot(synth().stack.toTerraform())).toMatchSnapshot();
  });
});
