// Browser end-to-end test of the client list with several clients, against a running peergate (the
// real binary): three clients are uploaded through the API (as the signed-in admin, with the
// session's CSRF token), then the list is searched as a user types (a name without its accents, an
// address inside a subnet, a word matching nothing), sorted by subnet numerically (10.9 before
// 10.81), and two clients are deleted together: the confirmation names them, the results list
// each one, and the third is deleted from its row. Screenshots + axe on each state. Runs next to
// the other e2e files on the same server, one file at a time (scripts/e2e.sh): it starts and ends
// with no clients of its own.
//
//   PEERGATE_URL=http://127.0.0.1:18080 PEERGATE_E2E_USER=admin PEERGATE_E2E_PASSWORD=... npm run e2e
//
// Required: PEERGATE_URL, PEERGATE_E2E_USER (an admin), PEERGATE_E2E_PASSWORD. Missing ones fail.
// Optional: CHROMIUM (default /usr/bin/chromium), PEERGATE_TEST_OUTPUT (default ../test-output).
//
// Screenshots: <output>/screenshots/{dashboard-search,dashboard-sorted,bulk-confirm,bulk-results}-{desktop,phone}.png

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';

import { checkPage, dismissToasts, openBrowser, readEnv, shoot as shootPage, waitUntil } from './lib/browser.mjs';

const env = readEnv();
const sites = [
  { name: 'Genève DC', subnet: '10.82.0.0/23' },
  { name: 'Basel branch', subnet: '10.81.0.0/24' },
  { name: 'Lugano', subnet: '10.9.0.0/24' },
];

let browser;
let page;

before(async () => {
  browser = await openBrowser(env, { timeout: 15_000 });
  page = browser.page;
});

after(async () => {
  await browser?.close();
});

const checkAccessibility = (label) => checkPage(page, label);

/** A config for one site: its own keys, address and endpoint, routing only its subnet. */
function conf(index, subnet) {
  const key = () => randomBytes(32).toString('base64');
  return `[Interface]\nPrivateKey = ${key()}\nAddress = 10.205.${index}.2/32\n\n[Peer]\nPublicKey = ${key()}\nAllowedIPs = ${subnet}\nEndpoint = 192.0.2.${30 + index}:51820\n`;
}

/** The names in the list's rows, top to bottom. */
async function shownNames() {
  return page.locator('.client-row a.client-name').allInnerTexts();
}

test('search, sort and act on several clients at once', async (t) => {
  await t.test('sign in and upload three clients through the API', async () => {
    await page.goto(`${env.url}/login`);
    await page.getByLabel('Username').fill(env.user);
    await page.getByLabel('Password').fill(env.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    const me = await (await page.request.get(`${env.url}/api/auth/me`)).json();
    assert.ok(me.csrf_token, 'the session has a CSRF token');
    for (const [index, site] of sites.entries()) {
      const res = await page.request.post(`${env.url}/api/clients/upload`, {
        headers: { 'X-CSRF-Token': me.csrf_token },
        multipart: { file: { name: `${site.name}.conf`, mimeType: 'text/plain', buffer: Buffer.from(conf(index, site.subnet)) } },
      });
      assert.equal(res.status(), 201, await res.text());
    }
    for (const site of sites) await page.getByRole('link', { name: site.name }).waitFor();
  });

  await t.test('the search finds a name without its accents, an address inside a subnet, and says when nothing matches', async () => {
    const search = page.getByRole('searchbox', { name: 'Search clients' });
    await search.fill('geneve');
    await waitUntil(async () => (await shownNames()).join() === 'Genève DC', 'only Genève DC is shown');
    await search.fill('10.82.1.7');
    await waitUntil(async () => (await shownNames()).join() === 'Genève DC', 'the /23 holding 10.82.1.7 is found');
    await shoot('dashboard-search');
    await checkAccessibility('dashboard search');
    await search.fill('madrid');
    await page.getByText(/No client matches “madrid”/).waitFor();
    await page.getByRole('table').getByRole('button', { name: 'Clear search' }).click();
    await waitUntil(async () => (await shownNames()).length === sites.length, 'every client is shown again');
  });

  await t.test('sorting by subnet is numeric', async () => {
    await page.getByRole('button', { name: /^Subnet/ }).click();
    await waitUntil(async () => (await shownNames()).join() === 'Lugano,Basel branch,Genève DC', 'the subnets in numeric order');
    assert.equal(await page.getByRole('columnheader', { name: /Subnet/ }).getAttribute('aria-sort'), 'ascending');
    await shoot('dashboard-sorted');
  });

  await t.test('two selected clients are deleted together: the confirmation names them, the results list each', async () => {
    await page.getByRole('checkbox', { name: 'Select Genève DC' }).check();
    await page.getByRole('checkbox', { name: 'Select Basel branch' }).check();
    await page.getByText('2 selected').waitFor();
    await page.getByRole('button', { name: 'Delete selected clients' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete 2 clients?' });
    await dialog.waitFor();
    assert.deepEqual((await dialog.getByRole('listitem').allInnerTexts()).sort(), ['Basel branch', 'Genève DC']);
    await shoot('bulk-confirm');
    await checkAccessibility('bulk delete confirmation');
    await dialog.getByRole('button', { name: 'Delete 2 clients' }).click();

    const results = page.getByRole('region', { name: /^Delet/ });
    await results.getByRole('heading', { name: 'Deleted 2 clients' }).waitFor();
    await results.getByText('All succeeded.').waitFor();
    assert.deepEqual((await results.getByRole('listitem').allTextContents()).sort(), ['Basel branchDeleted', 'Genève DCDeleted']);
    await waitUntil(async () => (await shownNames()).join() === 'Lugano', 'only Lugano is left');
    await shoot('bulk-results');
    await checkAccessibility('bulk results');
  });

  await t.test('the last one is deleted from its row, and the list is empty again', async () => {
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Lugano' }) });
    await row.getByRole('button', { name: 'Delete Lugano' }).click();
    await page.getByRole('alertdialog', { name: 'Delete Lugano?' }).getByRole('button', { name: 'Delete client' }).click();
    await page.getByText('No clients yet.').waitFor();
  });

  await t.test('the pages ran under the strict CSP without violations or errors', () => {
    assert.deepEqual(browser.cspViolations, [], 'Content-Security-Policy violations');
    assert.deepEqual(browser.pageErrors, [], 'uncaught page errors');
  });
});

async function shoot(name) {
  await dismissToasts(page);
  await page.mouse.move(0, 0);
  await shootPage(page, env, name);
}
