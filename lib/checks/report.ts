import { ResourceGraph } from './graph/graph';
import { tierOfRecord } from './graph/tier';
import type { ObjectiveStatus, Quantity, ServiceReport } from './model';
import { availabilityFigure } from './report/availability';
import { azRpoFigure, azRtoFigure } from './report/az';
import { Figure, statusOf, regionsOf, valueOf } from './report/figure';
import { regionRpoFigure } from './report/region-rpo';
import { regionRtoFigure } from './report/region-rto';
import { ServiceIndex, ServiceStack } from './services';

// The report's types live in lib/checks/model.ts, shared with the rules and the printers.
export type { AcknowledgedFinding, DerivationStep, HaReport, ObjectiveStatus, Quantity, ServiceReport } from './model';

/**
 * Computes the report of every service in every stack: AZ RTO/RPO from the failovers in that
 * stack (lib/checks/report/az.ts), region RTO (region-rto.ts, failover-path.ts) and RPO
 * (region-rpo.ts) and availability (availability.ts) across all the service's stacks.
 */
export function serviceReports(graph: ResourceGraph, index: ServiceIndex): ServiceReport[] {
  const byService = new Map<string, { regionRto: Figure; regionRpo: Figure; availability: Figure; notes: string[] }>();
  for (const service of index.services()) {
    const stacks = index.stacksOf(service);
    byService.set(service, {
      regionRto: regionRtoFigure(graph, stacks),
      regionRpo: regionRpoFigure(graph, stacks),
      availability: availabilityFigure(graph, stacks),
      notes: serviceNotes(stacks),
    });
  }
  return index.serviceStacks.map((stack) => {
    const tier = tierOfRecord(stack.record);
    const objectives = tier.toObjectives();
    const shared = byService.get(stack.service)!;
    const azRto = azRtoFigure(graph, stack);
    const azRpo = azRpoFigure(graph, stack);
    const status: Record<Quantity, ObjectiveStatus> = {
      azRto: statusOf(azRto, objectives.azRtoSeconds, 'max'),
      azRpo: statusOf(azRpo, objectives.azRpoSeconds, 'max'),
      regionRto: statusOf(shared.regionRto, objectives.regionRtoSeconds, 'max'),
      regionRpo: statusOf(shared.regionRpo, objectives.regionRpoSeconds, 'max'),
      availability: statusOf(shared.availability, objectives.availabilityTarget, 'min'),
    };
    return {
      stack: stack.stack,
      service: stack.service,
      tier: tier.name,
      strategy: tier.strategy,
      region: stack.region,
      regions: regionsOf(index.stacksOf(stack.service)),
      azRtoSeconds: valueOf(azRto),
      azRpoSeconds: valueOf(azRpo),
      regionRtoSeconds: valueOf(shared.regionRto),
      regionRpoSeconds: valueOf(shared.regionRpo),
      availability: valueOf(shared.availability),
      objectives,
      status,
      objectivesMet: Object.values(status).every((s) => s === 'met'),
      derivation: [...azRto.steps, ...azRpo.steps, ...shared.regionRto.steps, ...shared.regionRpo.steps, ...shared.availability.steps],
      notes: shared.notes,
    };
  });
}

function serviceNotes(stacks: readonly ServiceStack[]): string[] {
  const notes = [
    'Availability composes published SLAs, which are floors the providers pay credits below, under an assumption of independent failures; buckets and secrets are assumed off the request path.',
  ];
  if (stacks.some((s) => s.record.source !== 'metadata')) {
    notes.push('Some resources carry only ha:* tags or ha-* labels: their tier is read by name, so only built-in tiers are recognised.');
  }
  if (stacks.some((s) => s.region === undefined)) {
    notes.push('Some stacks are environment-agnostic: their region is not known at synthesis.');
  }
  return notes;
}
