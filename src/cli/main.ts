// The terminal front end (bundled to dist/cli.js): `node dist/cli.js <command> …`.
import { UsageError } from './args';
import { faultCommand, floodCommand, rateCommand, statsCommand } from './controlCommands';
import { ACCOUNT_USAGE } from './accountFlags';
import { devicesCommand } from './devicesCommand';
import { exitCodeFor } from './exitCodes';
import { setCommand } from './setCommand';
import { simulatorCommand } from './simulatorCommand';
import { tailCommand } from './tailCommand';

export const USAGE = `Usage: node dist/cli.js <command> [options]

Commands:
  tail [--events datapoint,connectivity,…] [--dsn A,B] [--property P] [--oem-model M] [account options]
      Sign in, subscribe, and print every event's raw JSON as one line on stdout (states and errors go
      to stderr). Survives reconnects; Ctrl+C deletes the subscriptions and exits 0.
  devices [--json] [account options]
      List the devices with their properties and current values.
  set DSN PROPERTY VALUE [account options]
      Set a to-device property (checked against its type first) and print the datapoint as JSON.
  simulator [--port 8080] [--heartbeat-ms N] [--devices N] [--rate N] [--seed N] [--replay-buffer N]
            [--quiet] [--stamp-send-time]
      Run the local Ayla cloud simulator on 127.0.0.1 until Ctrl+C (--port 0 = any free port).
      Prints "listening on http://127.0.0.1:PORT" and the demo account; logs go to stderr (none with
      --quiet). --replay-buffer: events kept per subscription for seq_start replay (default 10000).
      --stamp-send-time (benchmarks): datapoints carry metadata.sent_mono_ms, the monotonic clock in ms.
  fault <name> [json-args] [--url http://127.0.0.1:8080]
      Switch a fault on in a running simulator and print its JSON answer. Names:
        drop-sockets, stop-heartbeats {"on":true}, garbage {"count":10}, oversized {"bytes":2000000},
        expire-tokens, expire-stream-keys, fail {"status":503,"count":3,"pathPrefix":"/apiv1"},
        delay {"ms":5000,"count":1}, reset
  rate <events-per-second-per-device> [--url …]   Set how fast the simulated devices emit events.
  flood <count> [--url …]                          Send <count> datapoint events to every stream, as fast as each takes them.
  stats [--url …]                                  Print the simulator's counters.

${ACCOUNT_USAGE}

Options:
  --help   Show this text.

Exit codes: 0 done, 1 failed (host unreachable, server error), 2 bad arguments or value,
3 authentication failed, 4 the stream could not be recovered.

Demo account: dev@example.com / simulator, app id simulator-app, app secret simulator-secret.
`;

type Command = (argv: readonly string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  tail: tailCommand,
  devices: devicesCommand,
  set: setCommand,
  simulator: simulatorCommand,
  fault: faultCommand,
  rate: rateCommand,
  flood: floodCommand,
  stats: statsCommand,
};

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (command === '--help' || command === '-h' || command === 'help' || rest.includes('--help')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    const what = command.startsWith('-') ? `Unknown flag ${command}` : `Unknown command "${command}"`;
    throw new UsageError(`${what}; the commands are ${Object.keys(COMMANDS).join(', ')} (run with --help for usage).`);
  }
  return run(rest);
}

/** Exits once stdout has flushed: `tail` output piped to another program must not lose its last lines. */
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

main(process.argv.slice(2)).then(exit, (error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    exit(2);
    return;
  }
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  exit(exitCodeFor(error));
});
