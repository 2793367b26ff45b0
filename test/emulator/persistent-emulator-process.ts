/**
 * A process holding an emulator on a data dir, for the SIGKILL test in persistence.test.ts: prints
 * `{"url": ...}` once it listens, then serves until it is killed. Usage: <this file> <dataDir>.
 */
import { startEmulator } from '#emulator/index.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: persistent-emulator-process.ts <dataDir>');
const emulator = await startEmulator({ dataDir });
process.stdout.write(`${JSON.stringify({ url: emulator.url })}\n`);
