import { cpuPerEvent, procCpuSeconds, redisCpuSeconds } from '../../bench/cpu-meter';

describe("bench:projections' CPU meter", () => {
  test("reads this process's CPU time from /proc, and it grows with work as process.cpuUsage does", () => {
    const before = procCpuSeconds(process.pid);
    const own = process.cpuUsage();
    let x = 0;
    // Work until this process has used 0.3 s of CPU (not 0.3 s of wall time: on a loaded machine that can be far less).
    const cap = Date.now() + 10_000;
    const used = () => {
      const u = process.cpuUsage(own);
      return (u.user + u.system) / 1e6;
    };
    while (used() < 0.3 && Date.now() < cap) for (let i = 0; i < 10_000; i += 1) x += Math.sqrt(x + 1);
    const spent = process.cpuUsage(own);
    const after = procCpuSeconds(process.pid);
    expect(x).toBeGreaterThan(0);
    if (before === undefined || after === undefined) throw new Error('/proc/<pid>/stat was not read');
    // Clock ticks are 10 ms: /proc agrees with cpuUsage to within a few of them.
    expect(Math.abs(after - before - (spent.user + spent.system) / 1e6)).toBeLessThan(0.05);
    expect(after - before).toBeGreaterThan(0.2);
  });

  test('a process that does not exist, or no pid, reads as unknown', () => {
    expect(procCpuSeconds(undefined)).toBeUndefined();
    expect(procCpuSeconds(2 ** 30)).toBeUndefined();
  });

  test("sums Redis's user and system CPU from INFO cpu, and names what is missing", () => {
    const info = '# CPU\r\nused_cpu_sys:1.250000\r\nused_cpu_user:3.500000\r\nused_cpu_sys_children:9.000000\r\nused_cpu_user_children:9.000000\r\n';
    expect(redisCpuSeconds(info)).toBeCloseTo(4.75, 6);
    expect(() => redisCpuSeconds('# CPU\r\nused_cpu_sys:1.0\r\n')).toThrow('INFO cpu has no used_cpu_user');
  });

  test('microseconds per event per process, and a broker it cannot read stays out of the total', () => {
    const local = cpuPerEvent({ node: 10, redis: 2, kafka: 5 }, { node: 40, redis: 8, kafka: 6 }, 1_000_000);
    expect(local).toEqual({ node: 30, redis: 6, kafka: 1, total: 37 });
    const external = cpuPerEvent({ node: 10, redis: 2, kafka: undefined }, { node: 40, redis: 8, kafka: undefined }, 1_000_000);
    expect(external).toEqual({ node: 30, redis: 6, kafka: undefined, total: 36 });
  });
});
