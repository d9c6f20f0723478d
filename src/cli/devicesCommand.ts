// `devices`: lists the account's devices with their properties and current values, as a readable
// table or (--json) as one JSON object per device.
import type { Property } from '../ayla/wireTypes';
import { parseArgs, UsageError } from './args';
import { ACCOUNT_FLAGS, accountOptions } from './accountFlags';
import { EXIT } from './exitCodes';
import { withSession } from './signedIn';


function direction(property: Property): string {
  return property.direction === 'input' ? 'to device' : 'from device';
}

export async function devicesCommand(argv: readonly string[]): Promise<number> {
  // --json is a switch, not a flag with a value.
  const json = argv.includes('--json');
  const args = parseArgs(argv.filter((a) => a !== '--json'), ACCOUNT_FLAGS, 'devices');
  if (args.positionals.length > 0) throw new UsageError(`"devices" takes no arguments (got "${args.positionals[0]}").`);
  return withSession(accountOptions(args), async (session) => {
    const devices = await session.devices.listDevices();
    for (const device of devices) {
      const properties = await session.devices.listProperties(device.dsn);
      if (json) {
        process.stdout.write(`${JSON.stringify({ device, properties })}\n`);
        continue;
      }
      process.stdout.write(`${device.dsn}  ${device.product_name}  (${device.oem_model}, ${device.connection_status})\n`);
      for (const p of properties) {
        process.stdout.write(`  ${p.name.padEnd(24)} ${p.base_type.padEnd(8)} ${direction(p).padEnd(11)} ${JSON.stringify(p.value)}\n`);
      }
    }
    if (!json && devices.length === 0) process.stdout.write('No devices on this account.\n');
    return EXIT.ok;
  });
}
