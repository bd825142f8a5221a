// IP networks as numbers, for ordering subnets numerically and for finding the subnet an address
// is in. Parsing is cidr.ts's; this only turns its bits into a comparable value.

import { addressBits } from './cidr';

/** `10.0.2.0/24`, or a bare address as a /32 (/128). `width` is 32 or 128. */
export type Network = { width: number; address: bigint; prefix: number };

export function parseNetwork(text: string): Network | null {
  const [address = '', prefixText, extra] = text.split('/');
  if (extra !== undefined || (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText))) return null;
  const bits = addressBits(address);
  if (!bits) return null;
  const prefix = prefixText === undefined ? bits.length : Number(prefixText);
  if (prefix > bits.length) return null;
  return { width: bits.length, address: BigInt(`0b${bits.join('')}`), prefix };
}

/** IPv4 before IPv6, then by address, then the wider network first. */
export function compareNetworks(a: Network, b: Network): number {
  if (a.width !== b.width) return a.width - b.width;
  if (a.address !== b.address) return a.address < b.address ? -1 : 1;
  return a.prefix - b.prefix;
}

/** True when one network contains the other (an address is a network of one). */
export function overlaps(a: Network, b: Network): boolean {
  if (a.width !== b.width) return false;
  const shift = BigInt(a.width - Math.min(a.prefix, b.prefix));
  return a.address >> shift === b.address >> shift;
}
