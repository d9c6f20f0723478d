// Turns anything thrown into the short text that goes inside a user-facing sentence.

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') return 'the port is already in use';
    if (code === 'EACCES') return 'permission to use the port was denied';
    return error.message.replace(/[.\s]+$/, '');
  }
  return String(error);
}
