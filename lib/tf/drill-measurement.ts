import { TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import {
  DRILL_MEASUREMENT_TARGETS,
  DRILL_MEASUREMENTS_METADATA_KEY,
  DrillMeasurement,
  drillMeasurementEntry,
  drillMeasurementProblems,
  DrillStep,
  measuredResourceOf,
} from '../core';
import { validationError } from './diagnostics';

/**
 * Records what a drill measured of a failover step whose duration no provider publishes, so that
 * the resilience report (`addHaChecks` and `ha-report cdktf.out`) counts it while it is fresh: for
 * the tier's `drillIntervalDays` after `measuredOn`. An older one is stale and the step is unknown
 * again. Record the worst of the drill's runs, on the resource the step concerns:
 *
 * - `scale-up`: the standby fleet (its autoscaling group, or a Google fleet's instance group) or the runbook that scales it;
 * - `promotion`: the secondary cluster or Cloud SQL replica, or the promotion runbook; `writer-creation`:
 *   the headless secondary cluster or the promotion runbook;
 * - `decision`: the stack (or the runbook the person starts);
 * - `restore`: the stack (or the backup plan);
 * - `zone-evacuation`: a Google fleet (its instance group) whose zone `ZoneEvacuationDrill` took out: its
 *   execution's `measurement`, which the AZ RTO counts.
 *
 * A scope that is not one of those resources must hold exactly one of them, of the first type above
 * it holds (a fleet construct is its group). The record is written
 * into the Terraform JSON (the resource's `//` block, or the stack's) under
 * `DRILL_MEASUREMENTS_METADATA_KEY`; a new measurement of the same step replaces it.
 *
 * ```ts
 * recordDrillMeasurement(standbyFleet, {
 *   step: 'scale-up', seconds: 420, measuredOn: '2026-03-02',
 *   drill: 'region drill, FIS experiment EXP1a2b3c4d5e6f7',
 * });
 * ```
 *
 * On Google Cloud, `RegionSwitchoverDrill`'s execution result lists its `measurements` in this
 * form: record the promotion on `runbooks.promotion`, the scale-up on `runbooks.scaleUp` and a
 * decision on the stack.
 */
export function recordDrillMeasurement(scope: IConstruct, measurement: DrillMeasurement): void {
  const [problem] = drillMeasurementProblems(measurement);
  if (problem) {
    throw validationError(problem.message, scope, problem.prop);
  }
  const targets = DRILL_MEASUREMENT_TARGETS[measurement.step];
  const path = `//.${DRILL_MEASUREMENTS_METADATA_KEY}.${measurement.step}`;
  if (TerraformStack.isStack(scope) && targets.stack) {
    scope.addOverride(path, drillMeasurementEntry(measurement));
    return;
  }
  // Terraform's types of the resources the step concerns (the others are CloudFormation's).
  const types = targets.resourceTypes.filter((type) => !type.includes('::'));
  const resource = measuredResource(scope, measurement.step, types);
  resource.addOverride(path, drillMeasurementEntry(measurement));
}

/** `scope` when it is a resource of a type the step concerns, else the one core's `measuredResourceOf` picks below it. */
function measuredResource(scope: IConstruct, step: DrillStep, types: readonly string[]): TerraformResource {
  const fits = (node: IConstruct): node is TerraformResource =>
    TerraformResource.isTerraformResource(node) && types.includes(node.terraformResourceType);
  if (fits(scope)) {
    return scope;
  }
  const below = scope.node
    .findAll()
    .filter(fits)
    .map((r) => ({ resource: r, type: r.terraformResourceType, path: r.node.path }));
  const choice = measuredResourceOf(below, step, types, scope.node.path);
  if ('problem' in choice) {
    throw validationError(choice.problem, scope, 'scope');
  }
  return choice.resource;
}
