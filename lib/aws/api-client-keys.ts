import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { API_KEY_VALUE_LENGTH, apiClientKeySecretName } from '../core/plans/regional-api';
import { HaProps } from './ha-props';
import { validationError } from './private/errors';
import { EncryptedSecret } from './secret';

/** Props of {@link ApiClientKeys}. */
export interface ApiClientKeysProps extends HaProps {
  /**
   * Name of the service: it names the secrets (`<service>/api-keys/<client>`), which every region's `RegionalApi`
   * reads by that name, and finds the replica keys (`alias/<service>-secrets`).
   */
  readonly service: string;
  /** The clients, as `RegionalApi`'s `clients` name them: one secret each. */
  readonly clients: string[];
  /**
   * The service's other regions: each holds a replica, which that region's `RegionalApi` reads its keys from.
   * Each replica is encrypted with the key aliased `alias/<service>-secrets` of its region (`SecretReplicaKey`, in a
   * stack of that region that deploys before this one) unless `replicaKeys` names another.
   */
  readonly replicaRegions: string[];
  /**
   * The key of each replica region, by region name.
   * @default - the `SecretReplicaKey` of each replica region, found by alias
   */
  readonly replicaKeys?: Record<string, kms.IKey>;
}

/**
 * One key value per client of a multi-region `RegionalApi`, the same in every region: each client's value is a
 * generated secret (40 letters and digits, a customer-managed key, retained), replicated to the service's other
 * regions, and every region's API key takes its value from its own region's copy (a CloudFormation dynamic
 * reference by the secret's name). A client's key is then accepted by whichever region DNS sends it to.
 *
 * - **Order**: the replica keys' stacks, then this construct's stack, then the other regions' `RegionalApi` stacks
 *   (each `RegionalApi` given these keys makes its stack depend on this one). Secrets Manager copies a new secret to
 *   its replicas within seconds, while the rest of this stack deploys; a standby stack that still found no replica
 *   would fail and roll back, and deploys again unchanged.
 * - **Losing this stack's region**: the other regions' stacks still deploy on their own (`cdk deploy --exclusively`):
 *   their keys resolve their own replica, which keeps its value. Leave the replicas as they are unless a value must
 *   change before the region returns (a leaked key): only then promote that region's replica
 *   (`aws secretsmanager stop-replication-to-replica --secret-id <name> --region <replica region>`), which makes it a
 *   standalone secret of the same name, and every other copy keeps the old value.
 * - **The way back after a promotion**, before deploying this stack again: the returning secret may still name the
 *   promoted region among its replicas, and that region now holds a standalone secret of the same name, so
 *   replicating there fails until these steps are done.
 *   1. Give the returning secret the promoted one's value (`get-secret-value --region <replica region>`, then
 *      `put-secret-value --region <this region>`).
 *   2. If `describe-secret --region <this region>` still lists the promoted region under `ReplicationStatus`, drop it
 *      (`remove-regions-from-replication --remove-replica-regions <replica region>`).
 *   3. Make the standalone secret a replica again: `replicate-secret-to-regions --region <this region>
 *      --add-replica-regions Region=<replica region>,KmsKeyId=alias/<service>-secrets
 *      --force-overwrite-replica-secret` (the replica key of `replicaKeys` if it names another; without the flag
 *      Secrets Manager refuses: a secret of that name exists there).
 *   The secrets are then as the templates describe them, and the next deployment changes none of them.
 * - **Rotation**: none by Secrets Manager, on purpose. CloudFormation resolves a dynamic reference only when the
 *   resource holding it changes, so a rotated value would reach no region's API key, and clients reading the new
 *   value would be refused everywhere. Rotate a client's key by adding a client of a new name with the same limits,
 *   moving the client to it, then removing the old one: every region serves both in between.
 * - **Reading**: `grantRead(client, grantee)` lets a caller read its value (all regions' copies).
 *
 * Construct ids (public API): one `EncryptedSecret` per client, named after it (retained: a new id replaces the
 * value every client holds).
 */
export class ApiClientKeys extends Construct {
  /** The secret of each client, by client name. */
  public readonly secrets: Record<string, EncryptedSecret> = {};
  /** The regions holding a copy: this stack's, then the replicas'. */
  public readonly regions: string[];
  /** The clients. */
  public readonly clients: string[];
  private readonly service: string;

  constructor(scope: Construct, id: string, props: ApiClientKeysProps) {
    super(scope, id);
    if (Token.isUnresolved(props.service)) {
      throw validationError('service must be a literal (it names the secrets in every region), got: a token', this);
    }
    const seen = new Set<string>();
    for (const client of props.clients) {
      if (seen.has(client) || Token.isUnresolved(client)) {
        throw validationError(
          `clients must be unique literal names, got: ${Token.isUnresolved(client) ? 'a token' : `${client} twice`}`,
          this,
          'clients',
        );
      }
      seen.add(client);
    }
    this.service = props.service;
    this.clients = [...props.clients];
    this.regions = [Stack.of(this).region, ...props.replicaRegions];
    const reason =
      "API Gateway takes this value through each region's stack (a dynamic reference CloudFormation resolves only " +
      "when the key resource changes), so a rotated value would reach no region's key and refuse every client that " +
      'read it: a key rotates as a new client of the same limits, deployed to every region before the old one goes';
    for (const client of this.clients) {
      this.secrets[client] = new EncryptedSecret(this, client, {
        tier: props.tier,
        service: props.service,
        role: props.role,
        allowedRegions: props.allowedRegions,
        description: `API key value of ${client} on ${props.service}, the same in every region`,
        secretName: this.secretNameOf(client),
        generateSecretString: { passwordLength: API_KEY_VALUE_LENGTH, excludePunctuation: true, includeSpace: false },
        replicaRegions: props.replicaRegions,
        replicaKeys: props.replicaKeys,
        rotatedExternally: reason,
      });
    }
  }

  /** Name of a client's secret, the same in every region (`<service>/api-keys/<client>`). */
  public secretNameOf(client: string): string {
    return apiClientKeySecretName(this.service, client);
  }

  /** Lets `grantee` read a client's key value, in every region's copy. */
  public grantRead(client: string, grantee: iam.IGrantable): iam.Grant {
    const secret = this.secrets[client];
    if (!secret) {
      throw validationError(
        `client must be one of ${this.clients.join(', ') || 'none'}, got: ${client}`,
        this,
        'clients',
      );
    }
    return secret.grantRead(grantee);
  }
}
