import * as fs from 'fs';
import * as path from 'path';
import { HA_RULES } from '../../lib/checks/rules';
import { rulesMarkdown } from './rules-markdown';

test('RULES.md is generated from the rule pack (npx ts-node test/checks/write-rules-md.ts)', () => {
  expect(fs.readFileSync(path.join(__dirname, '..', '..', 'RULES.md'), 'utf8')).toBe(rulesMarkdown());
});

test('rule ids are unique, HA-<AREA><n>, and there are at least 25', () => {
  const ids = HA_RULES.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.every((id) => /^HA-[A-Z]{2,3}\d+$/.test(id))).toBe(true);
  expect(ids.length).toBeGreaterThanOrEqual(25);
});
