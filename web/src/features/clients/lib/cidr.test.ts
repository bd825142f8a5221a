import { checkSubnets } from './cidr';

describe('subnet check', () => {
  it.each(['10.77.0.0/24', '192.168.1.128/25', '10.0.0.0/8, 172.16.0.0/12', 'fd00:77::/64', '2001:db8::/32', '10.1.2.3/32'])(
    'accepts %s',
    (value) => expect(checkSubnets(value)).toEqual({ ok: true }),
  );

  it.each([
    ['', "Enter the remote site's subnet, such as 10.77.0.0/24."],
    ['10.77.0.0', '“10.77.0.0” is not in CIDR form (address/prefix), such as 10.77.0.0/24.'],
    ['10.77.0.5/24', '10.77.0.5/24 has host bits set: did you mean 10.77.0.0/24?'],
    ['fd00:77::1/64', 'fd00:77::1/64 has host bits set: did you mean fd00:77::/64?'],
    ['10.300.0.0/16', '“10.300.0.0” is not a valid IP address.'],
    ['10.0.0.0/33', 'The prefix length /33 is too long for an IPv4 address (at most /32).'],
    ['0.0.0.0/0', "/0 is the default route: enter the remote site's own subnet, such as 10.77.0.0/24."],
    ['10.0.0.0/8,', 'Remove the empty entry between the commas.'],
  ])('refuses %j', (value, message) => expect(checkSubnets(value)).toEqual({ ok: false, message }));
});
