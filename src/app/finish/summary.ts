/** Phase 4 of finish: the step summary, from the execution log when there is one. */
import type { ExecutionSummary } from "../../claude/log";
import { renderStepSummary, type Conclusion } from "../../claude/summary";
import type { redactingIO } from "../../io";
import type { RunState } from "../../state";
import type { Outcome } from "./outcome";

export function stepSummary(
  summary: ExecutionSummary | undefined,
  o: { outcome: Outcome; state: RunState; structured: string; timedOut: { minutes: number } | undefined; io: ReturnType<typeof redactingIO> },
): string {
  const { outcome, timedOut, io } = o;
  const stepConclusion: Conclusion = outcome.state.kind === "timeout" ? "timed_out" : outcome.conclusion;
  return summary
    ? renderStepSummary(
        { ...summary, ...(o.structured ? { structuredOutput: parseJson(o.structured) ?? summary.structuredOutput } : {}) },
        {
          redact: (t) => io.redactor.redact(t),
          conclusion: stepConclusion,
          ...(timedOut ? { timedOutMinutes: o.state.timeout.minutes } : {}),
          ...(outcome.reason && outcome.conclusion === "failure" && !timedOut ? { error: outcome.reason } : {}),
        },
      )
    : `## Claude Code\n\n**${outcome.conclusion}**${outcome.reason ? `: ${outcome.reason}` : ""}\n`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
