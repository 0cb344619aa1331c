import { App } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { addTier1EcsWarmStandby } from '../../examples/tier1-ecs-warm-standby';
import { checkInputs } from '../../lib/checks/check';
import { GraphInputs } from '../../lib/checks/graph/load';
import { DerivationStep, ServiceReport } from '../../lib/checks/report';
import { FAILOVER_STEP_METADATA_KEY } from '../../lib/core';
import { cdkJsonApp } from '../util';

type Resource = { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> };
type TemplateJson = { Resources: Record<string, Resource> };

/**
 * The decision of an automatic promotion that waits for a witness, read from the ECS example's
 * templates: a promotion that may stop for a page is a person's decision (or nobody's).
 */
let assembly: CloudAssembly;
const templates: Record<string, TemplateJson> = {};

beforeAll(() => {
  const app: App = cdkJsonApp();
  addTier1EcsWarmStandby(app, { hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com' });
  assembly = app.synth();
  for (const stack of assembly.stacks) {
    templates[stack.stackName] = stack.template as TemplateJson;
  }
});

/** The standby's promotion runbook. */
function promotion(t: Record<string, TemplateJson>): Resource {
  return Object.values(t['Tier1Ecs-us-west-2'].Resources).find(
    (r) => (r.Metadata?.[FAILOVER_STEP_METADATA_KEY] as { step?: string } | undefined)?.step === 'promotion',
  )!;
}

/** The decision step of the region RTO after `change`, and the region RTO's status. */
function decision(change: (t: Record<string, TemplateJson>) => void = () => undefined) {
  const copies = JSON.parse(JSON.stringify(templates)) as Record<string, TemplateJson>;
  change(copies);
  const inputs: GraphInputs = {
    cloudFormation: assembly.stacks.map((s) => ({
      name: s.stackName,
      region: s.environment.region,
      template: copies[s.stackName],
    })),
  };
  const [service]: ServiceReport[] = [...checkInputs(inputs).services];
  const step = service.derivation.find(
    (d: DerivationStep) => d.quantity === 'regionRto' && d.basis.startsWith('an alarm starts the runbooks'),
  )!;
  return { step, status: service.status.regionRto };
}

/** The promotion waits `seconds` for its witness (its parameter and its record). */
const waiting = (seconds: number) => (t: Record<string, TemplateJson>) => {
  const doc = promotion(t);
  const content = doc.Properties!.Content as { parameters: Record<string, { default: unknown }> };
  content.parameters.WitnessWaitSeconds.default = seconds;
  const record = doc.Metadata![FAILOVER_STEP_METADATA_KEY] as { witness: { waitSeconds: number } };
  record.witness.waitSeconds = seconds;
};

/** The standby's subscriptions removed. */
const unsubscribed = (t: Record<string, TemplateJson>) => {
  const resources = t['Tier1Ecs-us-west-2'].Resources;
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::SNS::Subscription') {
      delete resources[id];
    }
  }
};

describe('the decision of a promotion that waits for a witness', () => {
  test('GIVEN a wait covering a restarted witness chain and a subscribed page THEN no human step: 370 s', () => {
    const { step } = decision();
    expect(step.value).toBe(370);
    expect(step.basis).toContain(': no human step; the promotion goes on once the witness alarm');
    expect(step.basis).toContain(
      'the 360 s wait covers a witness that restarted its chain as the trigger fired (60 s × (5 + 1) = 360 s: the ' +
        'promotion then starts up to 730 s after the failure, automatically)',
    );
    expect(step.basis).toMatch(/one that misses runs again stops the promotion, which pages a person through /);
  });

  test('GIVEN the 120 s wait the reviewer found THEN a missed witness run pages a person: unknown, not 370 s', () => {
    const { step, status } = decision(waiting(120));
    expect(step.value).toBeUndefined();
    expect(step.basis).not.toContain('no human step');
    expect(step.basis).toContain(
      'restarts its chain when its probe misses one run (missing data is not breaching), and then fires up to ' +
        '60 s × (5 + 1) = 360 s after the trigger, longer than the 120 s the promotion waits for it',
    );
    expect(step.basis).toContain('who decides in a time nobody states');
    expect(status).toBe('unproven');
  });

  test('GIVEN a page topic with no subscriber THEN nobody is paged: the decision is unknown', () => {
    const short = decision((t) => {
      waiting(120)(t);
      unsubscribed(t);
    }).step;
    expect(short.value).toBeUndefined();
    expect(short.basis).toMatch(/which has no subscription in the analysed templates: nobody is paged/);
    // Even with a wait that covers the chain: the page path stays, and it reaches nobody.
    const covered = decision(unsubscribed).step;
    expect(covered.value).toBeUndefined();
    expect(covered.basis).toMatch(/which has no subscription in the analysed templates: nobody is paged/);
    expect(covered.basis).not.toContain('no human step');
  });
});
