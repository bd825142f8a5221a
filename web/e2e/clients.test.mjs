// Browser end-to-end test of the gateway dashboard against a running peergate (the real binary):
// sign in, upload a full-tunnel config named `Zürich office (1).conf` (the display name comes from
// the file name, the interface `zurich-office-1` is derived from it and shown before uploading),
// leave it waiting (listed with when and why; discard asks first), answer the subnet prompt, see
// the client in the list, open its detail view (public key, downloads, route command), edit its
// notes, change its subnets and replace its config (and back), switch the daily chart's period;
// screenshots + axe on every page, delete it (confirm dialog) and see the empty state again.
// The gateway must start without clients (the derived interface name is asserted).
//
//   PEERGATE_URL=http://127.0.0.1:18090 PEERGATE_E2E_USER=admin PEERGATE_E2E_PASSWORD=... npm run e2e
//
// Required: PEERGATE_URL, PEERGATE_E2E_USER (an admin), PEERGATE_E2E_PASSWORD. Missing ones fail.
// Optional: CHROMIUM (default /usr/bin/chromium), PEERGATE_TEST_OUTPUT (default ../test-output),
//   PEERGATE_E2E_CONF    the .conf text to upload (default: a generated full-tunnel config with random
//                        keys and endpoint 192.0.2.10:51820, which never connects),
//   PEERGATE_E2E_SUBNET  the subnet typed into the prompt (default 10.77.0.0/24),
//   PEERGATE_E2E_DATAPLANE=1  also activate the client, wait until the dashboard shows it connected and a
//                        ping succeeds, then deactivate it. This needs root, wg-quick and a peer that
//                        answers (PEERGATE_E2E_CONF), so CI runs it inside network namespaces; without
//                        the variable those steps are not run (they are reported as skipped, by design:
//                        the rest of the suite still runs and must pass).
//
// Screenshots: <output>/screenshots/{upload-panel,subnet-prompt,pending-upload,dashboard-clients,client-detail,client-edit,
//   client-subnets,client-replace}-{desktop,phone}.png; with the data plane also client-detail-connected,
//   client-daily-traffic-7, client-daily-traffic-30 and client-replace-confirm.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';

import { checkAccessibility as axeCheck, dismissToasts, openBrowser, readEnv, shoot as shootPage, waitUntil } from './lib/browser.mjs';

const env = {
  ...readEnv(),
  conf: process.env.PEERGATE_E2E_CONF || generatedConf(),
  subnet: process.env.PEERGATE_E2E_SUBNET || '10.77.0.0/24',
  dataplane: process.env.PEERGATE_E2E_DATAPLANE === '1',
};
// A display name in any script, with spaces and brackets: the file name without `.conf`.
const clientName = 'Zürich office (1)';
const interfaceName = 'zurich-office-1';

function generatedConf() {
  const key = () => randomBytes(32).toString('base64');
  return `[Interface]\nPrivateKey = ${key()}\nAddress = 10.204.0.2/32\n\n[Peer]\nPublicKey = ${key()}\nAllowedIPs = 0.0.0.0/0\nEndpoint = 192.0.2.10:51820\n`;
}

let browser;
let page;

before(async () => {
  browser = await openBrowser(env, { timeout: 15_000, permissions: ['clipboard-read', 'clipboard-write'] });
  page = browser.page;
});

after(async () => {
  await browser?.close();
});

const checkAccessibility = (label) => axeCheck(page, label);

test('upload a full-tunnel config, answer the subnet prompt, inspect, delete', async (t) => {
  await t.test('sign in and see the empty client list', async () => {
    await page.goto(`${env.url}/login`);
    await page.getByLabel('Username').fill(env.user);
    await page.getByLabel('Password').fill(env.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
    await page.getByText('No clients yet.').waitFor();
    await dismissToasts(page);
  });

  await t.test('upload the full-tunnel config: the subnet prompt explains why and validates as you type', async () => {
    await page.getByRole('button', { name: 'Upload your first config' }).click();
    await page.getByRole('heading', { name: 'Upload a client config' }).waitFor();
    await page.getByLabel('Choose file').setInputFiles({
      name: `${clientName}.conf`,
      mimeType: 'text/plain',
      buffer: Buffer.from(env.conf),
    });
    await page.getByText(`${clientName}.conf`).waitFor();
    // The name defaults to the file name; the interface name the gateway derives from it is shown.
    const name = page.getByLabel('Name', { exact: true });
    assert.equal(await name.getAttribute('placeholder'), clientName);
    await page.getByText(`Interface ${interfaceName} (derived from the name)`).waitFor();
    await shoot('upload-panel');
    await checkAccessibility('upload panel');
    // It can be chosen instead (the rule is shown), and left to be derived again.
    await page.getByRole('button', { name: 'Edit interface name' }).click();
    const iface = page.getByLabel('Interface name', { exact: true });
    assert.equal(await iface.evaluate((el) => el === document.activeElement), true, 'the interface field has focus');
    await page.getByText('1–15 letters, digits or _ = . -, not starting with -; leave empty to derive it from the name.').waitFor();
    await checkAccessibility('upload panel with the interface field');
    await page.getByRole('button', { name: 'Derive it from the name' }).click();
    await iface.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();

    const prompt = page.getByRole('region', { name: `${clientName}: which subnet is behind this tunnel?` });
    await prompt.waitFor();
    assert.match(await prompt.innerText(), /all of the gateway’s traffic/);
    const subnet = prompt.getByLabel('Remote subnet');
    assert.equal(await subnet.evaluate((el) => el === document.activeElement), true, 'the subnet field has focus');

    await subnet.fill('10.77.0.5/24');
    await prompt.getByText('10.77.0.5/24 has host bits set: did you mean 10.77.0.0/24?').waitFor();
    assert.equal(await subnet.getAttribute('aria-invalid'), 'true');
    await subnet.fill(env.subnet);
    await waitUntil(async () => (await subnet.getAttribute('aria-invalid')) === null, 'the valid subnet clears the error');
  });

  await t.test('the waiting upload is listed with its real upload time', async () => {
    const waiting = page.locator('.client-row--pending').filter({ hasText: clientName });
    await waiting.waitFor();
    const text = await waiting.innerText();
    assert.match(text, /uploaded (just now|\d+ s ago)/, text);
    assert.doesNotMatch(text, /uploaded never/, text);
  });

  await t.test('subnet prompt screenshots and accessibility', async () => {
    await shoot('subnet-prompt');
    await checkAccessibility('subnet prompt');
  });

  await t.test('a cancelled prompt leaves the upload waiting: listed with when and why, discard asks first', async () => {
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    const waiting = page.locator('.client-row--pending').filter({ hasText: clientName });
    const text = await waiting.innerText();
    assert.match(text, /Routes all traffic/, text);
    assert.ok(await waiting.locator('time').getAttribute('title'), 'the absolute upload time is there');
    await dismissToasts(page);
    await shoot('pending-upload');
    await checkAccessibility('pending upload');

    await waiting.getByRole('button', { name: `Discard ${clientName}` }).click();
    const dialog = page.getByRole('alertdialog', { name: `Discard the upload ${clientName}?` });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /private key/);
    assert.equal(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement), true, 'Cancel has focus');
    await checkAccessibility('discard dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    await waiting.getByRole('button', { name: `Enter subnet for ${clientName}` }).click();
    const prompt = page.getByRole('region', { name: `${clientName}: which subnet is behind this tunnel?` });
    const reopened = await prompt.innerText();
    assert.match(reopened, /Gateway: .*AllowedIPs/, reopened);
    assert.match(reopened, /Uploaded .+ \((just now|\d+ s ago|\d+ min ago)\)/, reopened);
    await prompt.getByLabel('Remote subnet').fill(env.subnet);
  });

  await t.test('saving the subnet creates the client, shown in the list', async () => {
    await page.getByRole('button', { name: 'Save subnet' }).click();
    await page.getByRole('status', { name: 'Notifications' }).getByText(`Uploaded ${clientName}`).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: clientName }) });
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, new RegExp(interfaceName), 'the interface is shown under the name');
    assert.match(text, new RegExp(env.subnet.replace(/[./]/g, '\\$&')));
    assert.match(text, /Inactive/);
    await row.getByRole('button', { name: `Activate ${clientName}` }).waitFor();
    await dismissToasts(page);
  });

  await t.test('dashboard screenshots and accessibility', async () => {
    await shoot('dashboard-clients');
    await checkAccessibility('dashboard with a client');
  });

  await t.test('the detail view shows the redacted config and copies a route command', async () => {
    await page.getByRole('link', { name: clientName }).click();
    await page.waitForURL((url) => /^\/clients\/\d+$/.test(url.pathname));
    await page.getByRole('heading', { name: clientName, level: 1 }).waitFor();
    assert.match(await page.locator('.detail-header__meta').innerText(), new RegExp(`Interface ${interfaceName}`));

    const conf = page.getByLabel('Sanitized config');
    const confText = await conf.innerText();
    assert.match(confText, /PrivateKey = \(redacted\)/);
    const privateKey = /PrivateKey = (\S+)/.exec(env.conf)?.[1];
    assert.ok(privateKey && !(await page.content()).includes(privateKey), 'the private key never reaches the page');
    // This side's public key is shown (derived by the server), and a redacted download holds no key.
    await page.getByRole('button', { name: "Copy this side's public key" }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download config (redacted)' }).click()]);
    assert.equal(download.suggestedFilename(), `${interfaceName}.conf`);
    const downloaded = await fs.readFile(await download.path(), 'utf8');
    assert.match(downloaded, /PrivateKey = \(redacted\)/);
    assert.ok(!downloaded.includes(privateKey), 'the redacted download holds no key');
    // With the key only after a confirmation that says so and that it is recorded.
    await page.getByRole('button', { name: 'Download config with private key' }).click();
    const confirm = page.getByRole('alertdialog', { name: `Download ${interfaceName}.conf with its private key?` });
    assert.match(await confirm.innerText(), /recorded in the audit log/);
    await checkAccessibility('download confirmation');
    const [keyed] = await Promise.all([page.waitForEvent('download'), confirm.getByRole('button', { name: 'Download with private key' }).click()]);
    assert.equal(keyed.suggestedFilename(), `${interfaceName}.conf`);
    assert.ok((await fs.readFile(await keyed.path(), 'utf8')).includes(`PrivateKey = ${privateKey}`), 'the confirmed download holds the key');
    await confirm.waitFor({ state: 'detached' });

    const subnetEscaped = env.subnet.replace(/[./]/g, '\\$&');
    const linuxCommand = page.getByRole('definition').filter({ hasText: /ip route add/ }).first();
    assert.match(await linuxCommand.innerText(), new RegExp(`ip route add ${subnetEscaped} via 10\\.|ip route add ${subnetEscaped}`));
    await page.getByRole('button', { name: `Copy Linux command for ${env.subnet}` }).click();
    await page.getByRole('button', { name: `Copied Linux command for ${env.subnet}` }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(copied, new RegExp(`^ip route add ${subnetEscaped}`));
  });

  await t.test('the name and notes are edited in place; Escape drops the edits', async () => {
    const edit = page.getByRole('button', { name: 'Edit name and notes' });
    await edit.click();
    const form = page.getByRole('region', { name: 'Edit name and notes' });
    await form.getByLabel('Name', { exact: true }).fill('dropped');
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: clientName, level: 1 }).waitFor();

    await edit.click();
    await form.getByLabel('Notes (optional)').fill('Rack 4, Zürich office\nNOC: +41 44 000 00 00');
    await page.mouse.move(0, 0);
    await shoot('client-edit');
    await checkAccessibility('client edit form');
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status', { name: 'Notifications' }).getByText(`Saved the name and notes of ${clientName}.`).waitFor();
    await form.waitFor({ state: 'detached' });
    await page.getByText('NOC: +41 44 000 00 00').waitFor();
    await dismissToasts(page);
  });

  await t.test('client detail screenshots and accessibility', async () => {
    await page.mouse.move(0, 0);
    await shoot('client-detail');
    await checkAccessibility('client detail');
  });

  await t.test('the subnets are changed in place: the route commands follow', async () => {
    await page.getByRole('button', { name: 'Change subnets' }).click();
    const form = page.getByRole('region', { name: 'Change subnets' });
    const field = form.getByLabel('Subnets', { exact: true });
    assert.equal(await field.inputValue(), env.subnet);
    await field.fill(`${env.subnet}, 10.78.0.0/24`);
    await shoot('client-subnets');
    await checkAccessibility('subnet editor');
    await form.getByRole('button', { name: 'Save subnets' }).click();
    await page.getByRole('status', { name: 'Notifications' }).getByText(`${clientName} now routes ${env.subnet}, 10.78.0.0/24.`).waitFor();
    await form.waitFor({ state: 'detached' });
    // Two subnets: one "Copy all" per platform, with a route for each.
    await page.getByRole('button', { name: 'Copy all Linux commands' }).waitFor();
    await page.getByText('ip route add 10.78.0.0/24', { exact: false }).first().waitFor();
    assert.match(await page.getByLabel('Sanitized config').innerText(), /AllowedIPs = .*10\.78\.0\.0\/24/);
    // And back, so the data-plane steps route what the remote site has.
    await page.getByRole('button', { name: 'Change subnets' }).click();
    await form.getByLabel('Subnets', { exact: true }).fill(env.subnet);
    await form.getByRole('button', { name: 'Save subnets' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: `Copy Linux command for ${env.subnet}` }).waitFor();
    await dismissToasts(page);
  });

  await t.test('the config is replaced by a new file for the same site: the new endpoint shows, the subnets stay', async () => {
    const moved = env.conf.replace(/^Endpoint = .*$/m, 'Endpoint = 192.0.2.20:51821');
    assert.notEqual(moved, env.conf);
    await page.getByRole('button', { name: 'Replace config' }).click();
    const form = page.getByRole('region', { name: 'Replace the config' });
    await form.getByLabel('Choose file').setInputFiles({ name: 'moved.conf', mimeType: 'text/plain', buffer: Buffer.from(moved) });
    await form.getByText('moved.conf').waitFor();
    await shoot('client-replace');
    await checkAccessibility('config replacement');
    await form.getByRole('button', { name: 'Replace', exact: true }).click();
    await page.getByRole('status', { name: 'Notifications' }).getByText(`Replaced the config of ${clientName}.`).waitFor();
    await form.waitFor({ state: 'detached' });
    await page.getByLabel('Sanitized config').getByText('Endpoint = 192.0.2.20:51821').waitFor();
    assert.match(await page.locator('.detail-header__meta').innerText(), new RegExp(env.subnet.replace(/[./]/g, '\\$&')));
    // The original file again, for the data-plane steps.
    await page.getByRole('button', { name: 'Replace config' }).click();
    await form.getByLabel('Choose file').setInputFiles({ name: `${clientName}.conf`, mimeType: 'text/plain', buffer: Buffer.from(env.conf) });
    await form.getByRole('button', { name: 'Replace', exact: true }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByLabel('Sanitized config').getByText('Endpoint = 192.0.2.20:51821').waitFor({ state: 'detached' });
    await dismissToasts(page);
  });

  await t.test('traffic per day: 7 days, or 30', async () => {
    const period = page.getByRole('group', { name: 'Period' });
    assert.equal(await period.getByRole('button', { name: '7 days' }).getAttribute('aria-pressed'), 'true');
    if (!env.dataplane) await page.getByText('No traffic in the last 7 days.', { exact: false }).waitFor();
    await period.getByRole('button', { name: '30 days' }).click();
    await waitUntil(async () => (await period.getByRole('button', { name: '30 days' }).getAttribute('aria-pressed')) === 'true', '30 days chosen');
    if (!env.dataplane) await page.getByText('No traffic in the last 30 days.', { exact: false }).waitFor();
    await period.getByRole('button', { name: '7 days' }).click();
  });

  await t.test('dataplane: activate, see it connected and pinging, deactivate', { skip: !env.dataplane && 'PEERGATE_E2E_DATAPLANE is not 1' }, async () => {
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await page.getByRole('status', { name: 'Notifications' }).getByText(`${clientName} is active`).waitFor({ timeout: 60_000 });
    await page.getByText('Connected').first().waitFor({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Ping now' }).click();
    await page.getByRole('status', { name: 'Notifications' }).getByText(/replies, average/).waitFor({ timeout: 60_000 });
    await dismissToasts(page);
    // A few status ticks, so the live figures and charts show something.
    await page.waitForTimeout(3000);
    await shoot('client-detail-connected');

    // Today's traffic (the pings) is in the daily chart; choosing a period fetches it anew.
    const period = page.getByRole('group', { name: 'Period' });
    await period.getByRole('button', { name: '30 days' }).click();
    await page.getByText('Last 30 days').waitFor({ timeout: 30_000 });
    await page.locator('.daily-chart').scrollIntoViewIfNeeded();
    await shoot('client-daily-traffic-30');
    await period.getByRole('button', { name: '7 days' }).click();
    await page.getByText('Last 7 days').waitFor({ timeout: 30_000 });
    await shoot('client-daily-traffic-7');

    // A running tunnel takes another subnet in place (no restart) and gives it back.
    for (const subnets of [`${env.subnet}, 10.78.0.0/24`, env.subnet]) {
      await page.getByRole('button', { name: 'Change subnets' }).click();
      const form = page.getByRole('region', { name: 'Change subnets' });
      await form.getByLabel('Subnets', { exact: true }).fill(subnets);
      await form.getByRole('button', { name: 'Save subnets' }).click();
      await page
        .getByRole('status', { name: 'Notifications' })
        .getByText(`${clientName} now routes ${subnets}. The running tunnel took them without a restart.`)
        .waitFor({ timeout: 30_000 });
      await dismissToasts(page);
    }

    // A replacement of the running tunnel asks first, moves it, and it connects again.
    await page.getByRole('button', { name: 'Replace config' }).click();
    const replace = page.getByRole('region', { name: 'Replace the config' });
    await replace.getByLabel('Choose file').setInputFiles({ name: 'rotated.conf', mimeType: 'text/plain', buffer: Buffer.from(env.conf) });
    await replace.getByRole('button', { name: 'Replace…' }).click();
    const confirmReplace = page.getByRole('alertdialog', { name: `Move the running tunnel ${interfaceName} to rotated.conf?` });
    await confirmReplace.waitFor();
    await shoot('client-replace-confirm');
    await checkAccessibility('replacement confirmation');
    await confirmReplace.getByRole('button', { name: 'Replace and restart' }).click();
    await page.getByRole('status', { name: 'Notifications' }).getByText(`Replaced the config of ${clientName}. The tunnel runs on the new file.`).waitFor({ timeout: 60_000 });
    await dismissToasts(page);
    await page.getByRole('button', { name: 'Ping now' }).click();
    await page.getByRole('status', { name: 'Notifications' }).getByText(/replies, average/).waitFor({ timeout: 60_000 });
    await dismissToasts(page);

    await page.getByRole('button', { name: 'Deactivate', exact: true }).click();
    const dialog = page.getByRole('alertdialog', { name: `Deactivate ${clientName}?` });
    await dialog.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByRole('status', { name: 'Notifications' }).getByText(`${clientName} is inactive`).waitFor({ timeout: 60_000 });
    await dismissToasts(page);
  });

  await t.test('delete asks in a dialog, then the list is empty again', async () => {
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('alertdialog', { name: `Delete ${clientName}?` });
    await dialog.waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement), true, 'Cancel has focus');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.getByRole('button', { name: 'Delete client' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('status', { name: 'Notifications' }).getByText(`Deleted ${clientName}.`).waitFor();
    await page.getByText('No clients yet.').waitFor();
  });

  await t.test('the pages ran under the strict CSP without violations or errors', () => {
    assert.deepEqual(browser.cspViolations, [], 'Content-Security-Policy violations');
    assert.deepEqual(browser.pageErrors, [], 'uncaught page errors');
  });
});

async function shoot(name) {
  await dismissToasts(page);
  await shootPage(page, env, name);
}
