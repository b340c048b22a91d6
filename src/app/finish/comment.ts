/**
 * Phase 3 of finish: the tracking comment, brought to its final state (see
 * final-comment.ts for replacing one that cannot be edited). What could not
 * be done is returned as problems of the run.
 */
import type { ExecutionSummary } from "../../claude/log";
import type { GiteaClient } from "../../gitea/client";
import type { BranchOutcome } from "../../gitea/git";
import type { GiteaComment } from "../../gitea/types";
import { extractClaudeText, finalBody, type LinkSet } from "../../gitea/tracking";
import type { redactingIO } from "../../io";
import type { RunState } from "../../state";
import { FINISH_OUTPUTS } from "../../steps";
import { describeError } from "../errors";
import { writeFinalComment } from "../final-comment";
import type { Settled } from "../settle";
import type { Outcome } from "./outcome";

export async function finalizeComment(
  client: GiteaClient,
  io: ReturnType<typeof redactingIO>,
  o: {
    commentId: number;
    state: RunState;
    outcome: Outcome;
    durationMs: number;
    summary: ExecutionSummary | undefined;
    links: LinkSet;
    /** The comment as read back and verified at the start of finish. */
    current: Settled<GiteaComment> | undefined;
    /** It was deleted (404): it is replaced. */
    deleted: boolean;
    branch: BranchOutcome | undefined;
  },
): Promise<string[]> {
  const { current, summary, branch } = o;
  const problems: string[] = [];
  try {
    const body = finalBody({
      state: o.outcome.state,
      ...(o.state.triggerUser ? { triggerUser: o.state.triggerUser } : {}),
      durationMs: o.durationMs,
      ...(summary?.costUsd !== undefined ? { costUsd: summary.costUsd } : {}),
      links: o.links,
      // When the comment cannot be read back, Claude's final answer from the log stands in for its text.
      claudeText: current?.ok ? extractClaudeText(current.value.body) : (summary?.result?.text ?? ""),
      ...(branch?.movedFrom && branch.note ? { notes: [`${branch.note}.`] } : {}),
    });
    const final = await writeFinalComment(client, {
      id: o.commentId,
      index: o.state.entity?.number ?? 0,
      body: io.redactor.redact(body),
      ...(current?.ok ? {} : { unreadable: o.deleted ? "deleted" : "unverified" }),
    });
    for (const w of final.warnings) io.warning(w);
    problems.push(...final.problems);
    if (final.id !== undefined && final.id !== o.commentId) io.setOutput(FINISH_OUTPUTS.commentId, String(final.id));
  } catch (error) {
    problems.push(`updating the tracking comment: ${describeError(error)}`);
  }
  return problems;
}
