import { DataGoogleSecretManagerSecretVersion } from '@cdktf/provider-google/lib/data-google-secret-manager-secret-version';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaRole } from '../../core';
import { planPaging } from '../../core/plans/paging';
import { emitWarnings, throwProblems } from '../diagnostics';
import { GOOGLE_SERVICE_AGENTS } from './apis';
import { GoogleHaProps, serviceNameOf } from './ha-props';
import { addDependsOn, ProjectServices } from './project-services';
import { newCryptoKey } from './private/keys';
import { statefulLifecycle } from './private/lifecycle';
import { attachRecord, haLabels, haRecord } from './private/metadata';
import { PUBSUB_TOPIC_NAME_MAX_LENGTH, uniqueName } from './private/names';
import { requireServiceRegions } from './private/regions';

/** The PagerDuty service whose integration key pages. */
export interface PagerDutyIntegration {
  /**
   * The Secret Manager secret that holds the PagerDuty service's integration key
   * (`projects/<p>/secrets/<id>`, or the id of a secret of the provider's project).
   */
  readonly serviceKeySecret: string;
  /**
   * Version of the secret to read.
   * @default 'latest'
   */
  readonly version?: string;
}

/** Props of {@link PagingChannels}. */
export interface PagingChannelsProps extends GoogleHaProps {
  /**
   * Regions of the Pub/Sub channels: one topic per region, each under a key of its own region and
   * storing its messages there, so that the loss of a region (or of its key) leaves the others
   * delivering. At least `tier.minRegions`.
   */
  readonly regions: string[];
  /**
   * Create a Pub/Sub channel per region, for an incident tool or a bridge to subscribe to.
   * @default true
   */
  readonly pubsub?: boolean;
  /**
   * Addresses that get the alerts by email (one channel each): a record, never the only page of a
   * tier whose pages go beyond email.
   * @default - none
   */
  readonly emails?: string[];
  /**
   * HTTPS endpoints that get the alerts (`webhook_tokenauth`: the token travels in the URL, which
   * Cloud Monitoring shows to whoever may read the channel and Terraform keeps in its state).
   * @default - none
   */
  readonly webhookUrls?: string[];
  /**
   * Page a PagerDuty service. Its integration key is read from Secret Manager, never written in the
   * configuration. Provider 6.50 has no write-only argument for a channel's `sensitive_labels` (an
   * ephemeral read could feed only one), so the key is kept in the Terraform state, marked sensitive,
   * twice: the data source's `secret_data` and the channel's `service_key`. Keep the state encrypted
   * and its readers few; whoever applies needs `secretmanager.versions.access` on the secret.
   * @default - no PagerDuty channel
   */
  readonly pagerDuty?: PagerDutyIntegration;
  /**
   * Ids of channels created elsewhere (a Slack or mobile-app channel verified by hand) that get
   * every alert too.
   * @default - none
   */
  readonly existingChannelIds?: string[];
  /**
   * Keep `prevent_destroy` on the topics and their keys. Setting it to false warns.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * Where a service's alerts go: Cloud Monitoring notification channels beyond email. By default one
 * Pub/Sub channel per region (the topic under a customer-managed key of its region, its messages
 * stored there, Cloud Monitoring's notification agent created and allowed to publish before the
 * channel exists), plus email, webhook and PagerDuty channels as asked. Core's `planPaging` refuses
 * email only for a tier whose pages must go beyond it (`pagesBeyondEmail`: TIER_0 and TIER_1).
 *
 * Pass {@link channelIds} to `SloAlarms.notificationChannels` (and to any other alert). A Pub/Sub
 * topic pages nobody until something subscribes: subscribe your incident tool in each region.
 *
 * Construct ids (public API, stateful): `Topic-<region>`, `TopicKey-<region>`,
 * `TopicKey-<region>Ring`; `TopicPublisher-<region>`, `PubSub-<region>`, `Email<i>`,
 * `Webhook<i>`, `PagerDuty`, `PagerDutyKey`.
 */
export class PagingChannels extends Construct {
  /** Ids of every channel, those created here first (email, Pub/Sub, webhook, PagerDuty), then `existingChannelIds`. */
  public readonly channelIds: string[];
  /** The Pub/Sub topics, one per region, in the order of `regions`. */
  public readonly topics: PubsubTopic[] = [];

  constructor(scope: Construct, id: string, props: PagingChannelsProps) {
    super(scope, id);
    const { tier } = props;
    const regions = [...props.regions];
    requireServiceRegions({ regions, tier, allowedRegions: props.allowedRegions });
    const pubsub = props.pubsub ?? true;
    const emails = props.emails ?? [];
    const webhookUrls = props.webhookUrls ?? [];
    const plan = planPaging(tier, {
      emailCount: emails.length,
      pubsub,
      webhookUrls: webhookUrls.map((url) => (Token.isUnresolved(url) ? undefined : url)),
      pagerDuty: props.pagerDuty !== undefined,
      existingChannelCount: props.existingChannelIds?.length ?? 0,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, COMPONENT, plan.warnings);

    const service = serviceNameOf(this, props);
    const record = haRecord(this, props, {
      component: COMPONENT,
      failureDomain: FailureDomain.GLOBAL,
      role: props.role ?? HaRole.GLOBAL,
    });
    const labels = haLabels(props, record);
    const services = ProjectServices.of(this, props.projectServices);
    const channels: MonitoringNotificationChannel[] = [];

    emails.forEach((address, i) => {
      channels.push(
        new MonitoringNotificationChannel(this, `Email${i}`, {
          displayName: `${service} alerts by email (${i + 1})`,
          type: 'email',
          labels: { email_address: address },
          userLabels: labels,
        }),
      );
    });

    if (pubsub) {
      const lifecycle = statefulLifecycle(this, COMPONENT, props.preventDestroy);
      const pubsubAgent = services.serviceAgent(GOOGLE_SERVICE_AGENTS.PUBSUB);
      const notifier = services.serviceAgent(GOOGLE_SERVICE_AGENTS.MONITORING_NOTIFICATION);
      for (const region of regions) {
        const key = newCryptoKey(this, `TopicKey-${region}`, {
          location: region,
          labels,
          encrypters: { PubSub: pubsubAgent },
        });
        const topic = new PubsubTopic(this, `Topic-${region}`, {
          name: uniqueName(this, `Topic-${region}`, PUBSUB_TOPIC_NAME_MAX_LENGTH),
          kmsKeyName: key.key.id,
          // A regional key encrypts messages stored in its region only.
          messageStoragePolicy: { allowedPersistenceRegions: [region] },
          labels,
          dependsOn: key.grants,
          lifecycle,
        });
        this.topics.push(topic);
        const publisher = new PubsubTopicIamMember(this, `TopicPublisher-${region}`, {
          topic: topic.id,
          role: 'roles/pubsub.publisher',
          member: notifier.member,
          dependsOn: notifier.dependables,
        });
        channels.push(
          new MonitoringNotificationChannel(this, `PubSub-${region}`, {
            displayName: `${service} alerts to Pub/Sub in ${region}`,
            type: 'pubsub',
            labels: { topic: topic.id },
            userLabels: labels,
            // Cloud Monitoring publishes as its agent: allowed before the first alert can fire.
            dependsOn: [publisher],
          }),
        );
      }
    }

    webhookUrls.forEach((url, i) => {
      channels.push(
        new MonitoringNotificationChannel(this, `Webhook${i}`, {
          displayName: `${service} alerts to webhook ${i + 1}`,
          type: 'webhook_tokenauth',
          labels: { url },
          userLabels: labels,
        }),
      );
    });

    if (props.pagerDuty) {
      const key = new DataGoogleSecretManagerSecretVersion(this, 'PagerDutyKey', {
        secret: props.pagerDuty.serviceKeySecret,
        version: props.pagerDuty.version ?? 'latest',
      });
      addDependsOn(key, services.enable('secretmanager.googleapis.com'));
      channels.push(
        new MonitoringNotificationChannel(this, 'PagerDuty', {
          displayName: `${service} pages PagerDuty`,
          type: 'pagerduty',
          sensitiveLabels: { serviceKey: key.secretData },
          userLabels: labels,
        }),
      );
    }

    this.channelIds = [...channels.map((c) => c.id), ...(props.existingChannelIds ?? [])];
    services.use(this);
    attachRecord(this, record);
  }
}

/** The component its labels, metadata and warning ids name. */
const COMPONENT = 'PagingChannels';
