import { Stack } from 'aws-cdk-lib';
import { ServiceTier } from '../../lib';
import { AuditTrail } from '../../lib/aws/audit-trail';
import { nagErrors } from '../nag';
import { testApp } from '../util';

test('AuditTrail passes cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
  const app = testApp();
  const stack = new Stack(app, 'Nag', { env: { region: 'eu-central-1' } });
  new AuditTrail(stack, 'Audit', { tier: ServiceTier.TIER_1, compliance: { retentionDays: 2555 } });
  expect(nagErrors(app)).toEqual([]);
});
