/** The tracking comment: a new one, or (use_sticky_comment on a pull request) Claude's previous one. */
import type { GiteaClient } from "../../gitea/client";
import { TRACKING_MARKER, workingBody } from "../../gitea/tracking";
import type { GiteaComment } from "../../gitea/types";
import { describeError } from "../errors";
import type { Settled } from "../settle";
import type { PrepareContext } from "./context";

export async function findStickyComment(client: GiteaClient, index: number): Promise<GiteaComment | undefined> {
  const [me, comments] = await Promise.all([client.currentUser(), client.issueComments(index)]);
  return [...comments].reverse().find((c) => c.user?.login === me.login && c.body.includes(TRACKING_MARKER));
}

export async function trackingComment(
  run: PrepareContext,
  client: GiteaClient,
  index: number,
  runUrl: string,
  stickyP: Promise<Settled<GiteaComment | undefined>> | undefined,
): Promise<GiteaComment> {
  const body = workingBody({ run: runUrl });
  const sticky = stickyP ? await stickyP : undefined;
  if (sticky && !sticky.ok) run.io.warning(`Could not look for a sticky comment: ${describeError(sticky.error)}; posting a new one.`);
  if (sticky?.ok && sticky.value) {
    run.io.info(`Reusing tracking comment ${sticky.value.id} (use_sticky_comment).`);
    return client.editComment(sticky.value.id, body);
  }
  return client.createComment(index, body);
}
