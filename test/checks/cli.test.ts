import * as path from 'path';
import { checkPath, validationMessages } from '../../lib/checks/check';
import { main } from '../../lib/checks/cli';
import { HaInternalError } from '../../lib/checks/graph/errors';
import { CustomerManagedKeys } from '../../lib/checks/rules';

const FIXTURES = path.join(__dirname, 'fixtures');
const ASSEMBLY = path.join(FIXTURES, 'assembly');
const TF_OUT = path.join(FIXTURES, 'tf-out');

function run(argv: string[], isTty = false) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTty,
  });
  return { code, stdout, stderr };
}

describe('ha-report CLI', () => {
  test('GIVEN a cloud assembly with a stage WHEN --json THEN one service over both stacks, each stack under perStack, and the findings, exit 1', () => {
    const { code, stdout, stderr } = run([ASSEMBLY, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.services.map((s: { stack: string; stacks: string[] }) => [s.stack, s.stacks])).toEqual([
      ['Shop-Primary', ['Shop-Primary', 'ProdShop']],
    ]);
    expect(Object.keys(report.services[0]).slice(0, 10)).toEqual([
      'stack',
      'service',
      'tier',
      'strategy',
      'azRtoSeconds',
      'azRpoSeconds',
      'regionRtoSeconds',
      'regionRpoSeconds',
      'availability',
      'objectivesMet',
    ]);
    expect(report.services[0]).toMatchObject({
      service: 'shop',
      regions: ['us-east-1', 'us-west-2'],
      regionRtoSeconds: null,
      objectivesMet: false,
      overall: 'unproven',
    });
    expect(report.perStack.map((s: { stack: string }) => s.stack)).toEqual(['Shop-Primary', 'ProdShop']);
    expect(report.perStack[1]).toMatchObject({
      service: 'shop',
      tier: 'TIER_3',
      strategy: 'BACKUP_RESTORE',
      region: 'us-west-2',
      regionRtoSeconds: null,
      objectivesMet: false,
    });
    expect(report.findings.filter((f: { level: string }) => f.level === 'error')).toEqual([
      {
        rule: 'HA-KMS1',
        level: 'error',
        category: 'security-hygiene',
        stack: 'ProdShop',
        resource: 'Key',
        message: 'Key does not rotate: set EnableKeyRotation to true',
      },
      {
        rule: 'HA-LOG1',
        level: 'error',
        category: 'operations',
        stack: 'Shop-Primary',
        resource: 'Logs',
        message: 'Logs keeps logs 30 days; TIER_3 needs 365',
      },
    ]);
  });

  test('GIVEN a cdk.out and a cdktf.out together THEN both engines are reported, the Google service read from its labels', () => {
    const { code, stdout } = run([ASSEMBLY, TF_OUT, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.services.map((s: { stacks: string[] }) => s.stacks)).toEqual([
      ['Shop-Primary', 'ProdShop', 'shop-eu'],
    ]);
    expect(report.perStack.map((s: { stack: string }) => s.stack)).toEqual(['Shop-Primary', 'ProdShop', 'shop-eu']);
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        rule: 'HA-LOG1',
        stack: 'shop-eu',
        resource: 'google_logging_project_bucket_config.logs',
      }),
    );
  });

  test('GIVEN no terminal THEN the table has no colour codes; GIVEN a terminal THEN it has, unless --no-color', () => {
    const plain = run([ASSEMBLY]);
    expect(plain.stdout).not.toContain('\u001b[');
    expect(plain.stdout).toContain('ERROR   HA-KMS1 ProdShop/Key: Key does not rotate');
    expect(plain.stdout).toMatch(/^Shop-Primary +shop +TIER_3 +BACKUP_RESTORE +ProdShop +0 s ✓ .* unproven$/m);
    expect(plain.stdout.split('\n').filter((line) => /^\S+ +shop +TIER_3 /.test(line))).toHaveLength(1);
    expect(run([ASSEMBLY], true).stdout).toContain('\u001b[31m');
    expect(run([ASSEMBLY, '--no-color'], true).stdout).not.toContain('\u001b[');
  });

  test('WHEN --markdown THEN a table, the findings and a folded derivation per service', () => {
    const { stdout } = run([ASSEMBLY, '--markdown']);
    expect(stdout.startsWith('## HA resilience report\n')).toBe(true);
    expect(stdout).toContain(
      '| error | Security hygiene | HA-KMS1 | ProdShop | Key | Key does not rotate: set EnableKeyRotation to true |',
    );
    expect(stdout).toContain('| Shop-Primary | shop | TIER_3 | BACKUP_RESTORE | ProdShop | 0 s ✓ |');
    expect(stdout).toContain('<details><summary>Derivation: shop (Shop-Primary, ProdShop)</summary>');
    expect(stdout).toContain(
      '| region RTO | Shop-Primary/service:shop | unknown | backup and restore: the RTO is the restore time',
    );
  });

  test('GIVEN only warnings THEN exit 0, and 1 with --fail-on warning', () => {
    const file = path.join(FIXTURES, 'warnings-only.template.json');
    expect(run([file]).code).toBe(0);
    expect(run([file, '--fail-on', 'warning']).code).toBe(1);
    expect(run([file, '--fail-on=warning']).code).toBe(1);
  });

  test.each([
    [['/nonexistent/cdk.out'], 'ha-report: path does not exist: /nonexistent/cdk.out'],
    [
      [path.join(FIXTURES, 'bad')],
      `ha-report: ${path.join(FIXTURES, 'bad')} is neither a CDK cloud assembly (no manifest.json with artifacts) nor a cdktf output (no stacks/*/cdk.tf.json)`,
    ],
    [
      [path.join(FIXTURES, 'bad', 'broken.template.json')],
      `ha-report: ${path.join(FIXTURES, 'bad', 'broken.template.json')} is not valid JSON:`,
    ],
    [
      [path.join(FIXTURES, 'bad', 'other.json')],
      'is neither a CloudFormation template (no Resources) nor Terraform JSON (no resource, data or terraform block)',
    ],
    [['/dev/null'], 'ha-report: /dev/null is neither a file nor a directory'],
    [
      [path.join(FIXTURES, 'bad', 'invalid-tier.template.json')],
      'ha-report: the HA record of service shop (tier batch) is not a valid tier: azRtoSeconds must be at least 0, got: -1',
    ],
    [[ASSEMBLY, '--yaml'], 'ha-report: unknown option --yaml'],
    [[ASSEMBLY, '--fail-on', 'info'], 'ha-report: --fail-on must be error or warning, got: info'],
    [[ASSEMBLY, '--json', '--markdown'], 'ha-report: --json and --markdown cannot be combined'],
    [
      [ASSEMBLY, '--markdown', '--explain'],
      'ha-report: --explain is for the text report: --markdown already includes every step',
    ],
  ])('GIVEN bad input %j THEN exit 2 with a message and no stack trace', (argv, message) => {
    const { code, stdout, stderr } = run(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  test('WHEN --help THEN usage and exit 0, and the usage lists every exit code', () => {
    const { code, stdout } = run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('usage: ha-report [options] [path ...]');
    expect(stdout).toMatch(/^ {2}2 {2}the input cannot be checked/m);
    expect(stdout).toMatch(
      /^ {2}3 {2}internal error: a rule or the report failed \(a bug in ha-report, not in the input\)$/m,
    );
  });

  describe('GIVEN a rule that throws', () => {
    afterEach(() => jest.restoreAllMocks());

    test.each([
      [
        'a TypeError',
        () => {
          throw new TypeError("Cannot read properties of undefined (reading 'Replicas')");
        },
        "rule HA-ENC1 failed: TypeError: Cannot read properties of undefined (reading 'Replicas')",
      ],
      [
        'a RangeError from core',
        () => {
          throw new RangeError('intervalSeconds must be one of 10, 30, got: 15');
        },
        'rule HA-ENC1 failed: RangeError: intervalSeconds must be one of 10, 30, got: 15',
      ],
    ])(
      '%s THEN exit 3, an internal error naming the rule, and the trace to report; not the bad-input message',
      (_, crash, message) => {
        jest.spyOn(CustomerManagedKeys, 'evaluate').mockImplementation(crash);
        const { code, stdout, stderr } = run([ASSEMBLY, '--json']);
        expect(code).toBe(3);
        expect(stdout).toBe('');
        expect(stderr.split('\n').slice(0, 2)).toEqual([
          `ha-report: internal error: ${message}`,
          'This is a bug in ha-report, not a problem of the input; please report it with the trace below.',
        ]);
        expect(stderr).toMatch(/\n\s+at /);
        expect(stderr).not.toContain('could not check the input');
      },
    );

    test('WHEN the checks run as a library THEN the error names the rule and keeps the original as its cause', () => {
      const crash = new TypeError('boom');
      jest.spyOn(CustomerManagedKeys, 'evaluate').mockImplementation(() => {
        throw crash;
      });
      let thrown: unknown;
      try {
        checkPath(ASSEMBLY);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(HaInternalError);
      expect(thrown).toMatchObject({
        step: 'rule HA-ENC1',
        message: 'rule HA-ENC1 failed: TypeError: boom',
        cause: crash,
      });
    });
  });
});

describe('validationMessages', () => {
  test('GIVEN findings THEN errors become one line each; warnings too with failOn warning', () => {
    const report = checkPath(ASSEMBLY);
    expect(validationMessages(report)).toEqual([
      'HA-KMS1 ProdShop/Key: Key does not rotate: set EnableKeyRotation to true',
      'HA-LOG1 Shop-Primary/Logs: Logs keeps logs 30 days; TIER_3 needs 365',
    ]);
    expect(validationMessages(report, 'warning').length).toBe(report.findings.length);
  });
});
