import { readConfig } from '#shared/config.js';
import { DELIVER_ENVIRONMENT, createDeliverHandler } from './create-handler.js';

/** The Lambda entry: one container's deliver handler, configured from the function's environment at cold start. */
export const handler = createDeliverHandler(readConfig(DELIVER_ENVIRONMENT));
