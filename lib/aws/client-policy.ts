import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { FailureDomain } from '../core';
import {
  CircuitBreakerPolicy,
  ClientPolicyDocument,
  clientPolicyProblem,
  clientResiliencePolicy,
} from '../core/client-policy';
import { HaProps, serviceNameOf } from './ha-props';
import { attachHaMetadata } from './metadata';
import { validationError } from './private/errors';

/** One dependency the service calls on its critical path. */
export interface ClientHop {
  /** Name of the dependency, unique within the policy (`orders-db`). */
  readonly name: string;
  /** Timeout of each try. */
  readonly perTryTimeout: Duration;
  /**
   * Total tries, the first included.
   * @default 3 (the SRE book's per-request retry limit)
   */
  readonly attempts?: number;
  /** Cap of the first full-jitter backoff; doubles for each further retry. */
  readonly baseDelay: Duration;
  /** Upper bound of any one backoff. */
  readonly maxDelay: Duration;
}

/** Props of {@link ClientResiliencePolicy}. */
export interface ClientResiliencePolicyProps extends HaProps {
  /** How long the service's own callers wait for it: every hop's retries together must end sooner. */
  readonly upstreamTimeout: Duration;
  /** The dependency calls a request makes one after another, at least one. */
  readonly hops: ClientHop[];
  /**
   * Retries as a share of requests, per client (0–1).
   * @default 0.1 (the SRE book's per-client retry budget)
   */
  readonly retryBudgetRatio?: number;
  /**
   * Circuit-breaker thresholds; fields left out take the defaults.
   * @default - open at 50% failures over at least 100 calls, 60 s open, 10 half-open probes
   */
  readonly circuitBreaker?: Partial<CircuitBreakerPolicy>;
  /**
   * Name of the SSM parameter. Deploy the construct in every region with the same name so a
   * client reads its own region's copy.
   * @default - `/ha-constructs/<service>/client-resilience-policy`
   */
  readonly parameterName?: string;
}

/** Largest value of a standard-tier SSM parameter; longer policies use the advanced tier. */
const STANDARD_PARAMETER_MAX_CHARS = 4096;

/**
 * The service's client resilience policy, published for its clients as a JSON SSM parameter in
 * this region: per-hop timeouts, attempts, exponential backoff with full jitter (base and cap),
 * the per-client retry budget and circuit-breaker thresholds.
 *
 * The policy is computed with core's `retryBudget`: synthesis fails when a hop's worst case (every
 * try times out, every wait at its cap), or the hops' sum, outlasts the upstream timeout, because
 * such retries keep working for callers that have already given up and multiply load during an
 * outage.
 *
 * Construct ids (public API): `Parameter`.
 */
export class ClientResiliencePolicy extends Construct {
  /** The computed policy (what the parameter holds). */
  public readonly policy: ClientPolicyDocument;
  /** The SSM parameter that holds the policy as JSON. */
  public readonly parameter: ssm.IStringParameter;
  /** Name of the SSM parameter. */
  public readonly parameterName: string;

  constructor(scope: Construct, id: string, props: ClientResiliencePolicyProps) {
    super(scope, id);
    const ms = (prop: string, duration: Duration): number => {
      const value = duration.toMilliseconds();
      if (Token.isUnresolved(value)) {
        throw validationError(
          `${prop} must be a concrete duration (the policy is checked at synthesis), got a token`,
          this,
        );
      }
      return value;
    };
    let policy: ClientPolicyDocument;
    try {
      policy = clientResiliencePolicy({
        upstreamTimeoutMs: ms('upstreamTimeout', props.upstreamTimeout),
        hops: props.hops.map((hop) => ({
          name: hop.name,
          attempts: hop.attempts,
          perTryTimeoutMs: ms(`hops[${hop.name}].perTryTimeout`, hop.perTryTimeout),
          baseDelayMs: ms(`hops[${hop.name}].baseDelay`, hop.baseDelay),
          maxDelayMs: ms(`hops[${hop.name}].maxDelay`, hop.maxDelay),
        })),
        retryBudgetRatio: props.retryBudgetRatio,
        circuitBreaker: props.circuitBreaker,
      });
    } catch (e) {
      if (e instanceof RangeError) {
        throw validationError(e.message, this);
      }
      throw e;
    }
    const problem = clientPolicyProblem(policy, 'upstreamTimeout');
    if (problem) {
      throw validationError(problem, this);
    }
    this.policy = policy;

    const service = serviceNameOf(this, props);
    this.parameterName = props.parameterName ?? `/ha-constructs/${service}/client-resilience-policy`;
    const value = JSON.stringify({ service, tier: props.tier.name, region: Stack.of(this).region, ...policy });
    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      parameterName: this.parameterName,
      stringValue: value,
      description: `Client resilience policy of ${service}: per-hop timeouts, retries with full jitter, retry budget, circuit breaker`,
      tier: value.length > STANDARD_PARAMETER_MAX_CHARS ? ssm.ParameterTier.ADVANCED : ssm.ParameterTier.STANDARD,
    });

    attachHaMetadata(this, props, { component: 'ClientResiliencePolicy', failureDomain: FailureDomain.REGION });
  }

  /** Lets a client read the policy. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.parameter.grantRead(grantee);
  }
}
