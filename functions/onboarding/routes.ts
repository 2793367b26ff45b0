/**
 * The onboarding API's routes, defined once: the handler dispatches on them, the CDK stack deploys
 * them with AWS_IAM authorization, and the local stack's front serves them. Paths are API Gateway
 * resource paths; `{company}/{product}` is a registration's product key.
 */
export const ONBOARDING_ROUTES = {
  products: { path: '/v1/products', methods: ['GET'] },
  registrations: { path: '/v1/registrations', methods: ['GET', 'POST'] },
  registration: { path: '/v1/registrations/{company}/{product}', methods: ['GET', 'DELETE'] },
  registrationRole: { path: '/v1/registrations/{company}/{product}/role', methods: ['PUT'] },
  registrationVerify: { path: '/v1/registrations/{company}/{product}/verify', methods: ['POST'] },
} as const satisfies Record<string, { path: string; methods: readonly string[] }>;

/** Every `METHOD /path` pair, as the handler's route table and the local front list them. */
export const ONBOARDING_METHODS: Array<{ method: string; resource: string }> = Object.values(ONBOARDING_ROUTES)
  .flatMap(({ path, methods }) => methods.map((method) => ({ method, resource: path })));
