import { DRILL_MEASUREMENTS_METADATA_KEY, DrillMeasurement, parseDrillMeasurements } from '../../core';
import { HaInputError } from './errors';

/**
 * The drill measurements of a resource's metadata (`Metadata` or a `//` block), or of a stack's;
 * undefined when it records none. A malformed record is input the checks cannot use (exit 2): left
 * out quietly, it would leave the owner thinking a step is measured when the report counts it unknown.
 */
export function drillMeasurementsIn(
  metadata: Record<string, unknown>,
  where: string,
): readonly DrillMeasurement[] | undefined {
  if (!(DRILL_MEASUREMENTS_METADATA_KEY in metadata)) {
    return undefined;
  }
  const { measurements, rejected } = parseDrillMeasurements(metadata[DRILL_MEASUREMENTS_METADATA_KEY]);
  if (rejected.length > 0) {
    throw new HaInputError(
      `${where}: the drill measurements under ${DRILL_MEASUREMENTS_METADATA_KEY} are not valid: ` + rejected.join('; '),
    );
  }
  return measurements.length > 0 ? measurements : undefined;
}
