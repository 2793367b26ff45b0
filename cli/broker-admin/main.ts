/**
 * `npm run broker-admin -- <command> [flags]`: the operator's tool for partners, tokens, customer
 * registrations and the dead-letter queue. `--help` on the program or any command lists its flags.
 * Where the broker is (table, queues, Region, a local stack) is resolved once, see context.ts; what
 * it prints and its exit codes, see output.ts.
 */
import { Command, CommanderError } from 'commander';
import { Context, type GlobalFlags, type Runner } from './context.js';
import { registerDlqCommands } from './dlq.js';
import { describeError, EXIT, Output } from './output.js';
import { registerPartnerCommands } from './partners.js';
import { registerRegistrationCommands } from './registrations.js';

const NAME = 'npm run broker-admin --';

let exitCode: number = EXIT.ok;

const run: Runner = (action) => async (...args: unknown[]) => {
  const command = args[args.length - 1] as Command;
  const options = command.optsWithGlobals<GlobalFlags>();
  const out = new Output(Boolean(options.json));
  const ctx = new Context(options);
  try {
    exitCode = (await action({ options: options as never, ctx, out })) ?? EXIT.ok;
  } catch (error) {
    const described = describeError(error);
    process.stderr.write(`error: ${described.message}\n`);
    if (described.stack && process.env.DEBUG) process.stderr.write(`${described.stack}\n`);
    exitCode = described.exitCode;
  } finally {
    ctx.close();
  }
};

const program = new Command(NAME)
  .description('Operate the Security Hub findings broker: partners, tokens, registrations and the dead-letter queue.')
  .option('--json', 'print exactly one JSON document on stdout (notes and progress stay on stderr)')
  .option('--table <name>', 'the registry table (env TABLE_NAME, stack output TableName)')
  .option('--dead-letter-queue-url <url>', 'the DLQ (env DEAD_LETTER_QUEUE_URL, stack output DeadLetterQueueUrl)')
  .option('--delivery-queue-url <url>', 'the delivery queue (env DELIVERY_QUEUE_URL, stack output DeliveryQueueUrl)')
  .option('--aws-region <region>', 'the broker\'s AWS Region (env AWS_REGION)')
  .option('--stack-name <name>', 'read the table and queues from this deployed stack\'s outputs (env BROKER_STACK_NAME)')
  .addHelpText('after', `
Without --table, queue flags, their environment variables or a stack name, the CLI reads .local/stack.json
in the current directory (written by npm start) and talks to the local stack.
Exit codes: 0 done, 1 failed, 2 bad usage.`)
  .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
  .exitOverride()
  .allowExcessArguments(false);

registerPartnerCommands(program, run);
registerRegistrationCommands(program, run);
registerDlqCommands(program, run);

/** Every command: a bad flag or value prints commander's one line, then where to read the usage. */
function hintAfterErrors(command: Command, path: string[]): void {
  command.exitOverride().allowExcessArguments(false).showHelpAfterError(`Run '${[NAME, ...path, '--help'].join(' ')}' for usage.`);
  for (const sub of command.commands) hintAfterErrors(sub, [...path, sub.name()]);
}
hintAfterErrors(program, []);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help answers 0; an unknown command or flag, a missing or bad value: 2 (commander has said which).
    exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    process.stderr.write(`error: ${describeError(error).message}\n`);
    exitCode = EXIT.failed;
  }
}
// Let stdout drain before leaving (the AWS clients' sockets would otherwise keep the process alive).
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(exitCode);
