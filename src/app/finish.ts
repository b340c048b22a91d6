/**
 * The finish step (always, once prepare started work), as a list of phases
 * (each in src/app/finish/):
 *
 *   0. trust      the broker stops first; the state prepare left is verified
 *                 (a changed one: tampered.ts reports it and the run fails)
 *   1. outcome    the execution log, the timeout marker and the run step decide
 *   2. branch     leftover commits pushed, an unused new branch deleted, links;
 *                 the checkout and the CLI config restored (cleanup.ts)
 *   3. comment    the tracking comment brought to its final state
 *   4. summary    the step summary
 *   5. backend    the final progress update
 *   6. outputs    conclusion, session id, branch name
 *
 * The tracking comment is read back and the branch settled in parallel with
 * reading the log. Nothing here prints a secret.
 */
import { join } from "node:path";
import { remoteUrl } from "../boundary/push";
import { readTimeoutMarker } from "../claude/executable";
import { finalUpdate } from "../dispatch/messages";
import { GiteaError } from "../gitea/client";
import { GIT_STALL_ENV, Git, finalizeBranch, spawnRunner, type BranchOutcome } from "../gitea/git";
import { links as linksFor } from "../gitea/links";
import type { LinkSet } from "../gitea/tracking";
import { SECRET_INPUT_NAMES, giteaToken, readSomeInputs, secretValues } from "../inputs";
import { readRunnerEnv } from "../runner-env";
import { redactingIO } from "../io";
import type { RunState } from "../state";
import { FINISH_ENV, FINISH_OUTPUTS } from "../steps";
import { describeError } from "./errors";
import type { StepDeps } from "./deps";
import { settle } from "./settle";
import { sendFinal } from "./finish/backend";
import { branchLinks, remoteBranches, reportBranch } from "./finish/branch";
import { restoreRun, stopRunBroker } from "./finish/cleanup";
import { finishClient } from "./finish/client";
import { finalizeComment } from "./finish/comment";
import { decide, finishFailed, readLog } from "./finish/outcome";
import { stepSummary } from "./finish/summary";
import { reportTampered } from "./finish/tampered";
import { loadVerifiedState, readEventContext, verifiedComment } from "./finish/trust";

export type FinishDeps = StepDeps;

export async function finish(deps: FinishDeps): Promise<number> {
  const env = deps.env;
  const secrets = readSomeInputs(SECRET_INPUT_NAMES, env);
  const token = giteaToken(secrets, env.GITHUB_TOKEN);
  const io = redactingIO(deps.io, [token, env.GITHUB_TOKEN, ...secretValues(secrets)]);
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
  const client = finishClient(deps, io, { apiUrl: runner.apiUrl, token, owner: state.repository.owner, repo: state.repository.name });
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
    const reported = reportBranch(state.branch.name, await branchP, io);
    branch = reported.branch;
    problems.push(...reported.problems);
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
    problems.push(...(await finalizeComment(client, io, { commentId, state, outcome, durationMs, summary, links: linkSet, current, deleted, branch })));
  }

  // 4. The step summary.
  const markdown = stepSummary(summary, { outcome, state, structured, timedOut, io });
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
