import { formatMsTicks, formatRateTicks, tickDecimals } from './format';
import { latest } from '@/components/time-chart';

describe('chart axis labels', () => {
  it('give every label of one axis the same precision', () => {
    expect(formatMsTicks([0, 5, 10, 15, 20])).toEqual(['0 ms', '5 ms', '10 ms', '15 ms', '20 ms']);
    expect(formatMsTicks([0, 0.5, 1, 1.5])).toEqual(['0.0 ms', '0.5 ms', '1.0 ms', '1.5 ms']);
    expect(tickDecimals([0, 0.05, 0.1])).toBe(2);
  });

  it('write rates in the unit of the largest tick', () => {
    // bytes/s: 0, 62.5 k, 125 k → 0, 0.5, 1.0 Mbit/s (not "0 bit/s" next to "500 kbit/s")
    expect(formatRateTicks([0, 62_500, 125_000])).toEqual(['0.0 Mbit/s', '0.5 Mbit/s', '1.0 Mbit/s']);
    expect(formatRateTicks([0, 125, 250])).toEqual(['0 kbit/s', '1 kbit/s', '2 kbit/s']);
  });

  it('legend falls back to the latest value that is not a gap', () => {
    expect(latest([1, 2, null])).toBe(2);
    expect(latest([])).toBeNull();
  });
});
