// Summarises a V8 CPU profile (node --cpu-prof): self time by function and by package, top N; and
// inclusive time (the function and what it called) of the functions matching PATTERN, as a share of
// the busy (not idle) time: where a middleware's or a route's cost really goes.
// Usage: node scripts/bench/cpuprofile-top.mjs FILE.cpuprofile [N] [PATTERN]
import fs from 'node:fs';

const [file, topArg, pattern] = process.argv.slice(2);
const top = Number(topArg ?? 25);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map(n => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  self.set(
    profile.samples[i],
    (self.get(profile.samples[i]) ?? 0) + (dt[i] ?? 0),
  );
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byFunction = new Map();
const byPackage = new Map();
for (const [id, us] of self) {
  const { callFrame: f } = byId.get(id);
  const where = f.url
    .replace(/^file:\/\//, '')
    .replace(/^.*node_modules\//, '');
  const key = `${f.functionName || '(anonymous)'} ${where}:${f.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const pkg =
    f.url === ''
      ? `(${f.functionName || 'native'})`
      : f.url.includes('node_modules/')
      ? f.url
          .split('node_modules/')
          .pop()
          .split('/')
          .slice(0, f.url.split('node_modules/').pop().startsWith('@') ? 2 : 1)
          .join('/')
      : f.url.startsWith('node:')
      ? 'node:internal'
      : f.url
          .replace(/^file:\/\/.*?\/(plugins|packages)\//, '$1/')
          .split('/')
          .slice(0, 2)
          .join('/');
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
}
const print = (title, map) => {
  console.log(`\n${title} (of ${(total / 1000).toFixed(0)} ms sampled)`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${key}`);
  }
};
print('self time by package', byPackage);
print('self time by function', byFunction);

if (pattern) {
  const matches = new RegExp(pattern);
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = f =>
    `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '')}:${f.lineNumber + 1}`;
  let busy = 0;
  const inclusive = new Map();
  for (const [id, us] of self) {
    if (byId.get(id).callFrame.functionName === '(idle)') continue;
    busy += us;
    // each function once per sample, however deep it recurses
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = name(byId.get(at).callFrame);
      if (seen.has(key) || !matches.test(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  console.log(`\ninclusive time matching /${pattern}/ (of ${(busy / 1000).toFixed(0)} ms busy)`);
  for (const [key, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * us) / busy).toFixed(1).padStart(5)} %  ${key}`);
  }
}
