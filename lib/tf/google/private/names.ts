import { createHash } from 'crypto';
import { TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * A Google Cloud resource name for the child `id` of `scope`: its construct path in lowercase
 * letters, digits and hyphens, cut to fit, plus 8 hex digits of a hash of the stack id and the full
 * path. Deterministic (a rename would replace the resource), unique per stack and per path, and
 * valid for the usual `[a-z]([-a-z0-9]*[a-z0-9])?` rule.
 */
export function uniqueName(scope: IConstruct, id: string, maxLength = 63): string {
  const stack = TerraformStack.of(scope);
  const scopes = scope.node.scopes;
  const path = [...scopes.slice(scopes.indexOf(stack) + 1).map((s) => s.node.id), id];
  const hash = createHash('sha256')
    .update([stack.node.id, ...path].join('/'))
    .digest('hex')
    .slice(0, 8);
  const readable = path
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '');
  const head = readable.slice(0, maxLength - hash.length - 1).replace(/-+$/, '');
  return head ? `${head}-${hash}` : `r${hash}`;
}

/**
 * The longest Pub/Sub topic name (a resource shape, not an HA value).
 * @see https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names
 */
export const PUBSUB_TOPIC_NAME_MAX_LENGTH = 255;

/**
 * The longest log bucket id and log sink name (resource shapes).
 * @see https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.locations.buckets/create
 * @see https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.sinks
 */
export const LOG_BUCKET_ID_MAX_LENGTH = 100;
export const LOG_SINK_NAME_MAX_LENGTH = 100;
