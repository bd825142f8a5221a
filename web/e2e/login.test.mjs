// Browser end-to-end test of sign-in against a running peergate (the real binary in CI).
//
//   PEERGATE_URL=http://127.0.0.1:18080 PEERGATE_E2E_USER=alice PEERGATE_E2E_PASSWORD=... npm run e2e
//
// Optional: CHROMIUM (default /usr/bin/chromium), PEERGATE_TEST_OUTPUT (default ../test-output,
// i.e. the repository's test-output folder). Screenshots land in <output>/screenshots/.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Missing configuration is a failure, never a skip: a suite that silently does nothing proves nothing.
const required = ['PEERGATE_URL', 'PEERGATE_E2E_USER', 'PEERGATE_E2E_PASSWORD'];
const missing = required.filter((name) => !process.env[name]);
const env = {
  url: (process.env.PEERGATE_URL ?? '').replace(/\/+$/, ''),
  user: process.env.PEERGATE_E2E_USER ?? '',
  password: process.env.PEERGATE_E2E_PASSWORD ?? '',
  chromium: process.env.CHROMIUM || '/usr/bin/chromium',
  output: process.env.PEERGATE_TEST_OUTPUT
    ? path.resolve(process.env.PEERGATE_TEST_OUTPUT)
    : path.resolve(webDir, '../test-output'),
};
const screenshots = path.join(env.output, 'screenshots');

const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
};

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let context;
let page;
let userDataDir;
const cspViolations = [];
const pageErrors = [];

before(async () => {
  if (missing.length > 0) {
    throw new Error(
      `Browser e2e needs ${missing.join(', ')} (unset). Example: PEERGATE_URL=http://127.0.0.1:18080 ` +
        'PEERGATE_E2E_USER=admin PEERGATE_E2E_PASSWORD=... npm run e2e',
    );
  }
  mkdirSync(screenshots, { recursive: true });
  userDataDir = mkdtempSync(path.join(tmpdir(), 'peergate-e2e-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: env.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORTS.desktop,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
});

after(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

test('sign in, look around, sign out', async (t) => {
  await t.test('an anonymous visitor is sent to /login', async () => {
    await page.goto(`${env.url}/`);
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('autocomplete'));
    assert.equal(focused, 'username', 'the username field should have focus');
    await shoot('login');
  });

  await t.test('a wrong password shows the server’s message', async () => {
    await page.getByLabel('Username').fill(env.user);
    await page.getByLabel('Password').fill(`${env.password}-wrong`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Wrong username or password\./);
    assert.equal(new URL(page.url()).pathname, '/login');
  });

  await t.test('login page (with the error shown) screenshots and accessibility', async () => {
    await shoot('login-error');
    await checkAccessibility('login page');
  });

  await t.test('the right password opens the dashboard', async () => {
    await page.getByLabel('Password').fill(env.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
    const header = page.getByRole('banner');
    assert.ok(await header.getByText(env.user, { exact: true }).isVisible(), 'username is shown in the header');
    const notifications = page.getByRole('status', { name: 'Notifications' });
    await notifications.getByText(`Signed in as ${env.user}`).waitFor();
    await page.getByText('No clients yet.').waitFor();
  });

  await t.test('dashboard screenshots and accessibility', async () => {
    // Let the sign-in toast go, so screenshots show the page itself (it may auto-dismiss first).
    const dismiss = page.getByRole('status', { name: 'Notifications' }).getByRole('button', { name: 'Dismiss notification' });
    if (await dismiss.isVisible()) await dismiss.click().catch(() => {});
    await dismiss.waitFor({ state: 'detached' });
    await shoot('dashboard');
    await checkAccessibility('dashboard');
  });

  await t.test('sign out returns to /login and the session is gone', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.goto(`${env.url}/`);
    await page.waitForURL((url) => url.pathname === '/login');
  });

  await t.test('the pages ran under the strict CSP without violations or errors', () => {
    assert.deepEqual(cspViolations, [], 'Content-Security-Policy violations');
    assert.deepEqual(pageErrors, [], 'uncaught page errors');
  });
});

async function shoot(name) {
  for (const [label, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: path.join(screenshots, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

// axe runs through DevTools (page.evaluate), which the page's CSP does not apply to; a
// <script> tag would be blocked by script-src 'self'.
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function checkAccessibility(label) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  for (const v of violations) {
    console.log(`axe (${label}): ${v.impact} ${v.id}: ${v.help} → ${v.targets.join(', ')}`);
  }
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(blocking, [], `serious/critical accessibility violations on the ${label}`);
}
