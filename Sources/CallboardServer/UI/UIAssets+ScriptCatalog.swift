extension UIAssets {
    /// The catalog list: facets (kind, type, owner, namespace), text search, pages over
    /// `GET /entities` (or `GET /entities/by-query` for a search), and a live feed from `GET /api/catalog/changes` that refreshes the
    /// page in place.
    static let scriptCatalog = #"""
    const FACETS = [['kind', 'Kind'], ['spec.type', 'Type'], ['spec.owner', 'Owner'], ['metadata.namespace', 'Namespace']];
    const PAGE_FIELDS = 'kind,metadata.name,metadata.namespace,metadata.title,metadata.description,spec.type,spec.owner,spec.lifecycle';
    views.catalog = (main, route) => {
      const q = route.query;
      setTitle(main, 'Catalog', null);
      const state = { url: null, stack: [] };
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

      // Without a search term, pages come from `GET /entities` in ref order (an index walk, fast
      // at any depth) and the total from `by-query` (a count); with one, from `by-query` ordered
      // by name (the term narrows the rows to sort).
      function firstPage() {
        const params = new URLSearchParams({ limit: '25', fields: PAGE_FIELDS });
        if (filter) params.set('filter', filter);
        if (!term) return '/api/catalog/entities?' + params;
        params.set('orderField', 'metadata.name,asc');
        params.set('fullTextFilterTerm', term);
        params.set('fullTextFilterFields', 'metadata.name,metadata.title');
        return '/api/catalog/entities/by-query?' + params;
      }
      async function fetchPage(url) {
        if (url.startsWith('/api/catalog/entities/by-query')) {
          const body = await api(url);
          const info = body.pageInfo || {};
          const cursor = (c) => c ? '/api/catalog/entities/by-query?' + new URLSearchParams({ limit: '25', fields: PAGE_FIELDS, cursor: c }) : null;
          return { items: body.items, total: body.totalItems, next: cursor(info.nextCursor), previous: cursor(info.prevCursor) };
        }
        const counting = new URLSearchParams({ limit: '0', fields: 'metadata.uid' });
        if (filter) counting.set('filter', filter);
        const [page, count] = await Promise.all([apiPage(url), api('/api/catalog/entities/by-query?' + counting)]);
        return { items: page.items, total: count.totalItems, next: page.next, previous: state.stack.length ? state.stack[state.stack.length - 1] : null };
      }
      async function loadPage() {
        let page;
        try { page = await fetchPage(state.url); } catch (err) { clear(results); failed(results, err); return; }
        const one = page.total === 1;
        summary.textContent = page.total + (one ? ' entity' : ' entities') + (filter || term ? (one ? ' matches' : ' match') : ' in the catalog');
        clear(results);
        if (!page.items.length) { add(results, h('p', { class: 'muted', id: 'no-entities' }, 'No entities match.')); }
        else {
          add(results, table(['Name', 'Kind', 'Type', 'Owner', 'Namespace', 'Description'], page.items.map(e => {
            const p = { kind: e.kind.toLowerCase(), namespace: (e.metadata.namespace || 'default').toLowerCase(), name: e.metadata.name };
            const spec = e.spec || {};
            return h('tr', { 'data-ref': refString(p) },
              h('td', {}, h('a', { href: entityHref(p) }, e.metadata.name), e.metadata.title ? h('div', { class: 'muted' }, e.metadata.title) : null),
              h('td', {}, e.kind), h('td', {}, spec.type || ''), h('td', {}, spec.owner ? refLink(spec.owner, 'group') : ''),
              h('td', {}, e.metadata.namespace || 'default'), h('td', {}, e.metadata.description || ''));
          }), 'Entities'));
        }
        clear(pager);
        const cursorPaging = state.url.startsWith('/api/catalog/entities/by-query');
        add(pager,
          h('button', { type: 'button', disabled: !page.previous, id: 'previous-page', onclick: () => {
            if (!cursorPaging) state.stack.pop();
            state.url = page.previous; loadPage();
          } }, '← Previous'),
          h('button', { type: 'button', disabled: !page.next, id: 'next-page', onclick: () => {
            if (!cursorPaging) state.stack.push(state.url);
            state.url = page.next; loadPage();
          } }, 'Next →'));
      }

      const refreshPage = throttle(loadPage, 300), refreshFacets = throttle(loadFacets, 30000);
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
      state.url = firstPage();
      loadPage();
      loadFacets();
      return () => changes.close();
    };
    """#
}
