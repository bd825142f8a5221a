// Client-side check of the subnet the user types (the server checks again, and for overlaps).
// One or more comma-separated IPv4/IPv6 networks in CIDR form, without host bits.

export type SubnetCheck = { ok: true } | { ok: false; message: string };

const EXAMPLE = 'such as 10.77.0.0/24';

export function checkSubnets(input: string): SubnetCheck {
  const parts = input.split(',').map((p) => p.trim());
  if (parts.every((p) => p === '')) return { ok: false, message: `Enter the remote site's subnet, ${EXAMPLE}.` };
  for (const part of parts) {
    if (part === '') return { ok: false, message: 'Remove the empty entry between the commas.' };
    const result = checkSubnet(part);
    if (!result.ok) return result;
  }
  return { ok: true };
}

export function checkSubnet(text: string): SubnetCheck {
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(text);
  if (!match) return { ok: false, message: `“${text}” is not in CIDR form (address/prefix), ${EXAMPLE}.` };
  const address = match[1]!;
  const prefixText = match[2]!;
  const prefix = Number(prefixText);
  const bits = addressBits(address);
  if (!bits) return { ok: false, message: `“${address}” is not a valid IP address.` };
  const width = bits.length;
  if (prefix > width) return { ok: false, message: `The prefix length /${prefix} is too long for an IPv${width === 32 ? 4 : 6} address (at most /${width}).` };
  if (prefix === 0) return { ok: false, message: `/0 is the default route: enter the remote site's own subnet, ${EXAMPLE}.` };
  if (bits.slice(prefix).some((b) => b === 1)) {
    const network = bits.slice(0, prefix).concat(new Array<number>(width - prefix).fill(0));
    const suggestion = `${width === 32 ? formatIPv4(network) : formatIPv6(network)}/${prefix}`;
    return { ok: false, message: `${text} has host bits set: did you mean ${suggestion}?` };
  }
  return { ok: true };
}

/** An IPv4 (32) or IPv6 (128) address as its bits, most significant first; null if it is not one. */
export function addressBits(text: string): number[] | null {
  return text.includes(':') ? parseIPv6(text) : parseIPv4(text);
}

function parseIPv4(text: string): number[] | null {
  const octets = text.split('.');
  if (octets.length !== 4) return null;
  const bits: number[] = [];
  for (const octet of octets) {
    if (!/^\d{1,3}$/.test(octet) || (octet.length > 1 && octet.startsWith('0'))) return null;
    const value = Number(octet);
    if (value > 255) return null;
    for (let i = 7; i >= 0; i -= 1) bits.push((value >> i) & 1);
  }
  return bits;
}

function parseIPv6(text: string): number[] | null {
  if (!/^[0-9a-fA-F:]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const head = parse(halves[0] ?? '');
  const tail = halves.length === 2 ? parse(halves[1] ?? '') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...new Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const bits: number[] = [];
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return null;
    const value = parseInt(group, 16);
    for (let i = 15; i >= 0; i -= 1) bits.push((value >> i) & 1);
  }
  return bits;
}

function chunk(bits: number[], size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < bits.length; i += size) out.push(bits.slice(i, i + size).reduce((acc, b) => acc * 2 + b, 0));
  return out;
}

function formatIPv4(bits: number[]): string {
  return chunk(bits, 8).join('.');
}

function formatIPv6(bits: number[]): string {
  const groups = chunk(bits, 16).map((g) => g.toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = { start: -1, length: 0 };
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i += 1;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j += 1;
    if (j - i > best.length && j - i > 1) best = { start: i, length: j - i };
    i = j;
  }
  if (best.start === -1) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}
