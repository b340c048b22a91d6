/**
 * The prepare step: event → context → trigger → permission → tracking
 * comment → branch → data → prompt file → MCP config → claude_args →
 * settings → claude executable. Everything that can be wrong with the inputs
 * is found before anything is posted; once something is posted, a state file
 * lets finish bring it to a final state whatever happens next.
 *
 * Gitea round trips before the run step: (1) version, pull request, every
 * first page of comments/files/commits/reviews, and the permission check when
 * the payload cannot answer it, all in parallel; (2) the tracking comment and
 * the remaining pages; (3) review comments of later review pages, if any.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { planClaude, writeClaudeFiles, type ClaudePlan } from "../claude/plan";
import { defaultMarkerFile, defaultWrapperDir, prepareExecutable, type Installer } from "../claude/executable";
import type { ProcessRunner } from "../claude/process";
import { snapshotHomeSettings } from "../claude/home-settings";
import { defaultToolLists } from "../claude/tools";
import { OIDC_WITHHELD_REASON, defaultSeqFile, progressConfigFromState, progressMcpEnv } from "../dispatch/config";
import { EndpointError, validateProgressEndpoint } from "../dispatch/endpoint";
import { oidcAvailable } from "../dispatch/oidc";
import { startUpdate, finalUpdate } from "../dispatch/messages";
import { ProgressClient, describeDelivery } from "../dispatch/progress";
import { GiteaClient } from "../gitea/client";
import { DispatchError, parseEvent, type EventContext } from "../gitea/context";
import { fetchEntityData, readPull, type EntityData, type PullData } from "../gitea/data";
import { GIT_STALL_ENV, Git, checkoutPullBranch, configureGit, createWorkBranch, spawnRunner, workBranchName, type WorkBranch } from "../gitea/git";
import { DEFAULT_RETRY } from "../gitea/http";
import { links as linksFor, publicBase } from "../gitea/links";
import { checkSender } from "../gitea/permissions";
import { TRACKING_MARKER, finalBody, workingBody } from "../gitea/tracking";
import { checkTrigger } from "../gitea/trigger";
import type { GiteaComment } from "../gitea/types";
import { INPUT_NAMES, InputError, envNameOf, giteaToken, inertInputNotices, isSecretInput, readInputs, type Inputs } from "../inputs";
import { redactingIO } from "../io";
import { GITEA_MCP_SERVER, READ_ONLY_TOOLS, giteaToolId } from "../mcp/gitea/names";
import { giteaMcpEnv } from "../mcp/gitea/config";
import { buildPrompt } from "../prompt/index";
import type { PromptInput } from "../prompt/types";
import { readRunnerEnv, type RunnerEnv } from "../runner-env";
import { writeState, type RunMode, type RunState } from "../state";
import { PREPARE_OUTPUTS } from "../steps";
import { describeError } from "./errors";
import type { StepDeps } from "./deps";
import { settle, unwrap, type Settled } from "./settle";

export const PROGRESS_MCP_SERVER = "progress";
export const PROGRESS_TOOL = `mcp__${PROGRESS_MCP_SERVER}__update_claude_progress`;

export type PrepareDeps = StepDeps & {
  processRunner?: ProcessRunner;
  installer?: Installer;
};

/** Returns the step's exit code. */
export async function prepare(deps: PrepareDeps): Promise<number> {
  const rawIO = deps.io;
  let runner: RunnerEnv;
  let inputs: Inputs;
  try {
    runner = readRunnerEnv(deps.env);
    inputs = readInputs(deps.env);
  } catch (error) {
    // The inputs did not parse, so they cannot say which are secrets: redact what the secret inputs hold, as given.
    const early = redactingIO(rawIO, [deps.env.GITHUB_TOKEN, ...INPUT_NAMES.filter(isSecretInput).map((name) => deps.env[envNameOf(name)])]);
    early.error((error as Error).message);
    rawIO.setOutput(PREPARE_OUTPUTS.containsTrigger, "false");
    return 1;
  }
  const token = giteaToken(inputs, runner.jobToken);
  const io = redactingIO(rawIO, [
    token,
    runner.jobToken,
    inputs.gitea_token,
    inputs.github_token,
    inputs.anthropic_api_key,
    inputs.claude_code_oauth_token,
    inputs.claude_credentials?.accessToken,
    inputs.progress_secret,
  ]);
  const run = new PrepareRun(deps, io, runner, inputs, token);
  return run.execute();
}

class PrepareRun {
  private state?: RunState;
  private readonly stateFile: string;
  private readonly workDir: string;
  private readonly now: () => Date;

  constructor(
    private readonly deps: PrepareDeps,
    private readonly io: ReturnType<typeof redactingIO>,
    private readonly runner: RunnerEnv,
    private readonly inputs: Inputs,
    private readonly token: string,
  ) {
    this.workDir = join(runner.runnerTemp, "claude-code-gitea");
    this.stateFile = join(this.workDir, "state.json");
    this.now = deps.now ?? (() => new Date());
  }

  async execute(): Promise<number> {
    const { io } = this;
    io.setOutput(PREPARE_OUTPUTS.containsTrigger, "false");
    try {
      return await this.steps();
    } catch (error) {
      const message = describeError(error);
      io.error(message);
      if (this.state) {
        // finish (always, once started) reports this on the tracking comment and to the backend.
        this.state.prepareError = message;
        await writeState(this.stateFile, this.state).catch(() => {});
      }
      return 1;
    }
  }

  private async steps(): Promise<number> {
    const { io, inputs, runner } = this;
    for (const note of inertInputNotices(inputs)) io.notice(note);

    // 1. The event.
    let payload: unknown;
    try {
      payload = JSON.parse(await readFile(runner.eventPath, "utf8"));
    } catch (error) {
      throw new Error(`The event payload (GITHUB_EVENT_PATH ${runner.eventPath}) cannot be read as JSON: ${describeError(error)}`);
    }
    let ctx: EventContext;
    try {
      ctx = parseEvent(runner.eventName, payload);
    } catch (error) {
      if (error instanceof DispatchError && error.progressEndpoint) await this.reportRejectedDispatch(error);
      throw error;
    }

    // 2. The trigger.
    const trigger = checkTrigger(ctx, inputs);
    if (!trigger.triggered) {
      io.info(`Nothing to do: ${trigger.reason}.`);
      return 0;
    }
    io.info(`Triggered: ${trigger.reason}.`);
    const mode: RunMode = ctx.kind === "dispatch" ? "dispatch" : ctx.kind === "entity" && inputs.mode === "tag" ? "tag" : "agent";

    // 3. Every input is checked before anything is posted.
    const plan = await planClaude(inputs, { workspace: runner.workspace });
    const progressEndpoint = ctx.kind === "dispatch" && ctx.progressEndpoint ? this.checkEndpoint(ctx.progressEndpoint) : undefined;

    const client = new GiteaClient({
      apiUrl: runner.apiUrl,
      token: this.token,
      owner: ctx.repository.owner,
      repo: ctx.repository.name,
      ...(this.deps.transport ? { transport: this.deps.transport } : {}),
      ...(this.deps.retry ? { retry: this.deps.retry } : {}),
      log: (m) => io.warning(m),
    });
    const base = publicBase(inputs.gitea_server_url, ctx.repository, runner.serverUrl);
    if (!inputs.gitea_server_url) io.info(`Public links use ${base.base} (from ${base.source}).`);
    const links = linksFor(base.base, ctx.repository);

    // 4. Round 1: everything independent, in parallel.
    const entity = ctx.kind === "entity" ? ctx : undefined;
    const versionP = settle(client.version());
    const pullP = entity?.entity.isPR ? settle(readPull(client, entity.entity.number)) : undefined;
    const dataP =
      entity && mode !== "dispatch"
        ? settle(fetchEntityData(client, entity.entity, entity.trigger, pullP ? { pull: pullP.then(unwrap) } : {}))
        : undefined;
    const stickyP = entity && entity.entity.isPR && inputs.use_sticky_comment ? settle(this.findStickyComment(client, entity.entity.number)) : undefined;
    const execP = settle(
      prepareExecutable({
        inputPath: inputs.path_to_claude_code_executable,
        timeoutMinutes: inputs.timeout_minutes,
        dir: defaultWrapperDir(runner.runnerTemp),
        markerFile: defaultMarkerFile(runner.runnerTemp),
        jsonSchemaRequested: Boolean(plan.jsonSchema),
        env: this.deps.env,
        ...(this.deps.processRunner ? { runner: this.deps.processRunner } : {}),
        ...(this.deps.installer ? { installer: this.deps.installer } : {}),
      }),
    );
    const permissionP = settle(checkSender(ctx, client, inputs.allowed_bots));
    const versionR = await versionP;
    const version = versionR.ok ? versionR.value : undefined;
    if (!versionR.ok) io.warning(`Could not read the Gitea version (${describeError(versionR.error)}); run links assume Gitea ≤ 1.25 (run number).`);
    const runUrl = links.run({ runId: runner.runId, runNumber: runner.runNumber }, version);
    const permissionR = await permissionP;
    if (!permissionR.ok) {
      // Nothing runs without a permission answer (fail closed), but the trigger gets a final answer, not silence.
      if (entity) {
        const reason = `Could not check whether @${ctx.sender.login} may write to ${ctx.repository.fullName}: ${describeError(permissionR.error)}`;
        await client.createComment(entity.entity.number, finalBody({ state: { kind: "error", reason }, links: { run: runUrl } })).catch(() => {});
      }
      throw permissionR.error;
    }
    const permission = permissionR.value;

    if (!permission.allowed) {
      io.error(`Refused: ${permission.reason}`);
      if (entity) {
        // Not a tracking comment (no marker): a later sticky run must not reuse it.
        const body = finalBody({ state: { kind: "refused", reason: permission.reason }, links: { run: runUrl } }).replace(`${TRACKING_MARKER}\n`, "");
        await client.createComment(entity.entity.number, body);
      }
      return 1;
    }
    io.info(`Permission: ${permission.how}.`);
    const executable = unwrap(await execP);
    for (const note of executable.notices) io.info(note);

    // 5. Side effects begin: the state file lets finish close whatever follows.
    const state: RunState = {
      version: 1,
      startedAt: this.now().toISOString(),
      mode,
      eventName: ctx.eventName,
      repository: {
        owner: ctx.repository.owner,
        name: ctx.repository.name,
        fullName: ctx.repository.fullName,
        defaultBranch: ctx.repository.defaultBranch,
      },
      apiUrl: runner.apiUrl,
      publicUrl: base.base,
      runUrl,
      workspace: runner.workspace,
      triggerUser: entity ? (entity.trigger.author.login ?? ctx.sender.login) : ctx.sender.login,
      ...(entity ? { entity: { number: entity.entity.number, isPR: entity.entity.isPR, title: entity.entity.title } } : {}),
      jsonSchema: Boolean(plan.jsonSchema),
      timeout: { minutes: inputs.timeout_minutes, markerFile: defaultMarkerFile(runner.runnerTemp) },
      ...(progressEndpoint && ctx.kind === "dispatch"
        ? {
            progress: {
              endpoint: progressEndpoint,
              ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}),
              ...(inputs.progress_audience ? { audience: inputs.progress_audience } : {}),
              allowedHosts: inputs.progress_allowed_hosts,
              seqFile: defaultSeqFile(runner.runnerTemp),
            },
          }
        : {}),
      useStickyComment: inputs.use_sticky_comment,
      showFullOutput: inputs.show_full_output,
    };
    this.state = state;
    await writeState(this.stateFile, state);
    io.setOutput(PREPARE_OUTPUTS.stateFile, this.stateFile);
    io.setOutput(PREPARE_OUTPUTS.started, "true");

    // 6. Round 2: tracking comment, branch, first progress update, in parallel. The comment does not
    // wait for the pull request (only the branch needs it), and whatever was created is recorded in the
    // state before a failure of the others is thrown, so finish can bring it to a final state.
    const commentP = settle(entity ? this.trackingComment(client, entity.entity.number, runUrl, stickyP) : Promise.resolve(undefined));
    const branchP = settle((pullP ? pullP.then(unwrap) : Promise.resolve(undefined)).then((pull) => this.prepareBranch(ctx, mode, pull)));
    const progressP = settle(ctx.kind === "dispatch" && state.progress ? this.sendProgress(startUpdate({ description: ctx.description })) : Promise.resolve());
    if (state.progress && oidcAvailable(this.deps.env) && !inputs.progress_secret) io.notice(`Progress: ${OIDC_WITHHELD_REASON}.`);
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
      if (branch.authKey) state.gitAuthKey = branch.authKey;
      io.setOutput(PREPARE_OUTPUTS.branchName, branch.work.name);
      io.info(`Working branch: ${branch.work.name} (${branch.work.isNew ? `new, from ${branch.work.base}` : "pull request head"}).`);
    }
    await writeState(this.stateFile, state);

    // 7. The prompt.
    const data: EntityData | undefined = dataP ? unwrap(await dataP) : undefined;
    const mcpTools = [
      ...READ_ONLY_TOOLS.map(giteaToolId),
      ...(comment ? [giteaToolId("update_claude_comment")] : []),
      ...(branch ? [giteaToolId("commit_files")] : []),
      ...(branch ? [giteaToolId("create_pull_request")] : []),
      ...(entity ? [giteaToolId("set_labels")] : []),
      ...(entity?.entity.isPR ? [giteaToolId("submit_review")] : []),
      ...(state.progress ? [PROGRESS_TOOL] : []),
    ];
    const prompt = buildPrompt(this.promptInput(ctx, mode, data, comment?.id, branch?.work, base.base, runUrl, mcpTools));
    for (const note of prompt.notices) io.notice(note);
    const promptDir = join(this.workDir, "prompt");
    await mkdir(promptDir, { recursive: true, mode: 0o700 });
    const promptFile = join(promptDir, "claude-prompt.md");
    await writeFile(promptFile, prompt.text, { mode: 0o600 });

    // 8. MCP config, tools, settings and claude_args.
    const files = await this.writeFiles(plan, ctx, state, comment?.id, branch?.work, base.base);
    for (const note of files.notices) io.notice(note);

    if (runner.home) state.homeSettings = await snapshotHomeSettings(runner.home, this.workDir);

    io.setOutput(PREPARE_OUTPUTS.promptFile, promptFile);
    io.setOutput(PREPARE_OUTPUTS.claudeArgs, files.claudeArgs);
    io.setOutput(PREPARE_OUTPUTS.settingsFile, files.settingsFile);
    io.setOutput(PREPARE_OUTPUTS.claudeExecutable, executable.executable);
    io.setOutput(PREPARE_OUTPUTS.model, files.model);
    io.setOutput(PREPARE_OUTPUTS.containsTrigger, "true");
    await writeState(this.stateFile, state);
    io.info(`Prompt: ${promptFile} (${prompt.kind}); claude_args: ${files.claudeArgs}`);
    return 0;
  }

  private checkEndpoint(endpoint: string): string {
    try {
      return validateProgressEndpoint(endpoint, this.inputs.progress_allowed_hosts).url;
    } catch (error) {
      if (error instanceof EndpointError) throw new InputError([{ input: error.input, message: error.message }]);
      throw error;
    }
  }

  /** A dispatch that cannot run still tells its backend, when it named a usable endpoint. */
  private async reportRejectedDispatch(error: DispatchError): Promise<void> {
    let endpoint: string;
    try {
      endpoint = validateProgressEndpoint(error.progressEndpoint!, this.inputs.progress_allowed_hosts).url;
    } catch {
      return;
    }
    const client = this.progressClient({
      endpoint,
      ...(error.correlationId ? { correlationId: error.correlationId } : {}),
      ...(this.inputs.progress_audience ? { audience: this.inputs.progress_audience } : {}),
      allowedHosts: this.inputs.progress_allowed_hosts,
      seqFile: defaultSeqFile(this.runner.runnerTemp),
    });
    const result = await client.send(finalUpdate({ conclusion: "failure", error: error.message }));
    this.io.info(`Progress: ${describeDelivery(result)}`);
  }

  private progressClient(progress: NonNullable<RunState["progress"]>): ProgressClient {
    return new ProgressClient(
      progressConfigFromState(
        progress,
        {
          repository: this.runner.repository || `${this.state?.repository.fullName ?? ""}`,
          runId: this.runner.runId,
          secret: this.inputs.progress_secret,
          redact: this.io.redactor.secrets,
        },
        { env: this.deps.env, log: (m) => this.io.info(m), ...(this.deps.progressDelivery ? { delivery: this.deps.progressDelivery } : {}) },
      ),
    );
  }

  private async sendProgress(update: ReturnType<typeof startUpdate>): Promise<void> {
    const client = this.progressClient(this.state!.progress!);
    const reason = client.unavailableReason();
    if (reason) {
      this.io.warning(`Progress: ${reason}.`);
      return;
    }
    this.io.info(`Progress: ${describeDelivery(await client.send(update))}`);
  }

  private async findStickyComment(client: GiteaClient, index: number): Promise<GiteaComment | undefined> {
    const [me, comments] = await Promise.all([client.currentUser(), client.issueComments(index)]);
    return [...comments].reverse().find((c) => c.user?.login === me.login && c.body.includes(TRACKING_MARKER));
  }

  private async trackingComment(
    client: GiteaClient,
    index: number,
    runUrl: string,
    stickyP: Promise<Settled<GiteaComment | undefined>> | undefined,
  ): Promise<GiteaComment> {
    const body = workingBody({ run: runUrl });
    const sticky = stickyP ? await stickyP : undefined;
    if (sticky && !sticky.ok) this.io.warning(`Could not look for a sticky comment: ${describeError(sticky.error)}; posting a new one.`);
    if (sticky?.ok && sticky.value) {
      this.io.info(`Reusing tracking comment ${sticky.value.id} (use_sticky_comment).`);
      return client.editComment(sticky.value.id, body);
    }
    return client.createComment(index, body);
  }

  private async prepareBranch(
    ctx: EventContext,
    mode: RunMode,
    pull: PullData | undefined,
  ): Promise<{ work: WorkBranch; authKey?: string } | undefined> {
    const retry = { ...DEFAULT_RETRY, ...this.deps.retry };
    const git = new Git(
      this.deps.git ?? spawnRunner,
      this.runner.workspace,
      { ...GIT_STALL_ENV, ...this.deps.env, GIT_TERMINAL_PROMPT: "0" },
      { attempts: retry.attempts, baseDelayMs: retry.baseDelayMs },
    );
    const inGit = await git.tryRun(["rev-parse", "--is-inside-work-tree"]);
    if (inGit.code !== 0 || inGit.stdout.trim() !== "true") {
      this.io.warning(`${this.runner.workspace} is not a git checkout (run actions/checkout first); Claude gets no working branch.`);
      return undefined;
    }
    const auth = await configureGit(git, { name: this.inputs.claude_git_name, email: this.inputs.claude_git_email, token: this.token });
    const authKey = auth?.key;
    if (auth) {
      this.state!.gitAuthKey = auth.key;
      await writeState(this.stateFile, this.state!);
    }
    const now = this.now();
    const prefix = this.inputs.branch_prefix;
    const defaultBase = this.inputs.base_branch || ctx.repository.defaultBranch;
    let work: WorkBranch;
    if (ctx.kind === "entity" && ctx.entity.isPR && pull && pull.state === "open" && !pull.merged) {
      // Gitea reports the head as refs/pull/N/head when it is no branch here (AGit PRs, a deleted head branch).
      if (pull.fromFork || pull.headRef.startsWith("refs/")) {
        // A fork's branch (or a ref that is no branch) cannot take our pushes: work on a new branch of this repository from the PR head.
        work = await createWorkBranch(git, workBranchName(prefix, "pr", ctx.entity.number, now), { ref: `refs/pull/${ctx.entity.number}/head`, base: pull.baseRef });
      } else {
        work = await checkoutPullBranch(git, pull.headRef, pull.baseRef);
      }
    } else if (ctx.kind === "entity") {
      work = await createWorkBranch(git, workBranchName(prefix, ctx.entity.isPR ? "pr" : "issue", ctx.entity.number, now), { ref: defaultBase, base: defaultBase });
    } else if (mode === "dispatch" && ctx.kind === "dispatch") {
      work = await createWorkBranch(git, workBranchName(prefix, "task", ctx.correlationId, now), { ref: defaultBase, base: defaultBase });
    } else {
      // Automation (schedule, workflow_dispatch, push): Claude works on what was checked out.
      const head = await git.tryRun(["symbolic-ref", "--short", "-q", "HEAD"]);
      const name = head.code === 0 ? head.stdout.trim() : "";
      if (!name) return undefined;
      const sha = await git.run(["rev-parse", "HEAD"]);
      work = { name, base: name, startSha: sha, isNew: false, pushable: true };
    }
    return { work, ...(authKey ? { authKey } : {}) };
  }

  private promptInput(
    ctx: EventContext,
    mode: RunMode,
    data: EntityData | undefined,
    commentId: number | undefined,
    branch: WorkBranch | undefined,
    publicUrl: string,
    runUrl: string,
    mcpTools: string[],
  ): PromptInput {
    const { inputs } = this;
    return {
      mode,
      repository: ctx.repository.fullName,
      eventName: ctx.eventName,
      ...(ctx.action ? { eventAction: ctx.action } : {}),
      actor: ctx.sender.login,
      ...(data ? { data } : {}),
      triggerPhrase: inputs.trigger_phrase,
      ...(inputs.assignee_trigger ? { assigneeTrigger: inputs.assignee_trigger } : {}),
      ...(inputs.label_trigger ? { labelTrigger: inputs.label_trigger } : {}),
      ...(commentId !== undefined ? { trackingCommentId: commentId } : {}),
      ...(branch
        ? {
            branch: {
              name: branch.name,
              base: branch.base,
              isNew: branch.isNew,
              isPRBranch: ctx.kind === "entity" && ctx.entity.isPR && !branch.isNew,
            },
          }
        : {}),
      publicUrl,
      runUrl,
      useCommitSigning: inputs.use_commit_signing,
      mcpTools,
      ...(inputs.direct_prompt ? { directPrompt: inputs.direct_prompt } : {}),
      ...(inputs.override_prompt ? { overridePrompt: inputs.override_prompt } : {}),
      ...(inputs.custom_instructions ? { customInstructions: inputs.custom_instructions } : {}),
      ...(ctx.kind === "dispatch" ? { dispatch: { description: ctx.description, hasProgressEndpoint: Boolean(this.state?.progress) } } : {}),
    };
  }

  private async writeFiles(
    plan: ClaudePlan,
    ctx: EventContext,
    state: RunState,
    commentId: number | undefined,
    branch: WorkBranch | undefined,
    publicUrl: string,
  ) {
    const { runner, inputs } = this;
    const node = process.execPath;
    const distDir = join(runner.actionPath || process.cwd(), "dist");
    const forkServers: Record<string, { command: string; args: string[]; env: Record<string, string> }> = {
      [GITEA_MCP_SERVER]: {
        command: node,
        args: [join(distDir, "gitea-mcp.js")],
        env: giteaMcpEnv({
          apiUrl: runner.apiUrl,
          repository: ctx.repository.fullName,
          publicUrl,
          ...(commentId !== undefined ? { commentId } : {}),
          ...(ctx.kind === "entity" ? { entityNumber: ctx.entity.number, isPR: ctx.entity.isPR } : {}),
          ...(branch ? { branch: branch.name, baseBranch: branch.base } : {}),
          workspace: runner.workspace,
          gitName: inputs.claude_git_name,
          gitEmail: inputs.claude_git_email,
        }),
      },
    };
    if (state.progress) {
      forkServers[PROGRESS_MCP_SERVER] = {
        command: node,
        args: [join(distDir, "progress-mcp.js")],
        env: progressMcpEnv(state.progress, { repository: ctx.repository.fullName, runId: runner.runId, runnerOidc: oidcAvailable(this.deps.env) }),
      };
    }
    const fork = defaultToolLists({
      useCommitSigning: inputs.use_commit_signing,
      allowedTools: [],
      disallowedTools: [],
      extraAllowedTools: [...READ_ONLY_TOOLS.map(giteaToolId), ...(state.progress ? [PROGRESS_TOOL] : [])],
    });
    return writeClaudeFiles(plan, {
      dir: join(this.workDir, "claude"),
      forkServers,
      forkAllowedTools: fork.allowed,
      forkDisallowedTools: fork.disallowed,
    });
  }
}
