import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { HaEksCluster, HaEksClusterProps } from '../../lib/aws/eks-cluster';
import { HA_METADATA_KEY, ServiceTier } from '../../lib/core';
import { expectValidationError, testApp } from '../util';

const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

function build(props: Partial<HaEksClusterProps> = {}, zones = ZONES): { stack: Stack; eks: HaEksCluster } {
  const stack = new Stack(testApp(), 'Shop', { env: { account: '111122223333', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: zones, natGateways: zones.length });
  const eks = new HaEksCluster(stack, 'Cluster', {
    tier: ServiceTier.TIER_1,
    service: 'shop',
    version: '1.33',
    vpc,
    requiredNodes: 6,
    ...props,
  });
  return { stack, eks };
}

describe('HaEksCluster for TIER_1 needing 6 nodes over three zones', () => {
  let template: Template;
  let eks: HaEksCluster;
  beforeAll(() => {
    const built = build();
    eks = built.eks;
    template = Template.fromStack(built.stack);
  });

  test('THEN a node group in each zone keeps 3 nodes (6 after a zone loss), one replaced at a time', () => {
    const groups = Object.values(template.findResources('AWS::EKS::Nodegroup'));
    expect(groups).toHaveLength(3);
    for (const group of groups) {
      expect(group.Properties).toMatchObject({
        ScalingConfig: { MinSize: 3, DesiredSize: 3, MaxSize: 6 },
        UpdateConfig: { MaxUnavailable: 1 },
        AmiType: 'AL2023_x86_64_STANDARD',
      });
      expect(group.Properties.Subnets).toHaveLength(1);
    }
    expect([eks.minNodes, eks.maxNodes, eks.failoverMinNodes]).toEqual([9, 18, 9]);
  });

  test('THEN zonal shift on, Secrets envelope-encrypted, every control-plane log kept, no public endpoint', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      Version: '1.33',
      ZonalShiftConfig: { Enabled: true },
      Logging: {
        ClusterLogging: {
          EnabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((Type) => ({ Type })),
        },
      },
      ResourcesVpcConfig: { EndpointPrivateAccess: true, EndpointPublicAccess: false },
      EncryptionConfig: [{ Resources: ['secrets'], Provider: { KeyArn: Match.anyValue() } }],
      AccessConfig: { AuthenticationMode: 'API' },
      DeletionProtection: true,
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 365,
      LogGroupName: Match.stringLikeRegexp('^/aws/eks/.+/cluster$'),
    });
  });

  test('THEN the EBS CSI driver gets its role through Pod Identity; nodes boot encrypted with IMDSv2', () => {
    template.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'aws-ebs-csi-driver',
      PodIdentityAssociations: [{ ServiceAccount: 'ebs-csi-controller-sa', RoleArn: Match.anyValue() }],
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: {
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3' } }],
        MetadataOptions: { HttpTokens: 'required' },
      },
    });
    expect(eks.ebsStorageClassParameters).toMatchObject({ type: 'gp3', encrypted: 'true' });
    const cluster = Object.values(template.findResources('AWS::EKS::Cluster'))[0];
    expect(cluster.Metadata[HA_METADATA_KEY]).toMatchObject({ service: 'shop', component: 'HaEksCluster' });
  });
});

describe('HaEksCluster input', () => {
  test('GIVEN two zones for TIER_1 THEN an error naming the VPC', () => {
    expectValidationError(
      () => build({}, ZONES.slice(0, 2)),
      'vpc: subnets must span at least 3 zones for TIER_1, got: 2 (eu-west-1a, eu-west-1b)',
    );
  });

  test('GIVEN a maximum under the floor THEN an error naming maxNodes', () => {
    expectValidationError(
      () => build({ maxNodes: 8 }),
      'maxNodes must be at least 9 for TIER_1 (static stability: 3 per AZ × 3 AZs so that losing one AZ leaves ' +
        'requiredNodes 6), got: 8',
    );
  });
});
