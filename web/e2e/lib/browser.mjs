// Shared harness of the browser end-to-end tests: environment, Chromium (Debian's, driven by
// playwright-core; no browser downloads), screenshots at desktop and phone widths, and axe.
//
// Required: PEERGATE_URL, PEERGATE_E2E_USER (an admin), PEERGATE_E2E_PASSWORD — missing ones fail
// the run (a suite that silently does nothing proves nothing). Optional: CHROMIUM (default
// /usr/bin/chromium), PEERGATE_TEST_OUTPUT (default ../test-output): screenshots go to
// <output>/screenshots/.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './chromium-args.mjs';

const require = createRequire(import.meta.url);
const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
};

export { CHROMIUM_ARGS };

export function readEnv() {
  const required = ['PEERGATE_URL', 'PEERGATE_E2E_USER', 'PEERGATE_E2E_PASSWORD'];
  const output = process.env.PEERGATE_TEST_OUTPUT
    ? path.resolve(process.env.PEERGATE_TEST_OUTPUT)
    : path.resolve(webDir, '../test-output');
  return {
    missing: required.filter((name) => !process.env[name]),
    url: (process.env.PEERGATE_URL ?? '').replace(/\/+$/, ''),
    user: process.env.PEERGATE_E2E_USER ?? '',
    password: process.env.PEERGATE_E2E_PASSWORD ?? '',
    chromium: process.env.CHROMIUM || '/usr/bin/chromium',
    screenshots: path.join(output, 'screenshots'),
  };
}

/**
 * Starts Chromium with a fresh profile. Returns the page, the CSP violations and page errors it
 * collects, and a `close()` that also removes the profile. `colorScheme` ('light' or 'dark') is
 * what `prefers-color-scheme` reports to the pages.
 */
export async function openBrowser(env, { timeout = 10_000, permissions = [], colorScheme = 'light' } = {}) {
  if (env.missing.length > 0) {
    throw new Error(
      `Browser e2e needs ${env.missing.join(', ')} (unset). Example: PEERGATE_URL=http://127.0.0.1:18080 ` +
        'PEERGATE_E2E_USER=admin PEERGATE_E2E_PASSWORD=... npm run e2e',
    );
  }
  mkdirSync(env.screenshots, { recursive: true });
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'peergate-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: env.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORTS.desktop,
    colorScheme,
  });
  if (permissions.length > 0) await context.grantPermissions(permissions, { origin: new URL(env.url).origin });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(timeout);
  const cspViolations = [];
  const pageErrors = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  const close = async () => {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  };
  return { page, cspViolations, pageErrors, close };
}

/** Full-page screenshots `<name>-desktop.png` and `<name>-phone.png`. */
export async function shoot(page, env, name) {
  for (const [label, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => document.fonts.ready);
    // Let charts follow the new width (ResizeObserver) before the picture is taken.
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(env.screenshots, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

/**
 * Nothing sticks out sideways: the document is no wider than the window, and the page in <main>
 * no wider than <main>'s content box (its padding would hide a small overflow from the first check).
 * Content of scroll containers (wide tables, tab bars) does not count.
 */
export async function checkNoSidewaysOverflow(page, label) {
  const found = await page.evaluate(() => {
    const sizes = [['document', document.documentElement.scrollWidth, window.innerWidth]];
    for (const el of document.querySelectorAll('#main > *')) {
      sizes.push([`#main > .${[...el.classList].join('.')}`, el.scrollWidth, el.clientWidth]);
    }
    return sizes.filter(([, scroll, client]) => scroll > client);
  });
  assert.deepEqual(found, [], `on the ${label}, [what, content width, box width] of what sticks out sideways`);
}

// axe runs through DevTools (page.evaluate), which the page's CSP does not apply to; a <script>
// tag would be blocked by script-src 'self'.
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Fails on serious or critical WCAG 2.2 AA violations; prints the others. */
export async function checkAccessibility(page, label) {
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

/** Polls `check` (a throw counts as "not yet") every 100 ms until it is true; fails naming `what`. */
export async function waitUntil(check, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`timed out waiting until ${what}`);
}

/** Screenshots show the page itself, not notifications that happen to be on screen. */
export async function dismissToasts(page) {
  const buttons = page.getByRole('status', { name: 'Notifications' }).getByRole('button', { name: 'Dismiss notification' });
  while ((await buttons.count()) > 0) {
    await buttons.first().click().catch(() => {});
  }
}

/** axe at the current width, and nothing sticks out sideways. */
export async function checkPage(page, label) {
  await checkNoSidewaysOverflow(page, label);
  await checkAccessibility(page, label);
}

/** The same at the phone width (the page does not scroll horizontally there either). */
export async function checkPhone(page, label) {
  await page.setViewportSize(VIEWPORTS.phone);
  try {
    await checkPage(page, `${label} (phone)`);
  } finally {
    await page.setViewportSize(VIEWPORTS.desktop);
  }
}
