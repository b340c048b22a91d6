/**
 * Gitea event payloads (GITHUB_EVENT_PATH) parsed into one typed,
 * discriminated context. Shapes follow what Gitea Actions really delivers
 * (see README "Gitea events"): `synchronized`, `label_updated`, `reviewed`,
 * review events with `review: {type, content}` and no `comment`, no user
 * `type`, no top-level `label`/`assignee`.
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

type Common = {
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

export type EntityEvent = Common & {
  kind: "entity";
  entity: Entity;
  trigger: TriggerSource;
};

export type AutomationEvent = Common & {
  kind: "automation";
  /** workflow_dispatch inputs (strings), empty for other events. */
  inputs: Record<string, string>;
  /** workflow_run: the run the event is about. */
  workflowRun?: WorkflowRunInfo;
};

export type DispatchEvent = Common & {
  kind: "dispatch";
  source: "repository_dispatch" | "workflow_dispatch";
  description: string;
  progressEndpoint?: string;
  correlationId?: string;
};

export type EventContext = EntityEvent | AutomationEvent | DispatchEvent;

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

class Reader {
  constructor(private readonly eventName: string) {}
  fail(field: string, expected: string): never {
    throw new ContextError(`Event '${this.eventName}': payload field '${field}' is missing or not ${expected}.`);
  }
  obj(v: unknown, field: string): Json {
    return isObj(v) ? v : this.fail(field, "an object");
  }
  str(v: unknown, field: string): string {
    return typeof v === "string" ? v : this.fail(field, "a string");
  }
  optStr(v: unknown): string {
    return typeof v === "string" ? v : "";
  }
  num(v: unknown, field: string): number {
    return typeof v === "number" && Number.isFinite(v) ? v : this.fail(field, "a number");
  }
  person(v: unknown, field: string): Person {
    const o = this.obj(v, field);
    return {
      login: this.str(o.login, `${field}.login`),
      id: typeof o.id === "number" ? o.id : 0,
      ...(typeof o.full_name === "string" && o.full_name ? { fullName: o.full_name } : {}),
    };
  }
  repository(v: unknown): RepoRef {
    const o = this.obj(v, "repository");
    const fullName = this.str(o.full_name, "repository.full_name");
    const owner = isObj(o.owner) && typeof o.owner.login === "string" ? o.owner.login : fullName.split("/")[0];
    const name = typeof o.name === "string" ? o.name : fullName.split("/")[1];
    if (!owner || !name) this.fail("repository.full_name", "'owner/name'");
    return {
      owner,
      name,
      fullName,
      defaultBranch: this.optStr(o.default_branch) || "main",
      htmlUrl: this.optStr(o.html_url),
    };
  }
  permissions(v: unknown): GiteaPermissions | undefined {
    if (!isObj(v)) return undefined;
    return { admin: v.admin === true, push: v.push === true, pull: v.pull === true };
  }
  names(v: unknown, key: "name" | "login"): string[] {
    if (!Array.isArray(v)) return [];
    return v.flatMap((x) => (isObj(x) && typeof x[key] === "string" ? [x[key] as string] : []));
  }
  entity(v: unknown, field: string, isPR: boolean): Entity {
    const o = this.obj(v, field);
    const assignees = this.names(o.assignees, "login");
    if (!assignees.length && isObj(o.assignee) && typeof o.assignee.login === "string") assignees.push(o.assignee.login);
    return {
      number: this.num(o.number, `${field}.number`),
      isPR,
      title: this.optStr(o.title),
      body: this.optStr(o.body),
      author: this.person(o.user, `${field}.user`),
      state: this.optStr(o.state) || "open",
      labels: this.names(o.labels, "name"),
      assignees,
      htmlUrl: this.optStr(o.html_url),
      ...(isPR && isObj(o.head) && typeof o.head.sha === "string" && /^[0-9a-f]{40,64}$/i.test(o.head.sha) ? { headSha: o.head.sha } : {}),
      ...(isPR ? pullOrigin(o) : {}),
      ...(isPR && isObj(o.base) && typeof o.base.ref === "string" && o.base.ref ? { baseRef: o.base.ref } : {}),
    };
  }
}

export const SUPPORTED_EVENTS = [
  "issue_comment",
  // Gitea: a valid trigger of its own for comments on pull requests, with an issue_comment payload.
  "pull_request_comment",
  "issues",
  "pull_request",
  "pull_request_target",
  "pull_request_review",
  "pull_request_review_comment",
  "workflow_dispatch",
  "repository_dispatch",
  "schedule",
  "push",
  "workflow_run",
] as const;

/** Dispatch fields, from repository_dispatch's client_payload or workflow_dispatch inputs. */
export const DISPATCH_FIELDS = ["description", "progress_endpoint", "correlation_id"] as const;

/** A pull_request* payload's word on where the head lives (see Entity.pullOrigin). */
function pullOrigin(o: Json): { pullOrigin: NonNullable<Entity["pullOrigin"]> } | Record<string, never> {
  if (!isObj(o.head) || !isObj(o.base)) return {};
  const id = (b: Json) => (typeof b.repo_id === "number" ? b.repo_id : isObj(b.repo) && typeof b.repo.id === "number" ? b.repo.id : undefined);
  const head = id(o.head);
  const base = id(o.base);
  if (head === undefined || base === undefined) return {};
  const fork = head !== base;
  const agit = !fork && typeof o.head.ref === "string" && o.head.ref.startsWith("refs/pull/") && !o.head.label;
  const headRepo = isObj(o.head.repo) && typeof o.head.repo.full_name === "string" ? o.head.repo.full_name : undefined;
  return { pullOrigin: { fork, agit, ...(headRepo ? { headRepo } : {}) } };
}

/** Events that need no payload to run a direct_prompt/override_prompt (agent mode). */
const AUTOMATION_EVENTS = new Set(["schedule", "push", "workflow_dispatch"]);

/**
 * What the runner says when the payload says nothing: Gitea re-registers
 * schedules with no payload when the job token pushes to the default branch
 * (or Actions is re-enabled), so a scheduled run may get `{}` as its event.
 */
export type RunnerFallback = { repository: string; actor: string; ref?: string };

export function parseEvent(eventName: string, payload: unknown, fallback?: RunnerFallback): EventContext {
  const r = new Reader(eventName);
  if (!(SUPPORTED_EVENTS as readonly string[]).includes(eventName)) {
    throw new ContextError(
      `Event '${eventName}' is not supported. Supported events: ${SUPPORTED_EVENTS.join(", ")}.`,
    );
  }
  const p = r.obj(payload, "(payload)");
  if (p.repository === undefined && AUTOMATION_EVENTS.has(eventName) && fallback?.repository) return emptyAutomation(eventName, p, fallback);
  const changes = readChanges(p.changes);
  const common = {
    eventName,
    action: r.optStr(p.action),
    repository: r.repository(p.repository),
    sender: r.person(p.sender, "sender"),
    ...(changes ? { changes } : {}),
  };

  switch (eventName) {
    case "issue_comment":
    case "pull_request_comment": {
      const issue = r.obj(p.issue, "issue");
      const isPR = p.is_pull === true || isObj(issue.pull_request);
      const comment = r.obj(p.comment, "comment");
      const author = r.person(comment.user, "comment.user");
      return {
        ...common,
        kind: "entity",
        entity: r.entity(issue, "issue", isPR),
        trigger: {
          kind: "comment",
          commentId: r.num(comment.id, "comment.id"),
          body: r.optStr(comment.body),
          createdAt: r.optStr(comment.created_at),
          author,
        },
        // Gitea computes these for the doer of the comment event.
        senderPermissions: author.login === common.sender.login ? r.permissions(r.obj(p.repository, "repository").permissions) : undefined,
      };
    }
    case "issues": {
      const entity = r.entity(p.issue, "issue", false);
      const posterIsSender = entity.author.login === common.sender.login;
      return {
        ...common,
        kind: "entity",
        entity,
        trigger: { kind: "issue", author: entity.author },
        // For issues events Gitea describes the poster; that answers for the sender only when they are the same.
        senderPermissions:
          common.action === "opened" && posterIsSender ? r.permissions(r.obj(p.repository, "repository").permissions) : undefined,
      };
    }
    case "pull_request":
    case "pull_request_target":
    case "pull_request_review":
    case "pull_request_review_comment": {
      const pr = r.entity(p.pull_request, "pull_request", true);
      const posterIsSender = pr.author.login === common.sender.login;
      let trigger: TriggerSource;
      if (eventName === "pull_request_review") {
        const review = r.obj(p.review, "review");
        trigger = {
          kind: "review",
          reviewType: r.optStr(review.type),
          body: r.optStr(review.content),
          author: common.sender,
        };
      } else if (eventName === "pull_request_review_comment") {
        const review = isObj(p.review) ? p.review : {};
        trigger = { kind: "review_comment", body: r.optStr(review.content), author: common.sender };
      } else if (common.action === "review_requested" || common.action === "review_request_removed") {
        trigger = {
          kind: "review_request",
          author: common.sender,
          ...(isObj(p.requested_reviewer) ? { reviewer: r.person(p.requested_reviewer, "requested_reviewer") } : {}),
          removed: common.action === "review_request_removed",
        };
      } else {
        trigger = { kind: "pull_request", author: pr.author };
      }
      const opened = eventName.startsWith("pull_request") && !eventName.includes("review") && common.action === "opened";
      // Gitea computes the permissions of a review request's payload for its doer, the sender
      // (services/actions/notifier.go, PullRequestReviewRequest, 1.22–1.25).
      const forSender = (opened && posterIsSender) || trigger.kind === "review_request";
      return {
        ...common,
        kind: "entity",
        entity: pr,
        trigger,
        senderPermissions: forSender ? r.permissions(r.obj(p.repository, "repository").permissions) : undefined,
      };
    }
    case "repository_dispatch": {
      const client = isObj(p.client_payload) ? p.client_payload : {};
      return dispatchOrAutomation(common, "repository_dispatch", client);
    }
    case "workflow_dispatch": {
      const inputs = isObj(p.inputs) ? p.inputs : {};
      return dispatchOrAutomation(common, "workflow_dispatch", inputs);
    }
    case "workflow_run": {
      // Its repository.permissions are computed as the owner's, never the sender's: not a write check.
      const run = r.obj(p.workflow_run, "workflow_run");
      const workflow = isObj(p.workflow) && typeof p.workflow.name === "string" && p.workflow.name ? p.workflow.name : r.optStr(run.path).split("@")[0] ?? "";
      return {
        ...common,
        kind: "automation",
        inputs: {},
        workflowRun: {
          id: r.num(run.id, "workflow_run.id"),
          number: r.num(run.run_number, "workflow_run.run_number"),
          workflow,
          event: r.optStr(run.event),
          status: r.optStr(run.status),
          conclusion: r.optStr(run.conclusion),
          headSha: r.optStr(run.head_sha),
          htmlUrl: r.optStr(run.html_url),
        },
      };
    }
    default:
      return { ...common, kind: "automation", inputs: {} };
  }
}

/** An automation event whose payload is `{}` (or has no repository): the repository and actor come from the runner. */
function emptyAutomation(eventName: string, p: Json, fallback: RunnerFallback): EventContext {
  const [owner = "", name = ""] = fallback.repository.split("/");
  if (!owner || !name) throw new ContextError(`Event '${eventName}': the payload has no repository and GITHUB_REPOSITORY ('${fallback.repository}') is not 'owner/name'.`);
  const ref = fallback.ref ?? "";
  const common: Common = {
    eventName,
    action: typeof p.action === "string" ? p.action : "",
    repository: {
      owner,
      name,
      fullName: fallback.repository,
      // A scheduled run is on the default branch; without a payload that is the best word on it.
      defaultBranch: ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : "main",
      htmlUrl: "",
    },
    sender: { login: fallback.actor || owner, id: 0 },
  };
  if (eventName === "workflow_dispatch") return dispatchOrAutomation(common, "workflow_dispatch", isObj(p.inputs) ? p.inputs : {});
  return { ...common, kind: "automation", inputs: {} };
}

/**
 * Where a dispatch wants its progress, read from a payload without checking
 * anything else (for reporting a run that cannot start): workflow_dispatch
 * `inputs`, repository_dispatch `client_payload`. Undefined for other events.
 */
export function dispatchTarget(eventName: string, payload: unknown): { progressEndpoint?: string; correlationId?: string } | undefined {
  if (!isObj(payload)) return undefined;
  const fields = eventName === "workflow_dispatch" ? payload.inputs : eventName === "repository_dispatch" ? payload.client_payload : undefined;
  if (!isObj(fields)) return undefined;
  const text = (k: string) => (typeof fields[k] === "string" ? (fields[k] as string).trim() : "");
  const progressEndpoint = text("progress_endpoint");
  const correlationId = text("correlation_id");
  return { ...(progressEndpoint ? { progressEndpoint } : {}), ...(correlationId ? { correlationId } : {}) };
}

function readChanges(v: unknown): EventChanges | undefined {
  if (!isObj(v)) return undefined;
  const from = (x: unknown) => (isObj(x) && typeof x.from === "string" ? x.from : undefined);
  const titleFrom = from(v.title);
  const bodyFrom = from(v.body);
  const added = Array.isArray(v.added_labels)
    ? v.added_labels.flatMap((l) => (isObj(l) && typeof l.name === "string" ? [l.name] : typeof l === "string" ? [l] : []))
    : undefined;
  if (titleFrom === undefined && bodyFrom === undefined && added === undefined) return undefined;
  return { ...(titleFrom !== undefined ? { titleFrom } : {}), ...(bodyFrom !== undefined ? { bodyFrom } : {}), ...(added ? { addedLabels: added } : {}) };
}

function dispatchOrAutomation(common: Common, source: DispatchEvent["source"], fields: Json): EventContext {
  const text = (k: string) => (typeof fields[k] === "string" ? (fields[k] as string).trim() : fields[k] === undefined || fields[k] === null ? "" : String(fields[k]));
  const description = text("description");
  const progressEndpoint = text("progress_endpoint");
  const correlationId = text("correlation_id");
  const carriesDispatch = Boolean(description || progressEndpoint || correlationId);
  if (!carriesDispatch) {
    const inputs = Object.fromEntries(Object.keys(fields).map((k) => [k, text(k)]));
    return { ...common, kind: "automation", inputs };
  }
  if (!description) {
    const where = source === "repository_dispatch" ? "client_payload.description" : "inputs.description";
    throw new DispatchError(
      `Event '${source}': '${where}' is missing: a dispatch with ${progressEndpoint ? "progress_endpoint" : "correlation_id"} must say what to do in 'description'.`,
      progressEndpoint || undefined,
      correlationId || undefined,
    );
  }
  return {
    ...common,
    kind: "dispatch",
    source,
    description,
    ...(progressEndpoint ? { progressEndpoint } : {}),
    ...(correlationId ? { correlationId } : {}),
  };
}
