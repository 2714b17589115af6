/**
 * Cash-application matcher benchmark: builds the seeded remittance scenario
 * (bench/dataset/remittances.ts), times building the index and matching every line, and prints
 * the auto-match and false-match rates, overall and per kind of line.
 *
 *   npm run bench:match-engine      (node --import ./bin/ts-register.mjs bench/match-engine.ts)
 *
 * Settings: BENCH_MATCH_LINES (100000), BENCH_MATCH_CUSTOMERS (20000), BENCH_MATCH_ITEMS
 * (200000), BENCH_SEED (42), BENCH_MATCH_THRESHOLD (0.90), BENCH_MATCH_EXAMPLES (0: how many
 * misses and false matches to print).
 */
import { MatchIndex } from '../src/modules/banking/matching/match-index.ts';
import { evaluate, generateRemittanceScenario, LINE_MIX } from './dataset/remittances.ts';
import { machineInfo } from './support/machine.ts';

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

const lines = setting('BENCH_MATCH_LINES', 100_000);
const customers = setting('BENCH_MATCH_CUSTOMERS', 20_000);
const items = setting('BENCH_MATCH_ITEMS', 200_000);
const seed = setting('BENCH_SEED', 42);
const threshold = setting('BENCH_MATCH_THRESHOLD', 0.9);
const examples = process.env.BENCH_MATCH_EXAMPLES ? setting('BENCH_MATCH_EXAMPLES', 0) : 0;

const percent = (x: number, digits = 2) => `${(x * 100).toFixed(digits)} %`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const json = (value: unknown) =>
  JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 1);

const machine = machineInfo();
console.log(
  `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverage}`,
);
console.log(
  `Scenario: ${customers} customers, ${items} open items, ${lines} bank lines, seed ${seed}`,
);

let t0 = performance.now();
const scenario = generateRemittanceScenario({ customers, openItems: items, lines, seed });
const generateMs = performance.now() - t0;

global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
t0 = performance.now();
const index = new MatchIndex(
  { openItems: scenario.openItems, customers: scenario.customers, payerHints: scenario.payerHints },
  { autoApplyThreshold: threshold },
);
const buildMs = performance.now() - t0;
global.gc?.();
const indexMiB = (process.memoryUsage().heapUsed - heapBefore) / 1024 ** 2;

t0 = performance.now();
const cpu0 = process.cpuUsage();
const result = evaluate(index, scenario.lines, { threshold, examples });
const evaluateMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;

console.log(`\nGenerate scenario   ${seconds(generateMs)}`);
console.log(
  `Build index         ${seconds(buildMs)}  (heap +${indexMiB.toFixed(0)} MiB${global.gc ? '' : ', approximate: run with --expose-gc'})`,
);
console.log(
  `Match ${result.lines} lines  ${seconds(evaluateMs)} wall, ${seconds(cpuMs)} CPU  (${Math.round(result.linesPerSecond).toLocaleString('en-US')} lines/s in match(), ${((cpuMs * 1000) / result.lines).toFixed(0)} µs CPU per line)`,
);
console.log(`Load average after matching: ${machineInfo().loadAverage}`);
console.log(
  `Lines generated per kind: ${Object.entries(scenario.generatedMix)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ')}`,
);
console.log(`\nLines with a true match  ${result.withTrueMatch}`);
console.log(`Auto-applied             ${result.autoApplied}  (threshold ${threshold})`);
console.log(`  correct                ${result.autoCorrect}`);
console.log(`  false matches          ${result.falseMatches}`);
console.log(`Suggested only           ${result.suggestedOnly}`);
console.log(`No suggestion            ${result.unmatched}`);
console.log(`Auto-match rate          ${percent(result.autoMatchRate)} of lines with a true match`);
console.log(`False-match rate         ${percent(result.falseMatchRate, 3)} of all lines`);

console.log(
  '\nkind            share   lines   auto ok  auto wrong  suggested  none   auto rate  top right',
);
for (const [kind] of LINE_MIX) {
  const k = result.byKind[kind];
  const share = k.lines / result.lines;
  const truthLines = kind === 'nonAr' ? 0 : k.lines;
  const rate = truthLines === 0 ? '—' : percent(k.autoCorrect / truthLines, 1);
  const top = truthLines === 0 ? '—' : percent(k.topCorrect / truthLines, 1);
  console.log(
    `${kind.padEnd(15)} ${percent(share, 1).padStart(6)} ${String(k.lines).padStart(7)} ${String(k.autoCorrect).padStart(9)} ${String(k.autoWrong).padStart(11)} ${String(k.suggestedOnly).padStart(10)} ${String(k.unmatched).padStart(5)} ${rate.padStart(11)} ${top.padStart(10)}`,
  );
}

for (const example of result.examples) {
  const { line, top, outcome } = example;
  console.log(`\n--- ${outcome} (${line.kind})`);
  console.log(json({ line: { ...line, truth: line.truth }, top }));
}
