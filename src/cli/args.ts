// A small argument parser: positionals plus `--flag value` / `--flag=value`, each command declaring the
// flags it knows. Mistakes are UsageErrors: one sentence, exit code 2.

export class UsageError extends Error {}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string>;
}

/**
 * `known` lists the flags that take a value (without `--`); `switches` those that take none (their value is
 * recorded as ''); `--help` is always known.
 */
export function parseArgs(argv: readonly string[], known: readonly string[], command: string, switches: readonly string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (name === 'help' || switches.includes(name)) {
      if (eq !== -1 && name !== 'help') throw new UsageError(`Flag --${name} takes no value.`);
      flags.set(name, '');
      continue;
    }
    if (!known.includes(name)) throw new UsageError(`Unknown flag --${name} for "${command}"; run with --help to see the usage.`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined) throw new UsageError(`Flag --${name} needs a value.`);
    flags.set(name, value);
  }
  return { positionals, flags };
}

export function integerFlag(args: ParsedArgs, name: string, fallback: number, min: number, max: number): number {
  const raw = args.flags.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got "${raw}").`);
  return value;
}

export function numberFlag(args: ParsedArgs, name: string, fallback: number, min: number): number {
  const raw = args.flags.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min) throw new UsageError(`--${name} must be a number ≥ ${min} (got "${raw}").`);
  return value;
}
