import { DrillMeasurement, DrStrategy, FailoverStepRecord, FailureDomain, HaRole, TierObjectives } from '../../core';

/** The engine a resource was synthesized for. */
export type Engine = 'cloudformation' | 'terraform';

/** The cloud a resource lives in. */
export type Cloud = 'aws' | 'google';

/**
 * The HA metadata record as the checks read it. Terraform resources that carry only `ha:*` tags or
 * `ha-*` labels give no failure domain, so it is optional here (`lib/core/metadata.ts` has the full record).
 */
export interface HaRecord {
  readonly service: string;
  readonly tier: string;
  readonly strategy: DrStrategy;
  readonly role: HaRole;
  readonly failureDomain?: FailureDomain;
  readonly component: string;
  readonly objectives: TierObjectives;
  readonly allowedRegions?: readonly string[];
  /** A data set's own, looser region RPO objective (seconds), when its owner stated one. */
  readonly dataRpoSeconds?: number;
  /** The data set a store holds a copy of, when several replicated stores hold one. */
  readonly dataSet?: string;
  /** Capacity the service needs at peak, as stated on a fleet's record. */
  readonly requiredCapacity?: number;
  /** Where the record came from: the full record, tags/labels (built-in tiers only), or `ha-report --tier`. */
  readonly source: 'metadata' | 'tags' | 'labels' | 'option';
}

/** One resource of a synthesized stack, normalised across CloudFormation and Terraform JSON. */
export interface GraphResource {
  /** Unique in the graph: `<stack>/<address>`. */
  readonly key: string;
  /** Name of the stack (cloud-assembly artifact id, nested stacks as `Parent/NestedLogicalId`; cdktf stack name). */
  readonly stack: string;
  /** CloudFormation logical id, or Terraform address (`aws_subnet.a`, `data.aws_iam_policy_document.p`). */
  readonly address: string;
  /** `AWS::EC2::Subnet`, `aws_subnet`, `google_sql_database_instance`. */
  readonly type: string;
  readonly engine: Engine;
  readonly cloud: Cloud;
  /** CloudFormation `Properties`, or the Terraform resource body (nested blocks as written: object or list). */
  readonly properties: Record<string, unknown>;
  /** Region the resource is deployed to, when the stack or provider states it. */
  readonly region?: string;
  readonly ha?: HaRecord;
  /** CloudFormation `DeletionPolicy`. */
  readonly deletionPolicy?: string;
  /** CloudFormation `UpdateReplacePolicy`. */
  readonly updateReplacePolicy?: string;
  /** Terraform `lifecycle.prevent_destroy`; undefined where the input does not record it (a plan, a state). */
  readonly preventDestroy?: boolean;
  /** Keys of the resources this one refers to (Ref, GetAtt, Sub, exports, `${type.name.attr}`). */
  readonly references: readonly string[];
  /** CDK construct path (`aws:cdk:path` metadata) or cdktf path, when the synthesizer wrote one. */
  readonly constructPath?: string;
  /** Whether this is a Terraform data source rather than a managed resource. */
  readonly isData: boolean;
  /** Findings the design accepted on this resource, rule → reason (`HA_ACKNOWLEDGED_KEY`). */
  readonly acknowledged?: Readonly<Record<string, string>>;
  /** The region-failover step a runbook performs (`FAILOVER_STEP_METADATA_KEY`). */
  readonly failoverStep?: FailoverStepRecord;
  /** What drills measured of the failover step this resource takes part in (`DRILL_MEASUREMENTS_METADATA_KEY`). */
  readonly drillMeasurements?: readonly DrillMeasurement[];
}

/** One synthesized stack. */
export interface GraphStack {
  readonly name: string;
  readonly engine: Engine;
  /** Region of the stack (CloudFormation environment, or the default provider's region). */
  readonly region?: string;
  /** Path of the template file, when read from disk. */
  readonly file?: string;
  /** Findings the design accepted anywhere in the stack, rule → reason (`HA_ACKNOWLEDGED_KEY`). */
  readonly acknowledged?: Readonly<Record<string, string>>;
  /** What drills measured of the service-wide steps (a decision, a restore) (`DRILL_MEASUREMENTS_METADATA_KEY`). */
  readonly drillMeasurements?: readonly DrillMeasurement[];
  /** CloudFormation outputs: name → value and export name, for values other stacks import. */
  readonly outputs?: Readonly<Record<string, { readonly value: unknown; readonly exportName?: string }>>;
}
