import { regionOfUrl } from '../../core/plans/jwt-authorizer';
import { GraphResource } from '../graph/model';
import type { DerivationStep } from '../model';
import { block, isObject, list, num, str } from '../graph/values';

/** API Gateway methods, API keys and authorizers, as CloudFormation and Terraform write them. */
const METHOD_TYPES = ['AWS::ApiGateway::Method', 'aws_api_gateway_method'];
const API_KEY_TYPES = ['AWS::ApiGateway::ApiKey', 'aws_api_gateway_api_key'];
const AUTHORIZER_TYPES = ['AWS::ApiGateway::Authorizer', 'aws_api_gateway_authorizer'];
const FUNCTION_TYPES = ['AWS::Lambda::Function', 'aws_lambda_function'];
const ALIAS_TYPES = ['AWS::Lambda::Alias', 'aws_lambda_alias'];
const SECRET_TYPES = ['AWS::SecretsManager::Secret'];
const PARAMETER_TYPES = ['AWS::SSM::Parameter', 'aws_ssm_parameter'];
/** What runs a function on a schedule: an EventBridge rule (CloudFormation), a rule's target (Terraform). */
const SCHEDULE_TYPES = ['AWS::Events::Rule', 'aws_cloudwatch_event_target', 'AWS::Scheduler::Schedule'];

/**
 * The environment a JWT authorizer's function declares its issuer, audience, key set and the region's copy of the
 * key set in (`JwtAuthorizer`); its refresher declares the key set and the copy.
 */
const JWT_VARIABLES = {
  issuer: 'JWT_ISSUER',
  audience: 'JWT_AUDIENCE',
  jwksUri: 'JWKS_URI',
  keysCopy: 'JWKS_COPY_PARAMETER',
} as const;

/** `{{resolve:secretsmanager:<secret-id>[:SecretString[:json-key[:version-stage[:version-id]]]]}}`. */
const SECRET_REFERENCE = /^\{\{resolve:secretsmanager:(.+?)(?::SecretString(?::[^:}]*){0,3})?\}\}$/;
/** A secret's ARN: its region, and its name with the six characters Secrets Manager appends. */
const SECRET_ARN = /^arn:[^:]+:secretsmanager:([^:]+):\d+:secret:(.+)-[A-Za-z0-9]{6}$/;

/**
 * Clients whose credentials one region alone accepts cannot fail over with DNS: a SigV4 signature names the region
 * it was made for, API Gateway generates each region's API keys unless the template gives their value, a Cognito
 * user pool lives in one region, and an authorizer's code decides what it accepts. For a service in several regions
 * whose methods ask for credentials, the region RTO of those clients is unknown (the region DNS sends them to may
 * refuse them, 403) unless the templates show that every region accepts the same ones:
 *
 * - SigV4 (`AWS_IAM`): never (unknown).
 * - A Cognito user pool's tokens: never, the pool's region signs everyone in (unknown).
 * - API keys: when every region's keys take their values from the same secrets (a dynamic reference by name
 *   to a secret with a copy in that region) or the same literals.
 * - A Lambda authorizer: when it is a `JwtAuthorizer` (issuer, audience and key set in its function's
 *   environment), the same in every region, its issuer not an AWS regional endpoint. Accepting the same tokens is
 *   not yet verifying them on the day: the region that takes the failed one's clients starts authorizer
 *   environments, each needing the issuer's keys, and the issuer's availability and regions are not in the
 *   templates. So the step is known only when each region's authorizer reads its keys from a copy in its own
 *   region that a schedule refreshes from the issuer, and keeps its whole reserved concurrency warm (provisioned
 *   on the alias API Gateway invokes); else unknown, naming what is missing.
 *
 * Anything the templates do not show (a generated key, a value built at deploy time, another authorizer) stays
 * unknown. When every credential is shown to hold, one step of 0 s says what was read, and that new tokens still
 * come from the issuer, outside the templates (the region RTO's total carries it).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html
 */
export function regionScopedCredentialSteps(resources: readonly GraphResource[]): DerivationStep[] {
  const byKey = new Map(resources.map((r) => [r.key, r]));
  const methods = resources.filter((r) => METHOD_TYPES.includes(r.type));
  const refused: { method: GraphResource; why: string }[] = [];
  // Credentials every region accepts, but which the templates do not show being verified on the day.
  const unverified: { method: GraphResource; why: string }[] = [];
  const shown: string[] = [];

  const authorization = (m: GraphResource) => str(m.properties.AuthorizationType ?? m.properties.authorization);
  const signed = methods.find((m) => authorization(m) === 'AWS_IAM');
  if (signed) {
    refused.push({ method: signed, why: 'SigV4 signatures name the region they were made for' });
  }
  const pooled = methods.find((m) => authorization(m) === 'COGNITO_USER_POOLS');
  if (pooled) {
    refused.push({
      method: pooled,
      why: "a Cognito user pool's tokens are asked for, and the pool (every sign-in) lives in one region",
    });
  }

  const custom = methods.filter((m) => authorization(m) === 'CUSTOM');
  if (custom.length > 0) {
    const tokens = jwtCredentials(custom, byKey, resources);
    if (typeof tokens === 'string') {
      refused.push({ method: custom[0], why: tokens });
    } else if (tokens.unverified !== undefined) {
      unverified.push({ method: custom[0], why: tokens.unverified });
    } else {
      shown.push(tokens.shown);
    }
  }

  const keyed = methods.filter((m) => (m.properties.ApiKeyRequired ?? m.properties.api_key_required) === true);
  if (keyed.length > 0) {
    const keys = keyCredentials(keyed, resources);
    if (typeof keys === 'string') {
      refused.push({ method: keyed[0], why: keys });
    } else {
      shown.push(keys.shown);
    }
  }

  if (refused.length > 0) {
    const method = refused[0].method;
    return [
      {
        quantity: 'regionRto',
        stack: method.stack,
        resource: method.address,
        basis:
          'clients of the service name carry credentials one region accepts: ' +
          `${refused.map((r) => r.why).join(', and ')}, ` +
          'so the region DNS sends them to refuses them (403) at failover: unknown for them until every region ' +
          'accepts the same credentials (one key value in every region, a region-agnostic authorizer)',
        figures: [],
      },
    ];
  }
  if (unverified.length > 0) {
    const method = unverified[0].method;
    return [
      {
        quantity: 'regionRto',
        stack: method.stack,
        resource: method.address,
        basis:
          "every region accepts the clients' tokens, but the templates do not show the region that takes a failed " +
          `one's clients verifying them: ${unverified.map((u) => u.why).join('; ')}: unknown until each region's ` +
          "authorizer keeps its whole concurrency warm and reads the issuer's keys from a refreshed copy in its own " +
          'region (JwtAuthorizer with peakRequestsPerSecond)',
        figures: [],
      },
    ];
  }
  if (shown.length === 0) {
    return [];
  }
  const method = custom[0] ?? keyed[0];
  return [
    {
      quantity: 'regionRto',
      stack: method.stack,
      resource: method.address,
      value: 0,
      basis: `every region accepts the clients' credentials: ${shown.join('; ')}`,
      figures: [],
    },
  ];
}

/** Regions where some of `methods` are, sorted; undefined when a method's region is unknown. */
function regionsOf(methods: readonly GraphResource[]): string[] | undefined {
  if (methods.some((m) => m.region === undefined)) {
    return undefined;
  }
  return [...new Set(methods.map((m) => m.region!))].sort();
}

/** What every region's JWT authorizer accepts, or why the templates do not show one accepting the same tokens. */
function jwtCredentials(
  methods: readonly GraphResource[],
  byKey: ReadonlyMap<string, GraphResource>,
  resources: readonly GraphResource[],
): { shown: string; unverified?: string } | string {
  const accepted = new Map<string, Set<string>>();
  const unverified = new Set<string>();
  const schedules = new Set<string>();
  for (const method of methods) {
    const authorizer = method.references.map((k) => byKey.get(k)).find((r) => r && AUTHORIZER_TYPES.includes(r.type));
    const invoked = authorizer && invokedFunction(authorizer, byKey);
    const fn = invoked?.fn;
    const variables = fn && environmentOf(fn);
    const issuer = str(variables?.[JWT_VARIABLES.issuer]);
    const audience = str(variables?.[JWT_VARIABLES.audience]);
    const jwksUri = str(variables?.[JWT_VARIABLES.jwksUri]);
    if (!authorizer || !fn || issuer === undefined || audience === undefined || jwksUri === undefined) {
      return (
        `${method.address} asks an authorizer (${authorizer?.address ?? 'not found in the templates'}) whose ` +
        'credentials the templates do not show (its function declares no JWT issuer, audience and key set)'
      );
    }
    const issuerRegion = regionOfUrl(issuer) ?? regionOfUrl(jwksUri);
    if (issuerRegion !== undefined) {
      return `${authorizer.address} accepts tokens of ${issuer}, served from ${issuerRegion}, which fails with it`;
    }
    const region = method.region ?? '?';
    accepted.set(region, (accepted.get(region) ?? new Set()).add(`${issuer} for ${audience} (keys ${jwksUri})`));
    const copy = refreshedKeysCopy(fn, jwksUri, resources);
    if (copy !== undefined) {
      schedules.add(copy.schedule);
    } else {
      unverified.add(
        `${fn.address} (${region}) fetches the keys of ${issuer} on each cold start, with no refreshed copy in ` +
          "its region, and the issuer's availability and regions are not in the templates",
      );
    }
    const warm = invoked.alias ? provisionedOf(invoked.alias) : 0;
    const reserved = num(fn.properties.ReservedConcurrentExecutions ?? fn.properties.reserved_concurrent_executions);
    if (warm === undefined || reserved === undefined || warm < reserved) {
      unverified.add(
        `${fn.address} (${region}) keeps ${warm ?? '?'} environments warm, ` +
          `${reserved === undefined ? 'with no reserved concurrency' : `of its reserved ${reserved}`}, so the ` +
          'doubled load of a failover starts new ones on demand, at a rate Lambda caps but does not guarantee',
      );
    }
  }
  const regions = regionsOf(methods);
  const sets = [...accepted.values()].map((s) => [...s].sort().join(', '));
  if (regions === undefined || new Set(sets).size > 1) {
    return (
      'the JWT authorizers of the regions accept different tokens ' +
      `(${[...accepted].map(([r, s]) => `${r}: ${[...s].join(', ')}`).join('; ')})`
    );
  }
  return {
    shown:
      `JWTs of ${sets[0]}, verified by each region's own authorizer (${regions.join(', ')}), warm, with the ` +
      `issuer's keys copied into its region on a schedule (${[...schedules].sort().join(', ')}): a token a client ` +
      "holds needs no issuer; a new one does, and the issuer's availability and regions are outside the analysed " +
      'templates',
    unverified: unverified.size > 0 ? [...unverified].join('; ') : undefined,
  };
}

/** The function an authorizer invokes, and the alias it invokes it through (CloudFormation `AuthorizerUri`). */
function invokedFunction(
  authorizer: GraphResource,
  byKey: ReadonlyMap<string, GraphResource>,
): { fn: GraphResource; alias?: GraphResource } | undefined {
  const referenced = authorizer.references.map((k) => byKey.get(k)).filter((r): r is GraphResource => !!r);
  const fn = referenced.find((r) => FUNCTION_TYPES.includes(r.type));
  if (fn) {
    return { fn };
  }
  const alias = referenced.find((r) => ALIAS_TYPES.includes(r.type));
  const aliased = alias?.references.map((k) => byKey.get(k)).find((r) => r && FUNCTION_TYPES.includes(r.type));
  return alias && aliased ? { fn: aliased, alias } : undefined;
}

/** Warm environments of an alias: CloudFormation's `ProvisionedConcurrencyConfig`; undefined when not a literal. */
function provisionedOf(alias: GraphResource): number | undefined {
  const config = block(alias.properties.ProvisionedConcurrencyConfig);
  return config ? num(config.ProvisionedConcurrentExecutions) : 0;
}

/**
 * The parameter of the function's region holding a copy of the issuer's keys (`keysCopy` in its environment), when a
 * schedule runs another function that copies `jwksUri` into it, and that schedule's expression (`?` when not a
 * literal); undefined when the templates show none.
 */
function refreshedKeysCopy(
  fn: GraphResource,
  jwksUri: string,
  resources: readonly GraphResource[],
): { copy: GraphResource; schedule: string } | undefined {
  if (environmentOf(fn)?.[JWT_VARIABLES.keysCopy] === undefined) {
    return undefined;
  }
  const inRegion = (r: GraphResource) => r.region !== undefined && r.region === fn.region;
  const copies = resources.filter(
    (r) => PARAMETER_TYPES.includes(r.type) && inRegion(r) && fn.references.includes(r.key),
  );
  for (const copy of copies) {
    const refreshers = resources.filter(
      (r) =>
        FUNCTION_TYPES.includes(r.type) &&
        r.key !== fn.key &&
        inRegion(r) &&
        r.references.includes(copy.key) &&
        str(environmentOf(r)?.[JWT_VARIABLES.jwksUri]) === jwksUri,
    );
    const schedule = resources.find(
      (r) => SCHEDULE_TYPES.includes(r.type) && refreshers.some((refresher) => r.references.includes(refresher.key)),
    );
    if (schedule) {
      const expression = str(schedule.properties.ScheduleExpression ?? schedule.properties.schedule_expression);
      return { copy, schedule: expression ?? '?' };
    }
  }
  return undefined;
}

/**
 * What the availability figure cannot know of JWT authorizers: one without a refreshed copy of the issuer's keys in
 * its region fetches them from the issuer whenever an environment starts, which puts the issuer, whose availability
 * the templates do not show, in series with authorized requests. One step per such authorizer function.
 */
export function issuerAvailabilityGaps(resources: readonly GraphResource[]): DerivationStep[] {
  const byKey = new Map(resources.map((r) => [r.key, r]));
  const functions = new Map<string, GraphResource>();
  for (const authorizer of resources.filter((r) => AUTHORIZER_TYPES.includes(r.type))) {
    const fn = invokedFunction(authorizer, byKey)?.fn;
    const variables = fn && environmentOf(fn);
    const jwksUri = str(variables?.[JWT_VARIABLES.jwksUri]);
    if (fn && jwksUri !== undefined && !refreshedKeysCopy(fn, jwksUri, resources)) {
      functions.set(fn.key, fn);
    }
  }
  return [...functions.values()].map((fn) => ({
    quantity: 'availability',
    stack: fn.stack,
    resource: fn.address,
    basis:
      `${fn.address} fetches the keys of ${str(environmentOf(fn)?.[JWT_VARIABLES.issuer]) ?? 'its issuer'} from ` +
      `${str(environmentOf(fn)?.[JWT_VARIABLES.jwksUri])} when an environment starts: the issuer is in series with ` +
      'authorized requests and its availability is not in the templates; unknown until the authorizer reads a ' +
      'refreshed copy of the keys in its own region (JwtAuthorizer)',
    figures: [],
  }));
}

/** The key values of every region's API keys, or why the templates do not show the same ones in every region. */
function keyCredentials(
  methods: readonly GraphResource[],
  resources: readonly GraphResource[],
): { shown: string } | string {
  const regions = regionsOf(methods);
  if (regions === undefined) {
    return `a region of the keyed methods (${methods.map((m) => m.address).join(', ')}) is not known to the templates`;
  }
  const secrets = resources.filter((r) => SECRET_TYPES.includes(r.type));
  const values = new Map<string, Set<string>>(regions.map((r) => [r, new Set()]));
  // Literal values compare by the order they are first met in, so that the basis never prints one.
  const literals = new Map<string, number>();
  for (const key of resources.filter((r) => API_KEY_TYPES.includes(r.type) && regions.includes(r.region ?? ''))) {
    const value = key.properties.Value ?? key.properties.value;
    if (value === undefined) {
      return `API Gateway generated the API keys of each region (${key.address} sets no value)`;
    }
    const identity = keyValueIdentity(value, key.region!, secrets, literals);
    if (identity.startsWith('!')) {
      return `${key.address}'s value ${identity.slice(1)}`;
    }
    values.get(key.region!)!.add(identity);
  }
  const sets = [...values.values()].map((s) => [...s].sort().join(', '));
  if (new Set(sets).size > 1) {
    return (
      'the regions hold different API key values ' +
      `(${[...values].map(([r, s]) => `${r}: ${[...s].join(', ') || 'none'}`).join('; ')})`
    );
  }
  return { shown: `API keys of the same values in ${regions.join(', ')}: ${sets[0]}` };
}

/**
 * What a key's value is, the same string wherever the value is the same: `secret <name>` for a dynamic reference to a
 * secret with a copy in `region`, `literal value #<n>` for a literal; `!<why>` when the template does not show it.
 */
function keyValueIdentity(
  value: unknown,
  region: string,
  secrets: readonly GraphResource[],
  literals: Map<string, number>,
): string {
  const text = str(value);
  if (text === undefined || isObject(value) || Array.isArray(value)) {
    return '!is built at deploy time, which the templates do not show';
  }
  const reference = SECRET_REFERENCE.exec(text);
  if (!reference) {
    if (/\$\{|\{\{resolve:/.test(text)) {
      return `!${text} is not a secret the templates show`;
    }
    literals.set(text, literals.get(text) ?? literals.size + 1);
    return `literal value #${literals.get(text)}`;
  }
  let name = reference[1];
  const arn = SECRET_ARN.exec(name);
  if (arn) {
    if (arn[1] !== region) {
      return `!names a secret of ${arn[1]}, which fails with that region`;
    }
    name = arn[2];
  }
  const secret = secrets.find((s) => str(s.properties.Name) === name);
  if (!secret) {
    return `!resolves secret ${name}, which the analysed templates do not create`;
  }
  const copies = [secret.region, ...list(secret.properties.ReplicaRegions).map((r) => str(block(r)?.Region))];
  if (!copies.includes(region)) {
    return `!resolves secret ${name}, which has no copy in ${region} (copies: ${copies.join(', ')})`;
  }
  return `secret ${name}`;
}

/** A function's environment variables (CloudFormation `Environment.Variables`, Terraform `environment.variables`). */
function environmentOf(fn: GraphResource): Record<string, unknown> | undefined {
  const environment = block(fn.properties.Environment ?? fn.properties.environment);
  const variables = block(environment?.Variables ?? environment?.variables);
  return variables;
}
