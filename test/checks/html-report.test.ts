import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Browser, chromium } from 'playwright-core';
import { addAllExamples } from '../../examples';
import { checkPath } from '../../lib/checks/check';
import { main } from '../../lib/checks/cli';
import { FAILURE_DOMAINS } from '../../lib/checks/report/diagrams';
import { cdkJsonApp } from '../util';

/*
 * The examples' `ha-report --html` page as a person sees it: opened from disk in headless Chromium
 * (Debian's `chromium`, or CHROMIUM_PATH), every diagram rendered by the inlined Mermaid, nothing
 * fetched. A screenshot is kept in test-artifacts/ (gitignored). Without Chromium the test fails in
 * CI, which installs it (.ci/run), and is skipped elsewhere with the reason printed.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
const present = fs.existsSync(CHROMIUM);
const missing = `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`;
if (!present && !process.env.CI) {
  process.stderr.write(`test/checks/html-report.test.ts skipped: ${missing}\n`);
}
const browserTest = present || process.env.CI ? test : test.skip;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-html-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the HTML page of the AWS examples in a browser', () => {
  browserTest(
    "THEN every service's topology and timelines render without a Mermaid error, offline, unknown steps shown",
    async () => {
      if (!present) {
        throw new Error(`CI must run the browser test: ${missing}`);
      }
      const outdir = path.join(work, 'cdk.out');
      const app = cdkJsonApp({ outdir });
      // No rule runs at synthesis: the page is written whatever the findings (exit 1 on errors, 2 never).
      addAllExamples(app, { printReport: false, rules: [] });
      app.synth();
      const file = path.join(work, 'report.html');
      expect(main([outdir, '--html', file], { stdout: () => {}, stderr: () => {}, isTty: false })).toBeLessThan(2);
      const services = checkPath(outdir).services;
      expect(services.length).toBe(6);

      let browser: Browser | undefined;
      try {
        browser = await chromium.launch({ executablePath: CHROMIUM });
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        const requests: string[] = [];
        page.on('request', (request) => requests.push(request.url()));
        const pageErrors: string[] = [];
        page.on('pageerror', (error) => pageErrors.push(error.message));
        await page.goto(`file://${file}`);
        await page.waitForSelector('body[data-diagrams="rendered"]', { timeout: 30_000 });

        expect(await page.locator('.diagram-error').allTextContents()).toEqual([]);
        expect(pageErrors).toEqual([]);
        expect(await page.locator('body').getAttribute('data-failed')).toBe('0');
        expect(await page.locator('figure.diagram div.rendered svg').count()).toBe(
          services.length * (1 + FAILURE_DOMAINS.length),
        );
        const text = await page.locator('body').innerText();
        expect(text.match(/Syntax error|Parse error|could not draw/g)).toBeNull();
        // Nothing but the page itself was loaded: the bundle is inlined and the policy forbids fetches.
        expect(requests).toEqual([`file://${file}`]);
        // The pilot light's writer creation, promotion and scale-up are unknown: red (crit) bars that say so.
        const catalog = page
          .locator('figure[data-kind="timeline"][data-domain="region"]')
          .filter({ has: page.locator('figcaption', { hasText: /^catalog: / }) });
        expect(await catalog.locator('figcaption').textContent()).toBe('catalog: loss of a region, recovery timeline');
        expect(await catalog.locator('svg rect[class*="crit"]').count()).toBe(3);
        expect(await catalog.locator('svg text', { hasText: 'unknown (drawn 6 min wide' }).count()).toBe(3);

        fs.mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: path.join(ARTIFACTS, 'html-report.png'), fullPage: true });
      } finally {
        await browser?.close();
      }
    },
    90_000,
  );
});
