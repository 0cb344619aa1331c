import { Stage } from 'aws-cdk-lib';
import { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';

/**
 * What keeps data safe in a CloudFormation template: for every resource type that stores data
 * (or, for keys, the means to read it), whether the resource must be retained or snapshotted on
 * delete and on replacement, and where the service offers deletion protection, how the template
 * turns it on.
 */
interface StatefulRule {
  /** Whether `Snapshot` counts (only types CloudFormation can snapshot). */
  readonly snapshot: boolean;
  /** Returns a problem when deletion protection is off; undefined when on or not offered. */
  readonly protection?: (properties: Record<string, unknown>) => string | undefined;
}

const propertyTrue = (name: string) => (p: Record<string, unknown>) =>
  p[name] === true || p[name] === 'true' ? undefined : `${name} is ${JSON.stringify(p[name])}, expected true`;

/** Aurora/DocumentDB/Neptune member instances hold no data of their own: the cluster does. */
const isClusterMember = (type: string, p: Record<string, unknown>) =>
  type === 'AWS::RDS::DBInstance' && p.DBClusterIdentifier !== undefined;

const STATEFUL_TYPES: Record<string, StatefulRule> = {
  'AWS::DynamoDB::Table': { snapshot: false, protection: propertyTrue('DeletionProtectionEnabled') },
  'AWS::DynamoDB::GlobalTable': {
    snapshot: false,
    protection: (p) => {
      const replicas = (p.Replicas as Record<string, unknown>[] | undefined) ?? [];
      const off = replicas.filter((r) => r.DeletionProtectionEnabled !== true).map((r) => JSON.stringify(r.Region));
      return off.length > 0 ? `DeletionProtectionEnabled is not true on the replicas in ${off.join(', ')}` : undefined;
    },
  },
  'AWS::S3::Bucket': { snapshot: false },
  'AWS::KMS::Key': { snapshot: false },
  'AWS::SecretsManager::Secret': { snapshot: false },
  'AWS::RDS::DBCluster': { snapshot: true, protection: propertyTrue('DeletionProtection') },
  'AWS::RDS::DBInstance': { snapshot: true, protection: propertyTrue('DeletionProtection') },
  'AWS::RDS::GlobalCluster': { snapshot: false, protection: propertyTrue('DeletionProtection') },
  'AWS::DocDB::DBCluster': { snapshot: true, protection: propertyTrue('DeletionProtection') },
  'AWS::Neptune::DBCluster': { snapshot: true, protection: propertyTrue('DeletionProtection') },
  'AWS::EFS::FileSystem': { snapshot: false },
  'AWS::FSx::FileSystem': { snapshot: false },
  'AWS::EC2::Volume': { snapshot: true },
  'AWS::ElastiCache::ReplicationGroup': { snapshot: true },
  'AWS::OpenSearchService::Domain': { snapshot: false },
  'AWS::Backup::BackupVault': { snapshot: false },
  'AWS::Logs::LogGroup': { snapshot: false, protection: propertyTrue('DeletionProtectionEnabled') },
  'AWS::SSMIncidents::ReplicationSet': { snapshot: false, protection: propertyTrue('DeletionProtected') },
  'AWS::Cognito::UserPool': {
    snapshot: false,
    protection: (p) =>
      p.DeletionProtection === 'ACTIVE'
        ? undefined
        : `DeletionProtection is ${JSON.stringify(p.DeletionProtection)}, expected "ACTIVE"`,
  },
};

/** The resource types {@link statefulProblems} checks. */
export const STATEFUL_RESOURCE_TYPES: readonly string[] = Object.keys(STATEFUL_TYPES);

/** A CloudFormation template, as far as the walk reads it. */
export interface TemplateJson {
  readonly Resources?: Record<
    string,
    {
      readonly Type: string;
      readonly Properties?: Record<string, unknown>;
      readonly DeletionPolicy?: string;
      readonly UpdateReplacePolicy?: string;
    }
  >;
}

/**
 * Every way a stateful resource of `template` could lose data: a `DeletionPolicy` or
 * `UpdateReplacePolicy` that is not `Retain` (or `Snapshot` where the type supports it), and
 * deletion protection that is off where the service offers it. One line per problem, naming
 * `where` (a stack name) and the logical id, so a failing test says exactly what to fix.
 */
export function statefulProblems(template: TemplateJson, where = 'template'): string[] {
  const problems: string[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const rule = STATEFUL_TYPES[resource.Type];
    if (!rule || isClusterMember(resource.Type, resource.Properties ?? {})) {
      continue;
    }
    const kept = rule.snapshot ? ['Retain', 'Snapshot'] : ['Retain'];
    const name = `${where}/${logicalId} (${resource.Type})`;
    // RetainExceptOnCreate deletes only a resource whose creation failed: it never held data.
    if (![...kept, 'RetainExceptOnCreate'].includes(resource.DeletionPolicy ?? 'Delete')) {
      problems.push(
        `${name}: DeletionPolicy is ${resource.DeletionPolicy ?? 'Delete (absent)'}, expected ${kept.join(' or ')}`,
      );
    }
    if (!kept.includes(resource.UpdateReplacePolicy ?? 'Delete')) {
      problems.push(
        `${name}: UpdateReplacePolicy is ${resource.UpdateReplacePolicy ?? 'Delete (absent)'}, expected ${kept.join(' or ')}`,
      );
    }
    const unprotected = rule.protection?.(resource.Properties ?? {});
    if (unprotected) {
      problems.push(`${name}: ${unprotected}`);
    }
  }
  return problems;
}

/** {@link statefulProblems} over every stack of an app (nested stages included), synthesizing it. */
export function statefulProblemsOfApp(app: Stage): string[] {
  const assembly = app.synth();
  const stacks: CloudFormationStackArtifact[] = assembly.stacksRecursively;
  return stacks.flatMap((stack) => statefulProblems(stack.template as TemplateJson, stack.hierarchicalId));
}
