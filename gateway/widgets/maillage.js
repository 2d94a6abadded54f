/*
 * Maillage widgets for partner pages: one <script> from the gateway, then custom elements.
 *   <script src="https://GATEWAY/widgets/maillage.js" defer></script>
 *   <maillage-members network="cb-reseau-1234" key="mk_…" group-by="departement" page-size="10"></maillage-members>
 *   <maillage-agenda network="co-cmip" key="mk_…"></maillage-agenda>
 *   <maillage-networks territory="DEP-34" key="mk_…"></maillage-networks>
 * Each runs a persisted operation of the gateway by id over GET (a simple request: no preflight),
 * renders plain HTML in the page (classes maillage-*, no styles of its own, so the host page styles
 * it) and says so in words when the gateway cannot be reached or refuses the key.
 * No framework: custom elements and fetch are in every browser partners' visitors use.
 */
(() => {
  'use strict';
  // Filled in by the gateway when it serves this file, from the manifest it loaded.
  const IDS = /*PERSISTED_IDS*/ {};
  const script = document.currentScript;
  const DEFAULT_ENDPOINT = new URL('/graphql', script && script.src ? script.src : location.href).href;
  const KINDS = { ch: 'chamber', cl: 'cluster', co: 'council', cb: 'club' };
  const CATEGORY = {
    MEMBER: 'membre',
    BOARD: 'bureau',
    LEAD: 'responsable',
    ELECTED_MEMBER: 'élu',
    RESSORTISSANT: 'ressortissant',
    PARTNER: 'partenaire',
    ATTACHED_CHAMBER: 'chambre rattachée',
    COMPANY: 'entreprise',
    RESEARCH: 'recherche',
    TRAINING: 'formation',
    PUBLIC_BODY: 'organisme public',
    OTHER: 'autre',
    CONVENED_NETWORK: 'réseau réuni',
  };
  const STATUS = { IDEA: 'en projet', PLANNED: 'prévu', HELD: 'tenu', ONGOING: 'en cours', COMPLETED: 'terminé', CANCELLED: 'annulé' };
  const REFUSED = {
    ORIGIN_NOT_ALLOWED: "Ce site n'est pas autorisé à afficher ces informations de Maillage.",
    UNAUTHENTICATED: "La clé d'accès à Maillage de ce site n'est pas valable.",
    OPERATION_NOT_ALLOWED: "La clé d'accès de ce site ne permet pas d'afficher ces informations.",
    RATE_LIMITED: 'Trop de demandes pour le moment : réessayez dans une minute.',
  };
  const UNREACHABLE = 'Maillage est injoignable pour le moment : ces informations ne peuvent pas être affichées.';

  let uid = 0;
  const esc = (s) =>
    String(s == null ? '' : s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  const safeUrl = (u) => (/^https?:\/\//i.test(u || '') ? u : null);
  const dateFr = (d) =>
    d ? new Date(`${d}T00:00:00Z`).toLocaleDateString('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }) : '';
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

  /** An error that carries what to tell the visitor. */
  class Shown extends Error {
    constructor(message, code) {
      super(message);
      this.code = code;
    }
  }

  class MaillageElement extends HTMLElement {
    static get observedAttributes() {
      return ['network', 'territory', 'key', 'page-size', 'group-by', 'gateway'];
    }
    connectedCallback() {
      if (!this._id) this._id = `maillage-${++uid}`;
      this._cursors = [null];
      this.load();
    }
    attributeChangedCallback(_name, before, after) {
      if (this.isConnected && this._id && before !== after) {
        this._cursors = [null];
        this.load();
      }
    }
    get pageSize() {
      const n = Number(this.getAttribute('page-size') || 10);
      return Number.isInteger(n) && n >= 1 && n <= 100 ? n : 10;
    }
    /** Variables naming the network's kind from its id prefix (ch-, cl-, co-, cb-). */
    networkVariables() {
      const id = this.getAttribute('network') || '';
      const kind = KINDS[id.slice(0, 2)];
      if (!kind || id[2] !== '-') throw new Shown(`« ${id} » n'est pas un réseau de Maillage.`, 'BAD_ATTRIBUTE');
      return { id, [kind]: true, kind };
    }
    async run(operation, variables) {
      const url = new URL(this.getAttribute('gateway') || DEFAULT_ENDPOINT, location.href);
      url.searchParams.set('id', IDS[operation]);
      url.searchParams.set('variables', JSON.stringify(variables));
      const key = this.getAttribute('key');
      if (key) url.searchParams.set('key', key);
      let res;
      let body;
      try {
        res = await fetch(url.href, { credentials: 'omit', headers: { accept: 'application/json' }, signal: AbortSignal.timeout(15000) });
        body = await res.json();
      } catch {
        throw new Shown(UNREACHABLE, 'UNREACHABLE');
      }
      const code = body && body.errors && body.errors[0] && body.errors[0].extensions && body.errors[0].extensions.code;
      if (code && REFUSED[code]) throw new Shown(REFUSED[code], code);
      if (!res.ok || !body.data) throw new Shown(UNREACHABLE, code || `HTTP_${res.status}`);
      return body.data;
    }
    async load() {
      const seq = (this._seq = (this._seq || 0) + 1);
      this.setAttribute('aria-busy', 'true');
      if (!this.querySelector('.maillage-content')) this.innerHTML = `<p class="maillage-status" role="status">Chargement…</p>`;
      try {
        const html = await this.fetchHtml();
        if (seq !== this._seq) return;
        const focused =
          document.activeElement && this.contains(document.activeElement) ? document.activeElement.getAttribute('data-action') : null;
        this.innerHTML = `<div class="maillage-content">${html}</div>`;
        this.removeAttribute('data-error');
        if (focused) {
          const again = this.querySelector(`[data-action="${focused}"]:not([disabled])`);
          if (again) again.focus();
        }
        this.dispatchEvent(new CustomEvent('maillage:load', { bubbles: true }));
      } catch (err) {
        if (seq !== this._seq) return;
        const shown = err instanceof Shown ? err : new Shown(UNREACHABLE, 'ERROR');
        this.innerHTML = `<p class="maillage-error" role="alert">${esc(shown.message)}</p>`;
        this.setAttribute('data-error', shown.code);
        this.dispatchEvent(new CustomEvent('maillage:error', { bubbles: true, detail: { code: shown.code } }));
      } finally {
        if (seq === this._seq) this.setAttribute('aria-busy', 'false');
      }
    }
    /** Previous / next buttons over a cursor connection. */
    pager(connection) {
      const page = this._cursors.length;
      const pages = Math.max(1, Math.ceil(connection.totalCount / this.pageSize));
      if (pages === 1) return '';
      const next = connection.pageInfo.hasNextPage ? '' : ' disabled';
      const prev = page > 1 ? '' : ' disabled';
      this._next = connection.pageInfo.endCursor;
      return `<nav class="maillage-pager" aria-label="Pages">
<button type="button" class="maillage-previous" data-action="previous"${prev}>Page précédente</button>
<span class="maillage-page" aria-live="polite">Page ${page} sur ${pages}</span>
<button type="button" class="maillage-next" data-action="next"${next}>Page suivante</button>
</nav>`;
    }
    handleEvent(event) {
      const action = event.target.closest && event.target.closest('[data-action]');
      if (!action || action.disabled) return;
      if (action.dataset.action === 'next' && this._next) this._cursors.push(this._next);
      else if (action.dataset.action === 'previous' && this._cursors.length > 1) this._cursors.pop();
      else return;
      this.load();
    }
    get after() {
      return this._cursors[this._cursors.length - 1];
    }
  }

  /** A network's member directory, a page at a time, optionally grouped by département. */
  class MaillageMembers extends MaillageElement {
    constructor() {
      super();
      this.addEventListener('click', this);
    }
    async fetchHtml() {
      const v = this.networkVariables();
      const data = await this.run('NetworkMembers', { id: v.id, [v.kind]: true, first: this.pageSize, after: this.after });
      const network = data[v.kind];
      if (!network) throw new Shown(`Le réseau ${v.id} est inconnu de Maillage.`, 'NOT_FOUND');
      if (!network.members) throw new Shown('Ce réseau ne rend pas publique la liste de ses membres.', 'PRIVATE');
      const titleId = `${this._id}-title`;
      const byDep = this.getAttribute('group-by') === 'departement';
      const members = network.members.nodes.filter((m) => m.actor);
      let list;
      if (byDep) {
        const groups = new Map();
        for (const m of members) {
          const d = m.actor.departement;
          const key = d ? d.id : '';
          if (!groups.has(key))
            groups.set(key, { name: d ? `${d.name} (${d.id.replace('DEP-', '')})` : 'Département non renseigné', members: [] });
          groups.get(key).members.push(m);
        }
        // Départements by code, members without a known place last.
        list = [...groups.entries()]
          .sort(([a], [b]) => (!a ? 1 : !b ? -1 : a.localeCompare(b)))
          .map(([, g]) => g)
          .map(
            (g) => `<section class="maillage-group"><h4 class="maillage-group-title">${esc(g.name)}</h4>${this.items(g.members)}</section>`,
          )
          .join('');
      } else {
        list = this.items(members);
      }
      const counts =
        byDep && network.membersByTerritory
          ? `<p class="maillage-summary">${network.membersByTerritory
              .filter((t) => t.territory)
              .map((t) => `${esc(t.territory.name)} : ${plural(t.count, 'membre', 'membres')}`)
              .join(' · ')}</p>`
          : '';
      return `<section class="maillage-members" aria-labelledby="${titleId}">
<h3 class="maillage-title" id="${titleId}">Membres de ${esc(network.name)}</h3>
<p class="maillage-count">${plural(network.members.totalCount, 'membre', 'membres')}</p>${counts}
${list || '<p class="maillage-empty">Aucun membre enregistré.</p>'}
${this.pager(network.members)}
</section>`;
    }
    items(members) {
      return `<ul class="maillage-list">${members
        .map((m) => {
          const a = m.actor;
          const url = safeUrl(a.website);
          const name = url
            ? `<a class="maillage-name" href="${esc(url)}" rel="noopener">${esc(a.name)}</a>`
            : `<span class="maillage-name">${esc(a.name)}</span>`;
          const place = a.commune ? ` <span class="maillage-place">${esc(a.commune.name)}</span>` : '';
          const role = m.role || CATEGORY[m.category] || m.category;
          return `<li class="maillage-member" data-actor="${esc(a.id)}">${name}${place} <span class="maillage-role">${esc(role)}</span></li>`;
        })
        .join('')}</ul>`;
    }
  }

  /** The initiatives a network organises, a page at a time. */
  class MaillageAgenda extends MaillageElement {
    constructor() {
      super();
      this.addEventListener('click', this);
    }
    async fetchHtml() {
      const v = this.networkVariables();
      const data = await this.run('NetworkAgenda', { id: v.id, [v.kind]: true, first: this.pageSize, after: this.after });
      const network = data[v.kind];
      if (!network) throw new Shown(`Le réseau ${v.id} est inconnu de Maillage.`, 'NOT_FOUND');
      const titleId = `${this._id}-title`;
      const items = network.initiatives.nodes
        .map((i) => {
          const when = i.startDate
            ? `<time datetime="${esc(i.startDate)}">${esc(dateFr(i.startDate))}</time>`
            : esc(i.dateNote || 'date à préciser');
          const where = [i.venue, i.place && i.place.name].filter(Boolean).map(esc).join(', ');
          return `<li class="maillage-initiative"><span class="maillage-when">${when}</span> <span class="maillage-name">${esc(i.name)}</span>${where ? ` <span class="maillage-place">${where}</span>` : ''} <span class="maillage-status-label">${esc(STATUS[i.status] || i.status)}</span></li>`;
        })
        .join('');
      return `<section class="maillage-agenda" aria-labelledby="${titleId}">
<h3 class="maillage-title" id="${titleId}">Agenda de ${esc(network.name)}</h3>
${items ? `<ol class="maillage-list">${items}</ol>` : '<p class="maillage-empty">Aucune initiative enregistrée.</p>'}
${this.pager(network.initiatives)}
</section>`;
    }
  }

  /** The networks active in a territory, by kind, with their member counts. */
  class MaillageNetworks extends MaillageElement {
    async fetchHtml() {
      const id = this.getAttribute('territory') || '';
      const data = await this.run('NetworksInTerritory', { territoryId: id });
      const t = data.territory;
      if (!t) throw new Shown(`« ${id} » n'est pas un territoire de Maillage.`, 'NOT_FOUND');
      const titleId = `${this._id}-title`;
      const kinds = [
        ['chambers', 'Chambres consulaires'],
        ['clusters', 'Pôles et clusters'],
        ['councils', 'Conseils'],
        ['clubs', "Clubs d'entreprises"],
      ];
      const sections = kinds
        .filter(([k]) => t[k] && t[k].nodes.length)
        .map(
          ([k, label]) =>
            `<section class="maillage-group"><h4 class="maillage-group-title">${label}</h4><ul class="maillage-list">${t[k].nodes
              .map(
                (n) =>
                  `<li class="maillage-network" data-network="${esc(n.id)}"><span class="maillage-name">${esc(n.name)}</span> <span class="maillage-count">${plural(n.memberCount, 'membre', 'membres')}</span></li>`,
              )
              .join('')}</ul></section>`,
        )
        .join('');
      return `<section class="maillage-networks" aria-labelledby="${titleId}">
<h3 class="maillage-title" id="${titleId}">Réseaux actifs : ${esc(t.name)}</h3>
${sections || '<p class="maillage-empty">Aucun réseau enregistré.</p>'}
</section>`;
    }
  }

  for (const [name, cls] of [
    ['maillage-members', MaillageMembers],
    ['maillage-agenda', MaillageAgenda],
    ['maillage-networks', MaillageNetworks],
  ]) {
    if (!customElements.get(name)) customElements.define(name, cls);
  }
})();
