import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledgeWildcard } from './nag';

/**
 * What Lambda needs to attach a VPC function's network interfaces: the actions of the
 * AWSLambdaVPCAccessExecutionRole managed policy, which AWS documents on Resource "*".
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
 */
export function vpcNetworkInterfacesStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'VpcNetworkInterfaces',
    actions: [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
    resources: ['*'],
  });
}

/** Lets a VPC function's role attach its network interfaces, and says why its `*` is needed. */
export function allowVpcNetworkInterfaces(role: iam.Role): void {
  role.addToPrincipalPolicy(vpcNetworkInterfacesStatement());
  acknowledgeWildcard(
    role,
    '*',
    'the network-interface actions a VPC function needs have no resource-level permission (Resource "*")',
  );
}
