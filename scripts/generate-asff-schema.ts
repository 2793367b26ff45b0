/**
 * Generates shared/asff/asff-schema.generated.json (and the partition/Region list beside it) from
 * the Security Hub model in awscli's botocore.
 *
 *   npm exec -- tsx scripts/generate-asff-schema.ts [path/to/botocore]
 *
 * Without an argument, botocore is found through `python3 -c "import botocore"`.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBotocoreDir, readBotocore } from './asff/botocore.js';
import { generateAsffArtifacts, serializeArtifact } from './asff/model-to-schema.js';

export const SCHEMA_FILE = 'shared/asff/asff-schema.generated.json';
export const PARTITIONS_FILE = 'shared/asff/aws-partitions.generated.json';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
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
