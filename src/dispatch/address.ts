/**
 * Where a progress endpoint may point once its name is resolved. A dispatch
 * names the endpoint, and the runner sits inside a network: without this, an
 * endpoint could make the runner post (signed, with a token) to its cloud's
 * metadata service or to a service on the internal network. Unless the host
 * is listed in progress_allowed_hosts, every address it resolves to must be a
 * public one, and loopback only over plain http (local testing):
 *
 * refused: loopback over https, unspecified (0.0.0.0, ::), private
 * (10/8, 172.16/12, 192.168/16), shared (100.64/10), link-local
 * (169.254/16, fe80::/10), unique-local (fc00::/7), IPv4-mapped or
 * IPv4-compatible IPv6 (::ffff:a.b.c.d), multicast, reserved, and the
 * well-known metadata names and addresses.
 *
 * The check runs on the resolved addresses before a dispatch is accepted, and
 * again on each connection (the address the socket uses), so a name that
 * resolves differently the second time (DNS rebinding) gains nothing.
 */
import { lookup as dnsLookup } from "node:dns";
import { isIP } from "node:net";

export type AddressClass =
  | "public"
  | "loopback"
  | "unspecified"
  | "private"
  | "shared"
  | "link-local"
  | "unique-local"
  | "ipv4-mapped"
  | "multicast"
  | "reserved"
  | "metadata";

/** Names cloud providers give their instance metadata services. */
export const METADATA_HOSTS = ["metadata", "metadata.google.internal", "metadata.goog", "metadata.azure.internal", "instance-data", "instance-data.ec2.internal", "metadata.tencentyun.com", "metadata.packet.net"];
/** Metadata services on addresses the ranges below would not all catch. */
const METADATA_ADDRESSES = ["169.254.169.254", "169.254.170.2", "169.254.169.123", "100.100.100.200", "192.0.0.192", "fd00:ec2::254", "fd00:ec2::23"];

function v4(ip: string): number[] {
  return ip.split(".").map(Number);
}

function classifyV4(ip: string): AddressClass {
  const [a, b] = v4(ip) as [number, number];
  if (a === 127) return "loopback";
  if (a === 0) return "unspecified";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "private";
  if (a === 100 && b >= 64 && b <= 127) return "shared";
  if (a === 169 && b === 254) return "link-local";
  if (a >= 224 && a <= 239) return "multicast";
  if (a >= 240 || (a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19))) return "reserved";
  return "public";
}

/** The 8 groups of an IPv6 address as numbers (handles `::` and a dotted IPv4 tail). */
function groups6(ip: string): number[] {
  let text = ip.toLowerCase().replace(/%.*$/, "");
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = v4(dotted[1]!) as [number, number, number, number];
    text = text.slice(0, -dotted[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const h = head ? head.split(":") : [];
  const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill("0");
  return [...h, ...fill, ...t].map((g) => parseInt(g || "0", 16));
}

function classifyV6(ip: string): AddressClass {
  const g = groups6(ip);
  if (g.every((x) => x === 0)) return "unspecified";
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return "loopback";
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible) reach IPv4 hosts: refused whatever the IPv4 address.
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) return "ipv4-mapped";
  if ((g[0]! & 0xfe00) === 0xfc00) return "unique-local";
  if ((g[0]! & 0xffc0) === 0xfe80) return "link-local";
  if ((g[0]! & 0xff00) === 0xff00) return "multicast";
  if (g[0] === 0x64 && g[1] === 0xff9b) return "ipv4-mapped"; // NAT64
  if (g[0] === 0x2001 && g[1] === 0xdb8) return "reserved";
  return "public";
}

export function classifyAddress(ip: string): AddressClass {
  const normal = ip.toLowerCase();
  if (METADATA_ADDRESSES.includes(normal)) return "metadata";
  const family = isIP(normal);
  if (family === 4) return classifyV4(normal);
  if (family === 6) return classifyV6(normal);
  return "reserved";
}

/** Why a connection to `address` (for `hostname` over `protocol`) is refused, or undefined when it may go. */
export function refusedAddress(hostname: string, address: string, protocol: "http:" | "https:"): string | undefined {
  const host = hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  if (METADATA_HOSTS.includes(host)) return `'${hostname}' is a cloud metadata service`;
  const cls = classifyAddress(address);
  if (cls === "public") return undefined;
  if (cls === "loopback") return protocol === "http:" ? undefined : `'${hostname}' resolves to a loopback address (${address}); https to the runner itself is refused (plain http to 127.0.0.1 is for local testing)`;
  const what: Record<Exclude<AddressClass, "public" | "loopback">, string> = {
    unspecified: "an unspecified address",
    private: "a private address",
    shared: "a shared (carrier-grade NAT) address",
    "link-local": "a link-local address",
    "unique-local": "a unique-local address",
    "ipv4-mapped": "an IPv4-mapped address",
    multicast: "a multicast address",
    reserved: "a reserved address",
    metadata: "a cloud metadata service",
  };
  return `'${hostname}' resolves to ${what[cls]} (${address})`;
}

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

/** Every address the host resolves to must be allowed; returns the first refusal. */
export async function checkResolvedHost(hostname: string, protocol: "http:" | "https:", resolve: Resolver = systemResolver): Promise<string | undefined> {
  const bare = hostname.replace(/^\[|\]$/g, "");
  if (METADATA_HOSTS.includes(bare.replace(/\.$/, "").toLowerCase())) return `'${hostname}' is a cloud metadata service`;
  const addresses = isIP(bare) ? [{ address: bare, family: isIP(bare) }] : await resolve(bare);
  if (!addresses.length) return `'${hostname}' does not resolve`;
  for (const { address } of addresses) {
    const why = refusedAddress(hostname, address, protocol);
    if (why) return why;
  }
  return undefined;
}

/**
 * A `lookup` for node:http(s) that refuses disallowed addresses at connection
 * time (the address the socket really uses).
 */
export function guardedLookup(protocol: "http:" | "https:") {
  return (hostname: string, options: object, callback: (err: Error | null, address: string | Array<{ address: string; family: number }>, family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, "", 4);
      for (const a of addresses) {
        const why = refusedAddress(hostname, a.address, protocol);
        if (why) return callback(Object.assign(new Error(`progress_endpoint refused: ${why}`), { code: "EADDRREFUSED" }), "", 4);
      }
      if ((options as { all?: boolean }).all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
