// Filling in the `github` context from the event payload, as Gitea does.
import type { GithubInfo } from "./types";

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
}

const PR_EVENTS = new Set([
  "pull_request",
  "pull_request_target",
  "pull_request_review",
  "pull_request_review_comment",
]);

/**
 * Completes a github context: values given win; the rest comes from the
 * payload (repository.full_name, sender.login, push ref/after, pull request
 * head/base), Gitea-style (`refs/pull/<n>/head` for pull requests, the
 * default branch for issue events).
 */
export function completeGithub(given: Partial<GithubInfo> & { event_name: string; event?: Obj }): GithubInfo {
  const event = obj(given.event);
  const repo = obj(event.repository);
  const pr = obj(event.pull_request);
  const repository = given.repository ?? str(repo.full_name) ?? "";
  let serverUrl = given.server_url;
  if (serverUrl === undefined) {
    const html = str(repo.html_url);
    serverUrl = html && repository && html.endsWith(`/${repository}`) ? html.slice(0, -(repository.length + 1)) : "http://127.0.0.1:3000";
  }
  serverUrl = serverUrl.replace(/\/+$/, "");
  const isPr = PR_EVENTS.has(given.event_name);
  const prNumber = str(pr.number) ?? str(event.number);
  const defaultBranch = str(repo.default_branch) ?? "main";

  let ref = given.ref;
  if (ref === undefined) {
    if (given.event_name === "push" || given.event_name === "create" || given.event_name === "delete") {
      ref = str(event.ref) ?? "";
    } else if (isPr && prNumber) {
      ref = `refs/pull/${prNumber}/head`;
    } else {
      ref = `refs/heads/${defaultBranch}`;
    }
  }
  let sha = given.sha;
  if (sha === undefined) {
    if (given.event_name === "push") sha = str(event.after) ?? "";
    else if (isPr) sha = str(obj(pr.head).sha) ?? "";
    else sha = "";
  }
  const refName =
    given.ref_name ??
    (ref.startsWith("refs/heads/")
      ? ref.slice(11)
      : ref.startsWith("refs/tags/")
        ? ref.slice(10)
        : ref.startsWith("refs/pull/")
          ? ref.slice(10)
          : ref);
  const refType = given.ref_type ?? (ref.startsWith("refs/tags/") ? "tag" : ref.startsWith("refs/heads/") ? "branch" : "");
  const actor = given.actor ?? str(obj(event.sender).login) ?? "";

  return {
    ...given,
    event_name: given.event_name,
    event,
    repository,
    repository_owner: given.repository_owner ?? repository.split("/")[0] ?? "",
    server_url: serverUrl,
    api_url: (given.api_url ?? `${serverUrl}/api/v1`).replace(/\/+$/, ""),
    run_id: String(given.run_id ?? "1"),
    run_number: String(given.run_number ?? "1"),
    run_attempt: String(given.run_attempt ?? "1"),
    token: given.token ?? "",
    actor,
    triggering_actor: given.triggering_actor ?? actor,
    sha,
    ref,
    ref_name: refName,
    ref_type: refType,
    head_ref: given.head_ref ?? (isPr ? (str(obj(pr.head).ref) ?? "") : ""),
    base_ref: given.base_ref ?? (isPr ? (str(obj(pr.base).ref) ?? "") : ""),
    workflow: given.workflow ?? "",
    job: given.job ?? "",
  };
}
