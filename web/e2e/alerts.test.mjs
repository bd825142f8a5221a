// Browser end-to-end test of the alerts page and of the dark theme against a running peergate (the
// real binary): an admin sends a test alert and sees it listed with its delivery state — posted to
// the webhook when one is configured (the body is read back from the receiver's log), "not sent"
// otherwise; then a browser that prefers a dark colour scheme gets the dark palette (the body's
// background is asserted against the light one) and passes axe on the login page, the dashboard and
// the alerts page. Runs next to the other e2e files on the same server: it creates no clients and
// expects none of its own (the dashboard may show the clients another file is working on).
//
//   PEERGATE_URL=http://127.0.0.1:18080 PEERGATE_E2E_USER=admin PEERGATE_E2E_PASSWORD=... npm run e2e
//
// Required: PEERGATE_URL, PEERGATE_E2E_USER (an admin), PEERGATE_E2E_PASSWORD. Missing ones fail.
// Optional: CHROMIUM (default /usr/bin/chromium), PEERGATE_TEST_OUTPUT (default ../test-output),
//   PEERGATE_E2E_WEBHOOK_LOG  a file where a receiver appends each body POSTed to the gateway's
//                        PEERGATE_ALERT_WEBHOOK_URL (one per line; scripts/e2e.sh starts one). Set, the
//                        test alert must be sent and its JSON body found there; unset, the gateway must
//                        run without a webhook and the page must say so.
//
// Screenshots: <output>/screenshots/{alerts,alerts-dark,login-dark,dashboard-dark}-{desktop,phone}.png

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { after, before, test } from 'node:test';

import { checkPage as checkAccessibility, checkPhone, dismissToasts, openBrowser, readEnv, shoot as shootPage, waitUntil } from './lib/browser.mjs';

const env = { ...readEnv(), webhookLog: process.env.PEERGATE_E2E_WEBHOOK_LOG || '' };
const testReason = `a test alert sent by ${env.user}`;

let browser;
let page;
let dark;
/** The body background of the light login page, to compare the dark one with. */
let lightBackground;

before(async () => {
  browser = await openBrowser(env, { timeout: 15_000 });
  page = browser.page;
});

after(async () => {
  await dark?.close();
  await browser?.close();
});

test('alerts: a test alert is listed with its delivery state', async (t) => {
  await t.test('sign in and open Admin → Alerts: how alerting is configured', async () => {
    await page.goto(`${env.url}/login`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    lightBackground = await bodyBackground(page);
    await signIn(page);
    await page.getByRole('navigation').getByRole('link', { name: 'Admin', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/admin/users');
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Alerts' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/alerts');
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    await waitUntil(async () => (await page.title()) === 'Alerts · peergate', 'the title is "Alerts · peergate"');
    const config = page.locator('.alerts-config');
    await config.waitFor();
    if (env.webhookLog) {
      await config.getByText('Alerts are sent to a webhook (JSON).').waitFor();
    } else {
      await config.getByText('No webhook configured: alerts are shown here only.').waitFor();
      assert.match(await config.innerText(), /PEERGATE_ALERT_WEBHOOK_URL/, 'it says how to configure one');
    }
    assert.match(await config.innerText(), /counts as down after 5 min without a handshake/);
  });

  await t.test('"Send test alert" lists a Test row with its delivery state', async () => {
    await dismissToasts(page);
    const table = page.getByRole('table', { name: 'Alerts, newest first' });
    const testRows = table.getByRole('row').filter({ hasText: testReason });
    const before = (await table.count()) > 0 ? await testRows.count() : 0;
    await page.getByRole('button', { name: 'Send test alert' }).click();

    const outcome = page.locator('.alert-outcome[role="status"]');
    await outcome.waitFor();
    await table.waitFor();
    await waitUntil(async () => (await testRows.count()) === before + 1, 'the test alert is listed');
    const row = testRows.first();
    assert.equal(await row.locator('.badge').innerText(), 'Test');
    assert.equal((await row.getByRole('cell').first().innerText()).trim(), '—', 'a test alert has no client');
    const delivery = row.getByRole('cell').last();
    if (env.webhookLog) {
      assert.equal(await outcome.innerText(), 'Test alert sent: the webhook accepted it.');
      await waitUntil(async () => /^Sent/.test((await delivery.innerText()).trim()), 'the delivery says Sent');
    } else {
      assert.equal(await outcome.innerText(), 'Test alert not sent: no webhook is configured. It is listed below only.');
      const text = await delivery.innerText();
      assert.match(text, /Not sent/, text);
      assert.match(text, /no webhook configured/, text);
    }
    await shoot(page, 'alerts');
    await checkAccessibility(page, 'alerts page');
    await checkPhone(page, 'alerts page');
  });

  await t.test('the webhook received the JSON body of the test alert', { skip: !env.webhookLog && 'PEERGATE_E2E_WEBHOOK_LOG is not set' }, async () => {
    let bodies = [];
    await waitUntil(async () => {
      const text = await fs.readFile(env.webhookLog, 'utf8').catch(() => '');
      bodies = text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
      return bodies.some((b) => b.event === 'client.test' && b.reason === testReason);
    }, 'the receiver logged the test alert');
    const body = bodies.find((b) => b.event === 'client.test' && b.reason === testReason);
    assert.equal(body.client, null, 'a test alert is about no client');
    assert.equal(body.message, `peergate test alert: ${testReason}`);
    assert.equal(typeof body.gateway, 'string');
    assert.ok(Number.isInteger(body.alert_id) && Number.isInteger(body.at), JSON.stringify(body));
    assert.ok(Math.abs(body.at - Date.now() / 1000) < 300, 'sent just now');
  });

  await t.test('the pages ran under the strict CSP without violations or errors', () => {
    assert.deepEqual(browser.cspViolations, [], 'Content-Security-Policy violations');
    assert.deepEqual(browser.pageErrors, [], 'uncaught page errors');
  });
});

test('dark theme: a browser that prefers dark gets the dark palette, accessible', async (t) => {
  await t.test('the login page is dark, and accessible', async () => {
    dark = await openBrowser(env, { timeout: 15_000, colorScheme: 'dark' });
    await dark.page.goto(`${env.url}/login`);
    await dark.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const background = await bodyBackground(dark.page);
    assert.ok(lightBackground, 'the light background was measured');
    assert.notEqual(background, lightBackground, `the dark body background (${background}) differs from the light one`);
    assert.ok(luminance(background) < 0.1, `the dark body background ${background} is dark`);
    assert.ok(luminance(lightBackground) > 0.7, `the light body background ${lightBackground} is light`);
    await shoot(dark.page, 'login-dark');
    await checkAccessibility(dark.page, 'login page (dark)');
  });

  await t.test('the dashboard is dark, and accessible', async () => {
    await signIn(dark.page);
    assert.ok(luminance(await bodyBackground(dark.page)) < 0.1, 'still dark after signing in');
    await shoot(dark.page, 'dashboard-dark');
    await checkAccessibility(dark.page, 'dashboard (dark)');
  });

  await t.test('the alerts page (with the test alert) is dark, and accessible', async () => {
    await dark.page.goto(`${env.url}/admin/alerts`);
    await dark.page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    await dark.page.getByRole('table', { name: 'Alerts, newest first' }).getByRole('row').filter({ hasText: testReason }).first().waitFor();
    await shoot(dark.page, 'alerts-dark');
    await checkAccessibility(dark.page, 'alerts page (dark)');
    await checkPhone(dark.page, 'alerts page (dark)');
  });

  await t.test('the dark pages ran under the strict CSP without violations or errors', () => {
    assert.deepEqual(dark.cspViolations, [], 'Content-Security-Policy violations');
    assert.deepEqual(dark.pageErrors, [], 'uncaught page errors');
  });
});

async function signIn(on) {
  await on.getByLabel('Username').fill(env.user);
  await on.getByLabel('Password').fill(env.password);
  await on.getByRole('button', { name: 'Sign in' }).click();
  await on.waitForURL((url) => url.pathname === '/');
  await on.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
  await dismissToasts(on);
}

function bodyBackground(on) {
  return on.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

/** Relative luminance (WCAG) of a computed `rgb(r, g, b)` colour. */
function luminance(color) {
  const match = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(color);
  assert.ok(match, `an rgb() colour: ${color}`);
  const [r, g, b] = match.slice(1).map((c) => {
    const s = Number(c) / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

async function shoot(on, name) {
  await dismissToasts(on);
  await shootPage(on, env, name);
}
