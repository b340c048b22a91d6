/** Phase 1: the event payload, parsed into a typed context (a dispatch that cannot run is reported by prepare's failure path). */
import { readFile } from "node:fs/promises";
import { parseEvent, type EventContext } from "../../gitea/context";
import { describeError } from "../errors";
import type { PrepareContext } from "./context";

export async function readEvent(run: PrepareContext): Promise<EventContext> {
  const { runner } = run;
  let payload: unknown;
  try {
    payload = JSON.parse(await readFile(runner.eventPath, "utf8"));
  } catch (error) {
    throw new Error(`The event payload (GITHUB_EVENT_PATH ${runner.eventPath}) cannot be read as JSON: ${describeError(error)}`);
  }
  const ctx = parseEvent(runner.eventName, payload, { repository: runner.repository, actor: runner.actor, ref: runner.ref });
  if (typeof payload === "object" && payload !== null && !("repository" in payload)) {
    run.io.notice(
      `The '${runner.eventName}' event came with no payload (Gitea re-registers schedules without one after the job token pushes to the default branch): ` +
        `repository ${ctx.repository.fullName} and actor ${ctx.sender.login} are taken from the runner.`,
    );
  }
  return ctx;
}
