/**
 * Gitea event payloads (GITHUB_EVENT_PATH) parsed into one typed,
 * discriminated context. Shapes follow what Gitea Actions really delivers
 * (see README "Gitea events"): `synchronized`, `label_updated`, `reviewed`,
 * review events with `review: {type, content}` and no `comment`, no user
 * `type`, no top-level `label`/`assignee`.
 */
import { ContextError, DispatchError, type DispatchEvent, type EventCommon, type EventContext, type RunnerFallback, type TriggerSource } from "./event-types";
import { Reader, isObj, readChanges, type Json } from "./payload";

export * from "./event-types";

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

/** Events that need no payload to run a direct_prompt/override_prompt (agent mode). */
const AUTOMATION_EVENTS = new Set(["schedule", "push", "workflow_dispatch"]);

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
  const common: EventCommon = {
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

function dispatchOrAutomation(common: EventCommon, source: DispatchEvent["source"], fields: Json): EventContext {
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
