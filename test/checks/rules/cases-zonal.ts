import { GrayFailureAzRto } from '../../../lib/checks/rules/az/GrayFailureAzRto';
import { ZonalImpairmentDetection } from '../../../lib/checks/rules/az/ZonalImpairmentDetection';
import { ServiceTier } from '../../../lib/core';
import { zonalStack } from '../fixtures/zonal-detection';
import { RuleCase } from './cases';

/** HA-AZ4's and HA-AZ6's fixtures for rules.test.ts (HA-AZ4's table of variants is zonal-impairment.test.ts). */
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
  {
    rule: GrayFailureAzRto,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'service:shop',
    message: "a gray failure of one AZ takes at least 120 s against TIER_0's AZ RTO of 30 s",
    // TIER_2 is not statically stable: an AZ is out of service when its targets fail health checks.
    compliant: zonalStack(ServiceTier.TIER_2),
    nonCompliant: zonalStack(ServiceTier.TIER_0),
  },
];
