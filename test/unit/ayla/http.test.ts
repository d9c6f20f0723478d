// The HTTP layer over real sockets: headers, every error body shape, retries (GET/DELETE only) on 5xx, 429,
// timeouts and resets, Retry-After, timeouts, unreachable hosts, TLS failures, non-JSON answers, and
// tracing that only ever sees redacted URLs.
import { strict as assert } from 'node:assert';
import { HttpClient, networkReason, retryAfter, type HttpClientOptions, type HttpTrace, type JsonRequest } from '../../../src/ayla/http';
import { registerSecret } from '../../../src/ayla/redact';
import { closedPort, startScriptedServer, type LocalServer, type ScriptedReply } from '../support/scriptedServer';
import { expectAylaError, LeakWatch, useSimulator } from '../support/simulatorFixture';

const JSON_TYPE = { 'content-type': 'application/json' };

describe('ayla: http', function () {
  this.timeout(10000);
  const watch = new LeakWatch();
  const servers: LocalServer[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  async function scripted(script: (index: number) => ScriptedReply): Promise<LocalServer> {
    const server = await startScriptedServer((_r, i) => script(i));
    servers.push(server);
    return server;
  }

  function client(options: HttpClientOptions = {}): { http: HttpClient; traces: HttpTrace[] } {
    const traces: HttpTrace[] = [];
    const http = new HttpClient({
      retryBaseDelayMs: 5,
      ...options,
      onRequest: (t) => {
        traces.push(t);
        watch.trace(t);
      },
    });
    return { http, traces };
  }

  const get = (origin: string, extra: Partial<JsonRequest> = {}): JsonRequest => ({ service: 'device', method: 'GET', origin, path: '/apiv1/devices.json', action: 'list devices', ...extra });

  describe('against a scripted server', () => {
    it('sends JSON with Accept, Content-Type and Authorization: auth_token <t>', async () => {
      const server = await scripted(() => ({ status: 201, headers: JSON_TYPE, body: '{"ok":true}' }));
      const token = 'aaaabbbbccccddddeeeeffff00001111';
      watch.secret(token);
      const { http } = client();
      const response = await http.request({ service: 'device', method: 'POST', origin: server.url, path: '/x.json', token, body: { datapoint: { value: 1 } }, action: 'set a value' });
      assert.deepEqual(response, { status: 201, body: { ok: true } });
      const seen = server.requests[0]!;
      assert.equal(seen.method, 'POST');
      assert.equal(seen.url, '/x.json');
      assert.equal(seen.headers.accept, 'application/json');
      assert.equal(seen.headers['content-type'], 'application/json');
      assert.equal(seen.headers.authorization, `auth_token ${token}`);
      assert.deepEqual(JSON.parse(seen.body), { datapoint: { value: 1 } });
    });

    it('sends no Authorization or Content-Type when there is no token or body', async () => {
      const server = await scripted(() => ({ status: 200, headers: JSON_TYPE, body: '[]' }));
      await client().http.request(get(server.url));
      assert.equal(server.requests[0]!.headers.authorization, undefined);
      assert.equal(server.requests[0]!.headers['content-type'], undefined);
    });

    const shapes: [string, string, string | undefined][] = [
      ['{"error":"…"}', '{"error":"Value is out of range"}', 'Value is out of range'],
      ['{"error":{"message":"…"}}', '{"error":{"message":"Value is out of range."}}', 'Value is out of range.'],
      ['{"errors":[strings]}', '{"errors":["value is invalid","name is too long"]}', 'value is invalid; name is too long'],
      ['{"errors":[objects]}', '{"errors":[{"message":"value is invalid"},{"code":7,"message":"again"}]}', 'value is invalid; again'],
      ['{"errors":{field:[…]}}', '{"errors":{"value":["is invalid"],"name":["can\'t be blank"]}}', "value is invalid; name can't be blank"],
      ['{"errors":"…"}', '{"errors":"value is invalid"}', 'value is invalid'],
      ['{"message":"…"}', '{"message":"value is invalid"}', 'value is invalid'],
      ['an empty body', '', undefined],
      ['an HTML page', '<html><body><h1>422</h1></body></html>', undefined],
      ['plain text', 'value is invalid', 'value is invalid'],
      ['JSON without a message', '{"unexpected":true}', undefined],
      ['truncated JSON', '{"error":', '{"error":'],
    ];
    for (const [shape, body, message] of shapes) {
      it(`reads the message of an error body shaped ${shape}`, async () => {
        const server = await scripted(() => ({ status: 422, headers: body.startsWith('{') ? JSON_TYPE : { 'content-type': 'text/plain' }, body }));
        const error = await expectAylaError(client().http.request(get(server.url)), { kind: 'http', service: 'device', status: 422 }, watch);
        assert.equal(error.serverMessage, message);
        if (message === undefined) assert.equal(error.message, 'The device service refused to list devices: invalid request (422); check the values sent.');
        else assert.equal(error.message, `The device service refused to list devices: invalid request (422: ${message.replace(/\.$/, '')}); check the values sent.`);
      });
    }

    it('words 401, 403 and 404 so the user knows what to do', async () => {
      const cases: [number, string][] = [
        [401, 'The device service rejected the access token (401): sign in again.'],
        [403, 'The device service refused to list devices (403: Forbidden thing); this account is not allowed to do that.'],
        [404, 'The device service could not list devices: not found (404: Forbidden thing); check the name or id, and that the region is right.'],
        [418, "The device service answered 418 (i'm a teapot) when asked to list devices: Forbidden thing."],
      ];
      for (const [status, message] of cases) {
        const server = await scripted(() => ({ status, headers: JSON_TYPE, body: '{"error":{"message":"Forbidden thing"}}' }));
        await expectAylaError(client().http.request(get(server.url)), { kind: 'http', status, message }, watch);
      }
    });

    it('lets a caller word a failure its own way', async () => {
      const server = await scripted(() => ({ status: 404, headers: JSON_TYPE, body: '{"error":"nope"}' }));
      const explain = (f: { status: number; serverMessage: string | undefined }): string => `Custom ${f.status} ${f.serverMessage ?? ''}.`;
      await expectAylaError(client().http.request(get(server.url, { explain })), { kind: 'http', status: 404, message: 'Custom 404 nope.' }, watch);
    });

    it('refuses a non-JSON 2xx answer as an invalid response', async () => {
      const server = await scripted(() => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>captive portal</html>' }));
      await expectAylaError(client().http.request(get(server.url)), { kind: 'invalid-response', service: 'device', status: 200, message: /answered with something that is not JSON when asked to list devices; check that the host setting points at the Ayla device service\./ }, watch);
    });

    it('accepts an empty 2xx answer, and any 2xx body when JSON is not expected', async () => {
      const server = await scripted((i) => (i === 0 ? { status: 204 } : { status: 200, body: 'OK, signed out' }));
      const { http } = client();
      assert.deepEqual(await http.request(get(server.url, { method: 'DELETE' })), { status: 204, body: undefined });
      assert.deepEqual(await http.request(get(server.url, { method: 'POST', expectJson: false })), { status: 200, body: undefined });
    });

    it('refuses an answer larger than maxResponseBytes', async () => {
      const server = await scripted(() => ({ status: 200, headers: JSON_TYPE, body: JSON.stringify({ big: 'x'.repeat(5000) }) }));
      await expectAylaError(client({ maxResponseBytes: 1000 }).http.request(get(server.url)), { kind: 'invalid-response', message: /larger than 1000 bytes/ }, watch);
    });

    it('honours Retry-After in seconds and as an HTTP date, within the cap', async () => {
      const server = await scripted((i) => {
        if (i === 0) return { status: 429, headers: { 'retry-after': '0' }, body: '' };
        if (i === 1) return { status: 503, headers: { 'retry-after': new Date(Date.now() - 5000).toUTCString() }, body: '' };
        return { status: 200, headers: JSON_TYPE, body: '[]' };
      });
      const { http, traces } = client();
      assert.deepEqual((await http.request(get(server.url))).body, []);
      assert.deepEqual(traces.map((t) => [t.attempt, t.status, t.retryInMs]), [[1, 429, 0], [2, 503, 0], [3, 200, undefined]]);
    });

    it('does not retry when Retry-After exceeds the cap, and says how long to wait', async () => {
      const server = await scripted(() => ({ status: 429, headers: { 'retry-after': '3600' }, body: '{"error":"slow down"}' }));
      const { http, traces } = client({ retryMaxDelayMs: 1000 });
      const error = await expectAylaError(http.request(get(server.url)), { kind: 'http', status: 429, message: 'The Ayla device service is limiting requests (429) and refused to list devices; wait 3600 s and try again.' }, watch);
      assert.equal(error.retryAfterMs, 3_600_000);
      assert.equal(traces.length, 1);
      assert.equal(server.requests.length, 1);
    });

    it('retries a GET after the connection is reset, but never a POST', async () => {
      const server = await scripted((i) => (i === 0 || i === 2 ? { status: 0, destroy: true } : { status: 200, headers: JSON_TYPE, body: '{"a":1}' }));
      const { http, traces } = client();
      assert.deepEqual((await http.request(get(server.url))).body, { a: 1 });
      assert.equal(traces[0]!.outcome, 'unreachable');
      assert.equal(traces[1]!.outcome, 'ok');
      const error = await expectAylaError(http.request(get(server.url, { method: 'POST', body: {} })), { kind: 'unreachable', service: 'device' }, watch);
      assert.match(error.message, new RegExp(`^Could not reach the Ayla device service at 127\\.0\\.0\\.1:${server.port} to list devices \\((connection reset|connection closed by the other side)\\)`));
      assert.equal(server.requests.length, 3, 'the POST was sent once');
    });

    it('never retries a POST on a 5xx, and says so', async () => {
      const server = await scripted(() => ({ status: 503, headers: JSON_TYPE, body: '{"error":"down"}' }));
      const { http } = client();
      await expectAylaError(
        http.request({ service: 'user', method: 'POST', origin: server.url, path: '/users/sign_in.json', body: {}, action: 'sign in' }),
        { kind: 'http', status: 503, message: 'The Ayla user service answered 503 (service unavailable) when asked to sign in (not repeated automatically, as repeating it is not safe); try again later.' },
        watch,
      );
      assert.equal(server.requests.length, 1);
    });

    it('times out a slow answer with kind timeout, naming the host', async () => {
      const server = await scripted(() => ({ status: 200, headers: JSON_TYPE, body: '{}', delayMs: 2000 }));
      const { http, traces } = client({ timeoutMs: 50, retries: 1 });
      await expectAylaError(
        http.request(get(server.url)),
        { kind: 'timeout', service: 'device', status: undefined, message: `The Ayla device service at 127.0.0.1:${server.port} did not answer within 0.05 s when asked to list devices (tried 2 times); check the network, or raise the timeout.` },
        watch,
      );
      assert.deepEqual(traces.map((t) => t.outcome), ['timeout', 'timeout']);
    });

    it('fails on a TLS handshake with a plain-HTTP server as unreachable (TLS failure)', async () => {
      const server = await scripted(() => ({ status: 200, headers: JSON_TYPE, body: '{}' }));
      const error = await expectAylaError(client().http.request(get(`https://127.0.0.1:${server.port}`)), { kind: 'unreachable', service: 'device' }, watch);
      assert.match(error.message, new RegExp(`at 127\\.0\\.0\\.1:${server.port} to list devices \\(TLS failure, [A-Z_]+\\)`));
    });

    it('keeps secrets out of messages even when the server echoes them, and gives the hook only redacted URLs', async () => {
      const token = '0123abcd0123abcd0123abcd0123abcd';
      const key = 'feedfacefeedfacefeedfacefeedface';
      registerSecret(token, 'token');
      watch.secret(token, key);
      const server = await scripted(() => ({ status: 403, headers: JSON_TYPE, body: JSON.stringify({ error: { message: `token ${token} may not; auth_token ${token}` } }) }));
      const { http, traces } = client();
      const error = await expectAylaError(http.request(get(server.url, { path: `/stream?stream_key=${key}`, token })), { kind: 'http', status: 403 }, watch);
      assert.ok(!error.message.includes(token), error.message);
      assert.match(error.message, /token …abcd may not/);
      assert.equal(traces[0]!.url, `${server.url}/stream?stream_key=…face`);
    });

    it('survives a tracing hook that throws', async () => {
      const server = await scripted(() => ({ status: 200, headers: JSON_TYPE, body: '[1]' }));
      const http = new HttpClient({
        onRequest: () => {
          throw new Error('hook bug');
        },
      });
      assert.deepEqual((await http.request(get(server.url))).body, [1]);
    });
  });

  describe('against an unreachable host', () => {
    it('retries a refused connection with backoff (even a POST: the server never saw it), then fails as unreachable naming the host, not the path', async () => {
      const port = await closedPort();
      for (const method of ['GET', 'POST'] as const) {
        const { http, traces } = client();
        const error = await expectAylaError(
          http.request(get(`http://127.0.0.1:${port}`, { method, path: '/apiv1/dsns/SECRET-PATH/properties.json' })),
          { kind: 'unreachable', service: 'device', status: undefined, message: `Could not reach the Ayla device service at 127.0.0.1:${port} to list devices (connection refused, tried 3 times); check the network connection and the host settings.` },
          watch,
        );
        assert.equal(error.code, 'ECONNREFUSED');
        assert.ok(!error.message.includes('SECRET-PATH'));
        assert.deepEqual(traces.map((t) => t.outcome), ['unreachable', 'unreachable', 'unreachable'], method);
        assert.ok(traces[0]!.retryInMs! > 0 && traces[1]!.retryInMs! >= traces[0]!.retryInMs!, `${method}: backoff grows`);
      }
    });

    it('words DNS, reset and TLS error codes', () => {
      assert.equal(networkReason('ENOTFOUND'), 'host name not found');
      assert.equal(networkReason('EAI_AGAIN'), 'host name lookup failed for now');
      assert.equal(networkReason('ECONNRESET'), 'connection reset');
      assert.equal(networkReason('CERT_HAS_EXPIRED'), 'TLS failure, CERT_HAS_EXPIRED');
      assert.equal(networkReason('ERR_TLS_CERT_ALTNAME_INVALID'), 'TLS failure, ERR_TLS_CERT_ALTNAME_INVALID');
      assert.equal(networkReason('EWHATEVER'), 'network error EWHATEVER');
      assert.equal(networkReason(undefined), 'network error');
    });

    it('reads Retry-After as seconds or a date', () => {
      assert.equal(retryAfter('7'), 7000);
      assert.equal(retryAfter(['2', '9']), 2000);
      assert.equal(retryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000), 6000);
      assert.equal(retryAfter('soon'), undefined);
      assert.equal(retryAfter(undefined), undefined);
    });
  });

  describe('against the simulator', () => {
    const fx = useSimulator();
    let token: string;
    before(async () => {
      token = (await fx.signIn()).accessToken;
    });
    afterEach(() => fx.sim.faults.reset());

    const list = (extra: Partial<JsonRequest> = {}): JsonRequest => ({ ...get(fx.proxy.url), token, ...extra });

    it('retries a GET on 5xx with backoff and succeeds when the service recovers', async () => {
      fx.sim.faults.failRequests({ status: 503, count: 2, pathPrefix: '/apiv1' });
      const { http, traces } = client();
      const mark = fx.proxy.requests.length;
      const response = await http.request(list());
      assert.equal(response.status, 200);
      assert.deepEqual(traces.map((t) => [t.attempt, t.status]), [[1, 503], [2, 503], [3, 200]]);
      assert.ok(traces[0]!.retryInMs! > 0 && traces[1]!.retryInMs! > 0);
      assert.deepEqual(fx.since(mark).map((r) => r.status), [503, 503, 200]);
    });

    it('gives up after the bounded retries with a clear message', async () => {
      fx.sim.faults.failRequests({ status: 502, pathPrefix: '/apiv1' });
      const { http, traces } = client({ retries: 3 });
      const mark = fx.proxy.requests.length;
      await expectAylaError(
        http.request(list()),
        { kind: 'http', service: 'device', status: 502, message: 'The Ayla device service answered 502 (bad gateway) when asked to list devices; it was retried automatically 3 times without success — try again later.' },
        fx.watch,
      );
      assert.equal(traces.length, 4);
      assert.equal(fx.since(mark).length, 4);
    });

    it('retries a DELETE on 5xx', async () => {
      fx.sim.faults.failRequests({ status: 500, count: 1, pathPrefix: '/api/v1/subscriptions' });
      const { http } = client();
      const mark = fx.proxy.requests.length;
      const deleted = http.request(list({ method: 'DELETE', path: '/api/v1/subscriptions/999999.json', action: 'delete subscription 999999' }));
      await expectAylaError(deleted, { kind: 'http', status: 404 }, fx.watch);
      assert.deepEqual(fx.since(mark).map((r) => `${r.method} ${r.status}`), ['DELETE 500', 'DELETE 404']);
    });

    it('does not wait out a Retry-After longer than the cap (the simulator asks for 1 s)', async () => {
      fx.sim.faults.failRequests({ status: 429, count: 1, pathPrefix: '/apiv1' });
      const error = await expectAylaError(client({ retryMaxDelayMs: 200 }).http.request(list()), { kind: 'http', status: 429, message: /wait 1 s and try again/ }, fx.watch);
      assert.equal(error.retryAfterMs, 1000);
    });

    it('retries a GET that timed out, and times out a POST once', async () => {
      // Generous margins: only the delayed attempt may time out, even on a loaded machine.
      const { http, traces } = client({ timeoutMs: 250 });
      fx.sim.faults.delayResponses(3000, 1);
      assert.equal((await http.request(list())).status, 200);
      assert.deepEqual(traces.map((t) => t.outcome), ['timeout', 'ok']);

      fx.sim.faults.delayResponses(3000, 1);
      const mark = fx.proxy.requests.length;
      await expectAylaError(
        http.request(list({ method: 'POST', path: '/api/v1/subscriptions.json', body: {}, action: 'create a subscription' })),
        { kind: 'timeout', service: 'device', message: /did not answer within 0\.25 s when asked to create a subscription \(not repeated automatically/ },
        fx.watch,
      );
      assert.equal(fx.since(mark).length, 1);
    });

    it('never said a secret', () => {
      watch.assertClean();
      fx.watch.assertClean();
    });
  });
});
