import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { DrStrategy, HA_ACKNOWLEDGED_KEY, HaRole, ServiceTier } from '../../lib/core';
import * as tfAws from '../../lib/tf/aws';
import * as tfGoogle from '../../lib/tf/google';
import * as tfKubernetes from '../../lib/tf/kubernetes';
import { leakIn } from '../proofs/harness';
import {
  AWS_DEFAULT_REGION,
  Cloud,
  forgettingTokens,
  proofTfStack,
  synthesizeTf,
  withoutCreationStacks,
} from '../proofs/tf-harness';

/**
 * Every cdktf construct of both engines (lib/tf/aws, lib/tf/google) with only its required props,
 * plus what a multi-region construct needs to exist at all (providers or regions of the tier's
 * other regions), for every built-in tier: each must synthesize (validations run, no error
 * annotation) and raise no HA error on its own resources, with no acknowledgement. A default that
 * fails the library's own checks is a bug. A construct that cannot serve a tier at all refuses it
 * at construction, naming the prop and what can (`refuses`). The CDK twin is
 * test/aws/default-apps.test.ts.
 */

/** Regions of the AWS stacks' providers: the stack's default first. */
const AWS_REGIONS = [AWS_DEFAULT_REGION, 'us-west-2', 'eu-west-1'];
/** The AWS regions besides the default a multi-region construct copies to: as many as the tier keeps, at least one. */
const awsOthers = (tier: ServiceTier) => AWS_REGIONS.slice(1, 1 + Math.max(tier.minRegions - 1, 1));

/** An alias provider of `region` in the stack (made once). */
function alias(stack: TerraformStack, region: string): AwsProvider {
  const id = region.replace(/-/g, '_');
  return (stack.node.tryFindChild(id) as AwsProvider | undefined) ?? new AwsProvider(stack, id, { region, alias: id });
}

/** Ids of subnets in the first `count` zones of `region`, so that the HA checks see the zones a construct spans. */
function subnets(stack: TerraformStack, region: string, kind: 'private' | 'public', count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const zone = `${region}${'abc'[i]}`;
    return new Subnet(stack, `${kind}-${zone}`, {
      provider: region === AWS_DEFAULT_REGION ? undefined : alias(stack, region),
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZone: zone,
      cidrBlock: `10.${kind === 'public' ? 0 : 1}.${i}.0/24`,
    }).id;
  });
}

/** Google regions, with their zones, the constructs are placed in (the second and third for the tier's other regions). */
const GOOGLE_ZONES: Record<string, string[]> = {
  'us-central1': ['us-central1-a', 'us-central1-b', 'us-central1-c'],
  'us-east1': ['us-east1-b', 'us-east1-c', 'us-east1-d'],
  'us-east4': ['us-east4-a', 'us-east4-b', 'us-east4-c'],
};
const GOOGLE_REGIONS = Object.keys(GOOGLE_ZONES);
/** The Google regions a construct spans: as many as the tier keeps. */
const googleRegions = (tier: ServiceTier) => GOOGLE_REGIONS.slice(0, tier.minRegions);

const CHANNEL = 'projects/orders-prod/notificationChannels/1234567890';

interface DefaultBuild {
  /** The exported class name, or `<name>-<variant>` for another row of it (ResilientService-worker). */
  readonly name: string;
  readonly cloud: Cloud;
  /** Tiers the construct refuses, and what the refusal must say: the prop, and what can serve the tier. */
  readonly refuses?: (tier: ServiceTier) => readonly string[] | undefined;
  readonly build: (stack: TerraformStack, tier: ServiceTier) => void;
}

const AWS_BUILDS: readonly DefaultBuild[] = [
  {
    name: 'AuditTrail',
    cloud: 'aws',
    build: (s, tier) => new tfAws.AuditTrail(s, 'Audit', { tier, service: 'orders' }),
  },
  {
    name: 'SyntheticCanary',
    cloud: 'aws',
    build: (s, tier) =>
      new tfAws.SyntheticCanary(s, 'Probe', { tier, service: 'orders', url: 'https://api.example.com/health' }),
  },
  {
    name: 'GlobalDatabase',
    cloud: 'aws',
    // rds.global_db_rpo takes no less than 20 s: TIER_0's 1 s needs the data set's own rpoObjectiveSeconds.
    refuses: (tier) =>
      tier.regionRpoSeconds < 20
        ? ['rpoObjectiveSeconds must be at least 20 s', 'GlobalTable with consistency STRONG']
        : undefined,
    build: (s, tier) =>
      new tfAws.GlobalDatabase(s, 'Database', {
        tier,
        service: 'orders',
        secondaryProvider: alias(s, 'us-west-2'),
        engineVersion: '16.6',
        primaryVpcId: 'vpc-0123456789abcdef0',
        primarySubnetIds: subnets(s, AWS_DEFAULT_REGION, 'private', tier.minAzs),
        secondaryVpcId: 'vpc-0fedcba9876543210',
        secondarySubnetIds: subnets(s, 'us-west-2', 'private', tier.minAzs),
        masterPassword: 'from-a-variable-in-real-use',
      }),
  },
  {
    name: 'FailoverRunbooks',
    cloud: 'aws',
    build: (s, tier) =>
      new tfAws.FailoverRunbooks(s, 'Runbooks', {
        tier,
        service: 'orders',
        globalClusterIdentifier: 'orders-global',
        secondaryClusterArn: 'arn:aws:rds:us-west-2:111122223333:cluster:orders-standby',
        // The scale-up runbook is for a scaled-down standby fleet (warm standby, pilot light).
        ...(tier.isMultiRegion && !tier.allRegionsServe
          ? { standbyAutoScalingGroupName: 'orders-standby', primaryCapacity: { min: 6, desired: 6, max: 12 } }
          : {}),
        failoverTrigger: tier.allRegionsServe
          ? tfAws.FailoverTrigger.alarm(
              { arn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:orders-page', alarmName: 'orders-page' },
              // What its warning asks for: an automatic promotion waits for a witness in a third region.
              {
                witness: {
                  region: 'us-east-2',
                  alarmName: 'orders-lost',
                  pageTopicArn: 'arn:aws:sns:us-west-2:111122223333:orders-page',
                },
              },
            )
          : tfAws.FailoverTrigger.operator(300),
      }),
  },
  {
    name: 'FailoverDns',
    cloud: 'aws',
    build: (s, tier) =>
      new tfAws.FailoverDns(s, 'Dns', {
        tier,
        service: 'orders',
        hostedZoneId: 'Z0123456789ABC',
        recordName: 'api.example.com',
        endpoints: [AWS_DEFAULT_REGION, ...awsOthers(tier)]
          .slice(0, tier.isMultiRegion ? Math.max(tier.minRegions, 2) : 1)
          .map((region) => ({ region, dnsName: `api.${region}.elb.amazonaws.com`, zoneId: 'Z35SXDOTRQ7X7K' })),
      }),
  },
  {
    name: 'AzEvacuationDrill',
    cloud: 'aws',
    build: (s, tier) =>
      new tfAws.AzEvacuationDrill(s, 'Drill', {
        tier,
        service: 'orders',
        availabilityZone: 'us-east-1a',
        subnetIds: subnets(s, AWS_DEFAULT_REGION, 'private', 1),
        autoScalingGroupName: 'orders-fleet',
        stopConditionAlarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:page',
      }),
  },
  {
    name: 'ResilientFleet',
    cloud: 'aws',
    build: (s, tier) =>
      new tfAws.ResilientFleet(s, 'Fleet', {
        tier,
        service: 'orders',
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: subnets(s, AWS_DEFAULT_REGION, 'private', tier.minAzs),
        loadBalancerSubnetIds: subnets(s, AWS_DEFAULT_REGION, 'public', Math.max(2, tier.minAzs)),
        imageId: 'ami-0123456789abcdef0',
        instanceTypes: ['m7g.large'],
        requiredCapacity: 6,
        maxCapacity: 12,
        certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100',
      }),
  },
  {
    name: 'ResilientService',
    cloud: 'aws',
    build: (s, tier) =>
      new tfAws.ResilientService(s, 'Service', {
        tier,
        service: 'orders',
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: subnets(s, AWS_DEFAULT_REGION, 'private', tier.minAzs),
        loadBalancerSubnetIds: subnets(s, AWS_DEFAULT_REGION, 'public', Math.max(2, tier.minAzs)),
        repository: {
          arn: 'arn:aws:ecr:us-east-1:111122223333:repository/orders',
          repositoryUrl: '111122223333.dkr.ecr.us-east-1.amazonaws.com/orders',
        },
        imageTagOrDigest: `sha256:${'0123456789abcdef'.repeat(4)}`,
        requiredCount: 6,
        maxCount: 12,
        certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100',
      }),
  },
  {
    // A worker (loadBalanced: false): the age alarm of the queue it drains rolls its deployments back.
    name: 'ResilientService-worker',
    cloud: 'aws',
    build: (s, tier) =>
      new tfAws.ResilientService(s, 'Workers', {
        tier,
        service: 'orders',
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: subnets(s, AWS_DEFAULT_REGION, 'private', tier.minAzs),
        loadBalanced: false,
        image: `public.ecr.aws/example/jobs@sha256:${'0123456789abcdef'.repeat(4)}`,
        requiredCount: 6,
        maxCount: 12,
      }).addRollbackAlarm('orders-jobs-oldest-message'),
  },
  {
    name: 'HaEksCluster',
    cloud: 'aws',
    build: (s, tier) =>
      new tfAws.HaEksCluster(s, 'Cluster', {
        tier,
        service: 'orders',
        version: '1.33',
        subnetIds: subnets(s, AWS_DEFAULT_REGION, 'private', tier.minAzs),
        availabilityZones: Array.from({ length: tier.minAzs }, (_, i) => `${AWS_DEFAULT_REGION}${'abc'[i]}`),
      }),
  },
  {
    name: 'ResilientFunction',
    cloud: 'aws',
    build: (s, tier) =>
      new tfAws.ResilientFunction(s, 'Function', {
        tier,
        service: 'orders',
        code: { s3Bucket: 'artifacts-111122223333', s3Key: 'orders/1.0.0.zip' },
        handler: 'index.handler',
        runtime: 'nodejs22.x',
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: subnets(s, AWS_DEFAULT_REGION, 'private', Math.max(2, tier.minAzs)),
        requiredConcurrency: 6,
        reservedConcurrency: 20,
      }),
  },
  {
    name: 'ImageRepository',
    cloud: 'aws',
    build: (s, tier) =>
      new tfAws.ImageRepository(s, 'Images', {
        tier,
        service: 'orders',
        repositoryName: 'orders',
        registry: tier.isMultiRegion ? new tfAws.RegistryReplication(s, 'Registry') : undefined,
        replicaRegistries: tier.isMultiRegion
          ? awsOthers(tier).map(
              (region) => new tfAws.RegistryReplication(s, `Registry-${region}`, { provider: alias(s, region) }),
            )
          : undefined,
      }),
  },
  {
    name: 'RegistryReplication',
    cloud: 'aws',
    build: (s) => new tfAws.RegistryReplication(s, 'Registry'),
  },
  {
    name: 'MultiAzNetwork',
    cloud: 'aws',
    build: (s, tier) => new tfAws.MultiAzNetwork(s, 'Network', { tier, service: 'orders' }),
  },
  {
    name: 'EncryptedSecret',
    cloud: 'aws',
    build: (s, tier) =>
      new tfAws.EncryptedSecret(s, 'Secret', {
        tier,
        service: 'orders',
        replicaProviders: tier.isMultiRegion ? awsOthers(tier).map((region) => alias(s, region)) : undefined,
        // One way of rotating is required (rotationLambdaArn, generatedValueLength or rotatedExternally).
        rotationLambdaArn: 'arn:aws:lambda:us-east-1:111122223333:function:rotate',
      }),
  },
  {
    name: 'SloAlarms',
    cloud: 'aws',
    build: (s, tier) =>
      new tfAws.SloAlarms(s, 'Slo', { tier, service: 'orders', loadBalancerArnSuffix: 'app/orders/0123456789abcdef' }),
  },
  {
    name: 'GlobalTable',
    cloud: 'aws',
    build: (s, tier) =>
      new tfAws.GlobalTable(s, 'Table', {
        tier,
        service: 'orders',
        tableName: 'orders',
        partitionKey: { name: 'pk', type: 'S' },
        replicaProviders: awsOthers(tier).map((region) => alias(s, region)),
      }),
  },
];

/** A network over the tier's regions for the constructs that need one, made once per stack. */
function googleNetwork(stack: TerraformStack, tier: ServiceTier): tfGoogle.RegionalNetwork {
  return (
    (stack.node.tryFindChild('Network') as tfGoogle.RegionalNetwork | undefined) ??
    new tfGoogle.RegionalNetwork(stack, 'Network', { tier, service: 'orders', regions: googleRegions(tier) })
  );
}

/** Regions a GlobalFrontend serves from: every region of the tier for ACTIVE_ACTIVE and WARM_STANDBY, else one. */
const servingRegions = (tier: ServiceTier) =>
  tier.strategy === DrStrategy.ACTIVE_ACTIVE || tier.strategy === DrStrategy.WARM_STANDBY
    ? googleRegions(tier)
    : GOOGLE_REGIONS.slice(0, 1);

const GOOGLE_BUILDS: readonly DefaultBuild[] = [
  {
    name: 'ReplicatedBucket',
    cloud: 'google',
    // Turbo replication bounds the copy at 15 minutes: a tighter region RPO is refused unless the bucket states its own.
    refuses: (tier) =>
      tier.regionRpoSeconds < 900
        ? ['rpoObjectiveSeconds must be at least 900 s', 'such as Spanner multi-region']
        : undefined,
    build: (s, tier) =>
      new tfGoogle.ReplicatedBucket(s, 'Bucket', {
        tier,
        service: 'orders',
        bucketName: 'orders-documents',
        regions: ['us-central1', 'us-east1'],
      }),
  },
  {
    name: 'HaCloudSql',
    cloud: 'google',
    // No published bound on Cloud SQL's cross-region lag: HA-DR3 cannot pass with a replica (unless replicaLagAccepted says why).
    refuses: (tier) =>
      tier.isMultiRegion
        ? [`tier ${tier.name} needs a copy in a second region`, 'such as Spanner multi-region', 'replicaLagAccepted']
        : undefined,
    build: (s, tier) =>
      new tfGoogle.HaCloudSql(s, 'Database', {
        tier,
        service: 'orders',
        network: googleNetwork(s, tier),
        region: GOOGLE_REGIONS[0],
        replicaRegion: tier.isMultiRegion ? GOOGLE_REGIONS[1] : undefined,
      }),
  },
  {
    name: 'RegionalFleet',
    cloud: 'google',
    build: (s, tier) =>
      new tfGoogle.RegionalFleet(s, 'Fleet', {
        tier,
        service: 'orders',
        network: googleNetwork(s, tier),
        region: GOOGLE_REGIONS[0],
        zones: GOOGLE_ZONES[GOOGLE_REGIONS[0]].slice(0, tier.minAzs),
      }),
  },
  {
    name: 'GlobalFrontend',
    cloud: 'google',
    build: (s, tier) =>
      new tfGoogle.GlobalFrontend(s, 'Frontend', {
        tier,
        service: 'orders',
        domains: ['api.example.com'],
        backends: servingRegions(tier).map((region, i) => ({
          instanceGroup: `projects/orders-prod/regions/${region}/instanceGroups/web`,
          region,
          portName: 'http',
          port: 8080,
          role: i === 0 || tier.allRegionsServe ? HaRole.PRIMARY : HaRole.STANDBY,
        })),
      }),
  },
  { name: 'RegionalNetwork', cloud: 'google', build: (s, tier) => googleNetwork(s, tier) },
  {
    name: 'FailoverWorkflows',
    cloud: 'google',
    // Runbooks fail over to a standby region: a tier without one has nothing to run them for.
    refuses: (tier) => (tier.minRegions < 2 ? ['tier must keep a standby region'] : undefined),
    build: (s, tier) => {
      const fleet = (id: string, region: string, role: HaRole) =>
        new tfGoogle.RegionalFleet(s, id, {
          tier,
          service: 'orders',
          role,
          network: googleNetwork(s, tier),
          region,
          zones: GOOGLE_ZONES[region].slice(0, tier.minAzs),
        });
      new tfGoogle.FailoverWorkflows(s, 'Runbooks', {
        tier,
        service: 'orders',
        primaryFleet: fleet('Fleet', GOOGLE_REGIONS[0], HaRole.PRIMARY),
        standbyFleet: fleet('StandbyFleet', googleRegions(tier)[tier.minRegions - 1], HaRole.STANDBY),
        trigger: tfGoogle.FailoverTrigger.alert('projects/orders-prod/topics/orders-primary-down'),
      });
    },
  },
  {
    name: 'RegionSwitchoverDrill',
    cloud: 'google',
    // It rehearses runbooks that fail over to a standby region: a tier without one has none.
    refuses: (tier) => (tier.minRegions < 2 ? ['tier must keep a standby region'] : undefined),
    build: (s, tier) => {
      const fleet = (id: string, region: string, role: HaRole) =>
        new tfGoogle.RegionalFleet(s, id, {
          tier,
          service: 'orders',
          role,
          network: googleNetwork(s, tier),
          region,
          zones: GOOGLE_ZONES[region].slice(0, tier.minAzs),
        });
      const primaryFleet = fleet('Fleet', GOOGLE_REGIONS[0], HaRole.PRIMARY);
      const standbyFleet = fleet('StandbyFleet', googleRegions(tier)[tier.minRegions - 1], HaRole.STANDBY);
      new tfGoogle.RegionSwitchoverDrill(s, 'RegionDrill', {
        tier,
        service: 'orders',
        runbooks: new tfGoogle.FailoverWorkflows(s, 'Runbooks', {
          tier,
          service: 'orders',
          primaryFleet,
          standbyFleet,
          trigger: tfGoogle.FailoverTrigger.alert('projects/orders-prod/topics/orders-primary-down'),
        }),
        primaryFleet,
        standbyFleet,
        backendServiceName: 'orders-backend',
        serviceUrl: 'https://api.example.com/health/ready',
        stopTopicId: 'projects/orders-prod/topics/orders-slo-alerts',
        sloName: 'projects/orders-prod/services/orders/serviceLevelObjectives/availability',
      });
    },
  },
  {
    name: 'ZoneEvacuationDrill',
    cloud: 'google',
    build: (s, tier) =>
      new tfGoogle.ZoneEvacuationDrill(s, 'ZoneDrill', {
        tier,
        service: 'orders',
        fleet: new tfGoogle.RegionalFleet(s, 'Fleet', {
          tier,
          service: 'orders',
          network: googleNetwork(s, tier),
          region: GOOGLE_REGIONS[0],
          zones: GOOGLE_ZONES[GOOGLE_REGIONS[0]].slice(0, tier.minAzs),
        }),
        zone: GOOGLE_ZONES[GOOGLE_REGIONS[0]][0],
        backendServiceName: 'orders-backend',
        stopTopicId: 'projects/orders-prod/topics/orders-slo-alerts',
        sloName: 'projects/orders-prod/services/orders/serviceLevelObjectives/availability',
      }),
  },
  {
    name: 'HaGkeCluster',
    cloud: 'google',
    build: (s, tier) =>
      new tfGoogle.HaGkeCluster(s, 'Cluster', {
        tier,
        service: 'orders',
        network: googleNetwork(s, tier),
        region: GOOGLE_REGIONS[0],
        zones: GOOGLE_ZONES[GOOGLE_REGIONS[0]].slice(0, tier.minAzs),
      }),
  },
  {
    // Every region serves on an active/active tier; the others keep a warm standby region. A service
    // is reached through an entry in front of its regions (HA-DR8): here the global frontend.
    name: 'HaCloudRunService',
    cloud: 'google',
    build: (s, tier) => {
      const regions = googleRegions(tier);
      const web = new tfGoogle.HaCloudRunService(s, 'Web', {
        tier,
        service: 'orders',
        regions: tier.allRegionsServe ? regions : regions.slice(0, 1),
        standbyRegions: tier.allRegionsServe ? undefined : regions.slice(1),
        image: `orders@sha256:${'0123456789abcdef'.repeat(4)}`,
        requiredInstances: 2,
      });
      new tfGoogle.GlobalFrontend(s, 'Frontend', {
        tier,
        service: 'orders',
        domains: ['api.example.com'],
        serverlessBackends: [...web.backends],
      });
    },
  },
  {
    // Multi-region tiers on nam3 (read-write us-east4 and us-east1), the others on one region.
    name: 'HaSpanner',
    cloud: 'google',
    build: (s, tier) =>
      new tfGoogle.HaSpanner(s, 'Spanner', {
        tier,
        service: 'orders',
        databaseName: 'orders',
        configuration: tier.isMultiRegion ? 'nam3' : `regional-${GOOGLE_REGIONS[0]}`,
        servingRegions: tier.isMultiRegion ? ['us-east4', 'us-east1'] : [GOOGLE_REGIONS[0]],
      }),
  },
  {
    name: 'RegionalEntry',
    cloud: 'google',
    build: (s, tier) => {
      const network = googleNetwork(s, tier);
      const regions = googleRegions(tier);
      new tfGoogle.RegionalEntry(s, 'Entry', {
        tier,
        service: 'orders',
        network,
        backends: regions.map(
          (region) =>
            new tfGoogle.RegionalFleet(s, `Fleet-${region}`, {
              tier,
              service: 'orders',
              network,
              region,
              zones: GOOGLE_ZONES[region].slice(0, tier.minAzs),
            }),
        ),
        domain: 'api.example.com.',
        managedZone: 'example-com',
        proxySubnetCidrs: Object.fromEntries(regions.map((region, i) => [region, `10.${200 + i}.0.0/23`])),
        dnsProbeRegions: GOOGLE_REGIONS,
      });
    },
  },
  {
    // The stack's APIs and service agents (a Cloud SQL agent: created with google-beta, and granted its role).
    name: 'ProjectServices',
    cloud: 'google',
    build: (s) => new tfGoogle.ProjectServices(s, 'Services').serviceAgent(tfGoogle.GOOGLE_SERVICE_AGENTS.CLOUD_SQL),
  },
  {
    name: 'EncryptedSecret',
    cloud: 'google',
    build: (s, tier) =>
      new tfGoogle.EncryptedSecret(s, 'Secret', {
        tier,
        service: 'orders',
        secretId: 'orders-api-key',
        regions: googleRegions(tier),
      }),
  },
  {
    name: 'SloAlarms',
    cloud: 'google',
    build: (s, tier) =>
      new tfGoogle.SloAlarms(s, 'Slo', {
        tier,
        service: 'orders',
        backendServiceName: 'orders-backend',
        notificationChannels: [CHANNEL],
      }),
  },
  {
    name: 'AuditTrail',
    cloud: 'google',
    build: (s, tier) => new tfGoogle.AuditTrail(s, 'Audit', { tier, service: 'orders', region: GOOGLE_REGIONS[0] }),
  },
  {
    name: 'BackupPolicy',
    cloud: 'google',
    build: (s, tier) =>
      new tfGoogle.BackupPolicy(s, 'Backups', {
        tier,
        service: 'orders',
        region: GOOGLE_REGIONS[0],
        resourceType: 'compute.googleapis.com/Instance',
      }),
  },
  {
    name: 'GoldenSignalsDashboard',
    cloud: 'google',
    build: (s, tier) =>
      new tfGoogle.GoldenSignalsDashboard(s, 'Dashboard', {
        tier,
        service: 'orders',
        backendServiceName: 'orders-backend',
      }),
  },
  {
    name: 'PagingChannels',
    cloud: 'google',
    build: (s, tier) =>
      new tfGoogle.PagingChannels(s, 'Paging', { tier, service: 'orders', regions: googleRegions(tier) }),
  },
  {
    // The deprecated name SloAlarms was released under: the same class.
    name: 'SloAlerts',
    cloud: 'google',
    build: (s, tier) =>
      new tfGoogle.SloAlerts(s, 'Slo', {
        tier,
        service: 'orders',
        backendServiceName: 'orders-backend',
        notificationChannels: [CHANNEL],
      }),
  },
];

/** Kubernetes constructs: any cluster (here in the Google proof stack), through a `kubernetes` provider. */
const KUBERNETES_BUILDS: readonly DefaultBuild[] = [
  {
    name: 'ZoneBoundStorageClass',
    cloud: 'google',
    build: (s, tier) => {
      new KubernetesProvider(s, 'kubernetes', {});
      new tfKubernetes.ZoneBoundStorageClass(s, 'Volumes', {
        tier,
        service: 'orders',
        name: 'zonal',
        provisioner: 'pd.csi.storage.gke.io',
        parameters: { type: 'pd-balanced' },
      });
    },
  },
  {
    name: 'HaWorkload',
    cloud: 'google',
    build: (s, tier) => {
      new KubernetesProvider(s, 'kubernetes', {});
      new tfKubernetes.HaWorkload(s, 'Workload', {
        tier,
        service: 'orders',
        name: 'orders',
        image: `orders@sha256:${'0123456789abcdef'.repeat(4)}`,
        requiredReplicas: 6,
        maxReplicas: 12,
      });
    },
  },
  {
    name: 'NodePortService',
    cloud: 'google',
    build: (s, tier) => {
      new KubernetesProvider(s, 'kubernetes', {});
      const workload = new tfKubernetes.HaWorkload(s, 'Workload', {
        tier,
        service: 'orders',
        name: 'orders',
        image: `orders@sha256:${'0123456789abcdef'.repeat(4)}`,
        requiredReplicas: 6,
        maxReplicas: 12,
      });
      new tfKubernetes.NodePortService(s, 'Service', { tier, service: 'orders', workload, nodePort: 30080 });
    },
  },
  {
    name: 'WorkloadServiceAccount',
    cloud: 'google',
    build: (s, tier) => {
      new KubernetesProvider(s, 'kubernetes', {});
      new tfKubernetes.WorkloadServiceAccount(s, 'Account', { tier, service: 'orders', name: 'orders' });
    },
  },
];

const BUILDS = [...AWS_BUILDS, ...GOOGLE_BUILDS, ...KUBERNETES_BUILDS];
const label = (b: DefaultBuild) => `${b.cloud}.${b.name}`;

/**
 * Builds one construct in a stack of its own and returns its problems: HA errors on its resources,
 * an acknowledgement it made itself (a default must pass, not be excused), a leaked value, or what
 * threw (a validation, an error annotation).
 */
function problemsOf(b: DefaultBuild, tier: ServiceTier): string[] {
  try {
    return forgettingTokens(() => {
      const stack = proofTfStack(b.cloud);
      withoutCreationStacks(() => b.build(stack, tier));
      const { text, errors } = synthesizeTf(stack);
      const leak = leakIn(text);
      return [
        ...errors,
        ...(text.includes(HA_ACKNOWLEDGED_KEY)
          ? [
              `acknowledges a finding by default: ${text.slice(text.indexOf(HA_ACKNOWLEDGED_KEY), text.indexOf(HA_ACKNOWLEDGED_KEY) + 200)}`,
            ]
          : []),
        ...(leak === undefined ? [] : [`leaked a value into the Terraform JSON: ${leak}`]),
      ];
    });
  } catch (error) {
    return [`threw: ${error instanceof Error ? error.message : String(error)}`];
  }
}

describe.each(ServiceTier.BUILT_IN.map((tier) => [tier.name, tier] as const))('%s', (_name, tier) => {
  test('every cdktf construct with default props synthesizes with no HA error on its own resources and no acknowledgement', () => {
    const problems = BUILDS.filter((b) => b.refuses?.(tier) === undefined).flatMap((b) =>
      problemsOf(b, tier).map((problem) => `${label(b)}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });
});

describe('a construct that cannot serve a tier refuses it at construction', () => {
  const refusals = BUILDS.flatMap((b) =>
    ServiceTier.BUILT_IN.filter((tier) => b.refuses?.(tier) !== undefined).map(
      (tier) => [label(b), tier.name, b, tier] as const,
    ),
  );
  test.each(refusals)('%s refuses %s', (_name, _tierName, b, tier) => {
    const stack = proofTfStack(b.cloud);
    let message = '';
    try {
      withoutCreationStacks(() => b.build(stack, tier));
    } catch (error) {
      message = (error as Error).message;
    }
    for (const words of b.refuses!(tier)!) {
      expect(message).toContain(words);
    }
  });
});

/** The classes a module exports that are constructs. */
function constructsOf(module: Record<string, unknown>): string[] {
  return Object.entries(module)
    .filter(
      ([, value]) => typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof Construct,
    )
    .map(([name]) => name)
    .sort();
}

test.each([
  ['lib/tf/aws', tfAws, AWS_BUILDS],
  ['lib/tf/google', tfGoogle, GOOGLE_BUILDS],
  ['lib/tf/kubernetes', tfKubernetes, KUBERNETES_BUILDS],
] as const)('the table builds every construct %s exports', (_path, module, builds) => {
  // A construct may have more than one row, named `<Construct>-<variant>` (ResilientService-worker).
  expect([...new Set(builds.map((b) => b.name.split('-')[0]))].sort()).toEqual(constructsOf(module));
});
