/**
 * The context Claude gets about an issue or pull request, read over REST in
 * parallel, with untrusted text sanitized before it can reach a prompt. Only
 * comments created before the trigger are kept; one edited after the trigger
 * shows no text (its author may have changed it since the requester read it).
 * The trigger, title and body are the event's own text.
 *
 * What is read scales with what the prompt can hold: every comment and review
 * (Gitea lists an issue's comments in one answer, not in pages, on 1.22–1.25),
 * the changed files up to `maxFiles` (the rest are only counted), and the
 * first page of commits (the prompt shows their count). `totals` says how many
 * of each there are, so the prompt can say exactly what it left out.
 */
import { GiteaError, type GiteaClient } from "./client";
import type { Entity, TriggerSource } from "./context";
import { embeddedImageUrls, looksLikeImage } from "./media";
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

export type AttachmentData = { name: string; url: string; on: string; size?: number };

/**
 * An image attached to or embedded in the entity, a comment or a review.
 * prepare downloads it (see images.ts) and fills in `file` (and `type`,
 * `size`), or says in `skipped` why it did not.
 */
export type ImageData = {
  /** Where it appeared: "issue", "pull request", "comment 123", "review 45", "review comment 67". */
  on: string;
  /** As written (absolute, or relative to the server) or the attachment's download URL. */
  url: string;
  /** The attachment's file name, for attached images. */
  name?: string;
  file?: string;
  type?: string;
  size?: number;
  skipped?: string;
};

/** How many there are of each list, whether or not all of it was read. */
export type EntityTotals = { comments: number; reviews: number; files: number; commits: number };

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
  /** Attachments that are not images Claude can read (listed with name, type and size). */
  attachments: AttachmentData[];
  /** Images to download (prepare) and to show; absent: none. */
  images?: ImageData[];
  /** Absent: the lists above are complete (see totalsOf). */
  totals?: EntityTotals;
  pull?: PullData;
  /** The trigger's text, sanitized (empty for assignment/label triggers). */
  triggerBody: string;
  /** The trigger comment's id (its images are "on" `comment <id>`). */
  triggerCommentId?: number;
  triggerAuthor: string;
  triggerAuthorName?: string;
  /** What the run goes on without, for the log (e.g. attachments disabled on the server). */
  notices?: string[];
};

const attachment = (on: string) => (a: GiteaAttachment): AttachmentData => ({
  name: sanitizeUntrusted(a.name),
  url: a.browser_download_url,
  on,
  ...(a.size !== undefined ? { size: a.size } : {}),
});

/** Attachments split into images (to download) and other files (to list). */
function sortAttachments(list: GiteaAttachment[], on: string, images: ImageData[], others: AttachmentData[]): void {
  for (const a of list) {
    if (looksLikeImage(a.name)) images.push({ on, url: a.browser_download_url, name: sanitizeUntrusted(a.name), ...(a.size !== undefined ? { size: a.size } : {}) });
    else others.push(attachment(on)(a));
  }
}

/**
 * Images embedded in a text, unless already listed as an attachment of the
 * same place. An attachment link is followed only to an attachment of this
 * issue or pull request (or its comments): Gitea serves any attachment the
 * token may read, and a link must not make the run fetch another
 * repository's file for Claude.
 */
function embedded(text: string, on: string, images: ImageData[], known: Set<string>): void {
  for (const url of embeddedImageUrls(text)) {
    if (images.some((i) => i.on === on && (i.url === url || sameAttachment(i.url, url)))) continue;
    const uuid = uuidOf(url);
    images.push(uuid !== undefined && !known.has(uuid) ? { on, url, skipped: "not an attachment of this issue or pull request" } : { on, url });
  }
}

const uuidOf = (url: string) => /\/attachments\/([0-9a-f-]{36})(?:[/?#]|$)/i.exec(url)?.[1]?.toLowerCase();
const sameAttachment = (a: string, b: string) => uuidOf(a) !== undefined && uuidOf(a) === uuidOf(b);

export const ATTACHMENTS_DISABLED_NOTICE =
  "Attachments are disabled on this Gitea ([attachment] ENABLED=false: the assets API answers 404); Claude works without the issue's and comments' attachments.";

/**
 * With attachments disabled on the server ([attachment] ENABLED=false), the
 * assets routes answer 404 for an issue that exists: there is nothing to get,
 * and the run goes on without them (`off` is told, for a notice).
 */
async function assetsOrNone(read: Promise<GiteaAttachment[]>, off: () => void): Promise<GiteaAttachment[]> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof GiteaError && error.status === 404) {
      off();
      return [];
    }
    throw error;
  }
}

export type FetchOptions = {
  /** A pull request prepare already fetched (to choose the branch), so it is not read twice. */
  pull?: Promise<PullData | undefined>;
  /** Read at most this many changed files (the rest are counted), or as many as this says for the total; default: all. */
  maxFiles?: number | ((total: number) => number);
  /** The token's user: what they wrote is Claude's own earlier work (marked, so a follow-up review does not repeat it). */
  self?: Promise<string | undefined>;
};

/** Reads what the prompt needs about the entity, in parallel. */
export async function fetchEntityData(client: GiteaClient, entity: Entity, trigger: TriggerSource, options: FetchOptions = {}): Promise<EntityData> {
  const n = entity.number;
  const before = trigger.kind === "comment" ? trigger.createdAt : undefined;

  const commentsP = client.issueComments(n);
  let attachmentsOff = false;
  const issueAssetsP = assetsOrNone(client.issueAssets(n), () => (attachmentsOff = true));
  const pullP = entity.isPR ? (options.pull ?? readPull(client, n)) : Promise.resolve(undefined);
  const none = { items: [], total: 0 };
  const filesP = entity.isPR ? client.pullFilesUpTo(n, options.maxFiles ?? Number.POSITIVE_INFINITY) : Promise.resolve(none);
  // The prompt shows how many commits there are, not the commits: the first page and its total say it.
  const commitsP = entity.isPR ? client.pullCommitsPage(n, 1) : Promise.resolve(none);
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
  const title = sanitizeUntrusted(entity.title);
  const body = sanitizeUntrusted(entity.body);
  const keptData = kept.map((c) => ({ ...commentData(c, before), ...(mine(c.user?.login) && c.body.includes(TRACKING_MARKER) ? { own: true } : {}) }));
  const reviewData = reviews.map(({ review, comments }) => ({
    id: review.id,
    author: review.user?.login ?? "unknown",
    state: review.state,
    body: sanitizeUntrusted(review.body ?? ""),
    ...(review.submitted_at ? { submittedAt: review.submitted_at } : {}),
    ...(review.commit_id ? { commitId: review.commit_id } : {}),
    // A review request (state REQUEST_REVIEW) names the requested reviewer: it is nobody's review yet.
    ...(mine(review.user?.login) && review.state !== "REQUEST_REVIEW" ? { own: true } : {}),
    comments: comments.map(reviewComment),
  }));
  const triggerBody = "body" in trigger ? sanitizeUntrusted(trigger.body) : "";

  // Images: attached (by file name, checked by content once downloaded) and embedded, in the order the prompt shows their places.
  const images: ImageData[] = [];
  const others: AttachmentData[] = [];
  const where = entity.isPR ? "pull request" : "issue";
  const known = new Set(
    [...issueAssets, ...comments.flatMap((c) => c.assets ?? [])].map((a) => a.uuid?.toLowerCase() ?? uuidOf(a.browser_download_url)).filter((u): u is string => Boolean(u)),
  );
  if (trigger.kind === "comment" && "body" in trigger) {
    const own = comments.find((c) => c.id === trigger.commentId);
    sortAttachments(own?.assets ?? [], `comment ${trigger.commentId}`, images, others);
    embedded(triggerBody, `comment ${trigger.commentId}`, images, known);
  }
  sortAttachments(issueAssets, where, images, others);
  embedded(body, where, images, known);
  for (let i = kept.length - 1; i >= 0; i--) {
    // A comment edited after the trigger shows nothing, its files included.
    if (keptData[i]!.body === EDITED_AFTER_TRIGGER) continue;
    sortAttachments(kept[i]!.assets ?? [], `comment ${kept[i]!.id}`, images, others);
    embedded(keptData[i]!.body, `comment ${kept[i]!.id}`, images, known);
  }
  for (let i = reviewData.length - 1; i >= 0; i--) {
    const r = reviewData[i]!;
    embedded(r.body, `review ${r.id}`, images, known);
    for (const c of r.comments) embedded(c.body, `review comment ${c.id}`, images, known);
  }

  return {
    // Only sanitized text leaves this module, even through the entity itself.
    entity: {
      ...entity,
      title: sanitizeUntrusted(entity.title),
      body: sanitizeUntrusted(entity.body),
      labels: entity.labels.map(sanitizeUntrusted),
      ...(entity.author.fullName ? { author: { ...entity.author, fullName: sanitizeUntrusted(entity.author.fullName) } } : {}),
    },
    title,
    body,
    comments: keptData,
    reviews: reviewData,
    files: files.items.map((f) => ({
      path: f.filename,
      ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
      status: f.status,
      additions: f.additions,
      deletions: f.deletions,
    })),
    commits: commits.items.map((c) => ({
      sha: c.sha,
      message: sanitizeUntrusted(c.commit.message.split("\n")[0] ?? ""),
      author: c.author?.login ?? c.commit.author?.name ?? "unknown",
    })),
    attachments: others,
    images,
    totals: {
      comments: kept.length,
      reviews: reviews.length,
      files: Math.max(files.total, files.items.length),
      commits: Math.max(commits.total ?? commits.items.length, commits.items.length),
    },
    ...(pull ? { pull } : {}),
    triggerBody,
    ...(trigger.kind === "comment" ? { triggerCommentId: trigger.commentId } : {}),
    triggerAuthor: trigger.author.login,
    ...(trigger.author.fullName ? { triggerAuthorName: sanitizeUntrusted(trigger.author.fullName) } : {}),
    notices: attachmentsOff ? [ATTACHMENTS_DISABLED_NOTICE] : [],
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
