import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PINS } from "../../../src/pins";
import { ROOT, actionYml, pinsTable, readRoot } from "../../support/repo";

function git(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn("git", args, { cwd: ROOT });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.on("close", (code) => resolve({ code: code ?? 1, out: out.trim() }));
  });
}

describe("PINS.md", () => {
  const pins = pinsTable();

  it("agrees with action.yml and src/pins.ts", () => {
    const run = actionYml().runs.steps.find((s) => s.id === "run")!;
    expect(pins["Base action"]).toBe("anthropics/claude-code-base-action");
    expect(run.uses).toBe(`${pins["Base action"]}@${pins["Base action SHA"]}`);
    expect(pins["Base action SHA"]).toBe(PINS.baseActionSha);
    expect(pins["Claude Code CLI"]).toBe(PINS.cliVersion);
    expect(pins["Minimum Claude Code CLI"]).toBe(PINS.minCliVersion);
    expect(pins["Bun for the base action"]).toBe(PINS.baseActionBunVersion);
    expect(readRoot("action.yml")).toContain(`# ${pins["Base action date"]}`);
  });

  it("records what the pinned base action installs: its Bun and its Agent SDK (from its own action.yml and bun.lock)", () => {
    const vendored = join(ROOT, "..", "shared", "vendor", `claude-code-base-action-${PINS.baseActionSha.slice(0, 7)}`);
    const baseAction = readFileSync(join(vendored, "action.yml"), "utf8");
    expect(baseAction).toMatch(new RegExp(`bun-version: ${PINS.baseActionBunVersion.replace(/\./g, "\\.")}\\n`));
    expect(baseAction).toMatch(/node-version: \$\{\{ env\.NODE_VERSION \|\| '18\.x' \}\}/);
    expect(readFileSync(join(vendored, "bun.lock"), "utf8")).toContain(`"@anthropic-ai/claude-agent-sdk@${pins["Agent SDK of the base action"]}"`);
  });

  it("package.json's engines is what the pinned CLI package declares, and the CLI the tests run is its native executable", () => {
    const pkg = JSON.parse(readRoot("package.json")) as { engines: { node: string } };
    const cli = JSON.parse(readFileSync(join(ROOT, "node_modules", "@anthropic-ai", "claude-code", "package.json"), "utf8")) as { engines: { node: string }; version: string };
    expect(cli.version).toBe(PINS.cliVersion);
    expect(pkg.engines.node).toBe(cli.engines.node);
    // The install script copied the platform binary over its placeholder: an ELF executable, not a script.
    const fd = openSync(join(ROOT, "node_modules", "@anthropic-ai", "claude-code", "bin", "claude.exe"), "r");
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    closeSync(fd);
    expect(head.toString("latin1")).toBe("\x7fELF");
  });

  it("is the CLI version the tests run", () => {
    const pkg = JSON.parse(readRoot("package.json")) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies["@anthropic-ai/claude-code"]).toBe(PINS.cliVersion);
  });

  it("records full SHAs, the fallback and the CLI minimum from the design", () => {
    for (const key of ["Action SHA", "Base action SHA", "Fallback base action SHA"]) expect(pins[key], key).toMatch(/^[0-9a-f]{40}$/);
    expect(pins["Fallback base action SHA"]).toBe("8340e82814887420fe4c1163688f74ce614b9253");
    // Found by running older CLIs through the pinned base action (scripts/cli-minimum.ts; PINS.md says how).
    expect(PINS.minCliVersion).toBe("2.1.257");
    const [major, minor, patch] = PINS.cliVersion.split(".").map(Number);
    expect(major! * 1e6 + minor! * 1e3 + patch!).toBeGreaterThanOrEqual(2 * 1e6 + 0 * 1e3 + 45);
    expect(readRoot("PINS.md")).toMatch(/node24/);
  });

  it("pins the action to a commit of this repository", async () => {
    const inRepo = await git(["rev-parse", "--is-inside-work-tree"]);
    if (inRepo.out !== "true") return;
    const exists = await git(["cat-file", "-e", `${pins["Action SHA"]}^{commit}`]);
    expect(exists.code, `Action SHA ${pins["Action SHA"]} is not a commit of this repository`).toBe(0);
    // The pinned commit must contain the action it pins.
    const file = await git(["cat-file", "-e", `${pins["Action SHA"]}:action.yml`]);
    expect(file.code).toBe(0);
    // And it must be the action this tree ships: a workflow pinning it runs this action.yml and this dist/.
    const shipped = await git(["diff", "--stat", pins["Action SHA"]!, "--", "action.yml", "dist"]);
    expect(shipped.code).toBe(0);
    expect(shipped.out, `action.yml or dist/ changed since the pinned commit: record a new Action SHA in PINS.md, then npm run patches`).toBe("");
  });
});
