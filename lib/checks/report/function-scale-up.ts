import { LAMBDA_CONCURRENCY_SCALING_RATE } from '../../core';
import { ResourceGraph } from '../graph/graph';
import { FUNCTION_ALIAS_TYPES, isServingFunction, provisionedConcurrency } from '../graph/functions';
import { GraphResource } from '../graph/model';
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

const LAMBDA_RATE =
  `${LAMBDA_CONCURRENCY_SCALING_RATE.environments.toLocaleString('en-US')} environments per ` +
  `${LAMBDA_CONCURRENCY_SCALING_RATE.perSeconds} s per function`;
