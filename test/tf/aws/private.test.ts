import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HA_METADATA_KEY, HaRole, ServiceTier } from '../../../lib/core';
import { allocateSubnets, parseCidr } from '../../../lib/tf/aws/private/cidr';
import { attachHaMetadata } from '../../../lib/tf/aws/private/metadata';
import { awsStack, fullResourcesOf } from './util';

describe('allocateSubnets', () => {
  test.each([
    ['10.0.0.0/16', [24, 24, 20, 20, 24], ['10.0.0.0/24', '10.0.1.0/24', '10.0.16.0/20', '10.0.32.0/20', '10.0.48.0/24']],
    ['10.1.0.0/16', [20], ['10.1.0.0/20']],
    ['192.168.0.0/24', [26, 26, 26, 26], ['192.168.0.0/26', '192.168.0.64/26', '192.168.0.128/26', '192.168.0.192/26']],
  ])('GIVEN %s and masks %j THEN blocks aligned to their size, in order', (cidr, masks, expected) => {
    expect(allocateSubnets(cidr, masks)).toEqual(expected);
  });

  test.each([
    ['10.0.0.0/24', [24, 24], 'cidrBlock 10.0.0.0/24 is too small for the subnets asked (/24, /24), got: 10.0.0.0/24'],
    ['10.0.0.0/24', [16], 'cidrBlock 10.0.0.0/24 is too small for the subnets asked (/16), got: 10.0.0.0/24'],
    ['10.0.0.1/16', [24], 'cidrBlock must be an IPv4 CIDR such as 10.0.0.0/16, got: 10.0.0.1/16'],
    ['vpc', [24], 'cidrBlock must be an IPv4 CIDR such as 10.0.0.0/16, got: vpc'],
  ])('GIVEN %s and masks %j THEN a clear Error', (cidr, masks, message) => {
    expect(() => allocateSubnets(cidr, masks)).toThrow(new Error(message));
  });

  test('parseCidr refuses octets above 255', () => {
    expect(parseCidr('10.0.256.0/24')).toBeUndefined();
  });
});

describe('attachHaMetadata (Terraform)', () => {
  test('GIVEN a nested construct recorded first THEN its record wins and the resource keeps its own tags', () => {
    const { stack } = awsStack();
    const outer = new Construct(stack, 'Outer');
    const inner = new Construct(outer, 'Inner');
    new KmsKey(inner, 'Key', { description: 'k', tags: { 'ha:role': 'set-by-user', team: 'payments' } });
    new Vpc(outer, 'Vpc', { cidrBlock: '10.0.0.0/16' });
    attachHaMetadata(inner, { tier: ServiceTier.TIER_2, service: 'inner', role: HaRole.STANDBY }, { component: 'Inner', failureDomain: FailureDomain.ZONE });
    attachHaMetadata(outer, { tier: ServiceTier.TIER_2, service: 'outer' }, { component: 'Outer', failureDomain: FailureDomain.REGION });

    const key = Object.values(fullResourcesOf(stack, KmsKey))[0];
    expect(key['//'][HA_METADATA_KEY]).toEqual(expect.objectContaining({ service: 'inner', role: 'standby', failureDomain: 'zone', component: 'Inner' }));
    expect(key.tags).toEqual({ 'ha:service': 'inner', 'ha:tier': 'TIER_2', 'ha:strategy': 'PILOT_LIGHT', 'ha:role': 'set-by-user', 'ha:component': 'Inner', team: 'payments' });
    const vpc = Object.values(fullResourcesOf(stack, Vpc))[0];
    expect(vpc['//'][HA_METADATA_KEY]).toEqual(expect.objectContaining({ service: 'outer', role: 'primary', component: 'Outer' }));
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
