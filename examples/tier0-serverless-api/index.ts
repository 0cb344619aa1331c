import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import {
  acknowledgeHaFinding,
  ApiClientKeys,
  AuditTrail,
  AzEvacuationDrill,
  BackupCopyVault,
  BackupPolicy,
  ClientResiliencePolicy,
  FailoverDns,
  GlobalTable,
  JwtAuthorizer,
  MultiAzNetwork,
  RegionalApi,
  ReplicaKey,
  ResilientFunction,
  SecretReplicaKey,
  ServiceTier,
  SloAlarms,
  SyntheticCanary,
  TableConsistency,
} from '../../lib';
import type { ExampleDomain } from '../tier0-active-active';

const TIER = ServiceTier.TIER_0;
const SERVICE = 'carts-api';
const EAST = 'us-east-1';
const WEST = 'us-west-2';
/**
 * The third region of the US set of multi-region strong consistency: it holds no copy of the carts,
 * it votes, so a write acknowledged in one serving region is durable in a second region (RPO 0).
 */
const WITNESS = 'us-east-2';
const ZONES: Record<string, string[]> = {
  [EAST]: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  [WEST]: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
};
const CIDRS: Record<string, string> = { [EAST]: '10.10.0.0/16', [WEST]: '10.11.0.0/16' };
const TABLE_NAME = 'carts-api-carts';
const RECORD_NAME = 'carts';
/**
 * The clients: each has an API key (its rate and daily quota) whose one value every region accepts, and signs in
 * at the identity provider, whose tokens every region's authorizer verifies.
 */
const CLIENT_NAMES = ['storefront', 'partners'];
/** The identity provider's issuer and this API's audience there: the same in both regions. */
const issuerOf = (domain: ExampleDomain) => `https://login.${domain.zoneName}/`;
const AUDIENCE = 'carts-api';
const vaultName = (region: string) => `carts-api-backups-${region}`;

/**
 * The peak a region must serve alone: the whole service's, because when the other region fails Route 53
 * sends it every client. 100 requests per second at 0.4 s (p99) is 40 concurrent executions.
 */
const PEAK_REQUESTS_PER_SECOND = 100;
const REQUIRED_CONCURRENCY = 40;
/** Each try of a client, and so the handler's timeout. */
const PER_TRY_SECONDS = 3;
/**
 * What a region may run at once: its whole peak with every request at the timeout (Little's law), all of it
 * warm (provisioned): a region that takes the other's clients starts nothing on demand, and the stage's
 * throttle sheds beyond it with 429s before Lambda would throttle.
 */
const REGION_CONCURRENCY = PEAK_REQUESTS_PER_SECOND * PER_TRY_SECONDS;

/**
 * The handler: a cart per id in the global table, and the deep readiness check Route 53 requests on the
 * region's own name (a strongly consistent read of this region's replica, within Route 53's 2 s).
 */
const HANDLER_CODE = `
const { DynamoDBClient, GetItemCommand, PutItemCommand, DeleteItemCommand } = require('@aws-sdk/client-dynamodb');
const db = new DynamoDBClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 300, requestTimeout: 1000 } });
const TableName = process.env.TABLE_NAME;
const answer = (statusCode, body) => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
exports.handler = async (event) => {
  if (event.resource === process.env.HEALTH_CHECK_PATH) {
    await db.send(new GetItemCommand({ TableName, Key: { cartId: { S: 'health-check' } }, ConsistentRead: true }));
    return answer(200, { ready: true, region: process.env.AWS_REGION });
  }
  const Key = { cartId: { S: event.pathParameters.cartId } };
  switch (event.httpMethod) {
    case 'GET': {
      const { Item } = await db.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }));
      return Item ? answer(200, JSON.parse(Item.cart.S)) : answer(404, { message: 'no such cart' });
    }
    case 'PUT':
      JSON.parse(event.body || '{}');
      await db.send(new PutItemCommand({ TableName, Item: { ...Key, cart: { S: event.body || '{}' } } }));
      return answer(200, { cartId: Key.cartId.S });
    case 'DELETE':
      await db.send(new DeleteItemCommand({ TableName, Key }));
      return answer(204, {});
    default:
      return answer(405, { message: 'method not allowed' });
  }
};
`;

/** Props of {@link Tier0ApiRegionStack}. */
export interface Tier0ApiRegionStackProps extends StackProps {
  readonly region: string;
  /** The other serving region: backups are copied there. */
  readonly peerRegion: string;
  readonly domain: ExampleDomain;
  /**
   * The clients' key secrets, held by another region's stack.
   * @default - this stack holds them, replicated to `peerRegion`
   */
  readonly clientKeys?: ApiClientKeys;
}

/**
 * One of the two serving regions of the serverless TIER_0 example, everything it needs to serve alone: a
 * three-AZ network (the function's network interfaces, a DynamoDB gateway endpoint), the handler with
 * provisioned concurrency for the whole peak, the regional API (domains, throttling, keys and quotas, WAF) with
 * credentials both regions accept (key values from the clients' replicated secrets, a JWT authorizer of one
 * issuer), a canary on this region's own name and AWS Backup with copies to the other region.
 */
export class Tier0ApiRegionStack extends Stack {
  public readonly network: MultiAzNetwork;
  public readonly handler: ResilientFunction;
  public readonly api: RegionalApi;
  /** The clients' key secrets (this stack's own, or the other region's). */
  public readonly clientKeys: ApiClientKeys;
  public readonly canary: SyntheticCanary;
  public readonly slo: SloAlarms;
  public readonly drill: AzEvacuationDrill;
  public readonly backups: BackupPolicy;
  protected readonly zone: route53.IHostedZone;

  constructor(scope: Construct, id: string, props: Tier0ApiRegionStackProps) {
    super(scope, id, { ...props, env: { region: props.region } });
    const { region } = props;
    this.zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', props.domain);
    this.network = new MultiAzNetwork(this, 'Network', {
      tier: TIER,
      service: SERVICE,
      availabilityZones: ZONES[region],
      // Not overlapping the other region's, so the two VPCs can be joined later.
      ipAddresses: ec2.IpAddresses.cidr(CIDRS[region]),
    });
    // How clients call the API: 3 s per try, 3 tries with full-jitter backoff, within their own 10 s.
    const clients = new ClientResiliencePolicy(this, 'ClientPolicy', {
      tier: TIER,
      service: SERVICE,
      upstreamTimeout: Duration.seconds(10),
      hops: [
        {
          name: 'carts-api',
          perTryTimeout: Duration.seconds(PER_TRY_SECONDS),
          baseDelay: Duration.millis(100),
          maxDelay: Duration.seconds(1),
        },
      ],
    });
    // Route 53 checks the readiness path without credentials: its checkers send no token, and minting one for them
    // would put the issuer in the failover decision (an issuer outage would fail every region at once). The
    // authorizer is watched by the stage's 5xx pages instead: without any key it fails (500), it does not refuse.
    const healthCheckPath = '/health/ready';
    // One value per client for both regions: this region's keys resolve this region's copy of the secrets.
    this.clientKeys =
      props.clientKeys ??
      new ApiClientKeys(this, 'ClientKeys', {
        tier: TIER,
        service: SERVICE,
        clients: CLIENT_NAMES,
        replicaRegions: [props.peerRegion],
      });
    // Tokens of one issuer, verified in each region with the issuer's keys: nothing of this region signs them.
    // Its keys come from a copy in this region, refreshed from the issuer every 5 minutes, and its whole peak of
    // verdicts runs warm: the region that takes the other's clients verifies their tokens with the issuer down.
    const authorizer = new JwtAuthorizer(this, 'Authorizer', {
      tier: TIER,
      service: SERVICE,
      issuer: issuerOf(props.domain),
      audience: AUDIENCE,
      peakRequestsPerSecond: PEAK_REQUESTS_PER_SECOND,
      // In the network (Control Tower's CT.LAMBDA.PR.3): it reaches Systems Manager and the issuer through each
      // zone's NAT gateway; its warm environments keep their keys while one is lost.
      vpc: this.network.vpc,
    });
    this.handler = new ResilientFunction(this, 'Handler', {
      tier: TIER,
      service: SERVICE,
      vpc: this.network.vpc,
      code: lambda.Code.fromInline(HANDLER_CODE),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      requiredConcurrency: REQUIRED_CONCURRENCY,
      reservedConcurrency: REGION_CONCURRENCY,
      provisionedConcurrency: REGION_CONCURRENCY,
      callerPolicy: clients,
      callerHop: 'carts-api',
      environment: { TABLE_NAME, HEALTH_CHECK_PATH: healthCheckPath },
    });
    this.api = new RegionalApi(this, 'Api', {
      tier: TIER,
      service: SERVICE,
      handler: this.handler,
      hostedZone: this.zone,
      recordName: RECORD_NAME,
      throttle: { rateLimit: PEAK_REQUESTS_PER_SECOND, burstLimit: 2 * PEAK_REQUESTS_PER_SECOND },
      routes: [
        { path: '/carts/{cartId}', methods: ['GET'] },
        // Writes wait for a second region (strong consistency): they get less of the region's capacity.
        { path: '/carts/{cartId}', methods: ['PUT', 'DELETE'], throttle: { rateLimit: 40, burstLimit: 80 } },
      ],
      clients: [
        {
          name: 'storefront',
          throttle: { rateLimit: 80, burstLimit: 160 },
          quota: { limit: 5_000_000, period: 'DAY' },
        },
        { name: 'partners', throttle: { rateLimit: 20, burstLimit: 40 }, quota: { limit: 200_000, period: 'DAY' } },
      ],
      clientKeys: this.clientKeys,
      authorizer: authorizer.authorizer,
      callerPolicy: clients,
      callerHop: 'carts-api',
      healthCheckPath,
    });
    // This region's canary probes this region by its own name: the routed name would follow DNS elsewhere.
    this.canary = new SyntheticCanary(this, 'Canary', { tier: TIER, service: SERVICE, url: this.api.healthCheckUrl });
    this.slo = new SloAlarms(this, 'Slo', {
      tier: TIER,
      service: SERVICE,
      goodRequests: this.api.metricGoodRequests(),
      totalRequests: this.api.metricRequests(),
      syntheticSuccessPercent: this.canary.metricSuccessPercent(),
    });
    // Losing a zone: its subnets cut off, so the handler's network interfaces there fail; the page stops it.
    this.drill = new AzEvacuationDrill(this, 'AzDrill', {
      tier: TIER,
      service: SERVICE,
      stopConditionAlarm: this.slo.pageAlarm,
      vpc: this.network.vpc,
      availabilityZone: ZONES[region][0],
    });
    this.backups = new BackupPolicy(this, 'Backups', {
      tier: TIER,
      service: SERVICE,
      backupVaultName: vaultName(region),
      copyToVaultArn: BackupCopyVault.vaultArn(this, props.peerRegion, vaultName(props.peerRegion)),
    });
  }
}

/**
 * us-east-1's key for the replicas of the clients' key secrets, which must exist before us-west-2's stack creates
 * the secrets (and their replicas here).
 */
export class Tier0ApiEastKeysStack extends Stack {
  public readonly secretKey: SecretReplicaKey;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, { ...props, env: { region: EAST } });
    this.secretKey = new SecretReplicaKey(this, 'SecretKey', { tier: TIER, service: SERVICE });
  }
}

/** Props of {@link Tier0ApiWestStack}. */
export interface Tier0ApiWestStackProps extends Omit<Tier0ApiRegionStackProps, 'region' | 'peerRegion' | 'clientKeys'> {
  /** us-east-1's key for the secrets' replicas: this stack deploys after it. */
  readonly eastKeys: Tier0ApiEastKeysStack;
}

/**
 * us-west-2: a serving region, the home of the clients' key secrets (replicated to us-east-1) and of the carts
 * replica's key, which must exist before us-east-1's stack creates the replica; its handler reads and writes its
 * own region's replica.
 */
export class Tier0ApiWestStack extends Tier0ApiRegionStack {
  constructor(scope: Construct, id: string, props: Tier0ApiWestStackProps) {
    super(scope, id, { ...props, region: WEST, peerRegion: EAST });
    this.addStackDependency(props.eastKeys);
    const cartsKey = new ReplicaKey(this, 'CartsKey', { aliasName: GlobalTable.replicaKeyAliasName(TABLE_NAME) });
    GlobalTable.fromReplica(this, 'CartsReplica', TABLE_NAME, cartsKey.key).grantReadWriteData(this.handler);
  }
}

/** Props of {@link Tier0ApiEastStack}. */
export interface Tier0ApiEastStackProps extends Omit<Tier0ApiRegionStackProps, 'region' | 'peerRegion'> {
  /** The us-west-2 stack: its API joins the latency records, and this region's keys read its client secrets. */
  readonly west: Tier0ApiWestStack;
}

/**
 * us-east-1: a serving region that also holds what spans both: the carts table with strong multi-region
 * consistency (replica in us-west-2, witness in us-east-2), the latency-routed name with a health check of
 * each region's API, a canary of the routed name and the audit trail.
 */
export class Tier0ApiEastStack extends Tier0ApiRegionStack {
  public readonly table: GlobalTable;
  public readonly dns: FailoverDns;

  constructor(scope: Construct, id: string, props: Tier0ApiEastStackProps) {
    // Cross-region references carry us-west-2's API domains into the records.
    super(scope, id, {
      ...props,
      region: EAST,
      peerRegion: WEST,
      clientKeys: props.west.clientKeys,
      crossRegionReferences: true,
    });
    this.table = new GlobalTable(this, 'Carts', {
      tier: TIER,
      service: SERVICE,
      tableName: TABLE_NAME,
      partitionKey: { name: 'cartId', type: dynamodb.AttributeType.STRING },
      replicaRegions: [WEST],
      consistency: TableConsistency.STRONG,
      witnessRegion: WITNESS,
    });
    this.table.grantReadWriteData(this.handler);
    this.dns = new FailoverDns(this, 'Dns', {
      tier: TIER,
      service: SERVICE,
      hostedZone: this.zone,
      recordName: RECORD_NAME,
      healthCheckPath: '/health/ready',
      endpoints: [
        { region: EAST, api: this.api },
        { region: WEST, api: props.west.api },
      ],
    });
    new SyntheticCanary(this, 'GlobalCanary', {
      tier: TIER,
      service: SERVICE,
      url: `https://${RECORD_NAME}.${props.domain.zoneName}/health/ready`,
    });
    new AuditTrail(this, 'AuditTrail', { tier: TIER, service: SERVICE, compliance: { retentionDays: 365 } });
    // The replica's key must exist before the replica (and this region's API keys read the secrets' replicas).
    this.addStackDependency(props.west);
  }
}

/** The stacks of the serverless TIER_0 example. */
export interface Tier0ServerlessStacks {
  readonly eastKeys: Tier0ApiEastKeysStack;
  readonly west: Tier0ApiWestStack;
  readonly east: Tier0ApiEastStack;
}

/**
 * TIER_0, serverless active/active: API Gateway and Lambda in `Tier0Api-us-east-1` and `Tier0Api-us-west-2`,
 * one DynamoDB global table with strong consistency across them, Route 53 latency records over both APIs, and
 * client credentials both regions accept. Deployment order: `Tier0Api-us-east-1-Keys`, `Tier0Api-us-west-2`,
 * `Tier0Api-us-east-1`.
 */
export function addTier0ServerlessApi(app: App, domain: ExampleDomain): Tier0ServerlessStacks {
  const description = 'ha-constructs example: TIER_0 serverless API active/active in us-east-1 and us-west-2';
  const eastKeys = new Tier0ApiEastKeysStack(app, 'Tier0Api-us-east-1-Keys', { description });
  const west = new Tier0ApiWestStack(app, 'Tier0Api-us-west-2', { domain, description, eastKeys });
  const east = new Tier0ApiEastStack(app, 'Tier0Api-us-east-1', { domain, west, description });
  for (const stack of [west, east]) {
    acknowledgeHaFinding(stack, 'HA-RES2', GRAY_FAILURE_AZ_RTO);
  }
  return { eastKeys, west, east };
}

/** Why TIER_0's AZ RTO stays unproven for a zone whose subnets fail while Lambda still uses them. */
const GRAY_FAILURE_AZ_RTO =
  "an AZ lost outright is Lambda's to route around, under its regional SLA; but when one AZ's subnets stop " +
  "carrying traffic, Lambda keeps placing invocations on the function's network interfaces there, nothing " +
  'takes those subnets away from the function (ARC zonal shift does not apply to Lambda), and AWS publishes no ' +
  "time for it: the AZ drill that cuts one zone's subnets is what measures it";
