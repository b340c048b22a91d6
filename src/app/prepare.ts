/**
 * The prepare step, as a list of phases (each in src/app/prepare/):
 *
 *   1. event      the payload, parsed into a typed context; every input checked
 *                 (claude_args, settings, schemas, files), triggered or not
 *   2. trigger    does this event ask for Claude?
 *   3. endpoint   a dispatch's progress_endpoint, before anything is posted
 *   4. gather     round 1 of Gitea requests, in parallel, and the CLI preflight
 *   5. permission may the sender drive the token? (fail closed)
 *   6. state      side effects begin: the state file lets finish close what follows
 *   7. start      round 2: tracking comment, working branch, first progress update
 *   8. prompt     the prompt file
 *   9. boundary   the broker (holds the tokens), the checked git, the CLI launcher, permission
 *                 rules (src/boundary); then MCP config, tool lists, settings, claude_args
 *  10. outputs    what the run step and finish read
 *
 * Gitea round trips before the run step: (1) version, pull request, every
 * first page of comments/files/commits/reviews, and the permission check when
 * the payload cannot answer it, all in parallel; (2) the tracking comment and
 * the remaining pages; (3) review comments of later review pages, if any.
 */
import { planClaude } from "../claude/plan";
import { snapshotHomeSettings } from "../claude/home-settings";
import { EndpointError, checkProgressEndpoint } from "../dispatch/endpoint";
import { startUpdate } from "../dispatch/messages";
import { GiteaClient } from "../gitea/client";
import { readPull, type EntityData, type PullData } from "../gitea/data";
import { links as linksFor, publicBase } from "../gitea/links";
import { checkTrigger } from "../gitea/trigger";
import { checkToolRule } from "../mcp/gitea/legacy-names";
import { INPUT_NAMES, InputError, envNameOf, giteaToken, inertInputNotices, isSecretInput, readInputsDeferred, secretValues, type InputProblem, type Inputs } from "../inputs";
import { redactingIO } from "../io";
import { readRunnerEnv, type RunnerEnv } from "../runner-env";
import type { RunMode } from "../state";
import { PREPARE_OUTPUTS } from "../steps";
import { describeError } from "./errors";
import { settle, unwrap, type Settled } from "./settle";
import { setUpBoundary } from "./prepare/boundary";
import { baseBranchFs, pullRequestBase } from "./prepare/base-files";
import { writeFiles } from "./prepare/claude-files";
import { reportEarlyFailure } from "./prepare/early-failure";
import { PrepareContext, type PrepareDeps } from "./prepare/context";
import { readEvent } from "./prepare/event";
import { gather } from "./prepare/gather";
import { forkRunEvent, forkRunOf, refuseForkRun, type ForkRun } from "./prepare/fork";
import { jobTokenNotices } from "./prepare/limits";
import { imageDir, withImages } from "./prepare/images";
import { decidePermission } from "./prepare/permission";
import { prepareBranch } from "./prepare/branch";
import { sendProgress } from "./prepare/progress";
import { writePrompt } from "./prepare/prompt";
import { initialState } from "./prepare/state";
import { trackingComment } from "./prepare/tracking";
import { checkTriggerHistory } from "./prepare/trigger-history";
import { aboutPullRequest } from "./prepare/workflow-run";

export { PROGRESS_MCP_SERVER, PROGRESS_TOOL } from "./prepare/prompt";
export type { PrepareDeps } from "./prepare/context";

/** Returns the step's exit code. */
export async function prepare(deps: PrepareDeps): Promise<number> {
  const rawIO = deps.io;
  let runner: RunnerEnv;
  let inputs: Inputs;
  let deferred: InputProblem[];
  try {
    runner = readRunnerEnv(deps.env);
    ({ inputs, problems: deferred } = readInputsDeferred(deps.env));
  } catch (error) {
    // The inputs did not parse, so they cannot say which are secrets: redact what the secret inputs hold, as given.
    const secrets = [deps.env.GITHUB_TOKEN, ...INPUT_NAMES.filter(isSecretInput).map((name) => deps.env[envNameOf(name)])];
    const early = redactingIO(rawIO, secrets);
    const message = (error as Error).message;
    early.error(message);
    rawIO.setOutput(PREPARE_OUTPUTS.containsTrigger, "false");
    rawIO.setOutput(PREPARE_OUTPUTS.conclusion, "failure");
    await reportEarlyFailure(deps, early, message, { secrets }).catch((e) => early.warning(`Progress: ${describeError(e)}`));
    return 1;
  }
  const token = giteaToken(inputs, runner.jobToken);
  const io = redactingIO(rawIO, [token, runner.jobToken, ...secretValues(inputs)]);
  const run = new PrepareContext(deps, io, runner, inputs, token);
  io.setOutput(PREPARE_OUTPUTS.containsTrigger, "false");
  try {
    return await phases(run, deferred);
  } catch (error) {
    const message = describeError(error);
    io.error(message);
    io.setOutput(PREPARE_OUTPUTS.conclusion, "failure");
    if (run.state) {
      // finish (always, once started) reports this on the tracking comment and to the backend.
      run.state.prepareError = message;
      await run.saveState().catch(() => {});
    } else {
      await reportEarlyFailure(deps, io, message, { inputs, secrets: io.redactor.secrets }).catch((e) => io.warning(`Progress: ${describeError(e)}`));
    }
    return 1;
  }
}

async function phases(run: PrepareContext, deferred: InputProblem[]): Promise<number> {
  const { io, inputs, runner } = run;
  for (const note of inertInputNotices(inputs)) io.notice(note);

  // 1. The event; a workflow_run of a pull request's head becomes a run about that pull request.
  const event = await readEvent(run);
  const client = new GiteaClient({
    apiUrl: runner.apiUrl,
    token: run.token,
    owner: event.repository.owner,
    repo: event.repository.name,
    ...(run.deps.transport ? { transport: run.deps.transport } : {}),
    ...(run.deps.retry ? { retry: run.deps.retry } : {}),
    log: (m) => io.warning(m),
  });
  const about = await aboutPullRequest(run, client, event);
  const ctx = "ctx" in about ? about.ctx : event;
  // A pull request from a fork (or an AGit one) runs without secrets and with a read-only token on
  // Gitea: that explains missing credentials, and no run of it can work. With credentials missing the
  // pull request is read now (round 1 reuses the answer); otherwise it is read in round 1.
  let pullP: Promise<Settled<PullData>> | undefined;
  const pull = () => (pullP ??= ctx.kind === "entity" && ctx.entity.isPR ? settle(readPull(client, ctx.entity.number)) : undefined);
  const explained = deferred.length ? await forkRunOf(ctx, pull(), inputs) : undefined;
  if (deferred.length && !explained) throw new InputError(deferred);

  // Every input that needs no request is checked on every run, triggered or not: a broken
  // configuration fails at once instead of when someone finally mentions Claude.
  const planContext = { workspace: runner.workspace, tempDir: runner.runnerTemp, toolRule: checkToolRule };
  let plan = await planClaude(inputs, planContext);
  for (const warning of plan.warnings) io.warning(warning);

  // 2. The trigger.
  if ("skip" in about) {
    io.info(`Nothing to do: ${about.skip}.`);
    io.setOutput(PREPARE_OUTPUTS.conclusion, "skipped");
    return 0;
  }
  const trigger = checkTrigger(ctx, inputs);
  if (!trigger.triggered) {
    io.info(`Nothing to do: ${trigger.reason}.`);
    io.setOutput(PREPARE_OUTPUTS.conclusion, "skipped");
    return 0;
  }
  io.info(`Triggered: ${trigger.reason}.`);
  const mode: RunMode = ctx.kind === "dispatch" ? "dispatch" : ctx.kind === "entity" && inputs.mode === "tag" ? "tag" : "agent";

  // 3. The dispatch's endpoint (the inputs were checked above), before anything is posted.
  const progressEndpoint = ctx.kind === "dispatch" && ctx.progressEndpoint ? await checkEndpoint(inputs, ctx.progressEndpoint) : undefined;

  const base = publicBase(inputs.gitea_server_url, ctx.repository, runner.serverUrl);
  if (!inputs.gitea_server_url) io.info(`Public links use ${base.base} (from ${base.source}).`);
  const links = linksFor(base.base, ctx.repository);
  const refuse = async (fork: ForkRun, version?: string) =>
    refuseForkRun(run, client, fork, links.run({ runId: runner.runId, runNumber: runner.runNumber }, version ?? (await client.version().catch(() => undefined))));
  // Missing credentials explained by a fork run: the fork run is what to report.
  if (explained) return refuse(explained);

  for (const note of jobTokenNotices(run)) io.notice(note);

  // 4. Round 1: everything independent, in parallel. (A fork run with credentials shows in a read-only job token.)
  const usesJobToken = Boolean(runner.jobToken) && run.token === runner.jobToken;
  const readOnly = usesJobToken && forkRunEvent(ctx) ? client.repository().then(
          (r) => r.permissions?.push === false,
          (error: unknown) => {
            io.warning(`Could not tell whether the job token is read-only (${describeError(error)}); going on as if it can push.`);
            return false;
          },
        ) : undefined;
  const gathered = gather(run, ctx, mode, plan, client, pull());
  const versionR = await gathered.version;
  const version = versionR.ok ? versionR.value : undefined;
  if (!versionR.ok) io.warning(`Could not read the Gitea version (${describeError(versionR.error)}); run links assume Gitea ≤ 1.25 (run number).`);
  const runUrl = links.run({ runId: runner.runId, runNumber: runner.runNumber }, version);
  const fork = await forkRunOf(ctx, gathered.pull, inputs, readOnly);
  if (fork) return refuse(fork, version);

  // Inputs that round 1 answered: base_branch exists, the CLI and Bun are usable (before anything is posted).
  if (gathered.baseBranch) {
    const found = unwrap(await gathered.baseBranch);
    if (!found) {
      throw new InputError([
        { input: "base_branch", message: `expected a branch of ${ctx.repository.fullName}: Gitea has no branch ${JSON.stringify(inputs.base_branch)}` },
      ]);
    }
  }

  // Label and assignee triggers the payload cannot date: at most one run per application.
  if (trigger.history && ctx.kind === "entity") {
    const verdict = await checkTriggerHistory(client, ctx.entity.number, trigger.history);
    if (!verdict.fresh) {
      io.info(`Nothing to do: ${verdict.reason}.`);
      io.setOutput(PREPARE_OUTPUTS.conclusion, "skipped");
      return 0;
    }
    io.info(`Trigger: ${verdict.reason}.`);
  }
  const executable = unwrap(await gathered.executable);
  const bun = unwrap(await gathered.bun);

  // 5. Permission.
  // On a run about a pull request, files the inputs name come from its base branch, not from the PR.
  const baseRef = await pullRequestBase(ctx, gathered.pull);
  if (baseRef) plan = await planClaude(inputs, { ...planContext, fs: baseBranchFs(client, runner.workspace, baseRef), contentOnly: true });

  const permission = await decidePermission(run, ctx, client, await gathered.permission, runUrl, gathered.sticky);
  if (!permission) {
    io.setOutput(PREPARE_OUTPUTS.conclusion, "failure");
    if (ctx.kind === "dispatch") await reportEarlyFailure(run.deps, io, "the sender may not run Claude on this repository", { inputs, secrets: io.redactor.secrets });
    return 1;
  }
  for (const note of executable.notices) io.info(note);
  io.info(bun.notice);

  // 6. Side effects begin: the state file lets finish close whatever follows.
  const state = initialState(run, ctx, mode, plan, { publicUrl: base.base, runUrl }, progressEndpoint);
  run.state = state;
  await run.saveState();
  io.setOutput(PREPARE_OUTPUTS.stateFile, run.stateFile);
  io.setOutput(PREPARE_OUTPUTS.started, "true");

  // 7. Round 2: tracking comment, branch, first progress update, in parallel. The comment does not
  // wait for the pull request (only the branch needs it), and whatever was created is recorded in the
  // state before a failure of the others is thrown, so finish can bring it to a final state.
  const entity = ctx.kind === "entity" ? ctx : undefined;
  const commentP = settle(entity ? trackingComment(run, client, entity.entity.number, runUrl, gathered.sticky) : Promise.resolve(undefined));
  const branchP = settle(prepareBranch(run, ctx, mode, gathered.pull, gathered.triggerHead));
  const progressP = settle(ctx.kind === "dispatch" && state.progress ? sendProgress(run, startUpdate({ description: ctx.description })) : Promise.resolve());
  // The images of the issue or pull request download beside round 2 (a failed read of the data is reported in phase 8).
  const dataP = gathered.data?.then((d) => (d.ok && d.value.images?.length ? settle(withImages(run, client, d.value, base.base)) : d));
  const [commentR, branchR, progressR] = await Promise.all([commentP, branchP, progressP]);
  const comment = commentR.ok ? commentR.value : undefined;
  if (comment) {
    state.comment = { id: comment.id, ...(comment.html_url ? { url: comment.html_url } : {}) };
    io.setOutput(PREPARE_OUTPUTS.commentId, String(comment.id));
    io.info(`Tracking comment: ${comment.html_url ?? comment.id}`);
  }
  if (branchR.ok && branchR.value) state.branch = branchR.value.work;
  unwrap(commentR);
  const branch = unwrap(branchR);
  unwrap(progressR);
  if (branch) {
    state.branch = branch.work;
    if (branch.restored?.protectedPaths.length) state.prConfig = branch.restored;
    io.setOutput(PREPARE_OUTPUTS.branchName, branch.work.name);
    io.info(`Working branch: ${branch.work.name} (${branch.work.isNew ? `new, from ${branch.work.base}` : "pull request head"}).`);
  }
  await run.saveState();

  // 8. The prompt.
  const data: EntityData | undefined = dataP ? unwrap(await dataP) : undefined;
  for (const note of data?.notices ?? []) io.notice(note);
  const prompt = await writePrompt(run, { ctx, mode, data, commentId: comment?.id, branch: branch?.work, publicUrl: base.base, runUrl });

  // 9. The trust boundary (broker, checked git, launcher, permission rules), then the MCP config,
  // tool lists, settings and claude_args.
  const readDirs = data?.images?.some((i) => i.file) ? [imageDir(runner.runnerTemp)] : [];
  const boundary = await setUpBoundary(run, {
    ctx,
    state,
    executable,
    branch: branch?.work,
    commentId: comment?.id,
    publicUrl: base.base,
    protectedPaths: branch?.restored?.protectedPaths ?? [],
    // The downloaded images: Claude may read them (an additional directory, read-only).
    readDirs,
  });
  const files = await writeFiles(run, plan, ctx, state, branch?.work, boundary, readDirs);
  for (const note of files.notices) io.notice(note);
  if (runner.home) state.homeSettings = await snapshotHomeSettings(runner.home, run.workDir);

  // 10. Outputs.
  io.setOutput(PREPARE_OUTPUTS.promptFile, prompt.file);
  io.setOutput(PREPARE_OUTPUTS.claudeArgs, files.claudeArgs);
  io.setOutput(PREPARE_OUTPUTS.settingsFile, files.settingsFile);
  io.setOutput(PREPARE_OUTPUTS.claudeExecutable, boundary.claudeExecutable);
  io.setOutput(PREPARE_OUTPUTS.bunExecutable, bun.path ?? "");
  io.setOutput(PREPARE_OUTPUTS.model, files.model);
  io.setOutput(PREPARE_OUTPUTS.containsTrigger, "true");
  await run.saveState();
  io.info(`Prompt: ${prompt.file} (${prompt.kind}); claude_args: ${files.claudeArgs}`);
  return 0;
}

async function checkEndpoint(inputs: Inputs, endpoint: string): Promise<string> {
  try {
    return (await checkProgressEndpoint(endpoint, inputs.progress_allowed_hosts)).url;
  } catch (error) {
    if (error instanceof EndpointError) throw new InputError([{ input: error.input, message: error.message }]);
    throw error;
  }
}

