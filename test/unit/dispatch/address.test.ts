/**
 * Where a progress endpoint may point, checked on the resolved addresses:
 * public only, unless progress_allowed_hosts lists the host; loopback only
 * over plain http; and again at connection time.
 */
import http from "node:http";
import { describe, expect, it } from "vitest";
import { classifyAddress, refusedAddress, type Resolver } from "../../../src/dispatch/address";
import { EndpointError, checkProgressEndpoint } from "../../../src/dispatch/endpoint";
import { endpointFetch } from "../../../src/dispatch/transport";

describe("classifyAddress", () => {
  it.each([
    ["8.8.8.8", "public"],
    ["2001:4860:4860::8888", "public"],
    ["127.0.0.1", "loopback"],
    ["127.3.2.1", "loopback"],
    ["::1", "loopback"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "shared"],
    ["169.254.1.1", "link-local"],
    ["fe80::1", "link-local"],
    ["fc00::1", "unique-local"],
    ["fd12:3456::1", "unique-local"],
    ["::ffff:10.0.0.1", "ipv4-mapped"],
    ["::ffff:8.8.8.8", "ipv4-mapped"],
    ["::ffff:7f00:1", "ipv4-mapped"],
    ["::127.0.0.1", "ipv4-mapped"],
    ["64:ff9b::a00:1", "ipv4-mapped"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["240.0.0.1", "reserved"],
    ["169.254.169.254", "metadata"],
    ["100.100.100.200", "metadata"],
    ["fd00:ec2::254", "metadata"],
  ])("%s is %s", (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
  });

  it("refuses metadata names whatever they resolve to, and loopback only over https", () => {
    expect(refusedAddress("metadata.google.internal", "8.8.8.8", "https:")).toMatch(/cloud metadata service/);
    expect(refusedAddress("localhost", "127.0.0.1", "http:")).toBeUndefined();
    expect(refusedAddress("localtest.me", "127.0.0.1", "https:")).toMatch(/loopback address/);
    expect(refusedAddress("api.example.com", "93.184.216.34", "https:")).toBeUndefined();
  });
});

describe("checkProgressEndpoint", () => {
  const resolver = (map: Record<string, string[]>): Resolver => async (host) => (map[host] ?? []).map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  const dns = resolver({
    "api.example.com": ["93.184.216.34"],
    "internal.example.com": ["10.0.0.5"],
    "rebind.example.com": ["93.184.216.34", "169.254.169.254"],
    "v6only.example.com": ["fd00::5"],
    "localtest.me": ["127.0.0.1"],
  });

  it("accepts a public host, and http to loopback for local testing", async () => {
    expect((await checkProgressEndpoint("https://api.example.com/p", [], dns)).url).toBe("https://api.example.com/p");
    expect((await checkProgressEndpoint("http://127.0.0.1:8080/p", [], dns)).insecureLoopback).toBe(true);
  });

  it.each([
    ["https://internal.example.com/p", /private address \(10\.0\.0\.5\)/],
    ["https://rebind.example.com/p", /cloud metadata service \(169\.254\.169\.254\)/],
    ["https://v6only.example.com/p", /unique-local address/],
    ["https://localtest.me/p", /loopback address/],
    ["https://127.0.0.1/p", /loopback address/],
    ["https://[::ffff:7f00:1]/p", /IPv4-mapped address/],
    ["https://169.254.169.254/latest/meta-data", /cloud metadata service/],
    ["https://metadata.google.internal/computeMetadata/v1", /cloud metadata service/],
    ["https://[fe80::1]/p", /link-local address/],
    ["https://nowhere.example.com/p", /does not resolve/],
  ])("refuses %s", async (url, why) => {
    const attempt = checkProgressEndpoint(url, [], dns);
    await expect(attempt).rejects.toBeInstanceOf(EndpointError);
    await expect(attempt).rejects.toThrow(why);
  });

  it("a host listed in progress_allowed_hosts is the administrator's call", async () => {
    expect((await checkProgressEndpoint("https://internal.example.com/p", ["internal.example.com"], dns)).allowListed).toBe(true);
    expect((await checkProgressEndpoint("https://localtest.me/p", ["localtest.me"], dns)).allowListed).toBe(true);
  });
});

describe("endpointFetch", () => {
  it("refuses at connection time what the name resolves to, and sends when allowed", async () => {
    const server = http.createServer((_req, res) => res.writeHead(204).end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      // "localhost" resolves to loopback: fine over http…
      expect((await endpointFetch({ checkAddresses: true })(`http://localhost:${port}/p`, { method: "POST", body: "{}" })).status).toBe(204);
      // …but a name resolving to loopback over https is refused before any byte is sent.
      await expect(endpointFetch({ checkAddresses: true })(`https://localhost:${port}/p`, { method: "POST", body: "{}" })).rejects.toMatchObject({
        cause: { code: "EADDRREFUSED" },
      });
    } finally {
      server.close();
    }
  });
});
