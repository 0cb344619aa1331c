import { readFileSync } from 'fs';
import { join } from 'path';
// The spec database behind `cdk diff`: which property changes replace a resource, per type.
import { loadResourceModel } from '@aws-cdk/cloudformation-diff/lib/diff/util';
import { REPLACING_PROPERTIES } from '../../scripts/update-data-loss-baseline';
import { dataLossBaseline, DataLossBaseline, dataLossProblems } from './data-loss';
import { SynthesizedFiles, synthAwsExamples, synthTfExamples, TF_EXAMPLES, tfExampleFunctionsOfBin } from './examples';

/**
 * The data-loss guard: no change may replace, destroy or orphan a stateful resource of an example
 * (a user's deployed copy would lose its data the same way). The baseline is
 * test/proofs/baseline/data-loss.json; regenerating it is deliberate: `npm run baseline:update`.
 */
const BASELINE: DataLossBaseline = JSON.parse(readFileSync(join(__dirname, 'baseline', 'data-loss.json'), 'utf8'));
const UPDATE = 'if this is deliberate, run `npm run baseline:update` and commit the baseline with a changelog entry';

let cloudFormation: SynthesizedFiles;
let terraform: SynthesizedFiles;

beforeAll(() => {
  cloudFormation = synthAwsExamples();
  terraform = synthTfExamples();
});

// The edits below reach deep into templates of any shape: typing each path would only restate it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** A synthesized file, edited as JSON. */
function edited(files: SynthesizedFiles, stack: string, edit: (json: Json) => void): SynthesizedFiles {
  const json = JSON.parse(files[stack]);
  edit(json);
  return { ...files, [stack]: JSON.stringify(json) };
}

describe('GIVEN the committed baseline of stateful resources', () => {
  test('THEN it covers every example of both apps, with stateful resources in each', () => {
    expect(Object.keys(TF_EXAMPLES).sort()).toEqual(tfExampleFunctionsOfBin());
    expect(Object.keys(BASELINE.cloudFormation).length).toBeGreaterThanOrEqual(4);
    expect(Object.keys(BASELINE.terraform).sort()).toEqual(Object.keys(terraform).sort());
  });

  test('THEN no stateful resource of the examples would be replaced, destroyed or orphaned', () => {
    expect(dataLossProblems(BASELINE, cloudFormation, terraform)).toEqual([]);
  });

  test('THEN it keeps of each resource its type, policies and replacing properties only, and has a table entry for every stateful type', () => {
    const resources = Object.values(BASELINE.cloudFormation).flatMap((stack) => Object.values(stack));
    const types = [...new Set(resources.map((r) => r.Type))].sort();
    expect(types.filter((type) => REPLACING_PROPERTIES[type] === undefined)).toEqual([]);
    const untracked = resources.flatMap((r) =>
      Object.keys(r.Properties ?? {})
        .filter((name) => !REPLACING_PROPERTIES[r.Type].includes(name))
        .map((name) => `${r.Type}.${name}`),
    );
    expect(untracked).toEqual([]);
  });

  test('THEN the table lists every property the diff engine rates as replacing (its copy of the CloudFormation reference)', () => {
    const missing = Object.entries(REPLACING_PROPERTIES).flatMap(([type, listed]) => {
      const model = loadResourceModel(type);
      expect(model).toBeDefined();
      return Object.entries(model!.properties)
        .filter(
          ([name, property]) => ['yes', 'maybe'].includes(property.causesReplacement ?? 'no') && !listed.includes(name),
        )
        .map(([name, property]) => `${type}.${name} (${property.causesReplacement})`);
    });
    expect(missing).toEqual([]);
  });

  test(`THEN every stateful resource of the examples is in the baseline (${UPDATE})`, () => {
    const now = dataLossBaseline(cloudFormation, terraform);
    const missing = [
      ...Object.entries(now.cloudFormation).flatMap(([stack, resources]) =>
        Object.keys(resources)
          .filter((id) => BASELINE.cloudFormation[stack]?.[id] === undefined)
          .map((id) => `${stack}/${id} (${resources[id].Type})`),
      ),
      ...Object.entries(now.terraform).flatMap(([stack, addresses]) =>
        Object.keys(addresses)
          .filter((address) => BASELINE.terraform[stack]?.[address] === undefined)
          .map((address) => `${stack}/${address}`),
      ),
    ];
    expect(missing).toEqual([]);
  });
});

describe('GIVEN a change that would lose data', () => {
  test('WHEN a property that forces replacement changes THEN the guard names the resource, the property, and what is replaced with it', () => {
    const changed = edited(cloudFormation, 'Tier3-us-east-1', (t) => {
      t.Resources.DatabaseCluster5B53A178.Properties.DatabaseName = 'renamed';
    });
    const problems = dataLossProblems(BASELINE, changed, terraform);
    expect(problems[0]).toEqual(
      'Tier3-us-east-1/DatabaseCluster5B53A178 (AWS::RDS::DBCluster): WILL_REPLACE, because of DatabaseName (WILL_REPLACE)',
    );
    // Its member instances name the cluster by Ref: a new cluster means new instances.
    expect(problems).toContain(
      'Tier3-us-east-1/DatabaseClusterWriterD43085C6 (AWS::RDS::DBInstance): WILL_REPLACE, because of DBClusterIdentifier (WILL_REPLACE)',
    );
    expect(
      problems
        .slice(1)
        .every((p) =>
          /^Tier3-us-east-1\/DatabaseCluster\w+ \(AWS::RDS::DBInstance\): WILL_REPLACE, because of DBClusterIdentifier/.test(
            p,
          ),
        ),
    ).toBe(true);
  });

  test('WHEN a property that does not force replacement changes THEN the guard lets it through', () => {
    const changed = edited(cloudFormation, 'Tier3-us-east-1', (t) => {
      t.Resources.DatabaseCluster5B53A178.Properties.BackupRetentionPeriod = 7;
    });
    expect(dataLossProblems(BASELINE, changed, terraform)).toEqual([]);
  });

  test('WHEN a KMS key property CloudFormation cannot change in place changes THEN the guard names it, though `cdk diff` rates it an update', () => {
    const key = Object.keys(BASELINE.cloudFormation['Tier3-us-east-1']).find(
      (id) => BASELINE.cloudFormation['Tier3-us-east-1'][id].Type === 'AWS::KMS::Key',
    )!;
    const changed = edited(cloudFormation, 'Tier3-us-east-1', (t) => {
      t.Resources[key].Properties.KeySpec = 'RSA_2048';
    });
    expect(dataLossProblems(BASELINE, changed, terraform)).toEqual([
      `Tier3-us-east-1/${key} (AWS::KMS::Key): KeySpec changed, which the CloudFormation reference says replaces it (or fails the update)`,
    ]);
  });

  test('WHEN a stateful resource loses its retention THEN the guard names the policy', () => {
    const changed = edited(cloudFormation, 'Tier3-us-east-1', (t) => {
      delete t.Resources.DatabaseCluster5B53A178.DeletionPolicy;
      t.Resources.DatabaseCluster5B53A178.UpdateReplacePolicy = 'Delete';
    });
    expect(dataLossProblems(BASELINE, changed, terraform)).toEqual([
      'Tier3-us-east-1/DatabaseCluster5B53A178 (AWS::RDS::DBCluster): loses its retention: DeletionPolicy Snapshot is now absent (Delete)',
      'Tier3-us-east-1/DatabaseCluster5B53A178 (AWS::RDS::DBCluster): loses its retention: UpdateReplacePolicy Snapshot is now Delete',
    ]);
  });

  test('WHEN a stateful logical id changes THEN the guard reports the old id as destroyed (a snapshot is not the live database)', () => {
    const changed = edited(cloudFormation, 'Tier1-us-east-1', (t) => {
      t.Resources.RenamedCluster = t.Resources.DatabasePrimaryCluster6BA0BFA6;
      delete t.Resources.DatabasePrimaryCluster6BA0BFA6;
    });
    expect(dataLossProblems(BASELINE, changed, terraform)).toEqual([
      'Tier1-us-east-1/DatabasePrimaryCluster6BA0BFA6 (AWS::RDS::DBCluster): WILL_DESTROY, because the logical id is gone',
    ]);
  });

  test('WHEN a retained resource leaves the template THEN the guard reports it orphaned (left behind, no longer managed)', () => {
    const bucket = Object.keys(BASELINE.cloudFormation['Tier3-us-east-1']).find((id) =>
      id.startsWith('FleetAccessLogs'),
    )!;
    const changed = edited(cloudFormation, 'Tier3-us-east-1', (t) => delete t.Resources[bucket]);
    expect(dataLossProblems(BASELINE, changed, terraform)).toEqual([
      `Tier3-us-east-1/${bucket} (AWS::S3::Bucket): WILL_ORPHAN, because the logical id is gone`,
    ]);
  });

  test('WHEN a Terraform address of a stateful resource changes THEN the guard fails, unless a moved block follows it', () => {
    const stack = 'tf-aws-tier1-warm-standby';
    const address = Object.keys(BASELINE.terraform[stack]).find((a) => a.startsWith('aws_rds_global_cluster.'))!;
    const [type, name] = address.split('.');
    const rename = (t: Json) => {
      t.resource[type].renamed = t.resource[type][name];
      delete t.resource[type][name];
    };
    const renamed = edited(terraform, stack, rename);
    const followed = edited(terraform, stack, (t) => {
      rename(t);
      t.moved = [...(t.moved ?? []), { from: address, to: `${type}.renamed` }];
    });

    expect(dataLossProblems(BASELINE, cloudFormation, renamed)).toEqual([
      `${stack}/${address} (${type}): gone without a moved block: terraform would destroy it`,
    ]);
    expect(dataLossProblems(BASELINE, cloudFormation, followed)).toEqual([]);
  });
});
