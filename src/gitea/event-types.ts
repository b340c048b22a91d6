/**
 * What an event is, once parsed (see context.ts): the typed, discriminated
 * EventContext and its parts, and the errors a payload that cannot run raises.
 */
import type { GiteaPermissions } from "./types";

export class ContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContextError";
  }
}

/** A dispatch that cannot run; carries what is needed to tell the backend so. */
export class DispatchError extends ContextError {
  constructor(
    message: string,
    readonly progressEndpoint?: string,
    readonly correlationId?: string,
  ) {
    super(message);
    this.name = "DispatchError";
  }
}

export type RepoRef = {
  owner: string;
  name: string;
  fullName: string;
  defaultBranch: string;
  /** Public web URL of the repository, from the payload. */
  htmlUrl: string;
};

export type Person = { login: string; id: number; fullName?: string };

/** The issue or pull request an event is about. */
export type Entity = {
  number: number;
  isPR: boolean;
  title: string;
  body: string;
  author: Person;
  state: string;
  labels: string[];
  assignees: string[];
  htmlUrl: string;
  /** A pull request's head commit as the event saw it (pull_request* payloads carry it; comments do not). */
  headSha?: string;
  /**
   * Where a pull request's head lives, as pull_request* payloads say (comments
   * do not): another repository (a fork; -1 when it was deleted), or this one
   * with refs/pull/N/head and an empty label (AGit).
   */
  pullOrigin?: { fork: boolean; agit: boolean; headRepo?: string };
  /** A pull request's base branch, when the payload names it (pull_request* events). */
  baseRef?: string;
};

/** Where the request for Claude came from, with its text. */
export type TriggerSource =
  | { kind: "comment"; commentId: number; body: string; createdAt: string; author: Person }
  | { kind: "review"; reviewType: string; body: string; author: Person }
  | { kind: "review_comment"; body: string; author: Person }
  | { kind: "issue"; author: Person }
  | { kind: "pull_request"; author: Person }
  /** `pull_request` `review_requested` / `review_request_removed`: the requester (sender) and the reviewer. The PR body is context, not the request. */
  | { kind: "review_request"; author: Person; reviewer?: Person; removed: boolean }
  /** A `workflow_run` of this pull request's head commit (see src/gitea/workflow-run.ts); the author is the run's trigger user. */
  | { kind: "workflow_run"; author: Person; run: WorkflowRunInfo };

/** The run a `workflow_run` event (Gitea ≥ 1.25) is about. */
export type WorkflowRunInfo = {
  /** The run's database id and number (the web link uses the number up to 1.25). */
  id: number;
  number: number;
  /** The workflow's name (`workflow.name`), else its file. */
  workflow: string;
  /** The event that started that run (pull_request, push, …). */
  event: string;
  status: string;
  conclusion: string;
  headSha: string;
  htmlUrl: string;
};

export type EventCommon = {
  eventName: string;
  action: string;
  repository: RepoRef;
  sender: Person;
  /**
   * `repository.permissions` from the payload, present only when Gitea
   * computed it for the sender (issue_comment: the commenter; opened issues
   * and PRs: the poster when the poster is the sender). Otherwise undefined:
   * the payload says nothing about the sender.
   */
  senderPermissions?: GiteaPermissions;
  /**
   * What an `edited` event changed (the text before), and on Gitea 1.25 which
   * labels a `label_updated` added; undefined when the payload does not say.
   */
  changes?: EventChanges;
};

export type EventChanges = {
  titleFrom?: string;
  bodyFrom?: string;
  /** Gitea ≥ 1.25 on label_updated: names of the labels just added (a replace reports the whole new set). */
  addedLabels?: string[];
};

export type EntityEvent = EventCommon & {
  kind: "entity";
  entity: Entity;
  trigger: TriggerSource;
};

export type AutomationEvent = EventCommon & {
  kind: "automation";
  /** workflow_dispatch inputs (strings), empty for other events. */
  inputs: Record<string, string>;
  /** workflow_run: the run the event is about. */
  workflowRun?: WorkflowRunInfo;
};

export type DispatchEvent = EventCommon & {
  kind: "dispatch";
  source: "repository_dispatch" | "workflow_dispatch";
  description: string;
  progressEndpoint?: string;
  correlationId?: string;
};

export type EventContext = EntityEvent | AutomationEvent | DispatchEvent;

/**
 * What the runner says when the payload says nothing: Gitea re-registers
 * schedules with no payload when the job token pushes to the default branch
 * (or Actions is re-enabled), so a scheduled run may get `{}` as its event.
 */
export type RunnerFallback = { repository: string; actor: string; ref?: string };
