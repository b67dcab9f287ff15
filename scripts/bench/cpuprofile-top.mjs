// Summarises a V8 CPU profile (node --cpu-prof): self time by function and by package, top N.
// Usage: node scripts/bench/cpuprofile-top.mjs FILE.cpuprofile [N]
import fs from 'node:fs';

const [file, topArg] = process.argv.slice(2);
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
