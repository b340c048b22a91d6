import type { ProgressClient } from "../dispatch/progress";
import type { CommandRunner } from "../gitea/git";
import type { HttpTransport, RetryPolicy } from "../gitea/http";
import type { ActionIO } from "../io";

/** What prepare and finish run against: the step's environment and I/O, and overridable I/O (tests, bench). */
export type StepDeps = {
  env: Record<string, string | undefined>;
  io: ActionIO;
  now?: () => Date;
  transport?: HttpTransport;
  retry?: Partial<RetryPolicy>;
  git?: CommandRunner;
  /** Overrides for progress delivery (tests). */
  progressDelivery?: ConstructorParameters<typeof ProgressClient>[0]["delivery"];
};
