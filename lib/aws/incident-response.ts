import { Aws, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssmcontacts from 'aws-cdk-lib/aws-ssmcontacts';
import * as ssmincidents from 'aws-cdk-lib/aws-ssmincidents';
import { Construct } from 'constructs';
import { DrStrategy, FailureDomain, fastestPageAlert, regionPlacementProblem } from '../core';
import { HaProps, serviceNameOf } from './ha-props';
import { attachHaMetadata } from './metadata';
import { validationError } from './private/errors';
import { Runbook } from './runbooks';

/** A person engaged when an incident opens. */
export interface IncidentResponder {
  /** Unique alias of the contact in this account and region (lowercase letters, digits, `_`, `-`). */
  readonly alias: string;
  /** Name shown in Incident Manager. */
  readonly displayName: string;
  /**
   * Email address engaged. Incident Manager sends an activation code first: the channel works
   * once the person has entered it.
   * @default - no email channel
   */
  readonly email?: string;
  /**
   * Phone number (E.164, `+15555550100`) engaged by SMS, after activation like email.
   * @default - no SMS channel
   */
  readonly sms?: string;
}

/**
 * An Incident Manager response plan that alarms open incidents with. {@link IncidentResponse}
 * implements it; {@link SloAlarms} takes one as `incidentResponse`.
 */
export interface IIncidentResponse {
  /** ARN of the response plan (`arn:<partition>:ssm-incidents::<account>:response-plan/<name>`). */
  readonly responsePlanArn: string;
  /** An alarm action that opens an incident with the response plan. */
  alarmAction(): cloudwatch.IAlarmAction;
}

/** Props of {@link IncidentResponse}. */
export interface IncidentResponseProps extends HaProps {
  /** Leads the response: decides, delegates, and keeps the incident's state. */
  readonly incidentCommander: IncidentResponder;
  /** Keeps stakeholders and the status page up to date so that the commander need not. */
  readonly communicationsLead: IncidentResponder;
  /**
   * The page topic: incident updates are published to it.
   * @default - no notification target
   */
  readonly pageTopic?: sns.ITopic;
  /**
   * An SNS topic that AWS Chatbot relays to the incident's chat channel.
   * @default - no chat channel
   */
  readonly chatChannelTopic?: sns.ITopic;
  /**
   * A runbook Incident Manager starts as soon as an incident opens.
   * @default - none (responders choose one)
   */
  readonly runbook?: Runbook;
  /**
   * Impact of a page on the service, 1 (critical) to 5 (no impact).
   * @default - from the tier's strategy: 1 active/active, 2 warm standby, 3 pilot light, 4 backup and restore
   */
  readonly impact?: number;
  /**
   * Regions of the Incident Manager replication set, which must exist before any response plan.
   * An account holds one replication set: create it here once (the stack's region first), or
   * leave this out where the account already has one.
   * @default - no replication set (the account must already have one)
   */
  readonly replicationRegions?: string[];
}

const ALIAS = /^[a-z0-9_-]{1,255}$/;
const E164 = /^\+[1-9]\d{1,14}$/;
/** Incident Manager replicates incident data to at most three regions. */
const MAX_REPLICATION_REGIONS = 3;
const IMPACT_BY_STRATEGY: Record<DrStrategy, number> = {
  [DrStrategy.ACTIVE_ACTIVE]: 1,
  [DrStrategy.WARM_STANDBY]: 2,
  [DrStrategy.PILOT_LIGHT]: 3,
  [DrStrategy.BACKUP_RESTORE]: 4,
};

/**
 * Incident response for a service: an SSM Incident Manager response plan that opens one incident
 * per outage (deduplicated on the service), engages an incident commander and a communications
 * lead (contacts with email or SMS channels and an engagement plan), publishes updates to the page
 * topic, optionally opens a chat channel and starts a runbook.
 *
 * Nothing opens an incident until an alarm names the plan: pass this construct to
 * {@link SloAlarms} as `incidentResponse` (its `Page` alarm then opens one), or add
 * {@link alarmAction} to any other alarm. Incident Manager needs a replication set in the account
 * before the first response plan and SSM Contacts before the first contact; `replicationRegions`
 * creates it (once per account), and the contacts and the plan wait for it.
 *
 * Contacts re-engage their channels once per short window of the tier's fastest page alert
 * (core `fastestPageAlert`), as long as the page itself takes to confirm.
 *
 * Construct ids (public API): `ReplicationSet`, `IncidentCommander`, `CommunicationsLead` (each with
 * `Email`, `Sms`, `Plan`), `AutomationRole`, `Resource` (the response plan).
 */
export class IncidentResponse extends Construct implements IIncidentResponse {
  /** The response plan (what `SloAlarms`' `responsePlan` prop also takes). */
  public readonly responsePlan: ssmincidents.CfnResponsePlan;
  /** ARN of the response plan, which is also the alarm action that opens an incident with it. */
  public readonly responsePlanArn: string;
  /** ARN of the incident commander's contact. */
  public readonly incidentCommanderArn: string;
  /** ARN of the communications lead's contact. */
  public readonly communicationsLeadArn: string;

  constructor(scope: Construct, id: string, props: IncidentResponseProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const service = serviceNameOf(this, props);
    const impact = props.impact ?? IMPACT_BY_STRATEGY[props.tier.strategy];
    if (!Number.isInteger(impact) || impact < 1 || impact > 5) {
      throw validationError(`impact must be an integer from 1 (critical) to 5 (no impact), got: ${impact}`, this);
    }
    if (props.incidentCommander.alias === props.communicationsLead.alias) {
      throw validationError(
        `incidentCommander and communicationsLead must be different contacts, got: ${props.incidentCommander.alias} for both`,
        this,
      );
    }

    let replicationSet: ssmincidents.CfnReplicationSet | undefined;
    if (props.replicationRegions) {
      const regions = props.replicationRegions;
      if (regions.length === 0 || regions.length > MAX_REPLICATION_REGIONS) {
        throw validationError(
          `replicationRegions must list 1 to ${MAX_REPLICATION_REGIONS} regions, got: ${regions.length}`,
          this,
        );
      }
      // No primaryRegion: unlike a replica list, the replication set must include the stack's own region.
      const placement = regionPlacementProblem({
        prop: 'replicationRegions',
        replicaRegions: regions,
        allowedRegions: props.allowedRegions,
      });
      if (placement) {
        throw validationError(placement, this);
      }
      if (!Token.isUnresolved(stack.region) && !regions.includes(stack.region)) {
        throw validationError(
          `replicationRegions must include the stack's region ${stack.region}, got: ${regions.join(', ')}`,
          this,
        );
      }
      replicationSet = new ssmincidents.CfnReplicationSet(this, 'ReplicationSet', {
        regions: regions.map((regionName) => ({ regionName })),
        // Incident records are the evidence a postmortem works from.
        deletionProtected: true,
      });
      replicationSet.applyRemovalPolicy(RemovalPolicy.RETAIN);
    }

    const retryMinutes = Math.ceil(fastestPageAlert(props.tier.availabilityTarget).shortWindowSeconds / 60);
    // SSM Contacts refuses to create a contact before the account has an Incident Manager replication set.
    const contactOptions = { retryMinutes, replicationSet };
    this.incidentCommanderArn = responderContact(
      this,
      'IncidentCommander',
      props.incidentCommander,
      'incidentCommander',
      contactOptions,
    );
    this.communicationsLeadArn = responderContact(
      this,
      'CommunicationsLead',
      props.communicationsLead,
      'communicationsLead',
      contactOptions,
    );

    let actions: ssmincidents.CfnResponsePlan.ActionProperty[] | undefined;
    if (props.runbook) {
      const documentArn = stack.formatArn({
        service: 'ssm',
        resource: 'automation-definition',
        resourceName: `${props.runbook.documentName}:$DEFAULT`,
      });
      const automationRole = new iam.Role(this, 'AutomationRole', {
        description: `Lets Incident Manager start the ${service} runbook when an incident opens`,
        assumedBy: new iam.ServicePrincipal('ssm-incidents.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
      });
      new iam.ManagedPolicy(this, 'AutomationPolicy', {
        description: `Lets Incident Manager start the ${service} runbook`,
        roles: [automationRole],
        statements: [
          new iam.PolicyStatement({
            sid: 'StartRunbook',
            actions: ['ssm:StartAutomationExecution'],
            resources: [documentArn],
          }),
          new iam.PolicyStatement({
            sid: 'PassRunbookRole',
            actions: ['iam:PassRole'],
            resources: [props.runbook.assumeRole.roleArn],
            conditions: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
          }),
        ],
      });
      actions = [
        {
          ssmAutomation: {
            documentName: props.runbook.documentName,
            roleArn: automationRole.roleArn,
            targetAccount: 'RESPONSE_PLAN_OWNER_ACCOUNT',
          },
        },
      ];
    }

    const plan = new ssmincidents.CfnResponsePlan(this, 'Resource', {
      name: `${service.replace(/[^a-zA-Z0-9_-]/g, '-')}-page`.slice(0, 200),
      displayName: `${service}: SLO page`,
      incidentTemplate: {
        title: `${service}: error budget burning at page rate`,
        impact,
        summary: `The SLO page alarm of ${service} (${props.tier.name}) fired. Incident commander: ${props.incidentCommander.displayName}; communications: ${props.communicationsLead.displayName}.`,
        // One open incident per service: further pages while it is open are added to it, not opened anew.
        dedupeString: `${service}-slo-page`,
        notificationTargets: props.pageTopic ? [{ snsTopicArn: props.pageTopic.topicArn }] : undefined,
      },
      engagements: [this.incidentCommanderArn, this.communicationsLeadArn],
      chatChannel: props.chatChannelTopic ? { chatbotSns: [props.chatChannelTopic.topicArn] } : undefined,
      actions,
    });
    if (replicationSet) {
      plan.node.addDependency(replicationSet);
    }
    this.responsePlan = plan;
    this.responsePlanArn = plan.attrArn;

    attachHaMetadata(this, props, { component: 'IncidentResponse', failureDomain: FailureDomain.REGION });
  }

  /**
   * An alarm action that opens an incident with this response plan: the plan's own ARN,
   * `response-plan/<name>` (CloudFormation's `Arn` attribute, and what aws-cdk-lib's
   * `SsmIncidentAction` builds from a plan's name; the CloudWatch API reference spells it
   * `responseplan/`).
   */
  public alarmAction(): cloudwatch.IAlarmAction {
    const arn = this.responsePlanArn;
    return { bind: () => ({ alarmActionArn: arn }) };
  }
}

/** How {@link responderContact} engages a contact and what it waits for. */
interface ContactOptions {
  /** Minutes between re-engagements of each channel. */
  readonly retryMinutes: number;
  /** The replication set created in the same stack, which the contact must be created after. */
  readonly replicationSet?: ssmincidents.CfnReplicationSet;
}

/** A personal contact with its channels and an engagement plan that pages them until acknowledged. */
function responderContact(
  scope: Construct,
  id: string,
  responder: IncidentResponder,
  prop: string,
  options: ContactOptions,
): string {
  const { retryMinutes, replicationSet } = options;
  if (!ALIAS.test(responder.alias)) {
    throw validationError(
      `${prop}.alias must be 1 to 255 lowercase letters, digits, _ or -, got: ${JSON.stringify(responder.alias)}`,
      scope,
    );
  }
  if (!responder.email && !responder.sms) {
    throw validationError(`${prop} must have an email or an sms channel to be engaged, got: neither`, scope);
  }
  if (responder.sms && !Token.isUnresolved(responder.sms) && !E164.test(responder.sms)) {
    throw validationError(`${prop}.sms must be an E.164 phone number (+15555550100), got: ${responder.sms}`, scope);
  }
  const group = new Construct(scope, id);
  const contact = new ssmcontacts.CfnContact(group, 'Resource', {
    alias: responder.alias,
    displayName: responder.displayName,
    type: 'PERSONAL',
  });
  if (replicationSet) {
    // Channels and the plan name the contact's ARN, so they follow it.
    contact.node.addDependency(replicationSet);
  }
  const channels: ssmcontacts.CfnContactChannel[] = [];
  if (responder.email) {
    channels.push(
      new ssmcontacts.CfnContactChannel(group, 'Email', {
        contactId: contact.attrArn,
        channelName: `${responder.alias}-email`,
        channelType: 'EMAIL',
        channelAddress: responder.email,
        deferActivation: false,
      }),
    );
  }
  if (responder.sms) {
    channels.push(
      new ssmcontacts.CfnContactChannel(group, 'Sms', {
        contactId: contact.attrArn,
        channelName: `${responder.alias}-sms`,
        channelType: 'SMS',
        channelAddress: responder.sms,
        deferActivation: false,
      }),
    );
  }
  new ssmcontacts.CfnPlan(group, 'Plan', {
    contactId: contact.attrArn,
    stages: [
      {
        durationInMinutes: 0,
        targets: channels.map((channel) => ({
          channelTargetInfo: { channelId: channel.attrArn, retryIntervalInMinutes: retryMinutes },
        })),
      },
    ],
  });
  return contact.attrArn;
}
