/**
 * The pull request head a comment's author saw. `issue_comment` payloads
 * carry no head commit, and the author of the pull request may push between
 * the comment and the run: the run must work on what the writer asked about,
 * not on what came later. Gitea records every push to a pull request on its
 * timeline (`pull_push`, body `{"is_force_push": …, "commit_ids": […]}`:
 * the old and new head for a force push, else the new commits oldest first;
 * services/pull/comment.go, 1.22–1.25), with the server's time.
 */
import type { GiteaTimelineEvent } from "./types";

export type TriggerHead =
  /** No push since the comment: the current head is the one the writer saw. */
  | { kind: "current" }
  /** The head before the first push after the comment. */
  | { kind: "sha"; sha: string; pushedAt: string }
  /** The first parent of the first commit pushed after the comment (that push's old head). */
  | { kind: "parent-of"; sha: string; pushedAt: string }
  /** A push came after the comment, but the timeline does not say from which commit. */
  | { kind: "unknown"; pushedAt: string };

type Push = { id: number; at: number; createdAt: string; force: boolean; commits: string[] };

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const SHA = /^[0-9a-f]{40,64}$/i;

function pushOf(e: GiteaTimelineEvent): Push | undefined {
  if (e.type !== "pull_push") return undefined;
  const push = { id: e.id, at: seconds(e.created_at), createdAt: e.created_at };
  try {
    const data = JSON.parse(e.body ?? "") as { is_force_push?: unknown; commit_ids?: unknown };
    const commits = Array.isArray(data.commit_ids) ? data.commit_ids.filter((c): c is string => typeof c === "string" && SHA.test(c)) : [];
    return { ...push, force: data.is_force_push === true, commits };
  } catch {
    // A push whose record cannot be read is still a push: it makes the head unknown, not current.
    return { ...push, force: false, commits: [] };
  }
}

/**
 * Which head a comment created at `commentCreatedAt` saw. A push in the
 * comment's own second counts as after it (timestamps have one-second
 * resolution): at worst the run works on a commit older than the writer saw,
 * never on one they did not see.
 */
export function headAtComment(events: readonly GiteaTimelineEvent[], commentCreatedAt: string): TriggerHead {
  const since = seconds(commentCreatedAt);
  const after = events
    .map(pushOf)
    .filter((p): p is Push => p !== undefined && p.at >= since)
    .sort((a, b) => a.at - b.at || a.id - b.id);
  const first = after[0];
  if (!first) return { kind: "current" };
  if (first.force && first.commits.length === 2) return { kind: "sha", sha: first.commits[0]!, pushedAt: first.createdAt };
  if (!first.force && first.commits.length > 0) return { kind: "parent-of", sha: first.commits[0]!, pushedAt: first.createdAt };
  return { kind: "unknown", pushedAt: first.createdAt };
}
