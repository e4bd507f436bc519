import fs from 'node:fs';
import type { Redis } from 'ioredis';

/*
 * CPU seconds spent by the processes a projector keeps busy: this Node process (every thread), Redis (its INFO cpu, so
 * an external Redis counts too) and a local Kafka broker (its /proc stat, Linux only). A bench divides the difference
 * over a run by the events it handled: the CPU each event costs, and so how many cores a rate needs.
 */

export interface CpuSample {
  node: number;
  redis: number;
  /** undefined when the broker is not a local process this machine can read. */
  kafka: number | undefined;
}

const CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux architecture Node ships for.

/** utime + stime of a process, in seconds, from /proc/<pid>/stat; undefined when it cannot be read. */
export function procCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields from after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / CLOCK_TICKS : undefined;
  } catch {
    return undefined;
  }
}

/** used_cpu_user + used_cpu_sys from INFO cpu, in seconds. */
export function redisCpuSeconds(info: string): number {
  const field = (name: string) => {
    const m = new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info);
    if (m === null) throw new Error(`INFO cpu has no ${name}: is this a Redis server?`);
    return Number(m[1]);
  };
  return field('used_cpu_user') + field('used_cpu_sys');
}

export async function sampleCpu(redis: Redis, kafkaPid: number | undefined): Promise<CpuSample> {
  const own = process.cpuUsage();
  return { node: (own.user + own.system) / 1e6, redis: redisCpuSeconds(await redis.info('cpu')), kafka: procCpuSeconds(kafkaPid) };
}

export interface CpuPerEvent {
  node: number;
  redis: number;
  kafka: number | undefined;
  total: number;
}

/** Microseconds of CPU per event between two samples. */
export function cpuPerEvent(before: CpuSample, after: CpuSample, events: number): CpuPerEvent {
  const us = (s: number) => (s * 1e6) / Math.max(1, events);
  const node = us(after.node - before.node);
  const redis = us(after.redis - before.redis);
  const kafka = before.kafka === undefined || after.kafka === undefined ? undefined : us(after.kafka - before.kafka);
  return { node, redis, kafka, total: node + redis + (kafka ?? 0) };
}
