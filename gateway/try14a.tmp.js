const { startProcesses } = require('@maillage/testing');
(async () => {
  const s = await startProcesses({ env: { LOG_LEVEL: 'info' } });
  for (const n of ['clubs', 'synergies']) {
    const t = Date.now();
    s.signal(n, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 12000));
  }
  console.log(s.lines.filter((l) => /^(clubs|synergies)/.test(l) && !/"operation"/.test(l)).map(l => l.slice(0, 250)).join('\n'));
  await s.stop();
})();
