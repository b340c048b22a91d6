/**
 * The signature test vector in examples/dispatch/README.md, checked against
 * the action's signer, and the three verification snippets published there
 * (TypeScript, Python, shell) run against it and against tampered copies.
 * python3 and openssl are required here (CI runs on a machine that has them):
 * when one is missing the test fails, saying so, instead of passing unchecked.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { verifyProgress } from "../../../examples/dispatch/verify/verify";
import { signBody } from "../../../src/dispatch/signature";
import { ROOT } from "../../support/repo";

const DIR = join(ROOT, "examples", "dispatch");
const README = readFileSync(join(DIR, "README.md"), "utf8");

/** The vector as the README states it. */
function vector() {
  const row = (name: string) => new RegExp(`\\| ${name}[^|]*\\| \`([^\`]+)\` \\|`).exec(README)?.[1];
  const header = /X-Claude-Signature: (sha256=[0-9a-f]{64})/.exec(README.slice(README.indexOf("A test vector")))?.[1];
  return { secret: row("secret")!, timestamp: row("`X-Claude-Timestamp`")!, body: row("raw body")!, header: header! };
}

const has = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;

function runSnippet(cmd: string[], v: { secret: string; timestamp: string; body: string; header: string }, now: string) {
  const r = spawnSync(cmd[0]!, [...cmd.slice(1), v.timestamp, v.header], {
    input: v.body,
    env: { PATH: process.env.PATH ?? "", PROGRESS_SECRET: v.secret, NOW: now },
    encoding: "utf8",
  });
  return r.status;
}

describe("the signature test vector", () => {
  const v = vector();

  it("is complete in the README and is what the action signs", () => {
    expect(v.secret.length).toBeGreaterThanOrEqual(24);
    expect(v.timestamp).toMatch(/^\d+$/);
    expect(JSON.parse(v.body)).toMatchObject({ status: "in_progress", delivery_id: "9b1c2d3e:3" });
    expect(signBody(v.secret, Number(v.timestamp), v.body)).toBe(v.header);
  });

  it("the README shows each snippet exactly as the file the tests run", () => {
    for (const file of ["verify.ts", "verify.py", "verify.sh"]) expect(README, file).toContain(readFileSync(join(DIR, "verify", file), "utf8"));
  });

  const tampered = [
    { what: "the vector", change: (x: typeof v) => x, valid: true },
    { what: "another body", change: (x: typeof v) => ({ ...x, body: x.body.replace("npm test", "npm tesT") }), valid: false },
    { what: "another timestamp", change: (x: typeof v) => ({ ...x, timestamp: String(Number(x.timestamp) + 1) }), valid: false },
    { what: "another secret", change: (x: typeof v) => ({ ...x, secret: `${x.secret}x` }), valid: false },
    { what: "a body with a trailing newline", change: (x: typeof v) => ({ ...x, body: `${x.body}\n` }), valid: false },
  ];

  it.each(tampered)("TypeScript: $what → valid: $valid (and stale after 5 minutes)", ({ change, valid }) => {
    const x = change(v);
    expect(verifyProgress({ secret: x.secret, timestamp: x.timestamp, signature: x.header, rawBody: x.body, now: Number(v.timestamp) })).toBe(valid);
    expect(verifyProgress({ secret: x.secret, timestamp: x.timestamp, signature: x.header, rawBody: x.body, now: Number(v.timestamp) + 301 })).toBe(false);
  });

  it.each(tampered)("Python: $what → valid: $valid", ({ change, valid }) => {
    expect(has("python3"), "python3 is needed to check the Python snippet (CI has it)").toBe(true);
    expect(runSnippet(["python3", join(DIR, "verify", "verify.py")], change(v), v.timestamp)).toBe(valid ? 0 : 1);
    expect(runSnippet(["python3", join(DIR, "verify", "verify.py")], change(v), String(Number(v.timestamp) + 301))).toBe(1);
  });

  it.each(tampered)("shell with openssl: $what → valid: $valid", ({ change, valid }) => {
    expect(has("openssl"), "openssl is needed to check the shell snippet (CI has it)").toBe(true);
    expect(runSnippet(["sh", join(DIR, "verify", "verify.sh")], change(v), v.timestamp)).toBe(valid ? 0 : 1);
    expect(runSnippet(["sh", join(DIR, "verify", "verify.sh")], change(v), String(Number(v.timestamp) - 301))).toBe(1);
  });
});
