import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Powertools' logger and metrics, one per container (the tracer is in tracer.ts). Service name, namespace and log level come from the
 * POWERTOOLS_* environment variables the stack sets; these defaults serve local runs and tests.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'securityhub-broker' });

/**
 * Metrics' own messages go to the logger, except one: Powertools warns "No application metrics to
 * publish" after every invocation that counted nothing (a dry run, a request refused before any
 * count). For those that is the normal case, and at WARN it buried what an operator must see (dead
 * letters, refusals). Its other warnings and errors are kept.
 */
const EMPTY_METRICS_WARNING = 'No application metrics to publish';
const metricsLogger = {
  debug: (...content: unknown[]) => logger.debug(String(content[0] ?? '')),
  info: (...content: unknown[]) => logger.info(String(content[0] ?? '')),
  warn: (...content: unknown[]) => {
    const message = String(content[0] ?? '');
    if (!message.startsWith(EMPTY_METRICS_WARNING)) logger.warn(message);
  },
  error: (...content: unknown[]) => logger.error(String(content[0] ?? '')),
};

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'SecurityHubBroker',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'securityhub-broker',
  logger: metricsLogger,
});
