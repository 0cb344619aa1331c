import { ResourceGraph } from './graph';
import { GraphResource } from './model';
import { blocks, isObject, JsonObject, policyDocument, statements, str, strings } from './values';

/**
 * What a service's compute can reach, read from IAM in synthesized CloudFormation: the data stores,
 * secrets, keys and parameters each compute role may use, by a name that is the same in every
 * region (a global table's name, a replicated bucket's replication group, a secret's name, the
 * store a key encrypts), so the grants of two regions can be compared.
 */

/** A store as the grants name it: one identity across regions. */
export interface StoreRef {
  /** `dynamodb table checkout-carts`, `s3 bucket checkout-receipts-us-east-1`, `key of secret …`. */
  readonly identity: string;
  /** The region of the copy the grant reaches. */
  readonly region: string;
}

/** Allowed actions of one role on one store's copy in one region. */
export interface StoreGrant extends StoreRef {
  readonly actions: readonly string[];
}

/** An IAM role the compute of a service runs as (an EC2 instance profile's or an ECS task's). */
export interface ComputeRole {
  readonly role: GraphResource;
  readonly region: string;
}

const STORE_TYPES = [
  'AWS::DynamoDB::GlobalTable',
  'AWS::DynamoDB::Table',
  'AWS::S3::Bucket',
  'AWS::SecretsManager::Secret',
  'AWS::SSM::Parameter',
  'AWS::AppConfig::Application',
  'AWS::AppConfig::ConfigurationProfile',
  'AWS::RDS::DBCluster',
];

/** Roles that compute runs as: named by an instance profile or as an ECS task role. */
export function computeRoles(graph: ResourceGraph): ComputeRole[] {
  const roles = new Map<string, GraphResource>();
  for (const holder of graph.ofType('AWS::IAM::InstanceProfile', 'AWS::ECS::TaskDefinition')) {
    for (const role of graph.referencedBy(holder, 'AWS::IAM::Role')) {
      const named =
        holder.type === 'AWS::IAM::InstanceProfile' ||
        JSON.stringify(holder.properties.TaskRoleArn ?? null).includes(`"${role.address}"`);
      if (named) {
        roles.set(role.key, role);
      }
    }
  }
  return [...roles.values()].flatMap((role) => (role.region ? [{ role, region: role.region }] : []));
}

/** Every grant of `role` on a store of the graph, merged per store copy. */
export function storeGrants(graph: ResourceGraph, role: GraphResource): StoreGrant[] {
  const merged = new Map<string, { ref: StoreRef; actions: Set<string> }>();
  for (const statement of roleStatements(graph, role)) {
    if ((str(statement.Effect) ?? 'Allow') !== 'Allow') {
      continue;
    }
    const actions = strings(statement.Action).map((a) => a.toLowerCase());
    for (const resource of resourceValues(statement.Resource)) {
      for (const ref of storesOf(graph, role, resource, statement.Condition)) {
        const key = `${ref.identity}@${ref.region}`;
        const entry = merged.get(key) ?? { ref, actions: new Set<string>() };
        actions.forEach((a) => entry.actions.add(a));
        merged.set(key, entry);
      }
    }
  }
  return [...merged.values()].map(({ ref, actions }) => ({ ...ref, actions: [...actions].sort() }));
}

/** Actions that change what a bucket or table holds: the writes a copy must carry to another region. */
const WRITE_ACTIONS: Record<string, readonly string[]> = {
  'AWS::S3::Bucket': ['s3:putobject', 's3:deleteobject', 's3:deleteobjectversion'],
  'AWS::DynamoDB::Table': ['dynamodb:putitem', 'dynamodb:updateitem', 'dynamodb:deleteitem', 'dynamodb:batchwriteitem'],
};

/** The buckets and single-region tables `role` may write, as the resources of the graph they are. */
export function writableStores(graph: ResourceGraph, role: GraphResource): GraphResource[] {
  const found = new Map<string, GraphResource>();
  for (const statement of roleStatements(graph, role)) {
    if ((str(statement.Effect) ?? 'Allow') !== 'Allow') {
      continue;
    }
    const actions = strings(statement.Action).map((a) => a.toLowerCase());
    for (const value of resourceValues(statement.Resource)) {
      const store = storeResourceOf(graph, role, value);
      const writes = store && WRITE_ACTIONS[store.type];
      if (store && writes?.some((action) => allows(actions, action))) {
        found.set(store.key, store);
      }
    }
  }
  return [...found.values()];
}

/** The bucket or table a policy resource names, when it is one of the graph's. */
function storeResourceOf(graph: ResourceGraph, role: GraphResource, value: unknown): GraphResource | undefined {
  const text = render(value, { graph, stack: role.stack, region: role.region! });
  if (text === undefined) {
    return undefined;
  }
  const own = /^\{\{([^.}]+)\.Arn\}\}/.exec(text) ?? /^\{\{([^.}]+)\}\}$/.exec(text);
  if (own) {
    const target = graph.get(own[1].replace('|', '/'));
    return target && WRITE_ACTIONS[target.type] ? target : undefined;
  }
  const bucket = /^arn:[^:]*:s3:::([^/]+)/.exec(text)?.[1];
  return bucket === undefined
    ? undefined
    : graph.ofType('AWS::S3::Bucket').find((b) => bucketName(graph, b) === bucket);
}

/**
 * The data set of each store identity that declares one (`service/dataSet`), its keys' identities
 * included: replicated pairs of one data set, which each region of an active/active service writes
 * its own of (`HaMetadata.dataSet`).
 */
export function dataSets(graph: ResourceGraph): Map<string, string> {
  const found = new Map<string, string>();
  for (const bucket of graph.ofType('AWS::S3::Bucket')) {
    if (bucket.ha?.dataSet !== undefined) {
      const identity = storeIdentity(graph, bucket);
      const dataSet = `${bucket.ha.service}/${bucket.ha.dataSet}`;
      found.set(identity, dataSet);
      found.set(`key of ${identity}`, dataSet);
    }
  }
  return found;
}

/** The regions in which a store identity has a copy. */
export function storeRegions(graph: ResourceGraph): Map<string, Set<string>> {
  const regions = new Map<string, Set<string>>();
  const add = (identity: string, region: string | undefined) => {
    if (region) {
      regions.set(identity, (regions.get(identity) ?? new Set()).add(region));
    }
  };
  for (const store of graph.ofType(...STORE_TYPES)) {
    const identity = storeIdentity(graph, store);
    add(identity, store.region);
    for (const region of copyRegions(store)) {
      add(identity, region);
    }
  }
  for (const key of graph.ofType('AWS::KMS::Key')) {
    for (const ref of keyStores(graph, key)) {
      add(ref.identity, ref.region);
    }
  }
  return regions;
}

/** Whether `granted` (actions, possibly with wildcards) covers `action`. */
export function allows(granted: readonly string[], action: string): boolean {
  return granted.some((g) => g === '*' || new RegExp(`^${g.split('*').map(escape).join('.*')}$`).test(action));
}

function escape(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** The statements of the role's inline policies and of the policies attached to it. */
function roleStatements(graph: ResourceGraph, role: GraphResource): JsonObject[] {
  const inline = blocks(role.properties.Policies).flatMap((p) => statements(policyDocument(p.PolicyDocument)));
  const attached = graph
    .referrersOf(role, 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy')
    .filter((policy) => JSON.stringify(policy.properties.Roles ?? []).includes(`"${role.address}"`))
    .flatMap((policy) => statements(policyDocument(policy.properties.PolicyDocument)));
  return [...inline, ...attached];
}

function resourceValues(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** Where a value is evaluated: its stack (for logical ids) and that stack's region. */
interface Scope {
  readonly graph: ResourceGraph;
  readonly stack: string;
  readonly region: string;
}

/**
 * A CloudFormation value rendered as text: literals kept, `{{<stack>|<id>}}` and
 * `{{<stack>|<id>.<attr>}}` for references (followed through other stacks' outputs), pseudo
 * parameters filled in; undefined when it cannot be read.
 */
function render(value: unknown, scope: Scope, depth = 0): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  if (!isObject(value) || depth > 10) {
    return undefined;
  }
  if (typeof value.Ref === 'string') {
    const pseudo: Record<string, string> = {
      'AWS::AccountId': '*',
      'AWS::Partition': 'aws',
      'AWS::Region': scope.region,
      'AWS::URLSuffix': 'amazonaws.com',
    };
    return pseudo[value.Ref] ?? `{{${scope.stack}|${value.Ref}}}`;
  }
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
    return `{{${scope.stack}|${getAtt[0]}.${String(getAtt[1])}}}`;
  }
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map((part) => render(part, scope, depth + 1));
    return parts.every((p) => p !== undefined) ? parts.join(join[0]) : undefined;
  }
  const output = stackOutput(scope.graph, value);
  if (output) {
    const stack = scope.graph.stacks.find((s) => s.name === output.stack);
    return render(
      output.value,
      { graph: scope.graph, stack: output.stack, region: stack?.region ?? scope.region },
      depth + 1,
    );
  }
  // A part of another resource's ARN (`Fn::Select` of `Fn::Split` over its Ref or Arn): that resource.
  const select = value['Fn::Select'];
  if (Array.isArray(select) && isObject(select[1])) {
    const split = select[1]['Fn::Split'];
    if (Array.isArray(split)) {
      const ref = /^\{\{([^.}]+)(\.[^}]+)?\}\}$/.exec(render(split[1], scope, depth + 1) ?? '');
      if (ref) {
        return select[0] === 1 ? 'aws' : select[0] === 4 ? '*' : `{{${ref[1]}}}`;
      }
    }
  }
  return undefined;
}

/** The value and stack of an `Fn::GetStackOutput` or `Fn::ImportValue`. */
function stackOutput(graph: ResourceGraph, value: JsonObject): { stack: string; value: unknown } | undefined {
  const get = value['Fn::GetStackOutput'];
  if (isObject(get) && typeof get.StackName === 'string' && typeof get.OutputName === 'string') {
    const output = graph.stacks.find((s) => s.name === get.StackName)?.outputs?.[get.OutputName];
    return output ? { stack: get.StackName, value: output.value } : undefined;
  }
  const name = value['Fn::ImportValue'];
  if (typeof name === 'string') {
    for (const stack of graph.stacks) {
      const output = Object.values(stack.outputs ?? {}).find((o) => o.exportName === name);
      if (output) {
        return { stack: stack.name, value: output.value };
      }
    }
  }
  return undefined;
}

/** The stores a policy resource names, in the region of the copy it reaches. */
function storesOf(graph: ResourceGraph, role: GraphResource, value: unknown, condition: unknown): StoreRef[] {
  const text = render(value, { graph, stack: role.stack, region: role.region! });
  if (text === undefined) {
    return [];
  }
  const local = (placeholder: string) => graph.get(placeholder.replace('|', '/'));
  // The resource's own ARN, possibly with a suffix (`{{Bucket.Arn}}/*`).
  const own = /^\{\{([^.}]+)\.Arn\}\}/.exec(text) ?? /^\{\{([^.}]+)\}\}$/.exec(text);
  if (own) {
    const target = local(own[1]);
    if (!target) {
      return [];
    }
    if (target.type === 'AWS::KMS::Key') {
      return keyStores(graph, target);
    }
    return STORE_TYPES.includes(target.type) && target.region
      ? [{ identity: storeIdentity(graph, target), region: target.region }]
      : [];
  }
  const arn = /^arn:[^:]*:([^:]+):([^:]*):[^:]*:(.*)$/.exec(text);
  if (!arn) {
    return [];
  }
  const [, service, arnRegion, resource] = arn;
  const named = (name: string) => {
    const ref = /^\{\{([^.}]+)\}\}$/.exec(name);
    return ref ? local(ref[1]) : undefined;
  };
  switch (service) {
    case 'dynamodb': {
      const match = /^table\/([^/]+)/.exec(resource);
      const target = match && named(match[1]);
      const identity = target
        ? storeIdentity(graph, target)
        : match && !match[1].includes('{{')
          ? `dynamodb table ${match[1]}`
          : undefined;
      return identity ? [{ identity, region: arnRegion }] : [];
    }
    case 's3': {
      const name = /^([^/]+)/.exec(resource)?.[1];
      const bucket = name && graph.ofType('AWS::S3::Bucket').find((b) => bucketName(graph, b) === name);
      return bucket && bucket.region ? [{ identity: storeIdentity(graph, bucket), region: bucket.region }] : [];
    }
    case 'secretsmanager': {
      const match = /^secret:(.+)$/.exec(resource);
      if (!match) {
        return [];
      }
      const target = named(match[1]);
      const name = target ? undefined : match[1].replace(/-\?{6}$|-\*$|\*$/, '');
      return [{ identity: target ? storeIdentity(graph, target) : `secret ${name}`, region: arnRegion }];
    }
    case 'ssm': {
      const match = /^parameter(.+)$/.exec(resource);
      const target = match && named(match[1]);
      const identity = target
        ? storeIdentity(graph, target)
        : match && match[1].startsWith('/')
          ? `ssm parameter ${match[1]}`
          : undefined;
      return identity ? [{ identity, region: arnRegion }] : [];
    }
    case 'appconfig': {
      const target = named(/^application\/([^/]+)/.exec(resource)?.[1] ?? '');
      return target ? [{ identity: storeIdentity(graph, target), region: arnRegion }] : [];
    }
    case 'rds-db': {
      const match = /^dbuser:(\{\{[^}]+\}\})\/(.+)$/.exec(resource);
      const target = match && local(/^\{\{([^.}]+)/.exec(match[1])![1]);
      const cluster = target && databaseOf(graph, target);
      return cluster ? [{ identity: `${storeIdentity(graph, cluster)} as ${match![2]}`, region: arnRegion }] : [];
    }
    case 'kms': {
      const alias = /^alias\/(.+)$/.exec(resource)?.[1] ?? conditionAlias(condition);
      return alias ? aliasStores(graph, alias, arnRegion) : [];
    }
    default:
      return [];
  }
}

/** The alias a `key/*` grant is limited to by `kms:ResourceAliases`. */
function conditionAlias(condition: unknown): string | undefined {
  const text = JSON.stringify(condition ?? {});
  return /"kms:ResourceAliases":"alias\/([^"]+)"/.exec(text)?.[1];
}

/** A store's name in every region. */
function storeIdentity(graph: ResourceGraph, store: GraphResource): string {
  const p = store.properties;
  switch (store.type) {
    case 'AWS::DynamoDB::GlobalTable':
    case 'AWS::DynamoDB::Table':
      return `dynamodb table ${str(p.TableName) ?? store.key}`;
    case 'AWS::S3::Bucket':
      return `s3 bucket ${[...replicationGroup(graph, store)].sort()[0]}`;
    case 'AWS::SecretsManager::Secret':
      return `secret ${str(p.Name) ?? store.key}`;
    case 'AWS::SSM::Parameter':
      return `ssm parameter ${str(p.Name) ?? store.key}`;
    case 'AWS::AppConfig::Application':
      return `appconfig application ${str(p.Name) ?? store.key}`;
    case 'AWS::AppConfig::ConfigurationProfile': {
      const application = graph.referencedBy(store, 'AWS::AppConfig::Application')[0];
      return application ? storeIdentity(graph, application) : `appconfig profile ${str(p.Name) ?? store.key}`;
    }
    case 'AWS::RDS::DBCluster':
      return `aurora cluster ${str(p.GlobalClusterIdentifier) ?? globalClusterOf(graph, store) ?? str(p.DBClusterIdentifier) ?? store.key}`;
    default:
      return `${store.type} ${str(p.Name) ?? store.key}`;
  }
}

/** The cluster a `dbuser` grant reaches: the cluster itself, or the one behind an RDS Proxy. */
function databaseOf(graph: ResourceGraph, target: GraphResource): GraphResource | undefined {
  if (target.type === 'AWS::RDS::DBCluster') {
    return target;
  }
  if (target.type === 'AWS::RDS::DBProxy') {
    const group = graph.referrersOf(target, 'AWS::RDS::DBProxyTargetGroup')[0];
    return group && graph.referencedBy(group, 'AWS::RDS::DBCluster')[0];
  }
  return undefined;
}

/** The global cluster a primary cluster is the source of (its own record names none). */
function globalClusterOf(graph: ResourceGraph, cluster: GraphResource): string | undefined {
  const global = graph.referrersOf(cluster, 'AWS::RDS::GlobalCluster')[0];
  return global && str(global.properties.GlobalClusterIdentifier);
}

/** The regions a store keeps a copy in besides its own (table replicas, secret replicas). */
function copyRegions(store: GraphResource): string[] {
  const p = store.properties;
  if (store.type === 'AWS::DynamoDB::GlobalTable') {
    return blocks(p.Replicas)
      .map((r) => str(r.Region))
      .filter((r): r is string => r !== undefined);
  }
  if (store.type === 'AWS::SecretsManager::Secret') {
    return blocks(p.ReplicaRegions)
      .map((r) => str(r.Region))
      .filter((r): r is string => r !== undefined);
  }
  return [];
}

/**
 * A bucket's name as the grants and replication rules spell it: the literal, or rendered with the
 * account as `*` (`receipts-*-us-east-1`, as a deterministic name with `${AWS::AccountId}` in it).
 */
function bucketName(graph: ResourceGraph, bucket: GraphResource): string {
  return render(bucket.properties.BucketName, scopeOf(graph, bucket)) ?? bucket.key;
}

/** Where a resource's values are evaluated. */
function scopeOf(graph: ResourceGraph, resource: GraphResource): Scope {
  return { graph, stack: resource.stack, region: resource.region ?? '*' };
}

/** The names of the buckets joined to this one by replication (its own included): they share one identity. */
function replicationGroup(graph: ResourceGraph, bucket: GraphResource): Set<string> {
  const names = new Set<string>([bucketName(graph, bucket)]);
  const buckets = graph.ofType('AWS::S3::Bucket');
  let grown = true;
  while (grown) {
    grown = false;
    for (const other of buckets) {
      const name = bucketName(graph, other);
      const destinations = blocks(
        isObject(other.properties.ReplicationConfiguration) ? other.properties.ReplicationConfiguration.Rules : [],
      )
        .map((rule) =>
          isObject(rule.Destination) ? render(rule.Destination.Bucket, scopeOf(graph, other)) : undefined,
        )
        .filter((arn): arn is string => arn !== undefined)
        .map((arn) => arn.replace(/^arn:[^:]*:s3:::/, ''));
      const linked = names.has(name) || destinations.some((d) => names.has(d));
      for (const n of linked ? [name, ...destinations] : []) {
        if (!names.has(n)) {
          names.add(n);
          grown = true;
        }
      }
    }
  }
  return names;
}

/** The store copies a key encrypts, in the key's region. */
function keyStores(graph: ResourceGraph, key: GraphResource): StoreRef[] {
  if (!key.region) {
    return [];
  }
  const direct = graph.referrersOf(key, ...STORE_TYPES).map((store) => `key of ${storeIdentity(graph, store)}`);
  const aliases = graph
    .referrersOf(key, 'AWS::KMS::Alias')
    .map((a) => str(a.properties.AliasName))
    .filter((a): a is string => a !== undefined);
  const byAlias = aliases.flatMap((alias) =>
    aliasStores(graph, alias.replace(/^alias\//, ''), key.region!).map((r) => r.identity),
  );
  return [...new Set([...direct, ...byAlias])].map((identity) => ({ identity, region: key.region! }));
}

/** The store copies in `region` whose key is named by `alias` (a replica's key in another stack). */
function aliasStores(graph: ResourceGraph, alias: string, region: string): StoreRef[] {
  const names = (value: unknown) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
    return text === `alias/${alias}` || text.endsWith(`:alias/${alias}`) || text.includes(`:alias/${alias}"`);
  };
  const identities = new Set<string>();
  for (const store of graph.ofType(...STORE_TYPES)) {
    const p = store.properties;
    const replicaKeys =
      store.type === 'AWS::DynamoDB::GlobalTable'
        ? blocks(p.Replicas).map(
            (r) =>
              [str(r.Region), isObject(r.SSESpecification) ? r.SSESpecification.KMSMasterKeyId : undefined] as const,
          )
        : store.type === 'AWS::SecretsManager::Secret'
          ? blocks(p.ReplicaRegions).map((r) => [str(r.Region), r.KmsKeyId] as const)
          : [];
    if (replicaKeys.some(([r, keyId]) => r === region && names(keyId))) {
      identities.add(storeIdentity(graph, store));
    }
  }
  // A key found only by alias in its own stack: the stores there that name the alias.
  for (const aliasResource of graph
    .ofType('AWS::KMS::Alias')
    .filter((a) => a.region === region && str(a.properties.AliasName) === `alias/${alias}`)) {
    for (const key of graph.referencedBy(aliasResource, 'AWS::KMS::Key')) {
      graph.referrersOf(key, ...STORE_TYPES).forEach((store) => identities.add(storeIdentity(graph, store)));
    }
  }
  return [...identities].map((identity) => ({ identity: `key of ${identity}`, region }));
}
