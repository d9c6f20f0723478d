// `set DSN PROPERTY VALUE`: sets a to-device property, checked against its base type before sending,
// and prints the datapoint the service answered as JSON.
import { parseArgs, UsageError } from './args';
import { ACCOUNT_FLAGS, accountOptions } from './accountFlags';
import { EXIT } from './exitCodes';
import { withSession } from './signedIn';

export async function setCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ACCOUNT_FLAGS, 'set');
  const [dsn, name, value, ...extra] = args.positionals;
  if (dsn === undefined || name === undefined || value === undefined || extra.length > 0) {
    throw new UsageError('"set" takes exactly three arguments: DSN PROPERTY VALUE.');
  }
  return withSession(accountOptions(args), async (session) => {
    const [property] = await session.devices.listProperties(dsn, [name]);
    if (!property || property.name !== name) throw new UsageError(`Device ${dsn} has no property "${name}"; "devices" lists them.`);
    const datapoint = await session.devices.setValue(dsn, property, value);
    process.stdout.write(`${JSON.stringify(datapoint)}\n`);
    return EXIT.ok;
  });
}
