import { ResourceGraph } from './graph';
import { GraphResource } from './model';
import { isSet, str } from './values';

/**
 * Whether a resource is an RDS read replica of an instance in its own region: `SourceDBInstanceIdentifier`
 * (`replicate_source_db`) refers to a source of the same region, or names it by id or by an ARN of the
 * same region (a source the template cannot show is not assumed to be near). Its data
 * and key are its source's, kept where the source is kept: deletion policies, deletion protection and a
 * key of its own are the source's concern. A replica in another region is the copy that survives the
 * source's region, and is judged as a database of its own.
 */
export function isSameRegionReadReplica(graph: ResourceGraph, resource: GraphResource): boolean {
  if (resource.type !== 'AWS::RDS::DBInstance' && resource.type !== 'aws_db_instance') {
    return false;
  }
  const source = resource.properties.SourceDBInstanceIdentifier ?? resource.properties.replicate_source_db;
  if (!isSet(source)) {
    return false;
  }
  const referenced = graph.referencedBy(resource, 'AWS::RDS::DBInstance', 'aws_db_instance');
  if (referenced.length > 0) {
    return referenced.every((r) => r.region === resource.region);
  }
  const text = str(source);
  if (text === undefined) {
    return false;
  }
  const arnRegion = /^arn:[^:]+:rds:([^:]+):/.exec(text)?.[1];
  return arnRegion === undefined || arnRegion === resource.region;
}
