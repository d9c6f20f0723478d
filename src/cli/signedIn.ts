// Runs a CLI command inside a signed-in session, and always signs out afterwards so the command leaves
// no live tokens behind.
import { AylaSession, type SessionLog } from '../ayla/session';
import type { AccountOptions } from './accountFlags';

export const stderrLog: SessionLog = (level, line) => {
  if (level !== 'debug') process.stderr.write(`${new Date().toISOString()} ${level}: ${line}\n`);
};

export async function withSession<T>(account: AccountOptions, run: (session: AylaSession) => Promise<T>): Promise<T> {
  const session = await AylaSession.signIn({ hosts: account.hosts, clientType: account.clientType, log: stderrLog }, account.credentials);
  try {
    return await run(session);
  } finally {
    await session.signOut().catch(() => undefined);
    session.dispose();
  }
}
