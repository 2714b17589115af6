/**
 * Where a benchmark step spends its time: this process's CPU (user + system) and, on a local
 * PostgreSQL, the CPU of the database backend that ran the step, read from /proc. With both
 * beside the wall time one can tell which side is on the critical path. BENCH_PROFILE=step,…
 * also writes a V8 CPU profile of the named steps to bench/out/ (open it in Chrome's DevTools).
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { sql, type Kysely } from 'kysely';
import { outPath } from './report.ts';

const wanted = new Set(
  (process.env.BENCH_PROFILE ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export type StepCpu = { nodeCpuMs: number; databaseCpuMs: number | null };

/** CPU seconds a process has used (user + system), or null when /proc cannot tell. */
function processCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the fields after the command name, which is in parentheses and may hold spaces
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/**
 * The process of the PostgreSQL backend serving `db` (one connection: call it inside a
 * transaction), when the server runs on this machine; null otherwise (PGlite has no backend
 * process, and a remote server's process ids mean nothing here).
 */
export async function backendPid(
  db: Kysely<never>,
  serverUrl: string | null,
): Promise<number | null> {
  if (serverUrl === null) return null;
  const host = new URL(serverUrl).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', ''].includes(host)) return null;
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
  return rows[0]?.pid ?? null;
}

/**
 * Measures `fn`'s CPU on both sides. `fn` names the database backend it runs on through
 * `notePid` (from inside its transaction), and the backend's CPU is counted from then on.
 */
export async function measureStep<T>(
  name: string,
  fn: (notePid: (pid: number | null) => void) => Promise<T>,
): Promise<{ result: T; cpu: StepCpu }> {
  let session: Session | undefined;
  if (wanted.has(name)) {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  let pid: number | null = null;
  let dbStart: number | null = null;
  const node0 = process.cpuUsage();
  const result = await fn((p) => {
    pid = p;
    dbStart = p === null ? null : processCpuMs(p);
  });
  const node = process.cpuUsage(node0);
  const dbEnd = pid === null ? null : processCpuMs(pid);
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    const file = outPath(
      `profile-${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`,
    );
    fs.writeFileSync(file, JSON.stringify(profile));
    console.log(`  (CPU profile of ${name}: ${file})`);
    session.disconnect();
  }
  return {
    result,
    cpu: {
      nodeCpuMs: (node.user + node.system) / 1000,
      databaseCpuMs: dbStart === null || dbEnd === null ? null : dbEnd - dbStart,
    },
  };
}
