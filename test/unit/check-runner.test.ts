/**
 * scripts/check-runner.sh against fake runners: a PATH made of stand-in
 * `claude`, `node`, `git` and `act_runner` scripts plus the few text tools the
 * script uses, a scratch HOME, and chosen CLAUDE_RUNNER_IMAGE_* variables.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPins } from "../../scripts/patches";
import { PINS } from "../../src/pins";
import { ROOT, readRoot } from "../support/repo";

const SCRIPT = join(ROOT, "scripts", "check-runner.sh");
const pins = readPins(readRoot("PINS.md"));
const BASH = spawnSync("sh", ["-c", "command -v bash"], { encoding: "utf8" }).stdout.trim();
/** The text tools the script needs; nothing else from the host is on PATH. */
const TOOLS = ["awk", "sed", "grep", "head", "dirname", "basename"];

let base: string;
let tools: string;
beforeAll(async () => {
  base = await mkdtemp(join(os.tmpdir(), "ccga-check-runner-"));
  tools = join(base, "tools");
  await mkdir(tools);
  for (const t of TOOLS) {
    const found = spawnSync("sh", ["-c", `command -v ${t}`], { encoding: "utf8" }).stdout.trim();
    if (!found) throw new Error(`${t} is needed to test check-runner.sh`);
    await symlink(found, join(tools, t));
  }
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

let n = 0;
/** A fake runner: a bin directory with the given programs (each prints `out` for any arguments). */
async function runner(programs: Record<string, string>): Promise<{ bin: string; home: string }> {
  const dir = join(base, `r${++n}`);
  const bin = join(dir, "bin");
  const home = join(dir, "home");
  await mkdir(bin, { recursive: true });
  await mkdir(home, { recursive: true });
  for (const [name, out] of Object.entries(programs)) await fakeProgram(join(bin, name), out);
  return { bin, home };
}

async function fakeProgram(path: string, out: string): Promise<void> {
  await writeFile(path, `#!${BASH}\nprintf '%s\\n' ${JSON.stringify(out)}\n`);
  await chmod(path, 0o755);
}

function check(r: { bin: string; home: string }, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number; out: string; lines: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(BASH, [SCRIPT, ...args], {
      env: { PATH: `${r.bin}:${tools}`, HOME: r.home, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => {
      // "ok    claude     …" → lines.claude = "ok …"
      const lines: Record<string, string> = {};
      for (const line of out.split("\n")) {
        const m = /^(ok|warn|FAIL|info)\s+(\S+)\s+(.*)$/.exec(line);
        if (m) lines[m[2]!] = lines[m[2]!] ? `${lines[m[2]!]}\n${m[1]} ${m[3]}` : `${m[1]} ${m[3]}`;
      }
      resolve({ code: code ?? 1, out, lines });
    });
  });
}

const GOOD = {
  claude: `${pins.cliVersion} (Claude Code)`,
  node: "v24.3.0",
  git: "git version 2.45.2",
};
const IMAGE_ENV = {
  CLAUDE_RUNNER_IMAGE_CLI: pins.cliVersion,
  CLAUDE_RUNNER_IMAGE_ACTION_SHA: pins.actionSha,
  CLAUDE_RUNNER_IMAGE_BASE_ACTION_SHA: pins.baseActionSha,
};

describe("scripts/check-runner.sh", () => {
  it("has bash to run it (a missing bash fails here rather than skipping every check)", () => {
    expect(BASH).not.toBe("");
  });

  it("Bun, the base action's dependencies and Node.js 18: ok when the image holds them, a warning naming the download otherwise", async () => {
    const bare = await check(await runner(GOOD));
    expect(bare.code, bare.out).toBe(0);
    expect(bare.lines.bun).toBe(`warn not on PATH: the base action downloads Bun ${pins.bun} at every job (setup-bun); install bun@${pins.bun} in the image`);
    expect(bare.lines.deps).toMatch(new RegExp(`^warn .* has no @anthropic-ai/claude-agent-sdk@${pins.baseActionSdk.replace(/\./g, "\\.")}: the base action's bun install --production downloads its dependencies at every job$`));
    expect(bare.lines.toolcache).toMatch(/^warn no Node\.js 18 in .*the base action's setup-node downloads it/);
    expect((await check(await runner(GOOD), ["--strict"])).lines.bun).toMatch(/^FAIL .*\(--strict\)$/);

    const image = await runner({ ...GOOD, bun: `${pins.bun}` });
    const cache = join(base, "bun-cache");
    await mkdir(join(cache, "@anthropic-ai", `claude-agent-sdk@${pins.baseActionSdk}@@@1`), { recursive: true });
    const toolCache = join(base, "toolcache");
    await mkdir(join(toolCache, "node", "18.20.8", "x64"), { recursive: true });
    await writeFile(join(toolCache, "node", "18.20.8", "x64.complete"), "");
    const held = await check(image, [], { BUN_INSTALL_CACHE_DIR: cache, RUNNER_TOOL_CACHE: toolCache, ...IMAGE_ENV, CLAUDE_RUNNER_IMAGE_BUN: pins.bun });
    expect(held.code, held.out).toBe(0);
    expect(held.lines.bun).toMatch(new RegExp(`^ok ${pins.bun.replace(/\./g, "\\.")} \\(.*/bin/bun\\) = pin .*no Bun download$`));
    expect(held.lines.deps).toBe(`ok ${cache} holds the base action's Agent SDK ${pins.baseActionSdk}: its bun install --production downloads nothing`);
    expect(held.lines.toolcache).toBe(`ok ${join(toolCache, "node", "18.20.8")}: the base action's setup-node (18.x) finds Node.js there`);
    expect(held.lines.image).toContain(`ok CLAUDE_RUNNER_IMAGE_BUN=${pins.bun} = Bun for the base action`);

    const otherBun = await check(await runner({ ...GOOD, bun: "1.4.5" }));
    expect(otherBun.lines.bun).toMatch(/^warn 1\.4\.5 .* is not 1\.3\.14: the base action downloads Bun/);
  });

  it("an image that meets every pin: claude = PINS, node 24, git, matching image pins; exit 0", async () => {
    const r = await check(await runner(GOOD), [], IMAGE_ENV);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`Pins from ${join(ROOT, "PINS.md")}: claude ${pins.cliVersion} (>= ${pins.minCli}), bun ${pins.bun}`);
    expect(r.lines.claude).toMatch(new RegExp(`^ok ${pins.cliVersion.replace(/\./g, "\\.")} \\(.*/bin/claude\\) = pin`));
    expect(r.lines.node).toBe("ok v24.3.0 (>= 20)");
    expect(r.lines.git).toBe("ok git version 2.45.2");
    expect(r.lines.node24).toMatch(/^ok node on PATH is v24/);
    expect(r.lines.image!.split("\n")).toHaveLength(3);
    expect(r.lines.image).not.toMatch(/FAIL/);
    expect(r.lines.act_runner).toMatch(/^info not on PATH.*cannot tell whether your act_runner accepts runs\.using: node24/);
    expect(r.out).toMatch(/This runner meets the pins\.\n$/);
  });

  it("a CLI older than the release minimum (PINS.md, the number prepare uses) fails", async () => {
    const r = await check(await runner({ ...GOOD, claude: "2.0.44 (Claude Code)" }));
    expect(r.code).toBe(1);
    expect(r.lines.claude).toMatch(new RegExp(`^FAIL 2\\.0\\.44 .* older than ${PINS.minCliVersion.replace(/\./g, "\\.")}, the oldest CLI this release runs with`));
    expect(pins.minCli).toBe(PINS.minCliVersion);
    expect(r.out).toContain("does NOT meet the pins");
  });

  it("the v0.0.63-era CLI 1.0.117 fails", async () => {
    const r = await check(await runner({ ...GOOD, claude: "1.0.117 (Claude Code)" }));
    expect(r.code).toBe(1);
    expect(r.lines.claude).toMatch(/^FAIL 1\.0\.117/);
  });

  it("a newer-than-minimum CLI other than the pin is a warning, and a failure with --strict", async () => {
    const fake = await runner({ ...GOOD, claude: `${pins.minCli} (Claude Code)` });
    const loose = await check(fake);
    expect(loose.code, loose.out).toBe(0);
    const min = pins.minCli.replace(/\./g, "\\.");
    expect(loose.lines.claude).toMatch(new RegExp(`^warn ${min} .* works \\(>= ${min}\\) but this release is tested with ${pins.cliVersion.replace(/\./g, "\\.")}$`));
    const strict = await check(fake, ["--strict"]);
    expect(strict.code).toBe(1);
    expect(strict.lines.claude).toMatch(/^FAIL .*\(--strict\)$/);
  });

  it("no claude anywhere fails; ~/.local/bin/claude and CLAUDE_BIN are found", async () => {
    const none = await runner({ node: GOOD.node, git: GOOD.git });
    const r = await check(none);
    expect(r.code).toBe(1);
    expect(r.lines.claude).toMatch(/^FAIL not found/);

    await mkdir(join(none.home, ".local", "bin"), { recursive: true });
    await fakeProgram(join(none.home, ".local", "bin", "claude"), GOOD.claude);
    const local = await check(none);
    expect(local.code, local.out).toBe(0);
    expect(local.lines.claude).toContain(join(none.home, ".local", "bin", "claude"));

    const other = join(base, "custom-claude");
    await fakeProgram(other, "2.0.10 (Claude Code)");
    const viaEnv = await check(none, [], { CLAUDE_BIN: other });
    expect(viaEnv.lines.claude).toMatch(/^FAIL 2\.0\.10 \(.*custom-claude\)/);
  });

  it("node 20 runs the action's steps but cannot run node24 actions: fail, unless the runner's externals have node24", async () => {
    const fake = await runner({ ...GOOD, node: "v20.19.1" });
    const r = await check(fake);
    expect(r.code).toBe(1);
    expect(r.lines.node).toBe("ok v20.19.1 (>= 20)");
    expect(r.lines.node24).toMatch(/^FAIL no Node\.js >= 24 \(node on PATH: v20; no externals\/node24\).*fallback base action in PINS\.md$/);

    const externals = join(base, "externals");
    await mkdir(join(externals, "node24", "bin"), { recursive: true });
    await fakeProgram(join(externals, "node24", "bin", "node"), "v24.0.1");
    const withExternals = await check(fake, ["--externals", externals]);
    expect(withExternals.code, withExternals.out).toBe(0);
    expect(withExternals.lines.node24).toBe(`ok ${join(externals, "node24", "bin", "node")} (v24.0.1) in the runner's externals`);
    const viaEnv = await check(fake, [], { RUNNER_EXTERNALS: externals });
    expect(viaEnv.code).toBe(0);
  });

  it("node older than 20, no node, or no git fail", async () => {
    const old = await check(await runner({ ...GOOD, node: "v18.20.0" }));
    expect(old.code).toBe(1);
    expect(old.lines.node).toBe("FAIL v18.20.0 is older than 20 (the action's own steps)");

    const noNode = await check(await runner({ claude: GOOD.claude, git: GOOD.git }));
    expect(noNode.code).toBe(1);
    expect(noNode.lines.node).toMatch(/^FAIL not on PATH/);
    expect(noNode.lines.node24).toMatch(/^FAIL .*node on PATH: none/);

    const noGit = await check(await runner({ claude: GOOD.claude, node: GOOD.node }));
    expect(noGit.code).toBe(1);
    expect(noGit.lines.git).toMatch(/^FAIL not on PATH/);
  });

  it("an image built for other pins fails, naming the variable and the pin", async () => {
    const r = await check(await runner(GOOD), [], { ...IMAGE_ENV, CLAUDE_RUNNER_IMAGE_ACTION_SHA: "28f83620103c48a57093dcc2837eec89e036bb9f" });
    expect(r.code).toBe(1);
    expect(r.lines.image).toContain(`FAIL CLAUDE_RUNNER_IMAGE_ACTION_SHA=28f83620103c48a57093dcc2837eec89e036bb9f, but PINS.md has Action SHA ${pins.actionSha}`);
  });

  it("reports act_runner's version on a host-mode runner, without judging it", async () => {
    const r = await check(await runner({ ...GOOD, act_runner: "act_runner version v0.2.13" }));
    expect(r.code).toBe(0);
    expect(r.lines.act_runner).toBe("info act_runner version v0.2.13: make sure it accepts runs.using: node24 (run one node24 action)");
  });

  it("reads the pins it is given (--pins), and refuses a missing or incomplete PINS file", async () => {
    const custom = join(base, "PINS-next.md");
    await writeFile(custom, readRoot("PINS.md").replace(`| \`${pins.cliVersion}\` |`, "| `9.9.9` |"));
    const r = await check(await runner(GOOD), ["--pins", custom]);
    expect(r.lines.claude).toMatch(/tested with 9\.9\.9$/);

    const missing = await check(await runner(GOOD), ["--pins", join(base, "nope.md")]);
    expect(missing.code).toBe(2);
    expect(missing.out).toMatch(/PINS\.md not found/);

    const partial = join(base, "PINS-partial.md");
    await writeFile(partial, "| Pin | Value |\n| --- | --- |\n| Claude Code CLI | `2.1.330` |\n");
    const incomplete = await check(await runner(GOOD), ["--pins", partial]);
    expect(incomplete.code).toBe(2);
    expect(incomplete.out).toMatch(/lacks a pin/);
  });
});
