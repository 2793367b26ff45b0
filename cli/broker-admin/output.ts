/**
 * How the operator CLI answers: exactly one JSON document on stdout with --json, readable text
 * without; progress, notes and prompts always on stderr. Exit codes: 0 done, 1 failed (an AWS error,
 * a refusal, messages left behind), 2 bad usage (a flag, a value, missing configuration).
 */
import { awsErrorName, BrokerError, errorMessage } from '#shared/errors.js';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** An expected failure: its message is the whole answer (one line, no stack trace). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT.usage);
export const failure = (message: string): CliError => new CliError(message, EXIT.failed);

export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  /** The command's one result: the value as JSON with --json, else its human rendering. */
  result(value: unknown, human: () => string): void {
    const text = this.json ? JSON.stringify(value, null, 2) : human();
    if (text.length > 0) this.stdout.write(`${text.replace(/\n+$/, '')}\n`);
  }

  /** A line for the operator, never part of the result (stderr, so --json output stays one document). */
  note(line: string): void {
    this.stderr.write(`${line}\n`);
  }
}

/** Names AWS answers with when the credentials are missing, unknown or expired. */
const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError', 'InvalidClientTokenId', 'UnrecognizedClientException', 'UnrecognizedClient', 'InvalidAccessKeyId',
  'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'InvalidSignatureException', 'AuthFailure', 'TokenRefreshRequired',
]);

/** One line and an exit code for anything a command throws; a stack trace only for what nobody expected, and only with DEBUG. */
export function describeError(error: unknown): { message: string; exitCode: number; stack?: string } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof BrokerError) return { message: `${error.code}: ${error.message}`, exitCode: EXIT.failed };
  const name = awsErrorName(error);
  const message = oneLine(errorMessage(error));
  if (CREDENTIAL_ERRORS.has(name)) {
    return {
      message: `AWS credentials are missing or invalid (${name}: ${message}). Configure them (AWS_PROFILE, aws sso login, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and run the command again.`,
      exitCode: EXIT.failed,
    };
  }
  if (/^Region is missing/i.test(message)) return { message: 'No AWS Region: pass --aws-region or set AWS_REGION.', exitCode: EXIT.usage };
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EAI_AGAIN)$/.test(code)) {
    return { message: `Cannot reach AWS (${message}). Locally: is \`npm start\` running?`, exitCode: EXIT.failed };
  }
  if (error && typeof error === 'object' && '$metadata' in error) return { message: `AWS ${name}: ${message}`, exitCode: EXIT.failed };
  return { message: `${name === 'UnknownError' ? 'Error' : name}: ${message}`, exitCode: EXIT.failed, ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) };
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A duration for people: 45s, 12m, 3h 5m, 2d 4h. */
export function humanAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days}d ${hours % 24}h` : `${days}d`;
}

/** The filter as the operator reads it: `accounts=A,B errorCodes=X`, or `every message`. */
export function filterText(described: Record<string, unknown>): string {
  const parts = Object.entries(described).map(([key, value]) =>
    key === 'olderThanMs' ? `olderThan=${humanAge(Number(value))}` : `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`);
  return parts.length > 0 ? parts.join(' ') : 'every message';
}

export const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
