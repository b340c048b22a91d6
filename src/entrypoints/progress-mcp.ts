/**
 * The progress MCP server over stdio (dist/progress-mcp.js). Its settings come
 * from the env prepare writes into the MCP config; the secret from the run
 * step's env. stdout is the protocol: everything else goes to stderr.
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { progressConfigFromEnv } from "../dispatch/config";
import { ProgressClient } from "../dispatch/progress";
import { createProgressServer } from "../mcp/progress/server";
import { Redactor } from "../text/redact";

const { config, problem } = progressConfigFromEnv(process.env);
const redactor = new Redactor(config?.redact ?? []);
const log = (line: string) => process.stderr.write(`[progress-mcp] ${redactor.redact(line)}\n`);

// The model waits for the tool's answer: keep a call under ~5 s whatever the endpoint does.
const client = config ? new ProgressClient({ ...config, log, delivery: { totalBudgetMs: 5_000 } }) : undefined;
const reason = problem ?? client?.unavailableReason();
if (reason) log(reason);

const server = createProgressServer({
  ...(client ? { sender: client } : {}),
  ...(problem ? { problem } : {}),
  callTimeoutMs: 6_000,
  log,
});
server.connect(new StdioServerTransport()).catch((error: unknown) => {
  log(`cannot start: ${(error as Error).message}`);
  process.exit(1);
});
