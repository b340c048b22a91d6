/**
 * How the progress settings reach each sender:
 * - prepare and finish build a ProgressConfig from RunState.progress, the
 *   runner env and the progress_secret input;
 * - the progress MCP server gets the same settings as plain env (no secrets)
 *   written by prepare into its MCP config, and the secret from the env the
 *   run step gives the Claude process (RUN_ENV.progressSecret), which its MCP
 *   servers inherit.
 */
import { join } from "node:path";
import type { RunState } from "../state";
import { RUN_ENV } from "../steps";
import { OIDC_ENV, oidcAvailable } from "./oidc";
import type { ProgressConfig } from "./progress";

export type ProgressSettings = NonNullable<RunState["progress"]>;

/** Env names of the progress MCP server's configuration (none of them is a secret). */
export const PROGRESS_MCP_ENV = {
  endpoint: "PROGRESS_ENDPOINT",
  correlationId: "PROGRESS_CORRELATION_ID",
  audience: "PROGRESS_AUDIENCE",
  seqFile: "PROGRESS_SEQ_FILE",
  allowedHosts: "PROGRESS_ALLOWED_HOSTS",
  /** "true" when the runner offered OIDC to prepare (the Claude session never gets it: see progressConfigFromEnv). */
  runnerOidc: "PROGRESS_RUNNER_OIDC",
  repository: "GITHUB_REPOSITORY",
  runId: "GITHUB_RUN_ID",
  runUrl: "PROGRESS_RUN_URL",
} as const;

/** Inherited secrets the MCP server redacts by value wherever they might appear. */
const INHERITED_SECRETS = [
  RUN_ENV.progressSecret,
  RUN_ENV.giteaToken,
  "GITHUB_TOKEN",
  "ANTHROPIC_API_KEY",
  "CLAUDE_CODE_OAUTH_TOKEN",
  "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
] as const;

type Env = Record<string, string | undefined>;

/** Where the run's seq counter lives (pass it as RunState.progress.seqFile). */
export function defaultSeqFile(runnerTemp: string): string {
  return join(runnerTemp, "claude-progress", "seq");
}

/** The `env` of the progress server's entry in the MCP config. Holds no secret. */
export function progressMcpEnv(progress: ProgressSettings, run: { repository: string; runId: string; runUrl?: string; runnerOidc?: boolean }): Record<string, string> {
  return {
    ...(run.runUrl ? { [PROGRESS_MCP_ENV.runUrl]: run.runUrl } : {}),
    ...(run.runnerOidc ? { [PROGRESS_MCP_ENV.runnerOidc]: "true" } : {}),
    [PROGRESS_MCP_ENV.endpoint]: progress.endpoint,
    [PROGRESS_MCP_ENV.correlationId]: progress.correlationId ?? "",
    [PROGRESS_MCP_ENV.audience]: progress.audience ?? "",
    [PROGRESS_MCP_ENV.seqFile]: progress.seqFile,
    [PROGRESS_MCP_ENV.allowedHosts]: progress.allowedHosts.join(","),
    [PROGRESS_MCP_ENV.repository]: run.repository,
    [PROGRESS_MCP_ENV.runId]: run.runId,
  };
}

/** A ProgressClient config for prepare or finish. */
export function progressConfigFromState(
  progress: ProgressSettings,
  run: { repository: string; runId: string; runUrl?: string; secret?: string; redact?: Iterable<string | undefined> },
  extra: Partial<ProgressConfig> = {},
): ProgressConfig {
  return {
    endpoint: progress.endpoint,
    allowedHosts: progress.allowedHosts,
    repository: run.repository,
    runId: run.runId,
    ...(run.runUrl ? { runUrl: run.runUrl } : {}),
    ...(progress.correlationId ? { correlationId: progress.correlationId } : {}),
    ...(progress.audience ? { audience: progress.audience } : {}),
    seqFile: progress.seqFile,
    ...(run.secret ? { secret: run.secret } : {}),
    ...(run.redact ? { redact: run.redact } : {}),
    ...extra,
  };
}

/**
 * Why the model's updates cannot be authenticated although the action's own
 * are: the pinned base action deletes ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN from
 * the Claude session's env (so Claude cannot mint tokens), and this server is
 * a child of that session.
 */
export const OIDC_WITHHELD_REASON =
  `the runner offers OIDC only to the action's own steps (the base action removes ${OIDC_ENV.requestUrl} from Claude's environment so that Claude cannot mint tokens), ` +
  "and there is no progress_secret to sign Claude's updates with; the action's start and final updates are still sent. Set progress_secret to have Claude's own updates delivered (signed)";

/**
 * The MCP server's config from its env. `problem` is set (and `config` absent)
 * when no endpoint was given, or when the runner's OIDC is out of reach and
 * there is no secret: the server then answers every call with it.
 */
export function progressConfigFromEnv(env: Env = process.env): { config?: ProgressConfig; problem?: string } {
  const get = (name: string) => env[name]?.trim() ?? "";
  const endpoint = get(PROGRESS_MCP_ENV.endpoint);
  if (!endpoint) return { problem: `${PROGRESS_MCP_ENV.endpoint} is not set: this run has no progress_endpoint` };
  const secret = env[RUN_ENV.progressSecret] ?? "";
  if (!secret.trim() && !oidcAvailable(env) && get(PROGRESS_MCP_ENV.runnerOidc) === "true") return { problem: OIDC_WITHHELD_REASON };
  const correlationId = get(PROGRESS_MCP_ENV.correlationId);
  const audience = get(PROGRESS_MCP_ENV.audience);
  // Without an explicit file, the same default prepare uses, so every sender shares one counter.
  const runnerTemp = get("RUNNER_TEMP");
  const seqFile = get(PROGRESS_MCP_ENV.seqFile) || (runnerTemp ? defaultSeqFile(runnerTemp) : "");
  return {
    config: {
      endpoint,
      allowedHosts: get(PROGRESS_MCP_ENV.allowedHosts)
        .split(/[,\n]/)
        .map((h) => h.trim())
        .filter(Boolean),
      repository: get(PROGRESS_MCP_ENV.repository),
      runId: get(PROGRESS_MCP_ENV.runId),
      ...(get(PROGRESS_MCP_ENV.runUrl) ? { runUrl: get(PROGRESS_MCP_ENV.runUrl) } : {}),
      ...(correlationId ? { correlationId } : {}),
      ...(audience ? { audience } : {}),
      ...(seqFile ? { seqFile } : {}),
      ...(secret ? { secret } : {}),
      redact: INHERITED_SECRETS.map((name) => env[name]),
      env,
    },
  };
}
