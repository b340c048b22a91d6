/**
 * The checked git (dist/git-guard.js), run by the `git` shim prepare puts
 * first on Claude's PATH: decides each git command Claude's Bash tool runs
 * (src/boundary/git-policy.ts), runs real git with hardening settings, and
 * hands `push` and `fetch` to the broker, which alone holds the token.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, realpathSync, statSync } from "node:fs";
import { guardConfigSchema } from "../boundary/guard-config";
import { HARDENING } from "../boundary/git-options";
import { decideGit } from "../boundary/git-policy";

const SCRUBBED_GIT_ENV = ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_EXTERNAL_DIFF", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS", "GIT_EXEC_PATH", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_NAMESPACE", "GIT_TRACE", "GIT_TRACE_PACKET", "GIT_TRACE_CURL"];

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
    ...(config.sandboxed ? { sandboxed: true } : {}),
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
  const gitArgv = [...HARDENING.flatMap((c) => ["-c", c]), ...decision.args];
  if (config.sandboxed && decision.args.find((a) => !a.startsWith("-")) === "add") return addSkippingMasks(config.realGit, gitArgv, env);
  const result = spawnSync(config.realGit, gitArgv, { stdio: "inherit", env });
  if (result.error) {
    process.stderr.write(`git: ${result.error.message}\n`);
    return 127;
  }
  return result.status ?? (result.signal ? 128 + 15 : 1);
}

/**
 * `git add` under the CLI's subprocess sandbox: the device nodes it puts over
 * masked names cannot be indexed; git skips them (--ignore-errors) and says
 * so, which is noise, not a failure.
 */
function addSkippingMasks(realGit: string, argv: string[], env: Record<string, string | undefined>): number {
  const result = spawnSync(realGit, argv, { stdio: ["inherit", "inherit", "pipe"], env, encoding: "utf8" });
  const masked = /^error: (.+): can only add regular files, symbolic links or git-directories$/;
  const lines = (result.stderr ?? "").split("\n").filter(Boolean);
  const rest = lines.filter((line) => {
    const m = masked.exec(line);
    if (!m) return true;
    try {
      const st = statSync(m[1]!);
      return !(st.isCharacterDevice() || st.isBlockDevice());
    } catch {
      return true;
    }
  });
  if (rest.length) process.stderr.write(`${rest.join("\n")}\n`);
  if (result.error) return 127;
  return result.status === 1 && rest.length === 0 ? 0 : (result.status ?? 1);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`git: the checked git failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
