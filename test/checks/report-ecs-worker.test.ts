import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { checkInputs } from '../../lib/checks/check';
import { ServiceTier } from '../../lib';
import { ResilientService as TfResilientService } from '../../lib/tf/aws/service';
import { proofTfStack, terraformOf } from '../proofs/tf-harness';
import { report, synthesized, Template } from './fixtures/ecs-worker';

// What the report proves of a ResilientService worker (loadBalanced: false) that drains a QueueWorker's lanes.

/** The template with the service's HA record edited: what another peak, or none, would make of it. */
function withPeak(template: Template, peak: number | undefined): Template {
  const copy = JSON.parse(JSON.stringify(template)) as Template;
  for (const resource of Object.values(copy.Resources)) {
    const record = (resource as { Metadata?: Record<string, { requiredCapacity?: number }> }).Metadata?.[
      'ha-constructs'
    ];
    if (resource.Type === 'AWS::ECS::Service' && record) {
      if (peak === undefined) delete record.requiredCapacity;
      else record.requiredCapacity = peak;
    }
  }
  return copy;
}

describe('the AZ RTO of an ECS worker', () => {
  const template = synthesized();

  test('fail-stop: the 4 tasks left carry the peak, so the lost AZ costs the visibility timeout (40 s)', () => {
    const { steps } = report(template);
    const failStop = steps('azRto').filter((s) => s.failure === undefined);
    expect(failStop.map((s) => s.value)).toEqual([0, 40]);
    expect(failStop[0].basis).toContain('statically stable: losing an AZ takes at most 2 of the 6 tasks');
    expect(failStop[1].basis).toMatch(
      /^the messages a lost AZ's tasks had received from \S+ stay hidden for its visibility timeout \(40 s\)/,
    );
  });

  test('a gray AZ is unknown: nothing removes a zone whose tasks pass their check and fail their messages', () => {
    const { service, steps } = report(template);
    const gray = steps('azRto').filter((s) => s.failure === 'gray');
    expect(gray).toHaveLength(1);
    expect(gray[0].value).toBeUndefined();
    expect(gray[0].basis).toContain('AzEvacuationDrill');
    expect(service.status.azRto).toBe('unproven');
  });

  test('fewer tasks left than the peak, or no peak recorded: the zone loss is unproven', () => {
    const short = report(withPeak(template, 5))
      .steps('azRto')
      .find((s) => s.basis.startsWith('zone loss'))!;
    expect(short.value).toBeUndefined();
    expect(short.basis).toContain('fewer than the 5 the HA record states at peak');
    const none = report(withPeak(template, undefined))
      .steps('azRto')
      .find((s) => s.basis.startsWith('zone loss'))!;
    expect(none.value).toBeUndefined();
    expect(none.basis).toContain('states no peak (requiredCapacity)');
  });

  test('TIER_2 (no gray step): met when the tasks left carry the peak, unproven when they do not', () => {
    // 2 at peak: max(2, 3 AZs) = 3 tasks run, 2 are left.
    const carried = report(synthesized(ServiceTier.TIER_2, 2));
    expect(carried.steps('azRto').filter((s) => s.failure === 'gray')).toEqual([]);
    expect(carried.service).toMatchObject({ azRtoSeconds: 40, status: { azRto: 'met' } });
    // 4 at peak: 4 tasks run, 2 are left, and ECS's replacements take a time AWS does not publish.
    expect(report(synthesized(ServiceTier.TIER_2, 4)).service.status.azRto).toBe('unproven');
  });
});

describe('a load-balanced service that also drains a queue', () => {
  test("its AZ RTO counts the queue's visibility timeout beside the target group's check", () => {
    const { steps } = report(synthesized(ServiceTier.TIER_1, 4, true));
    const failStop = steps('azRto').filter((s) => s.failure === undefined);
    expect(failStop[0].basis).toMatch(/^target health check/);
    expect(failStop[1].basis).toMatch(/^the messages a lost AZ's tasks had received from \S+ stay hidden .* \(40 s\)/);
    expect(failStop.map((s) => s.value)).toEqual([50, 40]);
  });
});

describe('a Terraform worker with no queue scaling in the templates', () => {
  test('its AZ RTO is unproven: the report names what it cannot see, never 0 s', () => {
    const stack = proofTfStack('aws');
    new TfResilientService(stack, 'Workers', {
      tier: ServiceTier.TIER_2,
      service: 'jobs',
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: ['us-east-1a', 'us-east-1b', 'us-east-1c'].map(
        (zone, i) =>
          new Subnet(stack, `Subnet${i}`, {
            vpcId: 'vpc-0123456789abcdef0',
            availabilityZone: zone,
            cidrBlock: `10.1.${i}.0/24`,
          }).id,
      ),
      image: `public.ecr.aws/example/jobs@sha256:${'0123456789abcdef'.repeat(4)}`,
      loadBalanced: false,
      requiredCount: 2,
      maxCount: 6,
    }).addRollbackAlarm('jobs-oldest-message');
    const result = checkInputs({ terraform: [{ name: 'jobs', json: terraformOf(stack) }] });
    const service = result.services.find((s) => s.service === 'jobs')!;
    const step = service.derivation.find((s) => s.quantity === 'azRto' && s.resource.startsWith('aws_ecs_service'))!;
    expect(step.value).toBeUndefined();
    expect(step.basis).toMatch(/^ECS service with no load balancer and no queue whose backlog it scales on/);
    expect(service.status.azRto).toBe('unproven');
  });
});
