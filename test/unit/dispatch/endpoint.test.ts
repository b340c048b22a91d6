import { describe, expect, it } from "vitest";
import { EndpointError, displayEndpoint, hostMatches, isLoopbackHost, validateProgressEndpoint } from "../../../src/dispatch/endpoint";

function refusal(raw: string, allowed: string[] = []): EndpointError {
  try {
    validateProgressEndpoint(raw, allowed);
  } catch (error) {
    expect(error).toBeInstanceOf(EndpointError);
    return error as EndpointError;
  }
  throw new Error(`expected ${raw} to be refused`);
}

describe("progress endpoint", () => {
  it("accepts https and keeps the URL as given (nothing added)", () => {
    const ep = validateProgressEndpoint("https://api.example.com/claude/progress?tenant=7");
    expect(ep.url).toBe("https://api.example.com/claude/progress?tenant=7");
    expect(ep.origin).toBe("https://api.example.com");
    expect(ep.port).toBe(443);
    expect(ep.insecureLoopback).toBe(false);
  });

  it("allows http only to loopback hosts", () => {
    for (const ok of ["http://127.0.0.1:8080/p", "http://127.9.8.7/p", "http://localhost:3000/p", "http://[::1]:9/p", "http://127.1/p", "http://[::ffff:127.0.0.1]/p"]) {
      expect(validateProgressEndpoint(ok).insecureLoopback, ok).toBe(true);
    }
    for (const bad of ["http://api.example.com/p", "http://10.0.0.1/p", "http://128.0.0.1/p", "http://localhost.example.com/p", "http://[::2]/p", "http://0.0.0.0/p"]) {
      const e = refusal(bad);
      expect(e.input).toBe("progress_endpoint");
      expect(e.message).toMatch(/progress_endpoint .* uses http/);
    }
  });

  it("refuses other schemes, non-URLs and empty values, naming progress_endpoint", () => {
    expect(refusal("ftp://api.example.com/p").message).toMatch(/^progress_endpoint .*ftp: expected an https URL/);
    expect(refusal("api.example.com/progress").message).toMatch(/^progress_endpoint .* is not a URL/);
    expect(refusal("  ").message).toMatch(/^progress_endpoint is empty/);
    expect(refusal("file:///etc/passwd").input).toBe("progress_endpoint");
  });

  it("refuses credentials in the URL without repeating them", () => {
    const e = refusal("https://bob:hunter2secret@api.example.com/p");
    expect(e.message).toMatch(/must not contain credentials/);
    expect(e.message).not.toContain("hunter2secret");
    expect(e.message).not.toContain("bob");
    const q = refusal("https://api.example.com/p?access_token=abcd1234&x=1");
    expect(q.message).toMatch(/query \(access_token\)/);
    expect(q.message).not.toContain("abcd1234");
  });

  it("applies the allow-list: exact hosts, *.suffix, optional port, and names progress_allowed_hosts", () => {
    expect(validateProgressEndpoint("https://api.example.com/p", ["api.example.com"]).hostname).toBe("api.example.com");
    expect(validateProgressEndpoint("https://API.Example.com./p", ["api.example.com"]).hostname).toBe("api.example.com");
    expect(validateProgressEndpoint("https://a.b.example.com/p", ["*.example.com"]).hostname).toBe("a.b.example.com");
    expect(validateProgressEndpoint("https://api.example.com:8443/p", ["api.example.com:8443"]).port).toBe(8443);
    const apex = refusal("https://example.com/p", ["*.example.com"]);
    expect(apex.input).toBe("progress_allowed_hosts");
    expect(apex.message).toMatch(/progress_endpoint host 'example.com' is not in progress_allowed_hosts \(\*\.example\.com\)/);
    expect(refusal("https://evil-example.com/p", ["*.example.com"]).input).toBe("progress_allowed_hosts");
    expect(refusal("https://api.example.com.evil.io/p", ["api.example.com"]).input).toBe("progress_allowed_hosts");
    expect(refusal("https://api.example.com/p", ["api.example.com:8443"]).input).toBe("progress_allowed_hosts");
    // The list applies to loopback too.
    expect(refusal("http://127.0.0.1:9/p", ["api.example.com"]).input).toBe("progress_allowed_hosts");
    expect(validateProgressEndpoint("http://127.0.0.1:9/p", ["127.0.0.1"]).port).toBe(9);
    // The scheme rule comes first.
    expect(refusal("http://api.example.com/p", ["api.example.com"]).input).toBe("progress_endpoint");
  });

  it("helpers", () => {
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("127.300.0.1")).toBe(false);
    expect(hostMatches("*.example.com", "x.example.com", 443)).toBe(true);
    expect(hostMatches("", "x", 443)).toBe(false);
    expect(displayEndpoint("https://u:p@h.example/a?token=1#f")).toBe("https://h.example/a");
  });
});
