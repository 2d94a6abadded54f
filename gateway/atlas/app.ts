// The regional atlas (/atlas/): what a council's economic team looks at. Signed in with an analyst
// token (kept for this browser tab, like the playground's), it reads the public API only, through
// the persisted operations Atlas* (api.ts), and shows a map, a graph and the synergy report.
import type Sigma from 'sigma';
import { AtlasError, lastCost, run, type Failure } from './api';
import { el, fmtDecimal, fmtInt, fmtScore, KIND_COLOURS, KIND_LABELS } from './format';
import { buildGraph, edgeKey, edgePoint, highlightEdge, renderGraph, type NetworkNode, type PairEdge } from './graph';
import { count, describe, MEASURES, renderMap, renderMapTable, type DepartementFigures, type Measure } from './map';
import { frenchReason } from './reasons';
import { ReportTable, reportCsv, type ReportRow } from './report';

const STORE = 'maillage-atlas-token';
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const params = new URLSearchParams(location.search);
const state = {
  token: sessionStorage.getItem(STORE),
  regionId: params.get('region') ?? 'REG-76',
  regionName: '',
  scope: null as DepartementFigures | null,
  from: '',
  to: '',
  measure: 'networks' as Measure,
  figures: [] as DepartementFigures[],
  region: null as DepartementFigures | null,
  rows: [] as ReportRow[],
  edges: new Map<string, { edge: PairEdge; row?: ReportRow; initiatives: string[]; bridges: string[] }>(),
  sigma: null as Sigma | null,
};

const MESSAGES: Record<Failure, string> = {
  SIGNED_OUT:
    'Vous n’êtes pas connecté. Collez un jeton d’analyste dans la case « Jeton d’analyste » ci-dessus (pour un essai : npm run dev-token -- analyst), puis choisissez « Se connecter ».',
  UNAUTHENTICATED: 'Ce jeton est refusé : il est invalide ou a expiré. Demandez un nouveau jeton d’analyste et collez-le ci-dessus.',
  FORBIDDEN:
    'Accès refusé : ce jeton ne donne pas le droit de lire les synergies. L’atlas demande un jeton d’analyste (portée « analyst ») ou d’administrateur.',
  SNAPSHOT_UNAVAILABLE:
    'Le service des synergies n’est pas encore prêt : il n’a pas pu lire le graphe régional. Réessayez dans quelques instants.',
  RATE_LIMITED: 'Trop de demandes en une minute pour ce jeton : réessayez dans une minute.',
  OTHER: 'L’atlas n’a pas pu charger les données.',
};

function showMessage(failure: Failure | null, detail?: string): void {
  const box = $('message');
  const content = $('content');
  if (!failure) {
    box.hidden = true;
    box.replaceChildren();
    content.hidden = false;
    return;
  }
  const retry = el('button', { type: 'button', id: 'retry' }, 'Réessayer');
  retry.addEventListener('click', () => void loadAll());
  box.replaceChildren(
    el('p', {}, MESSAGES[failure]),
    ...(failure === 'OTHER' && detail ? [el('p', {}, `Détail : ${detail}`)] : []),
    ...(failure === 'SIGNED_OUT' ? [] : [retry]),
  );
  box.dataset.failure = failure;
  box.hidden = false;
  content.hidden = true;
}

function showCost(): void {
  const c = lastCost.value;
  $('cost').textContent = c
    ? `Dernière requête : coût ${fmtInt(c.actual)} points (estimé ${fmtInt(c.requested)})${c.budget?.remaining != null ? `, reste ${fmtInt(c.budget.remaining)} points cette minute` : ''}.`
    : '';
}

const period = () => ({ from: state.from || null, to: state.to || null });

/** A few requests at a time: one per département, without flooding the gateway. */
async function pool<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

async function loadMap(): Promise<void> {
  const map = await run('AtlasMap', { regionId: state.regionId, ...period() }, state.token);
  state.regionName = map.region?.name ?? state.regionId;
  const memberships = new Map(map.crossTerritoryTies.territories.map((t) => [t.territory.id, t.memberships]));
  const territories = [...map.departements.nodes, ...(map.region ? [map.region] : [])];
  const counts = await pool(territories, 4, async (t) => {
    const d = await run('AtlasDepartement', { territoryId: t.id, ...period() }, state.token);
    const initiatives = new Set(d.coParticipation.flatMap((p) => p.initiatives.map((i) => i.id)));
    return { networks: d.synergyReport.networkCount, members: d.synergyReport.memberCount, jointInitiatives: initiatives.size };
  });
  const figures = territories.map((t, i) => {
    const m = t.id === state.regionId ? [...memberships.values()].reduce((s, n) => s + n, 0) : (memberships.get(t.id) ?? 0);
    return {
      id: t.id,
      code: t.code,
      name: t.name,
      population: t.population,
      memberships: m,
      perThousand: t.population ? (m * 1000) / t.population : null,
      ...counts[i],
    };
  });
  state.region = map.region ? figures.pop()! : null;
  state.figures = figures.sort((a, b) => a.code.localeCompare(b.code));
  drawMap();
  renderMapTable($<HTMLTableElement>('map-table'), state.figures, state.region);
}

const fmtLegend = (n: number) => (state.measure === 'perThousand' ? fmtDecimal(n) : fmtInt(Math.round(n)));

function drawMap(): void {
  const { high, shades } = renderMap($('map') as unknown as SVGSVGElement, state.figures, state.measure, state.scope?.id ?? null, {
    show: (d) =>
      ($('map-figures').textContent = d ? describe(d) : 'Survolez ou parcourez les départements au clavier pour voir leurs chiffres.'),
    pick: (d) => void setScope(state.scope?.id === d.id ? null : d),
  });
  const step = high / shades.length;
  $('map-legend').replaceChildren(
    el('span', {}, `${MEASURES[state.measure]} : `),
    // Class i holds values from i × step up to (i + 1) × step, the last one up to the maximum.
    ...shades.map((s, i) =>
      el('span', { class: 'swatch' }, el('i', { style: `background:${s}` }), `${fmtLegend(i * step)} à ${fmtLegend((i + 1) * step)}`),
    ),
  );
}

type AnyNetwork = { __typename?: string; id: string; name: string; memberCount: number };
const kindOf = (n: { __typename?: string }) => n.__typename ?? 'Chamber';

async function loadSynergies(): Promise<void> {
  const territoryId = state.scope?.id ?? state.regionId;
  const data = await run('AtlasSynergies', { territoryId, ...period(), pairs: 100 }, state.token);
  const t = data.territory;
  const nodes = new Map<string, NetworkNode>();
  const add = (n: AnyNetwork, kind: string) => nodes.has(n.id) || nodes.set(n.id, { id: n.id, name: n.name, kind, members: n.memberCount });
  for (const n of t?.chambers?.nodes ?? []) add(n, 'Chamber');
  for (const n of t?.clusters?.nodes ?? []) add(n, 'Cluster');
  for (const n of t?.councils?.nodes ?? []) add(n, 'Council');
  for (const n of t?.clubs?.nodes ?? []) add(n, 'Club');

  const bridgesByPair = new Map<string, string[]>();
  for (const b of data.bridgingActors.actors) {
    for (const p of b.bridges) {
      const key = edgeKey((p.networkA as AnyNetwork).id, (p.networkB as AnyNetwork).id);
      bridgesByPair.set(key, [...(bridgesByPair.get(key) ?? []), b.actor.name]);
    }
  }
  state.rows = data.synergyReport.pairs.map((p) => {
    const a = p.networkA as AnyNetwork;
    const b = p.networkB as AnyNetwork;
    add(a, kindOf(a));
    add(b, kindOf(b));
    return {
      a: { id: a.id, name: a.name, kind: kindOf(a) },
      b: { id: b.id, name: b.name, kind: kindOf(b) },
      score: p.score,
      similarity: p.similarity,
      complementarity: p.complementarity,
      sharedCount: p.sharedCount,
      sharedMembers: p.sharedMembers.map((m) => m.name),
      jointInitiatives: p.jointInitiatives.map((i) => i.name),
      sectorCouples: p.sectorLinks.map((l) => `${l.a.label} × ${l.b.label}`),
      whiteSpace: p.whiteSpace,
      reasons: p.reasonDetails.map(frenchReason),
    };
  });
  state.edges = new Map();
  for (const r of state.rows) {
    if (r.sharedCount === 0 && r.jointInitiatives.length === 0) continue;
    const key = edgeKey(r.a.id, r.b.id);
    const bridges = bridgesByPair.get(key) ?? [];
    state.edges.set(key, {
      edge: {
        a: r.a.id,
        b: r.b.id,
        score: r.score,
        sharedCount: r.sharedCount,
        jointInitiatives: r.jointInitiatives.length,
        bridged: bridges.length > 0,
      },
      row: r,
      initiatives: r.jointInitiatives,
      bridges,
    });
  }
  const minScore = Math.min(...state.rows.map((r) => r.score), 0.01);
  for (const c of data.coParticipation) {
    const a = c.networkA as AnyNetwork;
    const b = c.networkB as AnyNetwork;
    add(a, kindOf(a));
    add(b, kindOf(b));
    const key = edgeKey(a.id, b.id);
    if (state.edges.has(key)) continue;
    const bridges = bridgesByPair.get(key) ?? [];
    // A joint initiative outside the report's top pairs: drawn at the weakest score shown.
    state.edges.set(key, {
      edge: { a: a.id, b: b.id, score: minScore, sharedCount: 0, jointInitiatives: c.count, bridged: bridges.length > 0 },
      initiatives: c.initiatives.map((i) => i.name),
      bridges,
    });
  }
  await drawGraph(
    [...nodes.values()],
    data.bridgingActors.actors.map((b) => ({ name: b.actor.name, score: b.score, networks: b.networkCount })),
  );
  report.set(state.rows);
  const s = data.synergyReport.scope;
  // The period the API resolved (today by default), shown in the date fields.
  $<HTMLInputElement>('from').value ||= s.from;
  $<HTMLInputElement>('to').value ||= s.to;
  $('report-scope').textContent =
    `${state.scope?.name ?? state.regionName}, du ${s.from} au ${s.to} : ${fmtInt(data.synergyReport.networkCount)} réseaux, ${fmtInt(data.synergyReport.memberCount)} membres, ${fmtInt(state.rows.length)} paires (instantané du ${new Date(s.snapshotTakenAt).toLocaleString('fr-FR')}).`;
}

function nameOf(id: string): string {
  return (state.sigma?.getGraph().getNodeAttribute(id, 'name') as string | undefined) ?? id;
}

/** Draws the graph and its tables; resolves once every edge is on the canvas and clickable. */
function drawGraph(nodes: NetworkNode[], bridging: { name: string; score: number; networks: number }[]): Promise<void> {
  state.sigma?.kill();
  const atlasGraph = buildGraph(
    nodes,
    [...state.edges.values()].map((e) => e.edge),
  );
  const rendered = renderGraph(
    $('graph'),
    atlasGraph,
    (key) => showEdge(key),
    (id) => showNode(id),
  );
  state.sigma = rendered.sigma;
  // Links per network, from the edges to draw: the canvas gets them only after its first frame.
  const degree = new Map<string, number>();
  for (const e of atlasGraph.edges) for (const n of [e.a, e.b]) degree.set(n, (degree.get(n) ?? 0) + 1);
  (window as unknown as { maillageAtlas: unknown }).maillageAtlas = {
    sigma: state.sigma,
    edgePoint: (a: string, b: string) => edgePoint(state.sigma!, edgeKey(a, b)),
  };
  $('graph-legend').replaceChildren(
    ...Object.entries(KIND_LABELS).map(([k, label]) =>
      el('span', { class: 'swatch' }, el('i', { style: `background:${KIND_COLOURS[k]}`, class: 'round' }), label),
    ),
    el('span', { class: 'swatch' }, el('i', { style: 'background:#b35806', class: 'line' }), 'lien porté par un acteur pont'),
  );
  $('bridging').replaceChildren(
    ...bridging.slice(0, 10).map((b) => el('li', {}, `${b.name} : score ${fmtScore(b.score)}, ${fmtInt(b.networks)} réseaux`)),
  );
  const edgeRows = [...state.edges.entries()].sort((x, y) => y[1].edge.score - x[1].edge.score);
  $<HTMLTableElement>('graph-table').replaceChildren(
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['Réseau A', 'Réseau B', 'Score', 'Membres communs', 'Initiatives communes', 'Acteurs ponts', ''].map((h) =>
          el('th', { scope: 'col' }, h),
        ),
      ),
    ),
    el(
      'tbody',
      {},
      ...edgeRows.map(([key, e]) => {
        const button = el('button', { type: 'button', class: 'link' }, 'Détails');
        button.addEventListener('click', () => showEdge(key));
        return el(
          'tr',
          { 'data-edge': key },
          el('th', { scope: 'row' }, nameOf(e.edge.a)),
          el('td', {}, nameOf(e.edge.b)),
          el('td', { class: 'num' }, fmtScore(e.edge.score)),
          el('td', { class: 'num' }, fmtInt(e.edge.sharedCount)),
          el('td', { class: 'num' }, fmtInt(e.edge.jointInitiatives)),
          el('td', {}, e.bridges.join(', ') || '—'),
          el('td', {}, button),
        );
      }),
    ),
  );
  $<HTMLTableElement>('nodes-table').replaceChildren(
    el('thead', {}, el('tr', {}, ...['Réseau', 'Type', 'Membres', 'Liens'].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      ...[...nodes]
        .sort((a, b) => b.members - a.members)
        .map((n) =>
          el(
            'tr',
            {},
            el('th', { scope: 'row' }, n.name),
            el('td', {}, KIND_LABELS[n.kind] ?? n.kind),
            el('td', { class: 'num' }, fmtInt(n.members)),
            el('td', { class: 'num' }, fmtInt(degree.get(n.id) ?? 0)),
          ),
        ),
    ),
  );
  $('graph-summary').textContent = `${fmtInt(atlasGraph.graph.order)} réseaux, ${fmtInt(atlasGraph.edges.length)} liens.`;
  showEdge(null);
  return rendered.complete;
}

function showEdge(key: string | null): void {
  const panel = $('edge-detail');
  if (state.sigma) highlightEdge(state.sigma, key);
  const e = key ? state.edges.get(key) : undefined;
  if (!e) {
    panel.replaceChildren(
      el(
        'p',
        {},
        'Choisissez un lien dans le graphe (ou « Détails » dans le tableau des liens) pour voir pourquoi ces deux réseaux se rapprochent.',
      ),
    );
    return;
  }
  const r = e.row;
  const list = (title: string, items: string[]) =>
    items.length ? [el('h4', {}, title), el('ul', {}, ...items.map((i) => el('li', {}, i)))] : [];
  panel.replaceChildren(
    el('h3', {}, `${nameOf(e.edge.a)} — ${nameOf(e.edge.b)}`),
    el(
      'p',
      {},
      r
        ? `Score de synergie ${fmtScore(r.score)} ; ${count(r.sharedCount, 'membre', 'membres')} en commun.`
        : `${count(e.edge.jointInitiatives, 'initiative commune', 'initiatives communes')}, hors des paires les mieux classées du rapport.`,
    ),
    ...list('Membres communs', r?.sharedMembers ?? []),
    ...list('Couples de secteurs', r?.sectorCouples ?? []),
    ...list('Initiatives communes', e.initiatives),
    ...list('Acteurs ponts', e.bridges),
    ...list('Raisons', r?.reasons ?? []),
  );
}

function showNode(id: string): void {
  const graph = state.sigma!.getGraph();
  const a = graph.getNodeAttributes(id);
  $('edge-detail').replaceChildren(
    el('h3', {}, a.name as string),
    el('p', {}, `${KIND_LABELS[a.kind as string] ?? ''} : ${count(graph.degree(id), 'lien', 'liens')} dans le graphe.`),
  );
}

async function setScope(d: DepartementFigures | null): Promise<void> {
  state.scope = d;
  $('scope-name').textContent = d ? `${d.name} (${d.code})` : state.regionName;
  $('scope-reset').hidden = !d;
  drawMap();
  await guarded(loadSynergies);
}

async function guarded(fn: () => Promise<void>): Promise<void> {
  $('busy').textContent = 'Chargement…';
  try {
    await fn();
    showMessage(null);
  } catch (err) {
    if (err instanceof AtlasError) showMessage(err.failure, err.message);
    else showMessage('OTHER', String(err));
  } finally {
    $('busy').textContent = '';
    showCost();
  }
}

async function loadAll(): Promise<void> {
  document.body.dataset.ready = 'false';
  await guarded(async () => {
    await loadMap();
    $('scope-name').textContent = state.scope ? `${state.scope.name} (${state.scope.code})` : state.regionName;
    await loadSynergies();
  });
  document.body.dataset.ready = 'true';
}

const report = new ReportTable($<HTMLTableElement>('report-table'), (row) => {
  const key = edgeKey(row.a.id, row.b.id);
  if (!state.edges.has(key))
    state.edges.set(key, {
      edge: { a: row.a.id, b: row.b.id, score: row.score, sharedCount: 0, jointInitiatives: 0, bridged: false },
      row,
      initiatives: [],
      bridges: [],
    });
  showEdge(key);
  $('graph-section').scrollIntoView();
  $('edge-detail').focus();
});

function bind(): void {
  const field = $<HTMLInputElement>('token');
  const status = $('token-state');
  const show = () => {
    field.value = state.token ?? '';
    status.textContent = state.token ? 'Connecté avec un jeton' : 'Non connecté';
  };
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.token = field.value.trim().replace(/^Bearer\s+/i, '') || null;
    if (state.token) sessionStorage.setItem(STORE, state.token);
    else sessionStorage.removeItem(STORE);
    show();
    void loadAll();
  });
  $('token-form').addEventListener('reset', (e) => {
    e.preventDefault();
    state.token = null;
    sessionStorage.removeItem(STORE);
    show();
    void loadAll();
  });
  show();
  $('period-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.from = $<HTMLInputElement>('from').value;
    state.to = $<HTMLInputElement>('to').value;
    void loadAll();
  });
  const measure = $<HTMLSelectElement>('measure');
  measure.replaceChildren(...Object.entries(MEASURES).map(([k, label]) => el('option', { value: k }, label)));
  measure.addEventListener('change', () => {
    state.measure = measure.value as Measure;
    drawMap();
  });
  $('scope-reset').addEventListener('click', () => void setScope(null));
  $('export-csv').addEventListener('click', () => {
    const blob = new Blob([reportCsv(report.sorted())], { type: 'text/csv;charset=utf-8' });
    const a = el('a', { href: URL.createObjectURL(blob), download: `synergies-${(state.scope?.id ?? state.regionId).toLowerCase()}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  });
  $('print').addEventListener('click', () => window.print());
}

bind();
void loadAll();
