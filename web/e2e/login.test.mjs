// Browser end-to-end test of sign-in against a running peergate (the real binary in CI).
//
//   PEERGATE_URL=http://127.0.0.1:18080 PEERGATE_E2E_USER=alice PEERGATE_E2E_PASSWORD=... npm run e2e
//
// Optional: CHROMIUM (default /usr/bin/chromium), PEERGATE_TEST_OUTPUT (default ../test-output,
// i.e. the repository's test-output folder). Screenshots land in <output>/screenshots/.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { checkAccessibility as axeCheck, openBrowser, readEnv, shoot as shootPage } from './lib/browser.mjs';

const env = readEnv();
let browser;
let page;

before(async () => {
  browser = await openBrowser(env);
  page = browser.page;
});

after(async () => {
  await browser?.close();
});

const shoot = (name) => shootPage(page, env, name);
const checkAccessibility = (label) => axeCheck(page, label);

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
    assert.deepEqual(browser.cspViolations, [], 'Content-Security-Policy violations');
    assert.deepEqual(browser.pageErrors, [], 'uncaught page errors');
  });
});
