import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { validationError } from './private/errors';
import { newCustomerManagedKey } from './private/keys';

/** Props of {@link ReplicaKey}. */
export interface ReplicaKeyProps {
  /**
   * Alias of the key (`alias/...`). The construct in the primary region refers to the key by this
   * alias, so it must match what that construct expects (e.g. `GlobalTable.replicaKeyAliasName`).
   */
  readonly aliasName: string;
  /**
   * Description of the key.
   * @default - names the alias
   */
  readonly description?: string;
}

/**
 * A customer-managed key in a standby region for data that a construct in the primary region
 * replicates there (global-table replicas, replicated file systems).
 *
 * KMS keys are regional, and a stack deploys to one region: the replica's key lives in a stack of
 * the replica's region, and the primary-region construct names it by its alias ARN, which is
 * known before either stack is deployed. Deploy the standby stack first
 * (`primaryStack.addStackDependency(standbyStack)`).
 *
 * Construct ids (public API): `Key` (retained on delete), `Alias`.
 */
export class ReplicaKey extends Construct {
  /** ARN of the alias `aliasName` in `region` of the account of `scope`'s stack. */
  public static aliasArn(scope: IConstruct, region: string, aliasName: string): string {
    return Stack.of(scope).formatArn({
      service: 'kms',
      region,
      resource: 'alias',
      resourceName: aliasName.replace(/^alias\//, ''),
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /** The key (yearly rotation, retained on delete). */
  public readonly key: kms.Key;
  /** The alias, `alias/...`. */
  public readonly aliasName: string;
  /** ARN of the alias in this stack's region (what primary-region constructs use). */
  public readonly aliasArn: string;

  constructor(scope: Construct, id: string, props: ReplicaKeyProps) {
    super(scope, id);
    requireAliasName(props.aliasName, this);
    this.aliasName = props.aliasName;
    this.key = newCustomerManagedKey(
      this,
      'Key',
      props.description ?? `Encrypts replicated data found by ${props.aliasName}`,
    );
    new kms.Alias(this, 'Alias', { aliasName: props.aliasName, targetKey: this.key });
    this.aliasArn = ReplicaKey.aliasArn(this, Stack.of(this).region, props.aliasName);
  }
}

/**
 * Throws unless `aliasName` is a KMS alias a customer may create: `alias/` followed by letters,
 * digits, `/`, `_` or `-`, not in the reserved `alias/aws/` namespace.
 * @see https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html
 */
export function requireAliasName(aliasName: string, scope: IConstruct): void {
  if (
    !Token.isUnresolved(aliasName) &&
    (!/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(aliasName) || aliasName.startsWith('alias/aws/'))
  ) {
    throw validationError(
      `aliasName must start with alias/, use only letters, digits, /, _ and - and not start with alias/aws/, got: ${aliasName}`,
      scope,
    );
  }
}
