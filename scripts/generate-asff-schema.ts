/**
 * Generates shared/asff/asff-schema.generated.json (and the partition/Region list beside it) from
 * the Security Hub model in awscli's botocore, then precompiles that schema into the standalone
 * validator module shared/asff/asff-validator.generated.js (+ .d.ts) that the broker loads.
 *
 *   npm exec -- tsx scripts/generate-asff-schema.ts [path/to/botocore]
 *   npm exec -- tsx scripts/generate-asff-schema.ts --validator-only   # after an Ajv upgrade
 *
 * Without an argument, botocore is found through `python3 -c "import botocore"`. `--validator-only`
 * needs no botocore: it recompiles the committed schema.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBotocoreDir, readBotocore } from './asff/botocore.js';
import { generateAsffArtifacts, serializeArtifact } from './asff/model-to-schema.js';
import { generateStandaloneValidator, VALIDATOR_FILE, VALIDATOR_TYPES_FILE } from './asff/standalone-validator.js';

export const SCHEMA_FILE = 'shared/asff/asff-schema.generated.json';
export const PARTITIONS_FILE = 'shared/asff/aws-partitions.generated.json';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const validatorOnly = process.argv[2] === '--validator-only';

if (!validatorOnly) {
  const dir = findBotocoreDir(process.argv[2]);
  if (!dir) {
    console.error('botocore not found: pass its folder as an argument, or install awscli/botocore for python3.');
    process.exit(1);
  }
  const sources = readBotocore(dir);
  const { schema, partitions } = generateAsffArtifacts(sources);
  writeFileSync(join(root, SCHEMA_FILE), serializeArtifact(schema));
  writeFileSync(join(root, PARTITIONS_FILE), serializeArtifact(partitions));
  const defs = Object.keys((schema.$defs ?? {}) as object).length;
  console.log(`wrote ${SCHEMA_FILE} (${defs} definitions) and ${PARTITIONS_FILE} from botocore ${sources.version} in ${dir}`);
}

// Compiled from the text just written (or committed), so the module's schema hash names that file.
const { code, types } = generateStandaloneValidator(readFileSync(join(root, SCHEMA_FILE), 'utf8'));
writeFileSync(join(root, VALIDATOR_FILE), code);
writeFileSync(join(root, VALIDATOR_TYPES_FILE), types);
console.log(`wrote ${VALIDATOR_FILE} (${Math.round(code.length / 1024)} KiB) and ${VALIDATOR_TYPES_FILE} from ${SCHEMA_FILE}`);
