import {
  AntiAffinityPlacement,
  Autohealing,
  ComputeSpansZones,
  CrossZoneLoadBalancing,
  LoadBalancerSpansZones,
  MultiAzDatabase,
  NatGatewayPerZone,
  ScalingMaximum,
  ShallowReplacementCheck,
  StaticallyStableCapacity,
  TargetHealthChecks,
} from '../../../lib/checks/rules';
import { ServiceTier } from '../../../lib/core';
import { cfn, tf } from '../fixtures/builders';
import { RuleCase } from './cases';

const T0 = { tier: ServiceTier.TIER_0 };
const T1 = { tier: ServiceTier.TIER_1 };
const subnets = (zones: string[]) =>
  Object.fromEntries(
    zones.map((z, i) => [`Subnet${i}`, { Type: 'AWS::EC2::Subnet', Properties: { AvailabilityZone: z } }]),
  );
const refs = (n: number) => Array.from({ length: n }, (_, i) => ({ Ref: `Subnet${i}` }));
const tfSubnets = (zones: string[]) => ({
  aws_subnet: Object.fromEntries(zones.map((z, i) => [`s${i}`, { availability_zone: z }])),
});
/** A service whose Route 53 check requests /health/ready and whose fleet replaces instances on `targetPath`. */
const replacementFleet = (targetPath: string) =>
  cfn(
    {
      Check: {
        Type: 'AWS::Route53::HealthCheck',
        Properties: { HealthCheckConfig: { Type: 'HTTPS', ResourcePath: '/health/ready' } },
      },
      Tg: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { HealthCheckPath: targetPath } },
      Fleet: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: { MinSize: '1', MaxSize: '2', TargetGroupARNs: [{ Ref: 'Tg' }], HealthCheckType: 'ELB' },
      },
    },
    T1,
  );
const tfRefs = (n: number) => Array.from({ length: n }, (_, i) => `\${aws_subnet.s${i}.id}`);
const ABC = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

export const PLACEMENT_CASES: RuleCase[] = [
  {
    rule: ComputeSpansZones,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Fleet',
    message: 'runs in 2 zone(s) (us-east-1a, us-east-1b); TIER_1 needs at least 3',
    compliant: cfn(
      {
        ...subnets(ABC),
        Fleet: {
          Type: 'AWS::AutoScaling::AutoScalingGroup',
          Properties: { MinSize: '3', MaxSize: '6', VPCZoneIdentifier: refs(3) },
        },
      },
      T1,
    ),
    nonCompliant: cfn(
      {
        ...subnets(ABC.slice(0, 2)),
        Fleet: {
          Type: 'AWS::AutoScaling::AutoScalingGroup',
          Properties: { MinSize: '3', MaxSize: '6', VPCZoneIdentifier: refs(2) },
        },
      },
      T1,
    ),
  },
  {
    rule: ComputeSpansZones,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_autoscaling_group.fleet',
    message: 'runs in 1 zone(s)',
    compliant: tf(
      {
        ...tfSubnets(ABC),
        aws_autoscaling_group: { fleet: { min_size: 3, max_size: 6, vpc_zone_identifier: tfRefs(3) } },
      },
      T1,
    ),
    nonCompliant: tf(
      {
        ...tfSubnets(['us-east-1a']),
        aws_autoscaling_group: { fleet: { min_size: 3, max_size: 6, vpc_zone_identifier: tfRefs(1) } },
      },
      T1,
    ),
  },
  {
    rule: ComputeSpansZones,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_compute_region_instance_group_manager.mig',
    message: 'runs in 1 zone(s)',
    compliant: tf(
      {
        google_compute_region_instance_group_manager: {
          mig: { distribution_policy_zones: ['us-central1-a', 'us-central1-b', 'us-central1-c'] },
        },
      },
      T1,
    ),
    nonCompliant: tf(
      { google_compute_region_instance_group_manager: { mig: { distribution_policy_zones: ['us-central1-a'] } } },
      T1,
    ),
  },
  {
    rule: LoadBalancerSpansZones,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Lb',
    message: 'is placed in 2 zone(s); TIER_0 needs subnets in at least 3 zones',
    compliant: cfn(
      { ...subnets(ABC), Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Subnets: refs(3) } } },
      T0,
    ),
    nonCompliant: cfn(
      {
        ...subnets(ABC.slice(0, 2)),
        Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Subnets: refs(2) } },
      },
      T0,
    ),
  },
  {
    rule: LoadBalancerSpansZones,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_lb.web',
    message: 'is placed in 2 zone(s)',
    compliant: tf({ ...tfSubnets(ABC), aws_lb: { web: { subnets: tfRefs(3) } } }, T0),
    nonCompliant: tf({ ...tfSubnets(ABC.slice(0, 2)), aws_lb: { web: { subnets: tfRefs(2) } } }, T0),
  },
  {
    rule: AntiAffinityPlacement,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Group',
    message: 'uses the cluster strategy',
    compliant: cfn({ Group: { Type: 'AWS::EC2::PlacementGroup', Properties: { Strategy: 'spread' } } }),
    nonCompliant: cfn({ Group: { Type: 'AWS::EC2::PlacementGroup', Properties: { Strategy: 'cluster' } } }),
  },
  {
    rule: AntiAffinityPlacement,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_placement_group.pg',
    message: 'uses the cluster strategy',
    compliant: tf({ aws_placement_group: { pg: { name: 'pg', strategy: 'spread' } } }),
    nonCompliant: tf({ aws_placement_group: { pg: { name: 'pg', strategy: 'cluster' } } }),
  },
  {
    rule: AntiAffinityPlacement,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_compute_resource_policy.p',
    message: 'collocates instances',
    compliant: tf({
      google_compute_resource_policy: { p: { group_placement_policy: [{ availability_domain_count: 3 }] } },
    }),
    nonCompliant: tf({
      google_compute_resource_policy: { p: { group_placement_policy: { collocation: 'COLLOCATED', vm_count: 2 } } },
    }),
  },
  {
    rule: StaticallyStableCapacity,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Fleet',
    message: 'minimum size 4 over 3 zones is not an even floor',
    compliant: cfn(
      {
        ...subnets(ABC),
        Fleet: {
          Type: 'AWS::AutoScaling::AutoScalingGroup',
          Properties: { MinSize: '6', DesiredCapacity: '6', MaxSize: '12', VPCZoneIdentifier: refs(3) },
        },
      },
      T0,
    ),
    nonCompliant: cfn(
      {
        ...subnets(ABC),
        Fleet: {
          Type: 'AWS::AutoScaling::AutoScalingGroup',
          Properties: { MinSize: '4', MaxSize: '12', VPCZoneIdentifier: refs(3) },
        },
      },
      T0,
    ),
  },
  {
    rule: StaticallyStableCapacity,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_autoscaling_group.fleet',
    message: 'desired capacity 9 differs from the minimum 6',
    compliant: tf(
      {
        ...tfSubnets(ABC),
        aws_autoscaling_group: { fleet: { min_size: 6, max_size: 12, vpc_zone_identifier: tfRefs(3) } },
      },
      T1,
    ),
    nonCompliant: tf(
      {
        ...tfSubnets(ABC),
        aws_autoscaling_group: {
          fleet: { min_size: 6, desired_capacity: 9, max_size: 12, vpc_zone_identifier: tfRefs(3) },
        },
      },
      T1,
    ),
  },
  {
    rule: ScalingMaximum,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Target',
    message: 'has a maximum of 1 below its minimum of 2',
    compliant: cfn({
      Target: { Type: 'AWS::ApplicationAutoScaling::ScalableTarget', Properties: { MinCapacity: 2, MaxCapacity: 10 } },
    }),
    nonCompliant: cfn({
      Target: { Type: 'AWS::ApplicationAutoScaling::ScalableTarget', Properties: { MinCapacity: 2, MaxCapacity: 1 } },
    }),
  },
  {
    rule: ScalingMaximum,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_appautoscaling_target.t',
    message: 'has no literal maximum',
    compliant: tf({ aws_appautoscaling_target: { t: { min_capacity: 2, max_capacity: 10 } } }),
    nonCompliant: tf({ aws_appautoscaling_target: { t: { min_capacity: 2 } } }),
  },
  {
    rule: ScalingMaximum,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_compute_region_autoscaler.a',
    message: 'has a maximum of 2 below its minimum of 3',
    compliant: tf({
      google_compute_region_autoscaler: { a: { autoscaling_policy: { min_replicas: 3, max_replicas: 9 } } },
    }),
    nonCompliant: tf({
      google_compute_region_autoscaler: { a: { autoscaling_policy: [{ min_replicas: 3, max_replicas: 2 }] } },
    }),
  },
  {
    rule: TargetHealthChecks,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Targets',
    message:
      "detects a failed target after up to 185 s (interval 60 × threshold 3 + timeout 5), more than TIER_1's AZ RTO of 120 s",
    compliant: cfn(
      { Targets: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { Protocol: 'HTTP', Port: 80 } } },
      T1,
    ),
    nonCompliant: cfn(
      {
        Targets: {
          Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
          Properties: { Protocol: 'HTTP', Port: 80, HealthCheckIntervalSeconds: 60, UnhealthyThresholdCount: 3 },
        },
      },
      T1,
    ),
  },
  {
    rule: TargetHealthChecks,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_lb_target_group.tg',
    message: 'disables health checks',
    compliant: tf(
      { aws_lb_target_group: { tg: { protocol: 'HTTP', port: 80, health_check: [{ path: '/health' }] } } },
      T1,
    ),
    nonCompliant: tf(
      { aws_lb_target_group: { tg: { protocol: 'HTTP', port: 80, health_check: { enabled: false } } } },
      T1,
    ),
  },
  {
    rule: TargetHealthChecks,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_compute_backend_service.api',
    message: 'has no health check',
    compliant: tf({
      google_compute_health_check: { hc: {} },
      google_compute_backend_service: { api: { health_checks: ['${google_compute_health_check.hc.id}'] } },
    }),
    nonCompliant: tf({ google_compute_backend_service: { api: { health_checks: [] } } }),
  },
  {
    rule: Autohealing,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Fleet',
    message: 'uses EC2 health checks',
    compliant: cfn({
      Tg: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup' },
      Fleet: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: { MinSize: '1', MaxSize: '2', TargetGroupARNs: [{ Ref: 'Tg' }], HealthCheckType: 'ELB' },
      },
    }),
    nonCompliant: cfn({
      Tg: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup' },
      Fleet: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: { MinSize: '1', MaxSize: '2', TargetGroupARNs: [{ Ref: 'Tg' }] },
      },
    }),
  },
  {
    rule: Autohealing,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_autoscaling_group.fleet',
    message: 'uses EC2 health checks',
    compliant: tf({
      aws_lb_target_group: { tg: {} },
      aws_autoscaling_group: {
        fleet: { target_group_arns: ['${aws_lb_target_group.tg.arn}'], health_check_type: 'ELB' },
      },
    }),
    nonCompliant: tf({
      aws_lb_target_group: { tg: {} },
      aws_autoscaling_group: {
        fleet: { target_group_arns: ['${aws_lb_target_group.tg.arn}'], health_check_type: 'EC2' },
      },
    }),
  },
  {
    rule: Autohealing,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_compute_region_instance_group_manager.mig',
    message: 'has no autohealing',
    compliant: tf({
      google_compute_region_instance_group_manager: {
        mig: {
          auto_healing_policies: { health_check: '${google_compute_health_check.hc.id}', initial_delay_sec: 120 },
        },
      },
    }),
    nonCompliant: tf({ google_compute_region_instance_group_manager: { mig: {} } }),
  },
  {
    rule: ShallowReplacementCheck,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Fleet',
    message: 'replaces instances on /health/ready, the deep check',
    compliant: replacementFleet('/health/live'),
    nonCompliant: replacementFleet('/health/ready'),
  },
  {
    rule: ShallowReplacementCheck,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_autoscaling_group.fleet',
    message: 'replaces instances on /ready, the deep check',
    compliant: tf(
      {
        aws_route53_health_check: { primary: { type: 'HTTPS', resource_path: '/ready' } },
        aws_lb_target_group: { tg: { health_check: { path: '/live' } } },
        aws_autoscaling_group: {
          fleet: { target_group_arns: ['${aws_lb_target_group.tg.arn}'], health_check_type: 'ELB' },
        },
      },
      T1,
    ),
    nonCompliant: tf(
      {
        aws_route53_health_check: { primary: { type: 'HTTPS', resource_path: '/ready' } },
        aws_lb_target_group: { tg: { health_check: { path: '/ready' } } },
        aws_autoscaling_group: {
          fleet: { target_group_arns: ['${aws_lb_target_group.tg.arn}'], health_check_type: 'ELB' },
        },
      },
      T1,
    ),
  },
  {
    rule: CrossZoneLoadBalancing,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Nlb',
    message: 'is a network load balancer without cross-zone load balancing',
    compliant: cfn({
      Nlb: {
        Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
        Properties: {
          Type: 'network',
          LoadBalancerAttributes: [{ Key: 'load_balancing.cross_zone.enabled', Value: 'true' }],
        },
      },
    }),
    nonCompliant: cfn({ Nlb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network' } } }),
  },
  {
    rule: CrossZoneLoadBalancing,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_lb_target_group.tg',
    message: 'turns cross-zone load balancing off',
    compliant: tf({
      aws_lb: { nlb: { load_balancer_type: 'network', enable_cross_zone_load_balancing: true } },
      aws_lb_target_group: { tg: { load_balancing_cross_zone_enabled: 'use_load_balancer_configuration' } },
    }),
    nonCompliant: tf({
      aws_lb: { nlb: { load_balancer_type: 'network', enable_cross_zone_load_balancing: true } },
      aws_lb_target_group: { tg: { load_balancing_cross_zone_enabled: 'false' } },
    }),
  },
  {
    rule: NatGatewayPerZone,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'RouteB',
    message: 'sends subnets in us-east-1b through a NAT gateway in us-east-1a',
    compliant: natCfn('NatB'),
    nonCompliant: natCfn('NatA'),
  },
  {
    rule: NatGatewayPerZone,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_route.b',
    message: 'sends subnets in us-east-1b through a NAT gateway in us-east-1a',
    compliant: natTf('b'),
    nonCompliant: natTf('a'),
  },
  {
    rule: MultiAzDatabase,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Cluster',
    message: 'has 1 instance(s): add a reader in another zone',
    compliant: cfn({
      Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql' } },
      Writer: { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'Cluster' } } },
      Reader: { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'Cluster' } } },
    }),
    nonCompliant: cfn({
      Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql' } },
      Writer: { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'Cluster' } } },
    }),
  },
  {
    rule: MultiAzDatabase,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_rds_cluster.db',
    message: 'has all 2 instances in us-east-1a',
    compliant: tf({
      aws_rds_cluster: { db: { engine: 'aurora-mysql' } },
      aws_rds_cluster_instance: {
        a: { cluster_identifier: '${aws_rds_cluster.db.id}', availability_zone: 'us-east-1a' },
        b: { cluster_identifier: '${aws_rds_cluster.db.id}', availability_zone: 'us-east-1b' },
      },
    }),
    nonCompliant: tf({
      aws_rds_cluster: { db: { engine: 'aurora-mysql' } },
      aws_rds_cluster_instance: {
        a: { cluster_identifier: '${aws_rds_cluster.db.id}', availability_zone: 'us-east-1a' },
        b: { cluster_identifier: '${aws_rds_cluster.db.id}', availability_zone: 'us-east-1a' },
      },
    }),
  },
  {
    rule: MultiAzDatabase,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_sql_database_instance.db',
    message: 'is a zonal Cloud SQL instance',
    compliant: tf({ google_sql_database_instance: { db: { settings: [{ availability_type: 'REGIONAL' }] } } }),
    nonCompliant: tf({ google_sql_database_instance: { db: { settings: { availability_type: 'ZONAL' } } } }),
  },
];

function natCfn(natForB: string) {
  return cfn({
    PubA: { Type: 'AWS::EC2::Subnet', Properties: { AvailabilityZone: 'us-east-1a' } },
    PubB: { Type: 'AWS::EC2::Subnet', Properties: { AvailabilityZone: 'us-east-1b' } },
    PrivA: { Type: 'AWS::EC2::Subnet', Properties: { AvailabilityZone: 'us-east-1a' } },
    PrivB: { Type: 'AWS::EC2::Subnet', Properties: { AvailabilityZone: 'us-east-1b' } },
    NatA: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: { Ref: 'PubA' } } },
    NatB: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: { Ref: 'PubB' } } },
    TableA: { Type: 'AWS::EC2::RouteTable' },
    TableB: { Type: 'AWS::EC2::RouteTable' },
    AssocA: {
      Type: 'AWS::EC2::SubnetRouteTableAssociation',
      Properties: { SubnetId: { Ref: 'PrivA' }, RouteTableId: { Ref: 'TableA' } },
    },
    AssocB: {
      Type: 'AWS::EC2::SubnetRouteTableAssociation',
      Properties: { SubnetId: { Ref: 'PrivB' }, RouteTableId: { Ref: 'TableB' } },
    },
    RouteA: {
      Type: 'AWS::EC2::Route',
      Properties: { RouteTableId: { Ref: 'TableA' }, NatGatewayId: { Ref: 'NatA' }, DestinationCidrBlock: '0.0.0.0/0' },
    },
    RouteB: {
      Type: 'AWS::EC2::Route',
      Properties: {
        RouteTableId: { Ref: 'TableB' },
        NatGatewayId: { Ref: natForB },
        DestinationCidrBlock: '0.0.0.0/0',
      },
    },
  });
}

function natTf(natForB: string) {
  return tf({
    aws_subnet: {
      pub_a: { availability_zone: 'us-east-1a' },
      pub_b: { availability_zone: 'us-east-1b' },
      priv_a: { availability_zone: 'us-east-1a' },
      priv_b: { availability_zone: 'us-east-1b' },
    },
    aws_nat_gateway: { a: { subnet_id: '${aws_subnet.pub_a.id}' }, b: { subnet_id: '${aws_subnet.pub_b.id}' } },
    aws_route_table: { a: {}, b: {} },
    aws_route_table_association: {
      a: { subnet_id: '${aws_subnet.priv_a.id}', route_table_id: '${aws_route_table.a.id}' },
      b: { subnet_id: '${aws_subnet.priv_b.id}', route_table_id: '${aws_route_table.b.id}' },
    },
    aws_route: {
      a: {
        route_table_id: '${aws_route_table.a.id}',
        nat_gateway_id: '${aws_nat_gateway.a.id}',
        destination_cidr_block: '0.0.0.0/0',
      },
      b: {
        route_table_id: '${aws_route_table.b.id}',
        nat_gateway_id: `\${aws_nat_gateway.${natForB}.id}`,
        destination_cidr_block: '0.0.0.0/0',
      },
    },
  });
}
