extension UIAssets {
    /// The entity page: metadata, spec, relations (both directions, as links), provider, uid and
    /// etag, errors; it re-reads itself when `GET /api/catalog/changes` names it.
    static let scriptEntity = #"""
    views.entity = (main, route) => {
      const [kind, namespace, name] = route.args;
      const ref = refString({ kind: (kind || '').toLowerCase(), namespace: (namespace || 'default').toLowerCase(), name: name || '' });
      setTitle(main, name || 'Entity', ref);
      const dot = h('span', { class: 'live-dot', title: 'connecting' });
      const status = h('p', { class: 'sub', id: 'entity-status', 'aria-live': 'polite' }, dot, 'Live: this page updates when the entity changes.');
      const body = h('div', { id: 'entity' }, h('p', {}, 'Loading…'));
      add(main, status, body);

      async function load() {
        let e;
        try {
          e = await api('/api/catalog/entities/by-name/' + enc(kind) + '/' + enc(namespace) + '/' + enc(name));
        } catch (err) {
          clear(body);
          if (err.status === 404) add(body, h('p', { class: 'error-text', id: 'entity-missing' }, 'No entity ' + ref + ' in the catalog (it may have been removed).'));
          else failed(body, err);
          return;
        }
        render(e);
      }

      function render(e) {
        const m = e.metadata || {}, spec = e.spec || {}, annotations = m.annotations || {};
        const location = annotations['backstage.io/managed-by-location'] || '';
        const provider = location.startsWith('provider:') ? location.slice('provider:'.length) : null;
        clear(body);
        document.title = (m.title || m.name) + ' · Callboard';
        const h1 = main.querySelector('h1');
        h1.textContent = m.title || m.name;

        const about = h('section', { class: 'card', 'aria-labelledby': 'about-h' }, h('h2', { id: 'about-h' }, 'About'), facts([
          ['Kind', e.kind], ['Name', m.name], ['Namespace', m.namespace || 'default'],
          m.title ? ['Title', m.title] : null,
          m.description ? ['Description', m.description] : null,
          spec.type ? ['Type', String(spec.type)] : null,
          spec.lifecycle ? ['Lifecycle', String(spec.lifecycle)] : null,
          spec.owner ? ['Owner', refLink(spec.owner, 'group')] : null,
          ['Provider', provider ? h('a', { href: '#/providers' }, provider) : (location || '—')],
          ['UID', h('code', { id: 'entity-uid' }, m.uid || '')],
          ['ETag', h('code', { id: 'entity-etag' }, m.etag || '')],
          m.tags && m.tags.length ? ['Tags', h('span', { class: 'tags' }, m.tags.map(t => badge(t)))] : null,
          m.links && m.links.length ? ['Links', h('ul', {}, m.links.map(l => {
            const url = safeUrl(l.url);
            return h('li', {}, url ? h('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, l.title || l.url) : String(l.url || ''));
          }))] : null,
        ]));

        const relations = (e.relations || []).slice().sort((a, b) => a.type.localeCompare(b.type) || a.targetRef.localeCompare(b.targetRef));
        const relationsCard = h('section', { class: 'card', id: 'relations', 'aria-labelledby': 'rel-h' }, h('h2', { id: 'rel-h' }, 'Relations'),
          relations.length
            ? table(['Relation', 'Entity'], relations.map(r => h('tr', {}, h('td', {}, r.type), h('td', {}, refLink(r.targetRef)))), 'Relations')
            : h('p', { class: 'muted' }, 'No relations.'));

        const items = (e.status && e.status.items) || [];
        const errors = items.filter(i => i.level === 'error');
        const errorsCard = h('section', { class: 'card', id: 'errors', 'aria-labelledby': 'err-h' }, h('h2', { id: 'err-h' }, 'Errors'),
          errors.length
            ? h('ul', {}, errors.map(i => h('li', { class: 'error-text' }, (i.type ? i.type + ': ' : '') + ((i.error && i.error.message) || i.message || JSON.stringify(i)))))
            : h('p', { class: 'muted' }, 'No processing errors.'));

        const kv = (obj) => Object.keys(obj).sort().map(k => h('tr', {}, h('td', {}, h('code', {}, k)), h('td', {}, String(obj[k]))));
        const labels = m.labels || {};
        const metaCard = h('section', { class: 'card', 'aria-labelledby': 'meta-h' }, h('h2', { id: 'meta-h' }, 'Annotations and labels'),
          Object.keys(annotations).length || Object.keys(labels).length
            ? table(['Key', 'Value'], [...kv(labels), ...kv(annotations)], 'Annotations and labels')
            : h('p', { class: 'muted' }, 'None.'));
        const specCard = h('section', { class: 'card', 'aria-labelledby': 'spec-h' }, h('h2', { id: 'spec-h' }, 'Spec'), pretty(spec));
        const raw = h('details', {}, h('summary', {}, 'Entity as served (JSON)'), pretty(e));
        add(body, h('div', { class: 'grid2' }, h('div', {}, about, errorsCard), h('div', {}, relationsCard, metaCard)), specCard, raw);
      }

      const changes = live('/api/catalog/changes', {
        added: onChange, updated: onChange, removed: onChange, reset: () => load(),
      }, dot);
      function onChange(change, type) {
        if (String(change.entityRef).toLowerCase() !== ref.toLowerCase()) return;
        say(type === 'removed' ? ref + ' was removed from the catalog.' : ref + ' was ' + type + '.');
        load();
      }
      load();
      return () => changes.close();
    };
    """#
}
