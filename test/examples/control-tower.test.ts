import * as fs from 'fs';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { addAllExamples } from '../../examples';
import { cdkJsonApp } from '../util';
import { ACKNOWLEDGED_CONTROLS, AcknowledgedControl } from './control-tower-acknowledged';

/** The AWS Control Tower proactive controls as cfn-guard rules, one `ct-<service>-pr-<n>.guard` file each. */
const RULES = path.join(
  path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
  'rules',
  'control-tower',
  'cfn-guard',
);

type Resources = Record<string, { Type: string }>;

/** A control that failed on a resource of an example's template. */
interface Failure {
  readonly control: string;
  readonly stack: string;
  readonly logicalId: string;
  readonly resourceType: string;
}

/**
 * The rule files (by name, as `disabledRules` takes them) whose "Reports on" resource types are all
 * absent from `types`: by each rule's first scenario they skip a template without those types, so
 * leaving them out changes no result, and saves the cost of parsing every template once per rule
 * (cfn-guard's cost is rules × template size). A rule whose header names no type is kept.
 */
function rulesOfAbsentTypes(types: ReadonlySet<string>): string[] {
  const absent: string[] = [];
  for (const service of fs.readdirSync(RULES)) {
    for (const file of fs.readdirSync(path.join(RULES, service)).filter((f) => f.endsWith('.guard'))) {
      const text = fs.readFileSync(path.join(RULES, service, file), 'utf8');
      const header = /^# Reports on:\n((?:#[ \t]+AWS::\S+[ \t]*\n)+)/m.exec(text);
      const reported = header ? (header[1].match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? []) : [];
      if (reported.length > 0 && reported.every((type) => !types.has(type))) {
        absent.push(path.basename(file, '.guard'));
      }
    }
  }
  return absent;
}

function covers(entry: AcknowledgedControl, failure: Failure): boolean {
  return (
    entry.control === failure.control &&
    entry.resourceType === failure.resourceType &&
    entry.logicalId.test(failure.logicalId)
  );
}

let failures: Failure[];

// One synthesis of every example, as `npx cdk synth` does it, and one cfn-guard run over all twelve
// templates with every control that applies to them (~7 s of cfn-guard on one core).
beforeAll(() => {
  const app = cdkJsonApp();
  addAllExamples(app, { printReport: false });
  const assembly = app.synth();
  const templates = new Map(
    assembly.stacks.map((stack) => [
      stack.templateFullPath,
      { stack: stack.stackName, resources: stack.template.Resources as Resources },
    ]),
  );
  const types = new Set([...templates.values()].flatMap((t) => Object.values(t.resources).map((r) => r.Type)));
  const validator = new CfnGuardValidator({ disabledRules: rulesOfAbsentTypes(types), maxBuffer: 1024 * 1024 * 1024 });
  const report = validator.validate({ templatePaths: [...templates.keys()], appConstruct: app });
  failures = report.violations.flatMap((violation) => {
    const control =
      /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(violation.description)?.[1] ??
      `${violation.ruleName} (no control id in: ${violation.description})`;
    return violation.violatingResources.map((resource) => {
      const template = templates.get(resource.templatePath)!;
      return {
        control,
        stack: template.stack,
        logicalId: resource.resourceLogicalId,
        resourceType: template.resources[resource.resourceLogicalId]?.Type ?? 'unknown',
      };
    });
  });
});

describe('the examples under the AWS Control Tower proactive controls', () => {
  test('fail only the acknowledged controls, on the acknowledged resources', () => {
    const unacknowledged = failures
      .filter((failure) => !ACKNOWLEDGED_CONTROLS.some((entry) => covers(entry, failure)))
      .map((f) => `${f.control} ${f.resourceType} ${f.stack}/${f.logicalId}`);
    expect([...new Set(unacknowledged)].sort()).toEqual([]);
  });

  test('fail every acknowledged control: the list holds no entry that is not needed', () => {
    const unneeded = ACKNOWLEDGED_CONTROLS.filter((entry) => !failures.some((failure) => covers(entry, failure))).map(
      (entry) => `${entry.control} ${entry.resourceType} ${entry.logicalId}`,
    );
    expect(unneeded).toEqual([]);
  });

  test('the acknowledged list names each control once per kind of resource, with a reason', () => {
    const keys = ACKNOWLEDGED_CONTROLS.map((entry) => `${entry.control} ${entry.resourceType} ${entry.logicalId}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const entry of ACKNOWLEDGED_CONTROLS) {
      expect(entry.control).toMatch(/^CT\.[A-Z0-9]+\.PR\.\d+$/);
      expect(entry.reason.length).toBeGreaterThan(40);
    }
  });
});
