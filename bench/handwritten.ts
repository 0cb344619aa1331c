import { App, ArnFormat, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/**
 * The same service as `addLibraryService` (bench/library.ts), written directly with aws-cdk-lib
 * by a careful user who wants exactly that configuration: the same template, resource for
 * resource and property for property (`npx ts-node bench/compare-templates.ts` proves it), except
 * for what only the library writes, its HA record in each resource's Metadata and its `ha:*` tags
 * (the library's bookkeeping, whose cost the benchmark charges to the library). Nothing here comes
 * from lib/: the numbers the library derives from the tier (TIER_3: 99.5 % over 30 days, AZ RTO
 * 15 min) are typed in as literals, each with what it is.
 *
 * Construct ids follow the library's (`Network`, `Fleet`, `Database`, `Dns`, `Slo` as plain
 * constructs), so that names made from construct paths (descriptions, name tags, the cluster
 * identifier, the WAF metric names) read the same.
 *
 * Differences left: none in the template. The `ha:*` tags left out include the cluster's
 * `ha:backup` tag, which a `BackupPolicy` of the library selects by (there is none here). Not
 * reproduced either, because they are not in the template: the library's cdk-nag
 * acknowledgements (`Validations.of(...).acknowledge`), which live in the construct tree.
 */

/** Where the service lives: one region, two named AZs, a zone given by id (the same as bench/library.ts). */
const REGION = 'us-east-1';
const ZONES = ['us-east-1a', 'us-east-1b'];
const HOSTED_ZONE = { hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com' };

/** Days logs (flow logs, WAF logs, PostgreSQL log, access logs) are kept: a year, at every tier. */
const LOG_RETENTION_DAYS = 365;
/** The shallow check, whose failure replaces an instance: the target group's (and the WAF rate limit's exemption). */
const LIVENESS_PATH = '/health/live';
/** The deep check, whose failure moves traffic away from a region: Route 53's. */
const READINESS_PATH = '/health/ready';
/** The SLO: 99.5 % availability over 30 days, so an error budget of 0.5 %. */
const SLO = 0.995;
/** The SRE workbook's fastest page alert for a 30-day SLO: 14.4× burn over 1 h and 5 min (threshold 14.4 × 0.5 % = 7.2 %). */
const FAST_BURN = { rate: 14.4, longSeconds: 3600, shortSeconds: 300, thresholdPercent: 7.2 };

/**
 * A customer-managed key: yearly rotation, the longest deletion window, retained on delete, and
 * grants only for AWS resources (AWS Control Tower's CT.KMS.PR.3 statement: `kms:CreateGrant`
 * denied unless an AWS service asks, or the grant is for an AWS resource).
 */
function newKey(scope: Construct, id: string, description: string): kms.Key {
  const key = new kms.Key(scope, id, {
    description,
    enableKeyRotation: true,
    pendingWindow: Duration.days(30),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyGrantsNotForAwsResources',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }),
  );
  return key;
}

/** Lets CloudWatch Logs of this region use `key` for log groups of this account (a key-policy grant). */
function allowCloudWatchLogs(key: kms.Key): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsOfThisAccount',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:DescribeKey',
      ],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
}

/** A log group encrypted with `key`, kept LOG_RETENTION_DAYS, retained and protected from deletion. */
function newLogGroup(scope: Construct, id: string, key: kms.IKey, logGroupName?: string): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    logGroupName,
    encryptionKey: key,
    retention: logs.RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtectionEnabled: true,
  });
}

/** An alarm topic encrypted with a key of its own that this account's CloudWatch alarms may use, TLS only. */
function newAlarmTopic(
  scope: Construct,
  id: string,
  displayName: string,
  ...keyStatements: iam.PolicyStatement[]
): sns.Topic {
  const key = newKey(scope, `${id}Key`, `Encrypts the ${displayName} topic`);
  const fromThisAccount = { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } };
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: fromThisAccount,
    }),
  );
  const topic = new sns.Topic(scope, id, { displayName, masterKey: key, enforceSSL: true });
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsOfThisAccount',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: fromThisAccount,
    }),
  );
  for (const statement of keyStatements) key.addToResourcePolicy(statement);
  return topic;
}

/** Sends an alarm's ALARM and OK transitions to `topic`. */
function notify(alarm: cloudwatch.AlarmBase, topic: sns.ITopic): void {
  const action = new actions.SnsAction(topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
}

export function addHandwrittenService(app: App, index: number): Stack {
  const service = `svc${index}`;
  const stack = new Stack(app, `Handwritten${index}`, { env: { region: REGION } });
  const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', HOSTED_ZONE);

  // ---- Network: two AZs, a NAT gateway per AZ, encrypted flow logs, S3 and DynamoDB endpoints ----
  const network = new Construct(stack, 'Network');
  const vpc = new ec2.Vpc(network, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    availabilityZones: ZONES,
    natGateways: 2,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
    restrictDefaultSecurityGroup: true,
    enableDnsHostnames: true,
    enableDnsSupport: true,
  });
  const flowLogKey = newKey(network, 'FlowLogKey', `Encrypts the VPC flow logs of ${network.node.path}`);
  allowCloudWatchLogs(flowLogKey);
  const flowLogs = newLogGroup(network, 'FlowLogs', flowLogKey);
  vpc.addFlowLog('FlowLog', {
    destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
    trafficType: ec2.FlowLogTrafficType.ALL,
  });
  vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3 });
  vpc.addGatewayEndpoint('DynamoDbEndpoint', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });

  // ---- Fleet: Auto Scaling group behind an HTTPS load balancer, WAF, CodeDeploy one AZ at a time ----
  const certificate = new acm.Certificate(stack, 'Certificate', {
    domainName: `${service}.${HOSTED_ZONE.zoneName}`,
    validation: acm.CertificateValidation.fromDns(zone),
  });
  const fleet = new Construct(stack, 'Fleet');
  // Auto Scaling launches instances and publishes notifications through its service-linked role,
  // named by aws:PrincipalArn (a key policy may not name a principal that does not exist yet).
  const autoScalingRoleArn = stack.formatArn({
    service: 'iam',
    region: '',
    resource: 'role',
    resourceName: 'aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
  });
  const fleetTopic = newAlarmTopic(
    fleet,
    'AlarmTopic',
    `alarms of ${fleet.node.path}`,
    new iam.PolicyStatement({
      sid: 'AllowAutoScalingNotifications',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { ArnEquals: { 'aws:PrincipalArn': autoScalingRoleArn } },
    }),
  );
  const wafLogKey = newKey(fleet, 'LogKey', `Encrypts the WAF logs of ${fleet.node.path}`);
  allowCloudWatchLogs(wafLogKey);
  const volumeKey = newKey(fleet, 'VolumeKey', `Encrypts the root volumes of ${fleet.node.path}`);
  volumeKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowAutoScalingServiceLinkedRoleUse',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: { ArnEquals: { 'aws:PrincipalArn': autoScalingRoleArn } },
    }),
  );
  volumeKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowAutoScalingServiceLinkedRoleGrants',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: {
        ArnEquals: { 'aws:PrincipalArn': autoScalingRoleArn },
        Bool: { 'kms:GrantIsForAWSResource': 'true' },
      },
    }),
  );

  const instanceRole = new iam.Role(fleet, 'InstanceRole', {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    description: `Instances of ${fleet.node.path}`,
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
  });
  const instanceSecurityGroup = new ec2.SecurityGroup(fleet, 'InstanceSecurityGroup', {
    vpc,
    description: `Instances of ${fleet.node.path}: HTTP from the load balancer only`,
    allowAllOutbound: true,
  });
  const placementGroup = new ec2.PlacementGroup(fleet, 'PlacementGroup', {
    strategy: ec2.PlacementGroupStrategy.SPREAD,
    spreadLevel: ec2.PlacementGroupSpreadLevel.RACK,
  });
  const userData = ec2.UserData.forLinux();
  const launchTemplate = new ec2.LaunchTemplate(fleet, 'LaunchTemplate', {
    machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    instanceType: new ec2.InstanceType('m7g.large'),
    userData,
    role: instanceRole,
    securityGroup: instanceSecurityGroup,
    requireImdsv2: true,
    httpTokens: ec2.LaunchTemplateHttpTokens.REQUIRED,
    httpPutResponseHopLimit: 1,
    associatePublicIpAddress: false,
    detailedMonitoring: true,
    placementGroup,
    blockDevices: [
      {
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(30, {
          volumeType: ec2.EbsDeviceVolumeType.GP3,
          encrypted: true,
          kmsKey: volumeKey,
          deleteOnTermination: true,
        }),
      },
    ],
  });
  const gracePeriod = Duration.minutes(5);
  const signalTimeout = Duration.minutes(15);
  const asg = new autoscaling.AutoScalingGroup(fleet, 'AutoScalingGroup', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    mixedInstancesPolicy: {
      launchTemplate,
      launchTemplateOverrides: [{ instanceType: new ec2.InstanceType('m7g.large') }],
      instancesDistribution: {
        onDemandPercentageAboveBaseCapacity: 100,
        onDemandAllocationStrategy: autoscaling.OnDemandAllocationStrategy.PRIORITIZED,
      },
    },
    // 2 instances: the required capacity, at least one per AZ (TIER_3 is not statically stable).
    minCapacity: 2,
    maxCapacity: 6,
    capacityRebalance: true,
    healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
      additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
      gracePeriod,
    }),
    defaultInstanceWarmup: gracePeriod,
    groupMetrics: [autoscaling.GroupMetrics.all()],
    notifications: [{ topic: fleetTopic }],
    // One AZ's worth (1 instance) at a time, keeping the other AZ's 1 in service.
    updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
      maxBatchSize: 1,
      minInstancesInService: 1,
      waitOnResourceSignals: true,
      pauseTime: signalTimeout,
    }),
    signals: autoscaling.Signals.waitForCount(2, { timeout: signalTimeout }),
  });
  // The group's zones, listed as well as its subnets (the L2 sets only VPCZoneIdentifier).
  (asg.node.defaultChild as autoscaling.CfnAutoScalingGroup).availabilityZones = ZONES;
  // ARC may shift the group with its load balancer: no launches into an impaired AZ; TIER_3 replaces unhealthy ones.
  (asg.node.defaultChild as autoscaling.CfnAutoScalingGroup).availabilityZoneImpairmentPolicy = {
    zonalShiftEnabled: true,
    impairedZoneHealthCheckBehavior: 'ReplaceUnhealthy',
  };
  instanceRole.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['cloudformation:SignalResource'], resources: [stack.stackId] }),
  );

  const loadBalancer = new elbv2.ApplicationLoadBalancer(fleet, 'LoadBalancer', {
    vpc,
    internetFacing: true,
    vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    dropInvalidHeaderFields: true,
    deletionProtection: true,
  });
  loadBalancer.setAttribute('zonal_shift.config.enabled', 'true');
  // ALB access logs: SSE-S3 is the only encryption Elastic Load Balancing delivers to.
  const accessLogs = new s3.Bucket(fleet, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    versioned: true,
    objectLockEnabled: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [
      {
        id: 'Lifecycle',
        abortIncompleteMultipartUploadAfter: Duration.days(7),
        noncurrentVersionExpiration: Duration.days(30),
        expiration: Duration.days(LOG_RETENTION_DAYS),
      },
    ],
  });
  // EventBridge notifications set on the bucket itself (the L2's eventBridgeEnabled adds a custom resource).
  (accessLogs.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
    eventBridgeConfiguration: { eventBridgeEnabled: true },
  };
  loadBalancer.logAccessLogs(accessLogs, 'access');
  const targetGroup = new elbv2.ApplicationTargetGroup(fleet, 'TargetGroup', {
    vpc,
    port: 8080,
    protocol: elbv2.ApplicationProtocol.HTTP,
    targets: [asg],
    crossZoneEnabled: true,
    // Drain for the load balancer's 60 s idle timeout: a request silent for longer fails anyway.
    deregistrationDelay: Duration.seconds(60),
    // Less traffic to an instance whose errors stand out (automatic target weights).
    loadBalancingAlgorithmType: elbv2.TargetGroupLoadBalancingAlgorithmType.WEIGHTED_RANDOM,
    enableAnomalyMitigation: true,
    // Every 30 s, 5 s timeout, 3 failures: a failed AZ leaves rotation within 95 s, under half of TIER_3's 15-min AZ RTO.
    healthCheck: {
      path: LIVENESS_PATH,
      interval: Duration.seconds(30),
      timeout: Duration.seconds(5),
      unhealthyThresholdCount: 3,
      healthyThresholdCount: 3,
      healthyHttpCodes: '200',
    },
  });
  loadBalancer.addListener('Listener', {
    port: 443,
    protocol: elbv2.ApplicationProtocol.HTTPS,
    certificates: [certificate],
    sslPolicy: elbv2.SslPolicy.TLS13_12_RES_PQ,
    defaultTargetGroups: [targetGroup],
    open: true,
  });
  loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443, open: true });

  const shortPeriod = Duration.seconds(FAST_BURN.shortSeconds);
  const errorAlarm = new cloudwatch.Alarm(fleet, 'ErrorAlarm', {
    alarmDescription: `Share of requests to ${fleet.node.path} answered 5xx over 5 min burns TIER_3's error budget ${FAST_BURN.rate}× too fast`,
    metric: new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)',
      usingMetrics: {
        requests: loadBalancer.metrics.requestCount({ period: shortPeriod }),
        elb5xx: loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: shortPeriod }),
        target5xx: loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: shortPeriod }),
      },
      period: shortPeriod,
      label: '5xx share of requests (%)',
    }),
    threshold: FAST_BURN.thresholdPercent,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  notify(errorAlarm, fleetTopic);
  asg.scaleOnCpuUtilization('CpuTracking', { targetUtilizationPercent: 50 });

  // WAF: a per-IP rate limit (health checks exempt), then the AWS common and known-bad-inputs rules.
  const metricPrefix = Names.uniqueResourceName(fleet, { maxLength: 100, separator: '-' });
  const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
    cloudWatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName: `${metricPrefix}-${name}`,
  });
  const managedRules = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
    visibilityConfig: visibility(name),
  });
  const webAcl = new wafv2.CfnWebACL(fleet, 'WebAcl', {
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    description: `Rate limit and managed rules in front of ${fleet.node.path}`,
    visibilityConfig: visibility('WebAcl'),
    rules: [
      {
        name: 'RateLimitPerIp',
        priority: 0,
        action: { block: {} },
        statement: {
          rateBasedStatement: {
            limit: 2000,
            aggregateKeyType: 'IP',
            evaluationWindowSec: 300,
            scopeDownStatement: {
              notStatement: {
                statement: {
                  byteMatchStatement: {
                    fieldToMatch: { uriPath: {} },
                    positionalConstraint: 'EXACTLY',
                    searchString: LIVENESS_PATH,
                    textTransformations: [{ priority: 0, type: 'NONE' }],
                  },
                },
              },
            },
          },
        },
        visibilityConfig: visibility('RateLimitPerIp'),
      },
      managedRules('AWSManagedRulesCommonRuleSet', 1),
      managedRules('AWSManagedRulesKnownBadInputsRuleSet', 2),
    ],
  });
  new wafv2.CfnWebACLAssociation(fleet, 'WebAclAssociation', {
    resourceArn: loadBalancer.loadBalancerArn,
    webAclArn: webAcl.attrArn,
  });
  // WAF delivers only to log groups named aws-waf-logs-*, given by ARN without the trailing ':*'.
  const wafLogs = newLogGroup(
    fleet,
    'WebAclLogs',
    wafLogKey,
    `aws-waf-logs-${Names.uniqueResourceName(fleet, { maxLength: 400, separator: '-' })}`,
  );
  const wafLogging = new wafv2.CfnLoggingConfiguration(fleet, 'WebAclLogging', {
    resourceArn: webAcl.attrArn,
    logDestinationConfigs: [
      stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: wafLogs.logGroupName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    ],
  });
  wafLogging.node.addDependency(wafLogs);

  // CodeDeploy: one AZ at a time (50 % of 2 AZs healthy), the first AZ bakes 1 h, the next 5 min.
  const application = new codedeploy.ServerApplication(fleet, 'Application');
  const deploymentConfig = new codedeploy.ServerDeploymentConfig(fleet, 'DeploymentConfig', {
    minimumHealthyHosts: codedeploy.MinimumHealthyHosts.percentage(50),
    zonalConfig: {
      firstZoneMonitorDuration: Duration.seconds(FAST_BURN.longSeconds),
      monitorDuration: shortPeriod,
      minimumHealthyHostsPerZone: codedeploy.MinimumHealthyHostsPerZone.percentage(50),
    },
  });
  const deploymentGroup = new codedeploy.ServerDeploymentGroup(fleet, 'DeploymentGroup', {
    application,
    deploymentConfig,
    autoScalingGroups: [asg],
    loadBalancers: [codedeploy.LoadBalancer.application(targetGroup)],
    // aws-cdk-lib's agent installer runs `yum update -y` and installs `aws-cli`, which Amazon Linux
    // 2023 does not have: the user data below installs the agent instead.
    installAgent: false,
    alarms: [errorAlarm],
    autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
  });
  // The agent installer comes from the region's AWS-owned CodeDeploy bucket (what installAgent would grant).
  s3.Bucket.fromBucketName(fleet, 'CodeDeployAgentBucket', `aws-codedeploy-${REGION}`).grantRead(
    instanceRole,
    'latest/*',
  );
  // Instance bootstrap on Amazon Linux 2023: on exit, whatever the exit code, the signal the group's
  // creation and rolling updates wait for (cfn-signal, or the AWS CLI if the package install failed);
  // before that, fail fast, install cfn-signal, the CLI and Ruby, then the CodeDeploy agent.
  const asgLogicalId = stack.getLogicalId(asg.node.defaultChild as autoscaling.CfnAutoScalingGroup);
  const signalTarget = `--stack ${stack.stackName} --resource ${asgLogicalId} --region ${REGION}`;
  userData.addOnExitCommands(
    'set +e',
    'if [ -x /opt/aws/bin/cfn-signal ]; then',
    `/opt/aws/bin/cfn-signal ${signalTarget} -e $exitCode || echo 'Failed to send CloudFormation signal'`,
    'else',
    'if [ $exitCode -eq 0 ]; then signalStatus=SUCCESS; else signalStatus=FAILURE; fi',
    `aws cloudformation signal-resource --stack-name ${stack.stackName} --logical-resource-id ${asgLogicalId} ` +
      `--region ${REGION} --unique-id "$(cat /var/lib/cloud/data/instance-id)" --status $signalStatus ` +
      "|| echo 'Failed to send CloudFormation signal'",
    'fi',
  );
  userData.addCommands(
    'set -euo pipefail',
    'dnf install -y aws-cfn-bootstrap awscli-2 ruby',
    'CODEDEPLOY_INSTALLER_DIR=$(mktemp -d)',
    `aws s3 cp s3://aws-codedeploy-${REGION}/latest/install "$CODEDEPLOY_INSTALLER_DIR/install" --region ${REGION}`,
    'chmod +x "$CODEDEPLOY_INSTALLER_DIR/install"',
    `AWS_REGION=${REGION} "$CODEDEPLOY_INSTALLER_DIR/install" auto`,
    'rm -rf "$CODEDEPLOY_INSTALLER_DIR"',
  );
  // CodeDeploy launches replacement instances from the group's launch template.
  deploymentGroup.role!.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [instanceRole.roleArn] }),
  );
  deploymentGroup.role!.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['ec2:RunInstances', 'ec2:CreateTags'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
    }),
  );
  // A change calendar (open by default) that the deploy runbook checks before it deploys.
  const changeCalendar = new ssm.CfnDocument(fleet, 'ChangeCalendar', {
    documentType: 'ChangeCalendar',
    documentFormat: 'TEXT',
    content: {},
    updateMethod: 'NewVersion',
  });
  // The L1 types Content as an object; a ChangeCalendar's is iCalendar text, so it goes in as an override.
  changeCalendar.addPropertyOverride(
    'Content',
    [
      'BEGIN:VCALENDAR',
      'PRODID:-//AWS//Change Calendar 1.0//EN',
      'VERSION:2.0',
      'X-CALENDAR-TYPE:DEFAULT_OPEN',
      `X-WR-CALDESC:Deployment freezes of ${fleet.node.path}`,
      'END:VCALENDAR',
      '',
    ].join('\r\n'),
  );
  const calendarArn = stack.formatArn({ service: 'ssm', resource: 'document', resourceName: changeCalendar.ref });
  const deployRole = new iam.Role(fleet, 'DeployRole', {
    assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
    description: `Runs the deploy runbook of ${fleet.node.path}: checks the change calendar, then starts a CodeDeploy deployment`,
  });
  deployRole.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['ssm:GetCalendarState'], resources: [calendarArn] }),
  );
  deployRole.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['codedeploy:CreateDeployment'],
      resources: [deploymentGroup.deploymentGroupArn],
    }),
  );
  deployRole.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['codedeploy:GetDeploymentConfig'],
      resources: [deploymentConfig.deploymentConfigArn],
    }),
  );
  deployRole.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['codedeploy:GetApplicationRevision', 'codedeploy:RegisterApplicationRevision'],
      resources: [
        stack.formatArn({
          service: 'codedeploy',
          resource: 'application',
          resourceName: application.applicationName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    }),
  );
  new ssm.CfnDocument(fleet, 'DeployRunbook', {
    documentType: 'Automation',
    documentFormat: 'JSON',
    updateMethod: 'NewVersion',
    content: {
      schemaVersion: '0.3',
      description: `Deploys an application revision from S3 to ${fleet.node.path}, one AZ at a time, unless its change calendar is closed.`,
      assumeRole: '{{ AutomationAssumeRole }}',
      parameters: {
        AutomationAssumeRole: { type: 'String', default: deployRole.roleArn, description: 'Role the runbook runs as.' },
        S3Bucket: { type: 'String', description: 'Bucket that holds the revision bundle.' },
        S3Key: { type: 'String', description: 'Key of the revision bundle.' },
        BundleType: {
          type: 'String',
          default: 'zip',
          allowedValues: ['zip', 'tar', 'tgz'],
          description: 'Format of the bundle.',
        },
      },
      mainSteps: [
        {
          name: 'RequireOpenChangeCalendar',
          action: 'aws:assertAwsResourceProperty',
          inputs: {
            Service: 'ssm',
            Api: 'GetCalendarState',
            CalendarNames: [calendarArn],
            PropertySelector: '$.State',
            DesiredValues: ['OPEN'],
          },
        },
        {
          name: 'CreateDeployment',
          action: 'aws:executeAwsApi',
          inputs: {
            Service: 'codedeploy',
            Api: 'CreateDeployment',
            applicationName: application.applicationName,
            deploymentGroupName: deploymentGroup.deploymentGroupName,
            revision: {
              revisionType: 'S3',
              s3Location: { bucket: '{{ S3Bucket }}', key: '{{ S3Key }}', bundleType: '{{ BundleType }}' },
            },
          },
          outputs: [{ Name: 'DeploymentId', Selector: '$.deploymentId', Type: 'String' }],
        },
      ],
    },
  });

  // ---- Database: Aurora PostgreSQL, a writer and a reader in the two AZs, rotated credentials ----
  const database = new Construct(stack, 'Database');
  const databaseKey = newKey(
    database,
    'Key',
    `Encrypts the database ${database.node.path}: storage, Performance Insights and logs`,
  );
  allowCloudWatchLogs(databaseKey);
  // The rotation function calls Secrets Manager: it runs in the private subnets, which have egress.
  const hostedRotation = secretsmanager.HostedRotation.postgreSqlSingleUser({
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
  });
  const secretKey = newKey(database, 'CredentialsKey', `Encrypts the secret ${database.node.path}/Credentials`);
  const secret = new secretsmanager.Secret(database, 'Credentials', {
    description: `Master credentials of the database ${database.node.path}`,
    encryptionKey: secretKey,
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ username: 'postgres' }),
      generateStringKey: 'password',
      // What PostgreSQL connection strings, shells and the RDS API treat specially.
      excludeCharacters: ' %+~`#$&*()|[]{}:;<>?!\'/@"\\',
      passwordLength: 30,
    },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const rotation = secret.addRotationSchedule('RotationSchedule', {
    hostedRotation,
    automaticallyAfter: Duration.days(30),
  });
  const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_8 });
  const parameterGroup = new rds.ParameterGroup(database, 'ParameterGroup', {
    engine,
    description: 'TLS required for every connection (rds.force_ssl)',
    parameters: { 'rds.force_ssl': '1' },
  });
  // An identifier unique to this stack's path, lowercase as RDS wants it.
  const clusterIdentifier = Names.uniqueResourceName(database, { maxLength: 63, separator: '-' }).toLowerCase();
  // The log group RDS exports to, created first: encrypted, with a retention, and no Custom::LogRetention function.
  const databaseLogs = newLogGroup(database, 'Logs', databaseKey, `/aws/rds/cluster/${clusterIdentifier}/postgresql`);
  // Failover priority: the writer 0, readers 1 (one tier, so that Aurora promotes the largest reader).
  const instance = (id: string, availabilityZone: string, promotionTier: number) =>
    rds.ClusterInstance.provisioned(id, {
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE),
      availabilityZone,
      promotionTier,
      publiclyAccessible: false,
      autoMinorVersionUpgrade: true,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: databaseKey,
    });
  const cluster = new rds.DatabaseCluster(database, 'Cluster', {
    engine,
    clusterIdentifier,
    credentials: rds.Credentials.fromSecret(secret),
    defaultDatabaseName: 'app',
    writer: instance('Writer', ZONES[0], 0),
    readers: [instance('Reader1', ZONES[1], 1)],
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    parameterGroup,
    storageEncrypted: true,
    storageEncryptionKey: databaseKey,
    iamAuthentication: true,
    deletionProtection: true,
    removalPolicy: RemovalPolicy.SNAPSHOT,
    backup: { retention: Duration.days(7) },
    copyTagsToSnapshot: true,
    port: 5432,
    monitoringInterval: Duration.seconds(60),
    cloudwatchLogsExports: ['postgresql'],
    enablePerformanceInsights: true,
    performanceInsightEncryptionKey: databaseKey,
  });
  cluster.node.addDependency(databaseLogs);
  // Rotate only once the credentials are attached to the cluster and its instances are up.
  const schedule = rotation.node.defaultChild!;
  for (const child of cluster.node.findAll()) {
    if (child instanceof rds.CfnDBInstance) schedule.node.addDependency(child);
  }
  schedule.node.addDependency(cluster.secret!.node.defaultChild!);
  cluster.connections.allowFrom(hostedRotation, ec2.Port.tcp(5432), 'Secrets Manager rotation of the master password');

  const databaseTopic = newAlarmTopic(database, 'AlarmTopic', `Alarms of the database ${database.node.path}`);
  // db.r6g.large (16 GiB): Aurora PostgreSQL's default max_connections is 1679; alarm at 80 %, 1343.
  for (const [name, role] of [
    ['Writer', 'WRITER'],
    ['Reader', 'READER'],
  ]) {
    const alarm = new cloudwatch.Alarm(database, `${name}ConnectionsAlarm`, {
      metric: new cloudwatch.Metric({
        namespace: 'AWS/RDS',
        metricName: 'DatabaseConnections',
        dimensionsMap: { DBClusterIdentifier: cluster.clusterIdentifier, Role: role },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(1),
      }),
      threshold: 1343,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${name} connections of ${database.node.path} at 1343 of max_connections 1679: new connections will soon be refused`,
    });
    notify(alarm, databaseTopic);
  }
  cluster.connections.allowFrom(asg, ec2.Port.tcp(5432));

  // ---- DNS: one alias record with an HTTPS health check, and an alarm on the check ----
  const dns = new Construct(stack, 'Dns');
  const dnsTopic = newAlarmTopic(dns, 'AlarmTopic', `${service} DNS health checks`);
  const endpoint = new Construct(dns, REGION);
  const healthCheck = new route53.HealthCheck(endpoint, 'HealthCheck', {
    type: route53.HealthCheckType.HTTPS,
    fqdn: loadBalancer.loadBalancerDnsName,
    port: 443,
    resourcePath: READINESS_PATH,
    enableSNI: true,
    measureLatency: true,
    // TIER_3 (region RTO above 15 min): the standard 30 s interval, Route 53's default threshold of 3.
    requestInterval: Duration.seconds(30),
    failureThreshold: 3,
    // Every region Route 53 health checkers run from.
    regions: [
      'us-east-1',
      'us-west-1',
      'us-west-2',
      'eu-west-1',
      'ap-southeast-1',
      'ap-southeast-2',
      'ap-northeast-1',
      'sa-east-1',
    ],
  });
  new route53.ARecord(endpoint, 'Record', {
    zone,
    recordName: service,
    target: route53.RecordTarget.fromAlias(
      new targets.LoadBalancerTarget(loadBalancer, { evaluateTargetHealth: true }),
    ),
    healthCheck,
  });
  const healthCheckAlarm = new cloudwatch.Alarm(endpoint, 'HealthCheckAlarm', {
    metric: new cloudwatch.Metric({
      namespace: 'AWS/Route53',
      metricName: 'HealthCheckStatus',
      dimensionsMap: { HealthCheckId: healthCheck.healthCheckId },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.minutes(1),
    }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    alarmDescription: `${service}: the ${REGION} endpoint fails its Route 53 health check (HTTPS ${READINESS_PATH}); DNS is moving clients away from it`,
  });
  notify(healthCheckAlarm, dnsTopic);

  // ---- SLO: multiwindow, multi-burn-rate alerts (SRE workbook) on the availability SLI ----
  const slo = new Construct(stack, 'Slo');
  const pageTopic = newAlarmTopic(slo, 'PageTopic', `${service} SLO pages`);
  const ticketTopic = newAlarmTopic(slo, 'TicketTopic', `${service} SLO tickets`);
  const availability = new Construct(slo, 'Availability');
  /** The share of requests answered 5xx (by the targets or the balancer) over `seconds`. */
  const errorRatio = (seconds: number, window: string) => {
    const period = Duration.seconds(seconds);
    return new cloudwatch.MathExpression({
      expression: `(FILL(target5xx_${seconds}, 0) + FILL(elb5xx_${seconds}, 0)) / total_${seconds}`,
      usingMetrics: {
        [`target5xx_${seconds}`]: loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
          statistic: cloudwatch.Stats.SUM,
          period,
        }),
        [`elb5xx_${seconds}`]: loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, {
          statistic: cloudwatch.Stats.SUM,
          period,
        }),
        [`total_${seconds}`]: loadBalancer.metrics.requestCount({ statistic: cloudwatch.Stats.SUM, period }),
      },
      period,
      label: `Availability error ratio over ${window}`,
    });
  };
  // The SRE workbook's alerts for a 30-day SLO: burn rate, long and short window; threshold = rate × 0.5 %.
  const alerts = [
    { severity: 'page', rate: 14.4, threshold: 0.072, long: [3600, '1h'], short: [300, '5m'] },
    { severity: 'page', rate: 6, threshold: 0.03, long: [21600, '6h'], short: [1800, '30m'] },
    { severity: 'ticket', rate: 1, threshold: 0.005, long: [259200, '3d'], short: [21600, '6h'] },
  ] as const;
  const rows: Record<'page' | 'ticket', cloudwatch.IAlarm[]> = { page: [], ticket: [] };
  for (const { severity, rate, threshold, long, short } of alerts) {
    const name = `Burn${long[1]}`;
    const windowAlarm = (suffix: string, [seconds, window]: readonly [number, string]) =>
      new cloudwatch.Alarm(availability, `${name}${suffix}`, {
        metric: errorRatio(seconds, window),
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `Availability error ratio over ${window} above ${threshold} (${rate}x burn of a ${SLO} SLO); part of ${severity} alert ${name}`,
      });
    const longAlarm = windowAlarm('Long', long);
    const shortAlarm = windowAlarm('Short', short);
    rows[severity].push(
      new cloudwatch.CompositeAlarm(availability, name, {
        alarmRule: cloudwatch.AlarmRule.allOf(longAlarm, shortAlarm),
        alarmDescription: `Availability: ${rate}x burn over ${long[1]} and ${short[1]} (${severity})`,
      }),
    );
  }
  // An alarm sees at most 7 days: the budget is spent when 7 days alone spent 30 days' worth, 0.005 × 30 / 7.
  const exhausted = new cloudwatch.Alarm(availability, 'BudgetExhausted', {
    metric: errorRatio(604800, '7d'),
    threshold: 0.0214285714286,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `Availability errors of the last 7d spent the whole 30-day error budget of a ${SLO} SLO`,
  });
  const page = new cloudwatch.CompositeAlarm(slo, 'Page', {
    alarmRule: cloudwatch.AlarmRule.anyOf(...rows.page),
    alarmDescription: `${service}: the error budget of the 30-day SLO is burning fast enough to be gone within days; act now.`,
  });
  notify(page, pageTopic);
  const ticket = new cloudwatch.CompositeAlarm(slo, 'Ticket', {
    alarmRule: cloudwatch.AlarmRule.anyOf(...rows.ticket),
    alarmDescription: `${service}: the error budget of the 30-day SLO is being spent faster than it is earned; fix in working hours.`,
  });
  notify(ticket, ticketTopic);
  const budget = new cloudwatch.CompositeAlarm(slo, 'BudgetExhausted', {
    alarmRule: cloudwatch.AlarmRule.anyOf(exhausted),
    alarmDescription: `${service}: the error budget of the 30-day SLO is spent; freeze risky changes until it recovers.`,
  });
  notify(budget, ticketTopic);
  return stack;
}
