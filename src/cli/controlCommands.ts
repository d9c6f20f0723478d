// Commands that drive a running simulator over its control plane (/_simulator/):
// `fault <name> [json-args]`, `rate <n>`, `flood <count>`, `stats`; all take `--url`.
import { FAULT_NAMES } from '../simulator';
import { parseArgs, UsageError, type ParsedArgs } from './args';

const DEFAULT_URL = 'http://127.0.0.1:8080';

function baseUrl(args: ParsedArgs): string {
  const raw = args.flags.get('url') ?? DEFAULT_URL;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
    return url.origin;
  } catch {
    throw new UsageError(`--url must be an http URL such as ${DEFAULT_URL} (got "${raw}").`);
  }
}

async function call(base: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<number> {
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error instanceof Error ? error.message : String(error));
    process.stderr.write(`Could not reach the simulator at ${base} (${cause}); start it with "node dist/cli.js simulator" or pass --url.\n`);
    return 1;
  }
  const text = await response.text();
  process.stdout.write(`${text}\n`);
  return response.ok ? 0 : 1;
}

function jsonArgument(raw: string | undefined): unknown {
  if (raw === undefined) return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new UsageError(`The fault arguments must be JSON, e.g. '{"count":10}' (got ${raw}).`);
  }
}

export async function faultCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['url'], 'fault');
  const [name, json, extra] = args.positionals;
  if (name === undefined) throw new UsageError(`"fault" needs a fault name: ${FAULT_NAMES.join(', ')}.`);
  if (!(FAULT_NAMES as readonly string[]).includes(name)) throw new UsageError(`Unknown fault "${name}"; use one of ${FAULT_NAMES.join(', ')}.`);
  if (extra !== undefined) throw new UsageError(`"fault" takes a name and one JSON argument (got "${extra}" too).`);
  return call(baseUrl(args), 'POST', `/_simulator/faults/${name}`, jsonArgument(json));
}

function onePositiveNumber(args: ParsedArgs, command: string, what: string): number {
  const [raw, extra] = args.positionals;
  const value = Number(raw);
  if (raw === undefined || extra !== undefined || raw.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`"${command}" needs one number: ${what}.`);
  }
  return value;
}

export async function rateCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['url'], 'rate');
  const eventsPerSecond = onePositiveNumber(args, 'rate', 'events per second per device');
  return call(baseUrl(args), 'POST', '/_simulator/rate', { eventsPerSecond });
}

export async function floodCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['url'], 'flood');
  const count = onePositiveNumber(args, 'flood', 'how many datapoint events');
  if (!Number.isInteger(count) || count < 1) throw new UsageError('"flood" needs a positive integer count.');
  return call(baseUrl(args), 'POST', '/_simulator/flood', { count });
}

export async function statsCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['url'], 'stats');
  if (args.positionals.length > 0) throw new UsageError('"stats" takes no arguments.');
  return call(baseUrl(args), 'GET', '/_simulator/stats');
}
