/**
 * A `workflow_run` event (Gitea ≥ 1.25) about a run of a pull request becomes
 * a run about that pull request. Gitea's payload names the run (id, number,
 * event, head commit, conclusion) but not the pull request (its `head_branch`
 * is empty for `refs/pull/N/head`), so the open pull request is found by its
 * head commit. Only a same-repository pull request whose head is still the
 * run's commit qualifies: a fork's branch cannot take a fix, and a run of an
 * older head is not the pull request's CI any more.
 *
 * workflow_run workflows run the default branch's file with every secret (not
 * as fork runs), and the payload's `repository.permissions` are the owner's:
 * the sender (the failing run's trigger user) is checked through the API, as
 * for every other event whose payload does not describe the sender.
 */
import type { GiteaClient } from "./client";
import type { AutomationEvent, EntityEvent } from "./context";
import type { GiteaPullRequest } from "./types";

/**
 * Runs about a pull request: Gitea names a run's event by its webhook type
 * (`pull_request`, `pull_request_sync` for a push to the PR, `pull_request_label`, …).
 */
const isPullRequestEvent = (event: string) => /^pull_request/.test(event);

export type RunPullRequest =
  /** Not about a pull request (a push or schedule run): stays an automation event. */
  | { kind: "none" }
  /** About a pull request, but not one Claude can work on now. */
  | { kind: "skip"; reason: string }
  | { kind: "entity"; ctx: EntityEvent; note?: string };

export async function pullRequestOfRun(client: Pick<GiteaClient, "openPulls">, ctx: AutomationEvent): Promise<RunPullRequest> {
  const run = ctx.workflowRun;
  if (!run || !isPullRequestEvent(run.event)) return { kind: "none" };
  if (!/^[0-9a-f]{40,64}$/i.test(run.headSha)) return { kind: "skip", reason: "the workflow_run payload names no head commit" };
  const open = (await client.openPulls()).filter((p) => p.head.sha === run.headSha);
  if (!open.length) {
    return { kind: "skip", reason: `no open pull request has commit ${run.headSha.slice(0, 12)} as its head (it moved on or was closed)` };
  }
  const sameRepo = open.filter(isSameRepository).sort((a, b) => a.number - b.number);
  const pr = sameRepo[0];
  if (!pr) return { kind: "skip", reason: `pull request #${open[0]!.number} comes from a fork: its branch cannot take a fix from this repository` };
  return {
    kind: "entity",
    ...(sameRepo.length > 1 ? { note: `commit ${run.headSha.slice(0, 12)} is the head of pull requests ${sameRepo.map((p) => `#${p.number}`).join(", ")}: working on #${pr.number}` } : {}),
    ctx: {
      eventName: ctx.eventName,
      action: ctx.action,
      repository: ctx.repository,
      sender: ctx.sender,
      ...(ctx.changes ? { changes: ctx.changes } : {}),
      kind: "entity",
      entity: {
        number: pr.number,
        isPR: true,
        title: pr.title,
        body: pr.body ?? "",
        author: { login: pr.user.login, id: pr.user.id ?? 0 },
        state: pr.state,
        labels: (pr.labels ?? []).map((l) => l.name),
        assignees: [],
        htmlUrl: pr.html_url ?? "",
        headSha: run.headSha,
        baseRef: pr.base.ref,
      },
      trigger: { kind: "workflow_run", author: ctx.sender, run },
    },
  };
}

function isSameRepository(pr: GiteaPullRequest): boolean {
  const head = pr.head.repo_id ?? pr.head.repo?.id;
  const base = pr.base.repo_id ?? pr.base.repo?.id;
  return head !== undefined && base !== undefined && head === base && !pr.head.ref.startsWith("refs/");
}
