// The finish step of action.yml (runs always once prepare started): src/app/finish.ts.
import { finish } from "../app/finish";
import { runnerIO } from "../io";

process.exitCode = await finish({ env: process.env, io: runnerIO() });
