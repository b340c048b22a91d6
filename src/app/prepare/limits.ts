/**
 * Notices about what the Actions job token cannot do, given before the run
 * (see src/gitea/limits.ts): with use_commit_signing, its commits will not
 * be signed.
 */
import { UNSIGNED_JOB_TOKEN_COMMITS } from "../../gitea/limits";
import type { PrepareContext } from "./context";

export function jobTokenNotices(run: PrepareContext): string[] {
  const usesJobToken = Boolean(run.runner.jobToken) && run.token === run.runner.jobToken;
  return usesJobToken && run.inputs.use_commit_signing ? [UNSIGNED_JOB_TOKEN_COMMITS] : [];
}
