import { makeClient } from '@/testing/fixtures';
import { countClients, joinNames, planBulk, preview } from './bulk';

describe('bulk actions', () => {
  const active = makeClient({ id: 1, name: 'a', state: 'active' });
  const inactive = makeClient({ id: 2, name: 'b', state: 'inactive' });
  const failed = makeClient({ id: 3, name: 'c', state: 'failed' });
  const all = [active, inactive, failed];

  it.each([
    ['activate', [inactive, failed], [active]],
    ['deactivate', [active, failed], [inactive]],
    ['delete', all, []],
  ] as const)('%s runs on the clients not already there', (action, targets, skipped) => {
    expect(planBulk(action, all)).toEqual({ targets, skipped });
  });

  it('previews the first ten names and counts the rest', () => {
    const names = Array.from({ length: 13 }, (_, i) => `site-${i}`);
    expect(preview(names)).toEqual({ shown: names.slice(0, 10), more: 3 });
    expect(preview(names.slice(0, 2))).toEqual({ shown: names.slice(0, 2), more: 0 });
    expect(joinNames(names.slice(0, 3))).toBe('site-0, site-1, site-2');
    expect(joinNames(names)).toBe('site-0, site-1, site-2, site-3, site-4, site-5, site-6, site-7, site-8, site-9 and 3 more');
  });

  it('names one client, counts several', () => {
    expect(countClients([active])).toBe('a');
    expect(countClients(all)).toBe('3 clients');
  });
});
