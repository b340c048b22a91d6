// The prepare step of action.yml: everything before Claude runs (src/app/prepare.ts).
import { prepare } from "../app/prepare";
import { runnerIO } from "../io";

process.exitCode = await prepare({ env: process.env, io: runnerIO() });
