// The Subscriptions view: the signed-in account's subscriptions on the server, each marked as this
// window's (it streams from it now), a leftover of Ayla DSS Explorer (named `vscode-<type>-<8 hex>`, not
// this window's), or another app's. "Delete Subscription" on a row, "Delete Leftover Subscriptions" for the
// clean-up, "Refresh Subscriptions". The stream key is never shown (subscriptionItems.ts).
//
// The list is fetched again on sign-in, when streaming starts, goes live or stops, after every delete and
// on "Refresh Subscriptions" — but only while the view is visible: a hidden view is marked stale and
// fetched when it is shown. While signed out it has no rows and says so (TreeView.message).
//
// Deleting this window's live subscription or another app's asks first (a modal warning); so does the
// leftover clean-up, which says how many it deletes. Tests answer those through `answerConfirmations`.
import * as vscode from 'vscode';
import type { AylaSession } from '../ayla/session';
import type { Subscription } from '../ayla/wireTypes';
import { CloudAccessOffer, type AccessRuleOfferView } from './cloudAccessOffer';
import { describeError } from './describeError';
import type { TreeItemView } from './deviceTreeItems';
import type { Explorer } from './explorer';
import type { ExplorerState } from './explorerState';
import type { Notifier } from './notifier';
import { leftoverSubscriptions, sortSubscriptions, subscriptionItem, subscriptionOrigin, type SubscriptionOrigin } from './subscriptionItems';
import { rowOf, toTreeItem, type TreeItemRow } from './treeItem';
import { plural } from './plural';

export const SIGNED_OUT_MESSAGE = 'Sign in to see the subscriptions of your Ayla account.';
export const EMPTY_MESSAGE = 'No subscriptions on this account.';

export interface SubscriptionNode {
  readonly kind: 'subscription';
  readonly subscription: Subscription;
  readonly origin: SubscriptionOrigin;
  readonly view: TreeItemView;
}

/** One row of `snapshot()`: what the view shows, read through getChildren/getTreeItem. */
export type SubscriptionRow = TreeItemRow;

export interface LeftoverCleanUp {
  /** Subscriptions deleted (one already gone counts as deleted). */
  deleted: number;
  failed: number;
}

/** For the integration tests only. */
export interface SubscriptionTesting {
  /** The Subscriptions view as it shows now (via the provider's getChildren/getTreeItem). */
  subscriptionsTree(): SubscriptionRow[];
  /** The message the Subscriptions view shows above its rows (signed out, empty, an error), if any. */
  subscriptionsMessage(): string | undefined;
  /** Whether the Subscriptions view is visible now. */
  subscriptionsVisible(): boolean;
  /**
   * Answers the modal confirmations of the Subscriptions view from now on (true: the action button; false:
   * Cancel) instead of showing them; undefined shows the real modal again. Every question asked is kept.
   */
  answerConfirmations(answer: boolean | undefined): void;
  /** Every confirmation asked (message and detail), oldest first. */
  confirmationsAsked(): readonly string[];
  /** The "Create Access Rule" offer after a refused cloud subscription, if one is showing. */
  accessRuleOffer(): AccessRuleOfferView | undefined;
  /** Clicks "Create Access Rule" on the showing offer: creates the rules, streams again; true when streaming started. */
  acceptAccessRuleOffer(): Promise<boolean>;
}

export class SubscriptionsProvider implements vscode.TreeDataProvider<SubscriptionNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  private nodes: SubscriptionNode[] = [];
  private view: vscode.TreeView<SubscriptionNode> | undefined;
  private message: string | undefined = SIGNED_OUT_MESSAGE;
  private stale = true;
  private generation = 0;
  private latest: Promise<boolean> = Promise.resolve(false);
  private lastKey = '';
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly explorer: Explorer) {
    this.disposables.push(explorer.onDidChangeState((state) => this.stateChanged(state)));
    this.stateChanged(explorer.state);
  }

  attach(view: vscode.TreeView<SubscriptionNode>): void {
    this.view = view;
    view.message = this.message;
    this.disposables.push(
      view.onDidChangeVisibility((e) => {
        if (e.visible && this.stale) void this.refresh();
      }),
    );
    if (view.visible && this.stale) void this.refresh();
  }

  getTreeItem(node: SubscriptionNode): vscode.TreeItem {
    return toTreeItem(node.view);
  }

  getChildren(node?: SubscriptionNode): SubscriptionNode[] {
    return node === undefined ? this.nodes : [];
  }

  /** The node of a listed subscription, by id. */
  node(id: number): SubscriptionNode | undefined {
    return this.nodes.find((n) => n.subscription.id === id);
  }

  get currentMessage(): string | undefined {
    return this.message;
  }

  snapshot(): SubscriptionRow[] {
    return this.getChildren().map((node) => rowOf(this.getTreeItem(node)));
  }

  /**
   * Lists the account's subscriptions again. Resolves when the newest listing has been shown (a refresh
   * overtaken by a later one waits for that one); false when it failed or nobody is signed in.
   */
  refresh(): Promise<boolean> {
    const generation = ++this.generation;
    this.stale = false;
    const session = this.explorer.currentSession;
    if (!session) {
      this.show([], SIGNED_OUT_MESSAGE);
      this.latest = Promise.resolve(false);
      return this.latest;
    }
    // An overtaken listing hands over to the newest one (never to itself: `latest` is replaced before).
    const run = async (): Promise<boolean> => {
      try {
        const listed = await session.subscriptions.listSubscriptions();
        if (generation !== this.generation) return this.latest;
        // Taken after the listing: a stream may have renewed its subscription meanwhile.
        const active = new Set(session.activeSubscriptions().map((s) => s.id));
        this.show(
          sortSubscriptions(listed, active).map((subscription) => {
            const origin = subscriptionOrigin(subscription, active);
            return { kind: 'subscription', subscription, origin, view: subscriptionItem(subscription, origin) };
          }),
          listed.length === 0 ? EMPTY_MESSAGE : undefined,
        );
        return true;
      } catch (error) {
        if (generation !== this.generation) return this.latest;
        this.show(this.explorer.currentSession === session ? this.nodes : [], `Could not list the subscriptions: ${describeError(error)}.`);
        return false;
      }
    };
    this.latest = run();
    return this.latest;
  }

  /** Refreshes now if the view is visible (resolves when shown), else when it is next shown. */
  async requestRefresh(): Promise<void> {
    if (this.view?.visible) await this.refresh();
    else this.stale = true;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    this.changed.dispose();
  }

  private stateChanged(state: ExplorerState): void {
    const key =
      state.kind === 'signedIn'
        ? ['signedIn', state.account.email, state.account.cloudLabel, state.account.clientType, state.streaming.kind, state.streams.join(',')].join('|')
        : state.kind;
    const changed = key !== this.lastKey;
    this.lastKey = key;
    if (state.kind !== 'signedIn') {
      if (changed) {
        // A listing still under way belongs to the session that is gone.
        this.generation++;
        this.latest = Promise.resolve(false);
        this.stale = true;
        this.show([], SIGNED_OUT_MESSAGE);
      }
      return;
    }
    // Stopping fires "stopped" as soon as the sockets close, before the subscriptions are deleted; the
    // explorer fires once more when they are. Not streaming, every state change is worth a listing (there
    // are no per-second rate updates then).
    if (changed || state.streaming.kind === 'stopped') void this.requestRefresh();
  }

  private show(nodes: SubscriptionNode[], message: string | undefined): void {
    this.nodes = nodes;
    this.message = message;
    if (this.view) this.view.message = message;
    this.changed.fire(undefined);
  }
}

/** Modal confirmations, or the answers a test gave. */
class Confirmations {
  private answer: boolean | undefined;
  readonly asked: string[] = [];

  setAnswer(answer: boolean | undefined): void {
    this.answer = answer;
  }

  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    this.asked.push(`${message}\n${detail}`);
    if (this.answer !== undefined) return this.answer;
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
  }
}

export interface SubscriptionsViewDependencies {
  explorer: Explorer;
  notifier: Notifier;
}

export function registerSubscriptionsView(context: vscode.ExtensionContext, { explorer, notifier }: SubscriptionsViewDependencies): SubscriptionTesting {
  const provider = new SubscriptionsProvider(explorer);
  const view = vscode.window.createTreeView('aylaDss.subscriptions', { treeDataProvider: provider });
  provider.attach(view);
  const confirmations = new Confirmations();
  const offer = new CloudAccessOffer(explorer, notifier);
  context.subscriptions.push(provider, view, offer);

  const register = (id: string, run: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  };
  const signedInSession = (): AylaSession | undefined => {
    const session = explorer.currentSession;
    if (!session) void notifier.info('Sign in first: run "Ayla DSS: Sign In" (or try the local simulator).');
    return session;
  };

  register('aylaDss.refreshSubscriptions', async () => {
    if (!signedInSession()) return false;
    const listed = await provider.refresh();
    if (!listed && provider.currentMessage) void notifier.error(provider.currentMessage);
    return listed;
  });

  // From a row (inline or context menu) the argument is its node; other callers may pass the subscription id.
  register('aylaDss.deleteSubscription', async (target?: unknown) => {
    const session = signedInSession();
    if (!session) return false;
    const id = typeof target === 'number' ? target : isNode(target) ? target.subscription.id : view.selection[0]?.subscription.id;
    if (id === undefined) {
      void notifier.info('Pick a subscription in the Subscriptions view to delete.');
      return false;
    }
    const known = provider.node(id);
    const name = known ? known.view.label : `subscription ${id}`;
    // Whose it is now, not when it was listed (a renewal may have replaced this window's one since).
    const active = new Set(session.activeSubscriptions().map((s) => s.id));
    const origin = known ? subscriptionOrigin(known.subscription, active) : active.has(id) ? 'thisWindow' : 'other';
    if (origin === 'thisWindow') {
      const ok = await confirmations.confirm(
        `Delete ${name}? This window streams from it now.`,
        'Its stream will break and then renew itself on a new subscription, so a few events may arrive late.',
        'Delete',
      );
      if (!ok) return false;
    } else if (origin === 'other') {
      const ok = await confirmations.confirm(
        `Delete ${name}? Ayla DSS Explorer did not create it.`,
        'Another app or tool made this subscription; it stops receiving events when it is deleted. This cannot be undone.',
        'Delete',
      );
      if (!ok) return false;
    }
    try {
      const { existed } = await session.subscriptions.deleteSubscription(id);
      void notifier.info(existed ? `Deleted the subscription ${name}.` : `The subscription ${name} was already gone.`);
      return true;
    } catch (error) {
      void notifier.error(`Could not delete the subscription ${name}: ${describeError(error)}.`);
      return false;
    } finally {
      await provider.requestRefresh();
    }
  });

  register('aylaDss.deleteLeftoverSubscriptions', async (): Promise<LeftoverCleanUp | undefined> => {
    const session = signedInSession();
    if (!session) return undefined;
    let listed: Subscription[];
    try {
      listed = await session.subscriptions.listSubscriptions();
    } catch (error) {
      void notifier.error(`Could not list the subscriptions to clean up: ${describeError(error)}.`);
      return undefined;
    }
    const leftovers = leftoverSubscriptions(listed, new Set(session.activeSubscriptions().map((s) => s.id)));
    if (leftovers.length === 0) {
      void notifier.info('No leftover subscriptions: every subscription named like Ayla DSS Explorer\'s is this window\'s own.');
      await provider.requestRefresh();
      return { deleted: 0, failed: 0 };
    }
    const count = plural(leftovers.length, 'leftover subscription');
    const online = leftovers.filter((s) => String(s.connection_status).toLowerCase() === 'online').length;
    const names = leftovers.slice(0, 10).map((s) => s.name).join(', ') + (leftovers.length > 10 ? `, and ${leftovers.length - 10} more` : '');
    const ok = await confirmations.confirm(
      `Delete ${count}?`,
      `Earlier runs of Ayla DSS Explorer created ${leftovers.length === 1 ? 'it' : 'them'} and did not clean up: ${names}. This window's own subscriptions and other apps' are kept.` +
        (online > 0 ? ` ${plural(online, 'of them is', 'of them are')} online: another VS Code window may be streaming from ${online === 1 ? 'it' : 'them'} and will make itself new ones.` : ''),
      'Delete',
    );
    if (!ok) return undefined;
    const results = await Promise.allSettled(leftovers.map((s) => session.subscriptions.deleteSubscription(s.id)));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    const deleted = results.length - failures.length;
    await provider.requestRefresh();
    if (failures.length === 0) void notifier.info(`Deleted ${plural(deleted, 'leftover subscription')}.`);
    else void notifier.error(`Deleted ${plural(deleted, 'leftover subscription')}; ${failures.length} could not be deleted: ${describeError(failures[0])}.`);
    return { deleted, failed: failures.length };
  });

  return {
    subscriptionsTree: () => provider.snapshot(),
    subscriptionsMessage: () => provider.currentMessage,
    subscriptionsVisible: () => view.visible,
    answerConfirmations: (answer) => confirmations.setAnswer(answer),
    confirmationsAsked: () => confirmations.asked,
    accessRuleOffer: () => offer.offer,
    acceptAccessRuleOffer: () => offer.accept(),
  };
}

function isNode(value: unknown): value is SubscriptionNode {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'subscription' && typeof (value as SubscriptionNode).subscription?.id === 'number';
}

