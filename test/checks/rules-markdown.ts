import * as fs from 'fs';
import * as path from 'path';
import { HA_RULES } from '../../lib/checks/rules';
import type { CorpusFigures } from './corpus/corpus';

/** The corpus figures RULES.md prints: written by write-rules-md.ts, checked against the corpus by corpus.test.ts. */
export const MEASURED_FILE = path.join(__dirname, 'corpus', 'measured.json');

const HEADER = `# HA rules

\`ha-constructs/checks\` reads synthesized CloudFormation templates (\`cdk.out\`, stages and nested
stacks included) and Terraform JSON (\`cdktf.out\`), normalises both into one resource graph, runs the
rules below and computes the resilience report: per service and stack, the AZ and region RTO/RPO and
the availability the topology achieves, against the objectives of its tier.

- **CDK**: \`Validations.of(app).addPlugins(new HaChecks())\` (or \`new App({ policyValidationBeta1: [new HaChecks()] })\`);
  \`cdk synth\` prints the findings and the report and fails on errors. Acknowledge a finding on the
  construct it names (or a parent) with a reason: \`Validations.of(scope).acknowledge({ id: 'HA-KMS1', reason: '...' })\`
  (\`HaChecks::HA-KMS1\` works too). \`HaChecks\` needs aws-cdk-lib only as types; the rest of \`ha-constructs/checks\` runs without it.
- **CLI**: \`npx ha-report <cdk.out|cdktf.out|template|plan.json|directory> [--json|--markdown|--sarif] [--fail-on warning]\`:
  exit 1 on findings at the failing level, 2 on input it cannot read (\`--help\` lists every option).
- **Library**: \`checkPath(path)\`, \`checkInputs({ cloudFormation, terraform })\`, \`checkGraph(graph, { rules })\`.

Which tier a resource is checked against comes from the HA record the constructs write
(\`Metadata["ha-constructs"]\`; Terraform: the \`//\` block, else \`ha:*\` tags or \`ha-*\` labels), or from
\`ha-report --tier\`. A resource without a record belongs to its stack's service when the stack holds
exactly one. A resource of no declared tier is held to the production baseline (\`PRODUCTION_BASELINE\`
in \`lib/core/figures-checks.ts\`: 2 zones, 2 instances behind a load balancer, 7 days of backups);
rules marked *tier* below judge only a tier's resources and skip it.

Each rule has a category: **availability**, **recovery**, **security hygiene** or **operations**. A
security hygiene or operations error is a warning on a resource of no declared tier (a tier promises
them; a template without one is told about them without failing on them). A value a rule reads that
the input leaves unknown (a parameter with no value, a plan's value known after apply) is reported
under "Not checked", never as a finding or a pass.

A finding is \`{ rule, level, category, stack, resource, message }\`: \`resource\` is the logical id, the
Terraform address, or \`service:<name>\` for something a service lacks; the message says what to change,
in the words of whoever wrote the template (CDK's API, CloudFormation properties, Terraform arguments).

| id | level | category | requires | why | reads |
|---|---|---|---|---|---|
`;

const FOOTER = `
## How the report computes its figures

- **AZ RTO** (the worst over the service's stacks; each stack's own under \`perStack\`): the slowest
  failover an AZ loss triggers — Aurora reader promotion (\`AURORA_FAILOVER_SECONDS\`), RDS Multi-AZ
  (\`RDS_MULTI_AZ_INSTANCE_FAILOVER_SECONDS\`, \`RDS_MULTI_AZ_CLUSTER_FAILOVER_SECONDS\`), Cloud SQL HA
  (unproven: Google publishes when a failover starts, \`CLOUD_SQL_HA_FAILOVER_SECONDS\`, not how long it
  takes), and the load balancer dropping failed targets: interval ×
  unhealthy threshold + timeout (\`targetFailoverSeconds\`, defaults from \`lib/core/figures-checks.ts\`).
  A single-AZ database or fleet has no published recovery time: the figure is *unproven*. An ECS
  service with no load balancer (a worker) takes the visibility timeout of the SQS queues it scales on,
  when the tasks the other AZs keep carry the peak its HA record states (\`requiredCapacity\`); it is
  *unproven* otherwise, and a gray AZ of a statically stable worker, which nothing removes, is unknown;
  a load-balanced service that also drains queues adds their visibility timeout beside its target check.
- **AZ RPO**: 0 for synchronous multi-AZ stores and regional services; \`PITR_RPO_SECONDS\` for a
  single-AZ database restored to its latest restorable time.
- **Region RTO** (per service): detection + max(TTL, decision + max(promotion, scale-up)). Detection is
  the Route 53 health check, interval × threshold + \`ROUTE53_HTTP_CHECK_TIMEOUT_SECONDS\`; the TTL is the
  record's, or \`ROUTE53_ALIAS_ELB_TTL_SECONDS\` for an alias; the decision is the starting alarm's
  evaluation, or the time a person takes as the owner states it; promotion is
  \`AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS\` for a global database, after a new writer for a headless
  secondary; scale-up is the standby fleet growing to the primary's size. No health-checked routing, or
  a step no one publishes (a person's decision, a new writer, a launch, a Cloud SQL promotion, a restore
  for backup and restore) make it *unproven*, unless a drill measurement the owner recorded in the stack
  (\`recordDrillMeasurement\`: seconds, date, drill) bounds that step: it counts for the tier's
  \`drillIntervalDays\` after the drill (92 days with a second region, 366 for backup and restore), is
  stale after that (HA-DRL2), and never lowers a published figure. A service in one region cannot
  recover from that region's loss: *not met*. An unproven region RTO shows its known part as a lower
  bound (\`≥ 396 s ?\`). For backup and restore, an alarm on AWS Backup's \`NumberOfRestoreJobsRunning\`
  over the tier's region RTO (\`BackupPolicy\`'s \`RestoreTimeAlarm\`) is named as the RTO's guard.
- **Region RPO**: the slowest cross-region copy of any primary store (Aurora Global by the
  \`rds.global_db_rpo\` of its cluster parameter group, DynamoDB MRSC, S3 RTC, GCS turbo replication), or
  the interval of backups copied to another region. A store without a copy loses everything: *not met*;
  a copy with only a typical lag (Aurora without \`rds.global_db_rpo\` or on MySQL, DynamoDB eventual
  consistency) or no published bound: *unproven*.
- **Availability**: published SLAs (\`PUBLISHED_SLAS\`) of the request path — load balancer, fleet,
  database, file system, the SQS queue an ECS service drains — in series per region; regions in parallel for
  active/active (the primary region alone otherwise); global components (Route 53, global tables) in series. SLAs are floors under an
  assumption of independent failures, not measurements; buckets and secrets are assumed off the request path.
  An Aurora writer held to \`rds.global_db_rpo\` waits on its secondaries: with every secondary that has a DB
  instance in one region (or only headless ones, which AWS does not say the bound measures), that region and the
  path to it are in series with the writes, with no published figure: *unproven*.

Every figure carries its derivation: the resources, the values and the names of the published figures.
`;

/** RULES.md, generated from the rule pack so that the two cannot drift. */
export function rulesMarkdown(): string {
  const rows = HA_RULES.map(
    (r) =>
      `| ${r.id} | ${r.level} | ${r.category}${r.needsTier ? ', *tier*' : ''} | ${cell(r.info)} | ${cell(r.explanation)} ` +
      `| ${r.resourceTypes.map((t) => `\`${t}\``).join(', ')} |`,
  );
  return `${HEADER}${rows.join('\n')}\n${FOOTER}${corpusSection(JSON.parse(fs.readFileSync(MEASURED_FILE, 'utf8')))}`;
}

/** What the rules find, and wrongly report, on inputs nobody here wrote (test/checks/corpus). */
function corpusSection(figures: CorpusFigures): string {
  const { found, weaknesses, traps, trapsHit } = figures;
  const recall = `${found} of ${weaknesses} weaknesses found (${percent(found, weaknesses)})`;
  const share = percent(found, found + trapsHit);
  const precision = `${found} weaknesses found against ${trapsHit} of the ${traps} traps hit (${share})`;
  const notRead =
    figures.notRead.length === 0
      ? '- Every input was read.\n'
      : `- Not read yet, their weaknesses counted as missed: ${figures.notRead.map((n) => `\`${n}\``).join(', ')}.\n`;
  return `
## Measured on a corpus of templates nobody here wrote

\`test/checks/corpus\` holds ${figures.inputs} inputs: apps synthesized at test time from construct libraries
installed from npm (AWS Solutions Constructs patterns, aws-cdk-lib's ECS patterns), with no HA record, and
templates written in the shapes public projects use (CloudFormation YAML with parameters, mappings and
conditions, array-form Terraform JSON, a \`terraform show -json\` plan with a child module, a zonal Google
instance group). Each was judged once, as an SRE reviewing it would, before any rule changed
(\`verdicts.ts\`): ${weaknesses} weaknesses a reviewer should flag, and ${traps} findings that would be
false positives (traps). \`corpus.test.ts\` fails when a rule change moves these figures; each weakness
and each trap counts once, however many of its resources are reported.

- **Recall**: ${recall}. Missed, by the rule that should catch them:
  ${counts(figures.missedByRule)}.
- **Precision**: ${precision}. Traps hit, by rule:
  ${counts(figures.falsePositivesByRule)}.
${notRead}- ${figures.otherFindings} other findings are neither a weakness nor a trap (security hygiene,
  operations) and count neither way.
`;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${Math.round((100 * part) / whole)} %`;
}

/** `HA-AZ1 ×3, no rule yet ×2`: counts by rule ('none' is a weakness no rule covers yet). */
function counts(byRule: Readonly<Record<string, number>>): string {
  const entries = Object.entries(byRule).map(([rule, n]) => `${rule === 'none' ? 'no rule yet' : rule} ×${n}`);
  return entries.length === 0 ? 'none' : entries.join(', ');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
