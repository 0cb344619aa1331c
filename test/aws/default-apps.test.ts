import { App, Duration, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import * as aws from '../../lib/aws';
import { DrStrategy, ServiceTier } from '../../lib/core';
import { errorAnnotations, resourceErrors, Synthesized } from '../proofs/harness';
import { importedVpc, zonalVpc, ZONES } from '../proofs/fixtures';
import { printedWarning, quietly, recommendedApp, testApp } from '../util';

/**
 * Every public AWS construct with only its required props, for every built-in tier, in the two apps
 * users build: a bare `new App()` (a jest test's, with no cdk.json read and no feature flag) and an
 * app with every flag the CLI's `cdk init` writes. Each must synthesize, leave no error annotation
 * and raise no HA error on its own resources, with no acknowledgement: a default that fails the
 * library's own checks is a bug. A construct that cannot serve a tier at all refuses it at
 * construction, naming what can (`refuses`). The optional props given are the ones its warnings
 * ask for, so that the only warning printed is the one a required prop brings (`PRINTED`).
 */

const LB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/api/0123456789abcdef';
const CERTIFICATE = 'arn:aws:acm:us-east-1:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100';
const PAGE = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:page';

function loadBalancer(scope: Construct, region = 'us-east-1'): elbv2.IApplicationLoadBalancer {
  return elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(scope, `Lb${region}`, {
    loadBalancerArn: LB_ARN.replace('us-east-1', region),
    securityGroupId: 'sg-0123456789abcdef0',
    loadBalancerDnsName: `api.${region}.elb.amazonaws.com`,
    loadBalancerCanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
  });
}

const page = (scope: Construct) => cloudwatch.Alarm.fromAlarmArn(scope, 'Page', PAGE);
const zones = (tier: ServiceTier, region = 'us-east-1') => ZONES[region].slice(0, tier.minAzs);
const isolated = (tier: ServiceTier, region = 'us-east-1') => ({
  subnetType: ec2.SubnetType.PRIVATE_ISOLATED,
  availabilityZones: zones(tier, region),
});
/** A second region for the constructs that copy data, as many as the tier keeps. */
const otherRegions = (tier: ServiceTier) => ['us-west-2', 'eu-west-1'].slice(0, Math.max(tier.minRegions - 1, 1));

interface DefaultBuild {
  readonly name: string;
  readonly region?: string;
  /** Tiers the construct refuses, and a word the refusal must contain. */
  readonly refuses?: (tier: ServiceTier) => string | undefined;
  readonly build: (scope: Stack, tier: ServiceTier) => void;
}

/** A ResilientFunction with its required props: the handler of RegionalApi and QueueWorker. */
const defaultFunction = (s: Construct, tier: ServiceTier) =>
  new aws.ResilientFunction(s, 'Handler', {
    tier,
    service: 'orders',
    vpc: zonalVpc(s, ZONES['us-east-1']),
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: zones(tier) },
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_LATEST,
    requiredConcurrency: 40,
    reservedConcurrency: 100,
  });

/** A JwtAuthorizer with its required props: RegionalApi's authorizer on a multi-region tier. */
const defaultJwtAuthorizer = (s: Construct, tier: ServiceTier) =>
  new aws.JwtAuthorizer(s, 'Authorizer', {
    tier,
    service: 'orders',
    issuer: 'https://login.example.com/',
    audience: 'orders-api',
    // What its warning asks for on a statically stable tier: the stage's rate, kept warm.
    peakRequestsPerSecond: 30,
  });

const BUILDS: readonly DefaultBuild[] = [
  {
    name: 'MultiAzNetwork',
    build: (s, tier) =>
      new aws.MultiAzNetwork(s, 'Network', { tier, service: 'orders', availabilityZones: zones(tier) }),
  },
  {
    name: 'ResilientFleet',
    build: (s, tier) =>
      new aws.ResilientFleet(s, 'Fleet', {
        tier,
        service: 'orders',
        vpc: zonalVpc(s, ZONES['us-east-1']),
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: zones(tier) },
        machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
        // Two capacity pools: with one, a statically stable tier warns.
        instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('m6g.large')],
        requiredCapacity: 6,
        maxCapacity: 12,
        certificate: acm.Certificate.fromCertificateArn(s, 'Certificate', CERTIFICATE),
      }),
  },
  {
    name: 'ResilientService',
    build: (s, tier) =>
      new aws.ResilientService(s, 'Service', {
        tier,
        service: 'orders',
        vpc: zonalVpc(s, ZONES['us-east-1']),
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: zones(tier) },
        image: ecs.ContainerImage.fromRegistry(`public.ecr.aws/example/orders@sha256:${'0123456789abcdef'.repeat(4)}`),
        requiredCount: 6,
        maxCount: 12,
        certificate: acm.Certificate.fromCertificateArn(s, 'Certificate', CERTIFICATE),
      }),
  },
  {
    // A worker (loadBalanced: false): its deployments roll back on the lanes' age alarms of the QueueWorker it drains.
    name: 'ResilientService-worker',
    build: (s, tier) =>
      new aws.QueueWorker(s, 'Jobs', {
        tier,
        service: 'orders',
        consumerService: new aws.ResilientService(s, 'Workers', {
          tier,
          service: 'orders',
          vpc: zonalVpc(s, ZONES['us-east-1']),
          vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: zones(tier) },
          image: ecs.ContainerImage.fromRegistry(`public.ecr.aws/example/jobs@sha256:${'0123456789abcdef'.repeat(4)}`),
          loadBalanced: false,
          requiredCount: 6,
          maxCount: 12,
        }),
        processingTime: Duration.seconds(2),
        maxMessageAge: Duration.minutes(10),
      }),
  },
  {
    name: 'HaEksCluster',
    build: (s, tier) =>
      new aws.HaEksCluster(s, 'Cluster', {
        tier,
        service: 'orders',
        version: '1.33',
        vpc: zonalVpc(s, ZONES['us-east-1']),
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: zones(tier) },
      }),
  },
  {
    name: 'ResilientFunction',
    build: (s, tier) =>
      new aws.ResilientFunction(s, 'Function', {
        tier,
        service: 'orders',
        vpc: zonalVpc(s, ZONES['us-east-1']),
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: zones(tier) },
        code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
        handler: 'index.handler',
        runtime: lambda.Runtime.NODEJS_LATEST,
        requiredConcurrency: 40,
        reservedConcurrency: 100,
      }),
  },
  {
    name: 'RegionalApi',
    build: (s, tier) =>
      new aws.RegionalApi(s, 'Api', {
        tier,
        service: 'orders',
        handler: defaultFunction(s, tier),
        hostedZone: route53.HostedZone.fromHostedZoneAttributes(s, 'Zone', {
          hostedZoneId: 'Z0123456789ABC',
          zoneName: 'example.com',
        }),
        recordName: 'orders',
        throttle: { rateLimit: 30 },
        // What its warning asks for on a multi-region tier: tokens every region verifies.
        authorizer: tier.isMultiRegion ? defaultJwtAuthorizer(s, tier).authorizer : undefined,
      }),
  },
  {
    // An authorizer synthesizes once an API uses it.
    name: 'JwtAuthorizer',
    build: (s, tier) =>
      new aws.RegionalApi(s, 'Api', {
        tier,
        service: 'orders',
        handler: defaultFunction(s, tier),
        hostedZone: route53.HostedZone.fromHostedZoneAttributes(s, 'Zone', {
          hostedZoneId: 'Z0123456789ABC',
          zoneName: 'example.com',
        }),
        recordName: 'orders',
        throttle: { rateLimit: 30 },
        authorizer: defaultJwtAuthorizer(s, tier).authorizer,
      }),
  },
  {
    name: 'ApiClientKeys',
    build: (s, tier) =>
      new aws.ApiClientKeys(s, 'ClientKeys', {
        tier,
        service: 'orders',
        clients: ['mobile'],
        replicaRegions: tier.isMultiRegion ? otherRegions(tier) : [],
      }),
  },
  {
    name: 'QueueWorker',
    build: (s, tier) =>
      new aws.QueueWorker(s, 'Worker', {
        tier,
        service: 'orders',
        handler: defaultFunction(s, tier),
        maxMessageAge: Duration.minutes(10),
      }),
  },
  {
    // An imported cluster with the kubectl provider a platform team shares (no kubectl layer to bundle).
    name: 'HaWorkload',
    build: (s, tier) =>
      new aws.HaWorkload(s, 'Workload', {
        tier,
        service: 'orders',
        cluster: eks.Cluster.fromClusterAttributes(s, 'Cluster', {
          clusterName: 'shop',
          kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(s, 'Kubectl', {
            functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:kubectl',
            kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
            handlerRole: iam.Role.fromRoleArn(s, 'KubectlHandler', 'arn:aws:iam::111122223333:role/kubectl-handler'),
          }),
        }),
        name: 'orders',
        image: `public.ecr.aws/example/orders@sha256:${'0123456789abcdef'.repeat(4)}`,
        requiredReplicas: 6,
        maxReplicas: 12,
      }),
  },
  {
    // On an HaEksCluster's zones with its volumes key, applied through the kubectl provider a platform team shares.
    name: 'ZoneBoundStorageClass',
    build: (s, tier) => {
      const cluster = new aws.HaEksCluster(s, 'Cluster', {
        tier,
        service: 'orders',
        version: '1.33',
        vpc: zonalVpc(s, ZONES['us-east-1']),
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: zones(tier) },
      });
      new aws.ZoneBoundStorageClass(s, 'Volumes', {
        tier,
        service: 'orders',
        cluster: eks.Cluster.fromClusterAttributes(s, 'Kube', {
          clusterName: cluster.clusterName,
          kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(s, 'Kubectl', {
            functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:kubectl',
            kubectlRoleArn: 'arn:aws:iam::111122223333:role/kubectl',
            handlerRole: iam.Role.fromRoleArn(s, 'KubectlHandler', 'arn:aws:iam::111122223333:role/kubectl-handler'),
          }),
        }),
        name: 'zonal-gp3',
        parameters: { ...cluster.ebsStorageClassParameters },
        zones: cluster.availabilityZones,
      });
    },
  },
  {
    name: 'ImageRepository',
    build: (s, tier) => {
      // Multi-region tiers replicate to a second region's registry (the one RegistryReplication there).
      const app = s.node.root as App;
      const replicas =
        tier.minRegions > 1
          ? [new aws.RegistryReplication(new Stack(app, 'ImageReplicas', { env: { region: 'us-west-2' } }), 'Registry')]
          : [];
      new aws.ImageRepository(s, 'Images', {
        tier,
        service: 'orders',
        repositoryName: 'orders',
        registry: replicas.length > 0 ? new aws.RegistryReplication(s, 'Registry') : undefined,
        replicaRegistries: replicas,
      });
    },
  },
  {
    name: 'RegistryReplication',
    // One per account and region: a region no other build's registry uses.
    region: 'eu-central-1',
    build: (s) => new aws.RegistryReplication(s, 'Registry'),
  },
  {
    name: 'GlobalTable',
    build: (s, tier) =>
      new aws.GlobalTable(s, 'Table', {
        tier,
        service: 'orders',
        tableName: 'orders',
        replicaRegions: otherRegions(tier),
        partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      }),
  },
  {
    name: 'ReplicaKey',
    region: 'us-west-2',
    build: (s) => new aws.ReplicaKey(s, 'Key', { aliasName: 'alias/orders' }),
  },
  {
    name: 'ReplicatedBucket',
    refuses: (tier) => (tier.regionRpoSeconds < 900 ? 'rpoObjective must be at least 900 s' : undefined),
    build: (s, tier) =>
      new aws.ReplicatedBucket(s, 'Bucket', {
        tier,
        service: 'orders',
        replicaRegion: 'us-west-2',
        replicaBucketName: 'orders-docs-us-west-2',
      }),
  },
  {
    name: 'ReplicaBucket',
    region: 'us-west-2',
    build: (s, tier) =>
      new aws.ReplicaBucket(s, 'Replica', { tier, service: 'orders', bucketName: 'orders-docs-us-west-2' }),
  },
  {
    name: 'ReplicatedFileSystem',
    refuses: (tier) =>
      tier.isMultiRegion && tier.regionRpoSeconds < 900 ? 'rpoObjective must be at least 900 s' : undefined,
    build: (s, tier) =>
      new aws.ReplicatedFileSystem(s, 'Files', {
        tier,
        service: 'orders',
        vpc: zonalVpc(s, ZONES['us-east-1']),
        vpcSubnets: isolated(tier),
        fileSystemName: 'orders',
        replicaRegion: tier.isMultiRegion ? 'us-west-2' : undefined,
      }),
  },
  {
    name: 'BackupPolicy',
    build: (s, tier) =>
      new aws.BackupPolicy(s, 'Backups', {
        tier,
        service: 'orders',
        copyToVaultArn: 'arn:aws:backup:us-west-2:111122223333:backup-vault:dr',
      }),
  },
  {
    name: 'BackupCopyVault',
    region: 'us-west-2',
    build: (s, tier) => new aws.BackupCopyVault(s, 'Vault', { tier, service: 'orders', backupVaultName: 'dr' }),
  },
  {
    name: 'FailoverDns',
    build: (s, tier) =>
      new aws.FailoverDns(s, 'Dns', {
        tier,
        service: 'orders',
        recordName: 'api',
        hostedZone: route53.HostedZone.fromHostedZoneAttributes(s, 'Zone', {
          hostedZoneId: 'Z0123456789ABC',
          zoneName: 'example.com',
        }),
        routing: tier.isMultiRegion ? undefined : aws.DnsRouting.SIMPLE,
        endpoints: ['us-east-1', ...otherRegions(tier)]
          .slice(0, tier.isMultiRegion ? Math.max(tier.minRegions, 2) : 1)
          .map((region) => ({ region, loadBalancer: loadBalancer(s, region) })),
      }),
  },
  {
    name: 'SloAlarms',
    build: (s, tier) => new aws.SloAlarms(s, 'Slo', { tier, service: 'orders', loadBalancer: loadBalancer(s) }),
  },
  {
    name: 'SyntheticCanary',
    build: (s, tier) =>
      new aws.SyntheticCanary(s, 'Probe', { tier, service: 'orders', url: 'https://api.example.com/health' }),
  },
  {
    name: 'GoldenSignalsDashboard',
    build: (s, tier) =>
      new aws.GoldenSignalsDashboard(s, 'Dashboard', { tier, service: 'orders', loadBalancer: loadBalancer(s) }),
  },
  {
    name: 'AuditTrail',
    build: (s, tier) => new aws.AuditTrail(s, 'Audit', { tier, service: 'orders', compliance: { retentionDays: 365 } }),
  },
  {
    name: 'ClientResiliencePolicy',
    build: (s, tier) =>
      new aws.ClientResiliencePolicy(s, 'Client', {
        tier,
        service: 'orders',
        upstreamTimeout: Duration.seconds(2),
        hops: [
          {
            name: 'db',
            attempts: 2,
            perTryTimeout: Duration.millis(300),
            baseDelay: Duration.millis(50),
            maxDelay: Duration.millis(200),
          },
        ],
      }),
  },
  {
    name: 'FeatureFlags',
    build: (s, tier) =>
      new aws.FeatureFlags(s, 'Flags', {
        tier,
        service: 'orders',
        features: [{ name: 'exports', description: 'CSV exports' }],
        rollbackAlarm: page(s),
      }),
  },
  {
    name: 'AzEvacuationDrill',
    build: (s, tier) =>
      new aws.AzEvacuationDrill(s, 'AzDrill', {
        tier,
        service: 'orders',
        vpc: importedVpc(s, ZONES['us-east-1']),
        availabilityZone: 'us-east-1a',
        stopConditionAlarm: page(s),
        autoScalingGroup: autoscaling.AutoScalingGroup.fromAutoScalingGroupName(s, 'Fleet', 'orders-fleet'),
      }),
  },
  {
    name: 'RegionEvacuationDrill',
    refuses: (tier) => (tier.isMultiRegion ? undefined : 'tier'),
    build: (s, tier) =>
      new aws.RegionEvacuationDrill(s, 'RegionDrill', {
        tier,
        service: 'orders',
        vpc: importedVpc(s, ZONES['us-east-1']),
        stopConditionAlarm: page(s),
        autoScalingGroup: autoscaling.AutoScalingGroup.fromAutoScalingGroupName(s, 'Fleet', 'orders-fleet'),
      }),
  },
  {
    name: 'IncidentResponse',
    build: (s, tier) =>
      new aws.IncidentResponse(s, 'Response', {
        tier,
        service: 'orders',
        incidentCommander: { alias: 'oncall', displayName: 'On call', email: 'oncall@example.com' },
        communicationsLead: { alias: 'comms', displayName: 'Comms', email: 'comms@example.com' },
      }),
  },
  {
    name: 'FailoverRunbooks',
    region: 'us-west-2',
    build: (s, tier) =>
      new aws.FailoverRunbooks(s, 'Runbooks', {
        tier,
        service: 'orders',
        globalClusterIdentifier: 'orders-global',
        secondaryClusterArn: 'arn:aws:rds:us-west-2:111122223333:cluster:orders-standby',
        loadBalancerArn: LB_ARN.replace('us-east-1', 'us-west-2'),
        // The scale-up runbook is for a scaled-down standby fleet; other strategies warn.
        ...(tier.strategy === DrStrategy.WARM_STANDBY || tier.strategy === DrStrategy.PILOT_LIGHT
          ? { standbyAutoScalingGroupName: 'orders-standby', primaryCapacity: { min: 6, desired: 6, max: 12 } }
          : {}),
        // What its warning asks for: an automatic promotion waits for a witness in a third region.
        failoverTrigger: tier.allRegionsServe
          ? aws.FailoverTrigger.alarm(page(s), {
              witness: {
                region: 'us-east-2',
                alarmName: 'orders-lost',
                pageTopic: sns.Topic.fromTopicArn(s, 'PageTopic', 'arn:aws:sns:us-west-2:111122223333:orders-page'),
              },
            })
          : aws.FailoverTrigger.operator(Duration.minutes(5)),
      }),
  },
  {
    name: 'EncryptedSecret',
    build: (s, tier) =>
      new aws.EncryptedSecret(s, 'Secret', {
        tier,
        service: 'orders',
        replicaRegions: tier.isMultiRegion ? otherRegions(tier) : undefined,
        rotationLambda: lambda.Function.fromFunctionArn(
          s,
          'Rotator',
          'arn:aws:lambda:us-east-1:111122223333:function:rotate',
        ),
      }),
  },
  {
    name: 'ResilienceHubApp',
    build: (s, tier) => new aws.ResilienceHubApp(s, 'ResilienceHub', { tier, service: 'orders', stacks: [s] }),
  },
  {
    name: 'SecretReplicaKey',
    region: 'us-west-2',
    build: (s, tier) => new aws.SecretReplicaKey(s, 'Key', { tier, service: 'orders' }),
  },
  {
    name: 'ReplicatedDatabase',
    refuses: (tier) => (tier.isMultiRegion ? 'use GlobalDatabase' : undefined),
    build: (s, tier) =>
      new aws.ReplicatedDatabase(s, 'Database', {
        tier,
        service: 'orders',
        vpc: zonalVpc(s, ZONES['us-east-1']),
        vpcSubnets: isolated(tier),
      }),
  },
  {
    name: 'GlobalDatabase',
    // rds.global_db_rpo takes no less than 20 s: TIER_0's 1 s needs the data set's own rpoObjective.
    refuses: (tier) => (tier.regionRpoSeconds < 20 ? 'rpoObjective must be at least 20 s' : undefined),
    build: (s, tier) =>
      new aws.GlobalDatabase(s, 'Database', {
        tier,
        service: 'orders',
        vpc: zonalVpc(s, ZONES['us-east-1']),
        vpcSubnets: isolated(tier),
        globalClusterIdentifier: 'orders',
        secondaryRegions: ['us-west-2'],
      }),
  },
  {
    name: 'GlobalDatabaseSecondary',
    region: 'us-west-2',
    build: (s, tier) =>
      new aws.GlobalDatabaseSecondary(s, 'Database', {
        tier,
        service: 'orders',
        vpc: zonalVpc(s, ZONES['us-west-2']),
        vpcSubnets: isolated(tier, 'us-west-2'),
        globalClusterIdentifier: 'orders',
        primaryRegion: 'us-east-1',
      }),
  },
];

/** Builds every construct the tier allows, one stack each, in one app, and synthesizes it once. */
function synthesizeAll(app: App, tier: ServiceTier): { name: string; synthesized: Synthesized; region: string }[] {
  const built = BUILDS.filter((b) => b.refuses?.(tier) === undefined).map((b) => {
    const region = b.region ?? 'us-east-1';
    const stack = new Stack(app, b.name, { env: { region } });
    b.build(stack, tier);
    return { name: b.name, stack, region };
  });
  const assembly = app.synth();
  return built.map(({ name, stack, region }) => {
    const template = assembly.getStackArtifact(stack.artifactId).template as Record<string, unknown>;
    return { name, region, synthesized: { stack, template, text: JSON.stringify(template) } };
  });
}

/**
 * What synthesis prints in an app that reports warning annotations (the CLI's recommended
 * `@aws-cdk/core:annotationsInValidationReport`): the drill's required group is an imported one.
 */
const PRINTED = [
  printedWarning(
    'AzEvacuationDrill/AzDrill',
    'ha-constructs:AzEvacuationDrill.autoScalingGroup',
    'autoScalingGroup AzEvacuationDrill/Fleet is imported: the drill cannot tag it',
  ),
];

const APPS: readonly [string, () => App, readonly RegExp[]][] = [
  ['a bare new App()', testApp, []],
  ["an app with the CLI's recommended flags", recommendedApp, PRINTED],
];

describe.each(APPS)('every AWS construct with default props in %s', (_, newApp, printed) => {
  test.each(ServiceTier.BUILT_IN.map((tier) => [tier.name, tier] as const))(
    '%s: synthesizes with no error annotation and no HA error on its own resources, printing no other warning',
    (_name, tier) => {
      const problems = quietly(() => synthesizeAll(newApp(), tier), ...printed).result.flatMap(
        ({ name, synthesized, region }) =>
          [...errorAnnotations(synthesized.stack), ...resourceErrors(synthesized, region)].map(
            (problem) => `${name}: ${problem}`,
          ),
      );
      expect(problems).toEqual([]);
    },
  );
});

describe('a construct that cannot serve a tier refuses it at construction', () => {
  const refusals = BUILDS.flatMap((b) =>
    ServiceTier.BUILT_IN.filter((tier) => b.refuses?.(tier) !== undefined).map(
      (tier) => [b.name, tier.name, b, tier] as const,
    ),
  );
  test.each(refusals)('%s refuses %s', (_name, _tierName, b, tier) => {
    const stack = new Stack(testApp(), 'Refused', { env: { region: b.region ?? 'us-east-1' } });
    expect(() => b.build(stack, tier)).toThrow(b.refuses!(tier));
  });
});

test('the table builds every construct the package exports', () => {
  const constructs = Object.entries(aws)
    .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Construct)
    .map(([name]) => name)
    .sort();
  // A construct may have more than one row, named `<Construct>-<variant>` (ResilientService-worker).
  expect([...new Set(BUILDS.map((b) => b.name.split('-')[0]))].sort()).toEqual(constructs);
});
