// End-to-end test of /ui in headless Chromium: node ui_test.mjs BUILD_DIR [MODELS_DIR].
// Starts `ocrserve serve` on port 0, uploads a rendered page through the page's file input, checks
// the OCR boxes and the Markdown, then watches a worker go BUSY and be released on the workers
// page. Screenshots: BUILD_DIR/ui-convert.png, BUILD_DIR/ui-workers.png.
import {spawn, execFileSync} from 'node:child_process';
import {createRequire} from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', '..', 'package.json'));
const {chromium} = require('playwright-core');

const buildDir = path.resolve(process.argv[2] || 'build');
const modelsDir = process.argv[3];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ocrserve-ui-'));
let server = null, browser = null;

function fail(msg) { throw new Error(msg); }
function check(cond, msg) { if (!cond) fail(msg); console.log('ok - ' + msg); }

async function startServer() {
  const env = Object.assign({}, process.env, {
    OCRSERVE_TEST_HOOKS: '1',
    OCRSERVE_WORKER: path.join(buildDir, 'tests', 'ocrserve-worker-with-test-hooks'),
  });
  if (modelsDir) env.OCRSERVE_MODELS_DIR = modelsDir;
  server = spawn(path.join(buildDir, 'ocrserve'),
      ['serve', '--host', '127.0.0.1', '--port', '0', '--enable-ui', '--device', 'cpu', '--threads', '2',
       '--free-vram-on-idle', '--idle-timeout', '2', '--data-dir', path.join(tmp, 'data')],
      {env, stdio: ['ignore', 'inherit', 'pipe']});
  return await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('server did not start')), 30000);
    server.stderr.on('data', (d) => {
      process.stderr.write(d);
      buf += d;
      const m = buf.match(/ocrserve listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    server.on('exit', (code) => reject(new Error('server exited ' + code)));
  });
}

async function main() {
  execFileSync(path.join(buildDir, 'ocrserve-make-pages'), [path.join(tmp, 'pages'), '--count', '1', '--seed', '5', '--columns', '2']);
  const png = path.join(tmp, 'pages', 'page-001.png');
  const truth = fs.readFileSync(path.join(tmp, 'pages', 'page-001.txt'), 'utf8');
  const words = [...new Set(truth.split(/\s+/).map((w) => w.replace(/[^A-Za-z]/g, '')).filter((w) => w.length >= 6))];
  const slow = path.join(tmp, 'pages', 'slow-worker-page.png');
  fs.copyFileSync(png, slow);

  const base = await startServer();
  // A fresh profile (--user-data-dir) each run.
  browser = await chromium.launchPersistentContext(path.join(tmp, 'chromium-profile'), {
    viewport: {width: 1200, height: 1000},
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));

  // Convert view.
  await page.goto(base + '/ui');
  await page.setInputFiles('#files', png);
  await page.click('#submit');
  await page.waitForSelector('#progress[data-done]', {timeout: 120000});
  await page.waitForSelector('.ocr-box');
  const json = JSON.parse(await page.textContent('#raw-json'));
  const withProv = json.texts.filter((t) => t.prov && t.prov.length).length;
  const boxes = await page.locator('.ocr-box').count();
  check(withProv > 0, `the JSON has ${withProv} texts with prov`);
  check(boxes === withProv && boxes >= 2, `${boxes} .ocr-box elements drawn for ${withProv} texts`);
  const title = await page.locator('.ocr-box').first().getAttribute('title');
  check(/\(\d\.\d{3}\)$/.test(title), `a box's title shows text and score: ${title}`);
  const imgOk = await page.$eval('.page-wrap img', (i) => i.complete && i.naturalWidth > 0);
  check(imgOk, 'the page image is shown under the boxes');
  await page.screenshot({path: path.join(buildDir, 'ui-convert.png'), fullPage: true});
  await page.click('button[data-tab=md]');
  const md = (await page.textContent('#markdown')).toLowerCase();
  const found = words.filter((w) => md.includes(w.toLowerCase()));
  check(found.length >= Math.min(5, words.length), `the rendered Markdown shows ${found.length}/${words.length} known words`);

  // Structure in the Markdown view (marked): a table, a list nested in a numbered one, code.
  const sdir = path.join(tmp, 'structure');
  execFileSync(path.join(buildDir, 'ocrserve-make-structure-pdfs'), [sdir]);
  for (const [file, selector, what] of [['ruled-grid.pdf', '#markdown table td', 'a table'],
                                         ['lists.pdf', '#markdown ol > li ul > li', 'a nested list'],
                                         ['code.pdf', '#markdown pre code', 'a code block']]) {
    const before = await page.getAttribute('#progress', 'data-done');
    await page.setInputFiles('#files', path.join(sdir, file));
    await page.click('#submit');
    await page.waitForSelector(`#progress[data-done]:not([data-done="${before}"])`, {timeout: 120000});
    await page.click('button[data-tab=md]');
    check(await page.locator(selector).count() > 0, `the Markdown view renders ${what} (${file})`);
  }
  await page.screenshot({path: path.join(buildDir, 'ui-markdown.png'), fullPage: true});
  // The Markdown comes from documents: the sanitizer drops what could run.
  const clean = await page.evaluate(() => renderMarkdown(
      '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script> [a](javascript:alert(1))'));
  check(!/onerror|<script|javascript:/i.test(clean), `scripts, handlers and javascript: links are removed: ${clean}`);
  check(await page.evaluate(() => window.pwned === undefined), 'nothing from the document ran');

  // /docs: Swagger UI from the binary, with every operation and a try-it button.
  const docsPage = await browser.newPage();
  docsPage.on('pageerror', (e) => console.error('docs page error:', e));
  await docsPage.goto(base + '/docs');
  await docsPage.waitForSelector('.opblock-summary-path', {timeout: 30000});
  const opPaths = await docsPage.$$eval('.opblock-summary-path', (els) => els.map((e) => e.textContent));
  check(opPaths.some((p) => p.includes('/v1/convert/source')), `/docs lists ${opPaths.length} operations`);
  await docsPage.locator('.opblock-summary', {hasText: '/v1/convert/source/async'}).first().click();
  await docsPage.waitForSelector('.try-out__btn', {timeout: 10000});
  check(true, '/docs opens an operation with its fields and a "Try it out" button');
  await docsPage.screenshot({path: path.join(buildDir, 'ui-docs.png')});

  // Workers view: a slow upload makes a worker BUSY; after the idle timeout it is released.
  const workersPage = await browser.newPage();
  await workersPage.goto(base + '/ui#workers');
  await workersPage.waitForSelector('#workers-summary:not(:empty)');
  const form = new FormData();
  form.append('files', new Blob([fs.readFileSync(slow)]), 'slow-worker-page.png');
  form.append('to_formats', 'md');
  const sub = await fetch(base + '/v1/convert/file/async', {method: 'POST', body: form});
  check(sub.ok, 'slow-worker upload accepted');
  await workersPage.waitForSelector('tr.worker[data-state=BUSY]', {timeout: 30000});
  check(true, 'the workers page shows a BUSY worker');
  // attached, not visible: a flat RSS line has no height, and Playwright calls that hidden.
  await workersPage.waitForSelector('#chart polyline.rss', {state: 'attached', timeout: 10000});
  check((await workersPage.textContent('#chart-metric')).startsWith('RSS'),
      'without GPU figures the chart plots each worker\'s RSS');
  await workersPage.screenshot({path: path.join(buildDir, 'ui-workers-busy.png'), fullPage: true});
  await workersPage.waitForFunction(() => document.querySelectorAll('tr.worker').length === 0 &&
      document.querySelector('.mark-released'), null, {timeout: 60000});
  check(true, 'the worker is gone after the idle release, with a release mark on the chart');
  await workersPage.waitForTimeout(1500);
  await workersPage.screenshot({path: path.join(buildDir, 'ui-workers.png'), fullPage: true});

  const wj = await (await fetch(base + '/v1/workers')).json();
  check(Array.isArray(wj.workers) && typeof wj.queue_depth === 'number', '/v1/workers answers JSON');
  const oa = await (await fetch(base + '/openapi.json')).json();
  check('/v1/workers' in oa.paths, '/openapi.json documents /v1/workers');
}

let rc = 0;
try {
  await main();
  console.log('PASS');
} catch (e) {
  console.error('FAIL:', e);
  rc = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => { const t = setTimeout(() => { server.kill('SIGKILL'); r(); }, 10000); server.on('exit', () => { clearTimeout(t); r(); }); });
  }
  fs.rmSync(tmp, {recursive: true, force: true});
}
process.exit(rc);
