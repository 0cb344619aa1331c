import * as fs from 'fs';
import { MEASURED_FILE } from '../rules-markdown';
import { corpusFigures, InputScore, scoreCorpus } from './corpus';

/*
 * ha-report on a corpus nobody here wrote, scored against verdicts judged before any rule changed
 * (verdicts.ts). The figures are pinned so that a rule change that finds more, misses more or
 * reports a trap fails here, and whoever made it updates them on purpose:
 *   1. the lists below, and
 *   2. measured.json and RULES.md: `npx ts-node --prefer-ts-exts test/checks/write-rules-md.ts`.
 */

let scores: InputScore[];

beforeAll(() => {
  // Each third-party app is synthesized once, here.
  scores = scoreCorpus();
});

test('every resource a verdict names is declared by its input, as read', () => {
  expect(
    scores.filter((s) => s.unknownResources.length > 0).map((s) => `${s.input}: ${s.unknownResources.join(', ')}`),
  ).toEqual([]);
});

test('an input ha-report cannot read yet is refused with a reason, never passed as "no findings"', () => {
  const refused = scores.filter((s) => s.notRead !== undefined);
  expect(refused.map((s) => s.input)).toEqual([]);
  expect(refused.every((s) => s.notRead!.length > 0 && s.found.length === 0 && s.falsePositives.length === 0)).toBe(
    true,
  );
});

test('today: the weaknesses found and missed, and the traps fallen into', () => {
  expect({
    found: scores.flatMap((s) => s.found),
    missed: scores.flatMap((s) => s.missed),
    falsePositives: scores.flatMap((s) => s.falsePositives),
  }).toEqual({
    found: [
      'fargate-opensearch/domain-deleted-with-stack',
      'fargate-opensearch/alarms-notify-nobody',
      'lambda-opensearch/domain-deleted-with-stack',
      'lambda-opensearch/alarms-notify-nobody',
      'apigateway-lambda/unthrottled-stage',
      'sqs-lambda/dead-letters-expire-unseen',
      'alb-fargate/one-task',
      'route53-alb-ec2/one-instance',
      'nlb-fargate/cross-zone-off',
      'web-tier/min-one-behind-alb',
      'asg-one-subnet/fleet-in-one-zone',
      'aurora/backups-kept-1-day',
      'shared-nat/one-nat-three-zones',
      'array-form/database-single-az',
      'plan/module-database-single-az',
      'plan/module-database-backups-1-day',
      'plan/module-database-no-final-snapshot',
      'plan/module-database-unprotected',
      'google-mig/zonal-group',
    ],
    missed: ['route53-alb-ec2/launch-configuration'],
    falsePositives: [],
  });
});

test('today: the findings the verdicts judge neither way, by rule', () => {
  const byRule: Record<string, number> = {};
  for (const finding of scores.flatMap((s) => s.other)) {
    const rule = finding.split(' ')[0];
    byRule[rule] = (byRule[rule] ?? 0) + 1;
  }
  expect(byRule).toEqual({ 'HA-ENC1': 11, 'HA-LOG1': 4, 'HA-TLS2': 2, 'HA-WAF1': 4, 'HA-DEL1': 1, 'HA-QUE1': 1 });
});

test("measured.json, which RULES.md prints, holds today's figures", () => {
  expect(JSON.parse(fs.readFileSync(MEASURED_FILE, 'utf8'))).toEqual(corpusFigures(scores));
});
