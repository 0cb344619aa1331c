import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { HaEksCluster } from '../../lib/aws/eks-cluster';
import { ServiceTier } from '../../lib/core';
import { HaEksCluster as TfHaEksCluster } from '../../lib/tf/aws/eks-cluster';
import { testApp } from '../util';

/**
 * HaEksCluster on CDK (native AWS::EKS resources) and on Terraform, from one intent: the same node
 * groups per zone with the same sizes and update limit, the same zonal shift, Secrets encryption,
 * control-plane logs, endpoint access, deletion protection, launch template and add-ons.
 */

const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

interface EksValues {
  readonly groups: { min: number; desired: number; max: number; maxUnavailable: number; amiType: string }[];
  readonly zonalShift: boolean;
  readonly logTypes: string[];
  readonly privateAccess: boolean;
  readonly publicAccess: boolean;
  readonly encrypted: string[];
  readonly authenticationMode: string;
  readonly deletionProtection: boolean;
  readonly addons: string[];
  readonly httpTokens: string;
}

function cdkValues(tier: ServiceTier, requiredNodes: number): EksValues {
  const stack = new Stack(testApp(), 'Shop', { env: { account: '111122223333', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ZONES.slice(0, 3), natGateways: 3 });
  new HaEksCluster(stack, 'Cluster', { tier, version: '1.33', vpc, requiredNodes });
  const t = Template.fromStack(stack);
  const cluster = Object.values(t.findResources('AWS::EKS::Cluster'))[0].Properties;
  const template = Object.values(t.findResources('AWS::EC2::LaunchTemplate'))[0].Properties;
  return {
    groups: Object.values(t.findResources('AWS::EKS::Nodegroup')).map(({ Properties: p }) => ({
      min: p.ScalingConfig.MinSize,
      desired: p.ScalingConfig.DesiredSize,
      max: p.ScalingConfig.MaxSize,
      maxUnavailable: p.UpdateConfig.MaxUnavailable,
      amiType: p.AmiType,
    })),
    zonalShift: cluster.ZonalShiftConfig.Enabled,
    logTypes: cluster.Logging.ClusterLogging.EnabledTypes.map((e: { Type: string }) => e.Type),
    privateAccess: cluster.ResourcesVpcConfig.EndpointPrivateAccess,
    publicAccess: cluster.ResourcesVpcConfig.EndpointPublicAccess,
    encrypted: cluster.EncryptionConfig[0].Resources,
    authenticationMode: cluster.AccessConfig.AuthenticationMode,
    deletionProtection: cluster.DeletionProtection,
    addons: Object.values(t.findResources('AWS::EKS::Addon'))
      .map((a) => a.Properties.AddonName as string)
      .sort(),
    httpTokens: template.LaunchTemplateData.MetadataOptions.HttpTokens,
  };
}

function tfValues(tier: ServiceTier, requiredNodes: number): EksValues {
  const stack = new TerraformStack(new App(), 'shop');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  new TfHaEksCluster(stack, 'Cluster', {
    tier,
    version: '1.33',
    subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
    availabilityZones: ZONES,
    requiredNodes,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const json = JSON.parse(JSON.stringify(stack.toTerraform())) as { resource: Record<string, Record<string, any>> };
  const [cluster] = Object.values(json.resource.aws_eks_cluster);
  const [template] = Object.values(json.resource.aws_launch_template);
  return {
    groups: Object.values(json.resource.aws_eks_node_group).map((g) => ({
      min: g.scaling_config.min_size,
      desired: g.scaling_config.desired_size,
      max: g.scaling_config.max_size,
      maxUnavailable: g.update_config.max_unavailable,
      amiType: g.ami_type,
    })),
    zonalShift: cluster.zonal_shift_config.enabled,
    logTypes: cluster.enabled_cluster_log_types,
    privateAccess: cluster.vpc_config.endpoint_private_access,
    publicAccess: cluster.vpc_config.endpoint_public_access,
    encrypted: cluster.encryption_config.resources,
    authenticationMode: cluster.access_config.authentication_mode,
    deletionProtection: cluster.deletion_protection,
    addons: Object.values(json.resource.aws_eks_addon)
      .map((a) => a.addon_name as string)
      .sort(),
    httpTokens: template.metadata_options.http_tokens,
  };
}

describe('HaEksCluster twins', () => {
  test.each(ServiceTier.BUILT_IN.flatMap((tier) => [1, 5, 12].map((required) => [tier.name, required, tier] as const)))(
    'GIVEN %s and %i required nodes THEN both engines render the same cluster',
    (_, required, tier) => {
      const cdk = cdkValues(tier, required);
      expect(cdk.groups).toHaveLength(3);
      expect(tfValues(tier, required)).toEqual(cdk);
    },
  );
});
