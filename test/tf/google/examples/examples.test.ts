import { TerraformStack, Testing } from 'cdktf';
import { addGcpTier0ActiveActive } from '../../../../examples/gcp-tier0-active-active';
import { addGcpTier2PilotLight } from '../../../../examples/gcp-tier2-pilot-light';
import { HA_METADATA_KEY } from '../../../../lib/core';
import { TerraformJson, terraformJson } from '../util';

/**
 * Terraform types that hold data or identity users depend on: each must have prevent_destroy.
 * (Keys and key rings: destroying versions makes encrypted data unreadable; the global address: DNS points at it.)
 */
const STATEFUL_TYPES = [
  'google_sql_database_instance', 'google_storage_bucket', 'google_secret_manager_secret',
  'google_kms_crypto_key', 'google_kms_key_ring', 'google_compute_global_address', 'google_pubsub_topic', 'google_logging_project_bucket_config',
];

describe.each([
  ['gcp-tier0-active-active', addGcpTier0ActiveActive],
  ['gcp-tier2-pilot-light', addGcpTier2PilotLight],
])('example %s', (_name, add) => {
  let stack: TerraformStack;
  let json: TerraformJson;
  beforeAll(() => {
    stack = add(Testing.app());
    json = terraformJson(stack);
  });

  test('THEN it synthesizes to the snapshot', () => {
    expect(JSON.parse(Testing.synth(stack))).toMatchSnapshot();
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
