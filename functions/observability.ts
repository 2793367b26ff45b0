import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Powertools' logger and metrics, one per container (the tracer is in tracer.ts). Service name, namespace and log level come from the
 * POWERTOOLS_* environment variables the stack sets; these defaults serve local runs and tests.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'securityhub-broker' });
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'SecurityHubBroker',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'securityhub-broker',
});
