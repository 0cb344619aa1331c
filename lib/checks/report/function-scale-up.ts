import { LAMBDA_CONCURRENCY_SCALING_RATE } from '../../core';
import { ResourceGraph } from '../graph/graph';
import { FUNCTION_ALIAS_TYPES, isServingFunction, provisionedConcurrency } from '../graph/functions';
import { GraphResource } from '../graph/model';
import { block, num } from '../graph/values';
import type { DerivationStep } from '../model';
import { ServiceStack } from '../services';

/**
 * The standby functions that take the primary's load with fewer warm environments than the primary
 * keeps (provisioned concurrency): Lambda starts the rest on demand, as requests arrive, so no
 * runbook starts it; but it publishes only a cap on that rate (1,000 environments per 10 s per
 * function), not a time within which they serve, so each step is unknown until a drill measures it.
 * A standby that provisions as many as the primary adds no step. Each step comes with the resources
 * a drill's measurement of it is recorded on (the function and its aliases).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html
 */
export function onDemandScaleUpSteps(
  graph: ResourceGraph,
  stacks: readonly ServiceStack[],
): { step: DerivationStep; holders: GraphResource[] }[] {
  const functions = stacks.flatMap((s) => s.resources).filter((r) => isServingFunction(graph, r));
  const primary = Math.max(
    0,
    ...functions.filter((r) => r.ha?.role === 'primary').map((r) => provisionedConcurrency(graph, r) ?? 0),
  );
  return functions
    .filter((r) => r.ha?.role === 'standby')
    .flatMap((fn) => {
      const warm = provisionedConcurrency(graph, fn);
      if (warm !== undefined && warm >= primary) {
        return [];
      }
      const step: DerivationStep = {
        quantity: 'regionRto',
        stack: fn.stack,
        resource: fn.address,
        figures: ['LAMBDA_CONCURRENCY_SCALING_RATE'],
        basis:
          `Lambda function with ${warm ?? 'an unknown number of'} warm environments where the primary keeps ` +
          `${primary}: the rest start cold, on demand, at most ${LAMBDA_RATE} (a cap AWS publishes, not a ` +
          'time within which they serve)',
      };
      return [{ step, holders: [fn, ...graph.referrersOf(fn, ...FUNCTION_ALIAS_TYPES)] }];
    });
}

/** A Cloud Run service's revision-level minimum (undefined when the template does not state it). */
function cloudRunMinimum(service: GraphResource): number | undefined {
  return num(block(block(service.properties.template)?.scaling)?.min_instance_count);
}

/**
 * The standby Cloud Run services that keep fewer minimum instances than the primary's: Cloud Run's
 * autoscaler adds the rest as requests arrive (nobody starts it), in a time Google does not
 * publish, so each step is unknown until a drill measures it (recorded on the service).
 * @see https://cloud.google.com/run/docs/about-instance-autoscaling
 */
export function cloudRunScaleUpSteps(
  stacks: readonly ServiceStack[],
): { step: DerivationStep; holders: GraphResource[] }[] {
  const services = stacks.flatMap((s) => s.resources).filter((r) => r.type === 'google_cloud_run_v2_service');
  const primary = Math.max(0, ...services.filter((r) => r.ha?.role === 'primary').map((r) => cloudRunMinimum(r) ?? 0));
  return services
    .filter((r) => r.ha?.role === 'standby')
    .flatMap((service) => {
      const min = cloudRunMinimum(service);
      if (min !== undefined && min >= primary) {
        return [];
      }
      const step: DerivationStep = {
        quantity: 'regionRto',
        stack: service.stack,
        resource: service.address,
        figures: [],
        basis:
          `Cloud Run service with ${min ?? 'an unknown number of'} minimum instance(s) where the primary keeps ${primary}: ` +
          'its autoscaler starts the rest as requests arrive, in a time Google does not publish',
      };
      return [{ step, holders: [service] }];
    });
}

const LAMBDA_RATE =
  `${LAMBDA_CONCURRENCY_SCALING_RATE.environments.toLocaleString('en-US')} environments per ` +
  `${LAMBDA_CONCURRENCY_SCALING_RATE.perSeconds} s per function`;
