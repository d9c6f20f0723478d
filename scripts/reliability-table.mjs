#!/usr/bin/env node
// Prints the README's Reliability tables (Markdown) from the figures the last test run wrote:
//   test-results/reliability-core.json   the fault matrix at the core level (test/unit/faults)
//   test-results/reliability-host.json   its main rows in the real extension host (test/integration/faults.test.ts)
//   test-results/soak-core.json          the opt-in soak (npm run soak)
// Usage: node scripts/reliability-table.mjs
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const results = join(import.meta.dirname, '..', 'test-results');

function read(name) {
  const path = join(results, name);
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

const count = (n) => (typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('en-US') : '–');
const ms = (n) => (typeof n === 'number' ? `${Math.round(n)}` : '–');

const core = read('reliability-core.json');
if (core) {
  console.log(`**Core level** (\`test/unit/faults\`, ${core.generatedAt?.slice(0, 10) ?? ''}${core.full ? ', full length' : ''}): an \`AylaSession\` streaming all five event types from the simulator over real sockets.\n`);
  console.log('| fault | injected | events sent | received | lost | duplicated | reconnects | median / max reconnect (ms) | notices |');
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of core.rows) {
    console.log(`| ${r.fault} | ${count(r.injections)} | ${count(r.eventsSent)} | ${count(r.received)} | ${count(r.lost)} | ${count(r.duplicated)} | ${count(r.reconnects)} | ${ms(r.reconnectMsMedian)} / ${ms(r.reconnectMsMax)} | ${count(r.notices)} |`);
  }
  console.log('');
}

const host = read('reliability-host.json');
if (host) {
  console.log(`**In the real extension host** (\`test/integration/faults.test.ts\`, ${host.at?.slice(0, 10) ?? ''}): signed in as a user is, what the user is told counted.\n`);
  console.log('| fault | injected | events | lost | duplicated | reconnects | median / max reconnect (ms) | warnings | recoveries | outcome |');
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|---|');
  for (const f of host.figures) {
    console.log(`| ${f.fault} | ${count(f.injections)} | ${count(f.events)} | ${count(f.lost)} | ${count(f.duplicated)} | ${count(f.reconnects)} | ${ms(f.medianReconnectMs)} / ${ms(f.maxReconnectMs)} | ${count(f.warnings)} | ${count(f.recoveries)} | ${f.outcome} |`);
  }
  console.log('');
}

const soak = read('soak-core.json');
if (soak) {
  const end = soak.end ?? {};
  console.log(
    `**Soak** (\`npm run soak\`, ${soak.seconds} s, ${soak.devices} devices × ${soak.propertiesPerDevice} properties): ${count(soak.eventsSent)} events sent, ${count(soak.received)} received, ${count(soak.lost)} lost, ${count(soak.duplicated)} duplicated, ${count(soak.reconnects)} reconnects; heap after GC ${soak.warmUp?.heapUsedMb} MB after warm-up → ${end.heapUsedMb} MB at the end; open handles ${soak.warmUp?.handles} → ${end.handles}.`,
  );
}
