import { healthCheckPathProblem } from '../../lib/core';

describe('healthCheckPathProblem', () => {
  test.each(['/', '/health', '/v1/status', '/health?deep=1', '/ready%20now', '/a/b/c.json'])('accepts %p', (path) => {
    expect(healthCheckPathProblem('healthCheckPath', path)).toBeUndefined();
  });

  test.each<[unknown, string]>([
    ['health', 'healthCheckPath must start with \'/\' and contain no whitespace, got: "health"'],
    ['', 'healthCheckPath must start with \'/\' and contain no whitespace, got: ""'],
    [' /health', 'healthCheckPath must start with \'/\' and contain no whitespace, got: " /health"'],
    ['/health check', 'healthCheckPath must start with \'/\' and contain no whitespace, got: "/health check"'],
    ['/health\n', 'healthCheckPath must start with \'/\' and contain no whitespace, got: "/health\\n"'],
    ['/health\t', 'healthCheckPath must start with \'/\' and contain no whitespace, got: "/health\\t"'],
    ['/health\u00a0', 'healthCheckPath must start with \'/\' and contain no whitespace, got: "/health\u00a0"'],
    [
      'https://example.com/health',
      'healthCheckPath must start with \'/\' and contain no whitespace, got: "https://example.com/health"',
    ],
    [42, "healthCheckPath must start with '/' and contain no whitespace, got: 42"],
  ])('refuses %p', (path, message) => {
    expect(healthCheckPathProblem('healthCheckPath', path as string)).toBe(message);
  });

  test('names the prop it is given', () => {
    expect(healthCheckPathProblem('endpoints[0].path', 'x')).toBe(
      'endpoints[0].path must start with \'/\' and contain no whitespace, got: "x"',
    );
  });
});
