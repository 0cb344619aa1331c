import { CfnResource, Stack } from 'aws-cdk-lib';
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
import { validationError } from './private/errors';

/**
 * Records what a drill measured of a failover step whose duration no provider publishes, so that
 * the resilience report (the `HaChecks` plugin and `ha-report cdk.out`) counts it while it is fresh:
 * for the tier's `drillIntervalDays` after `measuredOn`. An older one is stale and the step is
 * unknown again. Record the worst of the drill's runs, on the resource the step concerns:
 *
 * - `scale-up`: the standby fleet (`ResilientFleet`, its Auto Scaling group) or the runbook that scales it;
 * - `promotion`, `writer-creation`: the secondary cluster (`GlobalDatabaseSecondary`) or the promotion runbook;
 * - `decision`: the stack (or the runbook the person starts);
 * - `restore`: the stack (or the `BackupPolicy`).
 *
 * A scope that is not one of those resources must hold exactly one of them, of the first type above
 * it holds (a `ResilientFleet` is its group, a stack with one standby fleet will do).
 *
 * The record is written into the template (`Metadata` of the resource, or of the template for a
 * stack) under `DRILL_MEASUREMENTS_METADATA_KEY`; a new measurement of the same step replaces it.
 *
 * ```ts
 * recordDrillMeasurement(standby.fleet, {
 *   step: 'scale-up', seconds: 420, measuredOn: '2026-03-02',
 *   drill: 'RegionEvacuationDrill experiment EXP1a2b3c4d5e6f7',
 * });
 * ```
 */
export function recordDrillMeasurement(scope: IConstruct, measurement: DrillMeasurement): void {
  const [problem] = drillMeasurementProblems(measurement);
  if (problem) {
    throw validationError(problem.message, scope, problem.prop);
  }
  const targets = DRILL_MEASUREMENT_TARGETS[measurement.step];
  const entry = { [measurement.step]: drillMeasurementEntry(measurement) };
  if (Stack.isStack(scope) && targets.stack) {
    const metadata = (scope.templateOptions.metadata ??= {});
    metadata[DRILL_MEASUREMENTS_METADATA_KEY] = { ...metadata[DRILL_MEASUREMENTS_METADATA_KEY], ...entry };
    return;
  }
  // CloudFormation's types of the resources the step concerns (the others are Terraform's).
  const types = targets.resourceTypes.filter((type) => type.includes('::'));
  const resource = measuredResource(scope, measurement.step, types);
  const recorded = resource.getMetadata(DRILL_MEASUREMENTS_METADATA_KEY) as Record<string, unknown> | undefined;
  resource.addMetadata(DRILL_MEASUREMENTS_METADATA_KEY, { ...recorded, ...entry });
}

/**
 * The one resource the record goes on: `scope` itself or its default child when of a type the step
 * concerns, else the one core's `measuredResourceOf` picks below `scope`.
 */
function measuredResource(scope: IConstruct, step: DrillStep, types: readonly string[]): CfnResource {
  const fits = (node: IConstruct): node is CfnResource =>
    CfnResource.isCfnResource(node) && types.includes(node.cfnResourceType);
  for (const node of [scope, scope.node.defaultChild]) {
    if (node !== undefined && fits(node)) {
      return node;
    }
  }
  const below = scope.node
    .findAll()
    .filter(fits)
    .map((r) => ({ resource: r, type: r.cfnResourceType, path: r.node.path }));
  const choice = measuredResourceOf(below, step, types, scope.node.path);
  if ('problem' in choice) {
    throw validationError(choice.problem, scope, 'scope');
  }
  return choice.resource;
}
