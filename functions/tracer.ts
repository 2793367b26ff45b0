import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * The Powertools tracer, one per container, in a module of its own: loading it loads the X-Ray SDK,
 * which costs a function 20-40 ms of cold init and 125 KB of bundle (`npm run bench`, cold-start; it
 * was about 90 ms while the tracer's `import http from 'node:http'` also loaded undici, see
 * infra/cdk/bundling.ts), so only the functions that trace import it. The authorizer does not
 * (functions/authorizer/create-handler.ts).
 */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'securityhub-broker' });
