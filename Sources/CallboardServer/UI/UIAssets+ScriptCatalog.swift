extension UIAssets {
    /// The catalog list: facets (kind, type, owner, namespace), text search, cursor pages over
    /// `GET /entities/by-query`, and a live feed from `GET /api/catalog/changes` that refreshes the
    /// page in place.
    static let scriptCatalog = #"""
    const FACETS = [['kind', 'Kind'], ['spec.type', 'Type'], ['spec.owner', 'Owner'], ['metadata.namespace', 'Namespace']];
    const PAGE_FIELDS = 'kind,metadata.name,metadata.namespace,metadata.title,metadata.description,spec.type,spec.owner,spec.lifecycle';
    views.catalog = (main, route) => {
      const q = route.query;
      setTitle(main, 'Catalog', null);
      const state = { cursor: null, stack: [] };
      const conditions = FACETS.filter(([key]) => q.get(key)).map(([key]) => key + '=' + q.get(key));
      const filter = conditions.join(',');
      const term = q.get('q') || '';

      // Filters: changing one rewrites the hash (shareable, back button works).
      const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter entities' });
      const search = h('input', { type: 'search', id: 'search', name: 'q', value: term, placeholder: 'name or title contains…' });
      add(form, h('label', { for: 'search' }, 'Search', search));
      const selects = {};
      for (const [key, label] of FACETS) {
        const id = 'facet-' + key.replace(/\./g, '-');
        const select = h('select', { id, name: key }, h('option', { value: '' }, 'any'));
        if (q.get(key)) add(select, h('option', { value: q.get(key), selected: true }, q.get(key)));
        select.addEventListener('change', () => go());
        selects[key] = select;
        add(form, h('label', { for: id }, label, select));
      }
      add(form, h('button', { type: 'submit' }, 'Search'), h('button', { type: 'button', onclick: () => { location.hash = '#/catalog'; } }, 'Clear'));
      form.addEventListener('submit', (ev) => { ev.preventDefault(); go(); });
      function go() {
        const params = new URLSearchParams();
        for (const [key] of FACETS) if (selects[key].value) params.set(key, selects[key].value);
        if (search.value.trim()) params.set('q', search.value.trim());
        const s = params.toString();
        location.hash = '#/catalog' + (s ? '?' + s : '');
      }

      const summary = h('p', { class: 'sub', id: 'catalog-summary', 'aria-live': 'polite' }, 'Loading…');
      const results = h('div', { id: 'catalog-results' });
      const pager = h('div', { class: 'pager' });
      const dot = h('span', { class: 'live-dot', title: 'connecting' });
      const feed = h('ul', { class: 'feed', id: 'changes-feed', 'aria-live': 'polite' }, h('li', { class: 'muted' }, 'Waiting for changes…'));
      const panel = h('aside', { class: 'panel', 'aria-label': 'Live catalog changes' }, h('h2', {}, dot, 'Live changes'), feed);
      add(main, form, h('div', { class: 'layout' }, h('div', {}, summary, results, pager), panel));

      async function loadFacets() {
        try {
          const params = new URLSearchParams();
          for (const [key] of FACETS) params.append('facet', key);
          if (filter) params.set('filter', filter);
          const body = await api('/api/catalog/entity-facets?' + params);
          for (const [key] of FACETS) {
            const select = selects[key], current = q.get(key) || '';
            clear(select);
            add(select, h('option', { value: '' }, 'any'));
            const values = (body.facets[key] || []).slice().sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
            if (current && !values.some(v => v.value.toLowerCase() === current.toLowerCase())) values.unshift({ value: current, count: 0 });
            for (const v of values.slice(0, 200)) {
              add(select, h('option', { value: v.value, selected: v.value.toLowerCase() === current.toLowerCase() }, v.value + ' (' + v.count + ')'));
            }
          }
        } catch (err) { if (err.status !== 401) say('Facets: ' + err.message, true); }
      }

      async function loadPage() {
        const params = new URLSearchParams({ limit: '25', fields: PAGE_FIELDS });
        if (state.cursor) params.set('cursor', state.cursor);
        else {
          params.set('orderField', 'metadata.name,asc');
          if (filter) params.set('filter', filter);
          if (term) { params.set('fullTextFilterTerm', term); params.set('fullTextFilterFields', 'metadata.name,metadata.title'); }
        }
        let body;
        try { body = await api('/api/catalog/entities/by-query?' + params); } catch (err) { clear(results); failed(results, err); return; }
        summary.textContent = body.totalItems + (body.totalItems === 1 ? ' entity' : ' entities') + (filter || term ? ' match' : ' in the catalog');
        clear(results);
        if (!body.items.length) { add(results, h('p', { class: 'muted', id: 'no-entities' }, 'No entities match.')); }
        else {
          add(results, table(['Name', 'Kind', 'Type', 'Owner', 'Namespace', 'Description'], body.items.map(e => {
            const p = { kind: e.kind.toLowerCase(), namespace: (e.metadata.namespace || 'default').toLowerCase(), name: e.metadata.name };
            const spec = e.spec || {};
            return h('tr', { 'data-ref': refString(p) },
              h('td', {}, h('a', { href: entityHref(p) }, e.metadata.name), e.metadata.title ? h('div', { class: 'muted' }, e.metadata.title) : null),
              h('td', {}, e.kind), h('td', {}, spec.type || ''), h('td', {}, spec.owner ? refLink(spec.owner, 'group') : ''),
              h('td', {}, e.metadata.namespace || 'default'), h('td', {}, e.metadata.description || ''));
          }), 'Entities'));
        }
        clear(pager);
        const info = body.pageInfo || {};
        add(pager,
          h('button', { type: 'button', disabled: !info.prevCursor, onclick: () => { state.cursor = info.prevCursor; loadPage(); } }, '← Previous'),
          h('button', { type: 'button', disabled: !info.nextCursor, id: 'next-page', onclick: () => { state.cursor = info.nextCursor; loadPage(); } }, 'Next →'));
      }

      const refreshPage = throttle(loadPage, 300), refreshFacets = throttle(loadFacets, 5000);
      const refresh = () => { refreshPage(); refreshFacets(); };
      let first = true;
      const changes = live('/api/catalog/changes', {
        added: onChange, updated: onChange, removed: onChange,
        reset: () => refresh(),
      }, dot);
      changes.addEventListener('open', () => { if (!first) refresh(); first = false; });
      function onChange(change, type) {
        if (feed.firstChild && feed.firstChild.classList.contains('muted')) clear(feed);
        const label = { added: 'added', updated: 'updated', removed: 'removed' }[type];
        feed.insertBefore(h('li', {}, badge(label, type === 'removed' ? 'bad' : type === 'added' ? 'ok' : null), ' ',
          type === 'removed' ? change.entityRef : refLink(change.entityRef)), feed.firstChild);
        while (feed.childNodes.length > 15) feed.removeChild(feed.lastChild);
        refresh();
      }
      loadPage();
      loadFacets();
      return () => changes.close();
    };
    """#
}
