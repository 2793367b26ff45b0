/**
 * The expected answers the conformance suite asserts, one per scenario, kept in
 * expected-answers.json with where each comes from: an AWS document, or a recording of what a
 * real AWS account answered (CONFORMANCE_TARGET=aws CONFORMANCE_RECORD=1, docs/conformance.md).
 * Answers are normalised to what the broker relies on (error name, HTTP status, per-finding error
 * codes), never to message texts, which AWS does not document.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Answer = Record<string, unknown>;

interface Expected {
  answer: Answer;
  source: string;
}

const FILE = join(import.meta.dirname, 'expected-answers.json');
const expected = JSON.parse(readFileSync(FILE, 'utf8')) as { $comment: string; answers: Record<string, Expected> };
const observed = new Map<string, Answer>();

export function expectedAnswer(scenario: string): Expected {
  const entry = expected.answers[scenario];
  if (!entry) throw new Error(`no expected answer for "${scenario}" in test/conformance/expected-answers.json`);
  return entry;
}

/** Remembers what the target answered, for recording. */
export function observe(scenario: string, answer: Answer): Answer {
  observed.set(scenario, answer);
  return answer;
}

/** What an SDK call answered: `{status, ...summary}` or `{error, status}`. */
export async function answerOf<T>(call: Promise<T>, summarise: (reply: T) => Answer): Promise<Answer> {
  try {
    const reply = await call;
    return { status: (reply as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, ...summarise(reply) };
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    return { error: e.name, status: e.$metadata?.httpStatusCode };
  }
}

/** Writes every observed answer back as the expected one, marked as recorded from the target. */
export function recordObserved(where: string, now = new Date()): void {
  for (const [scenario, answer] of observed) {
    expected.answers[scenario] = { answer, source: `recorded from ${where} on ${now.toISOString().slice(0, 10)}` };
  }
  writeFileSync(FILE, `${JSON.stringify(expected, null, 2)}\n`);
}
