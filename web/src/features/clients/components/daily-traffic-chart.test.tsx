import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { server, signedIn } from '@/testing/server';
import { renderApp } from '@/testing/render';
import { makeDays, makeDetail } from '@/testing/fixtures';
import type { DayTotal } from '../api/types';

const MiB = 1024 ** 2;
const day = (d: DayTotal) => new Date(d.day * 1000).toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

function detailWith(daily: (days: number) => DayTotal[]) {
  const asked: number[] = [];
  server.use(
    http.get('*/api/clients/1', () => HttpResponse.json(makeDetail({ state: 'active' }))),
    http.get('*/api/clients/1/pings', () => HttpResponse.json([])),
    http.get('*/api/clients/1/traffic', () => HttpResponse.json([])),
    http.get('*/api/clients/1/traffic/daily', ({ request }) => {
      const days = Number(new URL(request.url).searchParams.get('days'));
      asked.push(days);
      return HttpResponse.json(daily(days));
    }),
  );
  return asked;
}

const chart = async () => (await screen.findByText('Traffic per day (UTC)')).closest('figure')!;

describe('daily traffic chart', () => {
  beforeEach(signedIn);

  it('shows the last 7 days with their totals, a day on hover, and 30 days on the toggle', async () => {
    const week = makeDays(7, { 2: { rx_bytes: 300 * MiB, tx_bytes: 20 * MiB }, 6: { rx_bytes: 100 * MiB, tx_bytes: 5 * MiB } });
    const month = makeDays(30, { 0: { rx_bytes: 2 * 1024 * MiB, tx_bytes: 0 } });
    const asked = detailWith((days) => (days === 30 ? month : week));
    const user = userEvent.setup();
    renderApp('/clients/1');
    const figure = await chart();
    const legend = within(figure.querySelector('figcaption')!);

    expect(await legend.findByText('Last 7 days')).toBeVisible();
    expect(legend.getByText('400 MiB')).toBeVisible();
    expect(legend.getByText('25 MiB')).toBeVisible();
    expect(within(figure).getByRole('button', { name: '7 days' })).toHaveAttribute('aria-pressed', 'true');
    // One unit and one precision on the axis; every day of a week is labelled, in the app's date format.
    const ticks = [...figure.querySelectorAll('.daily-bars__tick')].map((t) => t.textContent);
    expect(ticks).toEqual(['0 MiB', '80 MiB', '160 MiB', '240 MiB', '320 MiB']);
    const short = (d: DayTotal) => new Date(d.day * 1000).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
    for (const d of week) expect(within(figure).getByText(short(d))).toBeInTheDocument();

    const days = figure.querySelectorAll('.daily-bars__day');
    expect(days).toHaveLength(7);
    fireEvent.pointerOver(days[2]!);
    expect(legend.getByText(day(week[2]!))).toBeVisible();
    expect(legend.getByText('300 MiB')).toBeVisible();
    expect(legend.getByText('20 MiB')).toBeVisible();
    fireEvent.pointerOut(days[2]!, { pointerType: 'mouse' });
    expect(legend.getByText('Last 7 days')).toBeVisible();
    expect(legend.getByText('400 MiB')).toBeVisible();

    await user.click(within(figure).getByRole('button', { name: '30 days' }));
    expect(await legend.findByText('Last 30 days')).toBeVisible();
    expect(legend.getByText('2.0 GiB')).toBeVisible();
    expect(legend.getByText('0 B')).toBeVisible();
    expect(figure.querySelectorAll('.daily-bars__day')).toHaveLength(30);
    expect(asked).toEqual([7, 30]);
  });

  it('lists the numbers of every day on demand', async () => {
    const week = makeDays(7, { 6: { rx_bytes: 1536, tx_bytes: 512 } });
    detailWith(() => week);
    const user = userEvent.setup();
    renderApp('/clients/1');
    const figure = await chart();
    await user.click(await within(figure).findByText('Show the numbers'));
    const table = within(figure).getByRole('table');
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(8);
    expect(rows[7]).toHaveTextContent(`${day(week[6]!)}1.5 KiB512 B`);
    expect(rows[1]).toHaveTextContent(`${day(week[0]!)}0 B0 B`);
  });

  it('says when there is no traffic yet', async () => {
    detailWith((days) => makeDays(days));
    renderApp('/clients/1');
    const figure = await chart();
    expect(await within(figure).findByText('No traffic in the last 7 days. Totals are counted while the client is active.')).toBeVisible();
    expect(within(figure).queryByText('Show the numbers')).not.toBeInTheDocument();
  });
});
