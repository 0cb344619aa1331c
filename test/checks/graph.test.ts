import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MultiAzNetwork } from '../../lib/aws/network';
import { buildGraph } from '../../lib/checks/graph/load';
import { ServiceIndex } from '../../lib/checks/services';
import { HaRole, ServiceTier } from '../../lib/core';
import { testApp } from '../util';
import { cfn, record, tf } from './fixtures/builders';

describe('CloudFormation graph', () => {
  test('GIVEN Ref, GetAtt (both forms) and Sub THEN each becomes an edge to the named resource, not to pseudo parameters', () => {
    const graph = buildGraph(
      cfn({
        Vpc: { Type: 'AWS::EC2::VPC' },
        Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, AvailabilityZone: 'us-east-1a' } },
        Key: { Type: 'AWS::KMS::Key' },
        Logs: { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
        Other: { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: { 'Fn::GetAtt': 'Key.Arn' } } },
        Policy: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            Resource: {
              'Fn::Sub': ['arn:${AWS::Partition}:logs:${AWS::Region}:${Logs}:${Name}', { Name: { Ref: 'Vpc' } }],
            },
          },
        },
      }),
    );
    expect(graph.get('App/Subnet')!.references).toEqual(['App/Vpc']);
    expect(graph.get('App/Logs')!.references).toEqual(['App/Key']);
    expect(graph.get('App/Other')!.references).toEqual(['App/Key']);
    expect([...graph.get('App/Policy')!.references].sort()).toEqual(['App/Logs', 'App/Vpc']);
    expect(graph.referrersOf(graph.get('App/Key')!).map((r) => r.address)).toEqual(['Logs', 'Other']);
  });

  test('GIVEN resource entries that are not objects THEN they are skipped, as the Terraform reader skips them', () => {
    const graph = buildGraph({
      cloudFormation: [
        { name: 'App', template: { Resources: { Gone: null, Number: 5, Topic: { Type: 'AWS::SNS::Topic' } } } },
      ],
    });
    expect(graph.resources.map((r) => r.address)).toEqual(['Topic']);
  });

  test('GIVEN an export consumed by Fn::ImportValue in another stack THEN the edge crosses stacks', () => {
    const graph = buildGraph({
      cloudFormation: [
        {
          name: 'Producer',
          template: {
            Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
            Outputs: { Out: { Value: { Ref: 'Topic' }, Export: { Name: 'Producer:TopicArn' } } },
          },
        },
        {
          name: 'Consumer',
          template: {
            Resources: {
              Alarm: {
                Type: 'AWS::CloudWatch::Alarm',
                Properties: { AlarmActions: [{ 'Fn::ImportValue': 'Producer:TopicArn' }] },
              },
            },
          },
        },
      ],
    });
    expect(graph.get('Consumer/Alarm')!.references).toEqual(['Producer/Topic']);
  });

  test('GIVEN a nested stack THEN its resources are read as stack Parent/Id and its parameters and outputs resolve', () => {
    const nested = {
      Parameters: { TopicArn: { Type: 'String' } },
      Resources: {
        Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'TopicArn' }] } },
        Bucket: { Type: 'AWS::S3::Bucket' },
      },
      Outputs: { BucketName: { Value: { Ref: 'Bucket' } } },
    };
    const graph = buildGraph({
      cloudFormation: [
        {
          name: 'Parent',
          region: 'eu-west-1',
          readNested: (asset) => (asset === 'Child.nested.template.json' ? nested : {}),
          template: {
            Resources: {
              Topic: { Type: 'AWS::SNS::Topic' },
              Child: {
                Type: 'AWS::CloudFormation::Stack',
                Metadata: { 'aws:asset:path': 'Child.nested.template.json' },
                Properties: { Parameters: { TopicArn: { Ref: 'Topic' } } },
              },
              Policy: {
                Type: 'AWS::S3::BucketPolicy',
                Properties: { Bucket: { 'Fn::GetAtt': ['Child', 'Outputs.BucketName'] } },
              },
            },
          },
        },
      ],
    });
    expect(graph.get('Parent/Child/Alarm')!.references).toEqual(['Parent/Topic']);
    expect(graph.get('Parent/Policy')!.references).toEqual(['Parent/Child/Bucket']);
    expect(graph.get('Parent/Child/Bucket')!.region).toBe('eu-west-1');
  });

  test('GIVEN a MultiAzNetwork synthesized by CDK THEN every resource has the record and subnets point at the VPC', () => {
    const stack = new Stack(testApp(), 'Net', { env: { region: 'us-east-1' } });
    new MultiAzNetwork(stack, 'Network', {
      tier: ServiceTier.TIER_1,
      service: 'shop',
      availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    });
    const graph = buildGraph({
      cloudFormation: [{ name: 'Net', region: 'us-east-1', template: Template.fromStack(stack).toJSON() }],
    });
    const subnets = graph.ofType('AWS::EC2::Subnet');
    expect(subnets).toHaveLength(9);
    expect(subnets.every((s) => s.ha?.service === 'shop' && s.ha.tier === 'TIER_1' && s.ha.source === 'metadata')).toBe(
      true,
    );
    expect(graph.referencedBy(subnets[0], 'AWS::EC2::VPC')).toHaveLength(1);
    expect(graph.ofType('AWS::EC2::NatGateway').map((n) => graph.referencedBy(n, 'AWS::EC2::Subnet').length)).toEqual([
      1, 1, 1,
    ]);
  });
});

describe('Terraform graph', () => {
  test('GIVEN interpolations THEN edges go to managed resources and data sources, not to variables or locals', () => {
    const graph = buildGraph(
      tf(
        {
          aws_vpc: { main: { cidr_block: '10.0.0.0/16' } },
          aws_subnet: {
            a: { vpc_id: '${aws_vpc.main.id}', availability_zone: 'us-east-1a', cidr_block: '${var.cidr}' },
          },
          aws_iam_policy: { p: { policy: '${data.aws_iam_policy_document.doc.json}' } },
        },
        { data: { aws_iam_policy_document: { doc: { statement: [{ actions: ['s3:GetObject'] }] } } } },
      ),
    );
    expect(graph.get('app/aws_subnet.a')!.references).toEqual(['app/aws_vpc.main']);
    expect(graph.get('app/aws_iam_policy.p')!.references).toEqual(['app/data.aws_iam_policy_document.doc']);
    expect(graph.get('app/data.aws_iam_policy_document.doc')!.isData).toBe(true);
  });

  test("GIVEN aliased providers THEN each resource takes its provider's region; a Google zone or location wins", () => {
    const graph = buildGraph({
      terraform: [
        {
          name: 'multi',
          json: {
            provider: {
              aws: [{ region: 'us-east-1' }, { region: 'us-west-2', alias: 'west' }],
              google: [{ region: 'europe-west1' }],
            },
            resource: {
              aws_s3_bucket: { east: {}, west: { provider: 'aws.west' } },
              google_sql_database_instance: { db: { region: 'europe-west4' } },
              google_compute_instance: { vm: { zone: 'europe-west2-b' } },
              google_storage_bucket: { multi: { location: 'EU' } },
            },
          },
        },
      ],
    });
    expect(graph.get('multi/aws_s3_bucket.east')!.region).toBe('us-east-1');
    expect(graph.get('multi/aws_s3_bucket.west')!.region).toBe('us-west-2');
    expect(graph.get('multi/google_sql_database_instance.db')!.region).toBe('europe-west4');
    expect(graph.get('multi/google_compute_instance.vm')!.region).toBe('europe-west2');
    expect(graph.get('multi/google_storage_bucket.multi')!.region).toBe('europe-west1');
  });

  test('GIVEN the record in the // block, ha:* tags or ha-* labels THEN each is read; lifecycle as object or list alike', () => {
    const graph = buildGraph(
      tf({
        aws_s3_bucket: {
          full: {
            '//': { 'ha-constructs': record(ServiceTier.TIER_0, HaRole.STANDBY) },
            lifecycle: { prevent_destroy: true },
          },
          tagged: {
            tags: { 'ha:service': 'shop', 'ha:tier': 'TIER_2', 'ha:role': 'replica' },
            lifecycle: [{ prevent_destroy: true }],
          },
        },
        google_storage_bucket: {
          labelled: { labels: { 'ha-service': 'shop', 'ha-tier': 'tier_3', 'ha-strategy': 'backup_restore' } },
        },
      }),
    );
    expect(graph.get('app/aws_s3_bucket.full')!.ha).toMatchObject({
      tier: 'TIER_0',
      role: 'standby',
      source: 'metadata',
    });
    expect(graph.get('app/aws_s3_bucket.tagged')!.ha).toMatchObject({
      tier: 'TIER_2',
      role: 'replica',
      source: 'tags',
      objectives: ServiceTier.TIER_2.toObjectives(),
    });
    expect(graph.get('app/google_storage_bucket.labelled')!.ha).toMatchObject({
      tier: 'TIER_3',
      strategy: 'BACKUP_RESTORE',
      source: 'labels',
    });
    expect(graph.get('app/aws_s3_bucket.full')!.preventDestroy).toBe(true);
    expect(graph.get('app/aws_s3_bucket.tagged')!.preventDestroy).toBe(true);
  });
});

describe('ServiceIndex', () => {
  test('GIVEN one service in a stack THEN resources without a record inherit it; with two services they do not', () => {
    const one = buildGraph(
      cfn({
        Tagged: { Type: 'AWS::SNS::Topic', Metadata: { 'ha-constructs': record() } },
        Plain: { Type: 'AWS::SNS::Topic', Metadata: {} },
      }),
    );
    expect(new ServiceIndex(one).recordOf(one.get('App/Plain')!)?.service).toBe('shop');
    const two = buildGraph(
      cfn({
        A: { Type: 'AWS::SNS::Topic', Metadata: { 'ha-constructs': record(ServiceTier.TIER_1, HaRole.PRIMARY, 'a') } },
        B: { Type: 'AWS::SNS::Topic', Metadata: { 'ha-constructs': record(ServiceTier.TIER_1, HaRole.PRIMARY, 'b') } },
        Plain: { Type: 'AWS::SNS::Topic', Metadata: {} },
      }),
    );
    const index = new ServiceIndex(two);
    expect(index.recordOf(two.get('App/Plain')!)).toBeUndefined();
    expect(index.services()).toEqual(['a', 'b']);
  });
});
