import { ZonalImpairmentDetection } from '../../../lib/checks/rules/az/ZonalImpairmentDetection';
import { ServiceTier } from '../../../lib/core';
import { zonalStack } from '../fixtures/zonal-detection';
import { RuleCase } from './cases';

/** HA-AZ4's fixtures for rules.test.ts (its table of variants is zonal-impairment.test.ts). */
export const ZONAL_CASES: RuleCase[] = [
  {
    rule: ZonalImpairmentDetection,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'service:shop',
    message: 'Lb has no per-AZ alarm on its per-AZ metrics',
    compliant: zonalStack(ServiceTier.TIER_1),
    nonCompliant: zonalStack(ServiceTier.TIER_1, { alarms: false }),
  },
];
