/**
 * Summarizes a V8 CPU profile (`node --cpu-prof`): self time by package or area, the top
 * functions by self time, and by total time (self and callees, share of the busy time) those
 * whose name or file matches `pattern`.
 * Usage: tsx bench/cpu-profile-top.ts <file.cpuprofile> [top=25] [pattern=src/]
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [file, topArg = '25', pattern = 'src/'] = process.argv.slice(2);
if (!file) throw new Error('usage: cpu-profile-top.ts <file.cpuprofile> [top]');
const profile = JSON.parse(await readFile(file, 'utf8')) as {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
};

const selfMicros = new Map<number, number>();
profile.samples.forEach((id, index) => {
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
});
const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);

/** Where a function lives: an npm package, our own folder, or the runtime. */
function area(url: string, name: string): string {
  if (name === '(idle)' || name === '(program)' || name === '(garbage collector)') return name;
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1]!;
  const own = url.match(/\/(src|bench|generated)\/([^/]+)/);
  if (own) return `${own[1]}/${own[2]}`;
  if (url.startsWith('node:') || url === '') return 'node internals';
  return url;
}

const nameOf = ({ functionName, url, lineNumber }: ProfileNode['callFrame']) =>
  `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|bench)\//, '$1/')}:${lineNumber + 1}`;

const byArea = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const node of profile.nodes) {
  const micros = selfMicros.get(node.id) ?? 0;
  const { functionName, url } = node.callFrame;
  const where = area(url, functionName);
  byArea.set(where, (byArea.get(where) ?? 0) + micros);
  const key = nameOf(node.callFrame);
  byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
}
const show = (entries: Map<string, number>, count: number) => {
  for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, count))
    console.log(`${((micros / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
};
console.log(`total ${(total / 1e6).toFixed(1)} s sampled`);
console.log('-- self time by area');
show(byArea, 15);
console.log('-- self time by function');
show(byFunction, Number(topArg));

// Total time: each busy sample counts once for every distinct function on its stack.
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const idle = new Set(['(idle)', '(program)', '(garbage collector)']);
const inclusive = new Map<string, number>();
let busy = 0;
for (const [id, micros] of selfMicros) {
  if (idle.has(nodes.get(id)!.callFrame.functionName)) continue;
  busy += micros;
  const onStack = new Set<string>();
  for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current))
    onStack.add(nameOf(nodes.get(current)!.callFrame));
  for (const name of onStack) inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
}
const matching = new RegExp(pattern);
console.log(`-- total time (share of ${(busy / 1e6).toFixed(1)} s busy) of functions matching /${pattern}/`);
for (const [name, micros] of [...inclusive]
  .filter(([name]) => matching.test(name))
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(topArg)))
  console.log(`${((micros / busy) * 100).toFixed(1).padStart(5)}%  ${name}`);
