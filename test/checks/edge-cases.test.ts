import { checkInputs } from '../../lib/checks/check';
import {
  BurnRateAlarms,
  CrossRegionReplica,
  CustomerManagedKeys,
  StaticallyStableCapacity,
  SyntheticProbes,
  TlsOnlyDataAccess,
} from '../../lib/checks/rules';
import { HA_METADATA_KEY, HaRole, ServiceTier } from '../../lib/core';
import { cfn, findings, record, tf } from './fixtures/builders';

const STANDBY = { '//': { [HA_METADATA_KEY]: record(ServiceTier.TIER_1, HaRole.STANDBY) } };

describe('what the library synthesizes', () => {
  test('GIVEN one Terraform stack with a standby provider alias THEN the service spans both regions, and the region RTO counts what starts the failover', () => {
    const inputs = {
      terraform: [
        {
          name: 'orders',
          json: {
            provider: { aws: [{ region: 'us-east-1' }, { region: 'us-west-2', alias: 'standby' }] },
            resource: tfBody(),
          },
        },
      ],
    };
    const [report] = checkInputs(inputs).services;
    // Both regions are seen; no runbook in the stack promotes or scales the standby, so the region RTO is not met.
    // The primary's parameter group holds the lag to 60 s (rds.global_db_rpo), as the library's GlobalDatabase renders it.
    expect(report).toMatchObject({
      regions: ['us-east-1', 'us-west-2'],
      regionRpoSeconds: 60,
      status: { regionRto: 'not-met', regionRpo: 'met' },
    });
    expect(report.derivation.map((s) => s.basis)).toContain(
      'nothing starts the promotion: no runbook in the templates performs it, so the standby region never takes over',
    );
    expect(findings(StaticallyStableCapacity, inputs)).toEqual([]);
  });

  test('GIVEN a bucket that receives load-balancer access logs THEN it needs neither a customer-managed key nor a replica', () => {
    const inputs = cfn(
      {
        Logs: {
          Type: 'AWS::S3::Bucket',
          Properties: {
            BucketEncryption: {
              ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
            },
          },
        },
        Lb: {
          Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
          Properties: {
            LoadBalancerAttributes: [
              { Key: 'access_logs.s3.enabled', Value: 'true' },
              { Key: 'access_logs.s3.bucket', Value: { Ref: 'Logs' } },
            ],
          },
        },
      },
      { tier: ServiceTier.TIER_1 },
    );
    expect(findings(CustomerManagedKeys, inputs)).toEqual([]);
    expect(findings(CrossRegionReplica, inputs)).toEqual([]);
  });

  test('GIVEN the target bucket of S3 server access logs THEN it needs no customer-managed key (S3 only delivers to SSE-S3 buckets)', () => {
    const inputs = cfn({
      AccessLogs: { Type: 'AWS::S3::Bucket', Properties: {} },
      Data: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          LoggingConfiguration: { DestinationBucketName: { Ref: 'AccessLogs' } },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              {
                ServerSideEncryptionByDefault: {
                  SSEAlgorithm: 'aws:kms',
                  KMSMasterKeyID: 'arn:aws:kms:us-east-1:111111111111:key/k',
                },
              },
            ],
          },
        },
      },
    });
    expect(findings(CustomerManagedKeys, inputs)).toEqual([]);
  });

  test('GIVEN a warm standby region that runs a fleet THEN it needs a probe of its own: DNS moves clients to it on failover', () => {
    const lb = { Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internal' } } };
    const inputs = {
      cloudFormation: [
        ...cfn(lb, { tier: ServiceTier.TIER_1, role: HaRole.STANDBY, name: 'Standby', region: 'us-west-2' })
          .cloudFormation!,
      ],
    };
    expect(findings(SyntheticProbes, inputs)).toEqual([
      expect.objectContaining({
        rule: 'HA-OBS3',
        stack: 'Standby',
        message: 'service shop has no synthetic probe in Standby: add a canary against its endpoint in this region',
      }),
    ]);
    // A pilot light's standby runs nothing to probe until the runbook scales it up.
    const pilot = {
      cloudFormation: [
        ...cfn(lb, { tier: ServiceTier.TIER_2, role: HaRole.STANDBY, name: 'Standby', region: 'us-west-2' })
          .cloudFormation!,
      ],
    };
    expect(findings(SyntheticProbes, pilot)).toEqual([]);
  });

  test('GIVEN an Aurora cluster that names itself with DBClusterIdentifier THEN it is a store: AZ RTO 30 s, and it needs a copy', () => {
    const inputs = cfn(
      {
        Cluster: {
          Type: 'AWS::RDS::DBCluster',
          Properties: { DBClusterIdentifier: 'orders-us-east-1', Engine: 'aurora-postgresql' },
        },
        Writer: { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'Cluster' } } },
        Reader: { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'Cluster' } } },
      },
      { tier: ServiceTier.TIER_1 },
    );
    expect(checkInputs(inputs).services[0]).toMatchObject({ azRtoSeconds: 30, azRpoSeconds: 0 });
    expect(findings(CrossRegionReplica, inputs).map((f) => f.resource)).toEqual(['Cluster']);
  });

  test.each([
    // Each region: ELB × EC2 multi-AZ × Aurora multi-AZ (0.9999 each) in series; the two regions in parallel.
    [true, 0.999999910018],
    // The one writer in series with both regions: (1 − (1 − 0.9999²)²) × 0.9999.
    [false, 0.999899960008],
  ])(
    'GIVEN TIER_0 active/active with an Aurora writer (global database: %s) THEN availability is %s',
    (global, expected) => {
      const region = (name: string, regionName: string) =>
        cfn(
          {
            ...Object.fromEntries(
              ['a', 'b', 'c'].map((z, i) => [
                `Subnet${i}`,
                { Type: 'AWS::EC2::Subnet', Properties: { AvailabilityZone: `${regionName}${z}` } },
              ]),
            ),
            Lb: {
              Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
              Properties: { Subnets: [0, 1, 2].map((i) => ({ Ref: `Subnet${i}` })) },
            },
            Fleet: {
              Type: 'AWS::AutoScaling::AutoScalingGroup',
              Properties: {
                MinSize: '6',
                MaxSize: '12',
                VPCZoneIdentifier: [0, 1, 2].map((i) => ({ Ref: `Subnet${i}` })),
              },
            },
            ...(name === 'East'
              ? {
                  Cluster: {
                    Type: 'AWS::RDS::DBCluster',
                    Properties: {
                      Engine: 'aurora-postgresql',
                      ...(global ? { GlobalClusterIdentifier: 'orders' } : {}),
                    },
                  },
                  Writer: { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'Cluster' } } },
                  Reader: { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'Cluster' } } },
                }
              : {}),
          },
          { tier: ServiceTier.TIER_0, name, region: regionName },
        );
      const inputs = {
        cloudFormation: [
          ...region('East', 'us-east-1').cloudFormation!,
          ...region('West', 'us-west-2').cloudFormation!,
        ],
      };
      expect(checkInputs(inputs).services[0].availability).toBe(expected);
    },
  );

  test('GIVEN the artifact bucket of a canary THEN it is operational evidence, not service data that needs a replica', () => {
    const inputs = cfn(
      {
        Artifacts: { Type: 'AWS::S3::Bucket' },
        Canary: {
          Type: 'AWS::Synthetics::Canary',
          Properties: { ArtifactS3Location: { 'Fn::Join': ['', ['s3://', { Ref: 'Artifacts' }]] } },
        },
      },
      { tier: ServiceTier.TIER_1 },
    );
    expect(findings(CrossRegionReplica, inputs)).toEqual([]);
  });

  test('GIVEN burn-rate composites that notify through a Page composite THEN they count as paging alerts', () => {
    const burn = (name: string) => ({
      alarm_rule: `ALARM("\${aws_cloudwatch_metric_alarm.${name}_long.alarm_name}") AND ALARM("\${aws_cloudwatch_metric_alarm.${name}_short.alarm_name}")`,
    });
    const inputs = tf(
      {
        aws_lb: { web: { internal: true } },
        aws_cloudwatch_composite_alarm: {
          burn1h: burn('burn1h'),
          burn6h: burn('burn6h'),
          page: {
            alarm_rule:
              'ALARM("${aws_cloudwatch_composite_alarm.burn1h.alarm_name}") OR ALARM("${aws_cloudwatch_composite_alarm.burn6h.alarm_name}")',
            alarm_actions: ['${aws_sns_topic.page.arn}'],
          },
        },
      },
      { tier: ServiceTier.TIER_1 },
    );
    expect(findings(BurnRateAlarms, inputs)).toEqual([]);
  });

  test('GIVEN a bucket policy rendered by jsonencode with interpolations inside THEN it is still read', () => {
    const policy = JSON.stringify({
      Statement: [
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: '${aws_s3_bucket.data.arn}/*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
    expect(
      findings(
        TlsOnlyDataAccess,
        tf({
          aws_s3_bucket: { data: {} },
          aws_s3_bucket_policy: { p: { bucket: '${aws_s3_bucket.data.id}', policy } },
        }),
      ),
    ).toEqual([]);
  });

  test('GIVEN a Google global load balancer over two regions THEN the region RTO is its health check, with no DNS TTL', () => {
    const inputs = tf(
      {
        google_compute_region_instance_group_manager: {
          // 6 over 3 zones for a peak of 4: a zone's loss leaves the peak, so the health check is the AZ RTO.
          a: {
            region: 'us-central1',
            distribution_policy_zones: ['us-central1-a', 'us-central1-b', 'us-central1-c'],
            target_size: 6,
            '//': { [HA_METADATA_KEY]: { ...record(ServiceTier.TIER_0), requiredCapacity: 4 } },
          },
          b: {
            region: 'us-east1',
            distribution_policy_zones: ['us-east1-b', 'us-east1-c', 'us-east1-d'],
            target_size: 6,
            '//': { [HA_METADATA_KEY]: { ...record(ServiceTier.TIER_0), requiredCapacity: 4 } },
          },
        },
        google_compute_health_check: { hc: { check_interval_sec: 10, timeout_sec: 5, unhealthy_threshold: 3 } },
        google_compute_backend_service: {
          web: {
            health_checks: ['${google_compute_health_check.hc.id}'],
            backend: [
              { group: '${google_compute_region_instance_group_manager.a.instance_group}' },
              { group: '${google_compute_region_instance_group_manager.b.instance_group}' },
            ],
          },
        },
      },
      { tier: ServiceTier.TIER_0 },
    );
    const [report] = checkInputs(inputs).services;
    expect(report).toMatchObject({
      regions: ['us-central1', 'us-east1'],
      regionRtoSeconds: 35,
      azRtoSeconds: 35,
      status: { regionRto: 'met', azRto: 'not-met' },
    });
  });
});

function tfBody() {
  const subnets = (prefix: string, region: string, provider?: string) =>
    Object.fromEntries(
      ['a', 'b', 'c'].map((z) => [
        `${prefix}_${z}`,
        { availability_zone: `${region}${z}`, ...(provider ? { provider, ...STANDBY } : {}) },
      ]),
    );
  const refs = (prefix: string) => ['a', 'b', 'c'].map((z) => `\${aws_subnet.${prefix}_${z}.id}`);
  const primary = { '//': { [HA_METADATA_KEY]: record(ServiceTier.TIER_1, HaRole.PRIMARY) } };
  return {
    aws_subnet: { ...subnets('p', 'us-east-1'), ...subnets('s', 'us-west-2', 'aws.standby') },
    aws_autoscaling_group: {
      primary: { ...primary, min_size: 6, max_size: 12, vpc_zone_identifier: refs('p') },
      standby: {
        ...STANDBY,
        provider: 'aws.standby',
        min_size: 3,
        max_size: 12,
        default_instance_warmup: 300,
        vpc_zone_identifier: refs('s'),
      },
    },
    aws_rds_global_cluster: { g: { ...primary, global_cluster_identifier: 'orders' } },
    aws_rds_cluster: {
      primary: {
        ...primary,
        engine: 'aurora-postgresql',
        global_cluster_identifier: '${aws_rds_global_cluster.g.id}',
        db_cluster_parameter_group_name: '${aws_rds_cluster_parameter_group.pg.name}',
      },
      secondary: {
        ...STANDBY,
        provider: 'aws.standby',
        engine: 'aurora-postgresql',
        global_cluster_identifier: '${aws_rds_global_cluster.g.id}',
      },
    },
    aws_rds_cluster_parameter_group: {
      pg: {
        ...primary,
        family: 'aurora-postgresql16',
        parameter: [
          { name: 'rds.force_ssl', value: '1' },
          { name: 'rds.global_db_rpo', value: '60' },
        ],
      },
    },
    aws_rds_cluster_instance: {
      p1: { ...primary, cluster_identifier: '${aws_rds_cluster.primary.id}' },
      p2: { ...primary, cluster_identifier: '${aws_rds_cluster.primary.id}' },
      s1: { ...STANDBY, provider: 'aws.standby', cluster_identifier: '${aws_rds_cluster.secondary.id}' },
      s2: { ...STANDBY, provider: 'aws.standby', cluster_identifier: '${aws_rds_cluster.secondary.id}' },
    },
    aws_route53_health_check: { hc: { ...primary, type: 'HTTPS', request_interval: 10, failure_threshold: 3 } },
    aws_route53_record: {
      primary: {
        ...primary,
        name: 'api',
        failover_routing_policy: { type: 'PRIMARY' },
        health_check_id: '${aws_route53_health_check.hc.id}',
        alias: { name: 'lb', zone_id: 'Z', evaluate_target_health: true },
      },
      standby: {
        ...primary,
        name: 'api',
        failover_routing_policy: { type: 'SECONDARY' },
        alias: { name: 'lb2', zone_id: 'Z', evaluate_target_health: true },
      },
    },
  };
}
