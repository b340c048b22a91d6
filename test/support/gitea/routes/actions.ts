/**
 * Actions routes newer than Gitea 1.22 (absent from the 1.22 spec). They are
 * served only when the emulated version is at least `since` (Forgejo serves
 * the dispatch route too).
 */
import { type RouteDef, empty, intParam, json, repoAccess, requireUnit } from "../context";
import { apiRepo, apiUserByLogin } from "../convert";
import { notFound, unprocessable } from "../errors";
import { isoNow, repoKey, type Run } from "../store";

/** Routes absent from the 1.22 spec, with the Gitea version that added them. */
export const NEWER_EMULATOR_ROUTES: Record<string, string> = {
  "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches": "1.24",
  "GET /repos/{owner}/{repo}/actions/runs/{run}": "1.25",
};

/** Statuses of a run that has not finished. */
const LIVE = new Set(["queued", "waiting", "in_progress"]);

export const actionRoutes: RouteDef[] = [
  {
    route: "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
    since: NEWER_EMULATOR_ROUTES["POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches"],
    forgejo: true,
    handler: async (ctx) => {
      const { repo, perm } = repoAccess(ctx);
      const user = requireUnit(ctx, perm, "repo.actions");
      const body = (ctx.body ?? {}) as { ref?: string; inputs?: Record<string, unknown> };
      const workflow = ctx.params.workflow_id ?? "";
      const ref = body.ref ?? "";
      if (!ref) throw unprocessable("ref is required");
      const short = ref.replace(/^refs\/(heads|tags)\//, "");
      const resolved = await repo.git.resolveRef(short);
      if (!resolved) throw notFound(`ref not found: ${ref}`);
      let content: Buffer | null = null;
      for (const dir of [".gitea/workflows", ".github/workflows"]) {
        content = await repo.git.readFile(resolved.sha, `${dir}/${workflow}`);
        if (content) break;
      }
      if (!content) throw notFound(`workflow "${workflow}" not found`);
      if (!content.toString("utf8").includes("workflow_dispatch")) {
        throw unprocessable(`workflow "${workflow}" has no workflow_dispatch trigger`);
      }
      const inputs: Record<string, string> = {};
      for (const [k, v] of Object.entries(body.inputs ?? {})) inputs[k] = typeof v === "string" ? v : JSON.stringify(v);
      const fullRef = ref.startsWith("refs/") ? ref : resolved.kind === "tag" ? `refs/tags/${short}` : `refs/heads/${short}`;
      const run: Run = {
        id: ctx.core.store.nextId("run"),
        run_number: repo.nextRunNumber++,
        repo: repoKey(repo.fullName),
        workflow,
        event: "workflow_dispatch",
        status: "queued",
        conclusion: null,
        head_branch: short,
        ref: fullRef,
        head_sha: resolved.sha,
        actor: user.login,
        display_title: workflow,
        created_at: isoNow(),
      };
      // CancelPreviousJobs: a new workflow_dispatch run cancels every running or waiting
      // workflow_dispatch run of the same workflow on the same ref.
      for (const other of ctx.core.store.runs.values()) {
        if (other.repo === run.repo && other.event === "workflow_dispatch" && other.workflow === workflow && other.ref === fullRef && LIVE.has(other.status)) {
          ctx.core.cancelRun(other, run.id);
        }
      }
      ctx.core.store.runs.set(run.id, run);
      ctx.core.store.dispatches.push({
        repo: repo.fullName,
        workflow,
        ref,
        inputs,
        user: user.login,
        at: run.created_at,
        runId: run.id,
      });
      return empty(204);
    },
  },
  {
    route: "GET /repos/{owner}/{repo}/actions/runs/{run}",
    since: NEWER_EMULATOR_ROUTES["GET /repos/{owner}/{repo}/actions/runs/{run}"],
    handler: (ctx) => {
      const { repo, perm } = repoAccess(ctx);
      const run = ctx.core.store.runs.get(intParam(ctx, "run"));
      if (!run || run.repo !== repoKey(repo.fullName)) throw notFound();
      // web links use the run number up to 1.25 (and on Forgejo) and the run id from 1.26
      const linkId = ctx.core.atLeast("1.26") && !ctx.core.forgejo ? run.id : run.run_number;
      return json(200, {
        id: run.id,
        url: `${ctx.core.repoApi(repo)}/actions/runs/${run.id}`,
        html_url: `${ctx.core.repoHtml(repo)}/actions/runs/${linkId}`,
        display_title: run.display_title,
        path: `${run.workflow}@${run.ref}`,
        event: run.event,
        run_attempt: 1,
        run_number: run.run_number,
        head_sha: run.head_sha,
        head_branch: run.head_branch,
        status: run.status === "cancelled" ? "completed" : run.status,
        conclusion: run.conclusion,
        actor: apiUserByLogin(ctx.core, run.actor, ctx.user),
        trigger_actor: apiUserByLogin(ctx.core, run.actor, ctx.user),
        repository: apiRepo(ctx.core, repo, perm, ctx.user),
        head_repository: apiRepo(ctx.core, repo, perm, ctx.user),
        repository_id: repo.id,
        started_at: run.created_at,
        completed_at: null,
      });
    },
  },
];
