import { ServiceTier } from '../../../lib/core';
import { RegionalFleet } from '../../../lib/tf/google/fleet';
import { RegionalNetwork } from '../../../lib/tf/google/network';
import { ZoneEvacuationDrill } from '../../../lib/tf/google/zone-drill';
import { resourcesOf, terraformJson, testStack } from './util';

/*
 * The zone drill and the watchdog of a cancelled, failed or hung drill, run step by step from the
 * synthesized workflow source against a fake project: a small interpreter of the Workflows syntax the drill
 * uses (assign, switch, call, try/except/retry, for, next, return, raise) and fakes of the APIs it
 * calls. The fakes hold what the drill left (tags, repair off) and a clock that `sys.sleep` moves.
 */

type Value = unknown;
type Steps = Record<string, Record<string, Value>>[];
type Definition = Record<string, { params?: string[]; steps: Steps }>;

const PROJECT = 'shop-prod';
const REGION = 'europe-west1';
const ZONE = 'europe-west1-b';
const WORKFLOW = `projects/${PROJECT}/locations/${REGION}/workflows/zonedrill-resource`;
const DRILL = `${WORKFLOW}/executions/drill-1`;
const WATCHDOG = `${WORKFLOW}/executions/watchdog-1`;
/** Seconds a zone instance takes to pass its check once untagged. */
const PASS_AFTER_UNTAG = 45;

/** The synthesized definition and the environment Terraform gives it. */
function synthesized(executionId = 'watchdog-1'): { definition: Definition; env: Record<string, string> } {
  const stack = testStack();
  const tier = ServiceTier.TIER_1;
  const network = new RegionalNetwork(stack, 'Network', { tier, regions: [REGION, 'europe-west4'] });
  const fleet = new RegionalFleet(stack, 'Fleet', {
    tier,
    network,
    region: REGION,
    zones: [ZONE, 'europe-west1-c', 'europe-west1-d'],
  });
  new ZoneEvacuationDrill(stack, 'ZoneDrill', {
    tier,
    fleet,
    zone: ZONE,
    backendServiceName: 'catalog-backend',
    stopTopicId: 'projects/shop-prod/topics/catalog-slo-alerts',
    sloName: 'projects/shop-prod/services/catalog/serviceLevelObjectives/availability',
  });
  const [workflow] = Object.values(resourcesOf(terraformJson(stack), 'google_workflows_workflow'));
  const definition = JSON.parse((workflow.source_contents as string).replace(/\$\$\{/g, '${')) as Definition;
  const env = {
    ...(workflow.user_env_vars as Record<string, string>),
    HA_GROUP: 'catalog-group',
    GOOGLE_CLOUD_PROJECT_ID: PROJECT,
    GOOGLE_CLOUD_LOCATION: REGION,
    GOOGLE_CLOUD_WORKFLOW_ID: 'zonedrill-resource',
    GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID: executionId,
  };
  return { definition, env };
}

/** A fake project: the group's instances, its repair policy, the drill execution, a clock. */
class FakeProject {
  public now = 1_000_000;
  public repair = 'DO_NOTHING';
  public readonly calls: string[] = [];
  /** When repair was put back, and how many zone instances were failing their check then. */
  public repairRestored?: { at: number; failingInZone: number };
  public readonly instances = new Map<
    string,
    { zone: string; tags: string[]; fingerprint: number; untagAt?: number }
  >();
  /** Errors to raise once, by method. */
  public readonly transient = new Map<string, number>();
  /** The watchdog the drill started: its argument, and its state over time. */
  public watchdogArgument?: Record<string, Value>;
  public watchdogState: (now: number) => string = () => 'ACTIVE';
  /** When an SLO alert opens an incident on the stop topic, and whether the drill pulled it. */
  public incidentAt?: number;
  private delivered = false;
  /** When the drill first tagged an instance of the zone: the fault's start. */
  public firstTagAt?: number;

  constructor(
    public readonly tag: string,
    public drillState: (now: number) => string,
  ) {
    for (const [name, zone, tagged] of [
      ['b-1', ZONE, true],
      ['b-2', ZONE, true],
      ['c-1', 'europe-west1-c', false],
      ['d-1', 'europe-west1-d', false],
    ] as const) {
      this.instances.set(name, { zone, tags: tagged ? ['app', tag] : ['app'], fingerprint: 1 });
    }
  }

  public healthy(name: string): boolean {
    const i = this.instances.get(name)!;
    return !i.tags.includes(this.tag) && (i.untagAt === undefined || this.now - i.untagAt >= PASS_AFTER_UNTAG);
  }

  public call(method: string, args: Record<string, Value>): Value {
    this.calls.push(method.split('.').slice(-1)[0]);
    const left = this.transient.get(method) ?? 0;
    if (left > 0) {
      this.transient.set(method, left - 1);
      throw new WorkflowError({ tags: ['HttpError'], code: 503, message: 'unavailable' });
    }
    const short = method.replace(
      /^googleapis\.(compute\.v1|workflowexecutions\.v1\.projects\.locations\.workflows)\./,
      '',
    );
    switch (short) {
      case 'executions.get':
        expect([DRILL, WATCHDOG]).toContain(args.name);
        return { name: args.name, state: (args.name === DRILL ? this.drillState : this.watchdogState)(this.now) };
      case 'executions.list':
        return { executions: [{ name: DRILL, state: 'ACTIVE' }] };
      case 'executions.create':
        this.watchdogArgument = JSON.parse((args.body as { argument: string }).argument);
        return { name: WATCHDOG, state: 'ACTIVE' };
      case 'backendServices.getHealth':
        return {
          healthStatus: [...this.instances.entries()].map(([name, i]) => ({
            instance: `https://www.googleapis.com/compute/v1/projects/${PROJECT}/zones/${i.zone}/instances/${name}`,
            healthState: this.healthy(name) ? 'HEALTHY' : 'UNHEALTHY',
          })),
        };
      case 'http.get':
        // The SLO's budget: half left, no freeze.
        return { body: { timeSeries: [{ points: [{ value: { doubleValue: 0.5 } }] }] } };
      case 'http.post': {
        // The stop subscription: seek, acknowledge, and pulls that bring the incident once it opened.
        const url = args.url as string;
        if (url.endsWith(':pull') && this.incidentAt !== undefined && this.now >= this.incidentAt && !this.delivered) {
          this.delivered = true;
          const incident = { incident: { state: 'open', policy_name: 'catalog fast burn' } };
          const data = Buffer.from(JSON.stringify(incident)).toString('base64');
          return { body: { receivedMessages: [{ ackId: 'a1', message: { data } }] } };
        }
        return { body: {} };
      }
      case 'executions.cancel': {
        const stateNow = this.drillState(this.now);
        this.drillState = () => (stateNow === 'ACTIVE' ? 'CANCELLED' : stateNow);
        return {};
      }
      case 'regionInstanceGroupManagers.listManagedInstances':
        return {
          managedInstances: [...this.instances.entries()].map(([name, i]) => ({
            instance: `https://www.googleapis.com/compute/v1/projects/${PROJECT}/zones/${i.zone}/instances/${name}`,
            instanceHealth: [{ detailedHealthState: this.healthy(name) ? 'HEALTHY' : 'UNHEALTHY' }],
          })),
        };
      case 'instances.get': {
        const i = this.instances.get(args.instance as string)!;
        expect(args.zone).toBe(i.zone);
        return { name: args.instance, tags: { items: i.tags, fingerprint: i.fingerprint } };
      }
      case 'instances.setTags': {
        const i = this.instances.get(args.instance as string)!;
        const body = args.body as { items: string[]; fingerprint: number };
        expect(body.fingerprint).toBe(i.fingerprint);
        if (i.tags.includes(this.tag) && !body.items.includes(this.tag)) {
          i.untagAt = this.now;
        }
        if (!i.tags.includes(this.tag) && body.items.includes(this.tag)) {
          this.firstTagAt ??= this.now;
        }
        i.tags = body.items;
        i.fingerprint += 1;
        return {};
      }
      case 'regionInstanceGroupManagers.get':
        return { instanceLifecyclePolicy: { onFailedHealthCheck: this.repair } };
      case 'regionInstanceGroupManagers.patch': {
        this.repair = (
          args.body as { instanceLifecyclePolicy: { onFailedHealthCheck: string } }
        ).instanceLifecyclePolicy.onFailedHealthCheck;
        const failingInZone = [...this.instances.keys()].filter(
          (n) => this.instances.get(n)!.zone === ZONE && !this.healthy(n),
        ).length;
        this.repairRestored = { at: this.now, failingInZone };
        return {};
      }
      default:
        throw new Error(`the fake project has no ${method}`);
    }
  }
}

class WorkflowError extends Error {
  constructor(public readonly value: Value) {
    super(typeof value === 'string' ? value : JSON.stringify(value));
  }
}

type Signal = { jump: string } | { returned: Value } | undefined;

/** Runs the workflow's subworkflows against `project`. */
class Interpreter {
  constructor(
    private readonly definition: Definition,
    private readonly env: Record<string, string>,
    private readonly project: FakeProject,
  ) {}

  public run(name: string, args: Record<string, Value>): Value {
    const sub = this.definition[name];
    const scope: Record<string, Value> = {};
    for (const p of sub.params ?? []) {
      scope[p] = args[p];
    }
    const signal = this.steps(sub.steps, scope);
    if (signal && 'jump' in signal) {
      throw new Error(`jump to ${signal.jump}: no such step in ${name}`);
    }
    return signal && 'returned' in signal ? signal.returned : null;
  }

  private steps(steps: Steps, scope: Record<string, Value>): Signal {
    for (let i = 0; i < steps.length;) {
      const [[, body]] = Object.entries(steps[i]);
      const signal = this.step(body, scope);
      if (signal && 'jump' in signal) {
        const target = steps.findIndex((s) => Object.keys(s)[0] === signal.jump);
        if (target < 0) {
          return signal;
        }
        i = target;
        continue;
      }
      if (signal) {
        return signal;
      }
      i++;
    }
    return undefined;
  }

  private step(body: Record<string, Value>, scope: Record<string, Value>): Signal {
    if (body.assign) {
      this.assign(body.assign as Record<string, Value>[], scope);
    } else if (body.call) {
      const result = this.call(body.call as string, this.evaluate(body.args ?? {}, scope) as Record<string, Value>);
      if (body.result) {
        scope[body.result as string] = result;
      }
    } else if (body.switch) {
      const branch = (body.switch as Record<string, Value>[]).find((b) => this.evaluate(b.condition, scope) === true);
      if (branch) {
        return this.step(branch, scope);
      }
    } else if (body.try) {
      return this.tryStep(body, scope);
    } else if (body.for) {
      return this.loop(body.for as Record<string, Value>, scope);
    } else if (body.steps) {
      const signal = this.steps(body.steps as Steps, scope);
      if (signal) {
        return signal;
      }
    } else if (body.raise !== undefined) {
      throw new WorkflowError(this.evaluate(body.raise, scope));
    }
    if (body.return !== undefined) {
      return { returned: this.evaluate(body.return, scope) };
    }
    return body.next ? { jump: body.next as string } : undefined;
  }

  private tryStep(body: Record<string, Value>, scope: Record<string, Value>): Signal {
    const retries = body.retry === '${http.default_retry}' ? 5 : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const inner = body.try as Record<string, Value>;
        return this.step(inner, scope);
      } catch (e) {
        const error = e instanceof WorkflowError ? (e.value as { code?: number }) : undefined;
        if (error && attempt < retries && [429, 502, 503, 504].includes(error.code ?? 0)) {
          continue;
        }
        const except = body.except as { as: string; steps: Steps } | undefined;
        if (!except || !(e instanceof WorkflowError)) {
          throw e;
        }
        scope[except.as] = e.value;
        return this.steps(except.steps, scope);
      }
    }
  }

  private loop(spec: Record<string, Value>, scope: Record<string, Value>): Signal {
    for (const item of this.evaluate(spec.in, scope) as Value[]) {
      scope[spec.value as string] = item;
      const signal = this.steps(spec.steps as Steps, scope);
      if (signal && 'jump' in signal && signal.jump === 'continue') {
        continue;
      }
      if (signal) {
        return signal;
      }
    }
    return undefined;
  }

  private assign(assignments: Record<string, Value>[], scope: Record<string, Value>): void {
    for (const a of assignments) {
      const [[name, value]] = Object.entries(a);
      scope[name] = this.evaluate(value, scope);
    }
  }

  private call(name: string, args: Record<string, Value>): Value {
    if (name === 'sys.sleep') {
      this.project.now += args.seconds as number;
      return null;
    }
    if (this.definition[name]) {
      return this.run(name, args);
    }
    return this.project.call(name, args);
  }

  /** Evaluates `${...}` expressions, in strings, lists and maps. */
  private evaluate(value: Value, scope: Record<string, Value>): Value {
    if (typeof value === 'string') {
      const m = /^\$\{([\s\S]*)\}$/.exec(value);
      return m ? this.expression(m[1], scope) : value;
    }
    if (Array.isArray(value)) {
      return value.map((v) => this.evaluate(v, scope));
    }
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.evaluate(v, scope)]));
    }
    return value;
  }

  private expression(text: string, scope: Record<string, Value>): Value {
    // Operators and functions are translated outside string literals only.
    const js = text
      .split(/("(?:[^"\\]|\\.)*")/)
      .map((part, i) => (i % 2 === 1 ? part : translate(part)))
      .join('');
    const helpers = {
      dflt: (v: Value, fallback: Value) => v ?? fallback,
      mapGet: (map: Value, key: string | string[]) =>
        (Array.isArray(key) ? key : [key]).reduce<Value>((m, k) => (m as Record<string, Value>)?.[k] ?? null, map),
      matchRegex: (s: string, pattern: string) => new RegExp(pattern).test(s),
      split: (s: string, separator: string) => s.split(separator),
      substring: (s: string, start: number, end: number) => s.substring(start, end),
      concat: (list: Value[], item: Value) => [...list, item],
      len: (v: Value[] | string) => v.length,
      now: () => this.project.now,
      getEnv: (name: string) => this.env[name],
      timeFormat: (seconds: number) => new Date(seconds * 1000).toISOString(),
      int: (n: number) => Math.trunc(n),
      b64decode: (text: string) => Buffer.from(text, 'base64').toString(),
      string: (v: Value) => String(v),
    };
    const names = Object.keys(scope);
    // Unknown variables throw, as they fail an execution.
    return new Function(...names, ...Object.keys(helpers), `return (${js});`)(
      ...names.map((n) => scope[n]),
      ...Object.values(helpers),
    );
  }
}

/** A Workflows expression's operators and standard-library calls, as the helpers above. */
function translate(code: string): string {
  return code
    .replace(/\band\b/g, '&&')
    .replace(/\bor\b/g, '||')
    .replace(/\bnot\(/g, '!(')
    .replace(/\bdefault\(/g, 'dflt(')
    .replace(/\bmap\.get\(/g, 'mapGet(')
    .replace(/\btext\.match_regex\(/g, 'matchRegex(')
    .replace(/\btext\.split\(/g, 'split(')
    .replace(/\btext\.substring\(/g, 'substring(')
    .replace(/\blist\.concat\(/g, 'concat(')
    .replace(/\bsys\.now\(\)/g, 'now()')
    .replace(/\bsys\.get_env\(/g, 'getEnv(')
    .replace(/\btime\.format\(/g, 'timeFormat(')
    .replace(/\bjson\.encode_to_string\(/g, 'JSON.stringify(')
    .replace(/\bjson\.decode\(/g, 'JSON.parse(')
    .replace(/\bbase64\.decode\(/g, 'b64decode(');
}

/** Starts the watchdog as the drill does: an execution of the same workflow, with the drill's argument. */
function watchdog(project: FakeProject, deadline: number): { result: Value; project: FakeProject } {
  const { definition, env } = synthesized();
  const result = new Interpreter(definition, env, project).run('main', {
    args: { watch: DRILL, repairBefore: 'DEFAULT_ACTION', deadline },
  });
  return { result, project };
}

function tagOf(): string {
  return synthesized().env.HA_DRILL_TAG;
}

describe('ZoneEvacuationDrill watchdog, run from the synthesized source against a fake project', () => {
  test.each(['CANCELLED', 'FAILED'])(
    'WHEN the drill is %s mid-fault THEN the watchdog untags the zone, waits for its checks, then puts repair back',
    (state) => {
      const start = 1_000_000;
      // The drill runs two minutes, then ends with the zone tagged and repair off.
      const fake = new FakeProject(tagOf(), (now) => (now < start + 120 ? 'ACTIVE' : state));
      const { result } = watchdog(fake, start + 1500);
      expect([...fake.instances.values()].every((i) => !i.tags.includes(fake.tag))).toBe(true);
      expect(fake.repair).toBe('DEFAULT_ACTION');
      // Repair came back only once the zone's instances passed their check: it recreated nothing.
      expect(fake.repairRestored).toEqual({ at: expect.any(Number), failingInZone: 0 });
      // Within a poll of the end, plus the check's own time.
      expect(fake.repairRestored!.at - (start + 120)).toBeLessThanOrEqual(30 + PASS_AFTER_UNTAG + 30);
      expect(result).toEqual({ watched: DRILL, drillState: state, cancelledAtDeadline: false, repairRestored: true });
      // The instances of the other zones were never touched.
      expect(fake.instances.get('c-1')!.fingerprint).toBe(1);
    },
  );

  test('WHEN the drill hangs past its deadline THEN the watchdog cancels it and restores', () => {
    const fake = new FakeProject(tagOf(), () => 'ACTIVE');
    const deadline = fake.now + 1500;
    const { result } = watchdog(fake, deadline);
    expect(fake.calls).toContain('cancel');
    expect(fake.drillState(fake.now)).toBe('CANCELLED');
    expect(fake.repair).toBe('DEFAULT_ACTION');
    expect(fake.repairRestored).toEqual({ at: expect.any(Number), failingInZone: 0 });
    expect(fake.repairRestored!.at).toBeGreaterThanOrEqual(deadline);
    expect(fake.repairRestored!.at - deadline).toBeLessThanOrEqual(30 + PASS_AFTER_UNTAG + 30);
    expect(result).toEqual(expect.objectContaining({ cancelledAtDeadline: true, repairRestored: true }));
  });

  test('WHEN the drill rolled back itself THEN the watchdog reads and changes nothing', () => {
    const fake = new FakeProject(tagOf(), () => 'SUCCEEDED');
    for (const i of fake.instances.values()) {
      i.tags = ['app'];
    }
    fake.repair = 'DEFAULT_ACTION';
    const { result } = watchdog(fake, fake.now + 1500);
    expect(fake.calls).not.toContain('setTags');
    expect(fake.calls).not.toContain('patch');
    expect(result).toEqual(expect.objectContaining({ drillState: 'SUCCEEDED', repairRestored: false }));
  });

  test('WHEN the APIs answer 503 once THEN the watchdog retries and still restores', () => {
    const fake = new FakeProject(tagOf(), () => 'CANCELLED');
    fake.transient.set('googleapis.workflowexecutions.v1.projects.locations.workflows.executions.get', 1);
    fake.transient.set('googleapis.compute.v1.regionInstanceGroupManagers.get', 1);
    watchdog(fake, fake.now + 1500);
    expect([...fake.instances.values()].every((i) => !i.tags.includes(fake.tag))).toBe(true);
    expect(fake.repair).toBe('DEFAULT_ACTION');
  });

  test("WHEN it is told to watch another workflow's execution THEN it refuses before any call", () => {
    const { definition, env } = synthesized();
    const fake = new FakeProject(tagOf(), () => 'ACTIVE');
    const run = () =>
      new Interpreter(definition, env, fake).run('main', {
        args: { watch: 'projects/shop-prod/locations/europe-west1/workflows/runbooks/executions/e1', deadline: 0 },
      });
    expect(run).toThrow(/the watchdog watches this workflow's executions only/);
    expect(fake.calls).toEqual([]);
  });
});

describe('ZoneEvacuationDrill, run from the synthesized source against a fake project', () => {
  function untouchedProject(): FakeProject {
    const fake = new FakeProject(tagOf(), () => 'ACTIVE');
    for (const i of fake.instances.values()) {
      i.tags = ['app'];
    }
    fake.repair = 'DEFAULT_ACTION';
    return fake;
  }

  test('WHEN nothing stops it THEN it holds the zone out 10 minutes, restores, and returns its measurement', () => {
    const { definition, env } = synthesized('drill-1');
    const fake = untouchedProject();
    const result = new Interpreter(definition, env, fake).run('main', { args: {} }) as Record<string, Value>;
    expect(result).toEqual(
      expect.objectContaining({
        zone: ZONE,
        watchdog: WATCHDOG,
        measurement: expect.objectContaining({
          step: 'zone-evacuation',
          drill: 'ZoneEvacuationDrill execution drill-1',
        }),
      }),
    );
    const untagged = Math.min(...[...fake.instances.values()].map((i) => i.untagAt ?? Infinity));
    expect(untagged - fake.firstTagAt!).toBeGreaterThanOrEqual(600);
    expect(untagged - fake.firstTagAt!).toBeLessThan(600 + 30);
    expect([...fake.instances.values()].every((i) => !i.tags.includes(fake.tag))).toBe(true);
    expect(fake.repairRestored).toEqual({ at: expect.any(Number), failingInZone: 0 });
    expect(fake.repair).toBe('DEFAULT_ACTION');
  });

  test('THEN it starts its watchdog before the fault, and rolls back itself when the watchdog is cancelled', () => {
    const { definition, env } = synthesized('drill-1');
    const start = 1_000_000;
    const fake = untouchedProject();
    fake.watchdogState = (now) => (now < start + 90 ? 'ACTIVE' : 'CANCELLED');
    const run = () => new Interpreter(definition, env, fake).run('main', { args: {} });
    expect(run).toThrow(/drill stopped and rolled back: its watchdog execution ended \(CANCELLED\)/);
    // The watchdog was told which execution to watch, what to restore, and when the drill is late.
    expect(fake.watchdogArgument).toEqual({ watch: DRILL, repairBefore: 'DEFAULT_ACTION', deadline: start + 1500 });
    const order = fake.calls;
    expect(order.indexOf('create')).toBeLessThan(order.indexOf('patch'));
    expect(order.indexOf('create')).toBeLessThan(order.indexOf('setTags'));
    // Stopped at the first poll after the cancel, and left nothing behind.
    expect([...fake.instances.values()].every((i) => !i.tags.includes(fake.tag))).toBe(true);
    expect(fake.repair).toBe('DEFAULT_ACTION');
    expect(fake.repairRestored).toEqual({ at: expect.any(Number), failingInZone: 0 });
    expect(fake.repairRestored!.at - start).toBeLessThanOrEqual(90 + 30 + PASS_AFTER_UNTAG + 30);
  });

  test('WHEN an SLO alert opens an incident THEN it stops at the next poll, rolls back and fails naming it', () => {
    const { definition, env } = synthesized('drill-1');
    const fake = untouchedProject();
    fake.incidentAt = fake.now + 100;
    const run = () => new Interpreter(definition, env, fake).run('main', { args: {} });
    expect(run).toThrow(/drill stopped and rolled back: the SLO alert catalog fast burn opened an incident/);
    expect([...fake.instances.values()].every((i) => !i.tags.includes(fake.tag))).toBe(true);
    expect(fake.repairRestored).toEqual({ at: expect.any(Number), failingInZone: 0 });
    const untagged = Math.min(...[...fake.instances.values()].map((i) => i.untagAt ?? Infinity));
    expect(untagged - fake.incidentAt).toBeLessThanOrEqual(30);
  });
});
