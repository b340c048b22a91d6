/**
 * How the progress settings reach each sender: prepare and finish build a
 * ProgressConfig from RunState.progress, the runner env and the
 * progress_secret input; the progress MCP server runs in the broker, which
 * prepare hands the same settings, the secret and the runner's OIDC request
 * variables (src/boundary/broker.ts).
 */
import { join } from "node:path";
import type { RunState } from "../state";
import type { ProgressConfig } from "./progress";

export type ProgressSettings = NonNullable<RunState["progress"]>;

/** Where the run's seq counter lives (pass it as RunState.progress.seqFile). */
export function defaultSeqFile(runnerTemp: string): string {
  return join(runnerTemp, "claude-progress", "seq");
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
