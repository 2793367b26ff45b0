import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBotocoreDir, readBotocore, type BotocoreSources } from '../../../scripts/asff/botocore.js';
import { generateAsffArtifacts, serializeArtifact } from '../../../scripts/asff/model-to-schema.js';

const root = join(import.meta.dirname, '..', '..', '..');
const committedSchema = readFileSync(join(root, 'shared/asff/asff-schema.generated.json'), 'utf8');
const committedPartitions = readFileSync(join(root, 'shared/asff/aws-partitions.generated.json'), 'utf8');
const committedVersion = (JSON.parse(committedPartitions) as { botocoreVersion: string }).botocoreVersion;

const dir = findBotocoreDir(process.env.BOTOCORE_DIR);
const sources: BotocoreSources | undefined = dir ? readBotocore(dir) : undefined;
const sameModel = sources?.version === committedVersion;
const skipReason = !sources
  ? 'python3/botocore not found, so the generator cannot be re-run here'
  : `installed botocore ${sources.version} is not the ${committedVersion} the schema was generated from; run the generator to upgrade`;
if (!sameModel) console.warn(`NOTICE generated-schema.test.ts: skipped, ${skipReason}.`);

describe('the generated ASFF schema', () => {
  it('says it is generated, from which botocore, and not to edit it by hand', () => {
    const schema = JSON.parse(committedSchema) as { $comment: string };
    expect(schema.$comment).toContain(`botocore ${committedVersion}`);
    expect(schema.$comment).toContain('Do not edit by hand');
  });

  it.skipIf(!sameModel)(
    sameModel ? `is what the generator makes from botocore ${committedVersion} today` : `is up to date (SKIPPED: ${skipReason})`,
    () => {
      const { schema, partitions } = generateAsffArtifacts(sources!);
      // Compare as text: a hand edit, a changed overlay or a changed generator all show up here.
      expect(serializeArtifact(schema) === committedSchema, 'run `npm exec -- tsx scripts/generate-asff-schema.ts`').toBe(true);
      expect(serializeArtifact(partitions)).toBe(committedPartitions);
    },
  );
});
