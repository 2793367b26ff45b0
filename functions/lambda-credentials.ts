/**
 * Stands in for `@aws-sdk/credential-provider-node` in the deployed bundles (FUNCTION_BUNDLING.alias,
 * infra/cdk/bundling.ts). Lambda hands a function its execution role's credentials in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: "Defined runtime environment
 * variables", AWS Lambda developer guide), so the SDK's default chain finds them with its first
 * provider; the rest of the chain (SSO, shared ini files, web identity, process, instance metadata,
 * each with its own nested client) is dead weight there: about 90 KB of every bundle, parsed on every
 * cold start. Local runs and tests use the SDK's own chain (no bundle).
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** The one export of credential-provider-node the SDK clients import (as their credentialDefaultProvider). */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}): ReturnType<typeof fromEnv> => fromEnv(init);
