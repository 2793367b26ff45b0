import { ONBOARDING_ROUTES } from '#functions/onboarding/routes.js';
import { onboardingFuzz } from './onboarding-fuzz.js';

// The catalog and collection routes; handler.registration-routes.fuzz.test.ts has the per-registration ones.
const { products, registrations } = ONBOARDING_ROUTES;
onboardingFuzz('the onboarding API\'s catalog and registration list under fuzzing', [
  ...products.methods.map((method) => ({ method, resource: products.path })),
  ...registrations.methods.map((method) => ({ method, resource: registrations.path })),
]);
