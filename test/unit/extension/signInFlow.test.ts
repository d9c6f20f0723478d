// The sign-in prompt sequence's decisions, with scripted prompts: what is asked, in which order, prefilled
// with what, masked or not; what Escape does; what "Retry" keeps; how failures are worded.
import { strict as assert } from 'node:assert';
import { AylaApiError } from '../../../src/ayla/errors';
import type { Cloud } from '../../../src/extension/clouds';
import {
  checkAppId,
  checkEmail,
  describeSignInFailure,
  runSignInFlow,
  type InputOptions,
  type PickOptions,
  type Prompts,
  type SignInFacts,
} from '../../../src/extension/signInFlow';

interface Asked {
  kind: 'pick' | 'input';
  /** Pick: placeholder; input: prompt. */
  text: string;
  step: number;
  totalSteps: number;
  password: boolean;
  value: string | undefined;
  active: string | undefined;
  labels: string[];
}

/** Answers each prompt with the next scripted answer (a label for picks, text for inputs, undefined = Escape). */
class ScriptedPrompts implements Prompts {
  readonly asked: Asked[] = [];
  constructor(private readonly answers: (string | undefined)[]) {}

  async pick<T>(options: PickOptions<T>): Promise<T | undefined> {
    const active = options.items.find((i) => options.active !== undefined && i.value === options.active)?.label;
    this.asked.push({ kind: 'pick', text: options.placeholder, step: options.step, totalSteps: options.totalSteps, password: false, value: undefined, active, labels: options.items.map((i) => i.label) });
    const answer = this.next();
    if (answer === undefined) return undefined;
    const item = options.items.find((i) => i.label === answer);
    assert.ok(item, `an item "${answer}"`);
    return item.value;
  }

  async input(options: InputOptions): Promise<string | undefined> {
    this.asked.push({ kind: 'input', text: options.prompt, step: options.step, totalSteps: options.totalSteps, password: options.password === true, value: options.value, active: undefined, labels: [] });
    const answer = this.next();
    if (answer !== undefined) assert.equal(options.validate?.(answer), undefined, `"${answer}" is acceptable to "${options.prompt}"`);
    return answer;
  }

  private next(): string | undefined {
    assert.ok(this.answers.length > 0, `an answer is scripted for prompt ${this.asked.length} (${this.asked.at(-1)?.text})`);
    return this.answers.shift();
  }
}

function facts(overrides: Partial<SignInFacts> & { storedSecret?: { appId: string; appSecret: string } } = {}): SignInFacts {
  const { storedSecret, ...rest } = overrides;
  return {
    appId: '',
    rejectedAppId: undefined,
    appSecretFor: async (appId) => (storedSecret && storedSecret.appId === appId ? storedSecret.appSecret : undefined),
    lastEmail: '',
    ...rest,
  };
}

const kinds = (prompts: ScriptedPrompts): string[] => prompts.asked.map((a) => `${a.kind}:${a.text.split(' ').slice(0, 2).join(' ')}`);

describe('extension: sign-in flow', () => {
  it('first time: cloud, client type, app id, app secret (masked), email, password (masked), numbered 1-6 of 6', async () => {
    const prompts = new ScriptedPrompts(['US field', 'Mobile', 'my-app', 'my-secret', 'me@example.com', 'pw']);
    const answers = await runSignInFlow(prompts, facts());
    assert.deepEqual(kinds(prompts), ['pick:Which Ayla', 'pick:Which client', 'input:App id', 'input:App secret', 'input:Email of', 'input:Password for']);
    assert.deepEqual(prompts.asked.map((a) => [a.step, a.totalSteps, a.password]), [[1, 6, false], [2, 6, false], [3, 6, false], [4, 6, true], [5, 6, false], [6, 6, true]]);
    assert.equal(answers?.kind, 'ayla');
    assert.ok(answers?.kind === 'ayla');
    assert.equal(answers.cloud.id, 'us-field');
    assert.equal(answers.clientType, 'mobile');
    assert.equal(answers.appId, 'my-app');
    assert.equal(answers.appSecret, 'my-secret');
    assert.equal(answers.appSecretEntered, true, 'the secret was typed: to be stored');
    assert.equal(answers.email, 'me@example.com');
    assert.equal(answers.password, 'pw');
  });

  it('with the app id set and its secret stored, asks only the cloud, client type, email and password', async () => {
    const prompts = new ScriptedPrompts(['EU field', 'Cloud', 'me@example.com', 'pw']);
    const answers = await runSignInFlow(prompts, facts({ appId: 'my-app', storedSecret: { appId: 'my-app', appSecret: 'kept' } }));
    assert.deepEqual(kinds(prompts), ['pick:Which Ayla', 'pick:Which client', 'input:Email of', 'input:Password for']);
    assert.deepEqual(prompts.asked.map((a) => a.totalSteps), [4, 4, 4, 4]);
    assert.ok(answers?.kind === 'ayla');
    assert.equal(answers.appSecret, 'kept');
    assert.equal(answers.appSecretEntered, false);
    assert.equal(answers.clientType, 'cloud');
  });

  it('with the app id set but no secret stored for it, asks the secret only', async () => {
    const prompts = new ScriptedPrompts(['US dev', 'Mobile', 'new-secret', 'me@example.com', 'pw']);
    const answers = await runSignInFlow(prompts, facts({ appId: 'my-app', storedSecret: { appId: 'other-app', appSecret: 'theirs' } }));
    assert.deepEqual(kinds(prompts), ['pick:Which Ayla', 'pick:Which client', 'input:App secret', 'input:Email of', 'input:Password for']);
    assert.ok(answers?.kind === 'ayla');
    assert.equal(answers.appSecret, 'new-secret');
  });

  it('after the service rejected the app id (404), asks the app id again, prefilled, saying why, and its secret', async () => {
    const prompts = new ScriptedPrompts(['US field', 'Mobile', 'my-app', 'other-secret', 'me@example.com', 'pw']);
    const answers = await runSignInFlow(prompts, facts({ appId: 'my-app', rejectedAppId: 'my-app', storedSecret: { appId: 'my-app', appSecret: 'stale' } }));
    assert.deepEqual(kinds(prompts), ['pick:Which Ayla', 'pick:Which client', 'input:The US', 'input:App secret', 'input:Email of', 'input:Password for']);
    assert.equal(prompts.asked[2]?.value, 'my-app');
    assert.match(prompts.asked[2]?.text ?? '', /did not know this app id/);
    assert.ok(answers?.kind === 'ayla');
    assert.equal(answers.appSecret, 'other-secret');
  });

  it('a newly typed app id whose secret is stored does not ask the secret', async () => {
    const prompts = new ScriptedPrompts(['US field', 'Mobile', 'app-b', 'me@example.com', 'pw']);
    const answers = await runSignInFlow(prompts, facts({ storedSecret: { appId: 'app-b', appSecret: 'b-secret' } }));
    assert.deepEqual(kinds(prompts), ['pick:Which Ayla', 'pick:Which client', 'input:App id', 'input:Email of', 'input:Password for']);
    assert.ok(answers?.kind === 'ayla');
    assert.equal(answers.appSecret, 'b-secret');
  });

  it('starts the picks on the last cloud and client type and prefills the last email', async () => {
    const prompts = new ScriptedPrompts(['CN field', 'Cloud', 'me@example.com', 'pw']);
    await runSignInFlow(prompts, facts({ appId: 'a', storedSecret: { appId: 'a', appSecret: 's' }, lastEmail: 'me@example.com', lastCloudId: 'cn-field', lastClientType: 'cloud' }));
    assert.equal(prompts.asked[0]?.active, 'CN field');
    assert.equal(prompts.asked[1]?.active, 'Cloud');
    assert.equal(prompts.asked[2]?.value, 'me@example.com');
    assert.equal(prompts.asked[3]?.value, undefined, 'the password is never prefilled');
  });

  it('"Local simulator" ends the questions at once', async () => {
    const prompts = new ScriptedPrompts(['Local simulator']);
    assert.deepEqual(await runSignInFlow(prompts, facts()), { kind: 'simulator' });
    assert.equal(prompts.asked.length, 1);
    assert.deepEqual(prompts.asked[0]?.labels, ['US field', 'US dev', 'US staging', 'EU field', 'CN field', 'CN dev', 'Local simulator']);
  });

  for (let escapeAt = 0; escapeAt < 6; escapeAt++) {
    it(`Escape at prompt ${escapeAt + 1} of 6 ends the flow without asking more`, async () => {
      const script: (string | undefined)[] = ['US field', 'Mobile', 'my-app', 'my-secret', 'me@example.com', 'pw'];
      script[escapeAt] = undefined;
      const prompts = new ScriptedPrompts(script.slice(0, escapeAt + 1));
      assert.equal(await runSignInFlow(prompts, facts()), undefined);
      assert.equal(prompts.asked.length, escapeAt + 1);
    });
  }

  it('"Retry" keeps the cloud and client type: it starts at what is still needed', async () => {
    const prompts = new ScriptedPrompts(['me@example.com', 'pw2']);
    const answers = await runSignInFlow(prompts, facts({ appId: 'a', storedSecret: { appId: 'a', appSecret: 's' }, lastEmail: 'me@example.com' }), { cloudId: 'eu-field', clientType: 'cloud' });
    assert.deepEqual(kinds(prompts), ['input:Email of', 'input:Password for']);
    assert.deepEqual(prompts.asked.map((a) => [a.step, a.totalSteps]), [[1, 2], [2, 2]]);
    assert.ok(answers?.kind === 'ayla');
    assert.equal((answers.cloud as Cloud).id, 'eu-field');
    assert.equal(answers.clientType, 'cloud');
    assert.equal(answers.password, 'pw2');
  });

  it('checks an app id and an email before accepting them', () => {
    assert.equal(checkAppId('my-app'), undefined);
    assert.match(checkAppId(' ') ?? '', /app id/);
    assert.match(checkAppId('my app') ?? '', /no spaces/);
    assert.equal(checkEmail('me@example.com'), undefined);
    assert.match(checkEmail('me') ?? '', /email/);
  });

  describe('failures', () => {
    it('a 404 from the user service means the app id or secret is not known', () => {
      const error = new AylaApiError('user', 'http', 404, 'Sign-in failed: the app id or app secret is not known to this Ayla region (404). Check them, and that the region is right.');
      assert.deepEqual(describeSignInFailure(error), { message: error.message, appRejected: true });
    });

    it('a wrong password (401) keeps the app secret and its message', () => {
      const error = new AylaApiError('user', 'http', 401, 'Sign-in failed: wrong email or password (401). Five failures lock the account for 30 minutes.');
      assert.deepEqual(describeSignInFailure(error), { message: error.message, appRejected: false });
    });

    it('an unreachable host keeps the message that names the host', () => {
      const error = new AylaApiError('user', 'unreachable', undefined, 'Could not reach the Ayla user service at user-field.aylanetworks.com to sign in (connection refused); check the network connection and the host settings.');
      assert.deepEqual(describeSignInFailure(error), { message: error.message, appRejected: false });
    });

    it('anything else becomes one "Sign-in failed" sentence', () => {
      assert.deepEqual(describeSignInFailure(new RangeError('The user override "x" is not a valid URL.')), { message: 'Sign-in failed: The user override "x" is not a valid URL.', appRejected: false });
    });
  });
});
