/**
 * `npm run synth [-- -c key=value ...]`: synthesizes the broker offline into cdk.out (no AWS
 * credentials, no Docker), with cdk-nag as a validation plugin, then prints each function's bundle
 * size. A bundle over ~3 MB almost always means a whole SDK (or another heavy dependency) slipped in.
 * Expected sizes: deliver ~1.1 MB (the Security Hub client alone carries ~250 KB of API model); ingest
 * ~2.9 MB, of which ~1.5 MB is the precompiled ASFF validator (it zips to ~330 KB and saves ~1.4 s of
 * schema compilation on every cold start); onboarding ~0.8 MB (STS, Security Hub and DynamoDB clients).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildBrokerApp } from './broker-app.js';
import { REPO_ROOT } from './paths.js';

/** Example values so a bare `npm run synth` works; `-c key=value` overrides any of them. */
const EXAMPLE_CONTEXT: Record<string, string> = {
  productArns: 'arn:aws:securityhub:us-east-1:111122223333:product/example-company/example-product',
  partnerCompanyId: 'example-company',
  partnerProductId: 'example-product',
};
const BUNDLE_WARNING_BYTES = 3 * 1024 * 1024;

function contextFromArgs(args: readonly string[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const pair = arg === '-c' || arg === '--context' ? args[++i] : arg?.startsWith('--context=') ? arg.slice(10) : undefined;
    if (pair === undefined) continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`Expected -c key=value, got "${pair}"`);
    context[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return context;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}

const outdir = join(REPO_ROOT, 'cdk.out');
const app = new App({ outdir, context: { ...EXAMPLE_CONTEXT, ...contextFromArgs(process.argv.slice(2)) } });
const stack = buildBrokerApp(app);

let assembly;
try {
  assembly = app.synth();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

const template = assembly.getStackArtifact(stack.artifactId).template as {
  Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: unknown } }; Metadata?: Record<string, string> }>;
};
let oversized = false;
console.log(`Synthesized ${stack.stackName} to ${outdir} (cdk-nag AwsSolutions: no unacknowledged findings)\n`);
console.log('Lambda bundles (minified ESM, arm64, node24):');
for (const [logicalId, resource] of Object.entries(template.Resources)) {
  const s3Key = resource.Properties.Code?.S3Key;
  if (resource.Type !== 'AWS::Lambda::Function' || typeof s3Key !== 'string') continue;
  // File assets are staged as cdk.out/asset.<hash> and uploaded as <hash>.zip.
  const folder = join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
  const files = readdirSync(folder);
  const size = (keep: (file: string) => boolean): number =>
    files.filter(keep).reduce((sum, file) => sum + statSync(join(folder, file)).size, 0);
  const code = size((file) => !file.endsWith('.map'));
  const map = size((file) => file.endsWith('.map'));
  const name = logicalId.replace(/^Functions/, '').replace(/Function[0-9A-F]{8}$/, '');
  const warning = code > BUNDLE_WARNING_BYTES ? '   <-- WARNING: over 3 MB, check for a whole-SDK or other heavy import' : '';
  oversized ||= code > BUNDLE_WARNING_BYTES;
  console.log(`  ${name.padEnd(12)} ${formatBytes(code).padStart(10)} code ${formatBytes(map).padStart(10)} source map   ${folder}${warning}`);
}
if (oversized) {
  console.warn('\n!!! At least one bundle is over 3 MB. Import only the SDK clients and commands you use. !!!');
  console.warn('    See what is inside: npx esbuild functions/<name>/handler.ts --bundle --platform=node --format=esm --minify --analyze');
}
