/**
 * Runs `worker` over `items`, at most `limit` at a time, in order of the items; resolves when all
 * have settled. The worker handles its own errors (a rejection is ignored, the others go on).
 */
export async function runBounded<T>(items: readonly T[], limit: number, worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await worker(item).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
