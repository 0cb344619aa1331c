import { PUBLISHED_SLAS } from '../../lib';
import { ServiceTier } from '../../lib';
import { report, synthesized } from './fixtures/ecs-worker';

// The availability the report computes for a ResilientService worker that drains a QueueWorker's lanes.

describe('the availability of an ECS worker', () => {
  test('no load balancer in series; the queue it drains is, at the published SQS SLA', () => {
    const { steps } = report(synthesized());
    const figures = steps('availability').flatMap((s) => s.figures);
    expect(figures).toContain('SQS');
    expect(figures).toContain('EC2_MULTI_AZ');
    expect(figures).not.toContain('ELASTIC_LOAD_BALANCING');
    const total = steps('availability').find((s) => s.resource === 'service:jobs')!;
    expect(total.value).toBeCloseTo(PUBLISHED_SLAS.EC2_MULTI_AZ * PUBLISHED_SLAS.SQS, 10);
  });

  test('a load-balanced service that also drains the queue has both in series', () => {
    const { steps } = report(synthesized(ServiceTier.TIER_1, 4, true));
    const total = steps('availability').find((s) => s.resource === 'service:jobs')!;
    expect(total.value).toBeCloseTo(
      PUBLISHED_SLAS.ELASTIC_LOAD_BALANCING * PUBLISHED_SLAS.EC2_MULTI_AZ * PUBLISHED_SLAS.SQS,
      10,
    );
  });
});
