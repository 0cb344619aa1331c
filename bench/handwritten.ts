import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
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
import { BENCH_REGION, BENCH_ZONE, BENCH_ZONES } from './library';

/**
 * The same service as {@link addLibraryService}, written directly with aws-cdk-lib the way a
 * careful user would by hand: the same resource types in about the same numbers (a two-AZ VPC
 * with NAT per AZ, flow logs and gateway endpoints; a fleet with launch template, HTTPS load
 * balancer, WAF, access logs, CodeDeploy and SSM documents; an encrypted Aurora cluster with a
 * rotated secret; a health check and alias record; alarms, composites and topics), with every
 * number typed in, which is what the library derives from the tier.
 */
export function addHandwrittenService(app: App, index: number): Stack {
  const service = `svc${index}`;
  const stack = new Stack(app, `Handwritten${index}`, { env: { region: BENCH_REGION } });
  const keys = (name: string) => new kms.Key(stack, `${name}Key`, { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
  const topics = ['Fleet', 'Database', 'Dns', 'Page', 'Ticket'].map((name) => new sns.Topic(stack, `${name}Topic`, {
    masterKey: keys(`${name}Topic`), enforceSSL: true,
  }));
  const notify = (alarm: cloudwatch.AlarmBase, topic: sns.ITopic) => alarm.addAlarmAction(new actions.SnsAction(topic));

  // Network
  const flowLogKey = keys('FlowLogs');
  flowLogKey.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${BENCH_REGION}.amazonaws.com`));
  const flowLogs = new logs.LogGroup(stack, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH, encryptionKey: flowLogKey, removalPolicy: RemovalPolicy.RETAIN });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: BENCH_ZONES,
    natGateways: 2,
    restrictDefaultSecurityGroup: true,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
    flowLogs: { All: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.ALL } },
    gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 }, DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB } },
  });

  // Fleet
  const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', BENCH_ZONE);
  const certificate = new acm.Certificate(stack, 'Certificate', {
    domainName: `${service}.${BENCH_ZONE.zoneName}`, validation: acm.CertificateValidation.fromDns(zone),
  });
  const volumeKey = keys('Volume');
  const role = new iam.Role(stack, 'InstanceRole', {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
  });
  const instanceSg = new ec2.SecurityGroup(stack, 'InstanceSg', { vpc, allowAllOutbound: false });
  instanceSg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS out');
  const launchTemplate = new ec2.LaunchTemplate(stack, 'LaunchTemplate', {
    machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    instanceType: new ec2.InstanceType('m7g.large'),
    role,
    securityGroup: instanceSg,
    requireImdsv2: true,
    blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(30, { encrypted: true, kmsKey: volumeKey }) }],
  });
  const placementGroup = new ec2.PlacementGroup(stack, 'Spread', { strategy: ec2.PlacementGroupStrategy.SPREAD, spreadLevel: ec2.PlacementGroupSpreadLevel.RACK });
  const asg = new autoscaling.AutoScalingGroup(stack, 'Fleet', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    launchTemplate,
    minCapacity: 2,
    maxCapacity: 6,
    healthChecks: autoscaling.HealthChecks.withAdditionalChecks({ additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB], gracePeriod: Duration.minutes(5) }),
    capacityRebalance: true,
  });
  (asg.node.defaultChild as autoscaling.CfnAutoScalingGroup).placementGroup = placementGroup.placementGroupName;
  asg.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 50 });
  const accessLogs = new s3.Bucket(stack, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true, versioned: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    removalPolicy: RemovalPolicy.RETAIN, lifecycleRules: [{ expiration: Duration.days(365) }],
  });
  const lb = new elbv2.ApplicationLoadBalancer(stack, 'LoadBalancer', {
    vpc, internetFacing: true, dropInvalidHeaderFields: true, deletionProtection: true,
  });
  lb.logAccessLogs(accessLogs);
  lb.addRedirect();
  const listener = lb.addListener('Https', { port: 443, certificates: [certificate], sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS });
  const targetGroup = listener.addTargets('Targets', {
    port: 8080, protocol: elbv2.ApplicationProtocol.HTTP, targets: [asg],
    healthCheck: { path: '/health', interval: Duration.seconds(10), healthyThresholdCount: 2, unhealthyThresholdCount: 2 },
    deregistrationDelay: Duration.seconds(30),
  });
  const webAcl = new wafv2.CfnWebACL(stack, 'WebAcl', {
    scope: 'REGIONAL', defaultAction: { allow: {} },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: `${service}-waf`, sampledRequestsEnabled: true },
    rules: [
      {
        name: 'Common', priority: 0, overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
        visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'common', sampledRequestsEnabled: true },
      },
      {
        name: 'RateLimit', priority: 1, action: { block: {} },
        statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: 'IP' } },
        visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'rate', sampledRequestsEnabled: true },
      },
    ],
  });
  new wafv2.CfnWebACLAssociation(stack, 'WebAclAssociation', { resourceArn: lb.loadBalancerArn, webAclArn: webAcl.attrArn });
  const wafLogs = new logs.LogGroup(stack, 'WafLogs', {
    logGroupName: `aws-waf-logs-${service}`, retention: logs.RetentionDays.ONE_MONTH, encryptionKey: keys('WafLogs'), removalPolicy: RemovalPolicy.RETAIN,
  });
  new wafv2.CfnLoggingConfiguration(stack, 'WafLogging', { resourceArn: webAcl.attrArn, logDestinationConfigs: [wafLogs.logGroupArn] });
  const application = new codedeploy.ServerApplication(stack, 'Application');
  const deploymentConfig = new codedeploy.ServerDeploymentConfig(stack, 'OneZoneAtATime', {
    minimumHealthyHosts: codedeploy.MinimumHealthyHosts.percentage(50),
    zonalConfig: { firstZoneMonitorDuration: Duration.minutes(30), monitorDuration: Duration.minutes(15) },
  });
  const errors = new cloudwatch.Alarm(stack, 'ErrorAlarm', {
    metric: new cloudwatch.MathExpression({
      expression: '100 * errors / MAX([errors, requests])',
      usingMetrics: { errors: lb.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT), requests: lb.metrics.requestCount() },
      period: Duration.minutes(1),
    }),
    threshold: 1, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  notify(errors, topics[0]);
  new codedeploy.ServerDeploymentGroup(stack, 'DeploymentGroup', {
    application, deploymentConfig, autoScalingGroups: [asg], loadBalancers: [codedeploy.LoadBalancer.application(targetGroup)],
    alarms: [errors], autoRollback: { failedDeployment: true, deploymentInAlarm: true },
  });
  // The L1 types Content as an object; a ChangeCalendar's is iCalendar text, so it goes in as an override.
  const calendar = new ssm.CfnDocument(stack, 'ChangeCalendar', { documentType: 'ChangeCalendar', documentFormat: 'TEXT', content: {} });
  calendar.addPropertyOverride('Content', 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nEND:VCALENDAR\r\n');
  new ssm.CfnDocument(stack, 'DeployRunbook', {
    documentType: 'Automation',
    content: { schemaVersion: '0.3', mainSteps: [{ name: 'Deploy', action: 'aws:executeAwsApi', inputs: { Service: 'codedeploy', Api: 'CreateDeployment', applicationName: application.applicationName } }] },
  });
  const unhealthy = new cloudwatch.Alarm(stack, 'UnhealthyHosts', {
    metric: targetGroup.metrics.unhealthyHostCount({ period: Duration.minutes(1) }), threshold: 1, evaluationPeriods: 3,
  });
  notify(unhealthy, topics[0]);

  // Database
  const databaseKey = keys('Database');
  const secret = new secretsmanager.Secret(stack, 'DatabaseSecret', {
    encryptionKey: keys('Secret'),
    generateSecretString: { secretStringTemplate: JSON.stringify({ username: 'app_admin' }), generateStringKey: 'password', excludePunctuation: true },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  secret.denyAccountRootDelete();
  const cluster = new rds.DatabaseCluster(stack, 'Database', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_6 }),
    credentials: rds.Credentials.fromSecret(secret),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    clusterIdentifier: `${service}-db`,
    writer: rds.ClusterInstance.provisioned('Writer', { instanceType: new ec2.InstanceType('r7g.large'), enablePerformanceInsights: true }),
    readers: [rds.ClusterInstance.provisioned('Reader', { instanceType: new ec2.InstanceType('r7g.large'), enablePerformanceInsights: true })],
    storageEncryptionKey: databaseKey,
    defaultDatabaseName: 'app',
    backup: { retention: Duration.days(7) },
    deletionProtection: true,
    iamAuthentication: true,
    cloudwatchLogsExports: ['postgresql'],
    enablePerformanceInsights: true,
    performanceInsightEncryptionKey: keys('PerformanceInsights'),
    parameterGroup: new rds.ParameterGroup(stack, 'Parameters', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_6 }),
      parameters: { 'rds.force_ssl': '1' },
    }),
    removalPolicy: RemovalPolicy.SNAPSHOT,
  });
  cluster.connections.allowDefaultPortFrom(instanceSg);
  // The log group RDS writes to, created ahead so it has a key and a retention (no Custom::LogRetention function).
  new logs.LogGroup(stack, 'DatabaseLogs', {
    logGroupName: `/aws/rds/cluster/${service}-db/postgresql`, retention: logs.RetentionDays.ONE_MONTH, encryptionKey: keys('DatabaseLogs'),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  secret.addRotationSchedule('Rotation', {
    hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser({ vpc, securityGroups: [instanceSg] }), automaticallyAfter: Duration.days(30),
  });
  for (const [name, metric, threshold] of [
    ['Cpu', cluster.metricCPUUtilization(), 80],
    ['Connections', cluster.metricDatabaseConnections(), 400],
    ['FreeMemory', cluster.metricFreeableMemory(), 1e9],
  ] as const) {
    notify(new cloudwatch.Alarm(stack, `Database${name}Alarm`, { metric, threshold, evaluationPeriods: 5 }), topics[1]);
  }

  // DNS
  const healthCheck = new route53.HealthCheck(stack, 'HealthCheck', {
    type: route53.HealthCheckType.HTTPS, fqdn: lb.loadBalancerDnsName, resourcePath: '/health', requestInterval: Duration.seconds(30), failureThreshold: 3,
  });
  new route53.ARecord(stack, 'Record', {
    zone, recordName: service, healthCheck,
    target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(lb, { evaluateTargetHealth: true })),
  });
  const dnsAlarm = new cloudwatch.Alarm(stack, 'HealthCheckAlarm', {
    metric: new cloudwatch.Metric({ namespace: 'AWS/Route53', metricName: 'HealthCheckStatus', dimensionsMap: { HealthCheckId: healthCheck.healthCheckId }, statistic: 'Minimum', period: Duration.minutes(1), region: 'us-east-1' }),
    threshold: 1, comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD, evaluationPeriods: 1,
  });
  notify(dnsAlarm, topics[2]);

  // SLO: multi-window burn-rate alarms (SRE workbook) for a 99.5% objective over 30 days.
  const errorRatio = (minutes: number) => new cloudwatch.MathExpression({
    expression: 'errors / MAX([requests, 1])',
    usingMetrics: { errors: lb.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT), requests: lb.metrics.requestCount() },
    period: Duration.minutes(minutes),
  });
  const burn = (name: string, minutes: number, rate: number) => new cloudwatch.Alarm(stack, name, {
    metric: errorRatio(minutes), threshold: rate * 0.005, evaluationPeriods: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const both = (name: string, long: cloudwatch.IAlarm, short: cloudwatch.IAlarm) => new cloudwatch.CompositeAlarm(stack, name, {
    alarmRule: cloudwatch.AlarmRule.allOf(cloudwatch.AlarmRule.fromAlarm(long, cloudwatch.AlarmState.ALARM), cloudwatch.AlarmRule.fromAlarm(short, cloudwatch.AlarmState.ALARM)),
  });
  const fast = both('PageFast', burn('Burn1h', 60, 14.4), burn('Burn5m', 5, 14.4));
  const slow = both('PageSlow', burn('Burn6h', 360, 6), burn('Burn30m', 30, 6));
  const ticket = both('TicketSlow', burn('Burn3d', 1440, 1), burn('Burn6hTicket', 360, 1));
  const page = new cloudwatch.CompositeAlarm(stack, 'Page', { alarmRule: cloudwatch.AlarmRule.anyOf(fast, slow) });
  notify(page, topics[3]);
  const ticketAlarm = new cloudwatch.CompositeAlarm(stack, 'Ticket', { alarmRule: cloudwatch.AlarmRule.anyOf(ticket) });
  notify(ticketAlarm, topics[4]);
  const budget = new cloudwatch.CompositeAlarm(stack, 'BudgetExhausted', { alarmRule: cloudwatch.AlarmRule.anyOf(ticketAlarm) });
  notify(budget, topics[4]);
  return stack;
}
