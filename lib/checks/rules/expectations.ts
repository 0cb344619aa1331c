import { PRODUCTION_BASELINE } from '../../core/figures-checks';
import { GraphResource } from '../graph/model';
import { RuleContext } from './rule';
import { tierOf } from './support';

/**
 * What a rule holds a resource to: its service's tier, or, for a resource of no declared tier,
 * the production baseline (`PRODUCTION_BASELINE` in lib/core/figures-checks.ts). One place decides it,
 * so that a template without an HA record is checked for zones, capacity and backups too.
 */
export interface Expectations {
  /** How messages name it: `TIER_1`, or `the production baseline (no tier declared)`. */
  readonly name: string;
  /** Whether a tier was declared (an HA record, `ha:tier` tags or labels, or `--tier`). */
  readonly declared: boolean;
  readonly minAzs: number;
  readonly backupRetentionDays: number;
  readonly staticallyStable: boolean;
}

/** The expectations of a resource of no declared tier. */
export const BASELINE_EXPECTATIONS: Expectations = {
  name: 'the production baseline (no tier declared)',
  declared: false,
  minAzs: PRODUCTION_BASELINE.minAzs,
  backupRetentionDays: PRODUCTION_BASELINE.backupRetentionDays,
  staticallyStable: false,
};

/** The expectations that apply to a resource: see {@link Expectations}. */
export function expectationsOf(context: RuleContext, resource: GraphResource): Expectations {
  const tier = tierOf(context, resource);
  if (!tier) {
    return BASELINE_EXPECTATIONS;
  }
  return {
    name: tier.name,
    declared: true,
    minAzs: tier.minAzs,
    backupRetentionDays: tier.backupRetentionDays,
    staticallyStable: tier.staticallyStable,
  };
}
