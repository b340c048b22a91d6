/**
 * GITHUB_EVENT_PATH payloads shaped like Gitea Actions delivers them, built
 * from the emulator's current state (see gitea-events.md and Gitea's
 * services/actions/notifier.go). Users are rendered as the notifier does
 * (no viewer: placeholder e-mail, is_admin false). `repository.permissions`
 * is computed for the user the notifier uses:
 *   issue_comment → the commenter; issues → the issue's poster;
 *   pull_request opened/closed/reopened → the PR poster; synchronized, edited,
 *   assigned, label_updated, … → none (all false); review events → the PR poster;
 *   workflow_dispatch / repository_dispatch → none; schedule (push) → owner.
 */
import type { Core } from "./core";
import { apiComment, apiIssue, apiLabel, apiPull, apiRepo, apiUser } from "./convert";
import type { GiteaEmulator } from "./index";
import type { Label } from "./store";

type Emu = GiteaEmulator | Core;
type Json = Record<string, unknown>;

function coreOf(emu: Emu): Core {
  return "core" in emu ? emu.core : emu;
}

function repoJson(core: Core, repoName: string, permissionOf: string | null | "owner-mode"): Json {
  const repo = core.store.repo(repoName);
  // For a user, the full permission: `push` is the Code unit's answer (a team member's overall mode may be lower).
  const perm = permissionOf === "owner-mode" ? "owner" : permissionOf === null ? "none" : core.store.permission(repo, permissionOf);
  return apiRepo(core, repo, perm, null);
}

/** Labels added/removed by a change (names or records). */
export type LabelChange = { added?: (string | Label)[]; removed?: (string | Label)[] };

/**
 * `changes` of the actions notifyIssueChange sends: from 1.25 it carries
 * `added_labels`/`removed_labels` (null when none; not omitempty); 1.22–1.24
 * send no `changes` at all, so a workflow cannot tell which label changed.
 */
function labelChanges(core: Core, repoName: string, change: LabelChange | undefined): Json | undefined {
  if (!core.atLeast("1.25")) return undefined;
  const toApi = (list: (string | Label)[] | undefined) =>
    list && list.length
      ? list.map((l) => {
          const label = typeof l === "string" ? core.store.labelByName(repoName, l) : l;
          if (!label) throw new Error(`label ${String(l)} does not exist in ${repoName}`);
          return apiLabel(core, label);
        })
      : null;
  return { added_labels: toApi(change?.added), removed_labels: toApi(change?.removed) };
}

/** Issue actions that go through notifyIssueChange (and so carry label changes from 1.25). */
const NOTIFY_ISSUE_CHANGE = new Set(["assigned", "unassigned", "label_updated", "label_cleared", "milestoned", "demilestoned"]);

function userJson(core: Core, login: string): Json {
  return apiUser(core, core.store.user(login), null);
}

export type IssueCommentAction = "created" | "edited" | "deleted";

/** issue_comment: `{action, issue, comment, changes?, repository, sender, is_pull}` (issues and PRs). */
export async function issueCommentPayload(
  emu: Emu,
  repo: string,
  index: number,
  commentId: number,
  opts: { action?: IssueCommentAction; changes?: { body?: { from: string } } } = {},
): Promise<Json> {
  const core = coreOf(emu);
  const issue = core.store.issue(repo, index);
  const comment = core.store.comments.get(commentId);
  if (!comment || comment.repo !== issue.repo || comment.issueIndex !== index) {
    throw new Error(`comment ${commentId} is not on ${repo}#${index}`);
  }
  const action = opts.action ?? "created";
  return {
    action,
    issue: apiIssue(core, issue, null),
    comment: apiComment(core, comment, null),
    ...(action === "edited" && opts.changes ? { changes: opts.changes } : {}),
    repository: repoJson(core, repo, comment.user),
    sender: userJson(core, comment.user),
    is_pull: issue.isPull,
  };
}

export type IssuesAction =
  | "opened"
  | "edited"
  | "closed"
  | "reopened"
  | "assigned"
  | "unassigned"
  | "label_updated"
  | "label_cleared"
  | "milestoned"
  | "demilestoned";

/** issues: `{action, number, changes?, issue, repository, sender, commit_id}`; permissions of the poster. */
export async function issuesPayload(
  emu: Emu,
  repo: string,
  index: number,
  action: IssuesAction,
  sender: string,
  opts: { changes?: { title?: { from: string }; body?: { from: string } }; labels?: LabelChange } = {},
): Promise<Json> {
  const core = coreOf(emu);
  const issue = core.store.issue(repo, index);
  if (issue.isPull) throw new Error(`${repo}#${index} is a pull request: Gitea sends pull_request events for it`);
  const changes = opts.changes ?? (NOTIFY_ISSUE_CHANGE.has(action) ? labelChanges(core, repo, opts.labels) : undefined);
  return {
    action,
    number: issue.index,
    ...(changes ? { changes } : {}),
    issue: apiIssue(core, issue, null),
    repository: repoJson(core, repo, issue.user),
    sender: userJson(core, sender),
    commit_id: "",
  };
}

export type PullRequestAction =
  | "opened"
  | "edited"
  | "closed"
  | "reopened"
  | "synchronized"
  | "assigned"
  | "unassigned"
  | "label_updated"
  | "label_cleared"
  | "milestoned"
  | "demilestoned"
  | "review_requested"
  | "review_request_removed";

async function pullBase(core: Core, repo: string, index: number): Promise<{ pr: Json; poster: string }> {
  const pr = core.pull(repo, index);
  const issue = core.store.issue(repo, index);
  return { pr: await apiPull(core, pr, null), poster: issue.user };
}

/** pull_request: `{action, number, changes?, pull_request, requested_reviewer, repository, sender, commit_id, review}`. */
export async function pullRequestPayload(
  emu: Emu,
  repo: string,
  index: number,
  action: PullRequestAction,
  sender: string,
  opts: {
    changes?: { title?: { from: string }; body?: { from: string }; ref?: { from: string } };
    requested_reviewer?: string;
    labels?: LabelChange;
  } = {},
): Promise<Json> {
  const core = coreOf(emu);
  if ((action === "review_requested" || action === "review_request_removed") && !opts.requested_reviewer) {
    throw new Error(`${action}: Gitea always names the requested_reviewer (use requestReview in review-requests.ts)`);
  }
  const { pr, poster } = await pullBase(core, repo, index);
  const changes = opts.changes ?? (NOTIFY_ISSUE_CHANGE.has(action) ? labelChanges(core, repo, opts.labels) : undefined);
  let permissionOf: string | null;
  if (action === "opened" || action === "closed" || action === "reopened") permissionOf = poster;
  else if (action === "edited" && opts.changes?.ref) permissionOf = poster; // target branch changed
  else if (action === "review_requested" || action === "review_request_removed") permissionOf = sender;
  else permissionOf = null; // synchronized, edited, assigned, label_updated, … : AccessModeNone
  return {
    action,
    number: index,
    ...(changes ? { changes } : {}),
    pull_request: pr,
    requested_reviewer: opts.requested_reviewer ? userJson(core, opts.requested_reviewer) : null,
    repository: repoJson(core, repo, permissionOf),
    sender: userJson(core, sender),
    commit_id: "",
    review: null,
  };
}

export type ReviewKind =
  | "APPROVED"
  | "REQUEST_CHANGES"
  | "COMMENT"
  | "pull_request_review_approved"
  | "pull_request_review_rejected"
  | "pull_request_review_comment";

/** Gitea's hook type string carried in `review.type`. */
export function reviewHookType(kind: ReviewKind): string {
  switch (kind) {
    case "APPROVED":
    case "pull_request_review_approved":
      return "pull_request_review_approved";
    case "REQUEST_CHANGES":
    case "pull_request_review_rejected":
      return "pull_request_review_rejected";
    default:
      return "pull_request_review_comment";
  }
}

/** Workflow event name a review triggers: pull_request_review (approved/rejected) or pull_request_review_comment. */
export function reviewEventName(kind: ReviewKind): "pull_request_review" | "pull_request_review_comment" {
  return reviewHookType(kind) === "pull_request_review_comment" ? "pull_request_review_comment" : "pull_request_review";
}

/**
 * pull_request_review (approved / rejected / comment): PullRequestPayload with
 * `action: "reviewed"` and `review: {type, content}` — no review id/body/state/user;
 * the reviewer is `sender`; permissions are the PR poster's.
 */
export async function pullRequestReviewPayload(
  emu: Emu,
  repo: string,
  index: number,
  review: { type: ReviewKind; content: string },
  sender: string,
): Promise<Json> {
  const core = coreOf(emu);
  const { pr, poster } = await pullBase(core, repo, index);
  return {
    action: "reviewed",
    number: index,
    pull_request: pr,
    requested_reviewer: null,
    repository: repoJson(core, repo, poster),
    sender: userJson(core, sender),
    commit_id: "",
    review: { type: reviewHookType(review.type), content: review.content },
  };
}

/** pull_request_review_comment: the review payload of a COMMENT review — `review.content`, no `comment` object. */
export async function pullRequestReviewCommentPayload(
  emu: Emu,
  repo: string,
  index: number,
  review: { content: string },
  sender: string,
): Promise<Json> {
  return pullRequestReviewPayload(emu, repo, index, { type: "COMMENT", content: review.content }, sender);
}

/** workflow_dispatch: `{workflow, ref, inputs, repository, sender}` (inputs are strings). */
export async function workflowDispatchPayload(
  emu: Emu,
  repo: string,
  o: { ref?: string; inputs?: Record<string, string>; sender: string; workflow: string },
): Promise<Json> {
  const core = coreOf(emu);
  const r = core.store.repo(repo);
  return {
    workflow: o.workflow,
    ref: o.ref ?? `refs/heads/${r.defaultBranch}`,
    inputs: o.inputs ?? {},
    repository: repoJson(core, repo, null),
    sender: userJson(core, o.sender),
  };
}

/** repository_dispatch (not emitted by Gitea; GitHub-shaped for hosts that send it). */
export async function repositoryDispatchPayload(
  emu: Emu,
  repo: string,
  o: { action: string; client_payload?: Record<string, unknown>; sender: string },
): Promise<Json> {
  const core = coreOf(emu);
  return {
    action: o.action,
    client_payload: o.client_payload ?? {},
    repository: repoJson(core, repo, null),
    sender: userJson(core, o.sender),
  };
}

/**
 * schedule: Gitea stores the push payload of the commit that registered the
 * schedule and replays it, so this is a push payload for the default branch
 * head. When the schedules were re-registered without a payload (the Actions
 * user pushed to the default branch, or Actions was re-enabled), or with
 * `empty`, the event is `{}`.
 */
export async function schedulePayload(emu: Emu, repo: string, o: { sender?: string; empty?: boolean } = {}): Promise<Json> {
  const core = coreOf(emu);
  const r = core.store.repo(repo);
  if (o.empty || r.schedulesWithoutPayload) return {};
  const sender = o.sender ?? r.owner;
  const head = await r.git.revParse(`refs/heads/${r.defaultBranch}`);
  const commit = head ? await r.git.commit(head) : null;
  const before = commit?.parents[0] ?? "0".repeat(40);
  const html = core.repoHtml(r);
  const payloadCommit = commit
    ? {
        id: commit.sha,
        message: `${commit.message}\n`,
        url: `${html}/commit/${commit.sha}`,
        author: {
          name: commit.author.name,
          email: commit.author.email,
          username: core.store.userByEmail(commit.author.email)?.login ?? "",
        },
        committer: {
          name: commit.committer.name,
          email: commit.committer.email,
          username: core.store.userByEmail(commit.committer.email)?.login ?? "",
        },
        verification: null,
        timestamp: commit.committer.date,
        added: [],
        removed: [],
        modified: [],
      }
    : null;
  return {
    ref: `refs/heads/${r.defaultBranch}`,
    before,
    after: head ?? "0".repeat(40),
    compare_url: `${html}/compare/${before.slice(0, 10)}...${(head ?? "").slice(0, 10)}`,
    commits: payloadCommit ? [payloadCommit] : [],
    total_commits: payloadCommit ? 1 : 0,
    head_commit: payloadCommit,
    repository: repoJson(core, repo, "owner-mode"),
    pusher: userJson(core, sender),
    sender: userJson(core, sender),
  };
}
