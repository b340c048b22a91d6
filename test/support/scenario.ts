/**
 * An end-to-end world: the Gitea emulator, the scripted model, a repository
 * with users of each permission, and a way to run this repository's
 * action.yml (or a workflow job) on an event the way a Gitea runner would,
 * with the real claude CLI.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { HookEvent } from "./gitea/hooks";
import { startGitea, type GiteaEmulator, type GiteaOptions } from "./gitea/index";
import { claudeBin, startModel, type ScriptedModel, type Turn } from "./model/index";
import { planRuns, type PlannedRun } from "./runner/gitea-runs";
import { runAction, runJob, type RunActionResult, type RunJobResult } from "./runner/index";
import { ROOT } from "./repo";

export const REPO = "acme/app";

/** Recognizable secrets, so a test can prove none of them leaks. */
export const SECRETS = {
  jobToken: "jobtoken0000aaaa1111bbbb2222cccc3333dddd",
  adminToken: "admintoken111122223333444455556666777788",
  anthropicKey: "sk-ant-api03-scripted-SECRET-KEY-0123456789abcdef",
  progressSecret: "progress-hmac-secret-4f9c2e7a1b",
} as const;

export const USERS = {
  /** Owner of the repository. */
  owner: "acme",
  /** A writer. */
  alice: "alice",
  /** A reader. */
  bob: "bob",
  /** The job token's user (Gitea's Actions user). */
  actions: "gitea-actions",
} as const;

/** Environment the CLI needs against the scripted model (no network, no telemetry). */
export function cliEnv(modelUrl: string): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: modelUrl,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_GATEWAY_HINT_HEADERS: "1",
  };
}

export type WorldOptions = {
  giteaVersion?: string;
  publicUrl?: string;
  files?: Record<string, string>;
  /** the emulated server's settings (page cap, attachments, signing) */
  gitea?: Pick<GiteaOptions, "maxResponseItems" | "defaultPagingNum" | "attachments" | "signing">;
  /** acme/app is private */
  private?: boolean;
  /** acme is an organization (teams can be added) */
  org?: boolean;
};

export class World {
  private constructor(
    readonly gitea: GiteaEmulator,
    readonly model: ScriptedModel,
    readonly dir: string,
  ) {}

  static async start(opts: WorldOptions = {}): Promise<World> {
    const gitea = await startGitea({ version: opts.giteaVersion ?? "1.22.6", ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}), ...opts.gitea });
    const model = await startModel();
    const dir = await mkdtemp(path.join(os.tmpdir(), "ccga-world-"));
    const world = new World(gitea, model, dir);
    if (opts.org) gitea.addOrg(USERS.owner, "Acme");
    else gitea.addUser({ login: USERS.owner, full_name: "Acme" });
    gitea.addUser({ login: USERS.alice, full_name: "Alice Writer", token: "alice-token-1234567890" });
    gitea.addUser({ login: USERS.bob, full_name: "Bob Reader", token: "bob-token-1234567890" });
    gitea.addUser({ login: "site-admin", is_admin: true, token: SECRETS.adminToken });
    await gitea.createRepo({
      owner: USERS.owner,
      name: "app",
      ...(opts.private ? { private: true } : {}),
      files: opts.files ?? {
        "README.md": "# app\n\nA small app.\n",
        "src/greet.js": "export const greet = (name) => `Hello ${name}`;\n",
      },
    });
    gitea.setPermission(REPO, USERS.alice, "write");
    gitea.setPermission(REPO, USERS.bob, "read");
    // The job token of the runs below: the Actions user, write access to acme/app only (no fork run).
    gitea.addJobToken(SECRETS.jobToken, { repo: REPO, mode: "write", fork: false });
    return world;
  }

  script(turns: Turn[]): void {
    this.model.script(turns);
  }

  /** A fresh runner directory set: workspace (cloned like actions/checkout), RUNNER_TEMP, HOME. */
  async runnerDirs(ref?: string): Promise<{ workspace: string; runnerTemp: string; home: string }> {
    const base = await mkdtemp(path.join(this.dir, "job-"));
    const workspace = path.join(base, "workspace");
    const runnerTemp = path.join(base, "temp");
    const home = path.join(base, "home");
    await Promise.all([mkdir(runnerTemp, { recursive: true }), mkdir(home, { recursive: true })]);
    await checkout(this.gitea, REPO, workspace, SECRETS.jobToken, ref);
    return { workspace, runnerTemp, home };
  }

  /** The github context a Gitea runner gives a job for this event (each workflow run has its own run id; `runNumber` default 17). */
  github(eventName: string, event: Record<string, unknown>, actor: string, runId = 4242, token: string = SECRETS.jobToken, runNumber = 17) {
    return {
      event_name: eventName,
      event,
      repository: REPO,
      repository_owner: USERS.owner,
      server_url: this.gitea.url,
      api_url: this.gitea.apiUrl,
      run_id: runId,
      run_number: runNumber,
      token,
      actor,
    };
  }

  /** Runs this repository's action.yml as one step, on a fresh checkout. */
  async runAction(o: {
    eventName: string;
    event: Record<string, unknown>;
    with?: Record<string, string>;
    stepEnv?: Record<string, string>;
    jobEnv?: Record<string, string>;
    actor?: string;
    ref?: string;
    dirs?: { workspace: string; runnerTemp: string; home: string };
    timeoutMs?: number;
    /** the run's job token (default: the write token of acme/app) */
    token?: string;
    /** GITHUB_RUN_ID (default 4242): runs at the same time are different workflow runs. */
    runId?: number;
    /** This workflow run's id and number (GITHUB_RUN_ID / GITHUB_RUN_NUMBER). */
    run?: { id: number; number: number };
    /** A copy of this action to run instead of the repository itself (security tests that try to overwrite its files). */
    actionDir?: string;
    /** Leave the log unmasked (security tests scan it for secrets in every encoding). */
    unmasked?: boolean;
  }): Promise<RunActionResult & { dirs: { workspace: string; runnerTemp: string; home: string } }> {
    const dirs = o.dirs ?? (await this.runnerDirs(o.ref));
    const result = await runAction({
      actionDir: o.actionDir ?? ROOT,
      ...(o.unmasked ? { unmasked: true } : {}),
      // Whether the CLI sandboxes its subprocesses depends on the machine (bubblewrap): tests choose explicitly.
      with: { anthropic_api_key: SECRETS.anthropicKey, subprocess_sandbox: "false", ...o.with },
      stepEnv: { ...cliEnv(this.model.url), ...o.stepEnv },
      ...(o.jobEnv ? { jobEnv: o.jobEnv } : {}),
      github: this.github(o.eventName, o.event, o.actor ?? String((o.event.sender as { login?: string } | undefined)?.login ?? USERS.alice), o.run?.id ?? o.runId, o.token, o.run?.number),
      ...dirs,
      baseEnv: { PATH: `${path.dirname(claudeBin())}${path.delimiter}${process.env.PATH ?? ""}` },
      timeoutMs: o.timeoutMs ?? 120_000,
    });
    return { ...result, dirs };
  }

  /** Runs a job of a workflow file (e.g. examples/*.yml) on an event. */
  async runJob(o: {
    workflow: string;
    job?: string;
    eventName: string;
    event: Record<string, unknown>;
    secrets?: Record<string, string>;
    vars?: Record<string, string>;
    timeoutMs?: number;
    /** This workflow run's id and number (GITHUB_RUN_ID / GITHUB_RUN_NUMBER). */
    run?: { id: number; number: number };
    /** the run's job token (default: the write token of acme/app) */
    token?: string;
    /** Gitea withheld the repository's secrets (a fork run): only the job token is given */
    secretsWithheld?: boolean;
    /** github.ref / github.sha as Gitea sets them for this run */
    ref?: string;
    sha?: string;
    runId?: number;
    runNumber?: number;
    /** extra runner env (e.g. the OIDC variables of a Forgejo runner with enable-openid-connect) */
    runnerEnv?: Record<string, string>;
    signal?: AbortSignal;
    onLog?: (line: string) => void;
    /** a model other than the world's (runs in parallel each need their own script) */
    modelUrl?: string;
  }): Promise<RunJobResult & { dirs: { workspace: string; runnerTemp: string; home: string } }> {
    const base = await mkdtemp(path.join(this.dir, "job-"));
    const dirs = { workspace: path.join(base, "workspace"), runnerTemp: path.join(base, "temp"), home: path.join(base, "home") };
    await Promise.all([mkdir(dirs.workspace, { recursive: true }), mkdir(dirs.runnerTemp, { recursive: true }), mkdir(dirs.home, { recursive: true })]);
    const result = await runJob({
      workflow: o.workflow,
      ...(o.job ? { job: o.job } : {}),
      eventName: o.eventName,
      event: o.event,
      github: {
        server_url: this.gitea.url,
        api_url: this.gitea.apiUrl,
        token: o.token ?? SECRETS.jobToken,
        run_id: o.run?.id ?? o.runId ?? 4242,
        run_number: o.run?.number ?? o.runNumber ?? 17,
        ...(o.ref !== undefined ? { ref: o.ref } : {}),
        ...(o.sha !== undefined ? { sha: o.sha } : {}),
      },
      // A fork run gets no secret but the job token (models/secret/secret.go).
      secrets: o.secretsWithheld ? {} : { ANTHROPIC_API_KEY: SECRETS.anthropicKey, ...o.secrets },
      vars: o.vars ?? {},
      ...dirs,
      uses: { [`${USERS.owner}/claude-code-gitea-action`]: ROOT },
      baseEnv: { PATH: `${path.dirname(claudeBin())}${path.delimiter}${process.env.PATH ?? ""}` },
      // As an administrator would configure the runner (act_runner runner.envs) to reach the model.
      runnerEnv: { ...cliEnv(o.modelUrl ?? this.model.url), ...o.runnerEnv },
      timeoutMs: o.timeoutMs ?? 120_000,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onLog ? { onLog: o.onLog } : {}),
    });
    return { ...result, dirs };
  }

  /**
   * What Gitea does with an event: the runs it starts (from the workflow files
   * committed in acme/app, see runner/gitea-runs.ts), each run as a job with
   * its own job token, and no secrets for fork runs.
   */
  async trigger(
    event: HookEvent,
    o: { secrets?: Record<string, string>; vars?: Record<string, string>; job?: string } = {},
  ): Promise<{ run: PlannedRun; job: Awaited<ReturnType<World["runJob"]>> }[]> {
    const out: { run: PlannedRun; job: Awaited<ReturnType<World["runJob"]>> }[] = [];
    for (const run of await planRuns(this.gitea, event)) {
      const job = await this.runJob({
        workflow: run.text,
        ...(o.job ? { job: o.job } : {}),
        eventName: run.eventName,
        event: run.payload,
        token: run.token,
        secretsWithheld: run.secretsWithheld,
        ref: run.ref,
        sha: run.sha,
        ...(o.secrets ? { secrets: o.secrets } : {}),
        ...(o.vars ? { vars: o.vars } : {}),
      });
      out.push({ run, job });
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.gitea.stop(), this.model.close()]);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Clones like actions/checkout: the token in an http.extraheader of the local config. */
export async function checkout(gitea: GiteaEmulator, repo: string, dir: string, token: string, ref?: string): Promise<void> {
  const url = `${gitea.url}/${repo}.git`;
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
  await git(["-c", `http.extraheader=${header}`, "clone", "--quiet", url, dir], os.tmpdir());
  await git(["config", "--local", `http.${new URL(gitea.url).origin}/.extraheader`, header], dir);
  if (ref) await git(["checkout", "--quiet", ref], dir);
}

export function git(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`git ${args.join(" ")}: ${err.trim()}`))));
  });
}

/** The step inside a composite result (prepare, run, finish). */
export function step(result: RunActionResult, id: string) {
  return result.steps.find((s) => s.id === id);
}

/** The CLI's working directory, from the environment section of a request it sent. */
export function cwdOf(req: unknown): string {
  const text = JSON.stringify(req);
  const m = /(?:Primary working directory|Working directory|cwd): ([^\\"]+)/i.exec(text);
  if (!m) throw new Error(`no working directory in the request: ${text.slice(0, 300)}`);
  return m[1]!.trim();
}
