import { createHash } from 'crypto';
import { CertificateManagerCertificate } from '@cdktf/provider-google/lib/certificate-manager-certificate';
import { CertificateManagerDnsAuthorization } from '@cdktf/provider-google/lib/certificate-manager-dns-authorization';
import { DnsRecordSet } from '@cdktf/provider-google/lib/dns-record-set';
import { Fn, Token, Tokenization } from 'cdktf';
import { Construct } from 'constructs';
import { uniqueName } from './names';

/*
 * Google-managed certificates from Certificate Manager, authorized through DNS: shared by
 * `GlobalFrontend` (global) and `RegionalEntry` (one set per region). A DNS authorization lets
 * Certificate Manager issue and renew a certificate whatever the domain resolves to, so a new
 * certificate is issued ahead of traffic and renewals need none.
 * @see https://cloud.google.com/certificate-manager/docs/dns-authorizations
 */

/** The authorization's CNAME changes only with the domain: its TTL is no HA value. */
export const AUTHORIZATION_TTL_SECONDS = 300;

/** The CNAME record Certificate Manager checks before it issues (and renews) a certificate. */
export interface AuthorizationRecord {
  /** The domain it authorizes. */
  readonly domain: string;
  readonly name: string;
  readonly type: string;
  readonly data: string;
}

/** What {@link authorizeDomain} needs. */
export interface DomainAuthorizationOptions {
  /** `global`, or the region of a regional load balancer's certificate. */
  readonly location: string;
  readonly domain: string;
  readonly labels: Record<string, string>;
  /** The public Cloud DNS zone (its name) the CNAME is written to; without one, the caller publishes the record. */
  readonly managedZone?: string;
  /** Construct id of the CNAME record. */
  readonly recordId: string;
}

/** A DNS authorization and its CNAME record. */
export interface DomainAuthorization {
  readonly authorization: CertificateManagerDnsAuthorization;
  readonly record: AuthorizationRecord;
}

/**
 * A DNS authorization of `domain` (construct id `id`) and, given a zone, its CNAME record there
 * (`recordId`). `PER_PROJECT_RECORD`: each project authorizes the domain with a record of its own,
 * so another project's authorization of the same name (a second stack, a migration) does not clash.
 * Its name follows the domain and it is created before its predecessor is destroyed: a domain
 * change replaces it, and the old one stays until nothing uses it.
 */
export function authorizeDomain(
  scope: Construct,
  id: string,
  options: DomainAuthorizationOptions,
): DomainAuthorization {
  const authorization = new CertificateManagerDnsAuthorization(scope, id, {
    name: nameFollowing(scope, id, [options.domain]),
    location: options.location,
    domain: options.domain,
    type: 'PER_PROJECT_RECORD',
    labels: options.labels,
    lifecycle: { createBeforeDestroy: true },
  });
  const challenge = authorization.dnsResourceRecord.get(0);
  const record = { domain: options.domain, name: challenge.name, type: challenge.type, data: challenge.data };
  if (options.managedZone !== undefined) {
    new DnsRecordSet(scope, options.recordId, {
      managedZone: options.managedZone,
      name: record.name,
      type: record.type,
      ttl: AUTHORIZATION_TTL_SECONDS,
      rrdatas: [record.data],
    });
  }
  return { authorization, record };
}

/** What {@link dnsAuthorizedCertificate} needs. */
export interface DnsAuthorizedCertificateOptions {
  /** `global`, or the region of a regional load balancer's certificate. */
  readonly location: string;
  /** The names on the certificate (no wildcards). */
  readonly domains: string[];
  /** One authorization per domain, in the same order. */
  readonly authorizations: CertificateManagerDnsAuthorization[];
  readonly labels: Record<string, string>;
}

/**
 * A Google-managed certificate (construct id `id`) issued through the domains' DNS authorizations.
 * Its domains cannot change in place: a change replaces it, under a name that follows the domains,
 * created before its predecessor is destroyed, so that the predecessor serves until the proxy or
 * map entry has moved to the new one.
 */
export function dnsAuthorizedCertificate(
  scope: Construct,
  id: string,
  options: DnsAuthorizedCertificateOptions,
): CertificateManagerCertificate {
  return new CertificateManagerCertificate(scope, id, {
    name: nameFollowing(scope, id, options.domains),
    location: options.location,
    managed: { domains: options.domains, dnsAuthorizations: options.authorizations.map((a) => a.id) },
    labels: options.labels,
    lifecycle: { createBeforeDestroy: true },
  });
}

/**
 * A resource name for child `id` that changes with `values` (8 hex digits of their MD5, by
 * Terraform when one is a token): a replacement then gets a name of its own and can be created
 * before its predecessor is destroyed.
 */
export function nameFollowing(scope: Construct, id: string, values: readonly string[]): string {
  const head = uniqueName(scope, id, 54);
  if (values.every((v) => !Token.isUnresolved(v))) {
    return `${head}-${createHash('md5').update(values.join(',')).digest('hex').slice(0, 8)}`;
  }
  return `${head}-${Fn.substr(Fn.md5(Fn.join(',', values.map(asArgument))), 0, 8)}`;
}

/**
 * `value` as an argument of nested Terraform functions: a string that mixes literals and
 * references becomes `join("", [...])` of its parts. cdktf would render it as a template
 * (`"eu.${var.domain}"`), which Terraform evaluates to the same string, but cdktf warns about the
 * `${` of a template nested in a function call at every synthesis.
 */
export function asArgument(value: string): string {
  const fragments = Tokenization.reverseString(value);
  // A literal, a lone reference, or a template the caller wrote by hand: passed as it is.
  const handWritten = fragments.literals.some((literal) => String(literal).includes('${'));
  if (fragments.length <= 1 || fragments.intrinsic.length > 0 || handWritten) {
    return value;
  }
  // `join` folds the fragments from the left: collect them in order (tokens as their markers).
  const parts: string[] = [];
  fragments.join({
    join: (left: string, right: string) => {
      if (parts.length === 0) {
        parts.push(left);
      }
      parts.push(right);
      return '';
    },
  });
  return Fn.join('', parts);
}
