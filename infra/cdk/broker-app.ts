import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BrokerStack } from './broker-stack.js';
import { readBrokerConfig } from './config.js';
import type { HandlerName } from './paths.js';

export interface BrokerAppOptions {
  readonly entries?: Record<HandlerName, string>;
}

/**
 * Builds the broker's CDK app on `app`: the stack from context, and cdk-nag's AWS Solutions checks as
 * a validation plugin, so synth (and deploy) fails on any unacknowledged error or warning.
 * The stack is environment-agnostic: the account and Region come from the deploying credentials.
 */
export function buildBrokerApp(app: App, options: BrokerAppOptions = {}): BrokerStack {
  const config = readBrokerConfig((key) => app.node.tryGetContext(key));
  const stack = new BrokerStack(app, 'SecurityHubFindingsBroker', {
    stackName: config.stackName,
    description: 'Security Hub findings broker: partners POST ASFF findings, the broker imports them into customer accounts',
    config,
    ...(options.entries !== undefined && { entries: options.entries }),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
