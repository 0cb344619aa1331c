import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { REPLACING_PROPERTIES } from '../../scripts/update-data-loss-baseline';
import { STATEFUL_RESOURCE_TYPES } from '../stateful';
import { SynthesizedFiles } from './examples';

/**
 * A stateful CloudFormation resource as the baseline keeps it: its type, its policies and, of its
 * properties, only those that replace it when they change (REPLACING_PROPERTIES, in
 * scripts/update-data-loss-baseline.ts). The logical id is its key.
 */
export interface BaselineResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/**
 * The committed record of every stateful resource in every example: CloudFormation stack name →
 * logical id → resource; Terraform stack name → address (`type.name`) → type.
 */
export interface DataLossBaseline {
  readonly cloudFormation: Record<string, Record<string, BaselineResource>>;
  readonly terraform: Record<string, Record<string, string>>;
}

/** The diff impacts that lose what a stateful resource holds (or leave it behind, unmanaged). */
export const DATA_LOSS_IMPACTS: readonly ResourceImpact[] = [
  ResourceImpact.WILL_REPLACE,
  ResourceImpact.MAY_REPLACE,
  ResourceImpact.WILL_DESTROY,
  ResourceImpact.WILL_ORPHAN,
];

/** Policies by which a template says a resource holds something worth keeping. */
const KEEP_POLICIES = ['Retain', 'Snapshot', 'RetainExceptOnCreate'];

/**
 * Terraform resource types that hold data (or the keys to read it), or an identity users depend on,
 * whatever their lifecycle says: a global address is what DNS points at, a topic's subscribers are
 * lost with it, a log bucket holds the logs.
 */
export const TF_STATEFUL_TYPES: readonly string[] = [
  'aws_rds_cluster',
  'aws_rds_global_cluster',
  'aws_db_instance',
  'aws_dynamodb_table',
  'aws_s3_bucket',
  'aws_efs_file_system',
  'aws_kms_key',
  'aws_secretsmanager_secret',
  'aws_backup_vault',
  'aws_cloudwatch_log_group',
  'aws_elasticache_replication_group',
  'google_sql_database_instance',
  'google_sql_database',
  'google_storage_bucket',
  'google_kms_key_ring',
  'google_kms_crypto_key',
  'google_secret_manager_secret',
  'google_spanner_instance',
  'google_spanner_database',
  'google_redis_instance',
  'google_filestore_instance',
  'google_compute_disk',
  'google_bigquery_dataset',
  'google_alloydb_cluster',
  'google_firestore_database',
  'google_compute_global_address',
  'google_pubsub_topic',
  'google_logging_project_bucket_config',
  // A GKE cluster's control plane holds every Kubernetes object, and GKE may delete the pods' disks with it.
  // Its node pools are not here: replacing one recreates nodes, whose pods' disks detach and attach again.
  'google_container_cluster',
];

interface CfnResource extends BaselineResource {
  readonly [key: string]: unknown;
}

interface TfDocument {
  readonly resource?: Record<string, Record<string, { readonly lifecycle?: { readonly prevent_destroy?: boolean } }>>;
  readonly moved?: readonly { readonly from: string; readonly to: string }[];
}

/**
 * A resource as the baseline keeps it: type, policies and the properties of its type's
 * REPLACING_PROPERTIES it sets (none for a type without an entry: data-loss.test.ts requires one).
 */
export function baselineResource(resource: BaselineResource): BaselineResource {
  const replacing = REPLACING_PROPERTIES[resource.Type] ?? [];
  const properties = Object.fromEntries(
    replacing
      .filter((name) => resource.Properties?.[name] !== undefined)
      .map((name) => [name, resource.Properties![name]]),
  );
  return Object.fromEntries(
    Object.entries({
      Type: resource.Type,
      Properties: Object.keys(properties).length > 0 ? properties : undefined,
      DeletionPolicy: resource.DeletionPolicy,
      UpdateReplacePolicy: resource.UpdateReplacePolicy,
    }).filter(([, value]) => value !== undefined),
  ) as unknown as BaselineResource;
}

/** Whether a CloudFormation resource holds state: a stateful type, or a template that keeps it on delete. */
export function isStatefulCfn(resource: BaselineResource): boolean {
  return (
    STATEFUL_RESOURCE_TYPES.includes(resource.Type) ||
    KEEP_POLICIES.includes(resource.DeletionPolicy ?? '') ||
    KEEP_POLICIES.includes(resource.UpdateReplacePolicy ?? '')
  );
}

function resourcesOf(templateText: string): Record<string, CfnResource> {
  return (JSON.parse(templateText) as { Resources?: Record<string, CfnResource> }).Resources ?? {};
}

/** Every stateful resource of every template and Terraform document, sorted: the baseline to commit. */
export function dataLossBaseline(cloudFormation: SynthesizedFiles, terraform: SynthesizedFiles): DataLossBaseline {
  const cfn: Record<string, Record<string, BaselineResource>> = {};
  for (const [stack, text] of Object.entries(cloudFormation).sort(([a], [b]) => a.localeCompare(b))) {
    const kept = Object.entries(resourcesOf(text))
      .filter(([, r]) => isStatefulCfn(r))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, r]) => [id, baselineResource(r)]);
    if (kept.length > 0) {
      cfn[stack] = Object.fromEntries(kept);
    }
  }
  const tf: Record<string, Record<string, string>> = {};
  for (const [stack, text] of Object.entries(terraform).sort(([a], [b]) => a.localeCompare(b))) {
    const addresses = Object.entries(tfStatefulAddresses(JSON.parse(text) as TfDocument)).sort(([a], [b]) =>
      a.localeCompare(b),
    );
    if (addresses.length > 0) {
      tf[stack] = Object.fromEntries(addresses);
    }
  }
  return { cloudFormation: cfn, terraform: tf };
}

/** JSON with keys sorted: equal values, equal text. */
function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
        : v,
    ) ?? 'undefined'
  );
}

/** Address → type of the stateful resources of a Terraform document (by type, or by `prevent_destroy`). */
export function tfStatefulAddresses(document: TfDocument): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [type, byName] of Object.entries(document.resource ?? {})) {
    for (const [name, resource] of Object.entries(byName)) {
      if (TF_STATEFUL_TYPES.includes(type) || resource.lifecycle?.prevent_destroy === true) {
        found[`${type}.${name}`] = type;
      }
    }
  }
  return found;
}

/**
 * Every change from the baseline that would lose a stateful resource. For CloudFormation: the diff
 * of the baseline's resources against the same logical ids now, both as {@link baselineResource}
 * keeps them (`@aws-cdk/cloudformation-diff`, the engine behind `cdk diff`), with an impact in
 * {@link DATA_LOSS_IMPACTS}; a replacing property that changes when that engine rates the change
 * an update (its copy of the reference lags, or the update fails instead, as for a KMS key's
 * spec); a `Retain` or `Snapshot` policy that is gone. For Terraform, an address that is gone
 * without a `moved` block to an address that exists. One line per problem.
 */
export function dataLossProblems(
  baseline: DataLossBaseline,
  cloudFormation: SynthesizedFiles,
  terraform: SynthesizedFiles,
): string[] {
  const problems: string[] = [];
  for (const [stack, before] of Object.entries(baseline.cloudFormation)) {
    const now = cloudFormation[stack] === undefined ? {} : resourcesOf(cloudFormation[stack]);
    const kept = Object.fromEntries(Object.entries(before).map(([id, r]) => [id, baselineResource(r)]));
    const after = Object.fromEntries(
      Object.keys(before)
        .filter((id) => now[id] !== undefined)
        .map((id) => [id, baselineResource(now[id])]),
    );
    const diff = fullDiff({ Resources: kept }, { Resources: after });
    const reported = new Set<string>();
    diff.resources.forEachDifference((logicalId, change) => {
      if (DATA_LOSS_IMPACTS.includes(change.changeImpact)) {
        reported.add(logicalId);
        const changed = Object.entries(change.propertyUpdates)
          .filter(
            ([, update]) =>
              update.changeImpact !== ResourceImpact.WILL_UPDATE && update.changeImpact !== ResourceImpact.NO_CHANGE,
          )
          .map(([name, update]) => `${name} (${update.changeImpact})`);
        const cause =
          changed.length > 0
            ? `, because of ${changed.join(', ')}`
            : now[logicalId] === undefined
              ? `, because ${cloudFormation[stack] === undefined ? 'the stack' : 'the logical id'} is gone`
              : '';
        problems.push(`${stack}/${logicalId} (${before[logicalId].Type}): ${change.changeImpact}${cause}`);
      }
    });
    for (const [id, old] of Object.entries(kept).filter(([id]) => after[id] !== undefined)) {
      const changed = (REPLACING_PROPERTIES[old.Type] ?? []).filter(
        (name) => canonical(old.Properties?.[name]) !== canonical(after[id].Properties?.[name]),
      );
      if (!reported.has(id) && after[id].Type === old.Type && changed.length > 0) {
        problems.push(
          `${stack}/${id} (${old.Type}): ${changed.join(', ')} changed, which the CloudFormation reference says replaces it (or fails the update)`,
        );
      }
      for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
        if (KEEP_POLICIES.includes(old[policy] ?? '') && !KEEP_POLICIES.includes(after[id][policy] ?? '')) {
          problems.push(
            `${stack}/${id} (${old.Type}): loses its retention: ${policy} ${old[policy]} is now ${after[id][policy] ?? 'absent (Delete)'}`,
          );
        }
      }
    }
  }
  for (const [stack, before] of Object.entries(baseline.terraform)) {
    const document = (terraform[stack] === undefined ? {} : JSON.parse(terraform[stack])) as TfDocument;
    const exists = (address: string) => {
      const [type, ...name] = address.split('.');
      return document.resource?.[type]?.[name.join('.')] !== undefined;
    };
    for (const [address, type] of Object.entries(before)) {
      if (exists(address)) {
        continue;
      }
      const move = document.moved?.find((m) => m.from === address);
      if (move && exists(move.to)) {
        continue;
      }
      problems.push(
        `${stack}/${address} (${type}): gone${move ? `, and its moved block points at ${move.to}, which does not exist` : ' without a moved block'}: terraform would destroy it`,
      );
    }
  }
  return problems;
}
