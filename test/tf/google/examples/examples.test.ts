import { TerraformStack, Testing } from 'cdktf';
import { addGcpTier0ActiveActive } from '../../../../examples/gcp-tier0-active-active';
import { addGcpTier2PilotLight } from '../../../../examples/gcp-tier2-pilot-light';
import { HA_METADATA_KEY } from '../../../../lib/core';
import { haSnapshot } from '../../../../lib/testing';
import { addHaChecks } from '../../../../lib/tf/google';
import { TF_STATEFUL_TYPES } from '../../../proofs/data-loss';
import { TerraformJson, terraformJson } from '../util';

/** Google Cloud types that hold data, keys or an identity users depend on (the data-loss guard's list): each must have prevent_destroy. */
const STATEFUL_TYPES = TF_STATEFUL_TYPES.filter((type) => type.startsWith('google_'));

/** The findings each example acknowledges (rule and construct path): what Cloud SQL cannot show, never more. */
const ACKNOWLEDGED: Record<string, string[]> = {
  'gcp-tier0-active-active': ['HA-DR3 gcp-tier0-active-active/Database', 'HA-RES1 gcp-tier0-active-active'],
  'gcp-tier2-pilot-light': ['HA-DR3 gcp-tier2-pilot-light/Database'],
};

describe.each([
  ['gcp-tier0-active-active', addGcpTier0ActiveActive],
  ['gcp-tier2-pilot-light', addGcpTier2PilotLight],
])('example %s', (name, add) => {
  let stack: TerraformStack;
  let json: TerraformJson;
  beforeAll(() => {
    stack = add(Testing.app());
    json = terraformJson(stack);
  });

  // The HA view (lib/testing) of the JSON with its // blocks, where the HA records are.
  test('THEN it synthesizes to the snapshot', () => {
    expect(haSnapshot(json)).toMatchSnapshot();
  });

  test('THEN the HA checks run at synthesis: no unacknowledged error, and only the Cloud SQL limits are acknowledged', () => {
    const checks = addHaChecks(stack);
    expect(() => Testing.synth(stack, true)).not.toThrow();
    const { report, acknowledged } = checks.lastResult!;
    const acknowledgedKeys = new Set(acknowledged.map((a) => `${a.rule}/${a.resource}`));
    expect(report.findings.filter((f) => f.level === 'error' && !acknowledgedKeys.has(`${f.rule}/${f.resource}`))).toEqual([]);
    expect(acknowledged.map((a) => `${a.rule} ${a.acknowledgedAt}`)).toEqual(ACKNOWLEDGED[name]);
  });

  test('THEN every stateful resource has prevent_destroy', () => {
    const stateful = STATEFUL_TYPES.flatMap((type) => Object.entries(json.resource[type] ?? {}).map(([name, r]) => ({ address: `${type}.${name}`, preventDestroy: r.lifecycle?.prevent_destroy })));
    expect(stateful.length).toBeGreaterThan(10);
    expect(stateful.filter((r) => r.preventDestroy !== true)).toEqual([]);
  });

  test('THEN every resource carries the HA record', () => {
    const missing = Object.entries(json.resource).flatMap(([type, byName]) => Object.entries(byName)
      .filter(([, r]) => r['//']?.[HA_METADATA_KEY] === undefined && type !== 'google_monitoring_notification_channel')
      .map(([name]) => `${type}.${name}`));
    expect(missing).toEqual([]);
  });
});
