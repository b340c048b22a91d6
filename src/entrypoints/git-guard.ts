/**
 * The checked git (dist/git-guard.js), run by the `git` shim prepare puts
 * first on Claude's PATH: decides each git command Claude's Bash tool runs
 * (src/boundary/git-policy.ts), runs real git with hardening settings, and
 * hands `push` and `fetch` to the broker, which alone holds the token.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { guardConfigSchema } from "../boundary/guard-config";
import { HARDENING } from "../boundary/git-options";
import { decideGit } from "../boundary/git-policy";

const SCRUBBED_GIT_ENV = ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_EXTERNAL_DIFF", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS", "GIT_EXEC_PATH", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_NAMESPACE", "GIT_TRACE", "GIT_TRACE_PACKET", "GIT_TRACE_CURL"];

/**
 * New empty files and device nodes at the top of the workspace: the mount
 * points the CLI's subprocess sandbox creates (those git already ignores are left out: naming
 * an ignored path makes `git add` fail).
 */
function sandboxLeftovers(workspace: string, before: readonly string[], realGit: string): string[] {
  const known = new Set(before);
  let names: string[];
  try {
    names = readdirSync(workspace).filter((name) => {
      if (known.has(name)) return false;
      try {
        const st = statSync(join(workspace, name));
        // Empty files, and the device nodes it binds over the shell's dotfiles.
        return (st.isFile() && st.size === 0) || (!st.isFile() && !st.isDirectory());
      } catch {
        return false;
      }
    });
  } catch {
    return [];
  }
  if (!names.length) return [];
  const ignored = spawnSync(realGit, ["-C", workspace, "check-ignore", "--", ...names], { encoding: "utf8" });
  const skip = new Set((ignored.stdout ?? "").split("\n").filter(Boolean));
  return names.filter((n) => !skip.has(n));
}

async function main(): Promise<number> {
  const [configFile, ...argv] = process.argv.slice(2);
  const config = guardConfigSchema.parse(JSON.parse(readFileSync(configFile!, "utf8")));
  let cwd: string;
  try {
    cwd = realpathSync(process.cwd());
  } catch {
    cwd = process.cwd();
  }
  const decision = decideGit(argv, {
    workspace: config.workspace,
    cwd,
    protectedPaths: config.protectedPaths,
    ...(config.workBranch ? { workBranch: config.workBranch } : {}),
    ...(config.workspaceEntries ? { sandboxLeftovers: sandboxLeftovers(config.workspace, config.workspaceEntries, config.realGit) } : {}),
  });
  if (decision.kind === "refuse") {
    process.stderr.write(`git: refused by claude-code-gitea-action: ${decision.message}\n`);
    return 1;
  }
  if (decision.kind === "push" || decision.kind === "fetch") {
    if (!config.broker) {
      process.stderr.write(`git ${decision.kind}: not available in this run.\n`);
      return 1;
    }
    const url = decision.kind === "push" ? config.broker.push : config.broker.fetch;
    const body = decision.kind === "push" ? {} : { branches: decision.branches, depth: decision.depth, unshallow: decision.unshallow, prune: decision.prune };
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${config.broker.capability}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(300_000),
      });
      const result = (await response.json()) as { ok?: boolean; message?: string };
      (result.ok ? process.stdout : process.stderr).write(`${result.message ?? `HTTP ${response.status}`}\n`);
      return result.ok ? 0 : 1;
    } catch (error) {
      process.stderr.write(`git ${decision.kind}: the action's broker did not answer (${(error as Error).message}); try mcp__gitea__push_branch.\n`);
      return 1;
    }
  }
  const env: Record<string, string | undefined> = { ...process.env, GIT_PAGER: "cat", PAGER: "cat", GIT_EDITOR: "true", GIT_SEQUENCE_EDITOR: "true", GIT_TERMINAL_PROMPT: "0" };
  for (const name of SCRUBBED_GIT_ENV) delete env[name];
  const result = spawnSync(config.realGit, [...HARDENING.flatMap((c) => ["-c", c]), ...decision.args], { stdio: "inherit", env });
  if (result.error) {
    process.stderr.write(`git: ${result.error.message}\n`);
    return 127;
  }
  return result.status ?? (result.signal ? 128 + 15 : 1);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`git: the checked git failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
