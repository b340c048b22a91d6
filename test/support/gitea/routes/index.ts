/** The emulator's route table. */
import type { RouteDef } from "../context";
import { compileRoute, type CompiledRoute } from "../spec";
import { actionRoutes, NEWER_EMULATOR_ROUTES as ACTION_NEWER_ROUTES } from "./actions";
import { CI_NEWER_ROUTES, ciRoutes } from "./ci";
import { fileRoutes } from "./files";
import { issueRoutes } from "./issues";
import { miscRoutes } from "./misc";
import { pullRoutes } from "./pulls";

/** Every emulated route newer than 1.22, with the version that added it. */
export const NEWER_EMULATOR_ROUTES: Record<string, string> = { ...ACTION_NEWER_ROUTES, ...CI_NEWER_ROUTES };

export const ROUTE_DEFS: readonly RouteDef[] = [...miscRoutes, ...issueRoutes, ...pullRoutes, ...fileRoutes, ...actionRoutes, ...ciRoutes];

export interface CompiledHandlerRoute extends CompiledRoute {
  def: RouteDef;
}

export const COMPILED_ROUTES: readonly CompiledHandlerRoute[] = ROUTE_DEFS.map((def) => ({ ...compileRoute(def.route), def }));

/** Every route the emulator serves, as "METHOD /template" (swagger spelling). */
export const EMULATOR_ROUTES: readonly string[] = ROUTE_DEFS.map((d) => d.route);
