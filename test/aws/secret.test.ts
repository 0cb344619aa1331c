import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HA_ACKNOWLEDGED_KEY, HA_METADATA_KEY, ServiceTier } from '../../lib';
import { EncryptedSecret, EncryptedSecretProps, SecretReplicaKey, secretReplicaKeyAlias } from '../../lib/aws/secret';
import { haSnapshot } from '../../lib/testing/snapshot';
import { expectValidationError, printedWarning, quietly, recommendedApp } from '../util';

// The CLI's recommended flags, as `cdk init` writes them: the assertions pin ARNs with the partition
// literal and weak cross-region references. Every construct in a bare App: test/aws/default-apps.test.ts.

function build(props: Partial<EncryptedSecretProps> = {}) {
  const stack = new Stack(recommendedApp(), 'Secrets', { env: { region: 'us-east-1' } });
  const rotationLambda = lambda.Function.fromFunctionArn(
    stack,
    'Rotator',
    'arn:aws:lambda:us-east-1:111111111111:function:rotate',
  );
  const secret = new EncryptedSecret(stack, 'Secret', {
    tier: ServiceTier.TIER_1,
    service: 'payments',
    rotationLambda,
    replicaRegions: ['us-west-2'],
    ...props,
  });
  return { stack, secret };
}

function synth(props: Partial<EncryptedSecretProps> = {}) {
  const { stack, secret } = build(props);
  return { stack, secret, template: Template.fromStack(stack) };
}

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly [key: string]: unknown;
}

function policyStatements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) => p.Properties.PolicyDocument.Statement,
  );
}

describe('EncryptedSecret', () => {
  test('THEN the secret is encrypted with its own customer-managed key with rotation, and both are retained', () => {
    const { template } = synth();
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, PendingWindowInDays: 30 },
      DeletionPolicy: 'Retain',
    });
  });

  test('WHEN a rotation function is given THEN the secret rotates on it every 30 days', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: Match.stringLikeRegexp('^Secret') },
      RotationLambdaARN: 'arn:aws:lambda:us-east-1:111111111111:function:rotate',
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
  });

  test('WHEN rotateAfter is 7 days THEN the schedule says so', () => {
    const { template } = synth({ rotateAfter: Duration.days(7) });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(7 days)' },
    });
  });

  test('WHEN no rotation is given THEN it is a ValidationError naming the three ways to give one', () => {
    expectValidationError(
      () => synth({ rotationLambda: undefined }),
      'hostedRotation (database credentials), rotationLambda or ' +
        'rotatedExternally (why the value rotates elsewhere) must be given: a secret that never rotates keeps working for whoever ' +
        'leaked it (HA-SEC1), got: none',
    );
  });

  test("WHEN the value rotates elsewhere THEN no schedule exists, and HA-SEC1 and cdk-nag's rotation rules carry the reason", () => {
    const reason = 'the provider issues this key and rotates it on its own schedule';
    const { template } = synth({ rotationLambda: undefined, rotatedExternally: reason });
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    template.hasResource('AWS::SecretsManager::Secret', {
      Metadata: Match.objectLike({ [HA_ACKNOWLEDGED_KEY]: { 'HA-SEC1': reason } }),
    });
    expectValidationError(
      () => synth({ rotationLambda: undefined, rotatedExternally: 'elsewhere' }),
      "rotatedExternally must say why the value rotates outside Secrets Manager (at least 20 characters), got: 'elsewhere'",
    );
  });

  test('WHEN the value rotates elsewhere and rotateAfter is given THEN a warning says it has no effect', () => {
    quietly(
      () => {
        const { stack } = synth({
          rotationLambda: undefined,
          rotatedExternally: 'the provider issues this key and rotates it',
          rotateAfter: Duration.days(7),
        });
        Annotations.fromStack(stack).hasWarning(
          '/Secrets/Secret',
          Match.stringLikeRegexp(
            '^rotateAfter has no effect with rotatedExternally: .*ha-constructs:EncryptedSecret.rotateAfter',
          ),
        );
      },
      printedWarning(
        'Secrets/Secret',
        'ha-constructs:EncryptedSecret.rotateAfter',
        "rotateAfter has no effect with rotatedExternally: the value rotates on its issuer's schedule, not on 7 days",
      ),
    );
  });

  test('WHEN replica regions are given THEN each replica is encrypted with the replica key of its region, by alias unless a key is given', () => {
    const stack = new Stack(recommendedApp(), 'Secrets', { env: { region: 'us-east-1' } });
    const euKey = kms.Key.fromKeyArn(
      stack,
      'EuKey',
      'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    );
    new EncryptedSecret(stack, 'Secret', {
      tier: ServiceTier.TIER_1,
      service: 'payments',
      replicaRegions: ['us-west-2', 'eu-west-1'],
      replicaKeys: { 'eu-west-1': euKey },
      rotatedExternally: 'rotated by the issuer on its own schedule',
    });
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
      ReplicaRegions: [
        { Region: 'us-west-2', KmsKeyId: 'alias/payments-secrets' },
        {
          Region: 'eu-west-1',
          KmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        },
      ],
    });
  });

  test('WHEN a multi-region tier has no replica regions THEN it is a ValidationError', () => {
    expectValidationError(
      () => synth({ replicaRegions: undefined }),
      'replicaRegions must list at least 1 region for TIER_1 ' +
        '(minRegions 2 including us-east-1), so that the value survives the loss of a region (HA-SEC2), got: 0',
    );
  });

  test('GIVEN TIER_3 (one region) without replicas THEN there is no warning', () => {
    const { stack, template } = synth({ tier: ServiceTier.TIER_3, replicaRegions: undefined });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { ReplicaRegions: Match.absent() });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('grantRead grants exactly GetSecretValue and DescribeSecret on the secret and its replicas, and Decrypt through Secrets Manager only', () => {
    const { stack, secret } = build({ replicaRegions: ['us-west-2'] });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    secret.grantRead(role);
    const statements = policyStatements(Template.fromStack(stack));
    expect(statements).toHaveLength(3);
    const [read, decrypt, replicaDecrypt] = statements;
    const readResources = read.Resource as unknown[];
    expect(read.Action).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    expect(readResources).toHaveLength(2);
    expect(readResources).toContainEqual({ Ref: expect.stringMatching(/^Secret/) });
    expect(readResources.filter((arn) => JSON.stringify(arn).includes(':secretsmanager:us-west-2:'))).toHaveLength(1);
    expect(decrypt).toEqual({
      Action: 'kms:Decrypt',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^SecretKey/), 'Arn'] },
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
    });
    expect(replicaDecrypt).toEqual({
      Action: 'kms:Decrypt',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:aws:kms:us-west-2:', { Ref: 'AWS::AccountId' }, ':key/*']] },
      Condition: {
        StringEquals: { 'kms:ViaService': 'secretsmanager.us-west-2.amazonaws.com' },
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/payments-secrets' },
      },
    });
  });

  test('THEN the secret and its key carry the HA metadata record', () => {
    const { template } = synth({ replicaRegions: ['us-west-2'] });
    for (const type of ['AWS::SecretsManager::Secret', 'AWS::KMS::Key']) {
      for (const resource of Object.values(template.findResources(type))) {
        expect(resource.Metadata[HA_METADATA_KEY]).toMatchObject({
          service: 'payments',
          component: 'EncryptedSecret',
          failureDomain: 'global',
        });
      }
    }
  });

  test('WHEN removalPolicy is DESTROY THEN the secret is deleted with the stack and a warning with a stable id is emitted', () => {
    quietly(
      () => {
        const { stack, template } = synth({ removalPolicy: RemovalPolicy.DESTROY });
        template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
        Annotations.fromStack(stack).hasWarning(
          '/Secrets/Secret',
          Match.stringLikeRegexp('^removalPolicy is destroy: .*ha-constructs:EncryptedSecret.removalPolicy'),
        );
      },
      printedWarning(
        'Secrets/Secret',
        'ha-constructs:EncryptedSecret.removalPolicy',
        'removalPolicy is destroy: deleting the stack or replacing the secret deletes credentials that data encrypted or protected by them may still need',
      ),
    );
  });

  // The rules are core's planEncryptedSecret (test/core/plans/secret.test.ts); these prove the engine throws them.
  test.each<[Partial<EncryptedSecretProps>, string]>([
    [{ replicaRegions: ['us-east-1'] }, 'replicaRegions must not include the primary region us-east-1, got: us-east-1'],
    [
      { replicaRegions: ['ap-south-1'], allowedRegions: ['us-east-1', 'us-west-2'] },
      'replicaRegions must stay within allowedRegions (us-east-1, us-west-2), got: ap-south-1',
    ],
    [
      {
        replicaRegions: ['us-west-2'],
        replicaKeys: { 'eu-west-1': kms.Key.fromKeyArn(new Stack(), 'K', 'arn:aws:kms:eu-west-1:111111111111:key/k') },
      },
      'replicaKeys must only name regions of replicaRegions (us-west-2), got: eu-west-1',
    ],
    [
      {
        replicaRegions: ['us-west-2'],
        replicaKeys: { 'us-west-2': kms.Key.fromKeyArn(new Stack(), 'K', 'arn:aws:kms:eu-west-1:111111111111:key/k') },
      },
      'replicaKeys.us-west-2 must be a key of us-west-2, got a key of: eu-west-1',
    ],
    [{ rotateAfter: Duration.hours(1) }, 'rotateAfter must be from 4 hours to 1000 days, got: 1 hour'],
  ])('%#: bad input is a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => synth(override), message);
  });

  test('WHEN replicas use the replica key alias and no service is given THEN it is a ValidationError (the default service differs per stack)', () => {
    const stack = new Stack(recommendedApp(), 'Secrets', { env: { region: 'us-east-1' } });
    expectValidationError(
      () =>
        new EncryptedSecret(stack, 'Secret', {
          tier: ServiceTier.TIER_1,
          replicaRegions: ['us-west-2'],
          rotatedExternally: 'rotated by the issuer on its schedule',
        }),
      "service must be given when replicaRegions (us-west-2) use the replica key found by alias (alias/<service>-secrets): the default, the stack's name, differs between the stacks of two regions, got: none",
    );
  });

  test('WHEN both hosted rotation and a rotation function are given THEN it is a ValidationError', () => {
    const stack = new Stack(recommendedApp(), 'Secrets', { env: { region: 'us-east-1' } });
    const rotationLambda = lambda.Function.fromFunctionArn(
      stack,
      'Rotator',
      'arn:aws:lambda:us-east-1:111111111111:function:rotate',
    );
    expect(
      () =>
        new EncryptedSecret(stack, 'Secret', {
          tier: ServiceTier.TIER_3,
          rotationLambda,
          hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser(),
        }),
    ).toThrow(
      'hostedRotation, rotationLambda and rotatedExternally are alternatives: give one of them, got: hostedRotation, rotationLambda',
    );
  });

  test('THEN the secret refuses deletion, its value is 32 characters, and its key serves Secrets Manager only', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::SecretsManager::ResourcePolicy', {
      SecretId: { Ref: Match.stringLikeRegexp('^Secret') },
      ResourcePolicy: {
        Statement: [
          Match.objectLike({
            Effect: 'Deny',
            Action: 'secretsmanager:DeleteSecret',
            Resource: '*',
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: { PasswordLength: 32 } });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: [
              'kms:CreateGrant',
              'kms:Decrypt',
              'kms:DescribeKey',
              'kms:Encrypt',
              'kms:GenerateDataKey*',
              'kms:ReEncrypt*',
            ],
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
          }),
        ]),
      },
    });
  });

  // The HA view (lib/testing): per resource its type, HA record and the properties the HA rules read.
  test('HA snapshot of a replicated, rotating secret (beside the targeted assertions above)', () => {
    const { template } = synth({ replicaRegions: ['us-west-2'] });
    expect(haSnapshot(template.toJSON())).toMatchSnapshot();
  });
});

describe('SecretReplicaKey', () => {
  test('THEN a retained key with rotation carries the alias the primary secret names and lets Secrets Manager of its region re-encrypt replicas', () => {
    const stack = new Stack(recommendedApp(), 'Keys', { env: { region: 'us-west-2' } });
    const key = new SecretReplicaKey(stack, 'SecretKey', { tier: ServiceTier.TIER_1, service: 'payments' });
    const template = Template.fromStack(stack);
    expect(key.aliasName).toBe(secretReplicaKeyAlias('payments'));
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
    template.hasResource('AWS::KMS::Alias', {
      Properties: {
        AliasName: 'alias/payments-secrets',
        TargetKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretKey'), 'Arn'] },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowSecretsManagerOfThisAccount',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Resource: '*',
            Action: [
              'kms:CreateGrant',
              'kms:Decrypt',
              'kms:DescribeKey',
              'kms:Encrypt',
              'kms:GenerateDataKey*',
              'kms:ReEncrypt*',
            ],
            Condition: {
              StringEquals: {
                'kms:CallerAccount': { Ref: 'AWS::AccountId' },
                'kms:ViaService': 'secretsmanager.us-west-2.amazonaws.com',
              },
            },
          },
        ]),
      },
    });
    const [resource] = Object.values(template.findResources('AWS::KMS::Key'));
    expect(resource.Metadata[HA_METADATA_KEY]).toMatchObject({ role: 'replica', component: 'SecretReplicaKey' });
  });

  test("grantReadReplica grants reading the named secret's replica in this region and decrypting it with this key through Secrets Manager", () => {
    const stack = new Stack(recommendedApp(), 'Keys', { env: { region: 'us-west-2' } });
    const key = new SecretReplicaKey(stack, 'SecretKey', { tier: ServiceTier.TIER_1, service: 'payments' });
    const role = new iam.Role(stack, 'Standby', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    key.grantReadReplica(role, 'payments/api-key');
    expect(policyStatements(Template.fromStack(stack))).toEqual([
      {
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Effect: 'Allow',
        Resource: {
          'Fn::Join': [
            '',
            ['arn:aws:secretsmanager:us-west-2:', { Ref: 'AWS::AccountId' }, ':secret:payments/api-key-??????'],
          ],
        },
      },
      {
        Action: 'kms:Decrypt',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^SecretKey/), 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-west-2.amazonaws.com' } },
      },
    ]);
  });

  test('THEN the alias replaces characters an alias may not hold', () => {
    expect(secretReplicaKeyAlias('Orders API.v2')).toBe('alias/Orders-API-v2-secrets');
  });

  test('WHEN neither service nor aliasName is given THEN it is a ValidationError', () => {
    const stack = new Stack(recommendedApp(), 'Keys', { env: { region: 'us-west-2' } });
    expect(() => new SecretReplicaKey(stack, 'SecretKey', { tier: ServiceTier.TIER_1 })).toThrow(
      "service or aliasName must be given: the primary secret finds this key by alias/<service>-secrets, and the default service, the stack's name, differs between the stacks of two regions, got: neither",
    );
  });

  test('WHEN the alias is reserved THEN it is a ValidationError', () => {
    const stack = new Stack(recommendedApp(), 'Keys', { env: { region: 'us-west-2' } });
    expectValidationError(
      () => new SecretReplicaKey(stack, 'SecretKey', { tier: ServiceTier.TIER_1, aliasName: 'alias/aws/secrets' }),
      'aliasName must start with alias/, use only letters, digits, /, _ and - and not start with alias/aws/, got: alias/aws/secrets',
    );
  });
});
