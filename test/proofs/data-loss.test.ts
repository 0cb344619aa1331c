import { readFileSync } from 'fs';
import { join } from 'path';
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

  test(`THEN every stateful resource of the examples is in the baseline (${UPDATE})`, () => {
    const now = dataLossBaseline(cloudFormation, terraform);
    const missing = [
      ...Object.entries(now.cloudFormation).flatMap(([stack, resources]) => Object.keys(resources)
        .filter((id) => BASELINE.cloudFormation[stack]?.[id] === undefined).map((id) => `${stack}/${id} (${resources[id].Type})`)),
      ...Object.entries(now.terraform).flatMap(([stack, addresses]) => Object.keys(addresses)
        .filter((address) => BASELINE.terraform[stack]?.[address] === undefined).map((address) => `${stack}/${address}`)),
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
    expect(problems[0]).toEqual('Tier3-us-east-1/DatabaseCluster5B53A178 (AWS::RDS::DBCluster): WILL_REPLACE, because of DatabaseName (WILL_REPLACE)');
    // Its member instances name the cluster by Ref: a new cluster means new instances.
    expect(problems).toContain('Tier3-us-east-1/DatabaseClusterWriterD43085C6 (AWS::RDS::DBInstance): WILL_REPLACE, because of DBClusterIdentifier (WILL_REPLACE)');
    expect(problems.slice(1).every((p) => /^Tier3-us-east-1\/DatabaseCluster\w+ \(AWS::RDS::DBInstance\): WILL_REPLACE, because of DBClusterIdentifier/.test(p))).toBe(true);
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
    const bucket = Object.keys(BASELINE.cloudFormation['Tier3-us-east-1']).find((id) => id.startsWith('FleetAccessLogs'))!;
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
