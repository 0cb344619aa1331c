import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { MultiAzNetwork, ServiceTier } from '../../lib';
import { ReplicatedDatabase } from '../../lib/aws/database';
import { GlobalDatabase, GlobalDatabaseSecondary } from '../../lib/aws/global-database';
import { EncryptedSecret, SecretReplicaKey } from '../../lib/aws/secret';
import { nagErrors } from '../nag';
import { testApp } from '../util';

test('EncryptedSecret, ReplicatedDatabase and GlobalDatabase pass cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
  const app: App = testApp();
  const tier = ServiceTier.TIER_0;

  const keys = new Stack(app, 'StandbyKeys', { env: { region: 'us-west-2' } });
  new SecretReplicaKey(keys, 'SecretReplicaKey', { tier, service: 'orders' });

  const primary = new Stack(app, 'Primary', { env: { region: 'us-east-1' } });
  const primaryNetwork = new MultiAzNetwork(primary, 'Network', {
    tier,
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  });
  // TIER_0's 1 s is below rds.global_db_rpo's 20 s floor: the data set states what Aurora can hold.
  new GlobalDatabase(primary, 'Db', {
    tier,
    service: 'orders',
    vpc: primaryNetwork.vpc,
    globalClusterIdentifier: 'orders',
    secondaryRegions: ['us-west-2'],
    rpoObjective: Duration.seconds(20),
  });
  new ReplicatedDatabase(primary, 'Reports', {
    tier: ServiceTier.TIER_3,
    service: 'reports',
    vpc: primaryNetwork.vpc,
    proxy: true,
  });
  const rotationLambda = lambda.Function.fromFunctionArn(
    primary,
    'Rotator',
    'arn:aws:lambda:us-east-1:111111111111:function:rotate-api-key',
  );
  new EncryptedSecret(primary, 'ApiKey', { tier, service: 'orders', rotationLambda, replicaRegions: ['us-west-2'] });

  const secondary = new Stack(app, 'Secondary', { env: { region: 'us-west-2' } });
  const secondaryNetwork = new MultiAzNetwork(secondary, 'Network', {
    tier,
    availabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
  });
  new GlobalDatabaseSecondary(secondary, 'Db', {
    tier,
    service: 'orders',
    vpc: secondaryNetwork.vpc,
    globalClusterIdentifier: 'orders',
    primaryRegion: 'us-east-1',
  });

  expect(nagErrors(app)).toEqual([]);
});
