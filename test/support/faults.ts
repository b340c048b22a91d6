/**
 * The fault suite's scenarios and helpers (test/faults/*.test.ts): runs of
 * prepare() and finish() in-process (see inprocess.ts) on scenarios that
 * together use every Gitea route the action calls, the routes they used in a
 * clean run (from the emulator's request log), and one run with faults on a
 * route, observed as a user would see it.
 */
import { expect } from "vitest";
import type { RetryPolicy } from "../../src/gitea/http";
import { TRACKING_MARKER } from "../../src/gitea/tracking";
import { start as startReceiver, type Receiver } from "../../examples/dispatch/receiver";
import type { Comment, FaultSpec, RequestLogEntry } from "./gitea/index";
import { issueCommentPayload, issuesPayload, workflowDispatchPayload } from "./gitea/payloads";
import { FAST_RETRY, answerInComment, commitAndPush, pushOnly, runInProcess, type InProcessResult, type SimulatedRun } from "./inprocess";
import { REPO, SECRETS, USERS, type World } from "./scenario";

/** What a fault scenario leaves for the run and for the checks. */
export type Prepared = {
  eventName: string;
  event: Record<string, unknown>;
  with?: Record<string, string>;
  run?: SimulatedRun;
  /** The issue or PR the run is about (none for a dispatch). */
  index?: number;
  /** Who posts the tracking comment (the token's user). */
  commenter: string;
  /** Text of Claude's answer (in the comment and the log's result). */
  answer: string;
  /** What the working branch holds at the end of a good run. */
  branch: "commit" | "deleted" | "pr-head" | "none";
  receiver?: Receiver;
};

export type FaultScenario = { name: string; setup(world: World): Promise<Prepared> };

let counter = 0;

function withAnswer(world: World, answer: string, work?: SimulatedRun["work"]): SimulatedRun {
  return {
    messages: [
      { type: "system", subtype: "init", session_id: "s-1", model: "claude-test-1", tools: [] },
      { type: "result", subtype: "success", is_error: false, session_id: "s-1", num_turns: 2, result: answer, total_cost_usd: 0.01 },
    ],
    work: async (ctx) => {
      await work?.(ctx);
      await answerInComment(world, answer)(ctx);
    },
  };
}

/** Every scenario, in the order routes are assigned to them (a route is faulted in the first scenario that uses it). */
export const FAULT_SCENARIOS: FaultScenario[] = [
  {
    // Issue comment; Claude commits and pushes on the new branch (finish reads the branch and looks for a PR).
    name: "issue comment",
    async setup(world) {
      const n = ++counter;
      const issue = world.gitea.createIssue(REPO, { title: `Add notes ${n}`, body: "Please add a notes file.", user: USERS.alice });
      const c = world.gitea.addComment(REPO, issue.index, { user: USERS.alice, body: "@claude add NOTES.md" });
      const answer = `Added NOTES-${n}.md.`;
      return {
        eventName: "issue_comment",
        event: await issueCommentPayload(world.gitea, REPO, issue.index, c.id),
        run: withAnswer(world, answer, commitAndPush(`NOTES-${n}.md`, `notes ${n}\n`)),
        index: issue.index,
        commenter: USERS.actions,
        answer,
        branch: "commit",
      };
    },
  },
  {
    // PR comment: 60 changed files (two pages), a review with an inline comment, a comment with an attachment.
    name: "pull request comment",
    async setup(world) {
      const n = ++counter;
      // One head branch for every such PR (each run closes its PR), so the 60 files are committed once.
      const head = "feature/faults-parts";
      if (!(await world.gitea.branchSha(REPO, head))) {
        const files: Record<string, string> = {};
        for (let i = 1; i <= 60; i++) files[`lib/part-${i}.txt`] = `part ${i}\n`;
        await world.gitea.commitFiles(REPO, head, files, "Add parts", USERS.alice);
      }
      const pr = await world.gitea.createPullRequest(REPO, { title: `Parts ${n}`, body: "Adds parts.", user: USERS.alice, head, base: "main" });
      await world.gitea.addReview(REPO, pr.index, {
        user: USERS.bob,
        type: "COMMENT",
        body: "Some notes",
        comments: [{ path: "lib/part-1.txt", body: "Why this name?", new_position: 1 }],
      });
      const withFile = world.gitea.addComment(REPO, pr.index, { user: USERS.bob, body: "Screenshot: see attachment" });
      const a = world.gitea.addAttachment(REPO, { index: pr.index, commentId: withFile.id, name: "shot.png", size: 10 });
      world.gitea.editComment(withFile.id, `Screenshot: ![shot](${world.gitea.publicUrl}/attachments/${a.uuid})`);
      const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude review this" });
      const answer = `Reviewed parts ${n}: looks good.`;
      return {
        eventName: "issue_comment",
        event: await issueCommentPayload(world.gitea, REPO, pr.index, c.id),
        run: withAnswer(world, answer),
        index: pr.index,
        commenter: USERS.actions,
        answer,
        branch: "pr-head",
      };
    },
  },
  {
    // An assignment by someone other than the poster: the permission comes from the API (admin token);
    // The new branch reaches Gitea without a commit: Claude's push of it has nothing to send (the broker
    // pushes only new commits), and the branch is made on Gitea from the base meanwhile; finish deletes it.
    name: "issue assigned",
    async setup(world) {
      const n = ++counter;
      if (!world.gitea.getUser("claude-bot")) world.gitea.addUser({ login: "claude-bot" });
      const issue = world.gitea.createIssue(REPO, { title: `Triage ${n}`, body: "Needs triage.", user: USERS.bob });
      world.gitea.setAssignees(REPO, issue.index, ["claude-bot"]);
      const answer = `Triaged ${n}.`;
      return {
        eventName: "issues",
        event: await issuesPayload(world.gitea, REPO, issue.index, "assigned", USERS.alice),
        with: { assignee_trigger: "claude-bot", gitea_token: SECRETS.adminToken },
        run: withAnswer(world, answer, async (ctx) => {
          await pushOnly(ctx);
          await world.gitea.createBranch(REPO, ctx.branch, "main");
        }),
        index: issue.index,
        commenter: "site-admin",
        answer,
        branch: "deleted",
      };
    },
  },
  {
    // use_sticky_comment on a PR that already has a tracking comment from an earlier run: prepare edits it.
    name: "sticky comment",
    async setup(world) {
      const n = ++counter;
      const head = `feature/sticky-${n}`;
      await world.gitea.commitFiles(REPO, head, { [`sticky-${n}.txt`]: "x\n" }, "Sticky", USERS.alice);
      const pr = await world.gitea.createPullRequest(REPO, { title: `Sticky ${n}`, user: USERS.alice, head, base: "main" });
      world.gitea.addComment(REPO, pr.index, { user: USERS.actions, body: `${TRACKING_MARKER}\n**Claude finished @alice's task in 5s**\n\n---\n\nEarlier answer.` });
      const c = world.gitea.addComment(REPO, pr.index, { user: USERS.alice, body: "@claude once more" });
      const answer = `Sticky answer ${n}.`;
      return {
        eventName: "issue_comment",
        event: await issueCommentPayload(world.gitea, REPO, pr.index, c.id),
        with: { use_sticky_comment: "true" },
        run: withAnswer(world, answer),
        index: pr.index,
        commenter: USERS.actions,
        answer,
        branch: "pr-head",
      };
    },
  },
  {
    // A backend's dispatch with a progress endpoint (no issue, no tracking comment).
    name: "dispatch",
    async setup(world) {
      const n = ++counter;
      const receiver = await startReceiver({ secret: SECRETS.progressSecret, path: "/progress" });
      const answer = `Task ${n} done.`;
      return {
        eventName: "workflow_dispatch",
        event: await workflowDispatchPayload(world.gitea, REPO, {
          workflow: "claude-dispatch.yml",
          sender: USERS.owner,
          inputs: { description: `Task ${n}: tidy the README`, progress_endpoint: receiver.url, correlation_id: `faults-${n}` },
        }),
        with: { progress_secret: SECRETS.progressSecret },
        run: withAnswer(world, answer),
        commenter: USERS.actions,
        answer,
        branch: "none",
        receiver,
      };
    },
  },
];

/** "git" for the smart-HTTP requests (the emulator's fault key for them), else the API route template. */
export const routeKey = (e: RequestLogEntry): string | null => (e.kind === "git" ? "git" : e.route);

export type RouteUse = { route: string; scenario: FaultScenario; steps: Array<"prepare" | "finish"> };

/** Every route prepare and finish used in clean runs of every scenario, with the first scenario that uses it. */
export async function discoverRoutes(world: World): Promise<RouteUse[]> {
  const uses = new Map<string, RouteUse>();
  for (const scenario of FAULT_SCENARIOS) {
    const outcome = await runScenario(world, scenario, []);
    expect(outcome.result.prepare.code, `clean run of ${scenario.name}:\n${outcome.result.log}`).toBe(0);
    expect(outcome.result.finish?.code, `clean run of ${scenario.name}:\n${outcome.result.log}`).toBe(0);
    for (const step of ["prepare", "finish"] as const) {
      for (const e of outcome.result.requests[step]) {
        const route = routeKey(e);
        if (!route) continue;
        const use = uses.get(route) ?? { route, scenario, steps: [] };
        if (use.scenario === scenario && !use.steps.includes(step)) use.steps.push(step);
        uses.set(route, use);
      }
    }
  }
  return [...uses.values()].sort((a, b) => a.route.localeCompare(b.route));
}

/** Regex for the failing call as the client names it: method and concrete path ("GET /repos/acme/app/pulls/3/files"). */
export function callPattern(route: string): RegExp {
  if (route === "git") return /git fetch/;
  const [method, template] = route.split(" ", 2) as [string, string];
  const [owner, repo] = REPO.split("/") as [string, string];
  const path = template
    .split(/(\{\w+\})/)
    .map((part) => {
      if (part === "{owner}") return owner;
      if (part === "{repo}") return repo;
      if (/^\{\w+\}$/.test(part)) return "[^/\\s`]+";
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return new RegExp(`${method} ${path}(?![/\\w])`);
}

export type Outcome = {
  prepared: Prepared;
  result: InProcessResult;
  /** Comments by the token's user created during the run (sticky: the edited one too). */
  trackingComments: Comment[];
  branchesBefore: string[];
  branchesAfter: string[];
  /** How many requests the faults answered. */
  fired: number;
};

/**
 * Runs a scenario with `faults` active during prepare and finish (paused while
 * the simulated run step does Claude's work, which is not the action's traffic).
 */
export async function runScenario(
  world: World,
  scenario: FaultScenario,
  faults: FaultSpec[],
  o: { retry?: Partial<RetryPolicy>; env?: Record<string, string> } = {},
): Promise<Outcome> {
  const prepared = await scenario.setup(world);
  try {
    const dirs = await world.runnerDirs();
    const bodiesBefore = new Map(prepared.index !== undefined ? world.gitea.listComments(REPO, prepared.index).map((c) => [c.id, c.body]) : []);
    const branchesBefore = await world.gitea.listBranches(REPO);
    world.gitea.faults.clear();
    for (const f of faults) world.gitea.faults.add(f);
    let fired = 0;
    let paused: FaultSpec[] = [];
    const pause = () => {
      fired += world.gitea.faults.firedCount();
      paused = world.gitea.faults
        .all()
        .filter((f) => f.remaining > 0)
        .map((f) => ({ ...specOf(f), times: f.remaining }));
      world.gitea.faults.clear();
    };
    const resume = () => {
      for (const f of paused) world.gitea.faults.add(f);
    };
    let result: InProcessResult;
    try {
      result = await runInProcess(world, {
        eventName: prepared.eventName,
        event: prepared.event,
        dirs,
        retry: { ...FAST_RETRY, ...o.retry },
        // git gives up on a server that stopped answering after this many seconds without data.
        env: { GIT_HTTP_LOW_SPEED_LIMIT: "1000", GIT_HTTP_LOW_SPEED_TIME: "2", ...o.env },
        ...(prepared.with ? { with: prepared.with } : {}),
        ...(prepared.run ? { run: prepared.run } : {}),
        afterPrepare: pause,
        beforeFinish: resume,
      });
    } finally {
      fired += world.gitea.faults.firedCount();
      world.gitea.faults.clear();
    }
    // Comments the run posted or changed (a sticky comment existed before and is edited).
    const trackingComments =
      prepared.index !== undefined
        ? world.gitea.listComments(REPO, prepared.index).filter((c) => c.user.toLowerCase() === prepared.commenter && bodiesBefore.get(c.id) !== c.body)
        : [];
    return { prepared, result, trackingComments, branchesBefore, branchesAfter: await world.gitea.listBranches(REPO), fired };
  } finally {
    await prepared.receiver?.close();
    // Later runs list open pull requests: keep that list short.
    if (prepared.index !== undefined) world.gitea.setIssueState(REPO, prepared.index, "closed");
  }
}

function specOf(f: FaultSpec): FaultSpec {
  const spec: FaultSpec = { route: f.route };
  if (f.status !== undefined) spec.status = f.status;
  if (f.body !== undefined) spec.body = f.body;
  if (f.retryAfter !== undefined) spec.retryAfter = f.retryAfter;
  if (f.latencyMs !== undefined) spec.latencyMs = f.latencyMs;
  if (f.reset) spec.reset = true;
  if (f.hang) spec.hang = true;
  return spec;
}

/** The kinds of fault, as a burst (transient) or for good (persistent). */
export const FAULT_KINDS = {
  "5xx burst": (route: string, times?: number): FaultSpec[] =>
    times === undefined ? [{ route, status: 500 }] : [{ route, status: 502, times: 1 }, { route, status: 500, times: times - 1 }],
  "429 with Retry-After": (route: string, times?: number): FaultSpec[] => [{ route, status: 429, retryAfter: 1, ...(times !== undefined ? { times } : {}) }],
  timeout: (route: string, times?: number): FaultSpec[] => [{ route, hang: true, ...(times !== undefined ? { times } : {}) }],
  "connection reset": (route: string, times?: number): FaultSpec[] => [{ route, reset: true, ...(times !== undefined ? { times } : {}) }],
} as const;

export type FaultKind = keyof typeof FAULT_KINDS;
