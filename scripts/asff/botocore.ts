/**
 * Finds and reads the Security Hub service model and the partition data that awscli's botocore ships.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface BotocoreShape {
  type: string;
  members?: Record<string, { shape: string; documentation?: string }>;
  required?: string[];
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  enum?: string[];
  pattern?: string;
  min?: number;
  max?: number;
  deprecated?: boolean;
}

export interface BotocoreModel {
  metadata: { apiVersion: string; uid?: string };
  shapes: Record<string, BotocoreShape>;
}

export interface BotocoreSources {
  version: string;
  model: BotocoreModel;
  /** Region names per partition id, from partitions.json (pseudo-Regions like `aws-global` left out). */
  regions: Record<string, string[]>;
}

const MODEL_PATH = ['data', 'securityhub', '2018-10-26', 'service-2.json.gz'];

/** botocore's package folder: the given one, or the one python3 imports. Undefined when none. */
export function findBotocoreDir(explicit?: string): string | undefined {
  if (explicit) return existsSync(join(explicit, ...MODEL_PATH)) ? explicit : undefined;
  try {
    const out = execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 20_000,
    });
    const dir = out.trim();
    return dir && existsSync(join(dir, ...MODEL_PATH)) ? dir : undefined;
  } catch {
    return undefined;
  }
}

export function readBotocore(dir: string): BotocoreSources {
  const model = JSON.parse(gunzipSync(readFileSync(join(dir, ...MODEL_PATH))).toString('utf8')) as BotocoreModel;
  const init = readFileSync(join(dir, '__init__.py'), 'utf8');
  const version = /__version__\s*=\s*['"]([^'"]+)['"]/.exec(init)?.[1] ?? 'unknown';
  const partitions = JSON.parse(readFileSync(join(dir, 'data', 'partitions.json'), 'utf8')) as {
    partitions: Array<{ id: string; regions?: Record<string, unknown> }>;
  };
  const regions: Record<string, string[]> = {};
  for (const partition of partitions.partitions) {
    regions[partition.id] = Object.keys(partition.regions ?? {})
      .filter((name) => !name.endsWith('-global'))
      .sort();
  }
  return { version, model, regions };
}
