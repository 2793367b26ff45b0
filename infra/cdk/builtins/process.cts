// Stands in for `node:process` in the functions' bundles (FUNCTION_BUNDLING.alias, ../bundling.ts): the
// module itself, handed over as CommonJS, so the ESM bundle never builds Node's ESM facade of it.
export = process.getBuiltinModule('node:process');
