import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/inputs";
import { PINS } from "../../../src/pins";
import {
  checkCliVersion,
  compareVersions,
  officialInstaller,
  parseCliVersion,
  prepareExecutable,
  timeoutSeconds,
  WRAPPER_MARKER,
  type Installer,
} from "../../../src/claude/executable";
import { nodeFs } from "../../../src/claude/fs";
import type { ProcessRunner, RunResult } from "../../../src/claude/process";
import { tempDir } from "./fixtures";

/**
 * A PATH with only the programs these tests and the wrapper use (linked from
 * the system), so a `claude` (or anything else) installed on the machine
 * never takes part: the tests say which claude they mean.
 */
const SYSTEM_PATH = (() => {
  const dir = join(tempDir(), "system-bin");
  mkdirSync(dir, { recursive: true });
  for (const tool of ["sh", "date", "timeout", "cat", "sleep", "printf", "kill", "env", "echo", "tr", "head"]) {
    const found = ["/usr/bin", "/bin", "/usr/local/bin"].map((d) => join(d, tool)).find((f) => existsSync(f));
    if (found) symlinkSync(found, join(dir, tool));
  }
  return dir;
})();

/** A fake `claude`: prints a version for --version, otherwise runs `body`. */
function fakeClaude(dir: string, body: string, version = "2.1.300"): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "claude");
  writeFileSync(path, `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "${version} (Claude Code)"; exit 0; fi\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

async function prepared(options: { body?: string; minutes?: number; version?: string; realDir?: string } = {}) {
  const root = tempDir();
  const real = fakeClaude(options.realDir ? join(root, options.realDir) : join(root, "real"), options.body ?? "exit 0", options.version);
  const result = await prepareExecutable({
    inputPath: real,
    timeoutMinutes: options.minutes ?? 1,
    dir: join(root, "wrapper"),
    env: { PATH: SYSTEM_PATH, HOME: join(root, "home") },
  });
  return { root, real, ...result };
}

describe("versions", () => {
  it("parses `claude --version` and compares numerically", () => {
    expect(parseCliVersion("2.1.330 (Claude Code)\n")).toBe("2.1.330");
    expect(parseCliVersion("v2.0.45")).toBe("2.0.45");
    expect(parseCliVersion("claude: command not found")).toBeUndefined();
    expect(compareVersions("2.0.9", "2.0.45")).toBeLessThan(0);
    expect(compareVersions("2.1.0", "2.0.45")).toBeGreaterThan(0);
    expect(compareVersions("2.0.45", "2.0.45")).toBe(0);
  });

  it("rounds fractional minutes up to whole seconds", () => {
    expect(timeoutSeconds(30)).toBe(1800);
    expect(timeoutSeconds(0.5)).toBe(30);
    expect(timeoutSeconds(1 / 3)).toBe(20);
    expect(timeoutSeconds(0.001)).toBe(1);
  });
});

describe("finding the real claude", () => {
  it("uses path_to_claude_code_executable first", async () => {
    const p = await prepared();
    expect(p.realClaude).toBe(p.real);
    expect(p.version).toBe("2.1.300");
    expect(p.notices).toEqual([`Claude Code 2.1.300 at ${p.real} (path_to_claude_code_executable).`]);
  });

  it("refuses an input path that is not an executable file", async () => {
    const root = tempDir();
    writeFileSync(join(root, "not-exec"), "x");
    const attempt = prepareExecutable({ inputPath: join(root, "not-exec"), timeoutMinutes: 1, dir: join(root, "w"), env: { PATH: SYSTEM_PATH } });
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(attempt).rejects.toThrow(/path_to_claude_code_executable.*is not an executable file/);
  });

  it("then claude on PATH (skipping the wrapper directory and wrappers we wrote), then ~/.local/bin", async () => {
    const root = tempDir();
    const home = join(root, "home");
    const wrapperDir = join(root, "wrapper");
    const onPath = fakeClaude(join(root, "bin"), "exit 0", "2.1.301");
    const homeClaude = fakeClaude(join(home, ".local", "bin"), "exit 0", "2.1.302");
    // An old wrapper on PATH (e.g. from an earlier step) must not be wrapped again.
    mkdirSync(join(root, "old-wrapper"));
    writeFileSync(join(root, "old-wrapper", "claude"), `#!/bin/sh\n${WRAPPER_MARKER}\nexit 1\n`, { mode: 0o755 });
    fakeClaude(wrapperDir, "exit 0", "9.9.9");
    const base = { inputPath: "", timeoutMinutes: 1, dir: wrapperDir };

    const fromPath = await prepareExecutable({ ...base, env: { PATH: [wrapperDir, join(root, "old-wrapper"), join(root, "bin"), SYSTEM_PATH].join(":"), HOME: home } });
    expect([fromPath.realClaude, fromPath.version]).toEqual([onPath, "2.1.301"]);

    const fromHome = await prepareExecutable({ ...base, env: { PATH: SYSTEM_PATH, HOME: home } });
    expect([fromHome.realClaude, fromHome.version]).toEqual([homeClaude, "2.1.302"]);
    expect(fromHome.notices[0]).toMatch(/\(~\/.local\/bin\)/);
  });

  it("installs the PINS.md version when there is none", async () => {
    const root = tempDir();
    const installed = fakeClaude(join(root, "installed"), "exit 0", PINS.cliVersion);
    const asked: string[] = [];
    const installer: Installer = { install: async (v) => (asked.push(v), installed) };
    const p = await prepareExecutable({ inputPath: "", timeoutMinutes: 1, dir: join(root, "w"), env: { PATH: SYSTEM_PATH, HOME: join(root, "home") }, installer });
    expect(asked).toEqual([PINS.cliVersion]);
    expect(p.realClaude).toBe(installed);

    const failing: Installer = { install: async () => Promise.reject(new Error("no network")) };
    await expect(
      prepareExecutable({ inputPath: "", timeoutMinutes: 1, dir: join(root, "w2"), env: { PATH: SYSTEM_PATH, HOME: join(root, "home") }, installer: failing }),
    ).rejects.toThrow(new RegExp(`installing ${PINS.cliVersion.replace(/\./g, "\\.")} failed: no network.*PINS.md`));
  });
});

describe("the CLI version preflight", () => {
  it("fails before any model call when the CLI is older than the minimum, naming both versions and PINS.md", async () => {
    for (const version of ["1.0.117", "2.0.44"]) {
      const attempt = prepared({ version });
      await expect(attempt).rejects.toBeInstanceOf(InputError);
      await expect(attempt).rejects.toThrow(
        new RegExp(`Claude Code ${version.replace(/\./g, "\\.")} at .* is older than ${PINS.minCliVersion.replace(/\./g, "\\.")}, the oldest version this release runs with \\(PINS.md`),
      );
    }
  });

  it("accepts the minimum itself and anything newer", async () => {
    expect((await prepared({ version: PINS.minCliVersion })).version).toBe(PINS.minCliVersion);
    expect((await prepared({ version: PINS.cliVersion })).version).toBe(PINS.cliVersion);
    expect(() => checkCliVersion("10.0.0", "/x/claude", "PATH")).not.toThrow();
  });

  it("says where the too-old CLI came from", () => {
    expect(() => checkCliVersion("1.0.117", "/usr/local/bin/claude", "PATH")).toThrow(/Claude Code 1\.0\.117 at \/usr\/local\/bin\/claude \(from PATH\)/);
  });

  it("refuses a non-positive timeout", async () => {
    await expect(prepared({ minutes: 0 })).rejects.toThrow(/timeout_minutes/);
  });

  it("refuses a program that does not answer --version like claude", async () => {
    const root = tempDir();
    const path = join(root, "claude");
    writeFileSync(path, "#!/bin/sh\necho hello\n", { mode: 0o755 });
    await expect(
      prepareExecutable({ inputPath: path, timeoutMinutes: 1, dir: join(root, "w"), env: { PATH: SYSTEM_PATH } }),
    ).rejects.toThrow(/--version' printed "hello"; expected the claude CLI/);
  });
});

describe("the official installer", () => {
  const ok = (stdout = ""): RunResult => ({ code: 0, signal: null, stdout, stderr: "" });

  it("runs the installer script with bash, the version as an argument", async () => {
    const root = tempDir();
    const home = join(root, "home");
    const calls: Array<[string, readonly string[]]> = [];
    const runner: ProcessRunner = {
      run: async (file, args) => {
        calls.push([file, args]);
        fakeClaude(join(home, ".local", "bin"), "exit 0");
        return ok();
      },
    };
    const fetchStub = (async () => new Response("#!/bin/bash\necho install\n")) as unknown as typeof fetch;
    const installer = officialInstaller({ runner, fs: nodeFs(), env: { HOME: home }, dir: root, fetch: fetchStub });
    expect(await installer.install("2.1.240")).toBe(join(home, ".local", "bin", "claude"));
    expect(calls).toEqual([["bash", [join(root, "install-claude.sh"), "2.1.240"]]]);
    expect(readFileSync(join(root, "install-claude.sh"), "utf8")).toBe("#!/bin/bash\necho install\n");
  });

  it("falls back to npm install -g with the exact version", async () => {
    const root = tempDir();
    const prefix = join(root, "npm-global");
    const calls: Array<[string, readonly string[]]> = [];
    const runner: ProcessRunner = {
      run: async (file, args) => {
        calls.push([file, args]);
        if (args[0] === "install") fakeClaude(join(prefix, "bin"), "exit 0");
        return ok(args[0] === "prefix" ? `${prefix}\n` : "");
      },
    };
    const fetchStub = (async () => new Response("", { status: 503 })) as unknown as typeof fetch;
    const notices: string[] = [];
    const installer = officialInstaller({ runner, fs: nodeFs(), env: { HOME: join(root, "home") }, dir: root, fetch: fetchStub, notice: (m) => notices.push(m) });
    expect(await installer.install("2.1.240")).toBe(join(prefix, "bin", "claude"));
    expect(calls).toEqual([
      ["npm", ["install", "-g", "@anthropic-ai/claude-code@2.1.240"]],
      ["npm", ["prefix", "-g"]],
    ]);
    expect(notices[0]).toMatch(/official installer failed; trying npm/);
  });

  it("refuses anything but a version number", async () => {
    const installer = officialInstaller({ runner: { run: async () => ok() }, fs: nodeFs(), env: {}, dir: tempDir() });
    await expect(installer.install("latest; rm -rf /")).rejects.toThrow(/not a version number/);
  });
});
