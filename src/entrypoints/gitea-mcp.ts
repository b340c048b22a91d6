/**
 * The gitea MCP server over stdio (bundled to dist/gitea-mcp.js). Claude Code
 * starts it from the MCP config; stdout carries the protocol only, every log
 * line goes to stderr, redacted.
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { GiteaClient } from "../gitea/client";
import { Git, spawnRunner } from "../gitea/git";
import { ConfigError, parseConfig } from "../mcp/gitea/config";
import { createGiteaMcpServer } from "../mcp/gitea/server";
import { Redactor } from "../text/redact";

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const redactor = new Redactor(config.secrets);
  const log = (message: string) => process.stderr.write(`[gitea-mcp] ${redactor.redact(message)}\n`);
  process.on("unhandledRejection", (reason) => log(`unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`));

  const api = new GiteaClient({ apiUrl: config.apiUrl, token: config.token, owner: config.owner, repo: config.repo, log });
  const git = new Git(spawnRunner, config.workspace, { ...process.env, GIT_TERMINAL_PROMPT: "0" });
  const server = createGiteaMcpServer({ config, api, git, redactor, log });
  await server.connect(new StdioServerTransport());
  log(`serving ${config.repository}${config.entityNumber ? ` #${config.entityNumber}` : ""}${config.branch ? ` on ${config.branch}` : ""}`);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : `gitea MCP server failed to start: ${error instanceof Error ? error.message : String(error)}`;
  // The token is not known to a redactor here (config may have failed): parseConfig never puts values in messages.
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
