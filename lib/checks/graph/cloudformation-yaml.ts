import { CollectionTag, parseDocument, ScalarTag, YAMLError, YAMLMap, YAMLSeq } from 'yaml';
import { HaInputError } from './errors';

/*
 * CloudFormation templates written in YAML, read with the `yaml` library: its short-form
 * intrinsic functions (`!Ref Name`, `!GetAtt A.B`, `!Sub [...]`) become the JSON long form
 * (`{ "Ref": "Name" }`, `{ "Fn::GetAtt": ["A", "B"] }`), which is all the graph reader knows.
 */

type NodeKind = 'scalar' | 'seq' | 'map';

/** Each short form CloudFormation accepts, and the YAML nodes it may tag (as its documentation shows them). */
const SHORT_FORMS: Readonly<Record<string, readonly NodeKind[]>> = {
  Ref: ['scalar'],
  Condition: ['scalar'],
  GetAtt: ['scalar', 'seq'],
  Sub: ['scalar', 'seq'],
  Base64: ['scalar', 'map'],
  GetAZs: ['scalar', 'map'],
  ImportValue: ['scalar', 'map'],
  Join: ['seq'],
  Select: ['seq'],
  Split: ['seq'],
  If: ['seq'],
  Equals: ['seq'],
  Not: ['seq'],
  And: ['seq'],
  Or: ['seq'],
  FindInMap: ['seq'],
  Cidr: ['seq'],
  Transform: ['map'],
};

const KIND_NAMES: Readonly<Record<NodeKind, string>> = { scalar: 'a scalar', seq: 'a list', map: 'a mapping' };

/** The long-form key of a function: `Ref` and `Condition` as they are, the others `Fn::<name>`. */
function longForm(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

/** `!GetAtt Db.Endpoint.Address` names the resource before the first dot, the attribute after it. */
function scalarArgument(name: string, text: string): unknown {
  if (name !== 'GetAtt') {
    return text;
  }
  const dot = text.indexOf('.');
  return dot === -1 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
}

/** One tag per short form and node kind, resolving to the long form. */
const CUSTOM_TAGS = Object.entries(SHORT_FORMS).flatMap(([name, kinds]) => kinds.map((kind) => customTag(name, kind)));

function customTag(name: string, kind: NodeKind): ScalarTag | CollectionTag {
  const tag = `!${name}`;
  if (kind === 'scalar') {
    return { tag, resolve: (text: string) => ({ [longForm(name)]: scalarArgument(name, text) }) };
  }
  return { tag, collection: kind, resolve: (node: YAMLMap | YAMLSeq) => ({ [longForm(name)]: node.toJSON() }) };
}

/**
 * Parses a CloudFormation template written in YAML (`file` names it in errors). Malformed YAML,
 * an unknown tag or a short form on a node it does not take is an {@link HaInputError}.
 */
export function parseCloudFormationYaml(text: string, file: string): unknown {
  const document = parseDocument(text, { customTags: CUSTOM_TAGS, uniqueKeys: true });
  const [error] = document.errors;
  if (error) {
    const problem =
      error.code === 'MULTIPLE_DOCS' ? 'it holds more than one YAML document; a template is one' : firstLine(error);
    throw new HaInputError(`${file} is not valid YAML: ${problem}`);
  }
  const unresolved = document.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (unresolved) {
    throw new HaInputError(`${file}: ${tagProblem(firstLine(unresolved))}`);
  }
  try {
    return document.toJS();
  } catch (e) {
    throw new HaInputError(`${file} cannot be read as YAML: ${(e as Error).message}`);
  }
}

/** The library's message without the excerpt it adds below: `Map keys must be unique at line 2, column 1`. */
function firstLine(problem: YAMLError): string {
  return problem.message.split('\n')[0].replace(/:$/, '');
}

/** What is wrong with a tag left unresolved (`Unresolved tag: !Foo at line 9, column 4`), and what is allowed. */
function tagProblem(message: string): string {
  const [, tag, position] = /tag: (\S+)( at line \d+, column \d+)?/.exec(message) ?? [undefined, 'a tag', undefined];
  const kinds = SHORT_FORMS[tag.replace(/^!/, '')];
  const where = `${tag}${position ?? ''}`;
  if (kinds) {
    return `${where}: ${tag} takes ${kinds.map((k) => KIND_NAMES[k]).join(' or ')}`;
  }
  const allowed = Object.keys(SHORT_FORMS)
    .map((name) => `!${name}`)
    .join(', ');
  return `${where} is not a CloudFormation short form; allowed: ${allowed}`;
}
