import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * Engines only render plans: an engine file of a family that moved to a planner holds no numeric
 * or duration literal of its own (a capacity, a threshold, a period, a TTL, a retention). The
 * families and their engine files are the table "Families moved to planners" of
 * docs/ARCHITECTURE.md; a literal an engine needs for its own sake (an array index, a resource
 * shape) is listed below with the reason.
 */

const ROOT = path.join(__dirname, '..', '..');

/** Literals allowed in any engine file: the identity and emptiness values. */
const ALWAYS_ALLOWED = new Set(['0', '1']);

/** Per file: the source text of a literal's line that may hold it, and why. */
const ALLOWED: Record<string, { readonly line: string; readonly why: string }[]> = {
  'lib/aws/canary.ts': [
    { line: 'cloudwatch.Stats.p(90)', why: 'the default statistic of the run-duration metric, a dashboard line' },
  ],
  'lib/aws/gray-failure-drill.ts': [
    { line: 'plan.durationSeconds / 60', why: 'seconds shown as minutes in a description' },
  ],
  'lib/tf/aws/service.ts': [
    { line: 'this.node.addr.slice(0, 16)', why: 'a short unique name for the cluster, service and alarms' },
    { line: "arn.split(':').slice(0, 7)", why: "a secret's ARN without its JSON key suffix: the ARN has 7 parts" },
    { line: 'port: 443', why: 'the HTTPS listener' },
    { line: 'port: 80', why: 'the HTTP listener that redirects to HTTPS' },
    { line: 'HTTPS_PORT = 443', why: "a worker's only way out: HTTPS to ECR, CloudWatch Logs and SQS" },
  ],
  'lib/tf/aws/function.ts': [
    {
      line: 'this.node.addr.slice(0, 16)',
      why: 'a short unique name for the function, its queue, alarms and deployment',
    },
  ],
  'lib/tf/google/runbooks.ts': [
    { line: 'Sa`, 30)', why: 'service account ids are at most 30 characters' },
    { line: "'TriggerSa', 30)", why: 'service account ids are at most 30 characters' },
    { line: 'JSON.stringify(plan.definition, undefined, 2)', why: 'the workflow source, indented for a reader' },
    { line: 'uniqueName(this, name, 64)', why: 'workflow names are at most 64 characters' },
    { line: 'plan.title.slice(0, 1000)', why: 'a workflow description is at most 1000 characters' },
    { line: '.slice(0, 100)', why: 'IAM condition and role titles are at most 100 characters' },
    { line: "'Scaling', 64)", why: 'custom role ids are at most 64 characters' },
  ],
  'lib/tf/google/zone-drill.ts': [
    { line: "'Sa', 30)", why: 'service account ids are at most 30 characters' },
    { line: "'SchedSa', 30)", why: 'service account ids are at most 30 characters' },
    { line: "'Role', 64)", why: 'custom role ids are at most 64 characters' },
    { line: '.slice(0, 100)', why: 'a custom role title is at most 100 characters' },
    { line: 'JSON.stringify(plan.definition, undefined, 2)', why: 'the workflow source, indented for a reader' },
    { line: "'Resource', 64)", why: 'workflow names are at most 64 characters' },
  ],
  'lib/tf/google/region-switchover-drill.ts': [
    { line: "'Sa', 30)", why: 'service account ids are at most 30 characters' },
    { line: "'SchedSa', 30)", why: 'service account ids are at most 30 characters' },
    { line: "'Role', 64)", why: 'custom role ids are at most 64 characters' },
    { line: '.slice(0, 100)', why: 'a custom role title is at most 100 characters' },
    { line: 'JSON.stringify(plan.definition, undefined, 2)', why: 'the workflow source, indented for a reader' },
    { line: "'Resource', 64)", why: 'workflow names are at most 64 characters' },
  ],
  'lib/tf/google/gke-cluster.ts': [
    { line: "'Nodes', 30)", why: 'service account ids are at most 30 characters' },
    { line: '`Workload${id}`, 30)', why: 'service account ids are at most 30 characters' },
    { line: "'Resource', 40)", why: 'GKE cluster names are at most 40 characters' },
    { line: "'NodePool', 40)", why: 'GKE node pool names are at most 40 characters' },
  ],
  'lib/aws/eks-cluster.ts': [
    { line: 'maxLength: 100', why: 'EKS cluster names are at most 100 characters' },
    {
      line: 'httpPutResponseHopLimit: 2',
      why: "a hop limit of 2 lets pods on the node reach IMDSv2 (EKS's documented setting for containers)",
    },
  ],
  'lib/tf/aws/eks-cluster.ts': [
    { line: 'this.node.addr.slice(0, 16)', why: 'a short unique name for the cluster and its node groups' },
    {
      line: 'httpPutResponseHopLimit: 2',
      why: "a hop limit of 2 lets pods on the node reach IMDSv2 (EKS's documented setting for containers)",
    },
  ],
  'lib/tf/google/cloud-run.ts': [
    { line: "'Sa', 30)", why: 'service account ids are at most 30 characters' },
    { line: ', 49),', why: 'Cloud Run service names are at most 49 characters' },
  ],
  'lib/aws/backup.ts': [
    { line: 'maxLength: 50', why: "AWS Backup's plan and restore testing plan names are at most 50 characters" },
  ],
  'lib/tf/aws/audit-trail.ts': [{ line: 'this.node.addr.slice(0, 20)', why: 'a short unique trail name' }],
  'lib/tf/aws/canary.ts': [
    { line: 'this.node.addr.slice(0, 18)', why: 'canary names are at most 21 characters: a short unique name' },
  ],
  'lib/aws/database.ts': [
    { line: 'passwordLength: 30', why: "the generated master password's length: a credential, not an HA value" },
    { line: 'maxLength: 40, separator', why: "a short unique name for the proxy's read-only endpoint" },
  ],
  'lib/tf/aws/global-database.ts': [
    { line: 'this.node.addr.slice(0, 20)', why: 'a short unique name for the clusters, their groups and the alarm' },
  ],
  'lib/tf/google/database.ts': [
    { line: '.slice(0, 100)', why: 'an IAM condition title is at most 100 characters' },
    { line: 'queryStringLength: 1024', why: "Query Insights' query length: an observability setting, not an HA value" },
    { line: ', 80),', why: "instance names: a prefix of the construct path within Cloud SQL's name length" },
  ],
  'lib/aws/fleet.ts': [
    { line: 'port: 443', why: "the HTTPS listener's port" },
    { line: 'port: 80', why: 'the HTTP listener that redirects to HTTPS' },
    { line: 'sourcePort: 80, targetPort: 443', why: 'the HTTP-to-HTTPS redirect' },
    { line: 'percentile > 0 && percentile < 100', why: 'what a percentile is' },
    { line: 'const day = 86400000', why: 'milliseconds in a day, for calendar dates' },
    { line: '.toISOString().slice(0, 10)', why: 'the YYYY-MM-DD part of a date' },
  ],
  'lib/tf/aws/fleet.ts': [
    { line: '[443, 80]', why: 'the HTTPS listener and the HTTP redirect' },
    { line: 'listenerPort === 443', why: 'the HTTPS listener' },
    { line: 'fromPort: 443,', why: 'HTTPS to AWS APIs' },
    { line: 'toPort: 443,', why: 'HTTPS to AWS APIs' },
    { line: 'port: 443', why: "the HTTPS listener's port" },
    { line: 'port: 80', why: 'the HTTP listener that redirects to HTTPS' },
    { line: 'this.node.addr.slice(0, 16)', why: 'a short unique name' },
  ],
  'lib/tf/aws/global-table.ts': [{ line: 'this.node.addr.slice(0, 20)', why: 'a short unique alarm name' }],
  'lib/tf/google/secret.ts': [
    { line: "uniqueName(this, 'RotationTopic', 255)", why: 'the longest Pub/Sub topic name' },
  ],
  'lib/tf/aws/dns.ts': [
    {
      line: 'this.node.addr.slice(0, 20)',
      why: 'alarm names: a prefix of the construct address keeps them unique and short',
    },
  ],
  'lib/tf/aws/slo.ts': [
    {
      line: 'const ALARM_NAME_ADDR_CHARS = 8',
      why: 'alarm names: a prefix of the construct address keeps them unique and short',
    },
  ],
};

/** Engine files of the moved families, from the table in docs/ARCHITECTURE.md. */
function movedEngineFiles(): string[] {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
  const table = doc.slice(doc.indexOf('## Families moved to planners'));
  return [...table.matchAll(/`(lib\/(?:aws|tf)\/[^`]+\.ts)`/g)].map((m) => m[1]);
}

/** Numeric literals of a file and `Duration.<unit>(<literal>)` calls, as `line: text`. */
function literalsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isNumericLiteral(node) && !ALWAYS_ALLOWED.has(node.text)) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      const lineText = text.split('\n')[line].trim();
      if (!(ALLOWED[file] ?? []).some((a) => lineText.includes(a.line))) {
        found.push(`${file}:${line + 1}: ${lineText}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test("the moved families' engine files hold no HA literal: every value comes from a planner or core", () => {
  const files = movedEngineFiles();
  for (const file of files) {
    expect(fs.existsSync(path.join(ROOT, file))).toBe(true);
  }
  expect(files.flatMap(literalsOf)).toEqual([]);
});

test('the scan finds a literal where there is one', () => {
  const probe = path.join('test', 'architecture', 'probe.fixture.ts');
  expect(literalsOf(probe)).toEqual([`${probe}:2: export const probe = { healthyThreshold: 3 };`]);
});
