import { IConstruct } from 'constructs';
import { HaMetadata } from '../../core';
import { GoogleHaProps } from './ha-props';
import { attachRecord, haLabels, haRecord, HaMetadataOptions } from './private/metadata';

/** What {@link attachHaMetadata} records besides the {@link GoogleHaProps}. */
export type AttachHaMetadataOptions = HaMetadataOptions;

/**
 * Marks Terraform resources you build yourself for the HA checks and report, as this library's
 * constructs mark theirs: the record goes into the `//` comment block of every resource below
 * `scope` under the key `ha-constructs` (cdktf's own `//.metadata` entry stays), and resources that
 * already carry a record keep it.
 *
 * Call it after the resources exist. Returns the labels to put on the resources that take them
 * (`ha-service`, `ha-tier`, `ha-strategy`, `ha-role`, `ha-component`, plus `props.labels`).
 */
export function attachHaMetadata(
  scope: IConstruct,
  props: GoogleHaProps,
  options: AttachHaMetadataOptions,
): Record<string, string> {
  const record: HaMetadata = haRecord(scope, props, options);
  attachRecord(scope, record);
  return haLabels(props, record);
}
