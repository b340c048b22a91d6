/**
 * The finish step (always, once prepare started work): read the execution
 * log streaming, settle the branch (push leftovers, delete an unused new
 * branch), write the tracking comment's final state, the step summary and the
 * final progress update, and set the outputs. Nothing here prints a secret.
 */
import { access } from "node:fs/promises";
import { join } from "node:path";
import { authEnv, fetchBranches, pushWorkBranch, remoteUrl } from "../boundary/push";
import { readTimeoutMarker } from "../claude/executable";
import { readExecutionLog, type ExecutionSummary } from "../claude/log";
import { renderStepSummary, type Conclusion } from "../claude/summary";
import { finalUpdate } from "../dispatch/messages";
import { ProgressClient, describeDelivery } from "../dispatch/progress";
import { GiteaClient, GiteaError } from "../gitea/client";
import { GIT_STALL_ENV, Git, finalizeBranch, spawnRunner, type BranchOutcome, type RemoteBranches } from "../gitea/git";
import { PROTECTED_BRANCH_LIMIT as PROTECTED } from "../gitea/limits";
import { links as linksFor } from "../gitea/links";
import { extractClaudeText, finalBody, type FinalState, type LinkSet } from "../gitea/tracking";
import { giteaToken, readSomeInputs } from "../inputs";
import { readRunnerEnv } from "../runner-env";
import { redactingIO, type ActionIO } from "../io";
import type { RunState } from "../state";
import type { EventContext } from "../gitea/context";
import { FINISH_ENV, FINISH_OUTPUTS } from "../steps";
import { describeError } from "./errors";
import type { StepDeps } from "./deps";
import { writeFinalComment } from "./final-comment";
import { settle } from "./settle";
import { restoreRun, stopRunBroker } from "./finish/cleanup";
import { loadVerifiedState, progressTarget, readEventContext, verifiedComment } from "./finish/trust";

export type FinishDeps = StepDeps;

type Outcome = { conclusion: "success" | "failure"; state: FinalState; reason?: string; cancelled?: boolean };

export async function finish(deps: FinishDeps): Promise<number> {
  const env = deps.env;
  const secrets = readSomeInputs(
    ["gitea_token", "github_token", "progress_secret", "anthropic_api_key", "claude_code_oauth_token", "claude_credentials"],
    env,
  );
  const token = giteaToken(secrets, env.GITHUB_TOKEN);
  const io = redactingIO(deps.io, [
    token,
    env.GITHUB_TOKEN,
    secrets.gitea_token,
    secrets.github_token,
    secrets.progress_secret,
    secrets.anthropic_api_key,
    secrets.claude_code_oauth_token,
    secrets.claude_credentials?.accessToken,
  ]);
  // The broker holds the tokens for Claude's tools: it goes first, whatever else happens.
  stopRunBroker(env[FINISH_ENV.brokerPid], env.GITHUB_ACTION_PATH ?? "", (m) => io.warning(m));
  const loaded = await loadVerifiedState(env);
  if (loaded.state === undefined && "missing" in loaded) {
    io.warning(`Nothing to finish: ${loaded.missing}.`);
    return 0;
  }
  const runner = readRunnerEnv(env);
  const event = await readEventContext(env);
  const progressInputs = readSomeInputs(["progress_allowed_hosts", "progress_audience"], env);
  if (loaded.state === undefined) return reportTampered(deps, io, token, runner.apiUrl, event, loaded.tampered, secrets.progress_secret, progressInputs);
  const state: RunState = loaded.state;

  const now = deps.now ?? (() => new Date());
  const durationMs = now().getTime() - Date.parse(state.startedAt);
  const client = new GiteaClient({
    apiUrl: runner.apiUrl,
    token,
    owner: state.repository.owner,
    repo: state.repository.name,
    ...(deps.transport ? { transport: deps.transport } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
    log: (m) => io.warning(m),
  });
  const links = linksFor(state.publicUrl, { fullName: state.repository.fullName });
  const problems: string[] = [];

  // The tracking comment's current text and the branch need nothing from the log: they start now,
  // in parallel with each other and with reading the log.
  const commentId = Number(env[FINISH_ENV.commentId] ?? "") || undefined;
  const currentP = commentId !== undefined ? settle(verifiedComment(client, commentId, state.entity?.number)) : undefined;
  const git = new Git(deps.git ?? spawnRunner, runner.workspace, { ...GIT_STALL_ENV, ...env, GIT_TERMINAL_PROMPT: "0" });
  const remote = { url: remoteUrl(runner.serverUrl, state.repository.fullName), token };
  const branchP = state.branch ? settle(finalizeBranch(git, remoteBranches(client, git, io, remote, env), state.branch)) : undefined;

  // 1. What happened in the run.
  const structured = env[FINISH_ENV.structuredOutput] ?? "";
  const summary = await readLog(env, io);
  const timedOut = await readTimeoutMarker(state.timeout.markerFile);
  const decided = decide(state, env, summary, timedOut, structured);
  let outcome = decided;
  io.info(`Conclusion: ${outcome.conclusion}${outcome.reason ? ` (${outcome.reason})` : ""}.`);

  // 2. The branch.
  let branch: BranchOutcome | undefined;
  if (state.branch && branchP) {
    const settled = await branchP;
    if (settled.ok) {
      branch = settled.value;
      if (branch.note && !branch.movedFrom) io.warning(branch.note);
      // Claude's commits did not reach Gitea because the branch is protected: the limit and the fix fail the run.
      if (branch.note && !branch.movedFrom && PROTECTED.test(branch.note)) problems.push(branch.note);
      if (branch.deleted) io.info(`Deleted ${state.branch.name}: it got no commits.`);
      if (branch.pushed) io.info(`Pushed Claude's unpushed commits to ${branch.branch}.`);
      if (branch.movedFrom) io.warning(`${branch.note ?? `${branch.movedFrom} moved on; Claude's commits are on ${branch.branch}`}.`);
    } else {
      problems.push(`settling the branch: ${describeError(settled.error)}`);
    }
  }
  problems.push(
    ...(await restoreRun(state, git, {
      stateDir: join(runner.runnerTemp, "claude-code-gitea"),
      tokens: { "job-token": env.GITHUB_TOKEN, "gitea-token": secrets.gitea_token, "github-token": secrets.github_token },
      sealKey: env[FINISH_ENV.credentialsKey] ?? "",
    })),
  );

  const linkSet = await branchLinks(client, state, branch, links, (m) => io.warning(m)).catch(() => ({}) as LinkSet);
  linkSet.run = state.runUrl;

  // 3. The tracking comment: always brought to a final state, which names what failed here.
  const current = currentP ? await currentP : undefined;
  // A deleted comment (404) is replaced below; any other failure to read it is a problem of this run.
  const deleted = current !== undefined && !current.ok && current.error instanceof GiteaError && current.error.status === 404;
  if (current && !current.ok && !deleted) problems.push(`reading the tracking comment: ${describeError(current.error)}`);
  if (problems.length) outcome = finishFailed(decided, problems);
  // An unverified comment is never edited nor removed (it may not be this run's): a deleted one, or one
  // that could not be read back and verified, is replaced by a new comment holding the final state.
  if (commentId !== undefined && (current?.ok || state.entity)) {
    try {
      const body = finalBody({
        state: outcome.state,
        ...(state.triggerUser ? { triggerUser: state.triggerUser } : {}),
        durationMs,
        ...(summary?.costUsd !== undefined ? { costUsd: summary.costUsd } : {}),
        links: linkSet,
        // When the comment cannot be read back, Claude's final answer from the log stands in for its text.
        claudeText: current?.ok ? extractClaudeText(current.value.body) : (summary?.result?.text ?? ""),
        ...(branch?.movedFrom && branch.note ? { notes: [`${branch.note}.`] } : {}),
      });
      const final = await writeFinalComment(client, {
        id: commentId,
        index: state.entity?.number ?? 0,
        body: io.redactor.redact(body),
        ...(current?.ok ? {} : { unreadable: deleted ? "deleted" : "unverified" }),
      });
      for (const w of final.warnings) io.warning(w);
      problems.push(...final.problems);
      if (final.id !== undefined && final.id !== commentId) io.setOutput(FINISH_OUTPUTS.commentId, String(final.id));
    } catch (error) {
      problems.push(`updating the tracking comment: ${describeError(error)}`);
    }
  }

  // 4. The step summary.
  const stepConclusion: Conclusion = outcome.state.kind === "timeout" ? "timed_out" : outcome.conclusion;
  const markdown = summary
    ? renderStepSummary(
        { ...summary, ...(structured ? { structuredOutput: parseJson(structured) ?? summary.structuredOutput } : {}) },
        {
          redact: (t) => io.redactor.redact(t),
          conclusion: stepConclusion,
          ...(timedOut ? { timedOutMinutes: state.timeout.minutes } : {}),
          ...(outcome.reason && outcome.conclusion === "failure" && !timedOut ? { error: outcome.reason } : {}),
        },
      )
    : `## Claude Code\n\n**${outcome.conclusion}**${outcome.reason ? `: ${outcome.reason}` : ""}\n`;
  await io.appendSummary(markdown).catch((e) => problems.push(`writing the step summary: ${describeError(e)}`));

  // What failed since (the comment edit, the summary) makes the run a failure too, for the backend and the outputs.
  if (problems.length) outcome = finishFailed(decided, problems);

  // 5. The backend.
  await sendFinal(deps, io, {
    event,
    allowedHosts: progressInputs.progress_allowed_hosts,
    audience: progressInputs.progress_audience,
    ...(state.progress?.seqFile ? { seqFile: state.progress.seqFile } : {}),
    repository: state.repository.fullName,
    secret: secrets.progress_secret,
    ...(state.runUrl ? { runUrl: state.runUrl } : {}),
    update: finalUpdate({
      conclusion: outcome.cancelled ? "cancelled" : outcome.conclusion,
      ...(branch?.branch ? { branch: branch.branch } : {}),
      links: {
        ...(linkSet.branch ? { branchUrl: linkSet.branch.url } : {}),
        ...(linkSet.compare ? { compareUrl: linkSet.compare } : {}),
        ...(linkSet.pr ? { prUrl: linkSet.pr } : {}),
      },
      ...(structured ? { structuredOutput: structured } : {}),
      ...(outcome.reason && outcome.conclusion !== "success" ? { error: outcome.reason } : {}),
    }),
  });

  // 6. Outputs.
  io.setOutput(FINISH_OUTPUTS.conclusion, outcome.conclusion);
  // The base action sets session_id only on success; the log has it either way.
  if (summary?.sessionId) io.setOutput(FINISH_OUTPUTS.sessionId, summary.sessionId);
  io.setOutput(FINISH_OUTPUTS.branchName, branch ? branch.branch : state.branch && !state.branch.isNew ? state.branch.name : "");
  for (const p of problems) io.error(`finish: ${p}`);
  if (!problems.length && outcome.conclusion === "failure" && outcome.reason && env[FINISH_ENV.runOutcome] === "success") {
    // The run step succeeded but the result does not hold (e.g. no structured output): fail here.
    io.error(outcome.reason);
    return 1;
  }
  return problems.length ? 1 : 0;
}

async function readLog(env: Record<string, string | undefined>, io: ActionIO): Promise<ExecutionSummary | undefined> {
  const candidates = [env[FINISH_ENV.executionFile], env.RUNNER_TEMP ? join(env.RUNNER_TEMP, "claude-execution-output.json") : undefined];
  for (const file of candidates) {
    if (!file) continue;
    try {
      await access(file);
    } catch {
      continue;
    }
    const summary = await readExecutionLog(file);
    for (const w of summary.warnings) io.warning(`Execution log: ${w}`);
    return summary;
  }
  return undefined;
}

function decide(
  state: RunState,
  env: Record<string, string | undefined>,
  summary: ExecutionSummary | undefined,
  timedOut: { minutes: number } | undefined,
  structured: string,
): Outcome {
  if (state.prepareError) return { conclusion: "failure", state: { kind: "error", reason: state.prepareError }, reason: state.prepareError };
  if (timedOut) {
    const reason = `Claude was stopped after ${state.timeout.minutes} minute(s) (timeout_minutes).`;
    return { conclusion: "failure", state: { kind: "timeout", minutes: state.timeout.minutes }, reason };
  }
  const runOutcome = env[FINISH_ENV.runOutcome] ?? "";
  const runConclusion = env[FINISH_ENV.runConclusion] ?? "";
  // Gitea cancels runs too: by hand, or when a newer dispatch of the same workflow starts on the same ref.
  if (runOutcome === "cancelled") return { ...fail("The run was cancelled (by hand, or by a newer dispatch of this workflow on the same ref)."), cancelled: true };
  if (runOutcome === "skipped" || runOutcome === "") return fail("Claude did not run (the run step was skipped).");
  const errors = summary?.result?.errors?.filter(Boolean) ?? [];
  if (runOutcome !== "success" && errors.length) return fail(`Claude Code failed: ${errors.join("; ")}`);
  if (state.jsonSchema && !structured.trim()) {
    return fail(
      `A JSON schema was requested (json_schema / --json-schema) but Claude returned no structured output${summary?.result ? ` (result: ${summary.result.subtype}${summary.result.isError ? ", is_error" : ""})` : ""}.`,
    );
  }
  if (runOutcome === "success" && runConclusion === "success") return { conclusion: "success", state: { kind: "success" } };
  if (summary?.result?.isError) return fail(`Claude Code reported an error: ${(summary.result.text ?? summary.result.subtype).slice(0, 500)}`);
  if (summary && !summary.result) return fail("Claude Code stopped without a result (see the job log).");
  return fail("The Claude Code step failed (see the job log).");
}

const fail = (reason: string): Outcome => ({ conclusion: "failure", state: { kind: "error", reason }, reason });

/** The run's outcome once finish itself failed at something (the reason names each failing call). */
function finishFailed(outcome: Outcome, problems: string[]): Outcome {
  const what = `Finishing the run failed: ${problems.join("; ")}`;
  if (outcome.state.kind === "error") return fail(`${outcome.state.reason}\n${what}`);
  const before = outcome.state.kind === "timeout" ? `Claude timed out after ${outcome.state.minutes} minute(s)` : "Claude finished";
  return fail(`${before}, but finishing the run failed: ${problems.join("; ")}`);
}

/**
 * Branch reads and deletes over the API (a delete the API keeps refusing is
 * done with git, so no unused branch is left behind); pushes and fetches of
 * this repository through src/boundary/push.ts.
 */
function remoteBranches(
  client: GiteaClient,
  git: Git,
  io: ActionIO,
  remote: { url: string; token: string },
  env: Record<string, string | undefined>,
): RemoteBranches {
  return {
    branch: (name) => client.branch(name),
    async push(branch, target) {
      const pushed = await pushWorkBranch({
        workspace: git.cwd,
        remote,
        branch: branch.name,
        ...(target ? { target } : {}),
        startSha: branch.startSha,
        env: { ...GIT_STALL_ENV, ...env },
        usesJobToken: remote.token === env.GITHUB_TOKEN,
      });
      return { ok: pushed.ok, message: pushed.message, ...(!pushed.ok && pushed.reason === "non-fast-forward" ? { nonFastForward: true } : {}) };
    },
    fetch: async (name) => (await fetchBranches({ workspace: git.cwd, remote, branches: [name], env: { ...GIT_STALL_ENV, ...env } })).ok,
    async deleteBranch(name) {
      try {
        await client.deleteBranch(name);
      } catch (error) {
        const pushed = await new Git(spawnRunner, git.cwd, { ...env, ...authEnv(remote) }).tryRun(["-c", "core.hooksPath=/dev/null", "push", "--quiet", remote.url, "--delete", `refs/heads/${name}`]);
        if (pushed.code !== 0) throw error;
        io.warning(`${describeError(error)}; deleted ${name} with git push instead.`);
      }
    },
  };
}

async function branchLinks(
  client: GiteaClient,
  state: RunState,
  branch: BranchOutcome | undefined,
  links: ReturnType<typeof linksFor>,
  warn: (message: string) => void,
): Promise<LinkSet> {
  if (!state.branch || !branch?.branch) return {};
  const set: LinkSet = { branch: { name: branch.branch, url: links.branch(branch.branch) } };
  if (branch.movedFrom) {
    // The work is on a branch of its own: offer to merge it into the branch it was meant for.
    set.compare = links.compare(state.branch.isNew ? state.branch.base : branch.movedFrom, branch.branch);
    return set;
  }
  if (state.branch.isNew) {
    const open = await client.openPulls().catch((error: unknown) => {
      warn(`Could not look for a pull request from ${branch.branch} (${describeError(error)}); linking the compare view instead.`);
      return [];
    });
    const pr = open.find((p) => p.head.ref === branch.branch);
    if (pr) set.pr = pr.html_url ?? links.issue(pr.number, true);
    else set.compare = links.compare(state.branch.base, branch.branch);
  }
  return set;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

type FinalTarget = {
  event: EventContext | undefined;
  allowedHosts: string[];
  audience: string;
  seqFile?: string;
  repository: string;
  /** The run's public web page (every update carries it). */
  runUrl?: string;
  secret: string;
  update: ReturnType<typeof finalUpdate>;
};

/** The backend's final update, to the endpoint the event named and finish's own allow-list accepts. */
async function sendFinal(deps: FinishDeps, io: ReturnType<typeof redactingIO>, t: FinalTarget): Promise<void> {
  const target = await progressTarget(t.event, t.allowedHosts);
  if (!target.endpoint) {
    if ("problem" in target && target.problem) io.warning(`Progress: ${target.problem}`);
    return;
  }
  const progress = new ProgressClient({
    endpoint: target.endpoint,
    allowedHosts: t.allowedHosts,
    repository: t.repository,
    runId: deps.env.GITHUB_RUN_ID ?? "",
    ...(t.runUrl ? { runUrl: t.runUrl } : {}),
    ...(target.correlationId ? { correlationId: target.correlationId } : {}),
    ...(t.audience ? { audience: t.audience } : {}),
    ...(t.seqFile ? { seqFile: t.seqFile } : {}),
    ...(t.secret ? { secret: t.secret } : {}),
    redact: io.redactor.secrets,
    env: deps.env,
    log: (m) => io.info(m),
    ...(deps.progressDelivery ? { delivery: deps.progressDelivery } : {}),
  });
  const reason = progress.unavailableReason();
  if (reason) io.warning(`Progress: ${reason}.`);
  else io.info(`Progress: ${describeDelivery(await progress.send(t.update))}`);
}

/**
 * The state file changed during the run: nothing in it is believed. The
 * tracking comment (prepare's output, verified with Gitea) and the backend
 * are told, the run fails.
 */
async function reportTampered(
  deps: FinishDeps,
  io: ReturnType<typeof redactingIO>,
  token: string,
  apiUrl: string,
  event: EventContext | undefined,
  why: string,
  secret: string,
  progressInputs: { progress_allowed_hosts: string[]; progress_audience: string },
): Promise<number> {
  const reason = `Finishing the run failed: ${why}.`;
  io.error(reason);
  if (event) {
    const client = new GiteaClient({
      apiUrl,
      token,
      owner: event.repository.owner,
      repo: event.repository.name,
      ...(deps.transport ? { transport: deps.transport } : {}),
      ...(deps.retry ? { retry: deps.retry } : {}),
      log: (m) => io.warning(m),
    });
    const commentId = Number(deps.env[FINISH_ENV.commentId] ?? "") || undefined;
    if (commentId !== undefined) {
      try {
        await verifiedComment(client, commentId, event.kind === "entity" ? event.entity.number : undefined);
        await client.editComment(commentId, io.redactor.redact(finalBody({ state: { kind: "error", reason }, links: {} })));
      } catch (error) {
        io.error(`finish: updating the tracking comment: ${describeError(error)}`);
      }
    }
    await sendFinal(deps, io, {
      event,
      allowedHosts: progressInputs.progress_allowed_hosts,
      audience: progressInputs.progress_audience,
      repository: event.repository.fullName,
      secret,
      update: finalUpdate({ conclusion: "failure", links: {}, error: reason }),
    });
  }
  await io.appendSummary(`## Claude Code\n\n**failure**: ${reason}\n`).catch(() => undefined);
  io.setOutput(FINISH_OUTPUTS.conclusion, "failure");
  return 1;
}
