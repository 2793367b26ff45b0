import { readConfig } from '#shared/config.js';
import { ONBOARDING_ENVIRONMENT, createOnboardingHandler } from './create-handler.js';

/** The Lambda entry: the customer onboarding API, configured from the function's environment at cold start. */
export const handler = createOnboardingHandler(readConfig(ONBOARDING_ENVIRONMENT));
