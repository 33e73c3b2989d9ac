// Prints where a V8 .cpuprofile spent its time: self time by package (or our own folder) and the top functions.
// Usage: npx tsx bench/summarise-profile.ts bench/results/prof/<file>.cpuprofile
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const profile = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Profile;
const selfUs = new Map<number, number>();
profile.samples.forEach((id, index) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
});
const total = [...selfUs.values()].reduce((sum, value) => sum + value, 0);

function area(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1] ?? url;
  const own = /\/(src\/[^/]+|sandbox|bench)\//.exec(url);
  if (own) return own[1] ?? url;
  if (url.startsWith('node:')) return url;
  return url.split('/').slice(-2).join('/');
}

const byArea = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const node of profile.nodes) {
  const time = selfUs.get(node.id) ?? 0;
  if (!time) continue;
  const where = area(node.callFrame.url, node.callFrame.functionName);
  byArea.set(where, (byArea.get(where) ?? 0) + time);
  const key = `${node.callFrame.functionName || '(anonymous)'} ${where}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + time);
}
const show = (map: Map<string, number>, limit: number) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .forEach(([name, time]) => {
      console.log(`${((time / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
    });
console.log(`total sampled: ${(total / 1e6).toFixed(1)} s\n\nself time by area:`);
show(byArea, 25);
console.log('\ntop functions (self):');
show(byFunction, 30);
