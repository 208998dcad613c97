// Shared pieces of the benchmark's load generators (board_load.mjs,
// registration_load.mjs): wall-clock time in milliseconds, a growable array of
// samples, nearest-rank percentiles, how busy the generator itself was, and the line
// protocol with the Python side (commands as JSON lines on stdin, one JSON line on
// stdout per answer).
import { createInterface } from "node:readline";

/** Milliseconds since the epoch, with sub-millisecond resolution. */
export const nowMs = () => performance.timeOrigin + performance.now();

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Latencies in milliseconds, stored flat (a million deliveries is 8 MB). */
export class Samples {
  constructor() {
    this.data = new Float64Array(1024);
    this.length = 0;
  }

  push(value) {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length] = value;
    this.length += 1;
  }

  /** The samples of several sets, ascending. */
  static sorted(...sets) {
    const all = new Float64Array(sets.reduce((n, set) => n + set.length, 0));
    let at = 0;
    for (const set of sets) {
      all.set(set.data.subarray(0, set.length), at);
      at += set.length;
    }
    return all.sort();
  }
}

/** Nearest-rank percentile (q in 0..1) of ascending values; null when empty. */
export function percentile(sorted, q) {
  if (!sorted.length) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}

const round = (value) => (value === null ? null : Math.round(value * 10) / 10);

/** count, p50, p90, p99 and max of ascending values (milliseconds, to 0.1). */
export function summarise(sorted) {
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p90: round(percentile(sorted, 0.9)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : null),
  };
}

/** This process's use between two calls: CPU in percent of one core, and how much
 * of the time its event loop was busy (near 100, the generator itself is the
 * bottleneck, whether from its own work or from waiting for a core). */
export function usageMeter() {
  const startedAt = nowMs();
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  return () => {
    const used = process.cpuUsage(cpu);
    const wall = nowMs() - startedAt;
    return {
      loadgen_cpu_percent: round(wall > 0 ? (100 * (used.user + used.system)) / 1000 / wall : 0),
      loadgen_busy_percent: round(100 * performance.eventLoopUtilization(loop).utilization),
    };
  };
}

export const answer = (object) => process.stdout.write(`${JSON.stringify(object)}\n`);

export const progress = (...parts) => console.error("[load]", ...parts);

/** Run `handlers[command.cmd](command)` for each JSON line on stdin and print what it
 * returns; `quit` (or the end of stdin) calls `onQuit`. */
export async function serveCommands(handlers, onQuit) {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const command = JSON.parse(line);
    if (command.cmd === "quit") break;
    const handler = handlers[command.cmd];
    answer(handler ? await handler(command) : { error: `unknown command ${command.cmd}` });
  }
  await onQuit();
  process.exit(0);
}
