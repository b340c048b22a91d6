/**
 * A dispatch names where progress goes. Whoever can dispatch must not be
 * able to make the runner send signed requests (with the OIDC token) into
 * the runner's own network: link-local and metadata addresses, private and
 * unique-local ranges, IPv4 mapped into IPv6, loopback over https. Each is
 * refused before anything is posted or any model call, naming the input.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workflowDispatchPayload } from "../support/gitea/payloads";
import { REPO, SECRETS, USERS, World, step } from "../support/scenario";

let world: World;
beforeAll(async () => {
  world = await World.start();
});
afterAll(async () => world?.close());

const REFUSED = [
  "https://169.254.169.254/latest/meta-data",
  "https://metadata.google.internal/computeMetadata/v1",
  "https://10.0.0.5/progress",
  "https://192.168.1.20/progress",
  "https://172.16.0.1/progress",
  "https://[fd00::1]/progress",
  "https://[fe80::1]/progress",
  "https://[::ffff:169.254.169.254]/progress",
  "https://[::ffff:7f00:1]/progress",
  "https://127.0.0.1/progress",
  "https://localhost/progress",
  "https://0.0.0.0/progress",
];

describe.each(REFUSED)("progress_endpoint %s", (endpoint) => {
  it("is refused before any model call or comment, naming the input", async () => {
    const event = await workflowDispatchPayload(world.gitea, REPO, {
      workflow: "claude-dispatch.yml",
      sender: USERS.alice,
      inputs: { description: "Fix the greeting", progress_endpoint: endpoint, correlation_id: "ssrf-1" },
    });
    const before = { requests: world.model.requests.length, writes: world.gitea.apiRequests().filter((r) => r.method !== "GET").length };
    const result = await world.runAction({ eventName: "workflow_dispatch", event, with: { progress_secret: SECRETS.progressSecret } });
    expect(result.success).toBe(false);
    expect(step(result, "prepare")?.outcome).toBe("failure");
    expect(step(result, "run")?.outcome).toBe("skipped");
    expect(world.model.requests.length).toBe(before.requests);
    expect(world.gitea.apiRequests().filter((r) => r.method !== "GET").length).toBe(before.writes);
    const errors = result.annotations.filter((a) => a.level === "error").map((a) => a.message).join("\n");
    expect(errors).toContain("progress_endpoint");
  });
});
