import { IConstruct } from 'constructs';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';

/** One unacknowledged cdk-nag finding: the rule and the construct path it names. */
export interface NagFinding {
  readonly rule: string;
  readonly path: string;
}

/**
 * Runs cdk-nag's AwsSolutions and NIST 800-53 rev 5 packs over `scope` (v3 `validateScope`) and
 * returns every unacknowledged error, sorted, so a test can `expect(...).toEqual([])` and print
 * exactly what is wrong when it fails.
 */
export function nagErrors(scope: IConstruct): NagFinding[] {
  const findings: NagFinding[] = [];
  for (const pack of [new AwsSolutionsChecks(), new NIST80053R5Checks()]) {
    for (const violation of pack.validateScope(scope).violations) {
      if (violation.severity !== 'error') continue;
      for (const resource of violation.violatingResources) {
        findings.push({ rule: violation.ruleName, path: resource.constructPath ?? '' });
      }
    }
  }
  return findings.sort((a, b) => `${a.rule} ${a.path}`.localeCompare(`${b.rule} ${b.path}`));
}
