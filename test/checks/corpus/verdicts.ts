/*
 * What an AWS or Google SRE reviewing each corpus input would say, judged once from the templates
 * alone, before ha-report ran on them and before any rule changed. corpus.test.ts scores today's
 * findings against these verdicts; change a verdict only when the judgement itself was wrong.
 */

/** A real availability or recovery weakness that a reviewer should flag. */
export interface Weakness {
  /** Stable id, used in the pinned figures. */
  readonly id: string;
  /** Where a reviewer would point: found when `rule` flags at least one of them. */
  readonly resources: readonly string[];
  /** Why it matters, in one line. */
  readonly why: string;
  /** The rule of RULES.md that should catch it, or null when no rule covers it yet. */
  readonly rule: string | null;
}

/** A finding that must NOT be reported: a known false-positive trap. */
export interface Trap {
  readonly id: string;
  /** The resources it must not be reported on. */
  readonly resources: readonly string[];
  /** The rule that must not fire there, or '*' for any rule (a resource a Condition excludes). */
  readonly rule: string;
  /** Why the finding would be wrong, in one line. */
  readonly why: string;
}

/** One corpus input and its verdict. */
export interface Verdict {
  /** Input name: the stack of a synthesized app, or a file under inputs/. */
  readonly input: string;
  /** Where the input comes from. */
  readonly source: string;
  /** The region it is deployed to, where the template alone does not say (a plain CloudFormation file). */
  readonly region?: string;
  readonly weaknesses: readonly Weakness[];
  readonly mustNotFlag: readonly Trap[];
}

const FARGATE_OPENSEARCH_ALARMS = [
  'testconstructStatusRedAlarmFBEA96DF',
  'testconstructStatusYellowAlarm3B8C3640',
  'testconstructFreeStorageSpaceTooLowAlarm08294658',
  'testconstructIndexWritesBlockedTooHighAlarm06094A18',
  'testconstructAutomatedSnapshotFailureTooHighAlarm29E550A3',
  'testconstructCPUUtilizationTooHighAlarmD32179B7',
  'testconstructJVMMemoryPressureTooHighAlarmFD4175A0',
  'testconstructMasterCPUUtilizationTooHighAlarmAA50D0A7',
  'testconstructMasterJVMMemoryPressureTooHighAlarm5AE37D64',
];

const LAMBDA_OPENSEARCH_ALARMS = [
  'sampleStatusRedAlarmF7BCDD4B',
  'sampleStatusYellowAlarmDCF684DA',
  'sampleFreeStorageSpaceTooLowAlarm0F14089E',
  'sampleIndexWritesBlockedTooHighAlarm2BFF8C85',
  'sampleAutomatedSnapshotFailureTooHighAlarmBC78E1E7',
  'sampleCPUUtilizationTooHighAlarm6A1BE82F',
  'sampleJVMMemoryPressureTooHighAlarmFF40928D',
  'sampleMasterCPUUtilizationTooHighAlarmA8AD4CFF',
  'sampleMasterJVMMemoryPressureTooHighAlarmE04AF68F',
];

const NAT_PER_ZONE = "one NAT gateway per zone, each private route table uses its own zone's";

export const VERDICTS: readonly Verdict[] = [
  {
    input: 'solutions-fargate-opensearch',
    source: '@aws-solutions-constructs/aws-fargate-opensearch 2.104.0, README example (new VPC, public API)',
    weaknesses: [
      {
        id: 'fargate-opensearch/domain-deleted-with-stack',
        resources: ['testconstructOpenSearchDomainD2A5B104'],
        why: 'The OpenSearch domain has no DeletionPolicy: a stack deletion or a replacing update deletes its indices.',
        rule: 'HA-DEL1',
      },
      {
        id: 'fargate-opensearch/alarms-notify-nobody',
        resources: FARGATE_OPENSEARCH_ALARMS,
        why: 'The red-cluster, blocked-writes and snapshot-failure alarms have no action: nobody is told.',
        rule: 'HA-OBS2',
      },
    ],
    mustNotFlag: [
      {
        id: 'fargate-opensearch/nat-per-zone',
        resources: [
          'VpcPrivateSubnet1DefaultRouteBE02A9ED',
          'VpcPrivateSubnet2DefaultRoute060D2087',
          'VpcPublicSubnet1NATGateway4D7517AA',
          'VpcPublicSubnet2NATGateway9182C01D',
        ],
        rule: 'HA-NET1',
        why: NAT_PER_ZONE,
      },
      {
        id: 'fargate-opensearch/service-in-two-zones',
        resources: ['testconstructserviceService13074A8F'],
        rule: 'HA-AZ1',
        why: 'two tasks over the private subnets of two zones',
      },
      {
        id: 'fargate-opensearch/scoped-es-http-grant',
        resources: ['testconstructCognitoAuthorizedRole7BA83790'],
        rule: 'HA-IAM1',
        why: 'es:ESHttp* on one domain is the documented data-plane grant, not a service wildcard',
      },
      {
        id: 'fargate-opensearch/ecr-token-on-star',
        resources: ['testconstructtaskdefExecutionRoleDefaultPolicy5F290E6C'],
        rule: 'HA-IAM1',
        why: 'ecr:GetAuthorizationToken supports no resource but *; the actions are named one by one',
      },
    ],
  },
  {
    input: 'solutions-lambda-opensearch',
    source: '@aws-solutions-constructs/aws-lambda-elasticsearch-kibana 2.104.0, README example',
    weaknesses: [
      {
        id: 'lambda-opensearch/domain-deleted-with-stack',
        resources: ['sampleElasticsearchDomain5E34BDAE'],
        why: 'The search domain has no DeletionPolicy: a stack deletion or a replacing update deletes its indices.',
        rule: 'HA-DEL1',
      },
      {
        id: 'lambda-opensearch/alarms-notify-nobody',
        resources: LAMBDA_OPENSEARCH_ALARMS,
        why: 'The red-cluster, blocked-writes and snapshot-failure alarms have no action: nobody is told.',
        rule: 'HA-OBS2',
      },
    ],
    mustNotFlag: [
      {
        id: 'lambda-opensearch/xray-on-star',
        resources: ['sampleLambdaFunctionServiceRoleDefaultPolicy2638F4B5'],
        rule: 'HA-IAM1',
        why: "X-Ray's PutTraceSegments has no resource-level permissions; the actions are named",
      },
      {
        id: 'lambda-opensearch/scoped-es-http-grant',
        resources: ['sampleCognitoAuthorizedRoleB2A22704'],
        rule: 'HA-IAM1',
        why: 'es:ESHttp* on one domain is the documented data-plane grant, not a service wildcard',
      },
    ],
  },
  {
    input: 'solutions-apigateway-lambda-waf',
    source: '@aws-solutions-constructs/aws-apigateway-lambda + aws-wafwebacl-apigateway 2.104.0, the WAF README',
    weaknesses: [
      {
        id: 'apigateway-lambda/unthrottled-stage',
        resources: ['ApiGatewayToLambdaPatternLambdaRestApiDeploymentStageprodFDEB8074'],
        why:
          "No stage throttling nor rate-based WAF rule: one client's retry storm takes the account's " +
          'Lambda concurrency.',
        rule: 'HA-WAF1',
      },
    ],
    mustNotFlag: [
      {
        id: 'apigateway-lambda/xray-on-star',
        resources: ['ApiGatewayToLambdaPatternLambdaFunctionServiceRoleDefaultPolicy253751F2'],
        rule: 'HA-IAM1',
        why: "X-Ray's PutTraceSegments has no resource-level permissions; the actions are named",
      },
    ],
  },
  {
    input: 'solutions-cloudfront-s3-waf',
    source: '@aws-solutions-constructs/aws-cloudfront-s3 + aws-wafwebacl-cloudfront 2.104.0, the WAF README example',
    weaknesses: [],
    mustNotFlag: [
      {
        id: 'cloudfront-s3/buckets-deny-plain-http',
        resources: [
          'testcloudfronts3S3BucketE0C5F76E',
          'testcloudfronts3S3LoggingBucket90D239DD',
          'testcloudfronts3CloudfrontLoggingBucket985C0FE8',
          'testcloudfronts3CloudfrontLoggingBucketAccessLog2E738D58',
        ],
        rule: 'HA-TLS1',
        why: 'every bucket policy denies aws:SecureTransport false',
      },
      {
        id: 'cloudfront-s3/access-log-buckets-sse-s3',
        resources: [
          'testcloudfronts3S3LoggingBucket90D239DD',
          'testcloudfronts3CloudfrontLoggingBucketAccessLog2E738D58',
        ],
        rule: 'HA-ENC1',
        why: "they receive S3 server access logs, which only support S3-managed keys (the rule's own exemption)",
      },
      {
        id: 'cloudfront-s3/buckets-retained',
        resources: ['testcloudfronts3S3BucketE0C5F76E'],
        rule: 'HA-DEL1',
        why: 'DeletionPolicy and UpdateReplacePolicy are Retain',
      },
    ],
  },
  {
    input: 'solutions-sqs-lambda',
    source: '@aws-solutions-constructs/aws-sqs-lambda 2.104.0, README example',
    weaknesses: [
      {
        id: 'sqs-lambda/dead-letters-expire-unseen',
        // HA-QUE1 names the queue whose dead letters they are.
        resources: ['SqsToLambdaPatternqueuedlq3140B2C3', 'SqsToLambdaPatternqueue72F5D8AF'],
        why:
          'The dead-letter queue keeps messages the default 4 days, and no alarm watches it: failed ' +
          'work expires unseen.',
        rule: 'HA-QUE1',
      },
    ],
    mustNotFlag: [
      {
        id: 'sqs-lambda/tls-deny-is-not-a-grant',
        resources: ['SqsToLambdaPatternqueuePolicy92A849E8', 'SqsToLambdaPatternqueuedlqPolicy2DB294C6'],
        rule: 'HA-IAM1',
        why: 'the SQS:* statement is a Deny enforcing TLS on a queue policy, not an identity grant',
      },
    ],
  },
  {
    input: 'ecs-alb-fargate',
    source: 'aws-cdk-lib/aws-ecs-patterns ApplicationLoadBalancedFargateService as documented, in a new two-zone VPC',
    weaknesses: [
      {
        id: 'alb-fargate/one-task',
        resources: ['MyFargateServiceF490C034'],
        why:
          "DesiredCount is omitted, so ECS runs one task in one zone: its restart or its zone's loss " +
          'empties the targets.',
        rule: 'HA-AZ1',
      },
    ],
    mustNotFlag: [
      {
        id: 'alb-fargate/nat-per-zone',
        resources: [
          'MyVpcPrivateSubnet1DefaultRouteA8CDE2FA',
          'MyVpcPrivateSubnet2DefaultRoute9CE96294',
          'MyVpcPublicSubnet1NATGatewayAD3400C1',
          'MyVpcPublicSubnet2NATGateway91BFBEC9',
        ],
        rule: 'HA-NET1',
        why: NAT_PER_ZONE,
      },
      {
        id: 'alb-fargate/alb-in-two-zones',
        resources: ['MyFargateServiceLBDE830E97'],
        rule: 'HA-AZ2',
        why: 'the load balancer has the public subnets of two zones',
      },
    ],
  },
  {
    input: 'ecs-route53-alb-ec2',
    source: 'aws-cdk-lib/aws-ecs-patterns ApplicationLoadBalancedEc2Service with a Route 53 name, addCapacity defaults',
    weaknesses: [
      {
        id: 'route53-alb-ec2/one-instance',
        resources: ['ClusterDefaultAutoScalingGroupASG0F98E147'],
        why:
          'The cluster is one instance (MinSize = MaxSize = 1): both tasks share it and its zone; its ' +
          'loss is an outage.',
        rule: 'HA-CAP1',
      },
      {
        id: 'route53-alb-ec2/launch-configuration',
        resources: ['ClusterDefaultAutoScalingGroupLaunchConfig81EA5466'],
        why: 'Accounts created since October 2024 cannot create launch configurations: no rebuild in a new account.',
        rule: null,
      },
    ],
    mustNotFlag: [
      {
        id: 'route53-alb-ec2/container-instances-on-ec2-checks',
        resources: ['ClusterDefaultAutoScalingGroupASG0F98E147'],
        rule: 'HA-LB2',
        why:
          'ECS container instances keep EC2 health checks (ECS replaces failing tasks); ELB checks ' +
          'kill hosts for one task',
      },
      {
        id: 'route53-alb-ec2/simple-alias',
        resources: ['ServiceDNS57754DD9'],
        rule: 'HA-DNS1',
        why: 'a simple alias record routes nothing between regions; there is nothing to health-check',
      },
      {
        id: 'route53-alb-ec2/nat-per-zone',
        resources: [
          'VpcPrivateSubnet1DefaultRouteBE02A9ED',
          'VpcPrivateSubnet2DefaultRoute060D2087',
          'VpcPublicSubnet1NATGateway4D7517AA',
          'VpcPublicSubnet2NATGateway9182C01D',
        ],
        rule: 'HA-NET1',
        why: NAT_PER_ZONE,
      },
      {
        id: 'route53-alb-ec2/alb-in-two-zones',
        resources: ['ServiceLBE9A1ADBC'],
        rule: 'HA-AZ2',
        why: 'the load balancer has the public subnets of two zones',
      },
    ],
  },
  {
    input: 'ecs-nlb-fargate',
    source: 'aws-cdk-lib/aws-ecs-patterns NetworkLoadBalancedFargateService on the default VPC the pattern creates',
    weaknesses: [
      {
        id: 'nlb-fargate/cross-zone-off',
        resources: ['NlbServiceLBECE27320', 'NlbServiceLBPublicListenerECSGroupE74BF2F7'],
        why:
          'Cross-zone is off (the NLB default), one task per zone: while a task is replaced its ' +
          "zone's node has no target.",
        rule: 'HA-LB3',
      },
    ],
    mustNotFlag: [
      {
        id: 'nlb-fargate/service-in-two-zones',
        resources: ['NlbService96919876'],
        rule: 'HA-AZ1',
        why: 'two tasks over the private subnets of two zones',
      },
      {
        id: 'nlb-fargate/nlb-in-two-zones',
        resources: ['NlbServiceLBECE27320'],
        rule: 'HA-AZ2',
        why: 'the load balancer has the public subnets of two zones',
      },
      {
        id: 'nlb-fargate/nat-per-zone',
        resources: [
          'EcsDefaultClusterMnL3mNNYNVpcPrivateSubnet1DefaultRouteA5ADF694',
          'EcsDefaultClusterMnL3mNNYNVpcPrivateSubnet2DefaultRoute20CE2D89',
          'EcsDefaultClusterMnL3mNNYNVpcPublicSubnet1NATGateway5E3732C1',
          'EcsDefaultClusterMnL3mNNYNVpcPublicSubnet2NATGateway4C855E00',
        ],
        rule: 'HA-NET1',
        why: NAT_PER_ZONE,
      },
    ],
  },
  {
    input: 'cfn-web-tier',
    source: 'inputs/cfn-web-tier.yaml: YAML with short-form intrinsics, parameter defaults, mappings and conditions',
    region: 'eu-west-1',
    weaknesses: [
      {
        id: 'web-tier/min-one-behind-alb',
        resources: ['WebServerGroup'],
        why:
          'MinSize 1 behind the load balancer: scaled in, one instance in one zone serves all, and its ' +
          'loss is an outage.',
        rule: 'HA-CAP1',
      },
    ],
    mustNotFlag: [
      {
        id: 'web-tier/max-from-parameter',
        resources: ['WebServerGroup'],
        rule: 'HA-SCL1',
        why: 'MaxSize is !Ref MaxParam, whose default is 6',
      },
      {
        id: 'web-tier/multi-az-from-parameter',
        resources: ['Database'],
        rule: 'HA-DB1',
        why: 'MultiAZ is !Ref MultiAZ, whose default is "true"',
      },
      {
        id: 'web-tier/backups-from-condition',
        resources: ['Database'],
        rule: 'HA-BAK1',
        why: 'BackupRetentionPeriod is !If [IsProduction, 14, 1] and Environment defaults to production',
      },
      {
        id: 'web-tier/deletion-protection-from-condition',
        resources: ['Database'],
        rule: 'HA-DEL2',
        why: 'DeletionProtection is !If [IsProduction, true, false] and Environment defaults to production',
      },
      {
        id: 'web-tier/elb-checks-from-condition',
        resources: ['WebServerGroup'],
        rule: 'HA-LB2',
        why: 'HealthCheckType is !If [IsProduction, ELB, EC2]: ELB in production',
      },
      {
        id: 'web-tier/legacy-database-not-created',
        resources: ['LegacyReportsDatabase'],
        rule: '*',
        why: 'its Condition IsLegacyRegion is false in eu-west-1: CloudFormation does not create it',
      },
      {
        id: 'web-tier/default-key-policy',
        resources: ['DatabaseKey'],
        rule: 'HA-IAM1',
        why: "kms:* for the account root is AWS's default key policy, which delegates to IAM; not an identity grant",
      },
      {
        id: 'web-tier/nat-per-zone',
        resources: ['PrivateRoute1', 'PrivateRoute2', 'PrivateRoute3', 'NatGateway1', 'NatGateway2', 'NatGateway3'],
        rule: 'HA-NET1',
        why: NAT_PER_ZONE,
      },
      {
        id: 'web-tier/http-redirects',
        resources: ['HttpListener'],
        rule: 'HA-TLS2',
        why: 'the HTTP listener only redirects to HTTPS',
      },
    ],
  },
  {
    input: 'cfn-asg-one-subnet',
    source: 'inputs/cfn-asg-one-subnet.json: an internal ALB over two zones, its Auto Scaling group in one subnet',
    region: 'us-east-2',
    weaknesses: [
      {
        id: 'asg-one-subnet/fleet-in-one-zone',
        resources: ['AppServerGroup'],
        why: 'VPCZoneIdentifier lists only us-east-2a: the whole fleet goes down with that zone.',
        rule: 'HA-AZ1',
      },
    ],
    mustNotFlag: [
      {
        id: 'asg-one-subnet/alb-in-two-zones',
        resources: ['LoadBalancer'],
        rule: 'HA-AZ2',
        why: 'the load balancer has subnets in us-east-2a and us-east-2b',
      },
      {
        id: 'asg-one-subnet/elb-checks',
        resources: ['AppServerGroup'],
        rule: 'HA-LB2',
        why: 'HealthCheckType is ELB',
      },
    ],
  },
  {
    input: 'cfn-aurora-backup-1-day',
    source: 'inputs/cfn-aurora-backup-1-day.json: Aurora PostgreSQL, a writer and a reader, 1 day of backups',
    region: 'eu-west-1',
    weaknesses: [
      {
        id: 'aurora/backups-kept-1-day',
        resources: ['DBCluster'],
        why: 'BackupRetentionPeriod 1: a bad write or a dropped table noticed after a day cannot be restored.',
        rule: 'HA-BAK1',
      },
    ],
    mustNotFlag: [
      {
        id: 'aurora/two-instances',
        resources: ['DBCluster', 'DBInstanceWriter', 'DBInstanceReader'],
        rule: 'HA-DB1',
        why: 'a writer and a reader, neither pinned to a zone: Aurora fails over to the reader',
      },
      {
        id: 'aurora/members-follow-the-cluster',
        resources: ['DBInstanceWriter', 'DBInstanceReader'],
        rule: 'HA-DEL1',
        why: 'an Aurora member holds no data of its own; the cluster has DeletionPolicy Snapshot',
      },
      {
        id: 'aurora/members-encrypted-by-the-cluster',
        resources: ['DBInstanceWriter', 'DBInstanceReader'],
        rule: 'HA-ENC1',
        why: "cluster members are encrypted with the cluster's key; they take no key of their own",
      },
      {
        id: 'aurora/default-key-policy',
        resources: ['ClusterKey'],
        rule: 'HA-IAM1',
        why: "kms:* for the account root is AWS's default key policy, not an identity grant",
      },
    ],
  },
  {
    input: 'cfn-shared-nat',
    source: 'inputs/cfn-shared-nat.json: a three-zone VPC whose private subnets share one NAT gateway',
    region: 'us-east-1',
    weaknesses: [
      {
        id: 'shared-nat/one-nat-three-zones',
        resources: [
          'DefaultPrivateRoute',
          'NatGateway',
          'PrivateRouteTable',
          'PrivateSubnetBRouteTableAssociation',
          'PrivateSubnetCRouteTableAssociation',
        ],
        why:
          "The private subnets of three zones route through one NAT gateway: its zone's loss cuts " +
          'egress everywhere.',
        rule: 'HA-NET1',
      },
    ],
    mustNotFlag: [],
  },
  {
    input: 'cfn-kms-default-policy',
    source: "inputs/cfn-kms-default-policy.json: a customer managed key with AWS's default key policy",
    region: 'eu-west-1',
    weaknesses: [],
    mustNotFlag: [
      {
        id: 'kms/default-key-policy',
        resources: ['PaymentsKey'],
        rule: 'HA-IAM1',
        why: "kms:* for the account root is AWS's default key policy, which delegates to IAM; not an identity grant",
      },
      {
        id: 'kms/rotation-on',
        resources: ['PaymentsKey'],
        rule: 'HA-KMS1',
        why: 'EnableKeyRotation is true',
      },
      {
        id: 'kms/key-retained',
        resources: ['PaymentsKey'],
        rule: 'HA-DEL1',
        why: 'DeletionPolicy and UpdateReplacePolicy are Retain',
      },
    ],
  },
  {
    input: 'cfn-cell-nlb',
    source:
      'inputs/cfn-cell-nlb.json: one zonal cell of a cell-based design (NLB and fleet in one zone, a ' +
      'stack per zone)',
    region: 'eu-west-1',
    weaknesses: [],
    mustNotFlag: [
      {
        id: 'cell-nlb/cross-zone-off-by-design',
        resources: ['CellLoadBalancer', 'CellTargetGroup'],
        rule: 'HA-LB3',
        why: "cross-zone would send the cell's traffic out of its zone and break the cell's isolation",
      },
      {
        id: 'cell-nlb/zonal-load-balancer-by-design',
        resources: ['CellLoadBalancer'],
        rule: 'HA-AZ2',
        why: 'a zonal cell has one zone by design; the cell router spreads customers over the cells of other zones',
      },
      {
        id: 'cell-nlb/zonal-fleet-by-design',
        resources: ['CellFleet'],
        rule: 'HA-AZ1',
        why: 'a zonal cell has one zone by design; the cell router spreads customers over the cells of other zones',
      },
    ],
  },
  {
    input: 'cfn-read-replica',
    source: 'inputs/cfn-read-replica.json: a Multi-AZ MySQL primary and a same-region read replica',
    region: 'eu-west-1',
    weaknesses: [],
    mustNotFlag: [
      {
        id: 'read-replica/key-of-the-source',
        resources: ['ReportingReplica'],
        rule: 'HA-ENC1',
        why: "a same-region replica is encrypted with its source's key; it cannot take a key of its own",
      },
      {
        id: 'read-replica/backups-on-the-primary',
        resources: ['ReportingReplica'],
        rule: 'HA-BAK1',
        why: 'the primary keeps 14 days of backups; a reporting replica holds no data of its own to back up',
      },
      {
        id: 'read-replica/replica-deletable',
        resources: ['ReportingReplica'],
        rule: 'HA-DEL1',
        why: 'deleting a replica loses no data (and CloudFormation cannot snapshot one)',
      },
      {
        id: 'read-replica/replica-unprotected',
        resources: ['ReportingReplica'],
        rule: 'HA-DEL2',
        why: 'deleting a replica loses no data; the primary has deletion protection',
      },
      {
        id: 'read-replica/default-key-policy',
        resources: ['DatabaseKey'],
        rule: 'HA-IAM1',
        why: "kms:* for the account root is AWS's default key policy, not an identity grant",
      },
    ],
  },
  {
    input: 'tf-array-form',
    source: 'inputs/tf-array-form.tf.json: Terraform JSON in the array form HCL-to-JSON converters write',
    weaknesses: [
      {
        id: 'array-form/database-single-az',
        resources: ['aws_db_instance.payments'],
        why: 'multi_az = false: the payments database goes down with its zone and comes back by restore.',
        rule: 'HA-DB1',
      },
    ],
    mustNotFlag: [
      {
        id: 'array-form/fleet-in-two-zones',
        resources: ['aws_autoscaling_group.payments'],
        rule: 'HA-AZ1',
        why: 'the group has subnets in eu-central-1a and eu-central-1b',
      },
      {
        id: 'array-form/alb-in-two-zones',
        resources: ['aws_lb.payments'],
        rule: 'HA-AZ2',
        why: 'the load balancer has subnets in eu-central-1a and eu-central-1b',
      },
      {
        id: 'array-form/database-prevent-destroy',
        resources: ['aws_db_instance.payments'],
        rule: 'HA-DEL1',
        why: 'lifecycle (an array of one block) sets prevent_destroy, and a final snapshot is kept',
      },
    ],
  },
  {
    input: 'tf-plan-module-db',
    source: 'inputs/tf-plan-module-db.json: terraform show -json of a plan whose child module holds the database',
    weaknesses: [
      {
        id: 'plan/module-database-single-az',
        resources: ['module.orders_db.aws_db_instance.this'],
        why: 'multi_az = false: the orders database goes down with its zone and comes back by restore.',
        rule: 'HA-DB1',
      },
      {
        id: 'plan/module-database-backups-1-day',
        resources: ['module.orders_db.aws_db_instance.this'],
        why: 'backup_retention_period = 1: a bad write noticed after a day cannot be restored.',
        rule: 'HA-BAK1',
      },
      {
        id: 'plan/module-database-no-final-snapshot',
        resources: ['module.orders_db.aws_db_instance.this'],
        why: 'skip_final_snapshot = true: a destroy or a replacing change deletes the data with no snapshot.',
        rule: 'HA-DEL1',
      },
      {
        id: 'plan/module-database-unprotected',
        resources: ['module.orders_db.aws_db_instance.this'],
        why: 'deletion_protection = false: one API call or console click deletes the database.',
        rule: 'HA-DEL2',
      },
    ],
    mustNotFlag: [
      {
        id: 'plan/postgres-16-forces-ssl',
        resources: ['module.orders_db.aws_db_instance.this'],
        rule: 'HA-TLS1',
        why: 'RDS for PostgreSQL 15 and later defaults rds.force_ssl to 1 in its default parameter group',
      },
      {
        id: 'plan/alarm-action-known-after-apply',
        resources: ['aws_cloudwatch_metric_alarm.db_cpu'],
        rule: 'HA-OBS2',
        why: "alarm_actions is the SNS topic's ARN, known after apply (the configuration shows the reference)",
      },
    ],
  },
  {
    input: 'tf-google-zonal-mig',
    source: 'inputs/tf-google-zonal-mig.tf.json: a zonal managed instance group behind a global HTTPS load balancer',
    weaknesses: [
      {
        id: 'google-mig/zonal-group',
        resources: ['google_compute_instance_group_manager.web'],
        why: "A zonal MIG keeps all three instances in us-central1-a: that zone's loss takes the storefront down.",
        rule: 'HA-AZ1',
      },
    ],
    mustNotFlag: [
      {
        id: 'google-mig/autohealing',
        resources: ['google_compute_instance_group_manager.web'],
        rule: 'HA-LB2',
        why: 'auto_healing_policies names the HTTP health check',
      },
      {
        id: 'google-mig/backend-health-check',
        resources: ['google_compute_backend_service.web'],
        rule: 'HA-LB1',
        why: 'the backend service names the health check',
      },
    ],
  },
];
