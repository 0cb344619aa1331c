import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { FailoverDns, MultiAzNetwork, ReplicatedDatabase, ResilientFleet, SloAlarms } from '../lib/aws';
import { ServiceTier } from '../lib/core';

/** Where every benchmark service lives: one region, two named AZs, a zone given by id (no lookups). */
export const BENCH_REGION = 'us-east-1';
export const BENCH_ZONES = ['us-east-1a', 'us-east-1b'];
export const BENCH_ZONE = { hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com' };

/**
 * One service built with this library, in its own stack: a two-AZ network, a fleet behind an
 * HTTPS load balancer, an Aurora PostgreSQL cluster, a health-checked DNS record and SLO
 * burn-rate alarms, at TIER_3 (one region, so nothing depends on another stack).
 */
export function addLibraryService(app: App, index: number): Stack {
  const tier = ServiceTier.TIER_3;
  const service = `svc${index}`;
  const stack = new Stack(app, `Library${index}`, { env: { region: BENCH_REGION } });
  const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', BENCH_ZONE);
  const network = new MultiAzNetwork(stack, 'Network', { tier, service, availabilityZones: BENCH_ZONES });
  const fleet = new ResilientFleet(stack, 'Fleet', {
    tier,
    service,
    vpc: network.vpc,
    machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    instanceTypes: [new ec2.InstanceType('m7g.large')],
    requiredCapacity: 2,
    maxCapacity: 6,
    certificate: new acm.Certificate(stack, 'Certificate', {
      domainName: `${service}.${BENCH_ZONE.zoneName}`,
      validation: acm.CertificateValidation.fromDns(zone),
    }),
  });
  const database = new ReplicatedDatabase(stack, 'Database', { tier, service, vpc: network.vpc, databaseName: 'app' });
  database.connections.allowDefaultPortFrom(fleet);
  new FailoverDns(stack, 'Dns', {
    tier,
    service,
    hostedZone: zone,
    recordName: service,
    endpoints: [{ region: BENCH_REGION, loadBalancer: fleet.loadBalancer }],
  });
  new SloAlarms(stack, 'Slo', { tier, service, loadBalancer: fleet.loadBalancer });
  return stack;
}
