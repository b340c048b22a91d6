import { describe, expect, it } from "vitest";
import { MIN_SECRET_PREFIX, REDACTED, Redactor } from "../../../src/text/redact";

const KEY = `sk-ant-api03-${"Q7w".repeat(30)}-AA`;

describe("Redactor", () => {
  it("redacts a secret and its base64 (basic auth) forms", () => {
    const r = new Redactor([KEY]);
    const basic = Buffer.from(`x-access-token:${KEY}`).toString("base64");
    expect(r.redact(`key=${KEY}; auth=basic ${basic}`)).toBe(`key=${REDACTED}; auth=basic ${REDACTED}`);
  });

  it("redacts the start of a secret shown cut short, from MIN_SECRET_PREFIX characters on", () => {
    const r = new Redactor([KEY]);
    const cut = `${KEY.slice(0, 57)}...`;
    expect(r.redact(`got "${cut}"`)).toBe(`got "${REDACTED}..."`);
    expect(r.redact(`a ${KEY.slice(0, MIN_SECRET_PREFIX)} b`)).toBe(`a ${REDACTED} b`);
    // Shorter starts (e.g. the common "sk-ant-api03-" of every key) are left alone.
    expect(r.redact(`keys look like ${KEY.slice(0, MIN_SECRET_PREFIX - 1)}…`)).toBe(`keys look like ${KEY.slice(0, MIN_SECRET_PREFIX - 1)}…`);
  });

  it("redacts every occurrence, whole or cut", () => {
    const r = new Redactor([KEY]);
    expect(r.redact(`${KEY.slice(0, 20)} and ${KEY} and ${KEY.slice(0, 30)}x`)).toBe(`${REDACTED} and ${REDACTED} and ${REDACTED}x`);
  });
});
