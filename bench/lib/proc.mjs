// CPU accounting from /proc: whole-machine busy time, per process time, to tell whether
// something else ran during a sample. Linux only; elsewhere every reading is null.
import { readFileSync } from 'node:fs';

/** USER_HZ: /proc reports clock ticks of 1/100 s on every Linux Node supports. */
export const CLK_TCK = 100;

/** Busy ticks of the whole machine: user+nice+system (irq/softirq left out: our own loopback traffic), and steal. */
export function machineTicks() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const [user, nice, system, , , , , steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return { busy: user + nice + system, steal: steal ?? 0 };
  } catch {
    return null;
  }
}

/** utime+stime of a process (ticks). */
export function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime field 15.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** Reads of every process we own plus the machine, taken together. */
export function snapshotTicks(pids) {
  return { machine: machineTicks(), pids: pids.map(processTicks), at: performance.now() };
}

/**
 * CPU others used between two snapshots, in cores (1 = one core fully busy):
 * machine busy time minus what our own processes used.
 */
export function otherLoad(before, after) {
  if (!before.machine || !after.machine) return { otherCores: null, stealCores: null };
  const seconds = (after.at - before.at) / 1000;
  let ours = 0;
  for (let i = 0; i < before.pids.length; i++) {
    if (before.pids[i] !== null && after.pids[i] !== null) ours += after.pids[i] - before.pids[i];
  }
  const other = after.machine.busy - before.machine.busy - ours;
  return {
    otherCores: Math.max(0, other) / CLK_TCK / seconds,
    stealCores: (after.machine.steal - before.machine.steal) / CLK_TCK / seconds,
  };
}
