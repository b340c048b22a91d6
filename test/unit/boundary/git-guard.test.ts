/**
 * The shipped checked git (the `git` shim + dist/git-guard.js) on a real
 * repository: ordinary commands work as Claude expects (with the hardening
 * settings in force), refused ones say why and touch nothing, and the CLI's
 * own calls pass straight through.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gitShim, shellEnvFile, type GuardConfig } from "../../../src/boundary/guard-config";
import { fromRoot } from "../../support/repo";
import { tempDir } from "../claude/fixtures";

const ENV = { PATH: process.env.PATH ?? "", HOME: "/nonexistent", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "A", GIT_AUTHOR_EMAIL: "a@e", GIT_COMMITTER_NAME: "A", GIT_COMMITTER_EMAIL: "a@e" };

function setup() {
  const root = tempDir();
  const ws = join(root, "ws");
  mkdirSync(ws);
  const real = (args: string[]) => spawnSync("git", args, { cwd: ws, env: ENV, encoding: "utf8" });
  real(["init", "-q", "-b", "main"]);
  writeFileSync(join(ws, "a.txt"), "one\n");
  real(["add", "a.txt"]);
  real(["commit", "-qm", "one"]);
  const realGit = spawnSync("sh", ["-c", "command -v git"], { encoding: "utf8", env: ENV }).stdout.trim();
  const config: GuardConfig = { workspace: ws, realGit, workBranch: "main", protectedPaths: [] };
  const configFile = join(root, "guard.json");
  writeFileSync(configFile, JSON.stringify(config));
  const binDir = join(root, "bin");
  mkdirSync(binDir);
  writeFileSync(join(binDir, "git"), gitShim({ node: process.execPath, guardScript: fromRoot("dist/git-guard.js"), configFile, realGit }));
  chmodSync(join(binDir, "git"), 0o755);
  const envFile = join(root, "env.sh");
  writeFileSync(envFile, shellEnvFile(binDir));
  // As Claude's Bash tool runs a command: CLAUDECODE set, the env file sourced first.
  const claude = (command: string) => spawnSync("bash", ["-c", `. '${envFile}'; ${command}`], { cwd: ws, env: { ...ENV, CLAUDECODE: "1" }, encoding: "utf8" });
  return { root, ws, real, claude, binDir };
}

describe("the checked git", () => {
  it("runs what Claude ordinarily does: status, diff with changes, add, commit, log", () => {
    const s = setup();
    writeFileSync(join(s.ws, "a.txt"), "two\n");
    expect(s.claude("git status --short").stdout).toBe(" M a.txt\n");
    const diff = s.claude("git diff");
    expect(diff.status).toBe(0);
    expect(diff.stdout).toContain("+two");
    expect(s.claude("git add a.txt && git commit -qm two").status).toBe(0);
    expect(s.claude("git log --oneline -n 1").stdout).toMatch(/^[0-9a-f]+ two\n$/);
    expect(s.claude("git show --stat HEAD").stdout).toContain("a.txt");
  });

  it("refuses an option that writes a file, and writes nothing", () => {
    const s = setup();
    const out = join(s.root, "leak.txt");
    const r = s.claude(`git log --output='${out}'`);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("git: refused by claude-code-gitea-action: git log: the option --output is not available to Claude in this action\n");
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a commit message read from a file outside the repository", () => {
    const s = setup();
    writeFileSync(join(s.root, "secret"), "TOPSECRET\n");
    writeFileSync(join(s.ws, "b.txt"), "b\n");
    s.claude("git add b.txt");
    const r = s.claude(`git commit -F '${join(s.root, "secret")}'`);
    expect(r.status).toBe(1);
    expect(s.real(["log", "--format=%B"]).stdout).not.toContain("TOPSECRET");
  });

  it("runs no hook, even one planted in .git/hooks", () => {
    const s = setup();
    const marker = join(s.root, "hook-ran");
    writeFileSync(join(s.ws, ".git", "hooks", "pre-commit"), `#!/bin/sh\ntouch '${marker}'\n`);
    chmodSync(join(s.ws, ".git", "hooks", "pre-commit"), 0o755);
    writeFileSync(join(s.ws, "c.txt"), "c\n");
    expect(s.claude("git add c.txt && git commit -qm c").status).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it("a shell alias or function named git does not get around it", () => {
    const s = setup();
    const r = spawnSync("bash", ["-c", `git() { /usr/bin/env git "$@"; }; alias git=/bin/false; . '${join(s.root, "env.sh")}'; git log --output=/tmp/x`], {
      cwd: s.ws,
      env: { ...ENV, CLAUDECODE: "1" },
      encoding: "utf8",
    });
    expect(r.stderr).toContain("refused by claude-code-gitea-action");
  });

  it("push without a broker configured says so; the CLI's own calls (-c …, no CLAUDECODE) pass through", () => {
    const s = setup();
    expect(s.claude("git push").stderr).toBe("git push: not available in this run.\n");
    const own = spawnSync(join(s.binDir, "git"), ["-c", "core.hooksPath=/dev/null", "rev-parse", "--is-inside-work-tree"], { cwd: s.ws, env: ENV, encoding: "utf8" });
    expect(own.stdout).toBe("true\n");
    // The same call from Claude's Bash is refused: a leading -c is not Claude's to give.
    expect(s.claude("git -c core.pager=sh log").stderr).toContain("refused");
    expect(readFileSync(join(s.ws, "a.txt"), "utf8")).toBe("one\n");
  });
});
