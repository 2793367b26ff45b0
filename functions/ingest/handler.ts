import { readConfig } from '#shared/config.js';
import { INGEST_ENVIRONMENT, createIngestHandler } from './create-handler.js';

/** The Lambda entry: the partner API, configured from the function's environment at cold start. */
export const handler = createIngestHandler(readConfig(INGEST_ENVIRONMENT));
