/**
 * The tracking comment's final state, written by finish. A comment that can
 * no longer be edited (deleted by someone, or the edit keeps failing) is
 * replaced by a new comment in that final state, and the old one is removed
 * so that no comment is left saying Claude is working. What could not be done
 * is returned as problems (the job then fails, naming each call).
 */
import type { GiteaClient } from "../gitea/client";
import { GiteaError } from "../gitea/client";
import { describeError } from "./errors";

export type FinalComment = {
  /** The comment that now holds the final state (the same id, or the replacement's). */
  id?: number;
  url?: string;
  /** Set when a new comment replaced the tracking comment. */
  replaced?: { oldId: number; why: string };
  /** What went wrong that a user must know (the old comment still says Claude is working, nothing could be posted). */
  problems: string[];
  /** What went wrong but was repaired (for the log). */
  warnings: string[];
};

type Client = Pick<GiteaClient, "editComment" | "createComment" | "deleteComment">;

/** Writes `body` into comment `id` of issue/PR `index`, replacing the comment when it cannot be edited. */
export async function writeFinalComment(
  client: Client,
  o: {
    id: number;
    index: number;
    body: string;
    author?: string;
    /**
     * Reading the comment back failed: "deleted" (404, it is gone), or
     * "unverified" (it could not be confirmed as this run's, so it is neither
     * edited nor removed; a new comment holds the final state).
     */
    unreadable?: "deleted" | "unverified";
  },
): Promise<FinalComment> {
  if (o.unreadable === "deleted") return replace(client, o, { gone: true, why: "it was deleted", failure: "it was deleted" });
  if (o.unreadable === "unverified") return replace(client, o, { gone: true, keep: true, why: "it could not be read back to confirm it is this run's", failure: "it could not be read back" });
  try {
    const edited = await client.editComment(o.id, o.body);
    return { id: edited.id ?? o.id, ...(edited.html_url ? { url: edited.html_url } : {}), problems: [], warnings: [] };
  } catch (error) {
    const gone = error instanceof GiteaError && error.status === 404;
    return replace(client, o, { gone, why: gone ? `it was deleted (${describeError(error)})` : `editing it failed: ${describeError(error)}`, failure: describeError(error) });
  }
}

async function replace(
  client: Client,
  o: { id: number; index: number; body: string; author?: string },
  cause: { gone: boolean; keep?: boolean; why: string; failure: string },
): Promise<FinalComment> {
  const because = cause.keep ? "it could not be read back" : cause.gone ? "it was deleted" : "editing it kept failing";
  const note = `\n\n<sub>This replaces the tracking comment ${o.id}, which could not be updated: ${because}.</sub>`;
  let created;
  try {
    created = await client.createComment(o.index, `${o.body}${note}`, o.author);
  } catch (postError) {
    return { problems: [`updating the tracking comment: ${cause.failure}`, `posting a replacement for it: ${describeError(postError)}`], warnings: [] };
  }
  const result: FinalComment = {
    id: created.id,
    ...(created.html_url ? { url: created.html_url } : {}),
    replaced: { oldId: o.id, why: cause.why },
    problems: [],
    warnings: [`The tracking comment ${o.id} could not be updated (${cause.why}); posted comment ${created.id} in its final state instead.`],
  };
  if (!cause.gone) {
    // The old comment still says Claude is working: take it away.
    try {
      await client.deleteComment(o.id);
    } catch (deleteError) {
      result.problems.push(
        `updating the tracking comment: ${cause.failure}; the replacement ${created.id} was posted, but the old comment could not be removed and still says Claude is working (${describeError(deleteError)})`,
      );
    }
  }
  return result;
}
