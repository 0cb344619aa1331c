import * as fs from 'fs';
import * as os from 'os';
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

/** A CloudFormation template as cfn-guard reads it. */
interface Template {
  readonly Resources: Resources;
  readonly [section: string]: unknown;
}

/** A control that failed on a resource of an example's template. */
interface Failure {
  readonly control: string;
  readonly stack: string;
  readonly logicalId: string;
  readonly resourceType: string;
}

/** A rule file and the resource types it reads: its "Reports on" header and every type it names. */
interface RuleFile {
  readonly path: string;
  readonly service: string;
  readonly reported: readonly string[];
  /** Every type the rule reads (the reported ones, and those it follows references to); `all` when it names none. */
  readonly reads: ReadonlySet<string> | 'all';
}

function ruleFiles(): RuleFile[] {
  return fs.readdirSync(RULES).flatMap((service) =>
    fs
      .readdirSync(path.join(RULES, service))
      .filter((f) => f.endsWith('.guard'))
      .map((file) => {
        const text = fs.readFileSync(path.join(RULES, service, file), 'utf8');
        const header = /^# Reports on:\n((?:#[ \t]+AWS::\S+[ \t]*\n)+)/m.exec(text);
        const reported = header ? (header[1].match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? []) : [];
        const named = text.match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? [];
        return {
          path: path.join(RULES, service, file),
          service,
          reported,
          reads: named.length > 0 ? new Set(named) : ('all' as const),
        };
      }),
  );
}

/**
 * One cfn-guard run per service's rules, over the templates cut down to the resources those rules
 * read. cfn-guard's cost is rules × template size, and a rule reads only the types it names (those it
 * reports on, and those it follows a reference to), so the cut changes no result: the acknowledged
 * list below, which must match the failures exactly, would show a difference. A rule whose reported
 * types are all absent skips every template by its first scenario, and is left out.
 */
function validate(templates: ReadonlyMap<string, { stack: string; template: Template }>): GuardViolation[] {
  const types = new Set([...templates.values()].flatMap((t) => Object.values(t.template.Resources).map((r) => r.Type)));
  const rules = ruleFiles().filter((rule) => rule.reported.length === 0 || rule.reported.some((t) => types.has(t)));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'control-tower-'));
  try {
    return [...new Set(rules.map((r) => r.service))].flatMap((service) => {
      const group = rules.filter((r) => r.service === service);
      const reads = group.some((r) => r.reads === 'all')
        ? undefined
        : new Set(group.flatMap((r) => [...(r.reads as ReadonlySet<string>)]));
      const paths: string[] = [];
      for (const [fullPath, { template }] of templates) {
        const resources = Object.entries(template.Resources).filter(([, r]) => !reads || reads.has(r.Type));
        if (resources.length === 0) continue;
        const cut = path.join(dir, `${service}-${path.basename(fullPath)}`);
        fs.writeFileSync(
          cut,
          JSON.stringify({ ...template, Outputs: undefined, Resources: Object.fromEntries(resources) }),
        );
        cutFrom.set(cut, fullPath);
        paths.push(cut);
      }
      if (paths.length === 0) return [];
      const validator = new CfnGuardValidator({
        controlTowerRulesEnabled: false,
        rules: group.map((r) => r.path),
        maxBuffer: 1024 * 1024 * 1024,
      });
      return validator.validate({ templatePaths: paths } as never).violations as GuardViolation[];
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What a violation of the validator holds that these tests read. */
interface GuardViolation {
  readonly ruleName: string;
  readonly description: string;
  readonly violatingResources: readonly { readonly templatePath: string; readonly resourceLogicalId: string }[];
}

/** The template a cut-down copy was made from. */
const cutFrom = new Map<string, string>();

function covers(entry: AcknowledgedControl, failure: Failure): boolean {
  return (
    entry.control === failure.control &&
    entry.resourceType === failure.resourceType &&
    entry.logicalId.test(failure.logicalId)
  );
}

let failures: Failure[];

// One synthesis of every example, as `npx cdk synth` does it, and the controls that apply to them.
beforeAll(() => {
  const app = cdkJsonApp();
  addAllExamples(app, { printReport: false });
  const assembly = app.synth();
  const templates = new Map(
    assembly.stacks.map((stack) => [
      stack.templateFullPath,
      {
        stack: stack.stackName,
        resources: stack.template.Resources as Resources,
        template: stack.template as Template,
      },
    ]),
  );
  const violations = validate(new Map([...templates].map(([p, t]) => [p, { stack: t.stack, template: t.template }])));
  failures = violations.flatMap((violation) => {
    const control =
      /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(violation.description)?.[1] ??
      `${violation.ruleName} (no control id in: ${violation.description})`;
    return violation.violatingResources.map((resource) => {
      const template = templates.get(cutFrom.get(resource.templatePath) ?? resource.templatePath)!;
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
