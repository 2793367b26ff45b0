import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { esbuildOptions, FUNCTION_BUNDLING } from '#infra/cdk/bundling.js';
import { HANDLER_ENTRIES, REPO_ROOT } from '#infra/cdk/paths.js';

const execute = promisify(execFile);
// Under node_modules, so the bundle's (external) builtins and the entry's packages resolve as the sources' do.
const folder = join(REPO_ROOT, 'node_modules', '.cache', `bundling-test-${process.pid}`);
afterAll(() => rm(folder, { recursive: true, force: true }));

describe('the functions\' bundles', () => {
  it('resolve an SDK client\'s credentials from the environment, as Lambda provides them, without the rest of the default chain', async () => {
    await mkdir(folder, { recursive: true });
    const entry = join(folder, 'entry.ts');
    await writeFile(entry, [
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "const credentials = await new DynamoDBClient({ region: 'us-east-1' }).config.credentials();",
      'process.stdout.write(JSON.stringify({ accessKeyId: credentials.accessKeyId, sessionToken: credentials.sessionToken }));',
    ].join('\n'));
    const outfile = join(folder, 'entry.mjs');
    await build(esbuildOptions(entry, outfile));
    const { stdout } = await execute(process.execPath, [FUNCTION_BUNDLING.nodeOptions, outfile], {
      env: { PATH: process.env.PATH ?? '', AWS_ACCESS_KEY_ID: 'ASIALAMBDAROLE000001', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session-token' },
    });
    expect(JSON.parse(stdout)).toEqual({ accessKeyId: 'ASIALAMBDAROLE000001', sessionToken: 'session-token' });
    // The providers Lambda never needs (SSO with its OIDC client, web identity, container, credential_process) are left out.
    const code = await readFile(outfile, 'utf8');
    for (const unused of ['sso-oidc', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'credential_process']) expect(code.includes(unused), unused).toBe(false);
  }, 60_000);

  it('hand code that imports node:http or node:process the built-in itself, without Node\'s ESM facade (whose node:http getters load undici, 20-45 ms of cold init)', async () => {
    await mkdir(folder, { recursive: true });
    const entry = join(folder, 'builtins.ts');
    await writeFile(entry, [
      "import http, * as httpNamespace from 'node:http';",
      "import { request } from 'node:http';",
      "import lambdaProcess, { env, versions } from 'node:process';",
      "const real = process.getBuiltinModule('node:http');",
      'process.stdout.write(JSON.stringify({',
      '  http: http === real && httpNamespace.request === real.request && request === real.request,',
      '  process: lambdaProcess === process && env === process.env && versions === process.versions,',
      // Node's list of the internal modules it loaded (undocumented, stable since Node 0.x).
      "  undici: (process as unknown as { moduleLoadList: string[] }).moduleLoadList.some((name) => name.includes('undici')),",
      '}));',
    ].join('\n'));
    const outfile = join(folder, 'builtins.mjs');
    await build(esbuildOptions(entry, outfile));
    const { stdout } = await execute(process.execPath, [FUNCTION_BUNDLING.nodeOptions, outfile], { env: { PATH: process.env.PATH ?? '' } });
    expect(JSON.parse(stdout)).toEqual({ http: true, process: true, undici: false });
    expect(await readFile(outfile, 'utf8')).not.toMatch(/from\s*"node:(http|process)"/);
  }, 60_000);

  it('keep the X-Ray SDK out of the authorizer (20-40 ms of cold init on the partner request path) and in the functions that trace', async () => {
    await mkdir(folder, { recursive: true });
    const bundled = async (name: keyof typeof HANDLER_ENTRIES) => {
      const outfile = join(folder, `${name}.mjs`);
      await build(esbuildOptions(HANDLER_ENTRIES[name], outfile));
      return readFile(outfile, 'utf8');
    };
    expect((await bundled('authorizer')).includes('AWS_XRAY_DAEMON_ADDRESS')).toBe(false);
    expect((await bundled('deliver')).includes('AWS_XRAY_DAEMON_ADDRESS')).toBe(true);
  }, 60_000);
});
