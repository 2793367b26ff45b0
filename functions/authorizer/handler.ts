import { readConfig } from '#shared/config.js';
import { AUTHORIZER_ENVIRONMENT, createAuthorizerHandler } from './create-handler.js';

/** The Lambda entry: the partner authorizer, configured from the function's environment at cold start. */
export const handler = createAuthorizerHandler(readConfig(AUTHORIZER_ENVIRONMENT));
