// A simulator behind a recording proxy, plus clients of src/ayla wired to it, for the client's unit tests.
// Every trace line and every error message the tests see is kept in `said`, and every secret the tests
// handle in `secrets`, so a final test can check that no secret was ever said.
import { strict as assert } from 'node:assert';
import { DeviceService } from '../../../src/ayla/deviceService';
import { AylaApiError, type AylaErrorKind, type AylaService } from '../../../src/ayla/errors';
import { formatTrace, HttpClient, type Authorization, type HttpClientOptions, type HttpTrace } from '../../../src/ayla/http';
import { SubscriptionService } from '../../../src/ayla/subscriptions';
import { UserService, type SignInCredentials, type Tokens } from '../../../src/ayla/userService';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../src/simulator';
import { startRecordingProxy, type LocalServer } from './scriptedServer';

/** Collects what the client said (trace lines, error messages) and the secrets it must never say. */
export class LeakWatch {
  readonly said: string[] = [];
  readonly secrets = new Set<string>();

  trace = (trace: HttpTrace): void => {
    this.said.push(formatTrace(trace), trace.url);
    if (trace.message !== undefined) this.said.push(trace.message);
  };

  secret(...values: string[]): void {
    for (const v of values) this.secrets.add(v);
  }

  tokens(tokens: Tokens): Tokens {
    this.secret(tokens.accessToken, tokens.refreshToken);
    return tokens;
  }

  /** Fails naming the first secret found in anything said (the secret itself is not printed). */
  assertClean(): void {
    assert.ok(this.said.length > 0, 'nothing was said: the check would be vacuous');
    assert.ok(this.secrets.size > 0, 'no secret was collected: the check would be vacuous');
    for (const line of this.said) {
      for (const secret of this.secrets) {
        assert.ok(!line.includes(secret), `a secret (…${secret.slice(-4)}, ${secret.length} chars) appears in: ${line.split(secret).join('<SECRET>')}`);
      }
    }
  }
}

export interface ErrorExpectation {
  kind: AylaErrorKind;
  service?: AylaService;
  status?: number;
  message?: RegExp | string;
}

/** Awaits a rejection with an AylaApiError matching `expected`; records its message (and stack) as said. */
export async function expectAylaError(promise: Promise<unknown>, expected: ErrorExpectation, watch?: LeakWatch): Promise<AylaApiError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof AylaApiError, `expected an AylaApiError, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
  watch?.said.push(caught.message, String(caught.stack), caught.serverMessage ?? '', String(caught.cause ?? ''));
  assert.equal(caught.kind, expected.kind, caught.message);
  if (expected.service !== undefined) assert.equal(caught.service, expected.service, caught.message);
  if (expected.status !== undefined) assert.equal(caught.status, expected.status, caught.message);
  if (typeof expected.message === 'string') assert.equal(caught.message, expected.message);
  else if (expected.message) assert.match(caught.message, expected.message);
  return caught;
}

export interface AylaFixture {
  readonly sim: Simulator;
  /** In front of the simulator: every request the client sent, in order. */
  readonly proxy: LocalServer;
  readonly watch: LeakWatch;
  /** Simulator log lines (the fault switches log each failed or delayed request). */
  readonly simLog: string[];
  http(options?: HttpClientOptions): HttpClient;
  users(http?: HttpClient): UserService;
  /** Signs in (demo user by default) through the proxy and records the tokens as secrets. */
  signIn(credentials?: SignInCredentials): Promise<Tokens>;
  devices(auth: Authorization, http?: HttpClient): DeviceService;
  subscriptions(auth: Authorization, http?: HttpClient): SubscriptionService;
  /** Requests the proxy saw since `mark` (a length of `proxy.requests` taken earlier). */
  since(mark: number): { method: string; url: string; status: number | undefined }[];
}

/** Starts a quiet simulator and a recording proxy in before(), stops them in after(). */
export function useSimulator(options: SimulatorOptions = {}): AylaFixture {
  let sim: Simulator | undefined;
  let proxy: LocalServer | undefined;
  const watch = new LeakWatch();
  const simLog: string[] = [];
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the simulator fixture is used outside its before/after hooks');
    return value;
  };

  before(async () => {
    sim = await startSimulator({ port: 0, eventsPerSecond: 0, ...options, log: (line) => simLog.push(line) });
    proxy = await startRecordingProxy(sim.url);
    watch.secret(sim.demo.appSecret);
  });
  after(async () => {
    await proxy?.close();
    await sim?.stop();
  });

  const fixture: AylaFixture = {
    get sim() {
      return need(sim);
    },
    get proxy() {
      return need(proxy);
    },
    watch,
    simLog,
    http: (httpOptions = {}) => new HttpClient({ retryBaseDelayMs: 5, ...httpOptions, onRequest: watch.trace }),
    users: (http) => new UserService({ origin: fixture.proxy.url, http: http ?? fixture.http() }),
    signIn: async (credentials) => watch.tokens(await fixture.users().signIn(credentials ?? fixture.sim.demo)),
    devices: (auth, http) => new DeviceService({ origin: fixture.proxy.url, http: http ?? fixture.http(), ...auth }),
    subscriptions: (auth, http) => new SubscriptionService({ origin: fixture.proxy.url, http: http ?? fixture.http(), ...auth }),
    since: (mark) => fixture.proxy.requests.slice(mark).map((r) => ({ method: r.method, url: r.url, status: r.status })),
  };
  return fixture;
}
