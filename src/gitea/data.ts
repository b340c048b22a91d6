/**
 * The context Claude gets about an issue or pull request, read over REST in
 * parallel (every page), with untrusted text sanitized before it can reach a
 * prompt. Only comments created before the trigger are kept; one edited
 * after the trigger shows no text (its author may have changed it since the
 * requester read it). The trigger, title and body are the event's own text.
 */
import { GiteaError, type GiteaClient } from "./client";
import type { Entity, TriggerSource } from "./context";
import type { GiteaAttachment, GiteaComment, GiteaReviewComment } from "./types";
import { sanitizeUntrusted } from "../text/sanitize";

export type CommentData = { id: number; author: string; createdAt: string; body: string; url?: string };

export type ReviewData = {
  id: number;
  author: string;
  state: string;
  body: string;
  submittedAt?: string;
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
  /** The head repository's `owner/name` (absent when the fork was deleted). */
  headRepo?: string;
  /**
   * An AGit pull request (pushed to refs/for/<base>/<topic>): Gitea reports
   * its head as refs/pull/N/head of the base repository with an empty label,
   * and runs its events as fork runs.
   */
  agit?: boolean;
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
  /** What the run goes on without, for the log (e.g. attachments disabled on the server). */
  notices?: string[];
};

export const ATTACHMENTS_DISABLED_NOTICE =
  "Attachments are disabled on this Gitea ([attachment] ENABLED=false: the assets API answers 404); Claude works without the issue's and comments' attachments.";

/**
 * Attachments, read in one place: the entity's (started with the other reads)
 * and those of the comments that link one. With attachments disabled on the
 * server the assets routes answer 404, and the run goes on without them.
 */
export async function readAttachments(
  client: GiteaClient,
  entity: Pick<Entity, "isPR">,
  entityAssets: Promise<GiteaAttachment[] | "disabled">,
  comments: GiteaComment[],
): Promise<{ attachments: AttachmentData[]; disabled: boolean }> {
  const own = await entityAssets;
  if (own === "disabled") return { attachments: [], disabled: true };
  const perComment = await Promise.all(
    comments.filter((c) => /\/attachments\//.test(c.body)).map(async (c) => (await client.commentAssets(c.id)).map(attachment(`comment ${c.id}`))),
  );
  return { attachments: [...own.map(attachment(entity.isPR ? "pull request" : "issue")), ...perComment.flat()], disabled: false };
}

/** The entity's assets, or "disabled" when the server has attachments off (404 for an entity that exists). */
export function entityAssets(client: GiteaClient, index: number): Promise<GiteaAttachment[] | "disabled"> {
  return client.issueAssets(index).catch((error: unknown) => {
    if (error instanceof GiteaError && error.status === 404) return "disabled" as const;
    throw error;
  });
}

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
  options: { pull?: Promise<PullData | undefined> } = {},
): Promise<EntityData> {
  const n = entity.number;
  const before = trigger.kind === "comment" ? trigger.createdAt : undefined;

  const commentsP = client.issueComments(n);
  const issueAssetsP = entityAssets(client, n);
  issueAssetsP.catch(() => {}); // awaited below, after the other reads
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

  const [comments, pull, files, commits, reviews] = await Promise.all([commentsP, pullP, filesP, commitsP, reviewsP]);

  const kept = comments.filter((c) => isBeforeTrigger(c, trigger, before));
  const assets = await readAttachments(client, entity, issueAssetsP, kept);

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
    comments: kept.map((c) => commentData(c, before)),
    reviews: reviews.map(({ review, comments }) => ({
      id: review.id,
      author: review.user?.login ?? "unknown",
      state: review.state,
      body: sanitizeUntrusted(review.body ?? ""),
      ...(review.submitted_at ? { submittedAt: review.submitted_at } : {}),
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
    attachments: assets.attachments,
    ...(pull ? { pull } : {}),
    triggerBody: "body" in trigger ? sanitizeUntrusted(trigger.body) : "",
    triggerAuthor: trigger.author.login,
    ...(trigger.author.fullName ? { triggerAuthorName: sanitizeUntrusted(trigger.author.fullName) } : {}),
    notices: assets.disabled ? [ATTACHMENTS_DISABLED_NOTICE] : [],
  };
}

export async function readPull(client: GiteaClient, index: number): Promise<PullData> {
  const pr = await client.pull(index);
  const baseRepoId = pr.base.repo_id ?? pr.base.repo?.id;
  const headRepoId = pr.head.repo_id ?? pr.head.repo?.id;
  const fromFork = headRepoId !== undefined && baseRepoId !== undefined && headRepoId !== baseRepoId;
  const agit = !fromFork && headRepoId !== undefined && pr.head.ref.startsWith("refs/pull/") && !pr.head.label;
  return {
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    baseRef: pr.base.ref,
    fromFork,
    ...(pr.head.repo?.full_name ? { headRepo: pr.head.repo.full_name } : {}),
    ...(agit ? { agit } : {}),
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

function commentData(c: GiteaComment, trigger: string | undefined): CommentData {
  const editedAfter = trigger !== undefined && c.updated_at !== undefined && Date.parse(c.updated_at) > Date.parse(trigger);
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
