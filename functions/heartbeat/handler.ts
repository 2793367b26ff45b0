import { readConfig } from '#shared/config.js';
import { HEARTBEAT_ENVIRONMENT, createHeartbeatHandler } from './create-handler.js';

/** The Lambda entry: the scheduled heartbeat, configured from the function's environment at cold start. */
export const handler = createHeartbeatHandler(readConfig(HEARTBEAT_ENVIRONMENT));
