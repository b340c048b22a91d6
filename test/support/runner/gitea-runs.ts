/**
 * Which workflow runs Gitea starts for an event, and with what: Gitea's
 * actions notifier (services/actions/notifier_helper.go, modules/actions/
 * github.go and workflows.go), read at 1.22–1.25.
 *
 * - Workflow files come from the event's ref: the default branch for issue,
 *   comment and schedule events; refs/pull/N/head for pull request events;
 *   the reviewed commit (the PR head) for reviews. `pull_request_target`
 *   files come from the base branch.
 * - Every `on:` entry that matches is its own run: a "Comment" review matches
 *   both `pull_request_review` and `pull_request_review_comment`; a comment on
 *   a pull request matches `issue_comment` and `pull_request_comment`.
 * - Fork runs: events attached to a pull request from a fork, or to an AGit
 *   pull request (pull request events and comments, not reviews), except
 *   `pull_request_target`, get no secrets and a read-only job token.
 * - Events caused by the Actions user (the job token) start nothing.
 */
import { randomBytes } from "node:crypto";
import type { GiteaEmulator } from "../gitea/index";
import type { HookEvent, HookEventType } from "../gitea/hooks";
import { ACTIONS_USER } from "../gitea/store";
import { loadWorkflow, matchEvent, normaliseOn } from "./workflow";

export interface PlannedRun {
  /** file name under .gitea/workflows (Gitea's WorkflowID) */
  workflow: string;
  /** the workflow file's text, as read from the commit Gitea used */
  text: string;
  /** github.event_name: the `on:` entry that matched */
  eventName: string;
  /** github.ref and github.sha (pull_request_target: the base branch) */
  ref: string;
  sha: string;
  /** Gitea marked the run IsForkPullRequest */
  fork: boolean;
  /** secrets are withheld (fork runs other than pull_request_target) */
  secretsWithheld: boolean;
  /** the run's job token (registered on the emulator) and what it may do */
  token: string;
  tokenMode: "read" | "write";
  payload: Record<string, unknown>;
  doer: string;
}

/** canGithubEventMatch: the `on:` names a hook event type can match. */
export function triggersFor(type: HookEventType): string[] {
  switch (type) {
    case "issues":
    case "issue_assign":
    case "issue_label":
    case "issue_milestone":
      return ["issues"];
    case "issue_comment":
      return ["issue_comment"];
    case "pull_request_comment":
      return ["issue_comment", "pull_request_comment"];
    case "pull_request":
    case "pull_request_sync":
    case "pull_request_assign":
    case "pull_request_label":
    case "pull_request_review_request":
    case "pull_request_milestone":
      return ["pull_request", "pull_request_target"];
    case "pull_request_review_approved":
    case "pull_request_review_rejected":
      return ["pull_request_review"];
    case "pull_request_review_comment":
      return ["pull_request_review", "pull_request_review_comment"];
    default:
      return [type];
  }
}

/** IsDefaultBranchWorkflow: events whose workflows always come from the default branch. */
const DEFAULT_BRANCH_EVENTS = new Set<HookEventType>(["issue_comment", "pull_request_comment", "issues", "issue_assign", "issue_label", "issue_milestone", "schedule"]);

async function workflowsAt(gitea: GiteaEmulator, repo: string, sha: string): Promise<{ name: string; text: string }[]> {
  const git = gitea.core.store.repo(repo).git;
  for (const dir of [".gitea/workflows", ".github/workflows"]) {
    const entry = await git.entry(sha, dir);
    if (!entry || entry.type !== "tree") continue;
    const out: { name: string; text: string }[] = [];
    for (const e of await git.listDir(sha, dir)) {
      if (e.type !== "blob" || !/\.ya?ml$/.test(e.name)) continue;
      out.push({ name: e.name, text: (await git.blob(e.sha)).toString("utf8") });
    }
    return out;
  }
  return [];
}

function matchingTriggers(text: string, candidates: string[], payload: Record<string, unknown>): string[] {
  let on: unknown;
  try {
    on = loadWorkflow(text).on;
  } catch {
    return []; // Gitea ignores an invalid workflow
  }
  const names = Object.keys(normaliseOn(on));
  return names.filter((n) => candidates.includes(n) && matchEvent(on, n, payload).matched);
}

/** The runs Gitea creates for this event (none when the Actions user caused it). */
export async function planRuns(gitea: GiteaEmulator, event: HookEvent): Promise<PlannedRun[]> {
  const store = gitea.core.store;
  const doer = store.findUser(event.doer);
  if (event.type !== "schedule" && (doer?.id === ACTIONS_USER.id || event.doer.toLowerCase() === ACTIONS_USER.login)) return [];
  const repo = store.repo(event.repo);
  const pr = event.pull !== undefined ? store.findPull(event.repo, event.pull) : undefined;
  let ref = event.ref ?? "";
  if (DEFAULT_BRANCH_EVENTS.has(event.type) || (!ref && !pr)) ref = `refs/heads/${repo.defaultBranch}`;
  if (!ref && pr) ref = `refs/pull/${pr.index}/head`;
  const sha = (await repo.git.resolveRef(ref))?.sha;
  if (!sha) throw new Error(`planRuns: ${ref} does not resolve in ${event.repo}`);
  const fork = pr ? pr.flow === "agit" || pr.headRepo !== pr.repo : false;
  const candidates = triggersFor(event.type);

  const found: { workflow: string; text: string; trigger: string; ref: string; sha: string }[] = [];
  for (const wf of await workflowsAt(gitea, event.repo, sha)) {
    for (const t of matchingTriggers(wf.text, candidates, event.payload)) {
      if (t !== "pull_request_target") found.push({ workflow: wf.name, text: wf.text, trigger: t, ref, sha });
    }
  }
  if (pr) {
    // pull_request_target: the base branch's workflow files, run with the base branch as ref.
    const baseSha = await repo.git.revParse(`refs/heads/${pr.baseBranch}`);
    if (baseSha) {
      for (const wf of await workflowsAt(gitea, event.repo, baseSha)) {
        if (matchingTriggers(wf.text, candidates, event.payload).includes("pull_request_target")) {
          found.push({ workflow: wf.name, text: wf.text, trigger: "pull_request_target", ref: `refs/heads/${pr.baseBranch}`, sha: baseSha });
        }
      }
    }
  }
  return found.map((f) => {
    const withheld = fork && f.trigger !== "pull_request_target";
    const token = `jobtoken-${randomBytes(16).toString("hex")}`;
    const tokenMode = withheld ? "read" : "write";
    store.addJobToken(token, { repo: event.repo, mode: tokenMode, fork });
    return {
      workflow: f.workflow,
      text: f.text,
      eventName: f.trigger,
      ref: f.ref,
      sha: f.sha,
      fork,
      secretsWithheld: withheld,
      token,
      tokenMode,
      payload: event.payload,
      doer: event.doer,
    };
  });
}
