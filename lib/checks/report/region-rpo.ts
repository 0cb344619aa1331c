import { ResourceGraph } from '../graph/graph';
import { planRules, scheduleIntervalHours } from '../graph/backup';
import { GraphResource } from '../graph/model';
import { uncopiedServingWrites } from '../graph/serving-writes';
import { tierOfRecord } from '../graph/tier';
import { isPrimaryStore, regionReplication } from '../graph/stores';
import { ServiceStack } from '../services';
import { addMax, figure, Figure, serviceAnchor } from './figure';

/**
 * The region RPO of a service across its stacks: the slowest cross-region copy of any primary store
 * (a replication's bound: a published one, or what the template enforces, such as an Aurora global
 * database's `rds.global_db_rpo`; else a backup copied to another region), unproven for a copy with
 * only a typical lag, unbounded for a store with no copy outside its region.
 */
export function regionRpoFigure(graph: ResourceGraph, stacks: readonly ServiceStack[]): Figure {
  const resources = stacks.flatMap((s) => s.resources);
  const rpo = figure();
  const anchor = serviceAnchor(stacks);
  const stores = resources.filter((r) => isPrimaryStore(graph, r));
  const plans = resources.filter((r) => r.type === 'AWS::Backup::BackupPlan' || r.type === 'aws_backup_plan');
  for (const store of stores) {
    const replication = regionReplication(graph, store);
    // A typical lag is not a bound: it proves no RPO, so the step has no value.
    const copy = replication?.typical ? { ...replication, seconds: undefined } : replication;
    const ownObjective = store.ha?.dataRpoSeconds;
    if (copy && ownObjective !== undefined && copy.seconds !== undefined && copy.seconds <= ownObjective) {
      // The owner stated a looser objective for this data set; it meets it, so it does not bound the service's RPO.
      rpo.steps.push({
        quantity: 'regionRpo',
        stack: copy.stack,
        resource: copy.resource,
        value: copy.seconds,
        basis: `${copy.basis}; held to its own data-set objective of ${ownObjective} s (met), not to the tier's`,
        figures: copy.figures,
      });
      // Nothing the tier's objective applies to is lost from this store: it bounds the service's RPO at 0.
      rpo.value = Math.max(rpo.value ?? 0, 0);
      continue;
    }
    if (copy) {
      addMax(rpo, {
        quantity: 'regionRpo',
        stack: copy.stack,
        resource: copy.resource,
        value: copy.seconds,
        basis: copy.basis,
        figures: copy.figures,
      });
      continue;
    }
    const backup = backupCopyHours(graph, plans, store);
    if (backup !== undefined) {
      addMax(rpo, {
        quantity: 'regionRpo',
        stack: store.stack,
        resource: store.address,
        value: backup * 3600,
        basis: `backup every ${backup} h copied to another region (the copy's duration is not modelled)`,
        figures: [],
      });
      continue;
    }
    rpo.unbounded = true;
    rpo.steps.push({
      quantity: 'regionRpo',
      stack: store.stack,
      resource: store.address,
      basis: 'no copy outside its region: all its data is lost with the region',
      figures: [],
    });
  }
  // Every region of an active/active service writes all the time: a write no copy carries is lost with its region.
  const keys = new Set(resources.map((r) => r.key));
  const activeActive = stacks.some((s) => tierOfRecord(s.record).allRegionsServe);
  for (const { role, region, store } of activeActive ? uncopiedServingWrites(graph, (r) => keys.has(r.key)) : []) {
    rpo.unbounded = true;
    rpo.steps.push({
      quantity: 'regionRpo',
      stack: store.stack,
      resource: store.address,
      basis: `${role.stack}/${role.address} writes it while ${region} serves, and it copies nothing to another region`,
      figures: [],
    });
  }
  if (stores.length === 0 && !rpo.unbounded) {
    rpo.value = 0;
    rpo.steps.push({ quantity: 'regionRpo', ...anchor, value: 0, basis: 'no data stores in the service', figures: [] });
  }
  return rpo;
}

/** Hours between backups of a store that a plan of the service copies to another region. */
function backupCopyHours(
  graph: ResourceGraph,
  plans: readonly GraphResource[],
  store: GraphResource,
): number | undefined {
  const hours: number[] = [];
  for (const plan of plans) {
    const selections = graph.referrersOf(plan, 'AWS::Backup::BackupSelection', 'aws_backup_selection');
    const covers =
      selections.length === 0 ||
      selections.some(
        (s) =>
          JSON.stringify(s.properties).includes(store.address) ||
          JSON.stringify(s.properties).includes('ListOfTags') ||
          JSON.stringify(s.properties).includes('selection_tag'),
      );
    if (!covers) {
      continue;
    }
    for (const rule of planRules(plan)) {
      const interval = rule.schedule ? scheduleIntervalHours(rule.schedule) : undefined;
      if (interval !== undefined && rule.copies.some((region) => region !== plan.region)) {
        hours.push(interval);
      }
    }
  }
  return hours.length > 0 ? Math.min(...hours) : undefined;
}
