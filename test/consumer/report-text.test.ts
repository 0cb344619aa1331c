import { checkInputs } from '../../lib/checks/check';
import { main } from '../../lib/checks/cli';
import { formatMarkdown, formatText } from '../../lib/checks/format';
import { KeyRotation } from '../../lib/checks/rules';
import { HA_ACKNOWLEDGED_KEY } from '../../lib/core';

/**
 * What a user reads: a report whose only finding is acknowledged says so, with the reason, instead
 * of "No findings." beside an objective that is not met.
 */
const REASON = 'imported key material cannot rotate automatically; rotated by hand every 90 days';

/** A report on one unrotated key of a TIER_3 service (so HA-KMS1 is an error), whose finding `acknowledgement` may acknowledge. */
function keys(acknowledgement?: Record<string, string>) {
  const comment = acknowledgement ? { '//': { [HA_ACKNOWLEDGED_KEY]: acknowledgement } } : {};
  const tags = { 'ha:service': 'keys', 'ha:tier': 'TIER_3' };
  const json = { resource: { aws_kms_key: { signing: { enable_key_rotation: false, tags, ...comment } } } };
  return checkInputs({ terraform: [{ name: 'keys', json }] }, { rules: [KeyRotation] });
}

describe('the text and Markdown reports', () => {
  test('GIVEN the only finding acknowledged THEN the text lists it apart, with its reason, and counts it', () => {
    const text = formatText(keys({ 'HA-KMS1': REASON }), false);
    expect(text).not.toContain('No findings.\n');
    expect(text).toContain('No findings other than the acknowledged ones below.');
    const block = text.slice(text.indexOf('Acknowledged')).split('\n');
    expect(block[0]).toBe('Acknowledged (1, accepted by the design with a reason; never counted toward --fail-on):');
    expect(block[1]).toMatch(/^ERROR {3}HA-KMS1 keys\/aws_kms_key\.signing: \S/);
    expect(block[2]).toBe(`        reason: ${REASON}`);
    expect(text.trimEnd().split('\n').pop()).toBe('0 error(s), 0 warning(s), 1 acknowledged');
  });

  test('GIVEN nothing acknowledged THEN the text is as before: the findings, no acknowledged block', () => {
    const text = formatText(keys(), false);
    expect(text).toMatch(/^ERROR {3}HA-KMS1 keys\/aws_kms_key\.signing: /m);
    expect(text).not.toContain('Acknowledged');
    expect(text.trimEnd().split('\n').pop()).toBe('1 error(s), 0 warning(s)');
  });

  test('GIVEN an acknowledged finding THEN the Markdown has an Acknowledged table with the reason', () => {
    const markdown = formatMarkdown(keys({ 'HA-KMS1': REASON }));
    expect(markdown).toContain('### Findings (0 error(s), 0 warning(s), 1 acknowledged)');
    const table = markdown.slice(markdown.indexOf('### Acknowledged')).split('\n');
    expect(table.slice(0, 4)).toEqual([
      '### Acknowledged',
      '',
      '| level | rule | stack | resource | message | reason |',
      '|---|---|---|---|---|---|',
    ]);
    expect(table[4]).toMatch(/^\| error \| HA-KMS1 \| keys \| aws_kms_key\.signing \| .+ \| imported key material/);
    expect(table[4].endsWith(`| ${REASON} |`)).toBe(true);
  });

  test('WHEN ha-report --help THEN it explains acknowledgements and the acknowledged list', () => {
    let out = '';
    expect(
      main(['--help'], {
        stdout: (t) => {
          out += t;
        },
        stderr: () => undefined,
        isTty: false,
      }),
    ).toBe(0);
    expect(out).toContain('--json              print { services, findings, acknowledged, unread, unchecked } as JSON');
    expect(out).toMatch(/acknowledged findings:\n {2}A finding the design accepts is acknowledged/);
    expect(out).toContain(`acknowledgeHaFinding(scope, rule, reason)`);
    expect(out).toContain(HA_ACKNOWLEDGED_KEY);
  });

  test('WHEN ha-report --help THEN it says a row is a service, how an unproven figure reads, and offers --explain', () => {
    let out = '';
    expect(
      main(['--help'], {
        stdout: (t) => {
          out += t;
        },
        stderr: () => undefined,
        isTty: false,
      }),
    ).toBe(0);
    expect(out).toContain('one row per\nservice, across all its stacks');
    expect(out).toContain('(≥ 396 s ?)');
    expect(out).toMatch(/"objectives met" is yes, no, or unproven/);
    expect(out).toMatch(/^ {2}--explain {11}after the table, list every step of every figure/m);
  });
});
