import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { MultiAzNetwork, ServiceTier } from '../../lib';
import { ResilientService } from '../../lib/aws/service';
import { nagErrors } from '../nag';
import { testApp } from '../util';

const CERT_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/0f6b7e52-0000-4000-8000-000000000000';

test('ResilientService passes cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
  const app: App = testApp();
  const stack = new Stack(app, 'Nag', { env: { region: 'us-east-1' } });
  const network = new MultiAzNetwork(stack, 'Network', {
    tier: ServiceTier.TIER_1,
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  });
  new ResilientService(stack, 'Service', {
    tier: ServiceTier.TIER_1,
    vpc: network.vpc,
    // Pulled from ECR by digest: the execution role's pull grant is part of what cdk-nag reads.
    repository: ecr.Repository.fromRepositoryName(stack, 'Images', 'orders'),
    imageTagOrDigest: `sha256:${'0123456789abcdef'.repeat(4)}`,
    requiredCount: 4,
    maxCount: 12,
    certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERT_ARN),
  });
  expect(nagErrors(app)).toEqual([]);
});
