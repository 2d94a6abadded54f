// CPU time and resident memory of a process and its descendants (cluster workers), from /proc.
const { readFileSync } = require('node:fs');

const TICKS = 100; // USER_HZ on Linux

function children(pid) {
  try {
    const tasks = require('node:fs').readdirSync(`/proc/${pid}/task`);
    return tasks.flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

function tree(pid) {
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...children(out[i]));
  return out;
}

/** CPU seconds (user + system) used so far by the process tree. */
function cpuSeconds(pid) {
  let ticks = 0;
  for (const p of tree(pid)) {
    try {
      // The command name (field 2) may hold spaces: split after its closing parenthesis.
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    } catch {
      // exited meanwhile
    }
  }
  return ticks / TICKS;
}

/** Resident memory of the process tree, in MiB. */
function rssMiB(pid) {
  let kb = 0;
  for (const p of tree(pid)) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // exited meanwhile
    }
  }
  return kb / 1024;
}

/** Samples a process tree while a run lasts: CPU used (in cores) and peak RSS. */
function sampler(pid, everyMs = 200) {
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  let peak = rssMiB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), everyMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, rssMiB(pid));
      const seconds = (performance.now() - t0) / 1000;
      return { cpuCores: (cpuSeconds(pid) - cpu0) / seconds, cpuSeconds: cpuSeconds(pid) - cpu0, peakRssMiB: peak };
    },
  };
}

module.exports = { cpuSeconds, rssMiB, sampler, tree };
