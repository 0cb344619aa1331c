import { GraphResource } from '../../graph/model';
import { block, blocks, JsonObject, policyDocument, statements, str, strings } from '../../graph/values';
import { inWords } from '../support';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';

const TYPES = [
  'AWS::S3::Bucket',
  'aws_s3_bucket',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'aws_rds_cluster',
  'aws_db_instance',
  'google_sql_database_instance',
];

/** HA-TLS1: data stores refuse unencrypted connections. */
export const TlsOnlyDataAccess: HaRule = {
  id: 'HA-TLS1',
  level: 'error',
  category: 'security-hygiene',
  info: 'Bucket policies deny requests without TLS (aws:SecureTransport false); RDS and Aurora parameter groups force SSL (rds.force_ssl or require_secure_transport; RDS for PostgreSQL 15 and later does by default); Cloud SQL sets ssl_mode ENCRYPTED_ONLY or stricter.',
  explanation:
    'Failover moves clients to endpoints and networks they did not use before; TLS enforced at the store, not left to each client, keeps that move from exposing credentials or data in transit.',
  resourceTypes: [
    ...TYPES,
    'AWS::S3::BucketPolicy',
    'aws_s3_bucket_policy',
    'AWS::RDS::DBClusterParameterGroup',
    'aws_rds_cluster_parameter_group',
  ],
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).flatMap((r): Evaluation[] => {
      switch (r.type) {
        case 'AWS::S3::Bucket':
        case 'aws_s3_bucket':
          return [
            outcome(
              r,
              bucketDeniesPlainHttp(context, r)
                ? undefined
                : `${r.address} accepts requests without TLS: ${inWords(r, {
                    cdk: 'set enforceSSL: true',
                    cloudFormation:
                      'add an AWS::S3::BucketPolicy statement that denies s3:* when aws:SecureTransport is false',
                    terraform:
                      'add an aws_s3_bucket_policy statement that denies s3:* when aws:SecureTransport is false',
                  })}`,
            ),
          ];
        case 'google_sql_database_instance': {
          const ip = block(block(r.properties.settings)?.ip_configuration) ?? {};
          const mode = str(ip.ssl_mode);
          const ok =
            mode === 'ENCRYPTED_ONLY' || mode === 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED' || ip.require_ssl === true;
          return [
            outcome(
              r,
              ok
                ? undefined
                : `${r.address} accepts unencrypted connections: set settings.ip_configuration.ssl_mode = "ENCRYPTED_ONLY"`,
            ),
          ];
        }
        default: {
          if (r.type === 'AWS::RDS::DBInstance' && r.properties.DBClusterIdentifier !== undefined) {
            return [];
          }
          return [
            outcome(
              r,
              databaseForcesSsl(context, r)
                ? undefined
                : `${r.address} accepts connections without TLS: use a parameter group that sets rds.force_ssl = 1 (PostgreSQL) or require_secure_transport = ON (MySQL)`,
            ),
          ];
        }
      }
    });
  },
};

/** Whether a policy document denies requests made without TLS. */
export function deniesInsecureTransport(document: JsonObject | undefined): boolean {
  return statements(document).some((s) => {
    if (str(s.Effect ?? s.effect) !== 'Deny') {
      return false;
    }
    if (s.Condition !== undefined) {
      const bool = block(block(s.Condition)?.Bool);
      return bool !== undefined && String(bool['aws:SecureTransport']) === 'false';
    }
    return blocks(s.condition).some(
      (c) => str(c.variable) === 'aws:SecureTransport' && strings(c.values).includes('false'),
    );
  });
}

function bucketDeniesPlainHttp(context: RuleContext, bucket: GraphResource): boolean {
  const policies = context.graph.referrersOf(bucket, 'AWS::S3::BucketPolicy', 'aws_s3_bucket_policy');
  return policies.some((policy) => {
    const inline = policyDocument(policy.properties.PolicyDocument ?? policy.properties.policy);
    const documents = [
      inline,
      ...context.graph.referencedBy(policy, 'aws_iam_policy_document').map((d) => d.properties),
    ];
    return documents.some(deniesInsecureTransport);
  });
}

/** The first major version of RDS for PostgreSQL whose default parameter group forces SSL. */
const RDS_POSTGRES_FORCE_SSL_DEFAULT_SINCE = 15;

const SSL_PARAMETERS: Record<string, string[]> = {
  'rds.force_ssl': ['1', 'true'],
  require_secure_transport: ['1', 'ON', 'on', 'true'],
};

function databaseForcesSsl(context: RuleContext, db: GraphResource): boolean {
  const groups = context.graph.referencedBy(
    db,
    'AWS::RDS::DBClusterParameterGroup',
    'AWS::RDS::DBParameterGroup',
    'aws_rds_cluster_parameter_group',
    'aws_db_parameter_group',
  );
  const parameters = groups.flatMap((group) =>
    group.engine === 'cloudformation'
      ? Object.entries(block(group.properties.Parameters) ?? {}).map(([name, value]) => ({
          name,
          value: String(value),
        }))
      : blocks(group.properties.parameter).map((p) => ({ name: String(p.name), value: String(p.value) })),
  );
  if (parameters.some((p) => SSL_PARAMETERS[p.name]?.includes(p.value))) {
    return true;
  }
  return forcesSslByDefault(db) && !parameters.some((p) => p.name === 'rds.force_ssl');
}

/**
 * RDS for PostgreSQL 15 and later defaults `rds.force_ssl` to 1 (a version left out is the current
 * default, later than 15); Aurora and other engines default to accepting plain connections.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html
 */
function forcesSslByDefault(db: GraphResource): boolean {
  const p = db.properties;
  if (str(p.Engine ?? p.engine) !== 'postgres') {
    return false;
  }
  const version = p.EngineVersion ?? p.engine_version;
  if (version === undefined) {
    return true;
  }
  const major = Number(str(version)?.split('.')[0]);
  return Number.isFinite(major) && major >= RDS_POSTGRES_FORCE_SSL_DEFAULT_SINCE;
}
