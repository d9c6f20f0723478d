// What `activate()` returns: a small, stable surface for tests and for other extensions.
import type { AccountTesting } from './accountCommands';
import type { Explorer } from './explorer';
import type { ShownMessage } from './notifier';
import type { ViewTesting } from './views';
import type { EventsTesting } from './eventCommands';
import type { SubscriptionTesting } from './subscriptionsView';
import type { EventJsonTesting } from './eventJsonCommands';
import type { SetValueTesting } from './setValueCommand';
import type { ChartTesting } from './chartCommands';

export interface ExtensionApi {
  /** Where the built-in simulator listens (`http://127.0.0.1:PORT`), or undefined when it is not running. */
  simulatorUrl(): string | undefined;
  /** The last messages shown to the user, oldest first (notification toasts are not visible to tests). */
  recentMessages(): readonly ShownMessage[];
  /** How many messages were shown since activation (a mark: `recentMessages().slice(-(messageCount() - mark))`). */
  messageCount(): number;
  /** The live session, streams and device store the views render (tests drive and observe it). */
  readonly explorer: Explorer;
  /** For the integration tests only: see and answer the sign-in prompts, read what the account stored; what the views show. */
  readonly testing: AccountTesting & ViewTesting & EventsTesting & SubscriptionTesting & EventJsonTesting & SetValueTesting & ChartTesting & BenchTesting;
}

/** For the benchmarks only (test/bench, B3). */
export interface BenchTesting {
  /** How long `activate()` itself ran (ms), measured by the extension: benchmark B6 reads it from the real extension host. */
  readonly activationMs: number;
  /** Off: every view refreshes once per event (the peers' way), as the baseline coalescing is measured against. */
  setCoalescing(enabled: boolean): void;
}
