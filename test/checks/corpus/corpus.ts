import * as fs from 'fs';
import * as path from 'path';
import { checkGraph } from '../../../lib/checks/check';
import { HaInputError } from '../../../lib/checks/graph/errors';
import { buildGraph, GraphInputs, readInputs } from '../../../lib/checks/graph/load';
import type { Finding } from '../../../lib/checks/model';
import { CORPUS_APPS } from './apps';
import { Verdict, VERDICTS } from './verdicts';

/** The figures RULES.md prints, kept in measured.json and checked against the corpus by corpus.test.ts. */
export interface CorpusFigures {
  readonly inputs: number;
  /** Inputs ha-report refused (an HaInputError): their weaknesses count as missed. */
  readonly notRead: readonly string[];
  readonly weaknesses: number;
  readonly found: number;
  /** Weaknesses not found, by the rule that should catch them ('none' where no rule covers them yet). */
  readonly missedByRule: Readonly<Record<string, number>>;
  readonly traps: number;
  /** Traps it fell into (each counted once, however many of its resources were flagged). */
  readonly trapsHit: number;
  /** Traps it fell into, by the rule that fired. */
  readonly falsePositivesByRule: Readonly<Record<string, number>>;
  /** Findings on neither a weakness nor a trap (security hygiene, operations): not counted either way. */
  readonly otherFindings: number;
}

/** One input scored against its verdict. */
export interface InputScore {
  readonly input: string;
  /** Why ha-report could not read it, when it could not. */
  readonly notRead?: string;
  /** Ids of the weaknesses a finding of the expected rule points at. */
  readonly found: readonly string[];
  readonly missed: readonly string[];
  /** `<trap id>: <rule> <resource>` for each finding that falls into a trap. */
  readonly falsePositives: readonly string[];
  /** `<rule> <resource>` of the findings that match neither. */
  readonly other: readonly string[];
  /** Resources the verdict names that the input, as read, does not declare (a typo, or a construct's ids changed). */
  readonly unknownResources: readonly string[];
}

const INPUTS_DIR = path.join(__dirname, 'inputs');

/** Reads one input as ha-report does: a synthesized app's cloud assembly, or a file under inputs/. */
function readCorpusInput(verdict: Verdict): GraphInputs {
  const app = CORPUS_APPS[verdict.input];
  if (app) {
    return readInputs(silenced(() => app().synth()).directory);
  }
  const file = fs.readdirSync(INPUTS_DIR).find((name) => name.replace(/(\.tf)?\.(json|ya?ml)$/, '') === verdict.input);
  if (!file) {
    throw new Error(`no app and no file under inputs/ for the verdict on ${verdict.input}`);
  }
  const inputs = readInputs(path.join(INPUTS_DIR, file));
  // A lone template file carries no stack environment; the verdict says where it is deployed.
  const cloudFormation = inputs.cloudFormation?.map((stack) => ({ ...stack, region: verdict.region ?? stack.region }));
  return { ...inputs, cloudFormation };
}

/** Runs `fn` without the deprecation notices and warnings third-party constructs print while synthesizing. */
function silenced<T>(fn: () => T): T {
  const original = { log: console.log, warn: console.warn, error: console.error };
  console.log = console.warn = console.error = () => undefined;
  try {
    return fn();
  } finally {
    Object.assign(console, original);
  }
}

/** Scores one input: reads it, runs every rule and compares the findings with the verdict. */
export function scoreInput(verdict: Verdict): InputScore {
  let inputs: GraphInputs;
  try {
    inputs = readCorpusInput(verdict);
  } catch (e) {
    if (e instanceof HaInputError) {
      const missed = verdict.weaknesses.map((w) => w.id);
      return {
        input: verdict.input,
        notRead: e.message,
        found: [],
        missed,
        falsePositives: [],
        other: [],
        unknownResources: [],
      };
    }
    throw e;
  }
  const graph = buildGraph(inputs);
  const findings = checkGraph(graph).findings;
  const declared = new Set(graph.resources.map((r) => r.address));
  const points = (rule: string | null, resources: readonly string[]) => (finding: Finding) =>
    (rule === '*' || finding.rule === rule) && resources.includes(finding.resource);
  const found = verdict.weaknesses.filter((w) => findings.some(points(w.rule, w.resources)));
  const falsePositives = findings.flatMap((finding) =>
    verdict.mustNotFlag
      .filter((trap) => points(trap.rule, trap.resources)(finding))
      .map((trap) => `${trap.id}: ${finding.rule} ${finding.resource}`),
  );
  const judged = (finding: Finding) =>
    verdict.weaknesses.some((w) => points(w.rule, w.resources)(finding)) ||
    verdict.mustNotFlag.some((trap) => points(trap.rule, trap.resources)(finding));
  return {
    input: verdict.input,
    found: found.map((w) => w.id),
    missed: verdict.weaknesses.filter((w) => !found.includes(w)).map((w) => w.id),
    falsePositives,
    other: findings.filter((f) => !judged(f)).map((f) => `${f.rule} ${f.resource}`),
    // A resource a Condition excludes ('*' traps) may rightly be absent from the graph.
    unknownResources: [
      ...new Set(
        [...verdict.weaknesses, ...verdict.mustNotFlag.filter((t) => t.rule !== '*')].flatMap((v) => v.resources),
      ),
    ].filter((resource) => !declared.has(resource)),
  };
}

/** Scores every input of the corpus. */
export function scoreCorpus(): InputScore[] {
  return VERDICTS.map(scoreInput);
}

/** The corpus-wide figures of the scores. */
export function corpusFigures(scores: readonly InputScore[]): CorpusFigures {
  const verdictOf = (input: string) => VERDICTS.find((v) => v.input === input)!;
  const missedByRule: Record<string, number> = {};
  const falsePositivesByRule: Record<string, number> = {};
  const trapsHit = new Set<string>();
  for (const score of scores) {
    for (const id of score.missed) {
      const rule = verdictOf(score.input).weaknesses.find((w) => w.id === id)!.rule ?? 'none';
      missedByRule[rule] = (missedByRule[rule] ?? 0) + 1;
    }
    // `<trap id>: <rule> <resource>`: a trap counts once per rule that fell into it.
    const trapRules = new Set(score.falsePositives.map((entry) => entry.split(' ').slice(0, 2).join(' ')));
    for (const trapRule of trapRules) {
      const [trap, rule] = trapRule.split(': ');
      trapsHit.add(trap);
      falsePositivesByRule[rule] = (falsePositivesByRule[rule] ?? 0) + 1;
    }
  }
  return {
    inputs: scores.length,
    notRead: scores.filter((s) => s.notRead !== undefined).map((s) => s.input),
    weaknesses: VERDICTS.reduce((n, v) => n + v.weaknesses.length, 0),
    found: scores.reduce((n, s) => n + s.found.length, 0),
    missedByRule: sortedByKey(missedByRule),
    traps: VERDICTS.reduce((n, v) => n + v.mustNotFlag.length, 0),
    trapsHit: trapsHit.size,
    falsePositivesByRule: sortedByKey(falsePositivesByRule),
    otherFindings: scores.reduce((n, s) => n + s.other.length, 0),
  };
}

function sortedByKey(counts: Record<string, number>): Record<string, number> {
  const byRule = ([a]: [string, number], [b]: [string, number]) => a.localeCompare(b, undefined, { numeric: true });
  return Object.fromEntries(Object.entries(counts).sort(byRule));
}
