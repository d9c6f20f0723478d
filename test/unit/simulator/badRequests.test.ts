// Bad requests get a 4xx JSON error, never a crash or a hang; the simulator keeps serving afterwards.
import { strict as assert } from 'node:assert';
import { connect } from 'node:net';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { apiErrorMessage, call, signIn, userErrorMessage } from '../support/aylaHttp';

/** Sends raw bytes and returns whatever the server answers before closing. */
function rawExchange(port: number, bytes: string | Buffer, endAfterWrite = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
      if (/\r\n\r\n/.test(answer)) socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write(bytes);
    if (endAfterWrite) socket.end();
  });
}

describe('simulator: bad requests', function () {
  this.timeout(15000);
  let sim: Simulator;
  let token: string;
  before(async () => {
    sim = await startSimulator({ eventsPerSecond: 0 });
    token = (await signIn(sim.url, sim.demo)).access_token;
  });
  after(() => sim.stop());
  afterEach(async () => {
    // Whatever the test did, the simulator still answers.
    assert.equal((await call(sim.url, 'GET', '/apiv1/devices.json', { token })).status, 200);
  });

  it('answers 404 with a JSON body for unknown routes', async () => {
    for (const path of ['/', '/nope', '/apiv1/nope.json', '/api/v2/subscriptions.json', '/users/nope', '/apiv1/dsns/x/y/z/w/v']) {
      const reply = await call(sim.url, 'GET', path, { token });
      assert.equal(reply.status, 404, path);
      assert.match(String(reply.headers['content-type']), /application\/json/);
      if (path.startsWith('/users/')) userErrorMessage(reply.body);
      else apiErrorMessage(reply.body);
    }
  });

  it('answers 405 with Allow for a wrong method on a known route', async () => {
    const cases: [Parameters<typeof call>[1], string, string][] = [
      ['GET', '/users/sign_in.json', 'POST'],
      ['DELETE', '/apiv1/devices.json', 'GET'],
      ['PUT', '/api/v1/subscriptions.json', 'POST, GET'],
      ['POST', '/api/v1/subscriptions/1.json', 'GET, DELETE'],
      ['PATCH', '/api/v1/oemAccessRules', 'POST, GET'],
    ];
    for (const [method, path, allow] of cases) {
      const reply = await call(sim.url, method, path, { token, json: {} });
      assert.equal(reply.status, 405, `${method} ${path}`);
      assert.equal(reply.headers.allow, allow);
      assert.ok(JSON.stringify(reply.body).includes(method));
    }
  });

  it('answers 400 for malformed JSON and non-object bodies on every POST route', async () => {
    const dsn = sim.devices.list()[0]!.dsn;
    for (const path of ['/users/sign_in.json', '/users/refresh_token.json', '/users/sign_out.json', '/api/v1/subscriptions.json', `/apiv1/dsns/${dsn}/properties/Blue_LED/datapoints.json`]) {
      for (const raw of ['{', 'null', '"text"', '42', '[]', '\u0000\u0001']) {
        const reply = await call(sim.url, 'POST', path, { token, raw });
        assert.equal(reply.status, 400, `${path} ${JSON.stringify(raw)}`);
        if (path.startsWith('/users/')) userErrorMessage(reply.body);
        else apiErrorMessage(reply.body);
      }
    }
  });

  it('answers 413 for a body over 4 MiB', async () => {
    const reply = await call(sim.url, 'POST', '/api/v1/subscriptions.json', { token, raw: `{"name":"${'x'.repeat(5 * 1024 * 1024)}"}` }).catch((error: unknown) => error);
    // The server may close the connection while the body is still being sent; either way it must not hang.
    if (reply instanceof Error) return;
    assert.equal((reply as { status: number }).status, 413);
  });

  it('answers 400 for a path with broken percent-encoding', async () => {
    const reply = await call(sim.url, 'GET', '/apiv1/dsns/%E0%A4%A/properties.json', { token });
    assert.equal(reply.status, 400);
    apiErrorMessage(reply.body);
  });

  it('survives garbage bytes on the socket and a request cut off half-way', async () => {
    const garbage = await rawExchange(sim.port, Buffer.from([0, 1, 2, 3, 255, 254, 13, 10, 13, 10]));
    assert.match(garbage, /^HTTP\/1\.1 400/);
    await rawExchange(sim.port, 'POST /users/sign_in.json HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"user":', true);
    const upgradeGarbage = await rawExchange(sim.port, 'GET /stream?stream_key=abc HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    assert.match(upgradeGarbage, /^HTTP\/1\.1 (400|401)/);
  });

  it('answers a query-string-only or odd URL without crashing', async () => {
    assert.equal((await call(sim.url, 'GET', '/apiv1/devices.json?names[]=%ZZ', { token })).status, 200);
    assert.equal((await call(sim.url, 'GET', '//apiv1//devices.json', { token })).status, 404);
  });
});
