import {
  checkerRegionsProblem,
  ROUTE53_HEALTH_CHECKER_REGIONS,
  ROUTE53_MIN_HEALTH_CHECKER_REGIONS,
} from '../../lib/core/route53-checkers';

describe('checkerRegionsProblem', () => {
  test('accepts every checker region and any 3 distinct ones', () => {
    expect(checkerRegionsProblem('checkerRegions', ROUTE53_HEALTH_CHECKER_REGIONS)).toBeUndefined();
    expect(
      checkerRegionsProblem(
        'checkerRegions',
        ROUTE53_HEALTH_CHECKER_REGIONS.slice(0, ROUTE53_MIN_HEALTH_CHECKER_REGIONS),
      ),
    ).toBeUndefined();
  });

  test.each<[string[], string]>([
    [['us-east-1', 'eu-west-1'], 'checkerRegions must list at least 3 distinct regions, got: us-east-1, eu-west-1'],
    [['us-east-1', 'eu-west-1', 'eu-west-1'], 'checkerRegions must not repeat a region, got: eu-west-1 more than once'],
    [
      ['us-east-1', 'us-west-2', 'eu-west-1', 'us-west-2'],
      'checkerRegions must not repeat a region, got: us-west-2 more than once',
    ],
    [
      ['us-east-1', 'eu-west-1', 'eu-central-1'],
      'checkerRegions must be Route 53 health-checker regions (us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1), got: eu-central-1',
    ],
    [[], 'checkerRegions must list at least 3 distinct regions, got: none'],
  ])('%p is refused', (regions, message) => {
    expect(checkerRegionsProblem('checkerRegions', regions)).toBe(message);
  });
});
