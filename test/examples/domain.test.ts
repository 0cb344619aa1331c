import { Match, Template } from 'aws-cdk-lib/assertions';
import { exampleDomain } from '../../examples';
import { addTier3BackupRestore } from '../../examples/tier3-backup-restore';
import { testApp } from '../util';

describe('exampleDomain', () => {
  test('GIVEN no context THEN the documentation domain, enough to synthesize', () => {
    expect(exampleDomain(testApp())).toEqual({ hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com' });
  });

  test('GIVEN hostedZoneId and zoneName in the context THEN the examples publish their names there', () => {
    const app = testApp({ context: { hostedZoneId: 'Z0ACME00000001', zoneName: 'acme.org' } });
    const domain = exampleDomain(app);
    expect(domain).toEqual({ hostedZoneId: 'Z0ACME00000001', zoneName: 'acme.org' });

    const { primary } = addTier3BackupRestore(app, domain);
    const template = Template.fromStack(primary);
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'reports.acme.org.',
      HostedZoneId: 'Z0ACME00000001',
    });
    template.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'reports.acme.org' });
    template.hasResourceProperties('AWS::Synthetics::Canary', {
      RunConfig: Match.objectLike({
        EnvironmentVariables: Match.objectLike({ PROBE_URL: 'https://reports.acme.org/health/ready' }),
      }),
    });
  });
});
