/**
 * Phase 1 of finish: what happened in the run. The execution log (when the
 * run step left one), the timeout marker and the run step's outcome decide
 * the conclusion; a failure of finish itself turns it into a failure that
 * names each failing call.
 */
import { access } from "node:fs/promises";
import { join } from "node:path";
import { readExecutionLog, type ExecutionSummary } from "../../claude/log";
import type { FinalState } from "../../gitea/tracking";
import type { ActionIO } from "../../io";
import type { RunState } from "../../state";
import { FINISH_ENV } from "../../steps";

export type Outcome = { conclusion: "success" | "failure"; state: FinalState; reason?: string; cancelled?: boolean };

export async function readLog(env: Record<string, string | undefined>, io: ActionIO): Promise<ExecutionSummary | undefined> {
  const candidates = [env[FINISH_ENV.executionFile], env.RUNNER_TEMP ? join(env.RUNNER_TEMP, "claude-execution-output.json") : undefined];
  for (const file of candidates) {
    if (!file) continue;
    try {
      await access(file);
    } catch {
      continue;
    }
    const summary = await readExecutionLog(file);
    for (const w of summary.warnings) io.warning(`Execution log: ${w}`);
    return summary;
  }
  return undefined;
}

export function decide(
  state: RunState,
  env: Record<string, string | undefined>,
  summary: ExecutionSummary | undefined,
  timedOut: { minutes: number } | undefined,
  structured: string,
): Outcome {
  if (state.prepareError) return { conclusion: "failure", state: { kind: "error", reason: state.prepareError }, reason: state.prepareError };
  if (timedOut) {
    const reason = `Claude was stopped after ${state.timeout.minutes} minute(s) (timeout_minutes).`;
    return { conclusion: "failure", state: { kind: "timeout", minutes: state.timeout.minutes }, reason };
  }
  const runOutcome = env[FINISH_ENV.runOutcome] ?? "";
  const runConclusion = env[FINISH_ENV.runConclusion] ?? "";
  // Gitea cancels runs too: by hand, or when a newer dispatch of the same workflow starts on the same ref.
  if (runOutcome === "cancelled") return { ...fail("The run was cancelled (by hand, or by a newer dispatch of this workflow on the same ref)."), cancelled: true };
  if (runOutcome === "skipped" || runOutcome === "") return fail("Claude did not run (the run step was skipped).");
  const errors = summary?.result?.errors?.filter(Boolean) ?? [];
  if (runOutcome !== "success" && errors.length) return fail(`Claude Code failed: ${errors.join("; ")}`);
  if (state.jsonSchema && !structured.trim()) {
    return fail(
      `A JSON schema was requested (json_schema / --json-schema) but Claude returned no structured output${summary?.result ? ` (result: ${summary.result.subtype}${summary.result.isError ? ", is_error" : ""})` : ""}.`,
    );
  }
  if (runOutcome === "success" && runConclusion === "success") return { conclusion: "success", state: { kind: "success" } };
  if (summary?.result?.isError) return fail(`Claude Code reported an error: ${(summary.result.text ?? summary.result.subtype).slice(0, 500)}`);
  if (summary && !summary.result) return fail("Claude Code stopped without a result (see the job log).");
  return fail("The Claude Code step failed (see the job log).");
}

const fail = (reason: string): Outcome => ({ conclusion: "failure", state: { kind: "error", reason }, reason });

/** The run's outcome once finish itself failed at something (the reason names each failing call). */
export function finishFailed(outcome: Outcome, problems: string[]): Outcome {
  const what = `Finishing the run failed: ${problems.join("; ")}`;
  if (outcome.state.kind === "error") return fail(`${outcome.state.reason}\n${what}`);
  const before = outcome.state.kind === "timeout" ? `Claude timed out after ${outcome.state.minutes} minute(s)` : "Claude finished";
  return fail(`${before}, but finishing the run failed: ${problems.join("; ")}`);
}
