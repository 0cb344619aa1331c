/**
 * The scripts a synthetic probe runs (CloudWatch Synthetics Node.js runtime, `index.handler`), the
 * same on every engine. They read `PROBE_URL`, `PROBE_METHOD` and `PROBE_TIMEOUT_MS` from the
 * environment and never record request or response headers and bodies.
 */

/**
 * Heartbeat: one page load in the runtime's browser. The Synthetics library records the step,
 * its screenshot and HAR file, and the SuccessPercent metric; a thrown error fails the run.
 */
export const HEARTBEAT_PROBE_SCRIPT = `
const synthetics = require('Synthetics');

exports.handler = async () => {
  const url = process.env.PROBE_URL;
  const timeout = Number(process.env.PROBE_TIMEOUT_MS);
  synthetics.getConfiguration().setConfig({ includeRequestHeaders: false, includeResponseHeaders: false, includeRequestBody: false, includeResponseBody: false });
  const page = await synthetics.getPage();
  await synthetics.executeStep('heartbeat', async () => {
    const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
    if (!response) {
      throw new Error('no response from ' + url);
    }
    const status = response.status();
    if (status < 200 || status > 299) {
      throw new Error(url + ' answered ' + status + ' ' + response.statusText());
    }
  });
};
`;

/** API: one HTTPS request through the Synthetics HTTP step; a status outside 2xx fails the run. */
export const API_PROBE_SCRIPT = `
const synthetics = require('Synthetics');

exports.handler = async () => {
  const url = new URL(process.env.PROBE_URL);
  synthetics.getConfiguration().setConfig({ includeRequestHeaders: false, includeResponseHeaders: false, includeRequestBody: false, includeResponseBody: false });
  const request = {
    hostname: url.hostname,
    port: url.port || 443,
    protocol: 'https:',
    path: url.pathname + url.search,
    method: process.env.PROBE_METHOD,
    timeout: Number(process.env.PROBE_TIMEOUT_MS),
    headers: { 'User-Agent': synthetics.getCanaryUserAgentString() },
  };
  await synthetics.executeHttpStep('api', request, (response) => new Promise((resolve, reject) => {
    if (response.statusCode < 200 || response.statusCode > 299) {
      reject(new Error(request.method + ' ' + url.href + ' answered ' + response.statusCode));
      return;
    }
    response.on('end', resolve);
    response.on('error', reject);
    response.resume();
  }));
};
`;
