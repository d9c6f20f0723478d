// Tokens and stream keys: 32 lowercase hex characters from crypto, never from the seeded generator.
import { randomBytes, randomUUID } from 'node:crypto';

export function newToken(): string {
  return randomBytes(16).toString('hex');
}

export function newUuid(): string {
  return randomUUID();
}

/** What a log line may show of a secret: its first four characters. */
export function redact(secret: string): string {
  return `${secret.slice(0, 4)}…`;
}
