// `simulator`: runs the local Ayla cloud simulator until SIGINT/SIGTERM, then stops it cleanly (exit 0).
// Prints `listening on http://127.0.0.1:PORT` (then the demo credentials) on stdout; logs to stderr.
import { startSimulator } from '../simulator';
import { integerFlag, numberFlag, parseArgs, UsageError } from './args';

export const SIMULATOR_FLAGS = ['port', 'heartbeat-ms', 'devices', 'rate', 'seed', 'replay-buffer'] as const;
/** Flags without a value: `--quiet` (no log lines on stderr), `--stamp-send-time` (benchmarks: see SimulatorOptions.stampSendTime). */
export const SIMULATOR_SWITCHES = ['quiet', 'stamp-send-time'] as const;

export async function simulatorCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, SIMULATOR_FLAGS, 'simulator', SIMULATOR_SWITCHES);
  if (args.positionals.length > 0) throw new UsageError(`"simulator" takes no arguments (got "${args.positionals[0]}").`);
  const port = integerFlag(args, 'port', 8080, 0, 65535);
  const simulator = await startSimulator({
    port,
    heartbeatMs: integerFlag(args, 'heartbeat-ms', 30000, 1, 24 * 3600 * 1000),
    devices: integerFlag(args, 'devices', 3, 0, 100000),
    eventsPerSecond: numberFlag(args, 'rate', 0.5, 0),
    seed: integerFlag(args, 'seed', 1, -2147483648, 4294967295),
    replayBufferSize: integerFlag(args, 'replay-buffer', 10000, 1, 10_000_000),
    stampSendTime: args.flags.has('stamp-send-time'),
    log: args.flags.has('quiet') ? undefined : (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${port} on 127.0.0.1 is in use; pick another with --port (0 = any free port).`);
    }
    throw error;
  });
  const { demo, oemAdmin } = simulator;
  // Listen for the signals before announcing the port: whoever reads the line may stop us at once.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  process.stdout.write(
    `listening on ${simulator.url}\n` +
      `demo user: ${demo.email} / ${demo.password} (app id ${demo.appId}, app secret ${demo.appSecret})\n` +
      `oem admin: ${oemAdmin.email} / ${oemAdmin.password} (role OEM::Admin)\n`,
  );
  await stopped;
  await simulator.stop();
  return 0;
}
