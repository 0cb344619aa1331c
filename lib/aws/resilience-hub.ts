import { Aws, CfnOutput, Fn, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as resiliencehub from 'aws-cdk-lib/aws-resiliencehub';
import { Construct } from 'constructs';
import { FailureDomain } from '../core';
import {
  DataLocationConstraint,
  planResilienceHub,
  ResilienceHubPlan,
  ResilienceHubTier,
} from '../core/plans/resilience-hub';
import { HaProps, serviceNameOf } from './ha-props';
import { attachHaMetadata } from './metadata';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { acknowledgeFindings } from './private/nag';

/** Props of {@link ResilienceHubApp}. */
export interface ResilienceHubAppProps extends HaProps {
  /**
   * The CloudFormation stacks of the service in this CDK app, in any region of the app's account:
   * Resilience Hub assesses the resources they hold. The stack this construct is in is mapped only
   * if listed. Each other stack deploys before this one (it gets an output with its ARN, which this
   * stack reads with `Fn::GetStackOutput`, so no export and no cross-region custom resource).
   */
  readonly stacks: Stack[];
  /**
   * Stacks of the service deployed outside this CDK app, by ARN
   * (`arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>`), in the app's account.
   * @default - none
   */
  readonly stackArns?: string[];
  /**
   * The Resilience Hub tier of the policy.
   * @default - from the tier's availability target: MissionCritical from TIER_0's 99.99%, Critical
   * from TIER_1's 99.95%, Important from TIER_2's 99.9%, NonCritical below (CoreServices only when given)
   */
  readonly resilienceHubTier?: ResilienceHubTier;
  /**
   * Where Resilience Hub may keep the policy's data and place what it recommends.
   * @default - SameCountry when `allowedRegions` lists one region; otherwise none (AnyLocation),
   * with a warning when `allowedRegions` lists several
   */
  readonly dataLocationConstraint?: DataLocationConstraint;
  /**
   * Whether Resilience Hub assesses the app every day (and reports drift from the policy).
   * @default true
   */
  readonly dailyAssessment?: boolean;
  /**
   * Name of the Resilience Hub app (2 to 60 letters, digits, `_` or `-`, starting with a letter or
   * digit), unique in the account and region. Changing it replaces the app.
   * @default - the service name, with any other character replaced by `-`
   */
  readonly appName?: string;
}

/** What the app template declares of its own: nothing; the stack mappings are its sources. */
const APP_TEMPLATE_BODY = JSON.stringify({ resources: [], appComponents: [], excludedResources: {}, version: 2 });
/** `Name` and `PolicyName` of the Resilience Hub resources. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,59}$/;
const NAME_MAX_LENGTH = 60;
/** `Description` and `PolicyDescription`. */
const DESCRIPTION_MAX_LENGTH = 500;
/** `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>`, at most 255 characters (`PhysicalResourceId.Identifier`). */
const STACK_ARN = /^arn:aws[a-z-]*:cloudformation:([a-z0-9-]+):(\d{12}):stack\/([A-Za-z][A-Za-z0-9-]*)\/[A-Za-z0-9-]+$/;
const IDENTIFIER_MAX_LENGTH = 255;
/** One `CfnStack` resource mapping, as rendered. */
interface StackMapping {
  readonly mappingType: 'CfnStack';
  readonly logicalStackName: string;
  readonly physicalResourceId: {
    readonly identifier: string;
    readonly type: 'Arn';
    readonly awsRegion?: string;
    readonly awsAccountId?: string;
  };
}

/** The output each mapped stack gets, holding its own ARN. */
const STACK_ARN_OUTPUT_ID = 'HaConstructsStackArn';
/** Read-only access Resilience Hub needs to import and assess the resources. */
const ASSESSMENT_POLICY = 'AWSResilienceHubAsssessmentExecutionPolicy';

/**
 * A service checked after deployment too: an AWS Resilience Hub resiliency policy holding the
 * tier's objectives, and a Resilience Hub app over the service's CloudFormation stacks that
 * Resilience Hub assesses against them, every day by default. The HA report proves the objectives
 * from the templates before deployment; the assessment checks the deployed resources against the
 * same objectives after it, and reports drift.
 *
 * **The policy** (core's `planResilienceHub`): the AZ disruption takes the tier's AZ RTO and RPO, the
 * Region disruption its region RTO and RPO; Hardware and Software take the AZ objectives, because
 * a failed instance, a crashed process or a release (deployed one zone at a time, rolled back on
 * alarm) costs at most one zone's capacity, which the fleet is sized to lose. Objectives are whole
 * seconds, at least 1 (Resilience Hub marks a policy of 0 breached whatever it finds, so an AZ RPO
 * of 0 is written as 1 s). The Resilience Hub tier follows the availability target.
 *
 * **The app** maps each stack (`MappingType` `CfnStack`, `PhysicalResourceId` the stack's ARN, of
 * `Type` `Arn`); its template names no resource itself, so Resilience Hub takes the resources from
 * the stacks when it resolves the app, and the app follows the stacks rather than a list of
 * resources written here. Resilience Hub is regional: the app lives in
 * this stack's region and maps stacks of other regions by ARN. Stacks of this CDK app are read
 * through an output each gets (`HaConstructsStackArn`) and `Fn::GetStackOutput`, and deploy first;
 * stacks deployed elsewhere are given in `stackArns`. Resilience Hub assumes an invoker role
 * created here, with AWS's read-only `AWSResilienceHubAsssessmentExecutionPolicy`, to import and
 * assess the resources (other accounts would need a role there: not supported).
 *
 * After `cdk deploy`: run an assessment (console, or `aws resiliencehub start-app-assessment
 * --app-arn <appArn> --app-version release --assessment-name first`), or wait for the daily one.
 * A software breach on a data store says that recovering data a bug wrote wrong (a restore from
 * backups) is looser than the tier's zone objectives, which the tier does not promise.
 *
 * **Retention**: neither the policy nor the app holds data of the service (the app's assessments
 * are findings about it, produced again by the next assessment), so both are deleted with the
 * stack, like alarms. The app's name (the service's by default) is fixed, so an update does not
 * replace the app and its assessment history.
 *
 * Construct ids (public API): `InvokerRole`, `Policy` (the resiliency policy), `Resource` (the app).
 */
export class ResilienceHubApp extends Construct {
  /** The Resilience Hub app. */
  public readonly app: resiliencehub.CfnApp;
  /** The resiliency policy holding the tier's objectives. */
  public readonly policy: resiliencehub.CfnResiliencyPolicy;
  /** ARN of the app. */
  public readonly appArn: string;
  /** ARN of the resiliency policy. */
  public readonly policyArn: string;
  /** The role Resilience Hub assumes to import and assess the resources. */
  public readonly invokerRole: iam.Role;
  /** ARNs of the mapped stacks, in the order given (`stacks`, then `stackArns`). */
  public readonly stackArns: string[];
  /** What the policy holds, from core's `planResilienceHub`. */
  public readonly plan: ResilienceHubPlan;

  constructor(scope: Construct, id: string, props: ResilienceHubAppProps) {
    super(scope, id);
    const service = serviceNameOf(this, props);
    this.plan = planResilienceHub(props.tier, {
      resilienceHubTier: props.resilienceHubTier,
      dataLocationConstraint: props.dataLocationConstraint,
      allowedRegions: props.allowedRegions,
      dailyAssessment: props.dailyAssessment,
    });
    throwProblems(this.plan.problems, this);
    emitWarnings(this, 'ResilienceHubApp', this.plan.warnings);

    const appName = props.appName ?? service.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, NAME_MAX_LENGTH);
    if (!Token.isUnresolved(appName) && !NAME.test(appName)) {
      const given = props.appName === undefined ? ` (the service name ${JSON.stringify(service)}, made safe)` : '';
      throw validationError(
        `appName must be 2 to ${NAME_MAX_LENGTH} letters, digits, _ or -, starting with a letter or digit, got: ${JSON.stringify(appName)}${given}`,
        this,
        'appName',
      );
    }
    const mappings = [...this.stackMappings(props.stacks ?? []), ...this.arnMappings(props.stackArns ?? [])];
    if (mappings.length === 0) {
      throw validationError(
        'stacks must list at least one stack of the service (or stackArns one ARN), got: none',
        this,
        'stacks',
      );
    }
    const names = mappings.map((m) => m.logicalStackName).filter((name) => !Token.isUnresolved(name));
    const repeated = names.filter((name, i) => names.indexOf(name) !== i);
    if (repeated.length > 0) {
      throw validationError(
        `stacks must name each stack once (Resilience Hub maps a stack by its name), got: ${[...new Set(repeated)].join(', ')} more than once`,
        this,
        'stacks',
      );
    }
    this.stackArns = mappings.map((m) => m.physicalResourceId.identifier);

    this.policy = new resiliencehub.CfnResiliencyPolicy(this, 'Policy', {
      policyName: `${appName}-${props.tier.name}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, NAME_MAX_LENGTH),
      policyDescription: (
        `${props.tier.name} objectives of ${service}, the ones the ha-constructs report proves: AZ and Region ` +
        "from the tier's AZ and region RTO/RPO; Hardware and Software from its AZ ones"
      ).slice(0, DESCRIPTION_MAX_LENGTH),
      tier: this.plan.resilienceHubTier,
      policy: this.plan.policy,
      dataLocationConstraint: this.plan.dataLocationConstraint,
    });
    this.policyArn = this.policy.attrPolicyArn;

    this.invokerRole = new iam.Role(this, 'InvokerRole', {
      description: `Assumed by Resilience Hub to import and assess the resources of ${service}`,
      assumedBy: new iam.ServicePrincipal('resiliencehub.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(ASSESSMENT_POLICY)],
    });
    acknowledgeFindings(this.invokerRole, {
      id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${ASSESSMENT_POLICY}]`,
      reason:
        'AWS maintains the read-only permissions Resilience Hub needs to describe every supported resource type; ' +
        'a hand-written copy would fall behind the types Resilience Hub adds',
    });

    this.app = new resiliencehub.CfnApp(this, 'Resource', {
      name: appName,
      description:
        `${service} (${props.tier.name}): its CloudFormation stacks, assessed against the tier's objectives`.slice(
          0,
          DESCRIPTION_MAX_LENGTH,
        ),
      appTemplateBody: APP_TEMPLATE_BODY,
      resourceMappings: mappings,
      resiliencyPolicyArn: this.policyArn,
      appAssessmentSchedule: this.plan.assessmentSchedule,
      permissionModel: { type: 'RoleBased', invokerRoleName: this.invokerRole.roleName },
    });
    this.appArn = this.app.attrAppArn;

    attachHaMetadata(this, props, { component: 'ResilienceHubApp', failureDomain: FailureDomain.REGION });
  }

  /** A `CfnStack` mapping per stack of this app: its ARN from its own output, read with `Fn::GetStackOutput`. */
  private stackMappings(stacks: readonly Stack[]): StackMapping[] {
    const own = Stack.of(this);
    return stacks.map((stack, i) => {
      const prop = `stacks[${i}]`;
      if (!Stack.isStack(stack)) {
        throw validationError(
          `${prop} must be a Stack (a stack deployed elsewhere goes in stackArns), got: ${String(stack)}`,
          this,
          'stacks',
        );
      }
      if (stack.node.root !== own.node.root) {
        throw validationError(
          `${prop} must be a stack of the same CDK app as ${own.stackName} (a stack deployed elsewhere goes in stackArns), got: ${stack.stackName}`,
          this,
          'stacks',
        );
      }
      if (!Token.isUnresolved(stack.account) && !Token.isUnresolved(own.account) && stack.account !== own.account) {
        throw validationError(
          `${prop} must be in the app's account ${own.account} (Resilience Hub reads another account only through a role there, which this construct does not create), got: ${stack.stackName} in ${stack.account}`,
          this,
          'stacks',
        );
      }
      let identifier: string;
      if (stack === own) {
        identifier = Aws.STACK_ID;
      } else {
        const output =
          (stack.node.tryFindChild(STACK_ARN_OUTPUT_ID) as CfnOutput | undefined) ??
          new CfnOutput(stack, STACK_ARN_OUTPUT_ID, {
            value: Aws.STACK_ID,
            description:
              'ARN of this stack, read by the ha-constructs ResilienceHubApp that maps it (Fn::GetStackOutput)',
          });
        identifier = Fn.getStackOutput(
          stack.stackName,
          stack.resolve(output.logicalId),
          Token.isUnresolved(stack.region) ? undefined : stack.region,
        );
        try {
          own.addStackDependency(stack, `${this.node.path} maps ${stack.stackName} by the ARN in its output`);
        } catch (e) {
          throw validationError(
            `${prop} must deploy before ${own.stackName}, the stack of the app (its ARN is read from its output), got: ${stack.stackName}, which would then depend on itself: ${(e as Error).message}`,
            this,
            'stacks',
          );
        }
      }
      return {
        mappingType: 'CfnStack',
        logicalStackName: stack.stackName,
        physicalResourceId: {
          identifier,
          type: 'Arn',
          awsRegion: Token.isUnresolved(stack.region) ? undefined : stack.region,
          awsAccountId: Token.isUnresolved(stack.account) ? undefined : stack.account,
        },
      };
    });
  }

  /** A `CfnStack` mapping per ARN of a stack deployed elsewhere. */
  private arnMappings(arns: readonly string[]): StackMapping[] {
    const account = Stack.of(this).account;
    return arns.map((arn, i) => {
      const prop = `stackArns[${i}]`;
      if (Token.isUnresolved(arn)) {
        return {
          mappingType: 'CfnStack',
          logicalStackName: Fn.select(1, Fn.split('/', arn)),
          physicalResourceId: { identifier: arn, type: 'Arn' },
        };
      }
      const parts = STACK_ARN.exec(arn);
      if (!parts || arn.length > IDENTIFIER_MAX_LENGTH) {
        throw validationError(
          `${prop} must be a CloudFormation stack ARN of at most ${IDENTIFIER_MAX_LENGTH} characters (arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>), got: ${arn}`,
          this,
          'stackArns',
        );
      }
      const [, region, stackAccount, name] = parts;
      if (!Token.isUnresolved(account) && stackAccount !== account) {
        throw validationError(
          `${prop} must be in the app's account ${account} (Resilience Hub reads another account only through a role there, which this construct does not create), got: ${stackAccount}`,
          this,
          'stackArns',
        );
      }
      return {
        mappingType: 'CfnStack',
        logicalStackName: name,
        physicalResourceId: { identifier: arn, type: 'Arn', awsRegion: region, awsAccountId: stackAccount },
      };
    });
  }
}
