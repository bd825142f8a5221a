import { compareNetworks, overlaps, parseNetwork } from './network';

const net = (text: string) => {
  const n = parseNetwork(text);
  if (!n) throw new Error(`not a network: ${text}`);
  return n;
};

describe('networks', () => {
  it.each([
    ['10.0.2.0/24', { width: 32, prefix: 24 }],
    ['10.1.2.3', { width: 32, prefix: 32 }],
    ['fd00:77::/64', { width: 128, prefix: 64 }],
    ['2001:db8::1', { width: 128, prefix: 128 }],
  ])('reads %s', (text, shape) => expect(parseNetwork(text)).toMatchObject(shape));

  it.each(['', 'site-a', '10.1.2', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0.0/x', 'fd00::/129'])('refuses %j', (text) =>
    expect(parseNetwork(text)).toBeNull(),
  );

  it('orders numerically, IPv4 before IPv6, wider networks first', () => {
    const sorted = ['fd00::/64', '10.0.10.0/24', '192.168.1.0/24', '10.0.2.0/24', '10.0.0.0/8', '9.9.9.0/24']
      .map(net)
      .sort(compareNetworks);
    expect(sorted.map((n) => `${n.width}/${n.prefix}:${n.address.toString(16)}`)).toEqual([
      '32/24:9090900',
      '32/8:a000000',
      '32/24:a000200',
      '32/24:a000a00',
      '32/24:c0a80100',
      '128/64:fd000000000000000000000000000000',
    ]);
  });

  it.each([
    ['10.1.2.0/24', '10.1.2.3', true],
    ['10.1.2.0/24', '10.1.3.1', false],
    ['10.0.0.0/8', '10.1.2.0/24', true],
    ['10.1.2.0/24', '10.0.0.0/8', true],
    ['10.1.2.0/24', '10.2.0.0/16', false],
    ['fd00:77::/64', 'fd00:77::1', true],
    ['fd00:77::/64', '10.1.2.3', false],
  ])('%s and %s overlap: %s', (a, b, expected) => expect(overlaps(net(a), net(b))).toBe(expected));
});
