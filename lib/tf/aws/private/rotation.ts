import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { sourceDirectory } from './assets';
import { AccountContext, cloudWatchLogsStatement, newCustomerManagedKey } from './keys';

/** What {@link newGeneratedValueRotation} rotates. */
export interface GeneratedValueRotationOptions {
  readonly context: AccountContext;
  readonly secretArn: string;
  /** Keys the secret and its replicas are encrypted with: writing a version encrypts it under each. */
  readonly keyArns: string[];
  /** Characters of each new value (letters and digits). */
  readonly length: number;
  readonly logRetentionDays: number;
}

/**
 * A rotation function that makes each new version a random value from Secrets Manager's
 * generator (for API keys and tokens the service issues and checks itself: nothing else to
 * update), runs the four rotation steps idempotently, and may touch only this secret. Returns the
 * function's ARN.
 *
 * Construct ids (under `scope`): `RotationFunction`, `RotationRole`, `RotationPolicy`,
 * `RotationLogKey`, `RotationLogs`, `RotationCode`, `RotationInvoke`.
 */
export function newGeneratedValueRotation(scope: Construct, options: GeneratedValueRotationOptions): string {
  const { context } = options;
  const provider = context.provider;
  const functionName = `ha-${scope.node.addr.slice(0, 20)}-rotate`;
  const logKey = newCustomerManagedKey(scope, 'RotationLogKey', {
    description: `Encrypts the rotation log of ${scope.node.path}`,
    context,
    statements: [cloudWatchLogsStatement(context)],
  });
  const logs = new CloudwatchLogGroup(scope, 'RotationLogs', {
    provider,
    name: `/aws/lambda/${functionName}`,
    retentionInDays: options.logRetentionDays,
    kmsKeyId: logKey.arn,
    deletionProtectionEnabled: true,
    lifecycle: { preventDestroy: true },
  });
  const role = new IamRole(scope, 'RotationRole', {
    provider,
    description: `Rotates the secret ${scope.node.path}`,
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': context.accountId } },
        },
      ],
    }),
  });
  const policy = new IamRolePolicy(scope, 'RotationPolicy', {
    provider,
    role: role.id,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'RotateThisSecret',
          Effect: 'Allow',
          Resource: options.secretArn,
          Action: [
            'secretsmanager:DescribeSecret',
            'secretsmanager:GetSecretValue',
            'secretsmanager:PutSecretValue',
            'secretsmanager:UpdateSecretVersionStage',
          ],
        },
        // The password generator reads no resource, so it takes no resource ARN.
        { Sid: 'GenerateValue', Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' },
        {
          Sid: 'EncryptVersions',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: options.keyArns,
        },
        {
          Sid: 'WriteLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: `${logs.arn}:*`,
        },
      ],
    }),
  });
  const code = new TerraformAsset(scope, 'RotationCode', {
    path: sourceDirectory('rotation', { 'index.js': ROTATION_SCRIPT }),
    type: AssetType.ARCHIVE,
  });
  const fn = new LambdaFunction(scope, 'RotationFunction', {
    provider,
    functionName,
    description: `Writes a new random value to ${scope.node.path} on each rotation`,
    runtime: 'nodejs22.x',
    architectures: ['arm64'],
    handler: 'index.handler',
    filename: code.path,
    sourceCodeHash: Fn.filebase64sha256(code.path),
    role: role.arn,
    timeout: 30,
    memorySize: 256,
    environment: { variables: { VALUE_LENGTH: String(options.length) } },
    loggingConfig: { logFormat: 'JSON', logGroup: logs.name },
    tracingConfig: { mode: 'Active' },
    dependsOn: [policy, logs],
  });
  new LambdaPermission(scope, 'RotationInvoke', {
    provider,
    statementId: 'SecretsManagerRotates',
    action: 'lambda:InvokeFunction',
    functionName: fn.functionName,
    principal: 'secretsmanager.amazonaws.com',
    sourceArn: options.secretArn,
  });
  return fn.arn;
}

/**
 * The four rotation steps. Each is idempotent (Secrets Manager may retry): createSecret keeps an
 * existing pending value, finishSecret moves AWSCURRENT once.
 */
const ROTATION_SCRIPT = `const {
  SecretsManagerClient, DescribeSecretCommand, GetSecretValueCommand, GetRandomPasswordCommand, PutSecretValueCommand, UpdateSecretVersionStageCommand,
} = require('@aws-sdk/client-secrets-manager');

const client = new SecretsManagerClient({});

exports.handler = async (event) => {
  const { SecretId: id, ClientRequestToken: token, Step: step } = event;
  const meta = await client.send(new DescribeSecretCommand({ SecretId: id }));
  const stages = (meta.VersionIdsToStages || {})[token];
  if (!meta.RotationEnabled || !stages) {
    throw new Error('secret ' + id + ' is not rotating version ' + token);
  }
  if (stages.includes('AWSCURRENT')) {
    return;
  }
  if (!stages.includes('AWSPENDING')) {
    throw new Error('version ' + token + ' of ' + id + ' is not pending');
  }
  switch (step) {
    case 'createSecret': {
      try {
        await client.send(new GetSecretValueCommand({ SecretId: id, VersionId: token, VersionStage: 'AWSPENDING' }));
        return;
      } catch (e) {
        if (e.name !== 'ResourceNotFoundException') {
          throw e;
        }
      }
      const { RandomPassword } = await client.send(new GetRandomPasswordCommand({ PasswordLength: Number(process.env.VALUE_LENGTH), ExcludePunctuation: true }));
      await client.send(new PutSecretValueCommand({ SecretId: id, ClientRequestToken: token, SecretString: RandomPassword, VersionStages: ['AWSPENDING'] }));
      return;
    }
    case 'setSecret':
    case 'testSecret':
      // The service reads the current value from the secret: there is no other system to update or test.
      return;
    case 'finishSecret': {
      const current = Object.keys(meta.VersionIdsToStages).find((v) => meta.VersionIdsToStages[v].includes('AWSCURRENT'));
      await client.send(new UpdateSecretVersionStageCommand({ SecretId: id, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current }));
      return;
    }
    default:
      throw new Error('unknown rotation step ' + step);
  }
};
`;
