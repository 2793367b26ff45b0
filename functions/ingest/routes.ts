/**
 * The partner API's routes, defined once: the ingest handler dispatches on them, the CDK stack deploys
 * them behind the partner token authorizer, and the local stack's front serves them. Paths are API
 * Gateway resource paths.
 */
export const PARTNER_ROUTES = {
  findings: { path: '/v1/findings', methods: ['POST'] },
  validate: { path: '/v1/findings:validate', methods: ['POST'] },
  submissions: { path: '/v1/submissions', methods: ['GET'] },
  submission: { path: '/v1/submissions/{submissionId}', methods: ['GET'] },
  scanComplete: { path: '/v1/scans/{scanId}/complete', methods: ['POST'] },
} as const satisfies Record<string, { path: string; methods: readonly string[] }>;

/** Every `METHOD /path` pair, as the local front lists them. */
export const PARTNER_METHODS: Array<{ method: string; resource: string }> = Object.values(PARTNER_ROUTES)
  .flatMap(({ path, methods }) => methods.map((method) => ({ method, resource: path })));
