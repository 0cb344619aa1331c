import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

/*
 * The line each key of a JSON or YAML document is written on, so that a report can point at the
 * line that declares a resource. JSON is scanned as text rather than parsed again: a synthesized
 * template of several hundred kilobytes takes milliseconds that way, and a YAML parser a third of a second.
 */

/** Separates the keys of a path in the maps below: a character no template key contains. */
const SEPARATOR = '\u0000';

/** The lines the keys of one JSON or YAML document are written on, by their path. */
export class KeyLines {
  /** Scans `text`: as JSON when it starts with `{` or `[`, else as YAML (tags such as `!Ref` left unresolved). */
  public static of(text: string): KeyLines {
    const lines = new KeyLines();
    if (/^\s*[{[]/.test(text)) {
      scanJson(text, lines);
    } else {
      scanYaml(text, lines);
    }
    return lines;
  }

  private readonly keys = new Map<string, number>();
  private readonly values = new Map<string, number>();

  private constructor() {}

  /** The 1-based line of the first key at `path`: the keys of the mappings around it, list indexes left out. */
  public line(path: readonly string[]): number | undefined {
    return this.keys.get(path.map((key) => `${SEPARATOR}${key}`).join(''));
  }

  /** The 1-based line of the first `key` whose value is the string `value`, at any depth. */
  public lineOfValue(key: string, value: string): number | undefined {
    return this.values.get(`${key}${SEPARATOR}${value}`);
  }

  /** Records a key under `parent` (a path as {@link KeyLines.line} joins it) and returns its own path. */
  public addKey(parent: string, key: string, line: number): string {
    const path = `${parent}${SEPARATOR}${key}`;
    if (!this.keys.has(path)) {
      this.keys.set(path, line);
    }
    return path;
  }

  /** Records that `key` has the string `value` on `line`. */
  public addValue(key: string, value: string, line: number): void {
    const entry = `${key}${SEPARATOR}${value}`;
    if (!this.values.has(entry)) {
      this.values.set(entry, line);
    }
  }
}

/** An object or array being scanned: its path, and for an object the key whose value comes next. */
interface Container {
  readonly path: string;
  readonly isObject: boolean;
  key?: { readonly name: string; readonly path: string };
  expectsKey: boolean;
}

/** Records the keys of JSON text, assumed valid (it was parsed before): strings, braces, brackets and commas. */
function scanJson(text: string, lines: KeyLines): void {
  const open: Container[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const current = open[open.length - 1];
    if (c === '\n') {
      line++;
    } else if (c === '{' || c === '[') {
      const path = current?.isObject && current.key !== undefined ? current.key.path : (current?.path ?? '');
      open.push({ path, isObject: c === '{', expectsKey: c === '{' });
    } else if (c === '}' || c === ']') {
      open.pop();
    } else if (c === ',' && current?.isObject) {
      current.expectsKey = true;
    } else if (c === '"') {
      const end = closingQuote(text, i);
      const value = decode(text.slice(i, end + 1));
      if (current?.isObject && current.expectsKey) {
        current.key = { name: value, path: lines.addKey(current.path, value, line) };
        current.expectsKey = false;
      } else if (current?.isObject && current.key !== undefined) {
        lines.addValue(current.key.name, value, line);
      }
      i = end;
    }
  }
}

/** The index of the quote that closes the JSON string opening at `start` (JSON strings hold no raw line breaks). */
function closingQuote(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') {
    i += text[i] === '\\' ? 2 : 1;
  }
  return i;
}

function decode(quoted: string): string {
  if (!quoted.includes('\\')) {
    return quoted.slice(1, -1);
  }
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted.slice(1, -1);
  }
}

/** Records the keys of a YAML document: every scalar key of every mapping, with the line it starts on. */
function scanYaml(text: string, lines: KeyLines): void {
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter });
  const visit = (node: unknown, path: string): void => {
    if (isSeq(node)) {
      node.items.forEach((item) => visit(item, path));
    } else if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key) || pair.key.range === undefined || pair.key.range === null) {
          continue;
        }
        const key = String(pair.key.value);
        const line = counter.linePos(pair.key.range[0]).line;
        if (isScalar(pair.value) && typeof pair.value.value === 'string') {
          lines.addValue(key, pair.value.value, line);
        }
        visit(pair.value, lines.addKey(path, key, line));
      }
    }
  };
  visit(document.contents, '');
}
