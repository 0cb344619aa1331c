/**
 * Jest's default reporter without the line of a suite that had nothing to say: no `PASS <file>`
 * for a test file whose tests all passed and that printed nothing. A failing suite, one whose
 * tests printed anything (console output is shown in full, with its header), a snapshot to
 * write or remove, a retry: each is reported exactly as jest's default reporter reports it. The
 * closing `Tests: N passed, N total` summary comes from jest's summary reporter (jest.config.js).
 *
 * With `--verbose`, or when a run has a single test file (jest turns verbose on then), it is
 * jest's verbose reporter, listing every test.
 */
const { DefaultReporter, VerboseReporter } = require('@jest/reporters');

/** True when jest's default reporter would print only the `PASS <file>` line for this result. */
function nothingToSay(result) {
  const { snapshot } = result;
  return result.numFailingTests === 0
    && !result.testExecError
    && !result.failureMessage
    && !(result.console && result.console.length > 0)
    && !result.testResults.some((test) => test.retryReasons && test.retryReasons.length > 0)
    && snapshot.added === 0 && snapshot.updated === 0 && snapshot.unchecked === 0
    && !snapshot.fileDeleted;
}

class QuietReporter extends DefaultReporter {
  onTestResult(test, result, aggregatedResults) {
    if (!result.skipped && nothingToSay(result)) {
      this.testFinished(test.context.config, result, aggregatedResults);
      this.forceFlushBufferedOutput();
      return;
    }
    super.onTestResult(test, result, aggregatedResults);
  }
}

/** Jest calls `new` on the export: a function that returns an object gives jest that object. */
function reporter(globalConfig) {
  return globalConfig.verbose ? new VerboseReporter(globalConfig) : new QuietReporter(globalConfig);
}

module.exports = reporter;
