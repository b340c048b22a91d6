/**
 * The gitea MCP server's configuration, read once from its environment.
 * prepare writes everything but the token into the MCP config's `env` (no
 * secrets in that file); the token is inherited from the run step's env
 * (GITEA_TOKEN, see src/steps.ts RUN_ENV).
 */
import * as z from "zod";
import { RUN_ENV } from "../../steps";

/** Env names of the server's settings (the MCP config's `env`). */
export const GITEA_MCP_ENV = {
  apiUrl: "GITEA_API_URL",
  repository: "GITEA_REPOSITORY",
  publicUrl: "GITEA_PUBLIC_URL",
  commentId: "CLAUDE_COMMENT_ID",
  entityNumber: "GITEA_ENTITY_NUMBER",
  isPR: "GITEA_IS_PR",
  branch: "CLAUDE_BRANCH",
  baseBranch: "BASE_BRANCH",
  workspace: "GITHUB_WORKSPACE",
  gitName: "CLAUDE_GIT_NAME",
  gitEmail: "CLAUDE_GIT_EMAIL",
} as const;

/** The token, inherited from the run step (never written to the MCP config). */
export const TOKEN_ENV = RUN_ENV.giteaToken;

/** Secrets the server may find in its inherited env; each is redacted from everything it sends. */
export const SECRET_ENV_NAMES = [
  RUN_ENV.giteaToken,
  RUN_ENV.progressSecret,
  "GITHUB_TOKEN",
  "ANTHROPIC_API_KEY",
  "CLAUDE_CODE_OAUTH_TOKEN",
  "ACTIONS_RUNTIME_TOKEN",
  "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_BEARER_TOKEN_BEDROCK",
] as const;

export type GiteaMcpConfig = {
  /** `<server>/api/v1` */
  apiUrl: string;
  owner: string;
  repo: string;
  /** `owner/name` */
  repository: string;
  /** Public web base for links (may be absent: links then come from Gitea's own html_url fields). */
  publicUrl?: string;
  /** The tracking comment; update_claude_comment exists only with it. */
  commentId?: number;
  /** The issue or pull request of this run; the default for reads, the only target for writes. */
  entityNumber?: number;
  isPR: boolean;
  /** The working branch: the only branch commit_files writes and create_pull_request opens from. */
  branch?: string;
  /** Where the working branch comes from and a pull request goes to. */
  baseBranch?: string;
  workspace: string;
  gitName: string;
  gitEmail: string;
  token: string;
  /** The token is the Actions job token (GITEA_TOKEN equals the job token GITHUB_TOKEN): Gitea's job-token limits apply. */
  usesJobToken?: boolean;
  /** Every secret value found in the env, for redaction. */
  secrets: string[];
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v);
const opt = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const req = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema);
const positiveInt = z
  .string()
  .regex(/^[1-9]\d*$/, "must be a positive whole number")
  .transform(Number);
const httpUrl = z
  .string()
  .refine((v) => /^https?:\/\/[^\s/]+/i.test(v), "must be an http(s) URL")
  .transform((v) => v.replace(/\/+$/, ""));
const branchName = z.string().refine((v) => !/[\s~^:?*[\\]|\.\.|^-|^\/|\/$|@\{/.test(v), "is not a valid branch name");

const schema = z.object({
  [GITEA_MCP_ENV.apiUrl]: req(httpUrl),
  [GITEA_MCP_ENV.repository]: req(z.string().regex(/^[^/\s]+\/[^/\s]+$/, "must be 'owner/name'")),
  [GITEA_MCP_ENV.publicUrl]: opt(httpUrl),
  [GITEA_MCP_ENV.commentId]: opt(positiveInt),
  [GITEA_MCP_ENV.entityNumber]: opt(positiveInt),
  [GITEA_MCP_ENV.isPR]: opt(z.enum(["true", "false"], "must be 'true' or 'false'")),
  [GITEA_MCP_ENV.branch]: opt(branchName),
  [GITEA_MCP_ENV.baseBranch]: opt(branchName),
  [GITEA_MCP_ENV.workspace]: opt(z.string()),
  [GITEA_MCP_ENV.gitName]: opt(z.string()),
  [GITEA_MCP_ENV.gitEmail]: opt(z.string()),
  [TOKEN_ENV]: req(z.string({ error: "is not set (the run step passes the token in its env)" }).min(1)),
});

/**
 * Reads and checks the configuration. Errors name each bad variable and never
 * include a value (the token must not appear on stderr either).
 */
export function parseConfig(env: Env = process.env, cwd = process.cwd()): GiteaMcpConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? "(env)");
      const message = i.code === "invalid_type" && name !== TOKEN_ENV ? "is not set" : i.message;
      return `- ${name} ${message}`;
    });
    throw new ConfigError(`gitea MCP server: bad configuration:\n${problems.join("\n")}`);
  }
  const v = parsed.data;
  const repository = v[GITEA_MCP_ENV.repository] as string;
  const [owner, repo] = repository.split("/") as [string, string];
  const secrets = SECRET_ENV_NAMES.map((n) => env[n]?.trim()).filter((s): s is string => Boolean(s));
  const commentId = v[GITEA_MCP_ENV.commentId] as number | undefined;
  const entityNumber = v[GITEA_MCP_ENV.entityNumber] as number | undefined;
  const publicUrl = v[GITEA_MCP_ENV.publicUrl] as string | undefined;
  const branch = v[GITEA_MCP_ENV.branch] as string | undefined;
  const baseBranch = v[GITEA_MCP_ENV.baseBranch] as string | undefined;
  return {
    apiUrl: v[GITEA_MCP_ENV.apiUrl] as string,
    owner,
    repo,
    repository,
    ...(publicUrl ? { publicUrl } : {}),
    ...(commentId !== undefined ? { commentId } : {}),
    ...(entityNumber !== undefined ? { entityNumber } : {}),
    isPR: v[GITEA_MCP_ENV.isPR] === "true",
    ...(branch ? { branch } : {}),
    ...(baseBranch ? { baseBranch } : {}),
    workspace: (v[GITEA_MCP_ENV.workspace] as string | undefined) ?? cwd,
    gitName: (v[GITEA_MCP_ENV.gitName] as string | undefined) ?? "Claude",
    gitEmail: (v[GITEA_MCP_ENV.gitEmail] as string | undefined) ?? "claude@anthropic.com",
    token: v[TOKEN_ENV] as string,
    usesJobToken: (v[TOKEN_ENV] as string) === env[RUN_ENV.jobToken]?.trim(),
    secrets,
  };
}

export type GiteaMcpSettings = {
  apiUrl: string;
  repository: string;
  publicUrl?: string;
  commentId?: number;
  entityNumber?: number;
  isPR?: boolean;
  branch?: string;
  baseBranch?: string;
  workspace: string;
  gitName?: string;
  gitEmail?: string;
};

/** The `env` object for the server's entry in the MCP config (prepare uses it). No secrets. */
export function giteaMcpEnv(s: GiteaMcpSettings): Record<string, string> {
  const env: Record<string, string> = {
    [GITEA_MCP_ENV.apiUrl]: s.apiUrl,
    [GITEA_MCP_ENV.repository]: s.repository,
    [GITEA_MCP_ENV.workspace]: s.workspace,
  };
  if (s.publicUrl) env[GITEA_MCP_ENV.publicUrl] = s.publicUrl;
  if (s.commentId !== undefined) env[GITEA_MCP_ENV.commentId] = String(s.commentId);
  if (s.entityNumber !== undefined) env[GITEA_MCP_ENV.entityNumber] = String(s.entityNumber);
  if (s.isPR !== undefined) env[GITEA_MCP_ENV.isPR] = String(s.isPR);
  if (s.branch) env[GITEA_MCP_ENV.branch] = s.branch;
  if (s.baseBranch) env[GITEA_MCP_ENV.baseBranch] = s.baseBranch;
  if (s.gitName) env[GITEA_MCP_ENV.gitName] = s.gitName;
  if (s.gitEmail) env[GITEA_MCP_ENV.gitEmail] = s.gitEmail;
  return env;
}
