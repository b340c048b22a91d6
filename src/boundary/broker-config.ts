/**
 * What the broker is told when prepare starts it, on its stdin (never in its
 * environment, its argv or a file): the capability Claude's MCP client and
 * the checked git present, the Gitea token, the progress secret and the
 * runner's OIDC request token when there is one, and what this run may touch.
 */
import * as z from "zod";

const branch = z.string().min(1).max(255);

export const brokerConfigSchema = z.object({
  /** The bearer every request must present (MCP config headers, the git wrapper). */
  capability: z.string().min(32),
  /** The broker exits after this long whatever happens (timeout_minutes plus a margin). */
  lifetimeMs: z.number().int().positive(),
  /** The broker exits when this directory disappears (the runner cleaned up after the job). */
  watchDir: z.string().min(1),
  /** Every secret value, redacted from whatever the broker sends or logs. */
  secrets: z.array(z.string()),
  /** Environment for the git processes it runs (PATH, HOME, locale): no secrets. */
  env: z.record(z.string(), z.string()),
  gitea: z.object({
    apiUrl: z.string().url(),
    /** `owner/name` */
    repository: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
    publicUrl: z.string().url().optional(),
    token: z.string().min(1),
    /** The token is the Actions job token: Gitea's job-token limits apply (src/gitea/limits.ts). */
    usesJobToken: z.boolean().optional(),
    commentId: z.number().int().positive().optional(),
    entityNumber: z.number().int().positive().optional(),
    isPR: z.boolean(),
    workspace: z.string().min(1),
    gitName: z.string(),
    gitEmail: z.string(),
    /** This workflow run's id and number (the CI tools' run search starts there). */
    run: z.object({ id: z.number().int().positive(), number: z.number().int().positive() }).optional(),
    /** Runs the event named (a workflow_run payload's run), by id and number. */
    knownRuns: z.array(z.object({ id: z.number().int().positive(), number: z.number().int().positive() })).max(10).optional(),
  }),
  /** The working branch, when the run has one: the only branch pushes go to. */
  git: z
    .object({
      remoteUrl: z.string().url(),
      branch,
      baseBranch: branch,
      startSha: z.string().regex(/^[0-9a-f]{40,64}$/),
    })
    .optional(),
  progress: z
    .object({
      endpoint: z.string().url(),
      correlationId: z.string().optional(),
      audience: z.string().optional(),
      allowedHosts: z.array(z.string()),
      seqFile: z.string(),
      repository: z.string(),
      runId: z.string(),
      /** The run's public web page, carried by every update. */
      runUrl: z.string().optional(),
      secret: z.string().optional(),
      /** The runner's OIDC request variables, when it offers OIDC (kept in memory only). */
      oidc: z.object({ requestUrl: z.string().url(), requestToken: z.string().min(1) }).optional(),
    })
    .optional(),
});

export type BrokerConfig = z.infer<typeof brokerConfigSchema>;

/** Parses the broker's stdin; the message names fields, never values. */
export function parseBrokerConfig(text: string): BrokerConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error("broker: its configuration on stdin is not JSON");
  }
  const parsed = brokerConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`broker: bad configuration: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"} ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

/** The line the broker prints on stdout once it listens (prepare reads it, then the pipe is closed). */
export type BrokerReady = { ready: true; port: number; pid: number };

/** Paths under the broker's URL. */
export const BROKER_ROUTES = {
  giteaMcp: "/mcp/gitea",
  progressMcp: "/mcp/progress",
  push: "/git/push",
  fetch: "/git/fetch",
} as const;
