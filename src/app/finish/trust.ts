/**
 * What finish may believe. Claude ran between prepare and finish, so finish
 * takes nothing security-relevant from a file Claude could have written:
 *
 * - the state file counts only when its SHA-256 is the one prepare published
 *   as a step output (outputs are fixed by the runner before the run step);
 * - the Gitea API URL is the runner's (GITHUB_API_URL), the token finish's
 *   own input, the progress endpoint and correlation id the event's, checked
 *   against finish's own progress_allowed_hosts input;
 * - the tracking comment is prepare's output, and is edited only after Gitea
 *   confirms it is this token's comment, with the action's marker, on the
 *   issue or pull request of this event.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { checkProgressEndpoint } from "../../dispatch/endpoint";
import type { GiteaClient } from "../../gitea/client";
import { parseEvent, type EventContext } from "../../gitea/context";
import { TRACKING_MARKER } from "../../gitea/tracking";
import type { GiteaComment } from "../../gitea/types";
import { readState, type RunState } from "../../state";
import { FINISH_ENV } from "../../steps";
import { describeError } from "../errors";

type Env = Record<string, string | undefined>;

export type LoadedState = { state: RunState } | { state?: undefined; missing: string } | { state?: undefined; tampered: string };

/** The state prepare left, verified against the digest prepare published. */
export async function loadVerifiedState(env: Env): Promise<LoadedState> {
  const file = env[FINISH_ENV.stateFile] ?? "";
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    return { missing: `no state from prepare (${describeError(error)})` };
  }
  const expected = (env[FINISH_ENV.stateDigest] ?? "").trim();
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (!expected || expected !== actual) {
    return { tampered: `the run's state file changed after prepare wrote it (digest ${actual.slice(0, 12)}, prepare published ${expected.slice(0, 12) || "none"}); nothing in it is used` };
  }
  return { state: await readState(file) };
}

/** The event as the runner gave it (GITHUB_EVENT_PATH), or undefined when it cannot be read. */
export async function readEventContext(env: Env): Promise<EventContext | undefined> {
  try {
    const payload = JSON.parse(await readFile(env.GITHUB_EVENT_PATH ?? "", "utf8")) as unknown;
    return parseEvent(env.GITHUB_EVENT_NAME ?? "", payload, { repository: env.GITHUB_REPOSITORY ?? "", actor: env.GITHUB_ACTOR ?? "", ref: env.GITHUB_REF ?? "" });
  } catch {
    return undefined;
  }
}

/** The progress endpoint, from the event and finish's own allow-list (never from the state). */
export async function progressTarget(
  event: EventContext | undefined,
  allowedHosts: string[],
): Promise<{ endpoint: string; correlationId?: string } | { endpoint?: undefined; problem?: string }> {
  if (!event || event.kind !== "dispatch" || !event.progressEndpoint) return {};
  try {
    const { url } = await checkProgressEndpoint(event.progressEndpoint, allowedHosts);
    return { endpoint: url, ...(event.correlationId ? { correlationId: event.correlationId } : {}) };
  } catch (error) {
    return { problem: describeError(error) };
  }
}

/**
 * Prepare's tracking comment, confirmed with Gitea: this token's user wrote
 * it, it carries the marker, and it is on this event's issue or pull request.
 */
export async function verifiedComment(
  client: Pick<GiteaClient, "comment" | "currentUser">,
  id: number,
  entityNumber: number | undefined,
): Promise<GiteaComment> {
  const [comment, me] = await Promise.all([client.comment(id), client.currentUser()]);
  const problems: string[] = [];
  if (comment.user?.login !== me.login) problems.push(`it was written by ${comment.user?.login ?? "someone else"}, not ${me.login}`);
  if (!comment.body.includes(TRACKING_MARKER)) problems.push("it does not carry the action's marker");
  const issueNumber = /\/(?:issues|pulls)\/(\d+)$/.exec(comment.issue_url ?? comment.pull_request_url ?? "")?.[1];
  if (entityNumber !== undefined && issueNumber !== undefined && Number(issueNumber) !== entityNumber) {
    problems.push(`it is on #${issueNumber}, not #${entityNumber}`);
  }
  if (problems.length) throw new Error(`comment ${id} is not this run's tracking comment: ${problems.join("; ")}`);
  return comment;
}
