import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import * as aws from '../../lib/aws';
import * as tfAws from '../../lib/tf/aws';

/**
 * Every Terraform export that has a CDK twin (the same class name) has a twin-equivalence test,
 * `test/twins/<ClassName>.twin.test.ts`, unless docs/ARCHITECTURE.md lists it among the twins still
 * to compare (with the planner issue's families first).
 */

const ROOT = path.join(__dirname, '..', '..');

/** The construct classes a module exports (not enum-like classes such as `DnsRouting`). */
function classes(module: Record<string, unknown>): string[] {
  return Object.entries(module)
    .filter(
      ([, value]) => typeof value === 'function' && (value as { prototype: unknown }).prototype instanceof Construct,
    )
    .map(([name]) => name);
}

function pendingTwins(): string[] {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
  const section = doc.slice(doc.indexOf('Twins still to compare'));
  return [...section.slice(0, section.indexOf('\n\n', section.indexOf('\n') + 1)).matchAll(/`(\w+)`/g)].map(
    (m) => m[1],
  );
}

test('every Terraform construct with a CDK twin has a twin-equivalence test, or is listed as pending', () => {
  const twins = classes(tfAws)
    .filter((name) => classes(aws).includes(name))
    .sort();
  expect(twins.length).toBeGreaterThanOrEqual(10);
  const tested = twins.filter((name) => fs.existsSync(path.join(__dirname, `${name}.twin.test.ts`)));
  const pending = pendingTwins();
  expect(twins.filter((name) => !tested.includes(name) && !pending.includes(name))).toEqual([]);
  // A twin that gained its test leaves the pending list.
  expect(pending.filter((name) => tested.includes(name))).toEqual([]);
});
