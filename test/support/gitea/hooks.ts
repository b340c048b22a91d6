/**
 * Webhook events as Gitea's actions notifier sees them (services/actions/notifier.go):
 * the hook event type (which decides which workflow triggers match), the
 * payload, the doer, the ref whose workflow files are read, and the pull
 * request the event belongs to (which makes a fork PR's run a fork run).
 *
 * Builders here turn emulator state into such events; label changes made
 * through the API are recorded in `core.hookEvents` as they happen.
 */
import type { Core } from "./core";
import type { GiteaEmulator } from "./index";
import {
  issueCommentPayload,
  issuesPayload,
  pullRequestPayload,
  pullRequestReviewPayload,
  schedulePayload,
  workflowDispatchPayload,
  type IssuesAction,
  type LabelChange,
  type PullRequestAction,
} from "./payloads";
import type { Label, Review } from "./store";

/** Gitea's webhook_module.HookEventType values the notifier uses for Actions. */
export type HookEventType =
  | "issues"
  | "issue_assign"
  | "issue_label"
  | "issue_milestone"
  | "issue_comment"
  | "pull_request"
  | "pull_request_sync"
  | "pull_request_assign"
  | "pull_request_label"
  | "pull_request_milestone"
  | "pull_request_review_request"
  | "pull_request_comment"
  | "pull_request_review_approved"
  | "pull_request_review_rejected"
  | "pull_request_review_comment"
  | "push"
  | "schedule"
  | "workflow_dispatch";

export interface HookEvent {
  type: HookEventType;
  /** "owner/name" */
  repo: string;
  /** login of the user who caused it (the Actions user's events start no workflows) */
  doer: string;
  payload: Record<string, unknown>;
  /** input.Ref: whose workflow files run (empty: the default branch) */
  ref?: string;
  /** input.PullRequest: set for pull request events and for comments on a pull request, not for reviews */
  pull?: number;
}

type Emu = GiteaEmulator | Core;
const coreOf = (emu: Emu): Core => ("core" in emu ? emu.core : emu);

/** A comment (created/edited/deleted): `issue_comment`, or `pull_request_comment` on a pull request. */
export async function commentHook(emu: Emu, repo: string, index: number, commentId: number, action: "created" | "edited" | "deleted" = "created"): Promise<HookEvent> {
  const core = coreOf(emu);
  const issue = core.store.issue(repo, index);
  const comment = core.store.comments.get(commentId)!;
  return {
    type: issue.isPull ? "pull_request_comment" : "issue_comment",
    repo,
    doer: comment.user,
    payload: await issueCommentPayload(core, repo, index, commentId, { action }),
    ...(issue.isPull ? { pull: index } : {}),
  };
}

/** A submitted review: the hook type follows the review's type; the ref is the reviewed commit; no pull request is attached. */
export async function reviewHook(emu: Emu, repo: string, index: number, review: Review): Promise<HookEvent> {
  const core = coreOf(emu);
  const type = review.state === "APPROVED" ? "pull_request_review_approved" : review.state === "REQUEST_CHANGES" ? "pull_request_review_rejected" : "pull_request_review_comment";
  return {
    type,
    repo,
    doer: review.user,
    ref: review.commit_id,
    payload: await pullRequestReviewPayload(core, repo, index, { type: review.state === "PENDING" || review.state === "REQUEST_REVIEW" ? "COMMENT" : review.state, content: review.body }, review.user),
  };
}

const ISSUE_HOOK: Partial<Record<IssuesAction, HookEventType>> = {
  assigned: "issue_assign",
  unassigned: "issue_assign",
  label_updated: "issue_label",
  label_cleared: "issue_label",
  milestoned: "issue_milestone",
  demilestoned: "issue_milestone",
};

export async function issuesHook(emu: Emu, repo: string, index: number, action: IssuesAction, doer: string, labels?: LabelChange): Promise<HookEvent> {
  return {
    type: ISSUE_HOOK[action] ?? "issues",
    repo,
    doer,
    payload: await issuesPayload(coreOf(emu), repo, index, action, doer, labels ? { labels } : {}),
  };
}

const PULL_HOOK: Partial<Record<PullRequestAction, HookEventType>> = {
  synchronized: "pull_request_sync",
  assigned: "pull_request_assign",
  unassigned: "pull_request_assign",
  label_updated: "pull_request_label",
  label_cleared: "pull_request_label",
  milestoned: "pull_request_milestone",
  demilestoned: "pull_request_milestone",
  review_requested: "pull_request_review_request",
  review_request_removed: "pull_request_review_request",
};

export async function pullRequestHook(emu: Emu, repo: string, index: number, action: PullRequestAction, doer: string, labels?: LabelChange): Promise<HookEvent> {
  return {
    type: PULL_HOOK[action] ?? "pull_request",
    repo,
    doer,
    pull: index,
    payload: await pullRequestPayload(coreOf(emu), repo, index, action, doer, labels ? { labels } : {}),
  };
}

/** A label added or removed: `label_updated` on the issue or pull request (with `changes` from 1.25). */
export async function labelHook(emu: Emu, repo: string, index: number, doer: string, change: LabelChange): Promise<HookEvent> {
  const core = coreOf(emu);
  return core.store.issue(repo, index).isPull
    ? pullRequestHook(core, repo, index, "label_updated", doer, change)
    : issuesHook(core, repo, index, "label_updated", doer, change);
}

/**
 * Opening an issue: `opened`, then `label_updated` when it was opened with
 * labels and `assigned` per assignee (Gitea applies them after creating it).
 */
export async function openedIssueHooks(emu: Emu, repo: string, index: number): Promise<HookEvent[]> {
  const core = coreOf(emu);
  const issue = core.store.issue(repo, index);
  const events = [await issuesHook(core, repo, index, "opened", issue.user)];
  if (issue.labels.length) {
    const added = issue.labels.map((id) => core.store.labels.get(id)!);
    events.push(await issuesHook(core, repo, index, "label_updated", issue.user, { added }));
  }
  for (const _ of issue.assignees) events.push(await issuesHook(core, repo, index, "assigned", issue.user));
  return events;
}

/** A scheduled run: the Actions user is its doer; its payload may be `{}` (see schedulePayload). */
export async function scheduleHook(emu: Emu, repo: string): Promise<HookEvent> {
  const core = coreOf(emu);
  return { type: "schedule", repo, doer: core.store.repo(repo).owner, payload: await schedulePayload(core, repo) };
}

export async function dispatchHook(emu: Emu, repo: string, o: { workflow: string; ref?: string; inputs?: Record<string, string>; sender: string }): Promise<HookEvent> {
  const core = coreOf(emu);
  const ref = o.ref ?? `refs/heads/${core.store.repo(repo).defaultBranch}`;
  return { type: "workflow_dispatch", repo, doer: o.sender, ref, payload: await workflowDispatchPayload(core, repo, { ...o, ref }) };
}

/** Records the label_updated event an API label change emits. */
export async function recordLabelChange(core: Core, repo: string, index: number, doer: string, added: Label[], removed: Label[]): Promise<void> {
  core.hookEvents.push(await labelHook(core, repo, index, doer, { added, removed }));
}
