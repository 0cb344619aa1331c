import { execFileSync } from 'child_process';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { HaRole, IIncidentResponse, ResilientFleet, ResilientFleetProps, ServiceTier } from '../../lib';
import { expectValidationError, testApp } from '../util';

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const GROUP_ARN =
  'arn:aws:autoscaling:us-east-1:111111111111:autoScalingGroup:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0:' +
  'autoScalingGroupName/fleet';
/** The account's AZ ids for ZONES, as DescribeAvailabilityZones would map them. */
const ZONE_IDS: Record<string, string> = {
  'us-east-1a': 'use1-az4',
  'us-east-1b': 'use1-az6',
  'us-east-1c': 'use1-az1',
};

const incidents: IIncidentResponse = {
  responsePlanArn: 'arn:aws:ssm-incidents::111111111111:response-plan/orders',
  alarmAction: () => new actions.SsmIncidentAction('orders'),
};

function fleet(props: Partial<ResilientFleetProps> = {}) {
  const stack = new Stack(testApp(), 'Svc', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-1',
    availabilityZones: ZONES,
    publicSubnetIds: ZONES.map((_z, i) => `subnet-p${i}`),
    privateSubnetIds: ZONES.map((_z, i) => `subnet-q${i}`),
  });
  const construct = new ResilientFleet(stack, 'Fleet', {
    tier: ServiceTier.TIER_1,
    vpc,
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('m6g.large')],
    requiredCapacity: 6,
    maxCapacity: 12,
    ...props,
  });
  return { construct, template: Template.fromStack(stack) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('ResilientFleet automatic zonal shift (TIER_1, 6 instances needed over 3 AZs)', () => {
  const { construct, template } = fleet({ incidentResponse: incidents });
  const [runbookId, runbook] = Object.entries(template.findResources('AWS::SSM::Document')).find(([id]) =>
    id.startsWith('FleetZonalShiftRunbook'),
  )! as [string, Json];
  const content = runbook.Properties.Content;
  const step = (name: string) => content.mainSteps.find((s: Json) => s.name === name);

  test('the runbook takes one of the fleet AZs and renders the plan: 6 instances left, one shift, 180 minutes', () => {
    expect(construct.zonalShiftRunbook).toBeDefined();
    expect(content.parameters.AvailabilityZone.allowedValues).toEqual(ZONES);
    expect(content.mainSteps.map((s: Json) => s.name)).toEqual([
      'ShiftAwayIfSafe',
      'Notify',
      'FailIfGroupNotShifted',
      'NotifyFailure',
    ]);
    expect(step('ShiftAwayIfSafe')).toMatchObject({
      action: 'aws:executeScript',
      onFailure: 'step:NotifyFailure',
      nextStep: 'Notify',
      inputs: {
        Runtime: 'python3.11',
        InputPayload: {
          AvailabilityZone: '{{ AvailabilityZone }}',
          MinInstancesLeft: 6,
          MaxActiveShifts: 1,
          ExpiresIn: '180m',
          Unit: 'in-service instances',
          AutoScalingGroupName: { Ref: expect.stringMatching(/^FleetAutoScalingGroup/) },
        },
      },
    });
    expect(step('ShiftAwayIfSafe').inputs.InputPayload.LoadBalancerArn).toEqual({
      Ref: expect.stringMatching(/^FleetLoadBalancer/),
    });
    const topic = { Ref: expect.stringMatching(/^FleetAlarmTopic[0-9A-F]{8}$/) };
    for (const notify of ['Notify', 'NotifyFailure']) {
      expect(step(notify).action).toBe('aws:executeAwsApi');
      expect(step(notify).inputs).toMatchObject({ Service: 'sns', Api: 'Publish', TopicArn: topic });
    }
    expect(step('NotifyFailure').isEnd).toBe(true);
    expect(step('Notify').inputs).toMatchObject({
      Subject: '{{ ShiftAwayIfSafe.Subject }}',
      Message: '{{ ShiftAwayIfSafe.Message }}',
    });
    // After the notice, a load balancer shifted without its group fails the execution.
    expect(step('Notify').nextStep).toBe('FailIfGroupNotShifted');
    expect(step('FailIfGroupNotShifted')).toMatchObject({
      action: 'aws:executeScript',
      isEnd: true,
      inputs: { InputPayload: { GroupFailed: '{{ ShiftAwayIfSafe.GroupFailed }}' } },
    });
  });

  test.each(ZONES)('the Impaired alarm of %s starts the runbook with that AZ, on ALARM only', (zone) => {
    const id = `FleetZonalShift${zone.replace(/-/g, '')}`;
    const rules = Object.entries(template.findResources('AWS::Events::Rule')).filter(([key]) => key.startsWith(id));
    expect(rules).toHaveLength(1);
    const rule = rules[0][1].Properties;
    expect(rule.EventPattern).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      resources: [
        { 'Fn::GetAtt': [expect.stringMatching(`^FleetZonalDetection${zone.replace(/-/g, '')}Impaired`), 'Arn'] },
      ],
      detail: { state: { value: ['ALARM'] } },
    });
    expect(rule.Targets).toHaveLength(1);
    expect(JSON.parse(rule.Targets[0].Input)).toEqual({ AvailabilityZone: [zone] });
    expect(JSON.stringify(rule.Targets[0].Arn)).toContain(
      `:ssm:us-east-1:111111111111:automation-definition/",{"Ref":"${runbookId}"},":$DEFAULT"`,
    );
  });

  test('the group is registered with zonal shift and leaves a shifted AZ’s instances alone (TIER_1)', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      AvailabilityZoneImpairmentPolicy: { ZonalShiftEnabled: true, ImpairedZoneHealthCheckBehavior: 'IgnoreUnhealthy' },
    });
  });

  test('the runbook role calls ARC on this load balancer and group only, reads zones and groups, publishes', () => {
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).filter((p: Json) =>
      String(p.Properties.Description).includes('zonal shift runbook'),
    ) as Json[];
    expect(policies).toHaveLength(1);
    const statements = policies[0].Properties.PolicyDocument.Statement;
    const arc = statements.filter((s: Json) => JSON.stringify(s.Action).includes('arc-zonal-shift'));
    expect(arc).toEqual([
      {
        Sid: 'ShiftThisLoadBalancerAndGroup',
        Effect: 'Allow',
        Action: ['arc-zonal-shift:GetManagedResource', 'arc-zonal-shift:StartZonalShift'],
        Resource: '*',
        Condition: {
          StringLike: {
            'arc-zonal-shift:ResourceIdentifier': [
              { Ref: expect.stringMatching(/^FleetLoadBalancer/) },
              expect.anything(),
            ],
          },
        },
      },
    ]);
    // CloudFormation gives no group ARN: the group is matched by its name, whatever its id.
    expect(arc[0].Condition.StringLike['arc-zonal-shift:ResourceIdentifier'][1]).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':autoscaling:us-east-1:111111111111:autoScalingGroup:*:autoScalingGroupName/',
          { Ref: expect.stringMatching(/^FleetAutoScalingGroup/) },
        ],
      ],
    });
    const actionsOf = (sid: string) => statements.find((s: Json) => s.Sid === sid)?.Action;
    expect(actionsOf('ReadZonesAndInstances')).toEqual([
      'ec2:DescribeAvailabilityZones',
      'autoscaling:DescribeAutoScalingGroups',
    ]);
    expect(actionsOf('Notify')).toBe('sns:Publish');
    expect(actionsOf('NotifyEncrypted')).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    // Nothing that cancels, extends or reconfigures shifts, nor touches autoshift and its practice runs.
    expect(JSON.stringify(statements)).not.toMatch(/Cancel|Update|Practice|Autoshift/);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: 'ssm:StartAutomationExecution', Effect: 'Allow', Resource: Match.anyValue() },
          {
            Action: 'iam:PassRole',
            Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FleetZonalShiftRole'), 'Arn'] },
          },
        ],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^FleetZonalShiftTriggerRole') }],
    });
  });

  test('zonal autoshift and its practice runs stay on beside it', () => {
    template.hasResourceProperties('AWS::ARCZonalShift::ZonalAutoshiftConfiguration', {
      ZonalAutoshiftStatus: 'ENABLED',
      PracticeRunConfiguration: Match.objectLike({ OutcomeAlarms: Match.anyValue() }),
    });
  });

  test('with incidentResponse, each Impaired alarm also opens an incident', () => {
    const composites = Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm')) as Json[];
    expect(composites).toHaveLength(3);
    for (const composite of composites) {
      expect(JSON.stringify(composite.Properties.AlarmActions)).toContain('ssm-incidents');
    }
  });

  /** Runs the rendered script with a stand-in boto3 and returns its answer and the shifts it started. */
  /** The group as ARC knows it: registered (zonal shift enabled on it) unless told. */
  interface GroupWorld {
    readonly registered?: boolean;
    readonly shifts?: Json[];
    /** ARC's answer to the group's StartZonalShift, when it refuses. */
    readonly refuses?: string;
  }
  function run(world: {
    shifts?: Json[];
    autoshifts?: Json[];
    instances: Json[];
    zone?: string;
    race?: Json;
    group?: GroupWorld;
  }) {
    const script = step('ShiftAwayIfSafe').inputs.Script as string;
    const payload = {
      AvailabilityZone: world.zone ?? 'us-east-1b',
      LoadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/fleet/1',
      AutoScalingGroupName: 'fleet',
      ...Object.fromEntries(
        ['MinInstancesLeft', 'MaxActiveShifts', 'ExpiresIn', 'Unit'].map((k) => [
          k,
          step('ShiftAwayIfSafe').inputs.InputPayload[k],
        ]),
      ),
    };
    const out = execFileSync(
      'python3',
      [
        '-c',
        [
          'import json, sys, types',
          'fake = types.ModuleType("boto3")',
          `world = json.loads(${JSON.stringify(JSON.stringify({ group: {}, ...world, ids: ZONE_IDS }))})`,
          `GROUP_ARN = ${JSON.stringify(GROUP_ARN)}`,
          'started = []',
          'class Conflict(Exception):',
          '    pass',
          'class NotFound(Exception):',
          '    pass',
          'class Arc:',
          '    exceptions = types.SimpleNamespace(ConflictException=Conflict, ResourceNotFoundException=NotFound)',
          '    def get_managed_resource(self, resourceIdentifier):',
          '        if resourceIdentifier == GROUP_ARN:',
          '            if not world["group"].get("registered", True):',
          '                raise NotFound()',
          '            return {"zonalShifts": world["group"].get("shifts", []), "autoshifts": []}',
          '        assert resourceIdentifier.endswith("/app/fleet/1")',
          '        return {"zonalShifts": world.get("shifts", []), "autoshifts": world.get("autoshifts", [])}',
          '    def start_zonal_shift(self, **kwargs):',
          '        if world.get("race"):',
          '            world["shifts"] = [world["race"]]',
          '            raise Conflict()',
          '        if kwargs["resourceIdentifier"] == GROUP_ARN and world["group"].get("refuses"):',
          '            raise Conflict(world["group"]["refuses"])',
          '        started.append(kwargs)',
          '        return {"zonalShiftId": f"zs-{len(started)}", "expiryTime": "later"}',
          'class Ec2:',
          '    def describe_availability_zones(self, ZoneNames):',
          '        return {"AvailabilityZones": [{"ZoneName": n, "ZoneId": world["ids"][n]} for n in ZoneNames]}',
          'class AutoScaling:',
          '    def describe_auto_scaling_groups(self, AutoScalingGroupNames):',
          '        assert AutoScalingGroupNames == ["fleet"]',
          '        return {"AutoScalingGroups": [{"AutoScalingGroupName": "fleet", "AutoScalingGroupARN": GROUP_ARN,',
          '                                       "Instances": world["instances"]}]}',
          'fake.client = lambda name: {"arc-zonal-shift": Arc, "ec2": Ec2, "autoscaling": AutoScaling}[name]()',
          'sys.modules["boto3"] = fake',
          script,
          `result = handler(json.loads(${JSON.stringify(JSON.stringify(payload))}), None)`,
          'print(json.dumps({"result": result, "started": started}))',
        ].join('\n'),
      ],
      { encoding: 'utf8' },
    );
    return JSON.parse(out) as {
      result: { Shifted: boolean; GroupFailed: boolean; Subject: string; Message: string };
      started: Json[];
    };
  }
  const instance = (zone: string, health = 'Healthy', state = 'InService') => ({
    AvailabilityZone: zone,
    HealthStatus: health,
    LifecycleState: state,
  });
  const full = ZONES.flatMap((zone) => [instance(zone), instance(zone), instance(zone)]);

  test('the script (run with a stand-in boto3) shifts the load balancer, then the group, away from the AZ id', () => {
    const { result, started } = run({ instances: full });
    const shift = { awayFrom: 'use1-az6', expiresIn: '180m', comment: 'Impaired alarm of us-east-1b: automatic shift' };
    expect(started).toEqual([
      { resourceIdentifier: 'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/fleet/1', ...shift },
      { resourceIdentifier: GROUP_ARN, ...shift },
    ]);
    expect(result).toMatchObject({ Shifted: true, GroupFailed: false, Subject: 'Zonal shift runbook: us-east-1b' });
    expect(result.Message).toMatch(
      /^us-east-1b \(use1-az6\) is impaired on its own: zonal shift zs-1 .* 6 healthy in-service instances/,
    );
    expect(result.Message).toMatch(/ Zonal shift zs-2 moves the Auto Scaling group fleet away from it too: /);
    // A practice run yields to a customer-started shift.
    const practice = { zonalShiftId: 'pr-1', awayFrom: 'use1-az1', practiceRunOutcome: 'PENDING' };
    expect(run({ instances: full, shifts: [practice] }).started).toHaveLength(2);
  });

  test.each<[string, GroupWorld, RegExp]>([
    [
      'zonal shift is not enabled on the group (a Terraform fleet)',
      { registered: false },
      /ARC does not know it: zonal shift is not enabled on it .* Enable zonal shift on the group, then start a zonal/,
    ],
    [
      'ARC refuses the group',
      { refuses: 'throttled' },
      /ARC refused to shift it \(throttled\)\. .* Start a zonal shift/,
    ],
  ])('%s: the load balancer stays shifted; the notice and the execution say the group is not', (_name, group, why) => {
    const { result, started } = run({ instances: full, group });
    expect(started.map((s) => s.resourceIdentifier)).toEqual([
      'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/fleet/1',
    ]);
    expect(result).toMatchObject({
      Shifted: true,
      GroupFailed: true,
      Subject: 'Zonal shift runbook: us-east-1b: load balancer shifted, Auto Scaling group NOT shifted',
    });
    expect(result.Message).toMatch(why);
    expect(result.Message).toMatch(/But the Auto Scaling group fleet was NOT shifted: .* It still launches instances /);
    expect(result.Message).toMatch(/into us-east-1b, .* a zonal shift of the group away from use1-az6 by hand/);
  });

  test("a shift in effect on the group (a person's, away from another AZ): none started", () => {
    const { result, started } = run({
      instances: full,
      group: { shifts: [{ zonalShiftId: 'zs-g', awayFrom: 'use1-az4' }] },
    });
    expect(started).toEqual([]);
    expect(result).toMatchObject({ Shifted: false, GroupFailed: false });
    expect(result.Message).toMatch(/zonal shift zs-g away from use1-az4 is in effect/);
  });

  test.each<[string, { shifts?: Json[]; autoshifts?: Json[] }, RegExp]>([
    [
      'a customer-started shift',
      { shifts: [{ zonalShiftId: 'zs-0', awayFrom: 'use1-az4' }] },
      /zonal shift zs-0 away from use1-az4 is in effect/,
    ],
    [
      'an autoshift',
      { autoshifts: [{ awayFrom: 'use1-az1', appliedStatus: 'APPLIED' }] },
      /an autoshift away from use1-az1 is in effect/,
    ],
  ])('another shift in effect (%s): no shift, and the message says which', (_name, shifts, message) => {
    const { result, started } = run({ instances: full, ...shifts });
    expect(started).toEqual([]);
    expect(result).toEqual({
      Shifted: false,
      GroupFailed: false,
      Subject: 'Zonal shift runbook: us-east-1b',
      Message: expect.stringMatching(message),
    });
  });

  test('a shift already away from the impaired AZ (an earlier run, a flapping alarm): none started, said so', () => {
    const { result, started } = run({ instances: full, shifts: [{ zonalShiftId: 'zs-0', awayFrom: 'use1-az6' }] });
    expect(started).toEqual([]);
    expect(result.Message).toBe(
      'us-east-1b (use1-az6) is impaired on its own; zonal shift zs-0 already keeps traffic away from it.',
    );
  });

  test("two AZs alarm in one minute and the other's run shifts first: ARC refuses this one, and it says which is on", () => {
    const { result, started } = run({ instances: full, race: { zonalShiftId: 'zs-9', awayFrom: 'use1-az4' } });
    expect(started).toEqual([]);
    expect(result).toEqual({
      Shifted: false,
      GroupFailed: false,
      Subject: 'Zonal shift runbook: us-east-1b',
      Message:
        'us-east-1b (use1-az6) is impaired on its own, but ARC refused a second shift: zs-9 away from use1-az4 is ' +
        'in effect. Decide by hand whether to replace it.',
    });
  });

  test('the other AZs short of the 6 needed (one unhealthy, one launching): no shift', () => {
    const short = [
      ...['us-east-1a', 'us-east-1a', 'us-east-1a', 'us-east-1c', 'us-east-1c'].map((z) => instance(z)),
      instance('us-east-1c', 'Unhealthy'),
      instance('us-east-1a', 'Healthy', 'Pending'),
      // The impaired AZ's own instances do not count.
      ...[1, 2, 3].map(() => instance('us-east-1b')),
    ];
    const { result, started } = run({ instances: short });
    expect(started).toEqual([]);
    expect(result.Message).toMatch(/the other AZs run 5 healthy in-service instances, fewer than the 6/);
  });
});

describe('ResilientFleet automatic zonal shift: when there is none', () => {
  test('TIER_2, or automaticZonalShift false: no runbook, no rule (detection stays on TIER_1)', () => {
    for (const props of [{ tier: ServiceTier.TIER_2 }, { automaticZonalShift: false }]) {
      const { construct, template } = fleet(props);
      expect(construct.zonalShiftRunbook).toBeUndefined();
      template.resourceCountIs('AWS::Events::Rule', 0);
      expect(Object.keys(construct.zoneImpairedAlarms)).toHaveLength(props.tier ? 0 : 3);
      // A person may still shift the load balancer: the group goes with it. TIER_2 has no AZ's headroom, so
      // the group replaces unhealthy instances (in the other AZs) rather than wait.
      template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
        AvailabilityZoneImpairmentPolicy: {
          ZonalShiftEnabled: true,
          ImpairedZoneHealthCheckBehavior: props.tier ? 'ReplaceUnhealthy' : 'IgnoreUnhealthy',
        },
      });
    }
  });

  test('a STANDBY serves nothing: its group is not registered with zonal shift', () => {
    const { template } = fleet({ role: HaRole.STANDBY, standbyCapacity: 3 });
    const [group] = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup')) as Json[];
    expect(group.Properties.AvailabilityZoneImpairmentPolicy).toBeUndefined();
  });

  test('bad props are refused early, naming the prop and the value', () => {
    expectValidationError(
      () => fleet({ zonalShiftExpiry: Duration.seconds(90) }),
      "zonalShiftExpiry must be whole minutes from 1 minute to 72 hours (ARC's expiry), got: 90 seconds",
    );
    expectValidationError(
      () => fleet({ zonalDetection: false, automaticZonalShift: true }),
      'automaticZonalShift needs per-AZ impairment detection (zonalDetection, with AZs known at synthesis): its ' +
        'Impaired alarm is what starts the shift, got: no detection',
    );
  });
});
