// Workload identity federation (the pin's src/workload-identity.ts): when
// ANTHROPIC_FEDERATION_RULE_ID and ANTHROPIC_ORGANIZATION_ID are set and no
// API key / OAuth token is, fetch the runner's OIDC token (core.getIDToken,
// three attempts 5 s then 10 s apart), write it to a file, point the CLI at it
// (ANTHROPIC_IDENTITY_TOKEN_FILE) and at a federation profile, refresh every
// 4 minutes. Gitea runners usually offer no OIDC, so this normally fails with
// the pin's message.
import * as core from "@actions/core";
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const REFRESH_MS = 4 * 60 * 1000;
const DEFAULT_AUDIENCE = "https://api.anthropic.com";

export interface WorkloadIdentityHandle {
  tokenFile: string;
  stop: () => void;
}

export function isWorkloadIdentityConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.ANTHROPIC_FEDERATION_RULE_ID?.trim() && env.ANTHROPIC_ORGANIZATION_ID?.trim());
}

async function withRetries<T>(op: () => Promise<T>): Promise<T> {
  const attempts = 3;
  let delay = 5000;
  let last: Error | undefined;
  for (let a = 1; a <= attempts; a++) {
    try {
      console.log(`Attempt ${a} of ${attempts}...`);
      return await op();
    } catch (e) {
      last = e instanceof Error ? e : new Error(String(e));
      console.error(`Attempt ${a} failed:`, last.message);
      if (a < attempts) {
        console.log(`Retrying in ${delay / 1000} seconds...`);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 20000);
      }
    }
  }
  console.error(`Operation failed after ${attempts} attempts`);
  throw last;
}

function federationProfile(baseDir: string): string {
  const e = process.env;
  const fingerprint = createHash("sha256")
    .update(
      JSON.stringify(
        [
          e.ANTHROPIC_FEDERATION_RULE_ID,
          e.ANTHROPIC_ORGANIZATION_ID,
          e.ANTHROPIC_SERVICE_ACCOUNT_ID,
          e.ANTHROPIC_WORKSPACE_ID,
          e.ANTHROPIC_BASE_URL,
          e.ANTHROPIC_SCOPE,
        ].map((v) => v?.trim() ?? ""),
      ),
    )
    .digest("hex")
    .slice(0, 16);
  const dir = join(baseDir, `config-${fingerprint}`);
  mkdirSync(join(dir, "configs"), { recursive: true, mode: 0o700 });
  writeFileSync(
    join(dir, "configs", "default.json"),
    JSON.stringify({ version: "1.0", authentication: { type: "oidc_federation" } }, null, 2),
    { mode: 0o600 },
  );
  return dir;
}

export async function setupWorkloadIdentity(): Promise<WorkloadIdentityHandle | undefined> {
  if (!isWorkloadIdentityConfigured()) return undefined;
  if (process.env.ANTHROPIC_API_KEY?.trim() || process.env.CLAUDE_CODE_OAUTH_TOKEN?.trim()) {
    core.warning(
      "Workload identity federation inputs are set alongside anthropic_api_key or claude_code_oauth_token. The API key/OAuth token takes precedence, so federation will not be used.",
    );
    return undefined;
  }
  const audience = process.env.ANTHROPIC_OIDC_AUDIENCE?.trim() || DEFAULT_AUDIENCE;
  const dir = join(process.env.RUNNER_TEMP || "/tmp", "claude-workload-identity");
  const tokenFile = join(dir, "identity-token");
  const refresh = async () => {
    const token = await withRetries(() => core.getIDToken(audience));
    core.setSecret(token);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(tokenFile, token, { mode: 0o600 });
  };
  try {
    await refresh();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Failed to fetch a GitHub Actions OIDC token for workload identity federation: ${message}. Did you remember to add \`id-token: write\` to your workflow permissions?`,
    );
  }
  process.env.ANTHROPIC_IDENTITY_TOKEN_FILE = tokenFile;
  if (process.env.ANTHROPIC_CONFIG_DIR?.trim() || process.env.ANTHROPIC_PROFILE?.trim()) {
    core.warning(
      "ANTHROPIC_CONFIG_DIR or ANTHROPIC_PROFILE is already set, so the action will not write its own federation profile. Credential caching across the spawned Claude processes follows the existing profile configuration.",
    );
  } else {
    process.env.ANTHROPIC_CONFIG_DIR = federationProfile(dir);
    process.env.ANTHROPIC_PROFILE = "default";
  }
  console.log(
    `Workload identity federation configured (rule: ${process.env.ANTHROPIC_FEDERATION_RULE_ID}, identity token file: ${tokenFile})`,
  );
  const timer = setInterval(() => {
    refresh().catch((e) =>
      core.warning(`Failed to refresh the GitHub Actions OIDC identity token: ${e instanceof Error ? e.message : String(e)}`),
    );
  }, REFRESH_MS);
  return {
    tokenFile,
    stop: () => {
      clearInterval(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
