import '@microsoft/jest-sarif';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { addAllExamples } from '../../examples';
import { checkInputs, checkPath } from '../../lib/checks/check';
import { main } from '../../lib/checks/cli';
import { HA_RULES, MultiAzDatabase } from '../../lib/checks/rules';
import { SARIF_FINGERPRINT_KEY, SarifLog, SarifResult, sarifLog } from '../../lib/checks/sarif';
import { cdkJsonApp } from '../util';
import { activeActiveCfn } from './fixtures/topologies';

/*
 * `ha-report --sarif`: a SARIF 2.1.0 log that validates against the schema (the one
 * @microsoft/jest-sarif ships), with the rules' help, each finding at the file and line that
 * declare its resource, acknowledged findings suppressed with their reason, and fingerprints that
 * keep a finding's identity across runs.
 */

const INPUTS = path.join(__dirname, 'inputs', 'fixtures');
const CORPUS = path.join(__dirname, 'corpus', 'inputs');

function run(argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTty: false,
  });
  return { code, stdout, stderr };
}

function sarifOf(...argv: string[]): { code: number; log: SarifLog } {
  const { code, stdout, stderr } = run([...argv, '--sarif']);
  expect(stderr).toBe('');
  return { code, log: JSON.parse(stdout) as SarifLog };
}

/** The URI ha-report gives a file: relative to the current directory, with forward slashes. */
function uriOf(file: string): string {
  return path.relative(process.cwd(), file).split(path.sep).join('/');
}

/** The 1-based number of the first line of `file` that `line` matches. */
function lineOf(file: string, line: RegExp): number {
  return (
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((text) => line.test(text)) + 1
  );
}

/** The one result of `ruleId` about `<stack>/<resource>`. */
function resultFor(log: SarifLog, ruleId: string, fullyQualifiedName: string): SarifResult {
  const found = log.runs[0].results.filter(
    (r) => r.ruleId === ruleId && r.locations[0].logicalLocations[0].fullyQualifiedName === fullyQualifiedName,
  );
  expect(found).toHaveLength(1);
  return found[0];
}

function fileAndLine(result: SarifResult) {
  return result.locations[0].physicalLocation;
}

describe('ha-report --sarif on the tier examples', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-sarif-'));
  const synthesized = path.join(work, 'cdk.out');
  let log: SarifLog;

  beforeAll(() => {
    const app = cdkJsonApp({ outdir: synthesized });
    addAllExamples(app, { printReport: false });
    app.synth();
    const examples = sarifOf(synthesized);
    expect(examples.code).toBe(0);
    log = examples.log;
  });

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('THEN the log validates against the SARIF 2.1.0 schema', () => {
    expect(log).toBeValidSarifLog();
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
  });

  test('THEN the driver describes every rule with the text of RULES.md', () => {
    const { driver } = log.runs[0].tool;
    const version = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
    expect(driver).toMatchObject({ name: 'ha-report', semanticVersion: version });
    expect(driver.rules).toHaveLength(HA_RULES.length);
    const { info, explanation } = MultiAzDatabase;
    expect(driver.rules.find((r) => r.id === 'HA-DB1')).toEqual({
      id: 'HA-DB1',
      name: 'MultiAzDatabase',
      shortDescription: { text: info },
      fullDescription: { text: explanation },
      help: {
        text: expect.stringContaining(`${info}\n\nWhy: ${explanation}\n\nReads: AWS::RDS::DBInstance, `),
        markdown: expect.stringContaining(
          `**HA-DB1** (availability): ${info}\n\n**Why:** ${explanation}\n\n` + '**Reads:** `AWS::RDS::DBInstance`, ',
        ),
      },
      defaultConfiguration: { level: 'error' },
      properties: { category: 'availability', tags: ['availability'] },
    });
    const tierOnly = driver.rules.filter((r) =>
      r.help.text.endsWith(
        'It judges only the resources of a declared tier ' + '(ha:tier tags or labels, or ha-report --tier).',
      ),
    );
    expect(tierOnly.map((r) => r.id)).toEqual(HA_RULES.filter((r) => r.needsTier).map((r) => r.id));
    expect(tierOnly.map((r) => r.id)).toContain('HA-RES1');
  });

  test('THEN an acknowledged finding is suppressed in source with its reason, at the line of its logical id', () => {
    const file = path.join(synthesized, 'Tier0-us-east-1.template.json');
    const acknowledged = checkPath(synthesized).acknowledged!.find((f) => f.rule === 'HA-SEC1')!;
    expect(acknowledged.reason).toMatch(/payment provider/);
    const name = `Tier0-us-east-1/${acknowledged.resource}`;
    expect(resultFor(log, 'HA-SEC1', name)).toMatchObject({
      ruleIndex: log.runs[0].tool.driver.rules.findIndex((r) => r.id === 'HA-SEC1'),
      level: 'error',
      suppressions: [{ kind: 'inSource', justification: acknowledged.reason }],
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uriOf(file) },
            region: { startLine: lineOf(file, new RegExp(`^\\s*"${acknowledged.resource}": \\{`)) },
          },
          logicalLocations: [{ name: acknowledged.resource, fullyQualifiedName: name, kind: 'resource' }],
        },
      ],
    });
  });

  test('THEN a finding about a whole service is at the file of its stack, without a line', () => {
    // Reported once, on the service's main stack: the one that serves in the primary role.
    const result = resultFor(log, 'HA-RES2', 'Tier1-us-east-1/service:orders');
    const file = path.join(synthesized, 'Tier1-us-east-1.template.json');
    expect(fileAndLine(result)).toEqual({ artifactLocation: { uri: uriOf(file) } });
    expect(result.suppressions).toHaveLength(1);
  });
});

describe('ha-report --sarif on templates nobody here wrote', () => {
  test.each([
    ['a directory of CloudFormation JSON and YAML, Terraform JSON and a plan', path.join(INPUTS, 'mixed')],
    ['Terraform JSON calling local modules', path.join(INPUTS, 'local-module', 'main.tf.json')],
    ['a terraform show -json plan with child modules', path.join(INPUTS, 'plan', 'plan.json')],
    ['CloudFormation YAML with short-form functions', path.join(CORPUS, 'cfn-web-tier.yaml')],
  ])('GIVEN %s THEN a valid log, exit 1, and every finding at a line of its file', (_, input) => {
    const { code, log } = sarifOf(input);
    expect(log).toBeValidSarifLog();
    expect(code).toBe(1);
    const results = log.runs[0].results;
    expect(results.length).toBeGreaterThan(0);
    expect(results.filter((r) => fileAndLine(r)?.region === undefined)).toEqual([]);
  });

  test('GIVEN CloudFormation YAML THEN a result names the rule, level, file, line and resource of its finding', () => {
    const file = path.join(CORPUS, 'cfn-web-tier.yaml');
    const result = resultFor(sarifOf(file).log, 'HA-CAP1', 'cfn-web-tier/WebServerGroup');
    expect(result).toMatchObject({
      ruleId: 'HA-CAP1',
      level: 'error',
      message: { text: expect.stringContaining('MinSize') },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uriOf(file) },
            region: { startLine: lineOf(file, /^ {2}WebServerGroup:$/) },
          },
          logicalLocations: [
            { name: 'WebServerGroup', fullyQualifiedName: 'cfn-web-tier/WebServerGroup', kind: 'resource' },
          ],
        },
      ],
    });
    expect(result.suppressions).toBeUndefined();
  });

  test("GIVEN a module's resource THEN it is at the module's file, at its name under its type", () => {
    const file = path.join(INPUTS, 'local-module', 'modules', 'db', 'replica', 'main.tf.json');
    const { log } = sarifOf(path.join(INPUTS, 'local-module', 'main.tf.json'));
    expect(fileAndLine(resultFor(log, 'HA-DEL2', 'main/module.db.module.replica.aws_db_instance.replica'))).toEqual({
      artifactLocation: { uri: uriOf(file) },
      region: { startLine: lineOf(file, /^\s*"replica": \{/) },
    });
  });

  test('GIVEN a plan THEN a resource is at the line of its address, also where a rule could not decide on it', () => {
    const file = path.join(INPUTS, 'plan', 'plan.json');
    const { log } = sarifOf(file);
    const name = 'plan/module.db.module.replica[0].aws_db_instance.replica';
    const at = {
      artifactLocation: { uri: uriOf(file) },
      region: { startLine: lineOf(file, /"address": "module\.db\.module\.replica\[0\]\.aws_db_instance\.replica"/) },
    };
    expect(fileAndLine(resultFor(log, 'HA-TLS1', name))).toEqual(at);
    const notChecked = log.runs[0].invocations[0].toolExecutionNotifications.filter(
      (n) => n.locations?.[0].logicalLocations[0].fullyQualifiedName === name,
    );
    expect(notChecked).toEqual([
      {
        level: 'warning',
        message: { text: expect.stringContaining(`Not checked, a value is unknown: HA-DEL1 ${name}: a plan `) },
        associatedRule: { id: 'HA-DEL1', index: log.runs[0].tool.driver.rules.findIndex((r) => r.id === 'HA-DEL1') },
        locations: [expect.objectContaining({ physicalLocation: at })],
      },
    ]);
  });

  test('GIVEN a file not read and no tier THEN both are notifications of the run, not results', () => {
    const { log } = sarifOf(path.join(INPUTS, 'mixed'));
    const notifications = log.runs[0].invocations[0].toolExecutionNotifications;
    const notRead = /^Not read, so not checked: package\.json in mixed: /;
    const noTier = /^No resource declares a tier, .*\bHA-DR1, .*--tier TIER_1\.$/;
    expect(notifications).toEqual(
      expect.arrayContaining([
        { level: 'warning', message: { text: expect.stringMatching(notRead) } },
        { level: 'note', message: { text: expect.stringMatching(noTier) } },
      ]),
    );
    expect(log.runs[0].results.filter((r) => r.message.text.includes('package.json'))).toEqual([]);
  });

  test('GIVEN a nested stack THEN its resource is at the nested template, beside the root one', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-sarif-nested-'));
    try {
      const nested = path.join(work, 'Child.nested.template.json');
      fs.copyFileSync(path.join(INPUTS, 'mixed', 'orders.template.json'), nested);
      fs.writeFileSync(
        path.join(work, 'Parent.template.json'),
        JSON.stringify(
          {
            Resources: {
              Child: {
                Type: 'AWS::CloudFormation::Stack',
                Metadata: { 'aws:asset:path': 'Child.nested.template.json' },
              },
            },
          },
          null,
          2,
        ),
      );
      const { log } = sarifOf(path.join(work, 'Parent.template.json'));
      expect(fileAndLine(resultFor(log, 'HA-DB1', 'Parent/Child/OrdersDb'))).toEqual({
        artifactLocation: { uri: uriOf(nested) },
        region: { startLine: lineOf(nested, /"OrdersDb"/) },
      });
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  test('GIVEN the template on other lines THEN a second run has the same fingerprints, one per finding', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-sarif-moved-'));
    try {
      const original = path.join(INPUTS, 'mixed', 'orders.template.json');
      const moved = path.join(work, 'orders.template.json');
      fs.writeFileSync(moved, `\n\n${JSON.stringify(JSON.parse(fs.readFileSync(original, 'utf8')), null, 6)}`);
      const [first, second] = [original, moved].map((file) => sarifOf(file).log.runs[0].results);
      const fingerprints = (results: readonly SarifResult[]) =>
        results.map((r) => [r.ruleId, r.partialFingerprints[SARIF_FINGERPRINT_KEY]]);
      expect(fingerprints(second)).toEqual(fingerprints(first));
      expect(new Set(first.map((r) => r.partialFingerprints[SARIF_FINGERPRINT_KEY])).size).toBe(first.length);
      expect(fileAndLine(second[0])?.region?.startLine).not.toBe(fileAndLine(first[0])?.region?.startLine);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  test('GIVEN --sarif with another format THEN exit 2: the formats are exclusive', () => {
    const { code, stderr } = run([path.join(CORPUS, 'cfn-web-tier.yaml'), '--json', '--sarif']);
    expect(code).toBe(2);
    expect(stderr).toContain('ha-report: --json and --sarif cannot be combined');
  });
});

describe('sarifLog', () => {
  test('GIVEN templates in memory THEN a valid log whose results name their stack and resource, with no file', () => {
    const log = sarifLog(checkInputs(activeActiveCfn(true)));
    expect(log).toBeValidSarifLog();
    expect(log.runs[0].results.length).toBeGreaterThan(0);
    for (const result of log.runs[0].results) {
      expect(result.locations).toEqual([{ logicalLocations: [expect.objectContaining({ kind: 'resource' })] }]);
    }
  });
});
