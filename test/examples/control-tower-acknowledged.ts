/**
 * The AWS Control Tower proactive controls the AWS examples fail, each with why it stays failed.
 *
 * `test/examples/control-tower.test.ts` runs every proactive control (the cfn-guard rules of
 * `@cdklabs/cdk-validator-cfnguard`) over the synthesized templates of every example and holds
 * the failures equal to this list: a failure no entry covers fails the test, and so does an entry
 * no failure needs. Only two kinds of reason belong here: the control contradicts the HA design,
 * or no configuration of the resource can satisfy it. A control the library can meet is met by
 * the constructs' defaults instead, with a test of the property in the construct's test file.
 *
 * A user who runs the controls on an app built with these constructs will see the same failures on
 * the same resources (under that app's logical ids), for the same reasons.
 */
export interface AcknowledgedControl {
  /** The control, as AWS Control Tower names it, e.g. `CT.S3.PR.2`. */
  readonly control: string;
  /** The CloudFormation type of the resources that fail it. */
  readonly resourceType: string;
  /** The logical ids (in the examples' templates) of the resources that fail it. */
  readonly logicalId: RegExp;
  /** Why the resources stay failed. */
  readonly reason: string;
}

/** Logical id of a bucket that receives S3 server access logs. */
const SERVER_ACCESS_LOG_BUCKET = /^(?!Fleet)\w*AccessLogs(Bucket)?[0-9A-F]{8}$/;
/** Logical id of a bucket that receives logs: server access logs, or a load balancer's access logs (`FleetAccessLogs`). */
const LOG_BUCKET = /^\w*AccessLogs(Bucket)?[0-9A-F]{8}$/;

export const ACKNOWLEDGED_CONTROLS: readonly AcknowledgedControl[] = [
  {
    control: 'CT.CLOUDWATCH.PR.1',
    resourceType: 'AWS::CloudWatch::Alarm',
    logicalId: /^Slo(Availability|Latency|Synthetic)(Burn\w+(Long|Short)|BudgetExhausted)[0-9A-F]{8}$/,
    reason:
      "the window alarms of SloAlarms' multiwindow burn-rate alerts and each SLI's budget-exhausted alarm are members of " +
      'composite alarms (Page, Ticket, BudgetExhausted), which carry the actions: an action on each member would send one ' +
      'notification per window and per SLI for one incident, the alert noise composite alarms exist to remove',
  },
  {
    control: 'CT.CLOUDWATCH.PR.1',
    resourceType: 'AWS::CloudWatch::Alarm',
    logicalId: /^(Fleet|Service)ZonalDetection\w+(Availability|Outlier|Latency)[0-9A-F]{8}$/,
    reason:
      "the per-AZ availability, outlier and latency alarms of ResilientFleet's and ResilientService's zonal detection " +
      "are members of the AZ's " +
      'Impaired composite alarm, which carries the actions: one impaired AZ makes one notification',
  },
  {
    control: 'CT.LAMBDA.PR.3',
    resourceType: 'AWS::Lambda::Function',
    logicalId: /^CustomVpcRestrictDefaultSGCustomResourceProviderHandler[0-9A-F]{8}$/,
    reason:
      "aws-cdk-lib's handler of the VPC's restrictDefaultSecurityGroup custom resource (which removes the default " +
      "security group's rules) has no VPC setting; it calls only the EC2 and CloudFormation APIs, at deployment; in the " +
      "VPC it changes it would need that VPC's NAT route while the stack deletes it",
  },
  {
    control: 'CT.S3.PR.2',
    resourceType: 'AWS::S3::Bucket',
    logicalId: LOG_BUCKET,
    reason:
      'the buckets that receive access logs are the end of the chain: logging their access into another bucket ' +
      'leaves that bucket unlogged, and into themselves logs each log delivery (which S3 advises against)',
  },
  {
    control: 'CT.S3.PR.9',
    resourceType: 'AWS::S3::Bucket',
    logicalId: SERVER_ACCESS_LOG_BUCKET,
    reason:
      'S3 delivers server access logs only to a bucket without Object Lock ' +
      '(https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html); every other bucket of the ' +
      'library has Object Lock on',
  },
  {
    control: 'CT.S3.PR.10',
    resourceType: 'AWS::S3::Bucket',
    logicalId: LOG_BUCKET,
    reason:
      'S3 server access logs and Elastic Load Balancing access logs are delivered only to buckets encrypted with ' +
      'SSE-S3, not SSE-KMS (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html, ' +
      'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html)',
  },
  {
    control: 'CT.SQS.PR.1',
    resourceType: 'AWS::SQS::Queue',
    logicalId: /^BackupsDeadLetterQueue[0-9A-F]{8}$/,
    reason:
      "this queue is the dead-letter queue of BackupPolicy's EventBridge rule targets, the end of the redrive chain: " +
      'a dead-letter queue of its own would only move the end',
  },
  {
    control: 'CT.SQS.PR.1',
    resourceType: 'AWS::SQS::Queue',
    logicalId: /^HandlerFailures[0-9A-F]{8}$/,
    reason:
      "this queue is the on-failure destination of ResilientFunction's asynchronous invocations, the end of their " +
      'chain: a dead-letter queue of its own would only move the end',
  },
];
