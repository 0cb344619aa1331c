import { addAllExamples } from '../../examples';
import { checkInputs } from '../../lib/checks/check';
import { FAILOVER_STEP_METADATA_KEY } from '../../lib/core';
import { cdkJsonApp } from '../util';

/**
 * The examples' report is honest: take away, one at a time, what a failover needs from the
 * synthesized templates (a runbook, what starts it, the writer a headless secondary needs, a probe,
 * a health check) and the report must notice: a new finding, a verdict that gets worse, or a new
 * step in the region RTO's derivation that names the gap. Never "met" where it was not.
 */

type Resource = { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> };
interface StackInput {
  readonly name: string;
  readonly region: string;
  readonly template: { Resources: Record<string, Resource> };
}

let stacks: StackInput[];
beforeAll(() => {
  const app = cdkJsonApp();
  addAllExamples(app, { printReport: false });
  stacks = app.synth().stacks.map((s) => ({
    name: s.stackName,
    region: s.environment.region,
    template: s.template as StackInput['template'],
  }));
});

/** What a reader of the report sees for one service: unacknowledged findings and each figure's status. */
function verdict(inputs: readonly StackInput[], service: string) {
  const report = checkInputs({
    cloudFormation: inputs.map((s) => ({ name: s.name, region: s.region, template: s.template })),
  });
  const findings = report.findings.map((f) => `${f.rule} ${f.stack}/${f.resource}`).sort();
  const services = report.services.filter((s) => s.service === service);
  const status = services.map((s) => JSON.stringify(s.status));
  // What the region RTO's derivation says, step by step: a gap the report names shows here.
  const steps = [
    ...new Set(
      services.flatMap((s) =>
        s.derivation.filter((d) => d.quantity === 'regionRto').map((d) => `${d.resource}: ${d.basis}`),
      ),
    ),
  ];
  return { findings, status, steps };
}

/** Every way to weaken one tier's templates, as [what was removed, the weakened copy]. */
function weakenings(prefix: string): [string, StackInput[]][] {
  const own = stacks.filter((s) => s.name.startsWith(prefix));
  const out: [string, StackInput[]][] = [];
  const each = (
    test: (r: Resource) => boolean,
    change: (resources: Record<string, Resource>, id: string) => void,
    what: string,
  ) => {
    for (const stack of own) {
      for (const [id, resource] of Object.entries(stack.template.Resources)) {
        if (test(resource)) {
          const copy = structuredClone(own);
          change(copy.find((s) => s.name === stack.name)!.template.Resources, id);
          out.push([`${what} ${stack.name}/${id}`, copy]);
        }
      }
    }
  };
  const runbook = (r: Resource) => r.Metadata?.[FAILOVER_STEP_METADATA_KEY] !== undefined;
  each(runbook, (resources, id) => delete resources[id], 'without the runbook');
  each(
    runbook,
    (resources, id) => delete resources[id].Metadata![FAILOVER_STEP_METADATA_KEY],
    'with nothing starting the runbook',
  );
  each(
    (r) =>
      runbook(r) && (r.Metadata![FAILOVER_STEP_METADATA_KEY] as { createsWriter?: boolean }).createsWriter === true,
    (resources, id) => {
      (resources[id].Metadata![FAILOVER_STEP_METADATA_KEY] as { createsWriter: boolean }).createsWriter = false;
    },
    'without the writer step of',
  );
  each(
    (r) => r.Type === 'AWS::Synthetics::Canary',
    (resources, id) => delete resources[id],
    'without the probe',
  );
  // The primary's check is what moves clients (a failover record without one is a SECONDARY's: Route 53 answers with it
  // when the primary is unhealthy), so the check goes, and the record's reference to it with it.
  each(
    (r) =>
      r.Type === 'AWS::Route53::RecordSet' &&
      r.Properties?.Failover === 'PRIMARY' &&
      r.Properties?.HealthCheckId !== undefined,
    (resources, id) => {
      const check = (resources[id].Properties!.HealthCheckId as { Ref: string }).Ref;
      delete resources[check];
      delete resources[id].Properties!.HealthCheckId;
    },
    'without the health check of',
  );
  return out;
}

describe.each([
  ['Tier1-', 'orders'],
  ['Tier1Ecs-', 'invoices'],
  ['Tier2-', 'catalog'],
])('%s', (prefix, service) => {
  test('removing what a failover needs, one thing at a time, always turns into a finding or a worse verdict', () => {
    const baseline = verdict(
      stacks.filter((s) => s.name.startsWith(prefix)),
      service,
    );
    const cases = weakenings(prefix);
    expect(cases.length).toBeGreaterThanOrEqual(5);
    const unnoticed = cases
      .filter(([, weakened]) => {
        const after = verdict(weakened, service);
        const newFinding = after.findings.some((f) => !baseline.findings.includes(f));
        const worse = after.status.some((s) => !baseline.status.includes(s));
        // Already unproven (the standby's launch time): the report must still name the new gap, never improve.
        const named = after.steps.some((s) => !baseline.steps.includes(s) && !/^service:/.test(s));
        return !newFinding && !worse && !named;
      })
      .map(([what]) => what);
    expect(unnoticed).toEqual([]);
  });
});
