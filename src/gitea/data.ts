/**
 * The context Claude gets about an issue or pull request, read over REST in
 * parallel (every page), with untrusted text sanitized before it can reach a
 * prompt. Only comments created before the trigger are kept; one edited
 * after the trigger shows no text (its author may have changed it since the
 * requester read it). The trigger, title and body are the event's own text.
 */
import type { GiteaClient } from "./client";
import type { Entity, TriggerSource } from "./context";
import type { GiteaAttachment, GiteaComment, GiteaReviewComment } from "./types";
import { sanitizeUntrusted } from "../text/sanitize";
import { TRACKING_MARKER } from "./tracking";

export type CommentData = {
  id: number;
  author: string;
  createdAt: string;
  body: string;
  url?: string;
  /** Claude's own tracking comment from an earlier run (the token's user wrote it, with the tracking marker). */
  own?: boolean;
};

export type ReviewData = {
  id: number;
  author: string;
  state: string;
  body: string;
  submittedAt?: string;
  /** The commit the review was of. */
  commitId?: string;
  /** Claude's own review from an earlier run (the token's user wrote it). */
  own?: boolean;
  comments: { id: number; author: string; path: string; line?: number; body: string; diffHunk?: string }[];
};

export type ChangedFileData = {
  path: string;
  previousPath?: string;
  status: string;
  additions: number;
  deletions: number;
};

export type CommitData = { sha: string; message: string; author: string };

export type AttachmentData = { name: string; url: string; on: string };

export type PullData = {
  headRef: string;
  headSha: string;
  baseRef: string;
  /** Head lives in another repository (a fork): fetch `refs/pull/N/head`. */
  fromFork: boolean;
  state: string;
  merged: boolean;
  additions?: number;
  deletions?: number;
};

export type EntityData = {
  entity: Entity;
  /** Title and body, sanitized. */
  title: string;
  body: string;
  comments: CommentData[];
  reviews: ReviewData[];
  files: ChangedFileData[];
  commits: CommitData[];
  attachments: AttachmentData[];
  pull?: PullData;
  /** The trigger's text, sanitized (empty for assignment/label triggers). */
  triggerBody: string;
  triggerAuthor: string;
  triggerAuthorName?: string;
};

const attachment = (on: string) => (a: GiteaAttachment): AttachmentData => ({
  name: sanitizeUntrusted(a.name),
  url: a.browser_download_url,
  on,
});

/**
 * Reads everything about the entity in parallel. `knownPull` lets prepare pass
 * a pull request it already fetched (to choose the branch) so it is not read twice.
 */
export async function fetchEntityData(
  client: GiteaClient,
  entity: Entity,
  trigger: TriggerSource,
  options: { pull?: Promise<PullData | undefined>; self?: Promise<string | undefined> } = {},
): Promise<EntityData> {
  const n = entity.number;
  const before = trigger.kind === "comment" ? trigger.createdAt : undefined;

  const commentsP = client.issueComments(n);
  const issueAssetsP = client.issueAssets(n);
  const pullP = entity.isPR ? (options.pull ?? readPull(client, n)) : Promise.resolve(undefined);
  const filesP = entity.isPR ? client.pullFiles(n) : Promise.resolve([]);
  const commitsP = entity.isPR ? client.pullCommits(n) : Promise.resolve([]);
  const reviewsP = entity.isPR
    ? client.pullReviews(n).then((reviews) =>
        Promise.all(
          reviews.map(async (review) => ({
            review,
            comments: review.comments_count === 0 ? [] : await client.pullReviewComments(n, review.id),
          })),
        ),
      )
    : Promise.resolve([]);

  const [comments, issueAssets, pull, files, commits, reviews, self] = await Promise.all([
    commentsP,
    issueAssetsP,
    pullP,
    filesP,
    commitsP,
    reviewsP,
    options.self ?? Promise.resolve(undefined),
  ]);
  // What the token's user wrote is Claude's own earlier work (a follow-up review must not repeat it).
  const mine = (login: string | undefined) => self !== undefined && login !== undefined && login.toLowerCase() === self.toLowerCase();

  const kept = comments.filter((c) => isBeforeTrigger(c, trigger, before));
  const commentAssets = await Promise.all(
    kept.filter((c) => /\/attachments\//.test(c.body)).map(async (c) => (await client.commentAssets(c.id)).map(attachment(`comment ${c.id}`))),
  );

  return {
    // Only sanitized text leaves this module, even through the entity itself.
    entity: {
      ...entity,
      title: sanitizeUntrusted(entity.title),
      body: sanitizeUntrusted(entity.body),
      labels: entity.labels.map(sanitizeUntrusted),
      ...(entity.author.fullName ? { author: { ...entity.author, fullName: sanitizeUntrusted(entity.author.fullName) } } : {}),
    },
    title: sanitizeUntrusted(entity.title),
    body: sanitizeUntrusted(entity.body),
    comments: kept.map((c) => ({ ...commentData(c, before), ...(mine(c.user?.login) && c.body.includes(TRACKING_MARKER) ? { own: true } : {}) })),
    reviews: reviews.map(({ review, comments }) => ({
      id: review.id,
      author: review.user?.login ?? "unknown",
      state: review.state,
      body: sanitizeUntrusted(review.body ?? ""),
      ...(review.submitted_at ? { submittedAt: review.submitted_at } : {}),
      ...(review.commit_id ? { commitId: review.commit_id } : {}),
      // A review request (state REQUEST_REVIEW) names the requested reviewer: it is nobody's review yet.
      ...(mine(review.user?.login) && review.state !== "REQUEST_REVIEW" ? { own: true } : {}),
      comments: comments.map(reviewComment),
    })),
    files: files.map((f) => ({
      path: f.filename,
      ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
      status: f.status,
      additions: f.additions,
      deletions: f.deletions,
    })),
    commits: commits.map((c) => ({
      sha: c.sha,
      message: sanitizeUntrusted(c.commit.message.split("\n")[0] ?? ""),
      author: c.author?.login ?? c.commit.author?.name ?? "unknown",
    })),
    attachments: [...issueAssets.map(attachment(entity.isPR ? "pull request" : "issue")), ...commentAssets.flat()],
    ...(pull ? { pull } : {}),
    triggerBody: "body" in trigger ? sanitizeUntrusted(trigger.body) : "",
    triggerAuthor: trigger.author.login,
    ...(trigger.author.fullName ? { triggerAuthorName: sanitizeUntrusted(trigger.author.fullName) } : {}),
  };
}

export async function readPull(client: GiteaClient, index: number): Promise<PullData> {
  const pr = await client.pull(index);
  const baseRepoId = pr.base.repo_id ?? pr.base.repo?.id;
  const headRepoId = pr.head.repo_id ?? pr.head.repo?.id;
  return {
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    baseRef: pr.base.ref,
    fromFork: headRepoId !== undefined && baseRepoId !== undefined && headRepoId !== baseRepoId,
    state: pr.state,
    merged: pr.merged === true,
    ...(pr.additions !== undefined ? { additions: pr.additions } : {}),
    ...(pr.deletions !== undefined ? { deletions: pr.deletions } : {}),
  };
}

function isBeforeTrigger(c: GiteaComment, trigger: TriggerSource, before: string | undefined): boolean {
  if (trigger.kind !== "comment") return true;
  // Comment ids grow with creation; timestamps have one-second resolution, so only the id orders comments within a second.
  if (c.id >= trigger.commentId) return false;
  return !before || !c.created_at || Date.parse(c.created_at) <= Date.parse(before);
}

/** What stands in for a comment someone edited after the trigger: its new text is not what the requester saw. */
export const EDITED_AFTER_TRIGGER = "(edited after this run was triggered: its text is left out)";

/** Seconds since the epoch (Gitea's resolution), NaN when absent or unreadable. */
const seconds = (iso: string | undefined) => (iso ? Math.floor(Date.parse(iso) / 1000) : NaN);

/** Edited in or after the trigger's second (within one second the order is unknown: the text is left out). */
function editedAfterTrigger(c: GiteaComment, trigger: string | undefined): boolean {
  if (trigger === undefined || c.updated_at === undefined) return false;
  const updated = seconds(c.updated_at);
  if (updated === seconds(c.created_at)) return false;
  return updated >= seconds(trigger);
}

function commentData(c: GiteaComment, trigger: string | undefined): CommentData {
  const editedAfter = editedAfterTrigger(c, trigger);
  return {
    id: c.id,
    author: c.user?.login ?? "unknown",
    createdAt: c.created_at,
    body: editedAfter ? EDITED_AFTER_TRIGGER : sanitizeUntrusted(c.body ?? ""),
    ...(c.html_url ? { url: c.html_url } : {}),
  };
}

function reviewComment(c: GiteaReviewComment) {
  return {
    id: c.id,
    author: c.user?.login ?? "unknown",
    path: c.path,
    ...(c.position ? { line: c.position } : {}),
    body: sanitizeUntrusted(c.body ?? ""),
    ...(c.diff_hunk ? { diffHunk: c.diff_hunk } : {}),
  };
}
