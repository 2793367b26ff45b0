import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/**
 * How every function is bundled, defined once: the CDK's NodejsFunction (constructs/broker-function.ts)
 * passes these to esbuild, and `npm run bench` builds the same bundles to measure their size and cold
 * init. Plain values, so the bench needs no CDK import.
 */
export const FUNCTION_BUNDLING = {
  /** ESM: top-level await and tree shaking of the SDK's ESM builds. */
  format: 'esm',
  target: 'node24',
  mainFields: ['module', 'main'],
  /**
   * ESM output still bundles CommonJS dependencies that call `require` (parts of the AWS SDK and
   * Powertools' X-Ray SDK). ESM has no `require`, so the bundle defines one from `createRequire`.
   */
  banner: "import { createRequire as __brokerCreateRequire } from 'node:module'; const require = __brokerCreateRequire(import.meta.url);",
  minify: true,
  sourceMap: true,
  // Stack traces need the mappings, not a copy of every source file inside the .map.
  sourcesContent: false,
  // Bundle the AWS SDK too: the deployed code runs exactly the versions package-lock.json pins
  // (and tested), not whatever SDK the managed runtime ships this month.
  externalModules: [] as string[],
  alias: {
    /** Lambda's credentials are in the environment: the SDK's default chain is replaced by its env provider (functions/lambda-credentials.ts). */
    '@aws-sdk/credential-provider-node': fileURLToPath(new URL('../../functions/lambda-credentials.ts', import.meta.url)),
    ...builtinsAsCommonJs(['http', 'process']),
  } as Record<string, string>,
  /** Lambda runs the functions with NODE_OPTIONS=--enable-source-maps (the environment in broker-function.ts). */
  nodeOptions: '--enable-source-maps',
} as const;

/**
 * An ESM `import` of a Node built-in gets Node's ESM facade of it, which reads every export once,
 * lazy getters included; `require` reads only what the code uses. Two facades cost a cold start
 * dearly (`npm run bench`, cold-start): `node:http`'s getters WebSocket, CloseEvent and MessageEvent
 * load Node's bundled undici and HTTP/2 (lib/http.js in Node 24), 20-45 ms, for an import the
 * Powertools tracer makes only to patch `http.request`; `node:process`'s build stdin, the report
 * module and the set of allowed flags, about 7 ms, for the `env` and `versions` the AWS SDK imports.
 * Each is aliased to a CommonJS module that hands over the built-in (./builtins/), which esbuild
 * bundles and reads with `require` semantics.
 */
function builtinsAsCommonJs(names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => {
    const shim = fileURLToPath(new URL(`./builtins/${name}.cts`, import.meta.url));
    return [[name, shim], [`node:${name}`, shim]];
  }));
}

/** The same bundle as esbuild's own API builds it: what `npm run bench` and the bundling test measure and run. */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry], outfile, bundle: true, platform: 'node', format: FUNCTION_BUNDLING.format, target: FUNCTION_BUNDLING.target,
    mainFields: [...FUNCTION_BUNDLING.mainFields], banner: { js: FUNCTION_BUNDLING.banner }, minify: FUNCTION_BUNDLING.minify,
    sourcemap: FUNCTION_BUNDLING.sourceMap, sourcesContent: FUNCTION_BUNDLING.sourcesContent, external: [...FUNCTION_BUNDLING.externalModules],
    alias: FUNCTION_BUNDLING.alias, logLevel: 'warning',
  };
}
