/**
 * Actions routes newer than Gitea 1.22 (absent from the 1.22 spec). They are
 * served only when the emulated version is at least `since`.
 */
import { versionAtLeast } from "../core";
import { type RouteDef, empty, intParam, json, repoAccess, requireMode } from "../context";
import { apiRepo, apiUserByLogin } from "../convert";
import { notFound, unprocessable } from "../errors";
import { isoNow, repoKey, type Run } from "../store";

export const NEWER_EMULATOR_ROUTES: Record<string, string> = {
  "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches": "1.24",
  "GET /repos/{owner}/{repo}/actions/runs/{run}": "1.25",
};

export const actionRoutes: RouteDef[] = [
  {
    route: "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
    since: NEWER_EMULATOR_ROUTES["POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches"],
    handler: async (ctx) => {
      const { repo, mode } = repoAccess(ctx);
      const user = requireMode(ctx, mode, "write");
      const body = (ctx.body ?? {}) as { ref?: string; inputs?: Record<string, unknown> };
      const workflow = ctx.params.workflow_id ?? "";
      const ref = body.ref ?? "";
      if (!ref) throw unprocessable("ref is required");
      const resolved = await repo.git.resolveRef(ref.replace(/^refs\/(heads|tags)\//, ""));
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
      const run: Run = {
        id: ctx.core.store.nextId("run"),
        run_number: repo.nextRunNumber++,
        repo: repoKey(repo.fullName),
        workflow,
        event: "workflow_dispatch",
        status: "queued",
        conclusion: null,
        head_branch: ref.replace(/^refs\/(heads|tags)\//, ""),
        head_sha: resolved.sha,
        actor: user.login,
        display_title: workflow,
        created_at: isoNow(),
      };
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
      const { repo, mode } = repoAccess(ctx);
      const run = ctx.core.store.runs.get(intParam(ctx, "run"));
      if (!run || run.repo !== repoKey(repo.fullName)) throw notFound();
      // web links use the run number up to 1.25 and the run id from 1.26
      const linkId = versionAtLeast(ctx.core.version, "1.26") ? run.id : run.run_number;
      return json(200, {
        id: run.id,
        url: `${ctx.core.repoApi(repo)}/actions/runs/${run.id}`,
        html_url: `${ctx.core.repoHtml(repo)}/actions/runs/${linkId}`,
        display_title: run.display_title,
        path: `${run.workflow}@${run.head_branch}`,
        event: run.event,
        run_attempt: 1,
        run_number: run.run_number,
        head_sha: run.head_sha,
        head_branch: run.head_branch,
        status: run.status,
        conclusion: run.conclusion,
        actor: apiUserByLogin(ctx.core, run.actor, ctx.user),
        trigger_actor: apiUserByLogin(ctx.core, run.actor, ctx.user),
        repository: apiRepo(ctx.core, repo, mode, ctx.user),
        head_repository: apiRepo(ctx.core, repo, mode, ctx.user),
        repository_id: repo.id,
        started_at: run.created_at,
        completed_at: null,
      });
    },
  },
];
