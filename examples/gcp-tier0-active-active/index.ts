import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { ServiceTier } from '../../lib/core';
import { ReplicatedBucket } from '../../lib/tf/google/bucket';
import { HaCloudSql } from '../../lib/tf/google/database';
import { RegionalFleet } from '../../lib/tf/google/fleet';
import { GlobalFrontend } from '../../lib/tf/google/frontend';
import { RegionalNetwork } from '../../lib/tf/google/network';
import { EncryptedSecret } from '../../lib/tf/google/secret';
import { SloAlerts } from '../../lib/tf/google/slo';

const SERVICE = 'checkout';
const PRIMARY = 'us-central1';
const SECONDARY = 'us-east1';

/**
 * TIER_0 on Google Cloud: multi-site active/active in us-central1 and us-east1.
 *
 * Both regions serve through one global load balancer that shifts traffic by health; each region
 * runs a statically stable fleet over three zones. Cloud SQL is REGIONAL in us-central1 with a
 * REGIONAL cross-region replica in us-east1 (Cloud SQL has one writer: a region loss costs the
 * replica's promotion), objects live in a turbo-replicated dual-region bucket, the database
 * credentials in a secret replicated to both regions. The SLO and its burn-rate alerts page the
 * on-call address.
 *
 * One stack: Google resources carry their region, so one provider serves both regions.
 * Inputs are Terraform variables (`project`, `domain`, `oncall_email`), so synthesis needs none.
 */
export function addGcpTier0ActiveActive(app: App): TerraformStack {
  const stack = new TerraformStack(app, 'gcp-tier0-active-active');
  const project = new TerraformVariable(stack, 'project', { type: 'string', description: 'Google Cloud project to deploy into' });
  const domain = new TerraformVariable(stack, 'domain', { type: 'string', description: 'Domain the service answers on; point its A record at the ip_address output' });
  const oncall = new TerraformVariable(stack, 'oncall_email', { type: 'string', description: 'Address the SLO alerts notify' });
  new GoogleProvider(stack, 'google', { project: project.stringValue });

  const tier = ServiceTier.TIER_0;
  const network = new RegionalNetwork(stack, 'Network', { tier, service: SERVICE, regions: [PRIMARY, SECONDARY] });
  const prewarmSchedules = [{ name: 'weekday-peak', schedule: '0 7 * * MON-FRI', durationSeconds: 12 * 3600, minInstances: 9, timeZone: 'America/Chicago' }];
  const fleets = [
    new RegionalFleet(stack, 'FleetPrimary', {
      tier, service: SERVICE, network, region: PRIMARY,
      zones: ['us-central1-a', 'us-central1-b', 'us-central1-c'], requiredInstances: 4, prewarmSchedules,
    }),
    new RegionalFleet(stack, 'FleetSecondary', {
      tier, service: SERVICE, network, region: SECONDARY,
      zones: ['us-east1-b', 'us-east1-c', 'us-east1-d'], requiredInstances: 4, prewarmSchedules,
    }),
  ];
  const frontend = new GlobalFrontend(stack, 'Frontend', {
    tier, service: SERVICE, backends: fleets, domains: [domain.stringValue],
    regionalDomains: { [PRIMARY]: `${PRIMARY}.${domain.stringValue}`, [SECONDARY]: `${SECONDARY}.${domain.stringValue}` },
  });

  new HaCloudSql(stack, 'Database', { tier, service: SERVICE, network, region: PRIMARY, replicaRegion: SECONDARY });
  new ReplicatedBucket(stack, 'Assets', {
    tier, service: SERVICE, bucketName: `${project.stringValue}-${SERVICE}-assets`, regions: [PRIMARY, SECONDARY],
  });
  new EncryptedSecret(stack, 'DatabaseCredentials', { tier, service: SERVICE, secretId: `${SERVICE}-database-credentials`, regions: [PRIMARY, SECONDARY] });

  const channel = new MonitoringNotificationChannel(stack, 'OnCall', {
    displayName: `${SERVICE} on-call`,
    type: 'email',
    labels: { email_address: oncall.stringValue },
  });
  new SloAlerts(stack, 'Slo', {
    tier, service: SERVICE,
    backendServiceName: frontend.backendServiceName,
    notificationChannels: [channel.id],
    probes: [PRIMARY, SECONDARY].map((region) => ({ region, host: `${region}.${domain.stringValue}` })),
  });

  new TerraformOutput(stack, 'ip_address', { value: frontend.ipAddress, description: 'Anycast address of the global load balancer' });
  return stack;
}
