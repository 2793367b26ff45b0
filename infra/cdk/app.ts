import { App } from 'aws-cdk-lib';
import { buildBrokerApp } from './broker-app.js';

// `npm run deploy -- -c productArns=... -c ...` (docs/deploy.md lists the context keys).
buildBrokerApp(new App());
