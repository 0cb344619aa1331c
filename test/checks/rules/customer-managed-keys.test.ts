import { CustomerManagedKeys } from '../../../lib/checks/rules';
import { cfn, findings, tf } from '../fixtures/builders';

const WEST = {
  providers: {
    aws: [{ region: 'us-east-1' }, { region: 'us-west-2', alias: 'west' }, { region: 'eu-west-1', alias: 'eu' }],
  },
};
const TABLE_KEY = { enabled: true, kms_key_arn: '${aws_kms_key.k.arn}' };

describe('HA-ENC1 replicas', () => {
  test('GIVEN a Terraform global table with a replica without a key and one whose key is looked up as alias/aws/dynamodb THEN one finding names both regions', () => {
    const inputs = tf(
      {
        aws_kms_key: { k: {} },
        aws_dynamodb_table: {
          orders: {
            server_side_encryption: TABLE_KEY,
            replica: [
              { region_name: 'us-west-2' },
              { region_name: 'eu-west-1', kms_key_arn: '${data.aws_kms_alias.dynamodb.target_key_arn}' },
            ],
          },
        },
      },
      { ...WEST, data: { aws_kms_alias: { dynamodb: { provider: 'aws.eu', name: 'alias/aws/dynamodb' } } } },
    );
    // No tier is declared: security hygiene is a warning there.
    expect(findings(CustomerManagedKeys, inputs)).toEqual([
      {
        rule: 'HA-ENC1',
        level: 'warning',
        category: 'security-hygiene',
        stack: 'app',
        resource: 'aws_dynamodb_table.orders',
        message:
          'aws_dynamodb_table.orders has replicas without a customer-managed key in us-west-2 (no kms_key_arn: the AWS managed key is used), ' +
          'eu-west-1 ("${data.aws_kms_alias.dynamodb.target_key_arn}" is an AWS managed key): set each replica\'s kms_key_arn to an aws_kms_key or aws_kms_replica_key you manage in its region',
      },
    ]);
  });

  test('GIVEN replica keys looked up by a customer alias THEN there is no finding', () => {
    const inputs = tf(
      {
        aws_kms_key: { k: {} },
        aws_dynamodb_table: {
          orders: {
            server_side_encryption: TABLE_KEY,
            replica: [{ region_name: 'us-west-2', kms_key_arn: '${data.aws_kms_key.west.arn}' }],
          },
        },
        aws_secretsmanager_secret: {
          db: {
            kms_key_id: '${aws_kms_key.k.arn}',
            replica: [{ region: 'us-west-2', kms_key_id: '${data.aws_kms_key.west.arn}' }],
          },
        },
      },
      { ...WEST, data: { aws_kms_key: { west: { provider: 'aws.west', key_id: 'alias/shop-tables' } } } },
    );
    expect(findings(CustomerManagedKeys, inputs)).toEqual([]);
  });

  test('GIVEN a table on the AWS managed key by ARN and a replica without a key THEN the finding says both', () => {
    const inputs = tf(
      {
        aws_dynamodb_table: {
          orders: {
            server_side_encryption: {
              enabled: true,
              kms_key_arn: 'arn:aws:kms:us-east-1:111111111111:alias/aws/dynamodb',
            },
            replica: [{ region_name: 'us-west-2' }],
          },
        },
      },
      WEST,
    );
    expect(findings(CustomerManagedKeys, inputs).map((f) => f.message)).toEqual([
      'aws_dynamodb_table.orders is not encrypted with a customer-managed key: set the KMS key argument to an aws_kms_key you manage; ' +
        "aws_dynamodb_table.orders has replicas without a customer-managed key in us-west-2 (no kms_key_arn: the AWS managed key is used): set each replica's kms_key_arn to an aws_kms_key or aws_kms_replica_key you manage in its region",
    ]);
  });

  test('GIVEN a Terraform secret whose replica has no key THEN the finding names the secret and the replica region', () => {
    const inputs = tf(
      {
        aws_kms_key: { k: {} },
        aws_secretsmanager_secret: { db: { kms_key_id: '${aws_kms_key.k.arn}', replica: [{ region: 'us-west-2' }] } },
      },
      WEST,
    );
    expect(findings(CustomerManagedKeys, inputs)).toEqual([
      expect.objectContaining({
        resource: 'aws_secretsmanager_secret.db',
        message:
          "aws_secretsmanager_secret.db has replicas without a customer-managed key in us-west-2 (no kms_key_id: the AWS managed key is used): set each replica's kms_key_id to an aws_kms_key or aws_kms_replica_key you manage in its region",
      }),
    ]);
  });

  test.each([
    [
      'aws_dynamodb_table',
      {
        server_side_encryption: TABLE_KEY,
        replica: [{ region_name: 'us-west-2', kms_key_arn: '${aws_kms_key.k.arn}' }],
      },
    ],
    [
      'aws_secretsmanager_secret',
      { kms_key_id: '${aws_kms_key.k.arn}', replica: [{ region: 'us-west-2', kms_key_id: '${aws_kms_key.k.arn}' }] },
    ],
  ])(
    "GIVEN a %s replica in us-west-2 encrypted with the primary region's key THEN the finding says the key is in us-east-1",
    (type, body) => {
      const inputs = tf(
        {
          aws_kms_key: { k: { multi_region: true } },
          aws_kms_replica_key: { west: { provider: 'aws.west', primary_key_arn: '${aws_kms_key.k.arn}' } },
          [type]: { x: body },
        },
        WEST,
      );
      expect(findings(CustomerManagedKeys, inputs)).toEqual([
        expect.objectContaining({
          resource: `${type}.x`,
          message: expect.stringContaining(
            `${type}.x has replicas without a customer-managed key in us-west-2 (its key aws_kms_key.k is in us-east-1)`,
          ),
        }),
      ]);
    },
  );

  test('GIVEN a CloudFormation secret whose replica names a key of its own stack in another region THEN the finding says where the key is', () => {
    const inputs = cfn({
      Key: { Type: 'AWS::KMS::Key' },
      Db: {
        Type: 'AWS::SecretsManager::Secret',
        Properties: {
          KmsKeyId: { Ref: 'Key' },
          ReplicaRegions: [{ Region: 'us-west-2', KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } }],
        },
      },
    });
    expect(findings(CustomerManagedKeys, inputs).map((f) => f.message)).toEqual([
      expect.stringContaining(
        'Db has replicas without a customer-managed key in us-west-2 (its key Key is in us-east-1)',
      ),
    ]);
  });

  test("GIVEN a CloudFormation global table with KMS encryption and a replica without a key THEN the finding names that replica's region only", () => {
    const replica = (Region: string, KMSMasterKeyId?: string) => ({
      Region,
      ...(KMSMasterKeyId ? { SSESpecification: { KMSMasterKeyId } } : {}),
    });
    const inputs = cfn({
      Orders: {
        Type: 'AWS::DynamoDB::GlobalTable',
        Properties: {
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
          Replicas: [replica('us-east-1', 'alias/shop-tables'), replica('us-west-2')],
        },
      },
    });
    expect(findings(CustomerManagedKeys, inputs)).toEqual([
      expect.objectContaining({
        resource: 'Orders',
        message:
          "Orders has replicas without a customer-managed key in us-west-2 (no SSESpecification.KMSMasterKeyId: the AWS managed key is used): set each replica's SSESpecification.KMSMasterKeyId to a customer-managed key in its region",
      }),
    ]);
  });
});
