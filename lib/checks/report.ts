import { ResourceGraph } from './graph/graph';
import { tierOfRecord } from './graph/tier';
import type { DerivationStep, HaReport, ObjectiveStatus, Quantity, SecondsQuantity, ServiceReport } from './model';
import { availabilityFigure } from './report/availability';
import { azRpoFigure, azRtoFigure } from './report/az';
import { managedRpoCoupling } from './report/managed-rpo-coupling';
import { Figure, regionsOf, statusOf, valueOf } from './report/figure';
import { regionRpoFigure } from './report/region-rpo';
import { regionRtoFigure } from './report/region-rto';
import { isServingStack, ServiceIndex, ServiceStack } from './services';

// The report's types live in lib/checks/model.ts, shared with the rules and the printers.
export type {
  AcknowledgedFinding,
  DerivationStep,
  HaReport,
  ObjectiveStatus,
  Quantity,
  SecondsQuantity,
  ServiceReport,
  StepMeasurement,
} from './model';

/** Options of {@link resilienceReport}. */
export interface ReportOptions {
  /**
   * The date drill measurements are judged on: fresh while no older than the tier's drill interval.
   * @default - now
   */
  readonly today?: Date;
}

/** The figures of a service computed across all its stacks. */
interface ServiceFigures {
  readonly regionRto: Figure;
  readonly regionRpo: Figure;
  readonly availability: Figure;
  readonly notes: string[];
}

/**
 * The resilience report of every service, one per service across all its stacks (`services`), and
 * of every service in each of its stacks (`perStack`). Each figure has its own module under
 * lib/checks/report/: the AZ RTO and RPO (az.ts: the worst over the stacks given), the region RTO
 * (region-rto.ts, with the failover path of failover-path.ts), the region RPO (region-rpo.ts) and the
 * availability (availability.ts), the last three always across all the service's stacks.
 */
export function resilienceReport(
  graph: ResourceGraph,
  index: ServiceIndex,
  options: ReportOptions = {},
): Pick<HaReport, 'services' | 'perStack'> {
  const shared = new Map<string, ServiceFigures>();
  for (const service of index.services()) {
    const stacks = index.stacksOf(service);
    shared.set(service, {
      regionRto: regionRtoFigure(graph, stacks, options.today),
      regionRpo: regionRpoFigure(graph, stacks),
      availability: coupled(availabilityFigure(graph, stacks), managedRpoCoupling(graph, stacks)),
      notes: serviceNotes(stacks),
    });
  }
  const services = index.services().map((service) => {
    const stacks = mainFirst(index.stacksOf(service));
    return assemble(graph, stacks[0], stacks, shared.get(service)!, stacks, options.today);
  });
  const perStack = index.serviceStacks.map((stack) =>
    assemble(
      graph,
      stack,
      [stack],
      shared.get(stack.service)!,
      mainFirst(index.stacksOf(stack.service)),
      options.today,
    ),
  );
  return { services, perStack };
}

/** The availability with what a managed RPO puts in series with the writes: unproven when anything. */
function coupled(availability: Figure, coupling: readonly DerivationStep[]): Figure {
  if (coupling.length === 0) {
    return availability;
  }
  availability.steps.splice(availability.steps.length - 1, 0, ...coupling);
  availability.unproven = true;
  return availability;
}

/**
 * The report of every service in every stack (`HaReport.perStack`): the AZ figures of that stack, the
 * region figures and availability of the service. One per service across its stacks: {@link resilienceReport}.
 */
export function serviceReports(graph: ResourceGraph, index: ServiceIndex): ServiceReport[] {
  return [...resilienceReport(graph, index).perStack!];
}

/**
 * A report on `main`'s service: its AZ figures over `zonal` (all its stacks, or `main` alone), its
 * region figures and availability from `shared`; `all` lists every stack of the service, main first.
 */
function assemble(
  graph: ResourceGraph,
  main: ServiceStack,
  zonal: readonly ServiceStack[],
  shared: ServiceFigures,
  all: readonly ServiceStack[] = zonal,
  today?: Date,
): ServiceReport {
  const tier = tierOfRecord(main.record);
  const objectives = tier.toObjectives();
  const figures: Record<Quantity, Figure> = {
    azRto: azRtoFigure(graph, zonal, today),
    azRpo: azRpoFigure(graph, zonal),
    regionRto: shared.regionRto,
    regionRpo: shared.regionRpo,
    availability: shared.availability,
  };
  const status: Record<Quantity, ObjectiveStatus> = {
    azRto: statusOf(figures.azRto, objectives.azRtoSeconds, 'max'),
    azRpo: statusOf(figures.azRpo, objectives.azRpoSeconds, 'max'),
    regionRto: statusOf(figures.regionRto, objectives.regionRtoSeconds, 'max'),
    regionRpo: statusOf(figures.regionRpo, objectives.regionRpoSeconds, 'max'),
    availability: statusOf(figures.availability, objectives.availabilityTarget, 'min'),
  };
  const statuses = Object.values(status);
  const lowerBound = (q: SecondsQuantity) =>
    figures[q].unbounded || figures[q].value === undefined ? null : figures[q].value;
  return {
    stack: main.stack,
    stacks: all.map((s) => s.stack),
    service: main.service,
    tier: tier.name,
    strategy: tier.strategy,
    region: main.region,
    regions: regionsOf(all),
    azRtoSeconds: valueOf(figures.azRto),
    azRpoSeconds: valueOf(figures.azRpo),
    regionRtoSeconds: valueOf(figures.regionRto),
    regionRpoSeconds: valueOf(figures.regionRpo),
    availability: valueOf(figures.availability),
    lowerBounds: {
      azRto: lowerBound('azRto'),
      azRpo: lowerBound('azRpo'),
      regionRto: lowerBound('regionRto'),
      regionRpo: lowerBound('regionRpo'),
    },
    objectives,
    status,
    objectivesMet: statuses.every((s) => s === 'met'),
    overall: statuses.includes('not-met') ? 'not-met' : statuses.includes('unproven') ? 'unproven' : 'met',
    derivation: [
      ...figures.azRto.steps,
      ...figures.azRpo.steps,
      ...figures.regionRto.steps,
      ...figures.regionRpo.steps,
      ...figures.availability.steps,
    ],
    notes: shared.notes,
  };
}

/**
 * A service's stacks, its main stack first: the first that serves requests in the primary role (an
 * entry point or compute), else the first holding a primary record, else the first.
 */
function mainFirst(stacks: readonly ServiceStack[]): ServiceStack[] {
  const main = stacks.find(isServingStack) ?? stacks.find((s) => s.record.role === 'primary') ?? stacks[0];
  return [main, ...stacks.filter((s) => s !== main)];
}

function serviceNotes(stacks: readonly ServiceStack[]): string[] {
  const notes = [
    'Availability composes published SLAs, which are floors the providers pay credits below, under an assumption of independent failures; buckets and secrets are assumed off the request path.',
  ];
  if (stacks.some((s) => s.record.source !== 'metadata')) {
    notes.push(
      'Some resources carry only ha:* tags or ha-* labels: their tier is read by name, so only built-in tiers are recognised.',
    );
  }
  if (stacks.some((s) => s.region === undefined)) {
    notes.push('Some stacks are environment-agnostic: their region is not known at synthesis.');
  }
  return notes;
}
