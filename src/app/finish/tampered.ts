/**
 * Finish when the state file changed during the run: nothing in it is
 * believed. The tracking comment (prepare's output, verified with Gitea) and
 * the backend are told, and the run fails.
 */
import { finalUpdate } from "../../dispatch/messages";
import type { EventContext } from "../../gitea/context";
import { finalBody } from "../../gitea/tracking";
import type { redactingIO } from "../../io";
import { FINISH_ENV, FINISH_OUTPUTS } from "../../steps";
import type { StepDeps } from "../deps";
import { describeError } from "../errors";
import { sendFinal } from "./backend";
import { finishClient } from "./client";
import { verifiedComment } from "./trust";

export async function reportTampered(
  deps: StepDeps,
  io: ReturnType<typeof redactingIO>,
  token: string,
  apiUrl: string,
  event: EventContext | undefined,
  why: string,
  secret: string,
  progressInputs: { progress_allowed_hosts: string[]; progress_audience: string },
): Promise<number> {
  const reason = `Finishing the run failed: ${why}.`;
  io.error(reason);
  if (event) {
    const client = finishClient(deps, io, { apiUrl, token, owner: event.repository.owner, repo: event.repository.name });
    const commentId = Number(deps.env[FINISH_ENV.commentId] ?? "") || undefined;
    if (commentId !== undefined) {
      try {
        await verifiedComment(client, commentId, event.kind === "entity" ? event.entity.number : undefined);
        await client.editComment(commentId, io.redactor.redact(finalBody({ state: { kind: "error", reason }, links: {} })));
      } catch (error) {
        io.error(`finish: updating the tracking comment: ${describeError(error)}`);
      }
    }
    await sendFinal(deps, io, {
      event,
      allowedHosts: progressInputs.progress_allowed_hosts,
      audience: progressInputs.progress_audience,
      repository: event.repository.fullName,
      secret,
      update: finalUpdate({ conclusion: "failure", links: {}, error: reason }),
    });
  }
  await io.appendSummary(`## Claude Code\n\n**failure**: ${reason}\n`).catch(() => undefined);
  io.setOutput(FINISH_OUTPUTS.conclusion, "failure");
  return 1;
}
