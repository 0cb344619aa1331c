import { Lazy, TerraformStack } from 'cdktf';

/** A Terraform language feature a stack may use, and the first Terraform release that reads it. */
export interface TerraformFeature {
  /** What the feature is, for messages. */
  readonly name: string;
  /** The first Terraform release with it (`major.minor`). */
  readonly version: string;
  /** Whether a synthesized Terraform JSON document uses it. */
  readonly usedBy: (document: TerraformDocument) => boolean;
  /** Where HashiCorp documents the release it came in. */
  readonly source: string;
}

/** The parts of a Terraform JSON document the features are found in. */
export type TerraformDocument = Record<string, unknown>;

/**
 * The release every stack needs at least: the first under the Terraform 1.x compatibility promises,
 * which reads everything cdktf writes that no feature below names.
 * @see https://developer.hashicorp.com/terraform/language/v1-compatibility-promises
 */
export const TERRAFORM_BASELINE_VERSION = '1.0';

/** Features of the Terraform language that raise the release a stack needs, newest last. */
export const TERRAFORM_FEATURES: readonly TerraformFeature[] = [
  {
    name: 'moved blocks',
    version: '1.1',
    usedBy: (doc) => doc.moved !== undefined,
    source: 'https://developer.hashicorp.com/terraform/language/moved',
  },
  {
    name: 'the terraform_data resource',
    version: '1.4',
    usedBy: (doc) => blocksOf(doc.resource).some(([type]) => type === 'terraform_data'),
    source: 'https://developer.hashicorp.com/terraform/language/resources/terraform-data',
  },
  {
    name: 'plantimestamp()',
    version: '1.5',
    usedBy: (doc) => expressionsOf(doc).some((e) => /\bplantimestamp\(/.test(e)),
    source: 'https://developer.hashicorp.com/terraform/language/functions/plantimestamp',
  },
  {
    name: 'import blocks',
    version: '1.5',
    usedBy: (doc) => doc.import !== undefined,
    source: 'https://developer.hashicorp.com/terraform/language/import',
  },
  {
    name: 'check blocks',
    version: '1.5',
    usedBy: (doc) => doc.check !== undefined,
    source: 'https://developer.hashicorp.com/terraform/language/checks',
  },
  {
    name: 'removed blocks',
    version: '1.7',
    usedBy: (doc) => doc.removed !== undefined,
    source: 'https://developer.hashicorp.com/terraform/language/resources/syntax#removing-resources',
  },
  {
    name: 'provider-defined functions',
    version: '1.8',
    usedBy: (doc) => expressionsOf(doc).some((e) => /\bprovider::/.test(e)),
    source: 'https://developer.hashicorp.com/terraform/language/functions#provider-defined-functions',
  },
  {
    name: 'ephemeral resources',
    version: '1.10',
    usedBy: (doc) => doc.ephemeral !== undefined,
    source: 'https://developer.hashicorp.com/terraform/language/resources/ephemeral',
  },
  {
    name: 'write-only arguments',
    version: '1.11',
    usedBy: (doc) => blocksOf(doc.resource).some(([, body]) => hasWriteOnlyArgument(body)),
    source: 'https://developer.hashicorp.com/terraform/language/resources/ephemeral/write-only',
  },
  {
    name: 'S3 backend native locking (use_lockfile)',
    version: '1.11',
    usedBy: (doc) =>
      (doc.terraform as { backend?: { s3?: { use_lockfile?: unknown } } } | undefined)?.backend?.s3?.use_lockfile ===
      true,
    source: 'https://developer.hashicorp.com/terraform/language/backend/s3#state-locking',
  },
];

/** The lowest Terraform release that reads a document, and the features that set it. */
export interface MinimumTerraformVersion {
  /** `major.minor`. */
  readonly version: string;
  /** The features that need that release (none when the baseline is enough). */
  readonly features: string[];
}

/** The lowest Terraform release that reads `document`, and the features that set it. */
export function minimumTerraformVersion(document: TerraformDocument): MinimumTerraformVersion {
  const used = TERRAFORM_FEATURES.filter((f) => f.usedBy(document));
  const version = used
    .map((f) => f.version)
    .reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b), TERRAFORM_BASELINE_VERSION);
  return { version, features: used.filter((f) => f.version === version).map((f) => f.name) };
}

/**
 * States in `stack` the `required_version` its synthesized document needs (`>= <minimum>`): the
 * version is computed when the stack synthesizes, from everything in it then, so a construct added
 * later raises it too. Terraform older than that refuses the stack at `init` with this message,
 * instead of failing on the feature halfway through a plan.
 * @see https://developer.hashicorp.com/terraform/language/terraform#terraform-required_version
 */
export function requireTerraformVersion(stack: TerraformStack): void {
  let computing = false;
  stack.addOverride(
    'terraform.required_version',
    Lazy.stringValue({
      produce: () => {
        if (computing) {
          // The document is read without the constraint it is computing.
          return undefined;
        }
        computing = true;
        try {
          return `>= ${minimumTerraformVersion(stack.toTerraform() as TerraformDocument).version}`;
        } finally {
          computing = false;
        }
      },
    }),
  );
}

/** -1, 0 or 1 as `a` is older than, the same as or newer than `b` (`major.minor`). */
function compareVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return Math.sign(am - bm || an - bn);
}

/** `[type, body]` of every block of a `resource` (or `data`) object. */
function blocksOf(section: unknown): [string, unknown][] {
  if (typeof section !== 'object' || section === null) {
    return [];
  }
  return Object.entries(section as Record<string, Record<string, unknown>>).flatMap(([type, byName]) =>
    Object.values(byName ?? {}).map((body): [string, unknown] => [type, body]),
  );
}

/** Whether a resource body sets a write-only argument (`*_wo`, at any depth), comments aside. */
function hasWriteOnlyArgument(body: unknown): boolean {
  if (Array.isArray(body)) {
    return body.some(hasWriteOnlyArgument);
  }
  if (typeof body !== 'object' || body === null) {
    return false;
  }
  return Object.entries(body as Record<string, unknown>).some(
    ([key, value]) => key !== '//' && (/_wo$/.test(key) || hasWriteOnlyArgument(value)),
  );
}

/** Every string of the document that holds a Terraform expression (`${...}`), comments aside. */
function expressionsOf(document: unknown): string[] {
  if (typeof document === 'string') {
    return document.includes('${') ? [document] : [];
  }
  if (Array.isArray(document)) {
    return document.flatMap(expressionsOf);
  }
  if (typeof document === 'object' && document !== null) {
    return Object.entries(document as Record<string, unknown>)
      .filter(([key]) => key !== '//')
      .flatMap(([, value]) => expressionsOf(value));
  }
  return [];
}
