import { fileURLToPath } from 'node:url';

/** The repository root, found from this file so the app works from any working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The Lambda entries: fixed paths, each exporting `handler`. */
export const HANDLER_ENTRIES = {
  authorizer: fileURLToPath(new URL('../../functions/authorizer/handler.ts', import.meta.url)),
  ingest: fileURLToPath(new URL('../../functions/ingest/handler.ts', import.meta.url)),
  deliver: fileURLToPath(new URL('../../functions/deliver/handler.ts', import.meta.url)),
  onboarding: fileURLToPath(new URL('../../functions/onboarding/handler.ts', import.meta.url)),
  heartbeat: fileURLToPath(new URL('../../functions/heartbeat/handler.ts', import.meta.url)),
} as const;

export type HandlerName = keyof typeof HANDLER_ENTRIES;
