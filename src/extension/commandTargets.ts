// What a command was invoked on: a DeviceNode or PropertyNode from the tree menus, or any object with the
// same fields (a test, a keybinding's args). Arguments are untrusted, so each field is checked.

/** `{dsn}` of a device (or of anything with a DSN). */
export function dsnOf(target: unknown): string | undefined {
  const dsn = (target as { dsn?: unknown } | undefined)?.dsn;
  return typeof dsn === 'string' && dsn !== '' ? dsn : undefined;
}

/** `{dsn, name}` of a property. */
export function propertyOf(target: unknown): { dsn: string; name: string } | undefined {
  const dsn = dsnOf(target);
  const name = (target as { name?: unknown } | undefined)?.name;
  return dsn !== undefined && typeof name === 'string' && name !== '' ? { dsn, name } : undefined;
}
