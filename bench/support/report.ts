import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LatencySummary } from './stats.ts';

export type ScenarioResult = {
  name: string;
  layer: 'service' | 'http';
  /** items on the page returned */
  rows: number;
  /** rows of the organization matching the filter (all pages), when the scenario filters */
  matches: number | null;
  latency: LatencySummary;
  targetP99Ms: number;
};

const OUT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'out');

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '-');

/** A fixed-width table; also valid Markdown, so it can be pasted into BENCHMARKS.md. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const header = [
    'scenario',
    'rows',
    'matches',
    'n',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'target p99',
  ];
  const lines = results.map((r) => [
    r.layer === 'http' ? r.name : `service: ${r.name}`,
    String(r.rows),
    r.matches === null ? '' : String(r.matches),
    String(r.latency.iterations),
    ms(r.latency.p50),
    ms(r.latency.p95),
    ms(r.latency.p99),
    ms(r.latency.max),
    `${r.latency.p99 <= r.targetP99Ms ? 'met' : 'MISSED'} (${r.targetP99Ms})`,
  ]);
  const widths = header.map((h, i) => Math.max(3, h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [row(header), rule, ...lines.map(row)].join('\n');
}

/** A path in bench/out/ (created if missing). */
export function outPath(fileName: string): string {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  return path.join(OUT_DIR, fileName);
}

/** Writes the run as JSON to bench/out/<name>-<timestamp>.json and bench/out/<name>-latest.json. */
export function writeJson(name: string, data: unknown): string {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(OUT_DIR, `${name}-${stamp}.json`);
  const text = JSON.stringify(
    data,
    (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
    2,
  );
  fs.writeFileSync(file, text);
  fs.writeFileSync(path.join(OUT_DIR, `${name}-latest.json`), text);
  return file;
}
