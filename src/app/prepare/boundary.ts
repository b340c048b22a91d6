/**
 * Phase 9a: the trust boundary of the run step (src/boundary). Starts the
 * broker with the secrets, writes the checked git and the CLI launcher, and
 * computes the permission rules. Nothing written here holds a secret.
 */
import { randomBytes } from "node:crypto";
import { mkdir, realpath, writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import type { BrokerConfig } from "../../boundary/broker-config";
import { brokerEndpoints, spawnBroker } from "../../boundary/broker-process";
import { gitShim, shellEnvFile, type GuardConfig } from "../../boundary/guard-config";
import { launcherShim, sha256, type LauncherConfig } from "../../boundary/launcher";
import { boundaryRules, type BoundaryRules } from "../../boundary/permissions";
import { remoteUrl } from "../../boundary/push";
import { probeSubprocessSandbox } from "../../boundary/sandbox";
import { WRAPPER_MARKER, defaultMarkerFile, defaultWrapperDir, timeoutSeconds, type PreparedExecutable } from "../../claude/executable";
import type { McpServers } from "../../claude/mcp-config";
import { OIDC_ENV } from "../../dispatch/oidc";
import type { EventContext } from "../../gitea/context";
import { secretValues } from "../../inputs";
import type { WorkBranch } from "../../gitea/git";
import { GITEA_MCP_SERVER } from "../../mcp/gitea/names";
import type { RunState } from "../../state";
import { PREPARE_OUTPUTS } from "../../steps";
import type { PrepareContext } from "./context";
import { PROGRESS_MCP_SERVER } from "./prompt";

export type Boundary = {
  /** The `claude` the base action runs (path_to_claude_code_executable). */
  claudeExecutable: string;
  /** The action's MCP servers, served by the broker. */
  servers: McpServers;
  rules: BoundaryRules;
  scrub: boolean;
};

/** Variables the broker and git may see: nothing secret. */
const SAFE_ENV = ["PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR", "NODE_EXTRA_CA_CERTS", "GIT_SSL_CAINFO", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "GIT_HTTP_LOW_SPEED_LIMIT", "GIT_HTTP_LOW_SPEED_TIME"];

/** GITHUB_RUN_ID and GITHUB_RUN_NUMBER as numbers, when both are. */
function runRef(id: string, number: string): { id: number; number: number } | undefined {
  return /^[1-9]\d{0,15}$/.test(id) && /^[1-9]\d{0,15}$/.test(number) ? { id: Number(id), number: Number(number) } : undefined;
}

function safeEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of SAFE_ENV) if (env[name]) out[name] = env[name]!;
  return out;
}

async function which(name: string, pathVar: string, skip: string): Promise<string | undefined> {
  const { access, constants } = await import("node:fs/promises");
  for (const dir of pathVar.split(delimiter)) {
    if (!dir || dir === skip || !dir.startsWith("/")) continue;
    try {
      await access(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // next
    }
  }
  return undefined;
}

export async function setUpBoundary(
  run: PrepareContext,
  o: {
    ctx: EventContext;
    state: RunState;
    executable: PreparedExecutable;
    branch: WorkBranch | undefined;
    commentId: number | undefined;
    publicUrl: string;
    protectedPaths: readonly string[];
    readDirs: readonly string[];
  },
): Promise<Boundary> {
  const { runner, inputs, deps } = run;
  const env = deps.env;
  const dir = join(run.workDir, "boundary");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const distDir = join(runner.actionPath || process.cwd(), "dist");
  const workspace = await realpath(runner.workspace).catch(() => runner.workspace);
  const secrets = [
    run.token,
    runner.jobToken,
    ...secretValues(inputs),
    env[OIDC_ENV.requestToken],
    env.ACTIONS_RUNTIME_TOKEN,
  ].filter((s): s is string => Boolean(s && s.trim()));

  // The broker: the only holder of the Gitea token (and the progress secret) while Claude runs.
  const capability = randomBytes(32).toString("base64url");
  const entity = o.ctx.kind === "entity" ? o.ctx.entity : undefined;
  const progress = o.state.progress;
  const oidcUrl = env[OIDC_ENV.requestUrl]?.trim();
  const oidcToken = env[OIDC_ENV.requestToken]?.trim();
  const config: BrokerConfig = {
    capability,
    lifetimeMs: Math.ceil((inputs.timeout_minutes + 15) * 60_000),
    watchDir: run.workDir,
    secrets,
    env: { ...safeEnv(env), GIT_TERMINAL_PROMPT: "0" },
    gitea: {
      apiUrl: runner.apiUrl,
      repository: o.ctx.repository.fullName,
      publicUrl: o.publicUrl,
      token: run.token,
      ...(runner.jobToken && run.token === runner.jobToken ? { usesJobToken: true } : {}),
      ...(o.commentId !== undefined ? { commentId: o.commentId } : {}),
      ...(entity ? { entityNumber: entity.number } : {}),
      isPR: entity?.isPR ?? false,
      workspace,
      gitName: inputs.claude_git_name,
      gitEmail: inputs.claude_git_email,
      ...(runRef(runner.runId, runner.runNumber) ? { run: runRef(runner.runId, runner.runNumber)! } : {}),
      ...(entity && o.ctx.kind === "entity" && o.ctx.trigger.kind === "workflow_run" && o.ctx.trigger.run.id > 0 && o.ctx.trigger.run.number > 0
        ? { knownRuns: [{ id: o.ctx.trigger.run.id, number: o.ctx.trigger.run.number }] }
        : {}),
    },
    ...(o.branch
      ? { git: { remoteUrl: remoteUrl(runner.serverUrl, o.ctx.repository.fullName), branch: o.branch.name, baseBranch: o.branch.base, startSha: o.branch.startSha } }
      : {}),
    ...(progress
      ? {
          progress: {
            endpoint: progress.endpoint,
            ...(progress.correlationId ? { correlationId: progress.correlationId } : {}),
            ...(progress.audience ? { audience: progress.audience } : {}),
            allowedHosts: progress.allowedHosts,
            seqFile: progress.seqFile,
            repository: o.ctx.repository.fullName,
            runId: runner.runId,
            ...(o.state.runUrl ? { runUrl: o.state.runUrl } : {}),
            ...(inputs.progress_secret ? { secret: inputs.progress_secret } : {}),
            ...(oidcUrl && oidcToken ? { oidc: { requestUrl: oidcUrl, requestToken: oidcToken } } : {}),
          },
        }
      : {}),
  };
  const broker = await spawnBroker({ node: process.execPath, script: join(distDir, "broker.js"), config, logFile: join(dir, "broker.log"), env: safeEnv(env) });
  o.state.broker = { pid: broker.pid };
  await run.saveState();
  run.io.setOutput(PREPARE_OUTPUTS.brokerPid, String(broker.pid));
  const endpoints = brokerEndpoints(broker);
  const auth = { Authorization: `Bearer ${capability}` };

  // The checked git, first on Claude's PATH and again before every Bash command. Its files hold no
  // secret and live outside the state directory: the CLI's subprocess sandbox hides what Claude may not read.
  const gitDir = join(runner.runnerTemp, "claude-code-gitea-git");
  const guardDir = join(gitDir, "bin");
  await mkdir(guardDir, { recursive: true, mode: 0o700 });
  const realGit = (await which("git", env.PATH ?? "", guardDir)) ?? "git";
  const guard: GuardConfig = {
    workspace,
    realGit,
    ...(o.branch ? { workBranch: o.branch.name } : {}),
    protectedPaths: [...o.protectedPaths],
    broker: { push: endpoints.push, fetch: endpoints.fetch, capability },
  };
  // The subprocess sandbox, when the runner can give it.
  let scrub = false;
  if (inputs.subprocess_sandbox !== "false") {
    const probe = await probeSubprocessSandbox(env);
    if (probe.available) scrub = true;
    else if (inputs.subprocess_sandbox === "true") {
      throw new Error(`subprocess_sandbox is 'true' but this runner cannot sandbox Claude's subprocesses: ${probe.reason}. Install bubblewrap and socat (and allow user namespaces), or set subprocess_sandbox to 'auto'.`);
    }
    run.io.info(`Subprocess sandbox (CLAUDE_CODE_SUBPROCESS_ENV_SCRUB): ${scrub ? `on (${probe.reason})` : `off (${probe.reason})`}.`);
  }
  if (scrub) guard.sandboxed = true;

  const guardFile = join(gitDir, "git-guard.json");
  await writeFile(guardFile, JSON.stringify(guard), { mode: 0o600 });
  await writeFile(join(guardDir, "git"), gitShim({ node: process.execPath, guardScript: join(distDir, "git-guard.js"), configFile: guardFile, realGit }), { mode: 0o755 });
  const envFile = join(gitDir, "shell-env.sh");
  await writeFile(envFile, shellEnvFile(guardDir), { mode: 0o644 });

  // The launcher the base action runs as `claude`.
  const launcher: LauncherConfig = {
    realClaude: o.executable.realClaude,
    timeout: { seconds: timeoutSeconds(inputs.timeout_minutes), minutes: inputs.timeout_minutes, markerFile: defaultMarkerFile(runner.runnerTemp) },
    guardDir,
    envFile,
    scrub,
    secretHashes: secrets.map(sha256),
    credentialsByFd: true,
    ...(scrub ? { sandboxWorkspace: workspace } : {}),
  };
  const launcherFile = join(dir, "launcher.json");
  await writeFile(launcherFile, JSON.stringify(launcher), { mode: 0o600 });
  const binDir = defaultWrapperDir(runner.runnerTemp);
  await mkdir(binDir, { recursive: true, mode: 0o700 });
  const claudeExecutable = join(binDir, "claude");
  await writeFile(claudeExecutable, launcherShim({ marker: WRAPPER_MARKER, node: process.execPath, launcherScript: join(distDir, "claude-launcher.js"), configFile: launcherFile }), { mode: 0o755 });

  const rules = boundaryRules(
    {
      workspace,
      runnerTemp: runner.runnerTemp,
      stateDir: run.workDir,
      ...(runner.actionPath ? { actionPath: runner.actionPath } : {}),
      ...(runner.home ? { home: runner.home } : {}),
      fileCommands: ["GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_STATE", "GITHUB_STEP_SUMMARY", "GITHUB_EVENT_PATH"].map((n) => env[n] ?? ""),
      protectedPaths: o.protectedPaths,
      readDirs: o.readDirs,
      actionTemp: [gitDir, binDir, ...o.readDirs, join(runner.runnerTemp, "claude-execution-output.json"), join(runner.runnerTemp, "claude-progress")],
    },
    { gitInBash: !inputs.use_commit_signing },
  );
  for (const note of rules.notes) run.io.notice(note);

  const servers: McpServers = {
    [GITEA_MCP_SERVER]: { type: "http", url: endpoints.giteaMcp, headers: auth },
    ...(progress ? { [PROGRESS_MCP_SERVER]: { type: "http" as const, url: endpoints.progressMcp, headers: auth } } : {}),
  };
  return { claudeExecutable, servers, rules, scrub };
}
