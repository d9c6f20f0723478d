// When streaming with the cloud client type fails because a cloud subscription was refused (403 for lack
// of an OEM access rule), the user is told so; a signed-in OEM admin, staff or support role is offered
// "Create Access Rule", which creates one rule per chosen event type (all models, all properties) and
// streams again. It takes over startStreaming's failure report through handleStartFailures, so the offer
// appears whoever started the stream (the command, sign-in, resume).
import * as vscode from 'vscode';
import type { AylaSession } from '../ayla/session';
import type { EventType } from '../ayla/wireTypes';
import {
  createAccessRules,
  createdRulesMessage,
  isCloudRefusal,
  mayCreateAccessRules,
  missingAccessRuleTypes,
  missingRulesMessage,
  refusedDespiteRulesMessage,
  refusedForRoleMessage,
} from './cloudAccess';
import { describeError } from './describeError';
import type { Explorer } from './explorer';
import type { Notifier } from './notifier';
import { handleStartFailures, startStreaming } from './streamingCommands';
import { streamingSettings } from './streamingSettings';

export const CREATE_ACCESS_RULE = 'Create Access Rule';

/** The offer showing now (for tests: they cannot click a notification). */
export interface AccessRuleOfferView {
  role: string;
  /** The event types a rule would be created for. */
  eventTypes: EventType[];
  message: string;
}

interface PendingOffer extends AccessRuleOfferView {
  session: AylaSession;
}

export class CloudAccessOffer implements vscode.Disposable {
  private pending: PendingOffer | undefined;
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly explorer: Explorer,
    private readonly notifier: Notifier,
  ) {
    this.registration = handleStartFailures((error) => this.startFailed(error));
  }

  get offer(): AccessRuleOfferView | undefined {
    if (!this.pending) return undefined;
    const { role, eventTypes, message } = this.pending;
    return { role, eventTypes: [...eventTypes], message };
  }

  /** "Create Access Rule": creates the missing rules, then streams again. True when streaming started. */
  async accept(): Promise<boolean> {
    const offer = this.pending;
    this.pending = undefined;
    if (!offer) return false;
    const session = this.explorer.currentSession;
    if (session !== offer.session || !session.signedIn) {
      void this.notifier.info('No access rule was created: the account this offer was for is no longer signed in.');
      return false;
    }
    let created;
    try {
      created = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Creating OEM access rules' }, () =>
        createAccessRules(session.subscriptions, offer.role, offer.eventTypes),
      );
    } catch (error) {
      void this.notifier.error(`Could not create the OEM access rule: ${describeError(error)}.`);
      return false;
    }
    void this.notifier.info(createdRulesMessage(offer.role, created));
    return startStreaming({ explorer: this.explorer, notifier: this.notifier });
  }

  dispose(): void {
    this.registration.dispose();
    this.pending = undefined;
  }

  /** Takes over the report when the failure is a refused cloud subscription; true when it did. */
  private async startFailed(error: unknown): Promise<boolean> {
    if (!isCloudRefusal(error)) return false;
    this.pending = undefined;
    const session = this.explorer.currentSession;
    if (!session) return false;
    const role = session.keeper.tokens.role;
    if (!mayCreateAccessRules(role)) {
      void this.notifier.error(refusedForRoleMessage(role), 'Sign In').then((choice) => {
        if (choice) void vscode.commands.executeCommand('aylaDss.signIn');
      });
      return true;
    }
    const eventTypes = streamingSettings().eventTypes;
    let missing: EventType[];
    try {
      missing = missingAccessRuleTypes(await session.subscriptions.listAccessRules(), role, eventTypes);
    } catch {
      missing = [...eventTypes]; // cannot tell which exist: offer them all (existing ones are skipped on accept if listing works then)
    }
    if (missing.length === 0) {
      void this.notifier.error(refusedDespiteRulesMessage(role), 'Open Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'aylaDss');
      });
      return true;
    }
    const message = missingRulesMessage(role, missing);
    const offer: PendingOffer = { role, eventTypes: missing, message, session };
    this.pending = offer;
    void this.notifier.error(message, CREATE_ACCESS_RULE).then((choice) => {
      if (choice === CREATE_ACCESS_RULE && this.pending === offer) void this.accept();
    });
    return true;
  }
}
