import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HA_METADATA_KEY, HaRole, ServiceTier } from '../../../lib/core';
import { attachHaMetadata } from '../../../lib/tf/aws/private/metadata';
import { awsStack, fullResourcesOf } from './util';

describe('attachHaMetadata (Terraform)', () => {
  test('GIVEN a nested construct recorded first THEN its record wins and the resource keeps its own tags', () => {
    const { stack } = awsStack();
    const outer = new Construct(stack, 'Outer');
    const inner = new Construct(outer, 'Inner');
    new KmsKey(inner, 'Key', { description: 'k', tags: { 'ha:role': 'set-by-user', team: 'payments' } });
    new Vpc(outer, 'Vpc', { cidrBlock: '10.0.0.0/16' });
    attachHaMetadata(
      inner,
      { tier: ServiceTier.TIER_2, service: 'inner', role: HaRole.STANDBY },
      { component: 'Inner', failureDomain: FailureDomain.ZONE },
    );
    attachHaMetadata(
      outer,
      { tier: ServiceTier.TIER_2, service: 'outer' },
      { component: 'Outer', failureDomain: FailureDomain.REGION },
    );

    const key = Object.values(fullResourcesOf(stack, KmsKey))[0];
    expect(key['//'][HA_METADATA_KEY]).toEqual(
      expect.objectContaining({ service: 'inner', role: 'standby', failureDomain: 'zone', component: 'Inner' }),
    );
    expect(key.tags).toEqual({
      'ha:service': 'inner',
      'ha:tier': 'TIER_2',
      'ha:strategy': 'PILOT_LIGHT',
      'ha:role': 'set-by-user',
      'ha:component': 'Inner',
      team: 'payments',
    });
    const vpc = Object.values(fullResourcesOf(stack, Vpc))[0];
    expect(vpc['//'][HA_METADATA_KEY]).toEqual(
      expect.objectContaining({ service: 'outer', role: 'primary', component: 'Outer' }),
    );
  });

  test('THEN the record sits beside the metadata cdktf writes into //, and Testing.synth strips both', () => {
    const { stack } = awsStack();
    new Vpc(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
    attachHaMetadata(stack, { tier: ServiceTier.TIER_3 }, { component: 'Custom', failureDomain: FailureDomain.REGION });
    const vpc = Object.values(fullResourcesOf(stack, Vpc))[0];
    expect(Object.keys(vpc['//']).sort()).toEqual([HA_METADATA_KEY, 'metadata']);
    expect(vpc['//'][HA_METADATA_KEY].service).toBe('test');
    expect(Testing.synth(stack)).not.toContain(HA_METADATA_KEY);
  });
});
