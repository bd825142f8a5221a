// Browser end-to-end test of the admin pages (Users, API tokens, Audit log) against a running
// peergate (the real binary): the admin adds an operator `e2e-op` with a generated password (shown
// once, copied), who signs in in a second browser and finds no admin pages; the add form puts a
// taken name and a too-short password on their fields; the admin disables e2e-op (signed out,
// sign-in refused), enables them, resets their password, ends their sessions and removes them;
// creates an API token (its secret shown once works as a bearer token from outside the browser),
// revokes it (refused from then on, the secret is nowhere after a reload); and finds all of it in
// the audit log, filtered through the URL, with an event's before/after and request id.
// Screenshots + axe on every page and dialog. Runs next to the other e2e files on the same server:
// it creates no gateway clients and only users named e2e-op*.
//
//   PEERGATE_URL=http://127.0.0.1:18080 PEERGATE_E2E_USER=admin PEERGATE_E2E_PASSWORD=... npm run e2e
//
// Required: PEERGATE_URL, PEERGATE_E2E_USER (an admin), PEERGATE_E2E_PASSWORD. Missing ones fail.
// Optional: CHROMIUM (default /usr/bin/chromium), PEERGATE_TEST_OUTPUT (default ../test-output).
//
// Screenshots: <output>/screenshots/{admin-users,admin-user-added-password,admin-only-notice,
//   admin-tokens,admin-token-secret,admin-audit}-{desktop,phone}.png

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { checkAccessibility as axeCheck, checkPage, checkPhone as checkPhoneWidth, dismissToasts, openBrowser, readEnv, shoot as shootPage, waitUntil } from './lib/browser.mjs';

const env = readEnv();
const operator = 'e2e-op';
const tokenName = 'e2e script';

let browser;
let page;
/** The second browser, signed in as the operator. */
let opBrowser;
let opPage;
/** The operator's current password (generated when added, generated again by the reset). */
let opPassword;
/** The API token's secret, shown once. */
let tokenSecret;

before(async () => {
  browser = await openBrowser(env, { timeout: 15_000, permissions: ['clipboard-read', 'clipboard-write'] });
  page = browser.page;
});

after(async () => {
  await opBrowser?.close();
  await browser?.close();
});

/** axe at the desktop width, and nothing sticks out sideways. */
const checkAccessibility = (label) => checkPage(page, label);

/** At the phone width: nothing sticks out sideways, and axe. */
const checkPhone = (label, on = page) => checkPhoneWidth(on, label);

test('users, API tokens and the audit log, as an admin and as an operator', async (t) => {
  await t.test('the Admin link leads to /admin/users, where your own row is marked and cannot be disabled or removed', async () => {
    await signIn(page, env.user, env.password);
    await dismissToasts(page);
    const admin = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin', exact: true });
    assert.ok(await admin.isVisible(), 'an admin sees the Admin link');
    await admin.click();
    await page.waitForURL((url) => url.pathname === '/admin/users');
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await waitUntil(async () => (await page.title()) === 'Users · peergate', 'the title is "Users · peergate"');
    assert.equal(await admin.getAttribute('aria-current'), 'page', 'the Admin link is the current one');
    assert.equal(
      await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Users' }).getAttribute('aria-current'),
      'page',
      'the Users tab is the current one',
    );

    const own = userRow(env.user);
    await own.waitFor();
    assert.ok(await own.locator('.you-tag').getByText('you', { exact: true }).isVisible(), 'your own row says "you"');
    assert.match(await own.innerText(), /Admin/);
    assert.match(await own.innerText(), /Enabled/);
    await own.getByRole('button', { name: `Reset password of ${env.user}` }).waitFor();
    await own.getByRole('button', { name: `End sessions of ${env.user}` }).waitFor();
    assert.equal(await own.getByRole('button', { name: /^Disable/ }).count(), 0, 'no Disable on your own row');
    assert.equal(await own.getByRole('button', { name: /^Remove/ }).count(), 0, 'no Remove on your own row');
    // "you" is a word of its own for a screen reader too.
    await own.getByRole('rowheader', { name: `${env.user} you`, exact: true }).waitFor();
    await checkAccessibility('users page');
  });

  await t.test(`add ${operator} with a generated password: shown once, copied, gone after Done`, async () => {
    await page.getByRole('button', { name: 'Add user' }).click();
    const form = page.getByRole('region', { name: 'Add a user' });
    await form.waitFor();
    const username = form.getByLabel('Username');
    assert.equal(await username.evaluate((el) => el === document.activeElement), true, 'the username field has focus');
    assert.ok(await form.getByLabel('Generate one (shown once)').isChecked(), 'a generated password is the default');
    await checkAccessibility('add user form');
    await username.fill(operator);
    await form.getByLabel('Role').selectOption('operator');
    await form.getByRole('button', { name: 'Add user' }).click();

    const dialog = page.getByRole('dialog', { name: `Added ${operator}` });
    await dialog.waitFor();
    const secret = dialog.getByLabel(`Password of ${operator}`);
    opPassword = await secret.inputValue();
    assert.ok(opPassword.length >= 12, `a generated password of at least 12 characters (got ${opPassword.length})`);
    assert.match(await dialog.innerText(), /it will not be shown again/);
    await dialog.getByRole('button', { name: `Copy Password of ${operator}` }).click();
    await dialog.getByRole('button', { name: `Copied Password of ${operator}` }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), opPassword, 'the clipboard holds the password');
    await shoot('admin-user-added-password');
    await checkAccessibility('added user dialog with the password');

    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    await assertNowhere(page, opPassword, 'the generated password');
    const row = userRow(operator);
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /Operator/, text);
    assert.match(text, /Enabled/, text);
    assert.doesNotMatch(text, /you/, text);
    await shoot('admin-users');
    await checkAccessibility('users page with an operator');
    await checkPhone('users page with an operator');
  });

  await t.test(`${operator} signs in in another browser: no Admin link, /admin/audit says it needs an admin`, async () => {
    opBrowser = await openBrowser(env, { timeout: 15_000 });
    opPage = opBrowser.page;
    await signIn(opPage, operator, opPassword, { operator: true });
    // No dead end: nothing they cannot use is offered, and nothing polls into a 403.
    assert.equal(await opPage.getByRole('button', { name: /Upload/ }).count(), 0, 'no Upload button for an operator');
    assert.equal(await opPage.getByText('Live updates unavailable').count(), 0);
    assert.ok(await opPage.getByRole('banner').getByText(operator, { exact: true }).isVisible(), 'the operator is shown in the header');
    assert.equal(await opPage.getByRole('link', { name: 'Admin', exact: true }).count(), 0, 'no Admin link for an operator');

    await opPage.goto(`${env.url}/admin/audit`);
    await opPage.getByRole('heading', { name: 'This page needs an admin account', level: 1 }).waitFor();
    assert.match(await opPage.locator('.empty-state').innerText(), new RegExp(`You are signed in as ${operator}, an operator\\.`));
    assert.equal(await opPage.getByRole('navigation', { name: 'Admin' }).count(), 0, 'no admin tabs');
    assert.equal(await opPage.getByRole('table').count(), 0, 'no audit events');
    await waitUntil(async () => (await opPage.title()) === 'Needs an admin account · peergate', 'the title says it needs an admin');
    await dismissToasts(opPage);
    await shootPage(opPage, env, 'admin-only-notice');
    await axeCheck(opPage, 'admin-only notice');
    await checkPhone('admin-only notice', opPage);
    await opPage.getByRole('link', { name: 'Back to the dashboard' }).click();
    await opPage.waitForURL((url) => url.pathname === '/');
  });

  await t.test('the add form puts a taken name on the username field and a short password on the password field', async () => {
    await page.getByRole('button', { name: 'Add user' }).click();
    const form = page.getByRole('region', { name: 'Add a user' });
    const username = form.getByLabel('Username');
    await username.fill(operator);
    await form.getByRole('button', { name: 'Add user' }).click();
    await waitUntil(async () => (await username.getAttribute('aria-invalid')) === 'true', 'the username field is marked invalid');
    assert.equal(
      await describedBy(username),
      `There is already a user named ${operator}. Choose another name.`,
      'the refusal is on the username field',
    );
    assert.equal(await form.getByRole('alert').count(), 0, 'no general error above the form');
    await checkAccessibility('add user form with a taken name');

    await username.fill(`${operator}-short`);
    assert.equal(await username.getAttribute('aria-invalid'), null, 'changing the name clears its error');
    await form.getByLabel('Type one').check();
    const password = form.getByLabel('New password');
    await password.fill('short');
    await form.getByRole('button', { name: 'Add user' }).click();
    await waitUntil(async () => (await password.getAttribute('aria-invalid')) === 'true', 'the password field is marked invalid');
    assert.match(await describedBy(password), /at least 12 characters/, 'the refusal is on the password field');
    assert.equal(await username.getAttribute('aria-invalid'), null, 'the username is not blamed');
    await checkAccessibility('add user form with a short password');

    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'detached' });
    assert.equal(
      await page.getByRole('button', { name: 'Add user' }).evaluate((el) => el === document.activeElement),
      true,
      'focus is back on Add user',
    );
    assert.equal(await userRow(`${operator}-short`).count(), 0, 'nobody was added');
  });

  await t.test(`disable ${operator}: signed out at once, and signing in is refused`, async () => {
    await dismissToasts(page);
    await userRow(operator).getByRole('button', { name: `Disable ${operator}`, exact: true }).click();
    const dialog = page.getByRole('alertdialog', { name: `Disable ${operator}?` });
    await dialog.waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement), true, 'Cancel has focus');
    assert.match(await dialog.innerText(), /signed out everywhere/);
    await checkAccessibility('disable dialog');
    await dialog.getByRole('button', { name: 'Disable', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await notification(page, `${operator} is disabled`).waitFor();
    const row = userRow(operator);
    await waitUntil(async () => /Disabled/.test(await row.innerText()), 'the row says Disabled');
    assert.match(await row.innerText(), /since /);
    await row.getByRole('button', { name: `Enable ${operator}`, exact: true }).waitFor();

    await opPage.reload();
    await opPage.waitForURL((url) => url.pathname === '/login');
    await opPage.getByLabel('Username').fill(operator);
    await opPage.getByLabel('Password').fill(opPassword);
    assert.equal(await signInStatus(opPage), 401, 'a disabled account cannot sign in');
    const refused = opPage.getByRole('alert');
    await refused.waitFor();
    assert.match(await refused.innerText(), /Wrong username or password\./);
    assert.equal(new URL(opPage.url()).pathname, '/login');
  });

  await t.test(`enable ${operator} again, then reset their password to a generated one`, async () => {
    await dismissToasts(page);
    await userRow(operator).getByRole('button', { name: `Enable ${operator}`, exact: true }).click();
    await notification(page, `${operator} is enabled again and can sign in.`).waitFor();
    await waitUntil(async () => /Enabled/.test(await userRow(operator).innerText()), 'the row says Enabled');
    await dismissToasts(page);

    await userRow(operator).getByRole('button', { name: `Reset password of ${operator}` }).click();
    const ask = page.getByRole('dialog', { name: `Reset the password of ${operator}?` });
    await ask.waitFor();
    assert.ok(await ask.getByLabel('Generate one (shown once)').isChecked());
    await checkAccessibility('reset password dialog');
    await ask.getByRole('button', { name: 'Reset password' }).click();

    const shown = page.getByRole('dialog', { name: `New password of ${operator}` });
    await shown.waitFor();
    const fresh = await shown.getByLabel(`New password of ${operator}`).inputValue();
    assert.ok(fresh.length >= 12 && fresh !== opPassword, 'a new generated password');
    assert.match(await shown.innerText(), /had no live session|ended/);
    await checkAccessibility('new password dialog');
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    await assertNowhere(page, fresh, 'the new password');

    // The old password no longer works; the new one does.
    await opPage.getByLabel('Password').fill(opPassword);
    assert.equal(await signInStatus(opPage), 401, 'the old password is refused');
    opPassword = fresh;
    await opPage.getByLabel('Password').fill(opPassword);
    assert.equal(await signInStatus(opPage), 200, 'the new password is accepted');
    await opPage.waitForURL((url) => url.pathname === '/');
    await home(opPage, operator, true);
  });

  await t.test(`end the sessions of ${operator}: their browser is signed out`, async () => {
    await dismissToasts(page);
    // The live-session count follows the operator's sign-in (after a refetch).
    await page.reload();
    await waitUntil(async () => /\b1\s*$/.test(await userRow(operator).getByRole('cell').nth(3).innerText()), 'one live session is listed');
    await userRow(operator).getByRole('button', { name: `End sessions of ${operator}` }).click();
    const dialog = page.getByRole('alertdialog', { name: `End all sessions of ${operator}?` });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /1 live now/);
    await checkAccessibility('end sessions dialog');
    await dialog.getByRole('button', { name: 'End sessions' }).click();
    await notification(page, `Ended 1 session of ${operator}.`).waitFor();

    await opPage.reload();
    await opPage.waitForURL((url) => url.pathname === '/login');
  });

  await t.test(`remove ${operator}: the dialog names them, the row goes`, async () => {
    await dismissToasts(page);
    await userRow(operator).getByRole('button', { name: `Remove ${operator}`, exact: true }).click();
    const dialog = page.getByRole('alertdialog', { name: `Remove the user ${operator}?` });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), new RegExp(`${operator} can no longer sign in`));
    assert.equal(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement), true, 'Cancel has focus');
    await checkAccessibility('remove dialog');
    await dialog.getByRole('button', { name: `Remove ${operator}` }).click();
    await dialog.waitFor({ state: 'detached' });
    await notification(page, `Removed the user ${operator}.`).waitFor();
    await userRow(operator).waitFor({ state: 'detached' });
  });

  await t.test('create an API token with a 1-day expiry: its secret is shown once and works as a bearer token', async () => {
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'API tokens' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/tokens');
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    await waitUntil(async () => (await page.title()) === 'API tokens · peergate', 'the title is "API tokens · peergate"');
    await dismissToasts(page);

    await page.getByRole('button', { name: 'Create token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API token' });
    await dialog.waitFor();
    await checkAccessibility('create token dialog');
    await dialog.getByLabel('Name').fill(tokenName);
    await dialog.getByLabel('Expires after (days) (optional)').fill('1');
    await dialog.getByRole('button', { name: 'Create token' }).click();

    const shown = page.getByRole('dialog', { name: 'Token created' });
    await shown.waitFor();
    tokenSecret = await shown.getByLabel(`Token “${tokenName}” of ${env.user}`).inputValue();
    assert.ok(tokenSecret.length >= 20, 'a token secret');
    assert.match(await shown.innerText(), /it will not be shown again/);
    await shoot('admin-token-secret');
    await checkAccessibility('token secret dialog');
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    await assertNowhere(page, tokenSecret, 'the token secret');

    const me = await fetch(`${env.url}/api/auth/me`, { headers: { Authorization: `Bearer ${tokenSecret}` } });
    assert.equal(me.status, 200, 'the token is accepted');
    assert.equal((await me.json()).user.username, env.user, 'the token acts as its user');

    const row = tokenRow(tokenName);
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /Live/, text);
    // Cells: user, created, expires, last used, status.
    assert.match(await row.getByRole('cell').nth(2).innerText(), /\d/, 'an expiry date is shown, not Never');
    await shoot('admin-tokens');
    await checkAccessibility('tokens page');
    await checkPhone('tokens page');
  });

  await t.test('revoke the token (confirmed): Revoked, refused from then on, and the secret is nowhere after a reload', async () => {
    await tokenRow(tokenName).getByRole('button', { name: `Revoke ${tokenName}` }).click();
    const dialog = page.getByRole('alertdialog', { name: `Revoke the token “${tokenName}” of ${env.user}?` });
    await dialog.waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement), true, 'Cancel has focus');
    await checkAccessibility('revoke token dialog');
    await dialog.getByRole('button', { name: 'Revoke token' }).click();
    await dialog.waitFor({ state: 'detached' });
    await notification(page, `Revoked the token “${tokenName}”.`).waitFor();
    const row = tokenRow(tokenName);
    await waitUntil(async () => /Revoked/.test(await row.innerText()), 'the row says Revoked');
    assert.equal(await row.getByRole('button', { name: /^Revoke/ }).count(), 0, 'a revoked token offers no Revoke');

    const me = await fetch(`${env.url}/api/auth/me`, { headers: { Authorization: `Bearer ${tokenSecret}` } });
    assert.equal(me.status, 401, 'the revoked token is refused');

    await page.reload();
    await tokenRow(tokenName).waitFor();
    const text = await tokenRow(tokenName).innerText();
    assert.match(text, /Revoked/, text);
    assert.notEqual((await tokenRow(tokenName).getByRole('cell').nth(3).innerText()).trim(), 'Never', 'its use is recorded');
    await assertNowhere(page, tokenSecret, 'the token secret');
  });

  await t.test('the audit log lists what was done', async () => {
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/audit');
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await waitUntil(async () => (await page.title()) === 'Audit log · peergate', 'the title is "Audit log · peergate"');
    const table = page.getByRole('table', { name: 'Audit events, newest first' });
    await table.waitFor();
    const expected = [
      ['user.create', env.user, `user:${operator}`],
      ['auth.login', operator, `user:${operator}`],
      ['user.disable', env.user, `user:${operator}`],
      ['auth.login_failed', 'anonymous', `user:${operator}`],
      ['user.enable', env.user, `user:${operator}`],
      ['user.password', env.user, `user:${operator}`],
      ['user.sessions_end', env.user, `user:${operator}`],
      ['user.delete', env.user, `user:${operator}`],
      ['token.create', env.user, 'token:'],
      ['token.revoke', env.user, 'token:'],
    ];
    // [actor, action, target] of each listed event; older pages are loaded while something is missing
    // (the other e2e files write to the same log meanwhile).
    const listed = () =>
      table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].slice(1, 4).map((td) => td.textContent?.trim() ?? '')));
    const missing = (rows) => expected.filter(([action, actor, target]) => !rows.some(([a, b, c]) => b === action && a === actor && c.startsWith(target)));
    let rows = await listed();
    const older = page.getByRole('button', { name: 'Load older events' });
    while (missing(rows).length > 0 && (await older.isVisible())) {
      const count = rows.length;
      await older.click();
      await waitUntil(async () => (await listed()).length > count, 'older events are listed');
      rows = await listed();
    }
    for (const [action, actor, target] of expected) {
      assert.ok(
        rows.some(([a, b, c]) => b === action && a === actor && c.startsWith(target)),
        `the audit log lists ${action} by ${actor} on ${target}…; it has ${JSON.stringify(rows.slice(0, 30))}`,
      );
    }
    // The refused (short) password added nobody, and so recorded nothing.
    assert.ok(!rows.some(([, , c]) => c === `user:${operator}-short`), 'no event for the refused user');
  });

  await t.test('filter by action and actor: the URL holds the filter, a reload keeps it; an event opens to before/after and request id', async () => {
    const filters = page.getByRole('form', { name: 'Filter the audit log' });
    await filters.getByLabel('Action').fill('user.delete');
    await filters.getByLabel('Actor').fill(env.user);
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('action') === 'user.delete' && url.searchParams.get('actor') === env.user);

    await page.reload();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('action'), 'user.delete');
    assert.equal(url.searchParams.get('actor'), env.user);
    assert.equal(await filters.getByLabel('Action').inputValue(), 'user.delete', 'the form shows the filter after a reload');
    assert.equal(await filters.getByLabel('Actor').inputValue(), env.user);
    const table = page.getByRole('table', { name: 'Audit events, newest first' });
    await table.waitFor();
    await page.getByRole('status').filter({ hasText: 'newest first' }).waitFor();
    const rows = table.locator('tbody tr');
    const texts = await rows.allInnerTexts();
    assert.ok(texts.length >= 1, 'at least the removal is listed');
    for (const text of texts) {
      assert.match(text, /user\.delete/, text);
      assert.match(text, new RegExp(env.user), text);
    }
    const removal = rows.filter({ hasText: `user:${operator}` });
    assert.equal(await removal.count(), 1, `one removal of ${operator}`);

    await removal.locator('summary').click();
    const before = removal.getByLabel('Before (JSON)');
    await before.waitFor();
    assert.deepEqual(JSON.parse(await before.innerText()), { username: operator, role: 'operator' });
    const requestId = (await removal.locator('.audit-details code').innerText()).trim();
    assert.ok(requestId.length > 0, 'a request id is shown');
    await page.mouse.move(0, 0);
    await shoot('admin-audit');
    await checkAccessibility('audit log with an event open');
    await checkPhone('audit log with an event open');

    await filters.getByRole('button', { name: 'Clear' }).click();
    await page.waitForURL((url) => url.search === '');
    assert.equal(await filters.getByLabel('Action').inputValue(), '', 'Clear empties the form');
  });

  await t.test('the pages ran under the strict CSP without violations or errors', () => {
    assert.deepEqual(browser.cspViolations, [], 'Content-Security-Policy violations');
    assert.deepEqual(browser.pageErrors, [], 'uncaught page errors');
    assert.deepEqual(opBrowser?.cspViolations, [], 'Content-Security-Policy violations (operator)');
    assert.deepEqual(opBrowser?.pageErrors, [], 'uncaught page errors (operator)');
  });
});

/** Submits the sign-in form; the status of the server's answer. */
async function signInStatus(on) {
  const [response] = await Promise.all([
    on.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/login'),
    on.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  return response.status();
}

/** Signs in; an admin lands on the client list, an operator on the page saying what they may do. */
async function signIn(on, username, password, { operator = false } = {}) {
  await on.goto(`${env.url}/login`);
  await on.getByLabel('Username').fill(username);
  await on.getByLabel('Password').fill(password);
  await on.getByRole('button', { name: 'Sign in' }).click();
  await on.waitForURL((url) => url.pathname === '/');
  await home(on, username, operator);
}

async function home(on, username, operator) {
  const heading = operator ? `Signed in as ${username}, an operator` : 'Clients';
  await on.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

/** The users table's row of `username` (its row header is the name, with "you" on your own). */
function userRow(username) {
  return page
    .getByRole('table', { name: 'Users' })
    .getByRole('row')
    .filter({ has: page.locator('th[scope="row"]', { hasText: new RegExp(`^${escapeRegExp(username)}( you)?$`) }) });
}

function tokenRow(name) {
  return page
    .getByRole('table', { name: 'API tokens' })
    .getByRole('row')
    .filter({ has: page.locator('th[scope="row"]', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) });
}

function notification(on, text) {
  return on.getByRole('status', { name: 'Notifications' }).getByText(text);
}

/** The text of the elements that describe a field (its hint and error). */
async function describedBy(field) {
  return field.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => document.getElementById(id))
      .filter((node) => node?.classList.contains('field__error'))
      .map((node) => node.textContent?.trim())
      .join(' '),
  );
}

/** A secret shown once is not in the page any more: not in its markup, text or any field. */
async function assertNowhere(on, secret, what) {
  assert.ok(!(await on.content()).includes(secret), `${what} is not in the page's markup`);
  const inFields = await on.evaluate(
    (s) => [...document.querySelectorAll('input, textarea')].some((el) => el.value.includes(s)) || document.body.innerText.includes(s),
    secret,
  );
  assert.equal(inFields, false, `${what} is not in the page's text or fields`);
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function shoot(name) {
  await dismissToasts(page);
  await shootPage(page, env, name);
}
