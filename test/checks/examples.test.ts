import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { addTfAwsTier1WarmStandby } from '../../examples/tf-aws-tier1-warm-standby';
import { checkInputs } from '../../lib/checks/check';
import { readInputs } from '../../lib/checks/graph/load';
import { HaReport } from '../../lib/checks/report';

type TfJson = { resource: Record<string, Record<string, Record<string, unknown>>> };

let synthesized: TfJson;

// Synthesized as `cdktf synth` does (the `//` metadata blocks are only written then), and read back from cdktf.out.
beforeAll(() => {
  process.env.CHECKPOINT_DISABLE = '1';
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-checks-'));
  const app = new App({ outdir });
  addTfAwsTier1WarmStandby(app);
  app.synth();
  synthesized = readInputs(outdir).terraform![0].json as TfJson;
  fs.rmSync(outdir, { recursive: true, force: true });
});

function check(json: TfJson): HaReport {
  return checkInputs({ terraform: [{ name: 'tf-aws-tier1-warm-standby', json }] });
}

/** A deep copy of the example to weaken. */
function copy(): TfJson {
  return JSON.parse(JSON.stringify(synthesized));
}

/** The address of the only resource of `type` whose body satisfies `predicate`. */
function only(json: TfJson, type: string, predicate: (body: Record<string, unknown>) => boolean): string {
  const names = Object.entries(json.resource[type] ?? {})
    .filter(([, body]) => predicate(body))
    .map(([name]) => name);
  expect(names).toHaveLength(1);
  return names[0];
}

const isPrimaryFailover = (body: Record<string, unknown>) =>
  JSON.stringify(body.failover_routing_policy ?? '').includes('PRIMARY');
const isPrimaryCluster = (body: Record<string, unknown>) =>
  body.provider !== 'aws.standby' && !JSON.stringify(body).includes('"role":"standby"');

describe('TIER_1 warm standby example (cdktf, AWS)', () => {
  test('THEN the runbooks start the failover; region RTO and RPO, and the AZ RTO of a gray AZ, unproven', () => {
    const {
      services: [report],
      acknowledged,
    } = check(synthesized);
    expect(report).toMatchObject({
      tier: 'TIER_1',
      strategy: 'WARM_STANDBY',
      regions: ['us-east-1', 'us-west-2'],
      objectivesMet: false,
    });
    // The database is held to 60 s by rds.global_db_rpo; the sessions table's eventual consistency has no bound.
    // A gray AZ behind the primary load balancer: per-AZ detection + the zonal shift it starts (no published time).
    // rds.global_db_rpo also stops the writer's commits when its one secondary region is out for longer than 60 s:
    // that region and the path to it are in series with the writes, with no published figure.
    expect(report.status).toMatchObject({
      azRto: 'unproven',
      azRpo: 'met',
      regionRpo: 'unproven',
      regionRto: 'unproven',
      availability: 'unproven',
    });
    expect(report.derivation.map((step) => step.basis)).toContainEqual(
      expect.stringContaining(
        'a person is paged, decides to fail over and starts the runbooks within the 300 s the owner states',
      ),
    );
    const rpoSteps = report.derivation.filter((step) => step.quantity === 'regionRpo');
    expect(rpoSteps.map((step) => [step.value, step.basis.split(':')[0]])).toEqual(
      expect.arrayContaining([
        [60, 'rds.global_db_rpo blocks commits beyond 60 s of lag'],
        [undefined, 'DynamoDB global table with eventual consistency'],
      ]),
    );
    expect(report.regionRpoSeconds).toBeNull();
    expect(report.azRtoSeconds).toBeNull();
    expect(report.lowerBounds.azRto).toBe(120);
    expect(report.derivation.map((step) => step.basis)).toContainEqual(
      expect.stringMatching(
        /zonal shift: aws_ssm_document\.PrimaryFleet_ZonalShift_Runbook_\w+ starts an ARC zonal shift/,
      ),
    );
    expect(acknowledged?.map((a) => a.rule)).toEqual(['HA-RES2']);
  });

  test('WHEN the runbooks are dropped THEN nothing starts the promotion and the region RTO is not met', () => {
    const json = copy();
    delete json.resource.aws_ssm_document;
    const report = check(json);
    expect(report.services[0].status.regionRto).toBe('not-met');
    expect(report.services[0].derivation.map((step) => step.basis)).toContain(
      'nothing starts the promotion: no runbook in the templates performs it, so the standby region never takes over',
    );
  });

  test('WHEN the primary record loses its health checks THEN HA-DNS1 names the record and the region RTO is no longer shown', () => {
    const json = copy();
    const record = only(json, 'aws_route53_record', isPrimaryFailover);
    const body = json.resource.aws_route53_record[record];
    delete body.health_check_id;
    body.alias = { ...(body.alias as object), evaluate_target_health: false };
    const report = check(json);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ rule: 'HA-DNS1', level: 'error', resource: `aws_route53_record.${record}` }),
    );
    expect(report.services[0].status.regionRto).toBe('unproven');
  });

  test('WHEN the global database is dropped THEN HA-DR1 names the primary cluster and the region RPO is not met', () => {
    const json = copy();
    const cluster = only(json, 'aws_rds_cluster', isPrimaryCluster);
    delete json.resource.aws_rds_cluster[cluster].global_cluster_identifier;
    delete json.resource.aws_rds_global_cluster;
    const report = check(json);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ rule: 'HA-DR1', level: 'error', resource: `aws_rds_cluster.${cluster}` }),
    );
    expect(report.services[0].status.regionRpo).toBe('not-met');
  });

  test('THEN its global table and secret pass HA-ENC1 with their replica keys; WHEN a replica loses its key THEN HA-ENC1 names the resource and the region', () => {
    expect(check(synthesized).findings.filter((f) => f.rule === 'HA-ENC1')).toEqual([]);
    const json = copy();
    const table = only(json, 'aws_dynamodb_table', () => true);
    const secret = only(json, 'aws_secretsmanager_secret', () => true);
    for (const replica of json.resource.aws_dynamodb_table[table].replica as Record<string, unknown>[]) {
      delete replica.kms_key_arn;
    }
    for (const replica of json.resource.aws_secretsmanager_secret[secret].replica as Record<string, unknown>[]) {
      replica.kms_key_id = 'alias/aws/secretsmanager';
    }
    expect(check(json).findings.filter((f) => f.rule === 'HA-ENC1')).toEqual([
      expect.objectContaining({
        level: 'error',
        resource: `aws_dynamodb_table.${table}`,
        message: expect.stringContaining('has replicas without a customer-managed key in us-west-2 (no kms_key_arn'),
      }),
      expect.objectContaining({
        level: 'error',
        resource: `aws_secretsmanager_secret.${secret}`,
        message: expect.stringContaining('in us-west-2 ("alias/aws/secretsmanager" is an AWS managed key)'),
      }),
    ]);
  });

  test('WHEN deletion protection is turned off THEN HA-DEL2 names the cluster', () => {
    const json = copy();
    const cluster = only(json, 'aws_rds_cluster', isPrimaryCluster);
    json.resource.aws_rds_cluster[cluster].deletion_protection = false;
    expect(check(json).findings).toContainEqual(
      expect.objectContaining({ rule: 'HA-DEL2', level: 'error', resource: `aws_rds_cluster.${cluster}` }),
    );
  });
});
