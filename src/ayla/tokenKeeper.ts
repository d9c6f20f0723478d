// Keeps a session's tokens fresh: refreshes the access token a few minutes before it expires and once
// when a call answers 401, shares one refresh among everyone who asks at the same time, and — when the
// service rejects the refresh token — ends in a signed-out state instead of a loop of failing calls.
import { Emitter, type Disposable } from './emitter';
import { AylaApiError } from './errors';
import type { Tokens, UserService } from './userService';

export type TokenState = { kind: 'signedIn' } | { kind: 'signedOut'; reason: string };

export interface TokenKeeperOptions {
  /** Refresh this long before the access token expires; default 5 minutes. */
  refreshMarginMs?: number;
  /** Wait before retrying a refresh that failed for a reason other than rejection; default 30 s. */
  retryDelayMs?: number;
  now?: () => number;
}

/** setTimeout's limit; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const SIGNED_OUT_MESSAGE = 'Signed out: the Ayla session expired or was revoked. Sign in again.';

export class TokenKeeper {
  private current: Tokens;
  private refreshing: Promise<Tokens> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private signedOutReason: string | undefined;
  private readonly now: () => number;
  private readonly margin: number;
  private readonly retryDelay: number;
  private readonly tokensEmitter = new Emitter<Tokens>();
  private readonly stateEmitter = new Emitter<TokenState>();

  /** New tokens (after sign-in or each refresh): the extension stores them in SecretStorage. */
  readonly onTokens = (listener: (tokens: Tokens) => void): Disposable => this.tokensEmitter.event(listener);
  readonly onState = (listener: (state: TokenState) => void): Disposable => this.stateEmitter.event(listener);

  constructor(
    private readonly users: UserService,
    tokens: Tokens,
    options: TokenKeeperOptions = {},
  ) {
    this.current = tokens;
    this.now = options.now ?? Date.now;
    this.margin = options.refreshMarginMs ?? 5 * 60_000;
    this.retryDelay = options.retryDelayMs ?? 30_000;
    this.schedule();
  }

  get tokens(): Tokens {
    return this.current;
  }

  get state(): TokenState {
    return this.signedOutReason === undefined ? { kind: 'signedIn' } : { kind: 'signedOut', reason: this.signedOutReason };
  }

  /** The access token to send now; refreshes first when it has expired. Throws once signed out. */
  readonly accessToken = async (): Promise<string> => {
    this.throwIfSignedOut();
    if (this.current.expiresAt <= this.now()) await this.refresh().catch(() => undefined);
    this.throwIfSignedOut();
    return this.current.accessToken;
  };

  /**
   * A call answered 401: refresh (once for everyone asking now) so the caller can repeat it. A call that sent
   * a token already replaced (it was in flight while another caller refreshed) just repeats with the new one:
   * refreshing again would revoke the tokens the others have just received.
   */
  readonly onUnauthorized = async (rejectedToken?: string): Promise<void> => {
    if (rejectedToken !== undefined && rejectedToken !== this.current.accessToken) {
      this.throwIfSignedOut();
      return;
    }
    await this.refresh();
  };

  /** Refreshes now, or joins the refresh already running. */
  refresh(): Promise<Tokens> {
    this.throwIfSignedOut();
    this.refreshing ??= this.users
      .refresh(this.current.refreshToken)
      .then((tokens) => {
        this.current = tokens;
        this.tokensEmitter.fire(tokens);
        this.schedule();
        return tokens;
      })
      .catch((error: unknown) => {
        if (error instanceof AylaApiError && error.kind === 'http' && (error.status === 401 || error.status === 404)) {
          this.signOut(SIGNED_OUT_MESSAGE);
          throw new AylaApiError('user', 'http', error.status, SIGNED_OUT_MESSAGE, { cause: error });
        } else {
          this.schedule(this.retryDelay);
        }
        throw error;
      })
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Forgets the tokens' schedule and reports `signedOut`; every later call fails at once. */
  signOut(reason: string): void {
    if (this.signedOutReason !== undefined) return;
    this.signedOutReason = reason;
    clearTimeout(this.timer);
    this.stateEmitter.fire(this.state);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.tokensEmitter.dispose();
    this.stateEmitter.dispose();
  }

  private throwIfSignedOut(): void {
    if (this.signedOutReason !== undefined) throw new AylaApiError('user', 'http', 401, this.signedOutReason);
  }

  /** Short-lived tokens (tests, some deployments) are refreshed half-way through their life instead. */
  private refreshDelay(): number {
    const remaining = this.current.expiresAt - this.now();
    return remaining > 2 * this.margin ? remaining - this.margin : remaining / 2;
  }

  private schedule(delayMs = this.refreshDelay()): void {
    clearTimeout(this.timer);
    if (this.signedOutReason !== undefined) return;
    const wait = Math.max(500, delayMs);
    this.timer = setTimeout(() => {
      // Long waits are taken in steps: setTimeout fires at once beyond its 24.8-day limit.
      if (wait > MAX_TIMER_MS) this.schedule();
      else this.refresh().catch(() => undefined);
    }, Math.min(wait, MAX_TIMER_MS));
    this.timer.unref();
  }
}
