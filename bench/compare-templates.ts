#!/usr/bin/env node
/**
 * Compares the CloudFormation template of one library service (bench/library.ts) with one
 * hand-written service (bench/handwritten.ts), resource by resource, so that the benchmark's
 * `overheadRatio` compares the same template built two ways.
 *
 *   npx ts-node bench/compare-templates.ts [--dump <dir>]
 *
 * What is left out, because only the library writes it and the benchmark must keep charging it to
 * the library: the HA record in each resource's Metadata (`ha-constructs`,
 * `ha-constructs:acknowledged`) and the `ha:*` tags (wherever tags are: `Tags`, `HealthCheckTags`,
 * a launch template's tag specifications).
 *
 * Logical ids differ between the two (construct paths differ), so resources are compared by
 * content: every reference to another resource (`Ref`, `Fn::GetAtt`, `DependsOn`, a logical id
 * inside a string) is replaced by a label of the referenced resource, computed from its type and
 * its own content, references included (colour refinement, as in the Weisfeiler-Lehman test:
 * each round relabels every resource from its neighbours' labels of the round before, until the
 * labels split the resources no further). Two resources with the same final label are the same
 * resource. In strings, the stack name and the 8-character hashes that aws-cdk-lib appends to
 * names made from construct paths (`Names.uniqueId`, `Names.uniqueResourceName`) are replaced by
 * `<stack>` and `<hash>`: those are derived from logical ids.
 *
 * Prints, per resource type, the counts and, for each resource left without an identical partner,
 * the property paths that differ from its most similar partner. Exits 1 while anything differs.
 */
import { createHash } from 'crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'aws-cdk-lib';
import * as cdkJson from '../cdk.json';
import { addHandwrittenService } from './handwritten';
import { addLibraryService } from './library';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
interface Template {
  readonly Resources: Record<string, JsonObject>;
  readonly [section: string]: Json;
}

/** Metadata keys of the library's HA record (lib/core/metadata.ts). */
const HA_METADATA_KEYS = ['ha-constructs', 'ha-constructs:acknowledged'];
const HA_TAG_PREFIX = 'ha:';
/** Marks a logical id inside the canonical JSON of a resource, to be replaced by a label. */
const REF = (id: string) => `\u27e6${id}\u27e7`;
const REF_PATTERN = /\u27e6([A-Za-z0-9]+)\u27e7/g;

function synthesize(): { library: Template; handwritten: Template; names: { library: string; handwritten: string } } {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-compare-'));
  try {
    const app = new App({ outdir, context: cdkJson.context, builtinCloudFormationValidation: false });
    const library = addLibraryService(app, 0);
    const handwritten = addHandwrittenService(app, 0);
    const assembly = app.synth();
    return {
      library: assembly.getStackByName(library.stackName).template,
      handwritten: assembly.getStackByName(handwritten.stackName).template,
      names: { library: library.stackName, handwritten: handwritten.stackName },
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

// ---- Removing the library's bookkeeping --------------------------------------------------------

function isTag(value: Json): value is { Key: string; Value: Json } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof value.Key === 'string' &&
    'Value' in value
  );
}

/** A copy without `ha:*` tags (lists of `{ Key, Value }` and `Tags` maps); tag lists left empty go. */
function withoutHaTags(value: Json, key = ''): Json | undefined {
  if (Array.isArray(value)) {
    const isTagList = value.length > 0 && value.every(isTag);
    const kept = isTagList ? value.filter((tag) => !(tag as { Key: string }).Key.startsWith(HA_TAG_PREFIX)) : value;
    if (isTagList && kept.length === 0) return undefined;
    return kept.map((item) => withoutHaTags(item)).filter((item): item is Json => item !== undefined);
  }
  if (typeof value === 'object' && value !== null) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (key === 'Tags' && k.startsWith(HA_TAG_PREFIX)) continue;
      const kept = withoutHaTags(v, k);
      if (kept !== undefined) out[k] = kept;
    }
    return key === 'Tags' && Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

function withoutHaMetadata(metadata: Json | undefined): Json | undefined {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return metadata;
  const kept = Object.fromEntries(Object.entries(metadata).filter(([k]) => !HA_METADATA_KEYS.includes(k)));
  return Object.keys(kept).length > 0 ? kept : undefined;
}

// ---- Canonical form ----------------------------------------------------------------------------

/** JSON with sorted keys, so that equal content gives an equal string. */
function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Strings with logical ids marked (whole alphanumeric words equal to a logical id of the template,
 * which covers `Ref`, `Fn::GetAtt`, `Fn::Sub` and ids inside user data), then names derived from
 * construct paths normalised: `<stack>` for the stack name and `<hash>` for the 8 hex digits
 * aws-cdk-lib appends to a name made from a path.
 */
function normaliseString(text: string, ids: ReadonlySet<string>, stackName: string): string {
  const marked = text.replace(/[A-Za-z0-9]+/g, (word) => (ids.has(word) ? REF(word) : word));
  const stack = stackName.replace(/[^A-Za-z0-9]/g, '');
  const derivedName = new RegExp(`${stack}([-A-Za-z0-9]*?)([0-9A-Fa-f]{8})(?![A-Za-z0-9])`, 'gi');
  const stackWord = new RegExp(`\\b${stack}\\b`, 'gi');
  // Between the marked ids only, so that a logical id holding the stack name stays a reference.
  return marked.replace(/\u27e6[A-Za-z0-9]+\u27e7|[^\u27e6]+/g, (chunk) =>
    chunk.startsWith('\u27e6') ? chunk : chunk.replace(derivedName, '<stack>$1<hash>').replace(stackWord, '<stack>'),
  );
}

function normalise(value: Json, ids: ReadonlySet<string>, stackName: string): Json {
  if (typeof value === 'string') return normaliseString(value, ids, stackName);
  if (Array.isArray(value)) return value.map((v) => normalise(v, ids, stackName));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, ids, stackName)]));
  }
  return value;
}

/** A resource as compared: everything but its type, references marked; DependsOn apart (a set). */
interface Node {
  readonly id: string;
  readonly type: string;
  /** Canonical JSON of the resource without Type and DependsOn, logical ids marked with REF. */
  readonly body: string;
  readonly dependsOn: string[];
  /** The parsed form of `body`, for showing differences. */
  readonly tree: Json;
}

function nodesOf(template: Template, stackName: string): Node[] {
  const ids = new Set(Object.keys(template.Resources));
  return Object.entries(template.Resources).map(([id, resource]) => {
    const { Type, DependsOn, Metadata, ...rest } = resource;
    const kept: JsonObject = { ...rest };
    const metadata = withoutHaMetadata(Metadata);
    if (metadata !== undefined) kept.Metadata = metadata;
    const tree = normalise(withoutHaTags(kept) ?? {}, ids, stackName);
    const dependsOn = (Array.isArray(DependsOn) ? DependsOn : DependsOn === undefined ? [] : [DependsOn]) as string[];
    return { id, type: Type as string, body: canonicalJson(tree), dependsOn, tree };
  });
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** A label per logical id: type and content, references replaced by their targets' labels. */
type Labels = Map<string, string>;

function relabel(nodes: readonly Node[], previous: Labels): Labels {
  const labels: Labels = new Map();
  for (const node of nodes) {
    const body = node.body.replace(REF_PATTERN, (_, id: string) => previous.get(id)!);
    const dependsOn = node.dependsOn.map((id) => previous.get(id)!).sort();
    labels.set(node.id, `${node.type}#${hash(`${body}|${dependsOn.join(',')}`)}`);
  }
  return labels;
}

/**
 * Final labels of both templates, refined round by round (in the same round for both, so equal
 * content gets equal labels) until the resources of the two split into no more classes.
 */
function finalLabels(a: readonly Node[], b: readonly Node[]): [Labels, Labels] {
  let labelsA: Labels = new Map(a.map((n) => [n.id, n.type]));
  let labelsB: Labels = new Map(b.map((n) => [n.id, n.type]));
  // Classes of both templates together: a split that only tells a resource of one from its twin in the other counts.
  const classes = (x: Labels, y: Labels) => new Set([...x.values(), ...y.values()]).size;
  for (let round = 0; round <= a.length + b.length; round++) {
    const nextA = relabel(a, labelsA);
    const nextB = relabel(b, labelsB);
    const stable = classes(nextA, nextB) === classes(labelsA, labelsB);
    labelsA = nextA;
    labelsB = nextB;
    if (stable && round > 0) break;
  }
  return [labelsA, labelsB];
}

// ---- Differences -------------------------------------------------------------------------------

/**
 * Leaves of a JSON value by path (`Properties.KeyPolicy.Statement[1].Sid`). A `Ref`, a
 * `Fn::GetAtt` and a list of plain values are one leaf each, so that a difference reads as one line.
 */
function leaves(value: Json, path = '', out = new Map<string, string>()): Map<string, string> {
  const isIntrinsic =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    ('Ref' in value || 'Fn::GetAtt' in value);
  const isPlainList =
    Array.isArray(value) && value.length > 0 && value.every((v) => typeof v !== 'object' || v === null);
  if (isIntrinsic || isPlainList) {
    out.set(path, JSON.stringify(value));
  } else if (Array.isArray(value)) {
    if (value.length === 0) out.set(path, '[]');
    value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
  } else if (typeof value === 'object' && value !== null) {
    if (Object.keys(value).length === 0) out.set(path, '{}');
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else {
    out.set(path, JSON.stringify(value));
  }
  return out;
}

/** Leaves with each reference written as `<rename(logical id)>` (DependsOn as one sorted leaf). */
function renamedLeaves(node: Node, rename: (id: string) => string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, value] of leaves(node.tree))
    out.set(
      path,
      value.replace(REF_PATTERN, (_, id: string) => `<${rename(id)}>`),
    );
  if (node.dependsOn.length > 0) out.set('DependsOn', node.dependsOn.map(rename).sort().join(', '));
  return out;
}

function shorten(value: string | undefined, max = 110): string {
  if (value === undefined) return '(absent)';
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

interface Side {
  readonly name: string;
  readonly nodes: Node[];
  readonly labels: Labels;
  readonly types: Map<string, string>;
}

/** Library id → hand-written id. */
type Partners = Map<string, string>;

const ofType = (side: Side, type: string) =>
  side.nodes.filter((n) => n.type === type).sort((x, y) => x.id.localeCompare(y.id));

/**
 * Pairs library resources with hand-written ones of the same type: identical ones (equal final
 * labels) first; then the rest, greedily, by the most leaves in common, a reference counting as
 * equal when it points at the partner of what the library's points at. Partners are only known
 * once pairs exist, so the pairing is redone from the previous one until it no longer changes.
 */
function pairResources(
  lib: Side,
  hand: Side,
  types: readonly string[],
): { partners: Partners; identical: Set<string> } {
  const identical = new Set<string>();
  const fixed: Partners = new Map();
  for (const type of types) {
    const hands = ofType(hand, type);
    for (const l of ofType(lib, type)) {
      const j = hands.findIndex((h) => hand.labels.get(h.id) === lib.labels.get(l.id));
      if (j >= 0) {
        fixed.set(l.id, hands[j].id);
        identical.add(l.id);
        hands.splice(j, 1);
      }
    }
  }
  let partners: Partners = new Map(fixed);
  for (let pass = 0; pass < 20; pass++) {
    const next: Partners = new Map(fixed);
    for (const type of types) {
      const libs = ofType(lib, type).filter((n) => !identical.has(n.id));
      const pairedHands = new Set(fixed.values());
      const hands = ofType(hand, type).filter((n) => !pairedHands.has(n.id));
      const libLeaves = new Map(
        libs.map((n) => [n.id, renamedLeaves(n, (id) => partners.get(id) ?? `unpaired ${id}`)]),
      );
      const handLeaves = new Map(hands.map((n) => [n.id, renamedLeaves(n, (id) => id)]));
      const candidates = libs
        .flatMap((l) =>
          hands.map((h) => {
            let score = 0;
            for (const [path, value] of libLeaves.get(l.id)!) if (handLeaves.get(h.id)!.get(path) === value) score++;
            return { l: l.id, h: h.id, score };
          }),
        )
        .sort((x, y) => y.score - x.score || x.l.localeCompare(y.l) || x.h.localeCompare(y.h));
      const taken = new Set<string>();
      for (const { l, h } of candidates) {
        if (taken.has(l) || taken.has(h)) continue;
        taken.add(l);
        taken.add(h);
        next.set(l, h);
      }
    }
    const unchanged = next.size === partners.size && [...next].every(([l, h]) => partners.get(l) === h);
    partners = next;
    if (unchanged) break;
  }
  return { partners, identical };
}

/**
 * Lines describing the differences of one resource type: for each pair that is not identical, the
 * paths whose values differ (references shown by type) and the references that point at a resource
 * other than the partner of the library's; then resources without a partner. A pair whose only
 * difference is in what it references is not listed: that difference is listed where it is.
 */
function compareType(
  type: string,
  lib: Side,
  hand: Side,
  pairing: { partners: Partners; identical: Set<string> },
): string[] {
  const libs = ofType(lib, type);
  const hands = ofType(hand, type);
  const { partners, identical } = pairing;
  const lines: string[] = [];
  const handIds = new Set(hands.map((n) => n.id));
  let throughReferences = 0;
  for (const l of libs.filter((n) => !identical.has(n.id) && partners.has(n.id))) {
    const h = hand.nodes.find((n) => n.id === partners.get(l.id))!;
    const a = renamedLeaves(l, (id) => lib.types.get(id)!);
    const b = renamedLeaves(h, (id) => hand.types.get(id)!);
    const pa = renamedLeaves(l, (id) => partners.get(id) ?? `${id} (library only)`);
    const pb = renamedLeaves(h, (id) => id);
    const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
    const pairLines: string[] = [];
    for (const path of paths) {
      if (a.get(path) !== b.get(path)) {
        pairLines.push(
          `    ${path}`,
          `      library:      ${shorten(a.get(path))}`,
          `      hand-written: ${shorten(b.get(path))}`,
        );
      } else if (pa.get(path) !== pb.get(path)) {
        pairLines.push(
          `    ${path}: refers to another resource than the partner of the library's`,
          `      library:      ${shorten(renamedLeaves(l, (id) => id).get(path))}`,
          `      hand-written: ${shorten(pb.get(path))}`,
        );
      }
    }
    if (pairLines.length > 0) lines.push(`  library ${l.id} vs hand-written ${h.id}:`, ...pairLines);
    else throughReferences++;
  }
  const partnered = new Set(partners.values());
  for (const n of libs.filter((x) => !partners.has(x.id))) lines.push(`  only in library: ${n.id}`);
  for (const n of hands.filter((x) => handIds.has(x.id) && !partnered.has(x.id)))
    lines.push(`  only in hand-written: ${n.id}`);
  const same = libs.filter((n) => identical.has(n.id)).length;
  if (lines.length === 0 && same === libs.length && libs.length === hands.length) return [];
  const note = throughReferences > 0 ? `, ${throughReferences} differing only in what they reference` : '';
  return [`${type}: library ${libs.length}, hand-written ${hands.length}, identical ${same}${note}`, ...lines];
}

/** The other sections (Parameters, Rules, Conditions, Outputs, template Metadata...), compared whole. */
function compareSections(lib: Template, hand: Template, names: { library: string; handwritten: string }): string[] {
  const lines: string[] = [];
  const sections = [...new Set([...Object.keys(lib), ...Object.keys(hand)])].filter((s) => s !== 'Resources').sort();
  for (const section of sections) {
    const form = (t: Template, stackName: string) => {
      const value = section === 'Metadata' ? withoutHaMetadata(t[section]) : t[section];
      return value === undefined
        ? '(absent)'
        : canonicalJson(normalise(value, new Set(Object.keys(t.Resources)), stackName));
    };
    const a = form(lib, names.library);
    const b = form(hand, names.handwritten);
    if (a !== b)
      lines.push(
        `section ${section} differs:`,
        `  library:      ${shorten(a, 300)}`,
        `  hand-written: ${shorten(b, 300)}`,
      );
  }
  return lines;
}

/** What the comparison found: the header lines, and one line per difference (none when the templates match). */
export interface TemplateComparison {
  readonly summary: string[];
  readonly differences: string[];
}

/**
 * Synthesizes one library service and one hand-written service and compares them, leaving out the
 * HA record and the `ha:*` tags. `dumpDir` writes the normalised templates there.
 */
export function compareServiceTemplates(dumpDir?: string): TemplateComparison {
  const { library, handwritten, names } = synthesize();
  const side = (name: string, template: Template, stackName: string): Omit<Side, 'labels'> => {
    const nodes = nodesOf(template, stackName);
    return { name, nodes, types: new Map(nodes.map((n) => [n.id, n.type])) };
  };
  const lib = side('library', library, names.library);
  const hand = side('hand-written', handwritten, names.handwritten);
  const [libLabels, handLabels] = finalLabels(lib.nodes, hand.nodes);
  const libSide: Side = { ...lib, labels: libLabels };
  const handSide: Side = { ...hand, labels: handLabels };

  if (dumpDir !== undefined) {
    mkdirSync(dumpDir, { recursive: true });
    for (const s of [libSide, handSide]) {
      const resources = Object.fromEntries(
        s.nodes.map((n) => [n.id, { Type: n.type, ...(n.tree as JsonObject), DependsOn: n.dependsOn }]),
      );
      writeFileSync(join(dumpDir, `${s.name}.json`), `${JSON.stringify(resources, null, 1)}\n`);
    }
  }

  const types = [...new Set([...lib.nodes, ...hand.nodes].map((n) => n.type))].sort();
  const pairing = pairResources(libSide, handSide, types);
  const differences: string[] = [];
  let identicalTypes = 0;
  for (const type of types) {
    const typeLines = compareType(type, libSide, handSide, pairing);
    if (typeLines.length === 0) identicalTypes++;
    differences.push(...typeLines);
  }
  differences.push(...compareSections(library, handwritten, names));
  // Resources paired by content are only checked reference by reference when their labels are
  // unique: two identical twins could swap what they point at unseen, so twins are a difference.
  for (const side of [libSide, handSide]) {
    const seen = new Map<string, string>();
    for (const [id, label] of side.labels) {
      const twin = seen.get(label);
      if (twin !== undefined)
        differences.push(
          `${side.name}: ${twin} and ${id} cannot be told apart by content; pairing them by reference is not proven`,
        );
      seen.set(label, id);
    }
  }
  return {
    summary: [
      `library ${names.library}: ${lib.nodes.length} resources; hand-written ${names.handwritten}: ${hand.nodes.length} resources`,
      `(left out: Metadata ${HA_METADATA_KEYS.join(', ')}; ${HA_TAG_PREFIX}* tags)`,
      `${identicalTypes} of ${types.length} resource types identical`,
    ],
    differences,
  };
}

function main(): number {
  const dump = process.argv.indexOf('--dump');
  const { summary, differences } = compareServiceTemplates(dump >= 0 ? process.argv[dump + 1] : undefined);
  console.log(summary.join('\n'));
  if (differences.length === 0) {
    console.log('no differences');
    return 0;
  }
  console.log(differences.join('\n'));
  return 1;
}

if (require.main === module) {
  process.exitCode = main();
}
