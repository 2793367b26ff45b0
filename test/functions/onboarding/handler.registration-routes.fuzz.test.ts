import { ONBOARDING_ROUTES } from '#functions/onboarding/routes.js';
import { onboardingFuzz } from './onboarding-fuzz.js';

// The per-registration routes; handler.fuzz.test.ts has the catalog and collection ones.
const { registration, registrationRole, registrationVerify } = ONBOARDING_ROUTES;
onboardingFuzz('the onboarding API\'s per-registration routes under fuzzing', [registration, registrationRole, registrationVerify]
  .flatMap(({ path, methods }) => methods.map((method) => ({ method, resource: path }))));
