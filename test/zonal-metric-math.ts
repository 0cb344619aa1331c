/*
 * A small interpreter of the subset of CloudWatch metric math and alarm-rule syntax the per-AZ
 * alarms use, so that tests drive the rendered expressions and composite rules themselves (of either
 * engine) with synthetic per-AZ data, not a TypeScript copy of them.
 */

/** A metric value in one period; undefined: no data. */
export type Value = number | undefined;

/** Evaluates a metric-math expression of numbers, ids, IF, FILL, arithmetic, comparisons, AND and OR. */
export function evaluate(expression: string, vars: Record<string, Value>): Value {
  const tokens = expression.match(/\d+(\.\d+)?|[A-Za-z_]\w*|>=|<=|==|[-+*/(),<>]/g)!;
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const expect = (t: string) => {
    if (next() !== t) throw new Error(`expected ${t} in ${expression}`);
  };
  const num = (v: Value, f: (x: number) => number): Value => (v === undefined ? undefined : f(v));
  const bin = (a: Value, b: Value, f: (x: number, y: number) => number): Value =>
    a === undefined || b === undefined ? undefined : f(a, b);
  function primary(): Value {
    const t = next();
    if (t === '(') {
      const v = or();
      expect(')');
      return v;
    }
    if (t === '-') return num(primary(), (x) => -x);
    if (/^\d/.test(t)) return Number(t);
    if (t === 'IF' || t === 'FILL') {
      expect('(');
      const a = or();
      expect(',');
      const b = or();
      if (t === 'FILL') {
        expect(')');
        return a ?? b;
      }
      expect(',');
      const c = or();
      expect(')');
      return a === undefined ? undefined : a !== 0 ? b : c;
    }
    if (!(t in vars)) throw new Error(`unknown id ${t} in ${expression}`);
    return vars[t];
  }
  function term(): Value {
    let v = primary();
    while (peek() === '*' || peek() === '/') {
      const op = next();
      const r = primary();
      v = bin(v, r, op === '*' ? (x, y) => x * y : (x, y) => x / y);
    }
    return v;
  }
  function sum(): Value {
    let v = term();
    while (peek() === '+' || peek() === '-') {
      const op = next();
      const r = term();
      v = bin(v, r, op === '+' ? (x, y) => x + y : (x, y) => x - y);
    }
    return v;
  }
  function compare(): Value {
    const v = sum();
    const op = peek();
    if (!['>', '>=', '<', '<=', '=='].includes(op)) return v;
    next();
    const r = sum();
    const f: Record<string, (x: number, y: number) => boolean> = {
      '>': (x, y) => x > y,
      '>=': (x, y) => x >= y,
      '<': (x, y) => x < y,
      '<=': (x, y) => x <= y,
      '==': (x, y) => x === y,
    };
    return bin(v, r, (x, y) => (f[op](x, y) ? 1 : 0));
  }
  function and(): Value {
    let v = compare();
    while (peek() === 'AND') {
      next();
      const r = compare();
      v = bin(v, r, (x, y) => (x && y ? 1 : 0));
    }
    return v;
  }
  function or(): Value {
    let v = and();
    while (peek() === 'OR') {
      next();
      const r = and();
      v = bin(v, r, (x, y) => (x || y ? 1 : 0));
    }
    return v;
  }
  const result = or();
  if (pos !== tokens.length) throw new Error(`trailing tokens in ${expression}`);
  return result;
}

/** Evaluates a composite alarm rule of ALARM("<logical id>"), AND, OR, NOT and parentheses. */
export function evaluateRule(rule: string, inAlarm: (logicalId: string) => boolean): boolean {
  const tokens = rule.match(/ALARM\("[^"]+"\)|AND|OR|NOT|[()]/g)!;
  let pos = 0;
  function unary(): boolean {
    const t = tokens[pos++];
    if (t === 'NOT') return !unary();
    if (t === '(') {
      const v = or();
      pos++;
      return v;
    }
    return inAlarm(/^ALARM\("(.+)"\)$/.exec(t)![1]);
  }
  function and(): boolean {
    let v = unary();
    while (tokens[pos] === 'AND') {
      pos++;
      const r = unary();
      v = v && r;
    }
    return v;
  }
  function or(): boolean {
    let v = and();
    while (tokens[pos] === 'OR') {
      pos++;
      const r = and();
      v = v || r;
    }
    return v;
  }
  return or();
}
