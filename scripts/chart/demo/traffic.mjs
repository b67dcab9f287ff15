// Light, bounded demo traffic: for each base URL, about RATE requests per second for MINUTES minutes,
// one request in flight per target, then exit. Mostly 200s, some 404s and 400s, some slow work.
// Usage: node traffic.mjs MINUTES RATE URL...
const [minutes = '60', rate = '4', ...targets] = process.argv.slice(2);
const until = Date.now() + Number(minutes) * 60_000;
const gapMs = 1000 / Number(rate);
const paths = [
  ...Array(6).fill('/api/items'),
  ...Array(4).fill('/api/info'),
  '/api/items/1',
  '/api/items/2',
  '/api/items/999', // 404
  '/api/items?limit=0', // 400
  '/api/work?ms=20',
  '/api/work?ms=60',
  '/api/work?ms=150',
];
let sent = 0;
let failed = 0;

async function drive(base) {
  while (Date.now() < until) {
    const started = Date.now();
    const path = paths[Math.floor(Math.random() * paths.length)];
    try {
      const res = await fetch(base + path, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
    } catch {
      failed += 1; // the target is down (restarting, or `demo-deploy down` ran); keep going
    }
    sent += 1;
    await new Promise((r) => setTimeout(r, Math.max(0, gapMs - (Date.now() - started))));
  }
}

process.on('SIGTERM', () => process.exit(0));
setInterval(() => console.log(`${new Date().toISOString()} sent=${sent} unreachable=${failed}`), 60_000).unref();
await Promise.all(targets.map(drive));
console.log(`done: sent=${sent} unreachable=${failed}`);
