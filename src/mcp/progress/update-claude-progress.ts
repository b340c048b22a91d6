/**
 * Tool `update_claude_progress`: the model reports where it is; the update is
 * POSTed to the dispatch's progress endpoint. The call never fails the model's
 * turn and never holds it for more than a few seconds: the answer says whether
 * the update was delivered, and why not.
 */
import * as z from "zod";
import { PROGRESS_STATUSES, type DeliveryResult, type ProgressUpdate } from "../../dispatch/progress";

export const UPDATE_CLAUDE_PROGRESS = "update_claude_progress";

export const updateClaudeProgressDescription =
  "Report progress on the dispatched task to the system that started it. Call it when you start a notable step " +
  "and when you finish one (status 'in_progress'), and once at the end ('completed', or 'failed' with the reason). " +
  "'message' is a short human-readable status; 'completed_tasks' lists the steps done so far; 'current_task' names the step under way. " +
  "The action sends its own final update after you stop, so a lost update is not a problem: do not retry a call that reports it was not delivered.";

export const updateClaudeProgressInput = {
  status: z.enum(PROGRESS_STATUSES).describe("in_progress while working; completed or failed once at the end"),
  message: z.string().describe("Short status for a human, e.g. 'Tests pass; opening the pull request'"),
  completed_tasks: z.array(z.string()).optional().describe("Steps finished so far, in order"),
  current_task: z.string().optional().describe("The step under way now"),
};

export type UpdateClaudeProgressArgs = {
  status: ProgressUpdate["status"];
  message: string;
  completed_tasks?: string[];
  current_task?: string;
};

/** What the tool needs from a ProgressClient (tests pass a fake). */
export interface ProgressSender {
  send(update: ProgressUpdate): Promise<DeliveryResult>;
  unavailableReason(): string | undefined;
}

export type UpdateDeps = {
  /** Absent when the run has no progress endpoint. */
  sender?: ProgressSender;
  /** Why there is no sender. */
  problem?: string;
  /** Hard ceiling for one call, ms (the client's own budget is shorter). */
  callTimeoutMs?: number;
  log?: (line: string) => void;
};

const NOT_DELIVERED_HINT = "Carry on with the task; do not retry this update.";

/** Runs one call and returns the text the model sees. Never throws. */
export async function updateClaudeProgress(args: UpdateClaudeProgressArgs, deps: UpdateDeps): Promise<string> {
  if (!deps.sender) return `Progress update not sent: ${deps.problem ?? "progress is not configured for this run"}. ${NOT_DELIVERED_HINT}`;
  const reason = deps.sender.unavailableReason();
  if (reason) return `Progress update not sent: ${reason}. ${NOT_DELIVERED_HINT}`;

  const update: ProgressUpdate = {
    status: args.status,
    message: args.message,
    completed_tasks: args.completed_tasks ?? [],
    current_task: args.current_task?.trim() ? args.current_task : null,
  };
  const ceiling = deps.callTimeoutMs ?? 8_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ceiling);
    timer.unref?.();
  });
  try {
    const result = await Promise.race([deps.sender.send(update), timeout]);
    if (result === "timeout") {
      deps.log?.(`update_claude_progress: no outcome within ${ceiling} ms`);
      return `Progress update not confirmed within ${Math.round(ceiling / 1000)} s. ${NOT_DELIVERED_HINT}`;
    }
    const line = result.delivered
      ? `Progress update #${result.seq ?? "?"} (${args.status}) delivered.`
      : `Progress update not delivered: ${result.error ?? "unknown reason"}. ${NOT_DELIVERED_HINT}`;
    deps.log?.(`update_claude_progress: ${line}`);
    return line;
  } catch (error) {
    // send() does not throw; this guards a fake or future sender.
    deps.log?.(`update_claude_progress: ${(error as Error).message}`);
    return `Progress update not delivered: ${(error as Error).message}. ${NOT_DELIVERED_HINT}`;
  } finally {
    clearTimeout(timer);
  }
}
