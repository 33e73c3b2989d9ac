// Refuses postback targets on loopback, private, link-local or metadata addresses (SSRF), unless allowed.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent } from 'undici';

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, including the 169.254.169.254 metadata service
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** True for addresses a postback must not reach; IPv4-mapped IPv6 is judged as the IPv4 it carries. */
export function isForbiddenAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) return blocked.check(address, 'ipv6');
  return true;
}

export class ForbiddenTargetError extends Error {
  readonly code = 'POSTBACK_TARGET_FORBIDDEN';
}

/** Checks a URL before sending: scheme, and a literal IP host (the DNS case is checked at connect time). */
export function assertAllowedUrl(url: string, allowPrivate: boolean): void {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ForbiddenTargetError(`postback URLs must be http or https, not ${parsed.protocol}`);
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host) && isForbiddenAddress(host)) {
    throw new ForbiddenTargetError(`postback target ${host} is a private or local address`);
  }
}

/**
 * An undici Agent whose DNS lookup refuses forbidden addresses. Checking at connect time, on the address
 * actually used, also defeats DNS rebinding (a name that resolves public first and private later).
 */
export function createGuardedAgent(allowPrivate: boolean): Agent {
  return new Agent({
    connect: {
      lookup(hostname, options, callback) {
        dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
          if (error) return callback(error, '', 0);
          const list = addresses as LookupAddress[];
          const usable = allowPrivate ? list : list.filter((entry) => !isForbiddenAddress(entry.address));
          if (usable.length === 0) {
            return callback(
              new ForbiddenTargetError(`postback target ${hostname} resolves to a private or local address`),
              '',
              0,
            );
          }
          if ((options as { all?: boolean }).all)
            return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
          const first = usable[0] as LookupAddress;
          callback(null, first.address, first.family);
        });
      },
    },
  });
}
