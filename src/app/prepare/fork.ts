/**
 * Pull requests from forks, and AGit pull requests, on Gitea. Gitea runs the
 * workflows of their `pull_request` events and of comments on them
 * (`issue_comment`, `pull_request_comment`) as fork runs: no secrets (only
 * the job token) and a read-only job token (no push, no label, no pull
 * request; services/actions/notifier_helper.go, models/secret/secret.go,
 * routers/api/v1/api.go). Claude cannot work in such a run, so prepare stops
 * before any model call and says why, and what works instead. Only
 * `pull_request_target` runs get secrets: they run the base branch's
 * workflow file. Review events are not fork runs on Gitea (they get the
 * secrets); they are stopped here only when the secrets are missing anyway.
 */
import type { GiteaClient } from "../../gitea/client";
import type { EventContext } from "../../gitea/context";
import type { PullData } from "../../gitea/data";
import { TRACKING_MARKER, finalBody } from "../../gitea/tracking";
import type { Inputs } from "../../inputs";
import { describeError } from "../errors";
import type { Settled } from "../settle";
import type { PrepareContext } from "./context";

/** Events Gitea runs as fork runs when their pull request comes from a fork or is an AGit pull request. */
const FORK_RUN_EVENTS = new Set(["pull_request", "issue_comment", "pull_request_comment"]);
const REVIEW_EVENTS = new Set(["pull_request_review", "pull_request_review_comment"]);

export type ForkRun = {
  number: number;
  /** "the fork carol/app", or "an AGit pull request" */
  origin: string;
  eventName: string;
  /** The secret inputs that arrived empty. */
  withheld: string[];
};

const SECRET_INPUTS = ["anthropic_api_key", "claude_code_oauth_token", "claude_credentials", "gitea_token", "github_token"] as const;

function emptySecrets(inputs: Inputs): string[] {
  return SECRET_INPUTS.filter((name) => !inputs[name]);
}

function noClaudeCredentials(inputs: Inputs): boolean {
  return !inputs.anthropic_api_key && !inputs.claude_code_oauth_token && !inputs.claude_credentials && !inputs.use_bedrock && !inputs.use_vertex;
}

/** Does this event run as a fork run when its pull request is a fork's or an AGit one? */
export function forkRunEvent(ctx: EventContext): boolean {
  return ctx.kind === "entity" && ctx.entity.isPR && FORK_RUN_EVENTS.has(ctx.eventName);
}

/**
 * Whether this run is a pull request run Claude cannot work in (undefined
 * when it is not, or when the pull request could not be read: the other
 * phases then report that). Missing credentials on a fork's (or AGit) pull
 * request are a fork run; with credentials (passed some other way than
 * secrets), a fork run still shows in the job token being read-only
 * (`tokenReadOnly`), so the pull request is read only then.
 */
export async function forkRunOf(
  ctx: EventContext,
  pull: Promise<Settled<PullData>> | undefined,
  inputs: Inputs,
  tokenReadOnly?: Promise<boolean>,
): Promise<ForkRun | undefined> {
  if (ctx.kind !== "entity" || !ctx.entity.isPR || !pull) return undefined;
  const forkEvent = FORK_RUN_EVENTS.has(ctx.eventName);
  if (noClaudeCredentials(inputs)) {
    if (!forkEvent && !REVIEW_EVENTS.has(ctx.eventName)) return undefined;
  } else if (!forkEvent || !tokenReadOnly || !(await tokenReadOnly)) {
    return undefined;
  }
  // pull_request* payloads say where the head lives; for comments the pull request is read.
  let pr: { fromFork: boolean; agit?: boolean; headRepo?: string } | undefined = ctx.entity.pullOrigin
    ? { fromFork: ctx.entity.pullOrigin.fork, agit: ctx.entity.pullOrigin.agit, ...(ctx.entity.pullOrigin.headRepo ? { headRepo: ctx.entity.pullOrigin.headRepo } : {}) }
    : undefined;
  if (!pr) {
    const settled = await pull;
    if (!settled.ok) return undefined;
    pr = settled.value;
  }
  if (!pr.fromFork && !pr.agit) return undefined;
  return {
    number: ctx.entity.number,
    origin: pr.agit ? "an AGit pull request (pushed to refs/for/…)" : `the fork ${pr.headRepo ?? "(a deleted repository)"}`,
    eventName: ctx.eventName,
    withheld: emptySecrets(inputs),
  };
}

/** The explanation, in markdown (the log gets it as one paragraph per line). */
export function forkRunMessage(f: ForkRun, o: { triggerPhrase: string }): string {
  const empty = f.withheld.length ? ` (here ${f.withheld.map((n) => `\`${n}\``).join(", ")} arrived empty)` : "";
  return [
    `Claude cannot work on pull request #${f.number} in this run: it comes from ${f.origin}, and Gitea runs \`${f.eventName}\` workflows of such pull requests as fork runs, ` +
      `with none of the repository's secrets${empty} and a read-only job token that cannot push, label or open pull requests.`,
    `What works for pull requests from forks on Gitea:`,
    `- a workflow on \`pull_request_target\`, which runs the base branch's workflow file with the repository's secrets, started by someone with write access (for example by adding a label: see examples/claude-fork-prs.yml in the action); ` +
      `it must not run the pull request's code;`,
    `- or a maintainer pushes the pull request's branch to this repository (\`git fetch origin pull/${f.number}/head && git push origin FETCH_HEAD:refs/heads/pr-${f.number}\`), ` +
      `opens a pull request from it and asks ${o.triggerPhrase} there.`,
  ].join("\n");
}

/**
 * Stops the run: the reason in the log, in the job summary, and (Gitea lets a
 * read-only job token comment) on the pull request. Returns the exit code.
 */
export async function refuseForkRun(run: PrepareContext, client: GiteaClient, fork: ForkRun, runUrl: string): Promise<number> {
  const message = forkRunMessage(fork, { triggerPhrase: run.inputs.trigger_phrase });
  run.io.error(message);
  await run.io.appendSummary(`## Claude did not run\n\n${message}\n`).catch(() => {});
  // Not a tracking comment (no marker): a later sticky run must not reuse it.
  const body = finalBody({ state: { kind: "refused", reason: message }, links: { run: runUrl } }).replace(`${TRACKING_MARKER}\n`, "");
  await client.createComment(fork.number, body).catch((error: unknown) => {
    run.io.info(`Could not explain this on the pull request (${describeError(error)}); the reason is in this log and the job summary.`);
  });
  return 1;
}
