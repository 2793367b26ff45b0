/**
 * The AWS SDK's logger middleware builds a redacted copy of every command's input and output for
 * its logger, also for the default no-op logger: `logger?.info?.({ input: inputFilterSensitiveLog(args.input), ... })`
 * evaluates the filter before the no-op is called (@aws-sdk/core, client submodule, loggerMiddleware).
 * For a 100-finding BatchImportFindings or a batch of 256 KiB SQS messages that walk is measurable
 * CPU on the delivery path (npm run bench, delivery), and the copy holds finding contents. The broker
 * gives its clients no logger, so the middleware goes.
 */
export function withoutSdkLogging<T extends { middlewareStack: { remove(toRemove: string): boolean } }>(client: T): T {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/**
 * SQS client options for the delivery path: no MD5 of message bodies. The SDK computes one for every
 * message sent and received to compare with SQS's MD5OfMessageBody (the `md5` option, "set to false
 * to disable", @aws-sdk/client-sqs SQSClientConfig); over HTTPS, TLS already guards the bytes, and a
 * batch of 256 KiB messages costs an MD5 over each, both ways.
 */
export const SQS_DELIVERY_OPTIONS = { md5: false } as const;
