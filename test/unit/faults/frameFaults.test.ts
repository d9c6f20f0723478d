// Fault matrix (issue 7), frame rows: what the server sends is broken, oversized or unexpected, in between
// the real events of all five streams. Nothing may crash, close a socket that need not close, or vanish:
// every bad frame is counted and reported with its raw text, every odd event is delivered (or shown raw)
// exactly once, and the real events keep their seq continuity.
import { strict as assert } from 'node:assert';
import { EVENT_TYPES } from '../../../src/ayla/events';
import { sleep, waitFor } from '../support/waitFor';
import { assertNoLoss, FULL, recordFigures, startRig, type Rig } from './support/faultHarness';
import { fuzzFrames, type FuzzFrame } from './support/fuzzFrames';

const RATE = 150;
const MAX_PAYLOAD = 1024 * 1024;

function tally(values: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

describe('fault matrix (core): frames', function () {
  this.timeout(FULL ? 600_000 : 90_000);
  let rig: Rig | undefined;

  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('garbage frames (10,000+ random and mutated, seeded) on every stream: no crash, sockets stay up, each counted and reported raw', async () => {
    rig = await startRig({ proxy: true });
    const { rec } = rig;
    const proxy = rig.proxy!;
    const fuzz = fuzzFrames(FULL ? 50_000 : 10_240, 20240607);
    rig.rate(RATE);
    await sleep(500);
    const sockets = proxy.sockets();
    assert.equal(sockets.length, 5);
    // In bursts, between the real events of every stream.
    const bursts = 8;
    const per = Math.ceil(fuzz.length / bursts);
    for (let b = 0; b < bursts; b++) {
      const burst = fuzz.slice(b * per, (b + 1) * per);
      await Promise.all(sockets.map((s) => s.inject(burst.map((f) => f.frame))));
      await sleep(300);
    }
    const injected = fuzz.length * sockets.length;
    await waitFor(
      `all ${injected} frames handled`,
      () => {
        if (rec.outages.length > 0) throw new Error(`a stream broke during the fuzz: ${rec.outages.map((o) => JSON.stringify(o.states[0])).join(' | ')}`);
        return rec.undecodable.length + rec.unsequenced.length >= injected;
      },
      60_000,
      20,
    );
    await sleep(300);
    const a = await rig.settle();

    assertNoLoss(a, 1500);
    assert.equal(rec.outages.length, 0, 'no socket closed or reopened');
    assert.equal(rec.undecodable.length + rec.unsequenced.length, injected, 'every injected frame came out exactly once, as a report or an event');
    const sure = (outcome: FuzzFrame['outcome']): FuzzFrame[] => fuzz.filter((f) => f.outcome === outcome);
    // Each frame whose fate is certain, reported the way it must be, with its raw text, once per stream.
    const undecodableRaw = tally(rec.undecodable.map((f) => f.raw));
    const eventRaw = tally(rec.unsequenced.map((e) => e.raw));
    for (const f of sure('undecodable')) assert.ok((undecodableRaw.get(f.undecodableRaw) ?? 0) >= 5, `${f.kind} reported raw on every stream: ${f.undecodableRaw.slice(0, 80)}`);
    for (const f of sure('event')) assert.ok((eventRaw.get(f.eventRaw!) ?? 0) >= 5, `${f.kind} delivered as an event on every stream`);
    for (const f of sure('either')) {
      const seen = (undecodableRaw.get(f.undecodableRaw) ?? 0) + (eventRaw.get(f.eventRaw!) ?? 0);
      assert.ok(seen >= 5, `${f.kind} neither reported nor delivered: ${f.undecodableRaw.slice(0, 80)}`);
    }
    const expectedUndecodable = sure('undecodable').length * 5;
    assert.ok(rec.undecodable.length >= expectedUndecodable);
    assert.ok(rec.undecodable.every((f) => f.reason.length > 0 && f.eventType !== undefined), 'each report says why, and on which stream');
    assert.equal(rec.gaps.length, 0);
    assert.equal(rec.notices.length, 0, 'garbage is no outage');
    recordFigures(`garbage frames (${fuzz.length} × 5 streams)`, injected, a, rec, {
      undecodableReported: rec.undecodable.length,
      deliveredOutsideSequence: rec.unsequenced.length,
      kinds: [...tally(fuzz.map((f) => f.kind))].map(([k, n]) => `${k} ${n}`).join('; '),
    });
  });

  it('an oversized frame (above the max payload): reported, the socket reopened, nothing lost; a large frame under the limit is delivered', async () => {
    rig = await startRig({ stream: { maxPayloadBytes: MAX_PAYLOAD } });
    const { sim, rec } = rig;
    const injections = FULL ? 6 : 3;
    rig.rate(RATE);
    await sleep(500);
    // Under the limit (a 512 KB `message` value fits): an event, no reconnect.
    assert.equal(sim.faults.sendOversized(600_000), 5);
    await waitFor('the large event on every stream', () => rec.unsequenced.length >= 5, 20_000);
    assert.equal(rec.outages.length, 0, 'a large frame under the limit closes nothing');
    for (let i = 0; i < injections; i++) {
      await sleep(600);
      assert.equal(sim.faults.sendOversized(MAX_PAYLOAD * 2), 5);
      await waitFor(`every stream back after oversized frame ${i + 1}`, () => rig!.eventTypes.every((t) => rec.recoveries(t).length >= i + 1), 30_000, 20);
    }
    await sleep(600);
    const a = await rig.settle();

    assertNoLoss(a, 1500);
    const oversized = rec.undecodable.filter((f) => /larger than 1048576 bytes/.test(f.reason));
    assert.equal(oversized.length, 5 * injections, 'each oversized frame reported once per stream');
    assert.equal(rec.unsequenced.length, 5, 'the large-but-allowed frame arrived once per stream');
    for (const type of rig.eventTypes) {
      for (const outage of rec.recoveries(type)) assert.match(outage.states[0]!.kind === 'reconnecting' ? (outage.states[0] as { reason: string }).reason : '', /exceeded 1048576 bytes/);
    }
    assert.equal(rec.gaps.length, 0, 'the oversized frames were outside the sequence: no gap');
    recordFigures('oversized frame (2 MiB > 1 MiB max)', injections, a, rec, { reported: oversized.length });
  });

  it('unknown event types and extra or missing fields: every such event delivered or shown raw exactly once, never dropped, no false gap', async () => {
    rig = await startRig({ proxy: true });
    const { rec } = rig;
    const proxy = rig.proxy!;
    const rewritten = new Map<string, string>();
    const variants = ['unknown event type', 'extra fields', 'no resource_tags, numeric seq', 'dsn list, no display_name/base_type', 'known type without its body', 'body under another documented key / numbers as strings'];
    // Every 5th event of each stream is rewritten (the same way on a replay), one variant after another.
    proxy.rewriteFromServer = (text) => {
      const bar = text.indexOf('|');
      const payload = text.slice(bar + 1);
      if (!payload.startsWith('{')) return text;
      const event = JSON.parse(payload) as Record<string, any>;
      const seq = Number(event.seq);
      if (seq % 5 !== 0) return text;
      const type = event.metadata.event_type as string;
      const variant = variants[(seq / 5) % variants.length]!;
      switch (variant) {
        case 'unknown event type':
          // Tagged with the type of the stream it came on, so the test can account for its seq.
          event.metadata = { ...event.metadata, event_type: 'firmware_update', original_event_type: type };
          event.firmware_update = { version: '2.0.1', state: 'downloading' };
          break;
        case 'extra fields':
          event.extra_top = { nested: [1, 2, { deep: true }] };
          event.metadata.extra_meta = 'x|y';
          for (const key of Object.keys(event)) if (key !== 'metadata' && typeof event[key] === 'object' && event[key] && key !== 'extra_top') event[key].extra_body = null;
          break;
        case 'no resource_tags, numeric seq':
          delete event.metadata.resource_tags;
          event.seq = seq;
          break;
        case 'dsn list, no display_name/base_type':
          event.metadata.dsn = `${event.metadata.dsn},AC000W000340649 , AC000W000340779`;
          delete event.metadata.display_name;
          delete event.metadata.base_type;
          break;
        case 'known type without its body':
          for (const key of ['connection', 'datapoint', 'location_event', 'registration_event']) delete event[key];
          break;
        default:
          if (type === 'datapointack') {
            event.datapointack = event.datapoint;
            delete event.datapoint;
          }
          if (type === 'location') event.location_event.lat = ` ${event.location_event.lat}`;
          if (type === 'datapoint' && typeof event.datapoint.value === 'number') event.datapoint.value = String(event.datapoint.value);
          break;
      }
      const out = JSON.stringify(event);
      rewritten.set(out, variant);
      return `${Buffer.byteLength(out)}|${out}`;
    };
    rig.rate(RATE);
    await sleep(FULL ? 10_000 : 4000);
    const a = await rig.settle();

    assertNoLoss(a, 1500);
    assert.equal(rec.gaps.length, 0, 'an event shown raw is no gap');
    assert.ok(rewritten.size > 200, `enough rewritten events (${rewritten.size})`);
    const seenEvents = tally(rec.events.map((e) => e.raw));
    const seenRaw = tally(rec.undecodable.map((f) => f.raw.slice(f.raw.indexOf('|') + 1)));
    const perVariant = new Map<string, number>();
    for (const [raw, variant] of rewritten) {
      const times = (seenEvents.get(raw) ?? 0) + (seenRaw.get(raw) ?? 0);
      assert.equal(times, 1, `${variant}: arrived exactly once (${times}): ${raw.slice(0, 100)}`);
      perVariant.set(variant, (perVariant.get(variant) ?? 0) + 1);
      if (variant === 'known type without its body') assert.equal(seenRaw.get(raw), 1, 'shown raw as undecodable');
      else assert.equal(seenEvents.get(raw), 1, `${variant}: delivered as an event`);
    }
    assert.deepEqual([...perVariant.keys()].sort(), [...variants].sort(), 'every variant occurred');
    const unknown = rec.events.filter((e) => e.type === 'unknown');
    assert.ok(unknown.length > 0 && unknown.every((e) => e.type === 'unknown' && e.eventType === 'firmware_update'), 'unknown types are kept as such');
    for (const type of EVENT_TYPES) assert.ok((a.byType[type] ?? 0) > 0);
    recordFigures('unknown types, extra/missing fields', rewritten.size, a, rec, { rewritten: rewritten.size, shownRaw: rec.undecodable.length });
  });
});
