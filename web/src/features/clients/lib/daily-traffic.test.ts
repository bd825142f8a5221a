import { byteAxis, labelled, totals } from './daily-traffic';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe('daily traffic numbers', () => {
  it.each([
    [3, 4, ['0 B', '1 B', '2 B', '3 B', '4 B']],
    [900, 1000, ['0 B', '250 B', '500 B', '750 B', '1000 B']],
    [5000, 6 * KiB, ['0.0 KiB', '1.5 KiB', '3.0 KiB', '4.5 KiB', '6.0 KiB']],
    [1.5 * MiB, 1.6 * MiB, ['0.0 MiB', '0.4 MiB', '0.8 MiB', '1.2 MiB', '1.6 MiB']],
    [700 * MiB, 800 * MiB, ['0 MiB', '200 MiB', '400 MiB', '600 MiB', '800 MiB']],
    [0.9 * GiB, 1000 * MiB, ['0 MiB', '250 MiB', '500 MiB', '750 MiB', '1000 MiB']],
    [42 * GiB, 60 * GiB, ['0 GiB', '15 GiB', '30 GiB', '45 GiB', '60 GiB']],
  ])('an axis for %d bytes tops at %d: %j', (max, top, labels) => {
    const axis = byteAxis(max);
    expect(axis.top).toBeCloseTo(top);
    expect(axis.top).toBeGreaterThanOrEqual(max);
    expect(axis.labels).toEqual(labels);
  });

  it('adds up both directions', () => {
    expect(totals([])).toEqual({ rx: 0, tx: 0 });
    expect(
      totals([
        { day: 0, rx_bytes: 5, tx_bytes: 1 },
        { day: 86_400, rx_bytes: 7, tx_bytes: 0 },
      ]),
    ).toEqual({ rx: 12, tx: 1 });
  });

  it('labels every day of a week and every 7th day of a month, today included', () => {
    expect(Array.from({ length: 7 }, (_, i) => labelled(i, 7)).every(Boolean)).toBe(true);
    expect(Array.from({ length: 30 }, (_, i) => i).filter((i) => labelled(i, 30))).toEqual([1, 8, 15, 22, 29]);
  });
});
