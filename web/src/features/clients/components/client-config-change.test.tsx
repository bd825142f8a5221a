import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { problem, server, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { makeClient, makeDetail } from '@/testing/fixtures';
import type { ClientDetail, ClientUpdate } from '../api/types';

const KEY_B = 'CAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg=';

/** Client 1 with `overrides`; counts the detail requests (a change fetches the detail anew). */
function detailOf(overrides: Partial<ClientDetail> = {}) {
  const fetched = { count: 0 };
  server.use(
    http.get('*/api/clients/1', () => {
      fetched.count += 1;
      return HttpResponse.json(makeDetail({ name: 'site-a', ...overrides }));
    }),
    http.get('*/api/clients/1/pings', () => HttpResponse.json([])),
    http.get('*/api/clients/1/traffic', () => HttpResponse.json([])),
    http.get('*/api/clients/1/traffic/daily', () => HttpResponse.json([])),
  );
  return fetched;
}

async function open(button: string, region: string) {
  const user = userEvent.setup();
  renderApp('/clients/1');
  await user.click(await screen.findByRole('button', { name: button }));
  return { user, form: screen.getByRole('region', { name: region }) };
}

describe('client detail: subnets', () => {
  beforeEach(signedIn);

  it('changes the subnets of a running tunnel and shows what it routes now', async () => {
    const fetched = detailOf({ state: 'active' });
    const bodies: ClientUpdate[] = [];
    server.use(
      http.patch('*/api/clients/1', async ({ request }) => {
        const body = (await request.json()) as ClientUpdate;
        bodies.push(body);
        return HttpResponse.json(makeClient({ name: 'site-a', state: 'active', subnets: ['10.77.0.0/24', '10.78.0.0/24'] }));
      }),
    );
    const { user, form } = await open('Change subnets', 'Change subnets');
    expect(within(form).getByText(/takes them in place, without a restart/)).toBeVisible();
    const field = within(form).getByLabelText('Subnets');
    expect(field).toHaveFocus();
    expect(field).toHaveValue('10.77.0.0/24');
    await user.type(field, ', 10.78.0.0/24');
    const before = fetched.count;
    await user.click(within(form).getByRole('button', { name: 'Save subnets' }));
    expect(await screen.findByText('site-a now routes 10.77.0.0/24, 10.78.0.0/24. The running tunnel took them without a restart.')).toBeVisible();
    expect(bodies).toEqual([{ subnet: '10.77.0.0/24, 10.78.0.0/24' }]);
    expect(screen.queryByRole('region', { name: 'Change subnets' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Change subnets' })).toHaveFocus();
    // The route commands, rules and config follow from the new subnets: the detail is fetched again.
    await waitFor(() => expect(fetched.count).toBeGreaterThan(before));
  });

  it('checks the subnets as typed, puts the server’s refusal at its field, and says when the tunnel kept the old ones', async () => {
    detailOf({ state: 'active' });
    const overlap = 'Subnet 10.77.0.0/24 overlaps 10.77.0.0/16 of site-b';
    const answers = [
      problem(422, 'subnet_overlap', `subnet: ${overlap}`, { errors: [{ field: 'subnet', line: null, message: overlap }] }),
      problem(422, 'subnets_not_applied', 'The running tunnel did not take the new subnets (wg: exit 1); the previous subnets are back'),
    ];
    let sent = 0;
    server.use(http.patch('*/api/clients/1', () => (sent += 1, answers.shift())));
    const { user, form } = await open('Change subnets', 'Change subnets');
    const field = within(form).getByLabelText('Subnets');
    await user.clear(field);
    await user.type(field, '10.77.0.1/24');
    expect(field).toBeInvalid();
    await user.click(within(form).getByRole('button', { name: 'Save subnets' }));
    expect(sent).toBe(0);

    await user.clear(field);
    await user.type(field, '10.77.0.0/16');
    await user.click(within(form).getByRole('button', { name: 'Save subnets' }));
    await waitFor(() => expect(field).toHaveAccessibleDescription(expect.stringContaining(overlap)));
    expect(within(form).queryByRole('alert')).toBeNull();

    await user.clear(field);
    await user.type(field, '10.99.0.0/24');
    expect(field).not.toHaveAccessibleDescription(expect.stringContaining(overlap));
    await user.click(within(form).getByRole('button', { name: 'Save subnets' }));
    const alert = await within(form).findByRole('alert');
    expect(alert).toHaveTextContent('Not changed: The running tunnel did not take the new subnets (wg: exit 1); the previous subnets are back');
    expect(alert).toHaveFocus();
    expect(sent).toBe(2);
  });

  it('is offered only for a single peer', async () => {
    detailOf({
      peers: [
        { public_key: makeDetail().peers[0]!.public_key, endpoint: '192.0.2.10:51820', allowed_ips: ['10.77.0.0/24'] },
        { public_key: KEY_B, endpoint: '192.0.2.11:51820', allowed_ips: ['10.78.0.0/24'] },
      ],
    });
    renderApp('/clients/1');
    expect(await screen.findByRole('button', { name: 'Replace config' })).toBeEnabled();
    expect(screen.queryByRole('button', { name: 'Change subnets' })).toBeNull();
  });

  it('Escape closes the form without saving', async () => {
    detailOf();
    let sent = 0;
    server.use(http.patch('*/api/clients/1', () => ((sent += 1), HttpResponse.json(makeClient()))));
    const { user, form } = await open('Change subnets', 'Change subnets');
    expect(within(form).getByText(/used when the client is activated/)).toBeVisible();
    await user.type(within(form).getByLabelText('Subnets'), ', 10.78.0.0/24');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: 'Change subnets' })).toBeNull();
    expect(sent).toBe(0);
  });
});

describe('client detail: replacing the config', () => {
  beforeEach(signedIn);

  function recordReplacements(answer: () => Response) {
    // (jsdom's File does not survive msw's multipart parsing: the browser suite checks the bytes.)
    const sent: { file: boolean; subnet: FormDataEntryValue | null }[] = [];
    server.use(
      http.post('*/api/clients/1/config', async ({ request }) => {
        const form = await request.formData();
        sent.push({ file: form.has('file'), subnet: form.get('subnet') });
        return answer();
      }),
    );
    return sent;
  }

  it('replaces an inactive client’s file at once, keeping its subnets unless others are typed', async () => {
    detailOf();
    const sent = recordReplacements(() => HttpResponse.json(makeClient({ name: 'site-a' })));
    const { user, form } = await open('Replace config', 'Replace the config');
    expect(within(form).getByText(/keeps the current subnets \(10\.77\.0\.0\/24\)/)).toBeVisible();
    await user.click(within(form).getByRole('button', { name: 'Replace' }));
    expect(within(form).getByText('Choose the new WireGuard .conf file.')).toBeVisible();
    expect(sent).toEqual([]);

    await user.upload(within(form).getByLabelText('Choose file'), new File(['[Interface]\nrotated'], 'site-a-new.conf'));
    await user.click(within(form).getByRole('button', { name: 'Replace' }));
    expect(await screen.findByText('Replaced the config of site-a.')).toBeVisible();
    expect(sent).toEqual([{ file: true, subnet: null }]);
    expect(screen.queryByRole('region', { name: 'Replace the config' })).toBeNull();
  });

  it('asks before moving a running tunnel, and shows why it kept the old file', async () => {
    detailOf({ state: 'active' });
    const detail =
      'The new config did not come up (wg-quick: exit 1: Name or service not known); the tunnel runs on the previous config again';
    const sent = recordReplacements(() => problem(422, 'replace_not_applied', detail));
    const { user, form } = await open('Replace config', 'Replace the config');
    await user.upload(within(form).getByLabelText('Choose file'), new File(['[Interface]\nmoved'], 'moved.conf'));
    await user.type(within(form).getByLabelText('Subnets (optional)'), '10.77.0.0/24, 10.78.0.0/24');
    await user.click(within(form).getByRole('button', { name: 'Replace…' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Move the running tunnel site-a to moved.conf?' });
    expect(dialog).toHaveTextContent('interrupts traffic to 10.77.0.0/24');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(sent).toEqual([]);

    await user.click(within(form).getByRole('button', { name: 'Replace…' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Replace and restart' }));
    const alert = await within(form).findByRole('alert');
    expect(alert).toHaveTextContent(`Not replaced: ${detail}`);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(sent).toEqual([{ file: true, subnet: '10.77.0.0/24, 10.78.0.0/24' }]);
  });

  it('lists every problem of a refused file with its line', async () => {
    detailOf();
    const errors = [
      { field: 'conf', line: 3, message: 'PostUp runs commands as root; peergate refuses it' },
      { field: 'conf', line: 9, message: 'Table = off is not supported' },
    ];
    recordReplacements(() => problem(422, 'several_problems', '2 problems', { errors }));
    const { user, form } = await open('Replace config', 'Replace the config');
    await user.upload(within(form).getByLabelText('Choose file'), new File(['x'], 'bad.conf'));
    await user.click(within(form).getByRole('button', { name: 'Replace' }));
    const alert = await within(form).findByRole('alert');
    expect(within(alert).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Line 3 PostUp runs commands as root; peergate refuses it',
      'Line 9 Table = off is not supported',
    ]);
  });
});
