import type { ComponentType } from "react";
import type { RouteObject } from "react-router-dom";

/**
 * A route whose page module is fetched the first time it is opened, so each screen ships in its own
 * chunk and the first load carries only the shell, the dashboard and the sign-in page.
 */
export function lazyPage<M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M & string): RouteObject["lazy"] {
  return async () => ({ Component: (await load())[name] as ComponentType });
}
