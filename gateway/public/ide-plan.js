/*
 * The playground's "Query plan" panel (development only): the plan the gateway would follow for the
 * operations in the editor, from POST /ide-plan, without running them: which subgraph is fetched,
 * in which order (Sequence, Parallel), and what each fetch asks (Fetch(service: "…")), as Apollo
 * Sandbox and Hive's Laboratory show it. Refreshed as the document changes while the panel is open.
 */
(() => {
  'use strict';
  const panel = document.getElementById('query-plan');
  const toggle = document.getElementById('query-plan-toggle');
  const output = document.getElementById('query-plan-output');
  const status = document.getElementById('query-plan-status');
  let query = '';
  let shown = '';
  let timer;
  let seq = 0;

  function render(body) {
    output.replaceChildren();
    if (body.errors) {
      status.textContent = `No plan: ${body.errors[0].message}`;
      return;
    }
    status.textContent =
      body.plans.length === 1 ? 'The plan of this operation' : `The plans of the ${body.plans.length} operations of this document`;
    for (const { operationName, plan } of body.plans) {
      const section = document.createElement('section');
      const heading = document.createElement('h3');
      heading.textContent = operationName || 'Anonymous operation';
      const pre = document.createElement('pre');
      pre.className = 'query-plan';
      pre.textContent = plan;
      section.append(heading, pre);
      output.append(section);
    }
  }

  async function refresh() {
    if (panel.hidden || query === shown) return;
    const mine = ++seq;
    shown = query;
    status.textContent = 'Planning…';
    try {
      const res = await fetch('/ide-plan', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      const body = await res.json();
      if (mine === seq) render(body);
    } catch {
      if (mine === seq) status.textContent = 'The gateway could not be reached';
    }
  }

  toggle.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    toggle.setAttribute('aria-expanded', String(!panel.hidden));
    refresh();
  });

  window.maillageQueryPlan = {
    /** The document in the active tab, as the editor changes it or another tab is chosen. */
    setQuery(next) {
      if (typeof next !== 'string' || next === query) return;
      query = next;
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    },
  };
})();
