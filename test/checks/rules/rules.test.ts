import { HA_RULES } from '../../../lib/checks/rules';
import { findings } from '../fixtures/builders';
import { RuleCase } from './cases';
import { API_CASES } from './cases-api';
import { CORROBORATION_CASES } from './cases-corroboration';
import { DATA_CASES } from './cases-data';
import { DEPLOYMENT_CASES } from './cases-deployments';
import { ECS_PLACEMENT_CASES } from './cases-ecs-placement';
import { FUNCTION_CASES } from './cases-functions';
import { GOOGLE_COMPUTE_CASES } from './cases-google-compute';
import { GOOGLE_FAILOVER_CASES } from './cases-google-failover';
import { GOOGLE_OPERATIONS_CASES } from './cases-google-operations';
import { GOOGLE_RECOVERY_CASES } from './cases-google-recovery';
import { IMAGE_CASES } from './cases-images';
import { KUBERNETES_CASES } from './cases-kubernetes';
import { OPERATIONS_CASES } from './cases-operations';
import { PAGE_CASES } from './cases-pages';
import { PLACEMENT_CASES } from './cases-placement';
import { QUEUE_CASES } from './cases-queues';
import { SPANNER_CASES } from './cases-spanner';
import { STANDBY_PROBE_CASES } from './cases-standby-probes';
import { ZONAL_CASES } from './cases-zonal';

const CASES: RuleCase[] = [
  ...PLACEMENT_CASES,
  ...DATA_CASES,
  ...OPERATIONS_CASES,
  ...SPANNER_CASES,
  ...IMAGE_CASES,
  ...GOOGLE_FAILOVER_CASES,
  ...GOOGLE_COMPUTE_CASES,
  ...GOOGLE_OPERATIONS_CASES,
  ...GOOGLE_RECOVERY_CASES,
  ...ZONAL_CASES,
  ...KUBERNETES_CASES,
  ...FUNCTION_CASES,
  ...DEPLOYMENT_CASES,
  ...STANDBY_PROBE_CASES,
  ...ECS_PLACEMENT_CASES,
  ...QUEUE_CASES,
  ...API_CASES,
  ...CORROBORATION_CASES,
  ...PAGE_CASES,
];

describe.each(CASES.map((c) => [`${c.rule.id} ${c.engine} ${c.resource}`, c] as const))('%s', (_, c) => {
  test('GIVEN the compliant fixture THEN there is no finding', () => {
    expect(findings(c.rule, c.compliant)).toEqual([]);
  });

  test('GIVEN the non-compliant fixture THEN one finding names the resource and says what to change', () => {
    const found = findings(c.rule, c.nonCompliant);
    expect(found).toEqual([
      {
        rule: c.rule.id,
        level: c.level ?? c.rule.level,
        category: c.rule.category,
        stack: c.stack,
        resource: c.resource,
        message: expect.stringContaining(c.message),
      },
    ]);
  });
});

test('every rule has compliant and non-compliant fixtures', () => {
  const covered = new Set(CASES.map((c) => c.rule.id));
  expect(HA_RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
});
