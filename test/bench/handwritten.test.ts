import { compareServiceTemplates } from '../../bench/compare-templates';

/**
 * `overheadRatio` compares the library with the same service written by hand; it only measures the
 * library's cost while the two write the same template. A change to a construct that the
 * hand-written service does not follow makes this fail (run `npx ts-node bench/compare-templates.ts`
 * for the differences, then bring bench/handwritten.ts along).
 */
describe('the benchmark baseline', () => {
  test('GIVEN the library service and the hand-written one THEN their templates match except for the HA record and ha:* tags', () => {
    const { summary, differences } = compareServiceTemplates();
    expect(summary[0]).toMatch(/^library \S+: 123 resources; hand-written \S+: 123 resources$/);
    expect(differences).toEqual([]);
  });
});
