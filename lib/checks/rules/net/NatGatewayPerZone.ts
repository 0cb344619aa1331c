import { GraphResource } from '../../graph/model';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { distinct, SUBNET_TYPES, subnetZone } from '../support';

const ROUTE_TYPES = ['AWS::EC2::Route', 'aws_route', 'aws_route_table'];
const NAT_TYPES = ['AWS::EC2::NatGateway', 'aws_nat_gateway'];
const TABLE_TYPES = ['AWS::EC2::RouteTable', 'aws_route_table'];
const ASSOCIATION_TYPES = ['AWS::EC2::SubnetRouteTableAssociation', 'aws_route_table_association'];

/** HA-NET1: private subnets reach the internet through a NAT gateway in their own zone. */
export const NatGatewayPerZone: HaRule = {
  id: 'HA-NET1',
  level: 'error',
  category: 'availability',
  info: "Every route to a NAT gateway serves only subnets in the NAT gateway's own zone (one NAT gateway per zone).",
  explanation:
    'A NAT gateway lives in one zone. Subnets of other zones that route through it lose egress when its zone fails, so the surviving zones are not independent: the AZ failure spreads.',
  resourceTypes: [...ROUTE_TYPES, ...NAT_TYPES, ...ASSOCIATION_TYPES],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    return graph.ofType(...ROUTE_TYPES).flatMap((route) => {
      const nats = graph.referencedBy(route, ...NAT_TYPES);
      if (nats.length === 0) {
        return [];
      }
      const natZones = distinct(nats.flatMap((nat) => graph.referencedBy(nat, ...SUBNET_TYPES).map(subnetZone)));
      const tables: GraphResource[] =
        route.type === 'aws_route_table' ? [route] : graph.referencedBy(route, ...TABLE_TYPES);
      const subnetZones = distinct(
        tables
          .flatMap((table) => graph.referrersOf(table, ...ASSOCIATION_TYPES))
          .flatMap((association) => graph.referencedBy(association, ...SUBNET_TYPES))
          .map(subnetZone),
      );
      if (natZones.length === 0 || subnetZones.length === 0) {
        return [];
      }
      const foreign = subnetZones.filter((zone) => !natZones.includes(zone));
      return [
        outcome(
          route,
          foreign.length === 0
            ? undefined
            : `${route.address} sends subnets in ${foreign.join(', ')} through a NAT gateway in ${natZones.join(', ')}: give each zone its own NAT gateway and route table`,
        ),
      ];
    });
  },
};
