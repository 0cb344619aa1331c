/** Jest with @swc/jest: transpile only; `tsc --noEmit` does the type checking in `npm test`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  testTimeout: 120000,
  // Jest's default on a 2-core machine is one worker; synthesis is CPU-bound and each worker has memory to spare.
  maxWorkers: 2,
  // A worker that ran a big suite (a property proof, the examples) keeps a heap of several hundred
  // MB, and every later suite in it pays for that in garbage collection: restarting such a worker
  // took the suite from 222 s to 142 s of wall time on 2 cores (measured 2026-11-27).
  workerIdleMemoryLimit: '700MB',
  // A passing suite that printed nothing gets no `PASS <file>` line (about 100 of them); failures,
  // anything a test printed and the closing `Tests: N passed, N total` are reported as by default.
  reporters: ['<rootDir>/test/quiet-reporter.js', 'summary'],
};
