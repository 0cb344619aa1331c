import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ReplicaKey } from '../../lib/aws/replica-key';
import { newCustomerManagedKey } from '../../lib/aws/private/keys';
import { testApp } from '../util';

/** The statement AWS Control Tower's proactive control CT.KMS.PR.3 requires in a key policy. */
const DENY_GRANTS_NOT_FOR_AWS_RESOURCES = {
  Sid: 'DenyGrantsNotForAwsResources',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 'kms:CreateGrant',
  Resource: '*',
  Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
};

describe('customer-managed keys', () => {
  test('THEN every key the library makes lets only AWS services, or grants for AWS resources, create grants (Control Tower CT.KMS.PR.3)', () => {
    const stack = new Stack(testApp(), 'Keys', { env: { region: 'us-west-2' } });
    newCustomerManagedKey(stack, 'Key', 'a key');
    new ReplicaKey(stack, 'Replica', { aliasName: 'alias/replica' });
    const keys = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'));
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key.Properties.KeyPolicy.Statement).toContainEqual(DENY_GRANTS_NOT_FOR_AWS_RESOURCES);
      expect(key.Properties).toMatchObject({ EnableKeyRotation: true, PendingWindowInDays: 30 });
      expect(key.DeletionPolicy).toBe('Retain');
    }
  });
});
