/**
 * Benchmark (not a test): builds a CloudFormation template of 2,000 resources in 100 cells of 20
 * (subnets, NAT gateways and routes, a load balancer, target group and fleet, a database, a key,
 * a bucket, alarms, a policy, DNS records) and times graph + rules + report.
 *
 *   npx ts-node test/checks/benchmark.ts
 */
import { checkInputs } from '../../lib/checks/check';
import { ServiceTier } from '../../lib/core';
import { CfnResource, cfn } from './fixtures/builders';

function cell(i: number): Record<string, CfnResource> {
  const id = (name: string) => `${name}${i}`;
  const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
  return {
    ...Object.fromEntries(
      zones.map((z, n) => [id(`Subnet${n}`), { Type: 'AWS::EC2::Subnet', Properties: { AvailabilityZone: z } }]),
    ),
    [id('Nat')]: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: { Ref: id('Subnet0') } } },
    [id('Table')]: { Type: 'AWS::EC2::RouteTable' },
    [id('Assoc')]: {
      Type: 'AWS::EC2::SubnetRouteTableAssociation',
      Properties: { SubnetId: { Ref: id('Subnet0') }, RouteTableId: { Ref: id('Table') } },
    },
    [id('Route')]: {
      Type: 'AWS::EC2::Route',
      Properties: { RouteTableId: { Ref: id('Table') }, NatGatewayId: { Ref: id('Nat') } },
    },
    [id('Lb')]: {
      Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      Properties: { Subnets: zones.map((_, n) => ({ Ref: id(`Subnet${n}`) })) },
    },
    [id('Targets')]: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { Protocol: 'HTTP' } },
    [id('Fleet')]: {
      Type: 'AWS::AutoScaling::AutoScalingGroup',
      Properties: {
        MinSize: '6',
        MaxSize: '12',
        VPCZoneIdentifier: zones.map((_, n) => ({ Ref: id(`Subnet${n}`) })),
        TargetGroupARNs: [{ Ref: id('Targets') }],
        HealthCheckType: 'ELB',
      },
    },
    [id('Key')]: {
      Type: 'AWS::KMS::Key',
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    },
    [id('Database')]: {
      Type: 'AWS::RDS::DBCluster',
      Properties: {
        Engine: 'aurora-postgresql',
        StorageEncrypted: true,
        KmsKeyId: { Ref: id('Key') },
        DeletionProtection: true,
        BackupRetentionPeriod: 35,
      },
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    },
    [id('Writer')]: { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: id('Database') } } },
    [id('Reader')]: { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: id('Database') } } },
    [id('Bucket')]: {
      Type: 'AWS::S3::Bucket',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { Ref: id('Key') } } },
          ],
        },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    },
    [id('Logs')]: {
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [id('Key'), 'Arn'] } },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    },
    [id('Alarm')]: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'Topic' }] } },
    [id('Policy')]: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: ['s3:GetObject'], Resource: { 'Fn::Sub': `\${${id('Bucket')}.Arn}/*` } },
          ],
        },
      },
    },
    [id('Check')]: {
      Type: 'AWS::Route53::HealthCheck',
      Properties: { HealthCheckConfig: { Type: 'HTTPS', RequestInterval: 10, FailureThreshold: 3 } },
    },
    [id('Record')]: {
      Type: 'AWS::Route53::RecordSet',
      Properties: {
        Name: `api${i}.example.com.`,
        Region: 'us-east-1',
        SetIdentifier: `c${i}`,
        HealthCheckId: { Ref: id('Check') },
        AliasTarget: { DNSName: { 'Fn::GetAtt': [id('Lb'), 'DNSName'] }, HostedZoneId: 'Z' },
      },
    },
  };
}

const resources: Record<string, CfnResource> = {};
for (let i = 0; i < 100; i++) {
  Object.assign(resources, cell(i));
}
const inputs = cfn(resources, { tier: ServiceTier.TIER_1 });
const count = Object.keys(resources).length;
const times: number[] = [];
let findings = 0;
for (let run = 0; run < 7; run++) {
  const start = process.hrtime.bigint();
  findings = checkInputs(inputs).findings.length;
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
times.sort((a, b) => a - b);
console.log(
  `${count} resources, ${findings} findings: first run ${times[times.length - 1].toFixed(0)} ms (slowest), median ${times[3].toFixed(0)} ms, fastest ${times[0].toFixed(0)} ms`,
);
