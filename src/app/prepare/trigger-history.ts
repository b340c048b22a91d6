/**
 * Phase 4b (label and assignee triggers on Gitea before 1.25): the payload
 * says the issue carries the trigger label (or assignee), not that it was just
 * added, and every other label change sends the same event. The issue's
 * timeline says when the label was last added; if this action already
 * answered after that (a tracking comment or a "did not run" answer by this
 * token's user), the event is not a new request: at most one run per
 * application.
 */
import type { GiteaClient } from "../../gitea/client";
import { REFUSAL_MARKER, TRACKING_MARKER } from "../../gitea/tracking";
import type { TriggerResult } from "../../gitea/trigger";
import type { GiteaTimelineEvent } from "../../gitea/types";

export type HistoryVerdict = { fresh: true; reason: string } | { fresh: false; reason: string };

export async function checkTriggerHistory(
  client: Pick<GiteaClient, "issueTimeline" | "currentUser" | "issueComments">,
  index: number,
  history: NonNullable<TriggerResult["history"]>,
): Promise<HistoryVerdict> {
  const [events, me, comments] = await Promise.all([client.issueTimeline(index), client.currentUser(), client.issueComments(index)]);
  const same = (a: string | undefined, b: string) => (a ?? "").toLowerCase() === b.toLowerCase();
  const isApplication = (e: GiteaTimelineEvent) =>
    history.kind === "label"
      ? e.type === "label" && e.label?.name === history.name && e.body === "1"
      : e.type === "assignees" && same(e.assignee?.login, history.login) && e.removed_assignee !== true;
  const what = history.kind === "label" ? `label '${history.name}'` : `assignment to ${history.login}`;
  const applied = events.filter(isApplication).at(-1);
  if (!applied) return { fresh: true, reason: `no record of when the ${what} happened; treating it as new` };
  const since = Date.parse(applied.created_at);
  const answer = comments.find(
    // A refusal is edited into place on repeats (it never piles up), so its last edit is when it answered.
    (c) => same(c.user?.login, me.login) && (c.body.includes(TRACKING_MARKER) || c.body.includes(REFUSAL_MARKER)) && Date.parse(c.updated_at ?? c.created_at) >= since,
  );
  return answer
    ? { fresh: false, reason: `the ${what} (${applied.created_at}) already has an answer (comment ${answer.id}); this event is another change to the issue` }
    : { fresh: true, reason: `the ${what} happened at ${applied.created_at} and has no answer yet` };
}
