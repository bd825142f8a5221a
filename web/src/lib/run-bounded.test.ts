import { runBounded } from './run-bounded';

describe('runBounded', () => {
  it('runs every item, in order, never more than the limit at once, past failures', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await runBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      started.push(n);
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, n % 2 ? 5 : 1));
      running -= 1;
      if (n === 2) throw new Error('boom');
    });
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
    expect(running).toBe(0);
  });

  it('resolves at once for no items', async () => {
    const worker = vi.fn();
    await runBounded([], 4, worker);
    expect(worker).not.toHaveBeenCalled();
  });
});
