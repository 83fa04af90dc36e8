extension UIAssets {
    /// The providers page (entity counts, last full sync, last error, rejections, conflicts) and
    /// the scheduler page (tasks, last and next run, a trigger button); then the start-up code.
    static let scriptOperations = #"""
    views.providers = (main) => {
      setTitle(main, 'Providers', 'Entity providers: what each owns, when it last synced, and what it could not apply.');
      const box = h('div', { id: 'providers' }, h('p', {}, 'Loading…'));
      add(main, box);
      async function load() {
        let providers;
        try { providers = await api('/api/catalog/providers'); } catch (err) { clear(box); failed(box, err); return; }
        clear(box);
        if (!providers.length) { add(box, h('p', { class: 'muted' }, 'No providers have written to this catalog yet.')); return; }
        add(box, table(['Provider', { label: 'Entities', num: true }, 'Last full sync', 'Last mutation', 'Last error', { label: 'Rejected', num: true }, { label: 'Conflicts', num: true }],
          providers.map(p => h('tr', { 'data-provider': p.name },
            h('td', {}, h('code', {}, p.name)), h('td', { class: 'num' }, p.entityCount),
            h('td', {}, time(p.lastFullSyncAt)), h('td', {}, time(p.lastMutationAt)),
            h('td', { class: 'error-text' }, p.lastError || ''),
            h('td', { class: 'num' }, p.rejected.length), h('td', { class: 'num' }, p.conflicts.length))), 'Providers'));
        for (const p of providers.filter(p => p.rejected.length || p.conflicts.length)) {
          add(box, h('section', { class: 'card', 'aria-label': 'Problems of ' + p.name }, h('h2', {}, p.name),
            p.rejected.length ? [h('h3', {}, 'Rejected entities'), h('ul', {}, p.rejected.map(r =>
              h('li', {}, r.entityRef ? refLink(r.entityRef) : 'entity without a valid ref', ': ', r.errors.join('; '))))] : null,
            p.conflicts.length ? [h('h3', {}, 'Conflicts'), h('ul', {}, p.conflicts.map(c =>
              h('li', {}, refLink(c.entityRef), ' is owned by ', h('code', {}, c.owner), ' (location key ', c.existingLocationKey || 'none', '; this provider\'s ', c.newLocationKey || 'none', ')')))] : null));
        }
      }
      load();
      const timer = setInterval(load, 10000);
      return () => clearInterval(timer);
    };

    views.scheduler = (main) => {
      setTitle(main, 'Scheduler', 'Scheduled tasks (full syncs and others): their schedule, last and next run.');
      const box = h('div', { id: 'tasks' }, h('p', {}, 'Loading…'));
      add(main, box);
      async function load() {
        let body;
        try { body = await api('/api/catalog/.backstage/scheduler/v1/tasks'); } catch (err) { clear(box); failed(box, err); return; }
        clear(box);
        if (!body.tasks.length) { add(box, h('p', { class: 'muted' }, 'No scheduled tasks.')); return; }
        add(box, table(['Task', 'Schedule', 'State', 'Last run ended', 'Last error', 'Next run', ''], body.tasks.map(t => {
          const s = t.taskState || {};
          const running = s.status === 'running';
          return h('tr', { 'data-task': t.taskId },
            h('td', {}, h('code', {}, t.taskId), ' ', badge(t.scope)),
            h('td', {}, h('code', {}, t.settings.cadence), h('div', { class: 'muted' }, 'timeout ' + t.settings.timeoutAfterDuration)),
            h('td', {}, running ? badge('running', 'warn') : badge('idle', 'ok')),
            h('td', { class: 'last-run' }, time(s.lastRunEndedAt)),
            h('td', { class: 'error-text' }, s.lastRunError || ''),
            h('td', {}, running ? ['running since ', time(s.startedAt)] : time(s.startsAt)),
            h('td', {}, h('button', { type: 'button', class: 'primary', 'data-action': 'trigger', disabled: running, 'aria-label': 'Run ' + t.taskId + ' now',
              onclick: () => trigger(t.taskId) }, 'Run now')));
        }), 'Tasks'));
      }
      async function trigger(id) {
        try { await api('/api/catalog/.backstage/scheduler/v1/tasks/' + enc(id) + '/trigger', { method: 'POST' }); say('Triggered ' + id + '.'); }
        catch (err) { say(err.status === 409 ? id + ' is already running.' : err.message, true); }
        load();
      }
      load();
      const timer = setInterval(load, 3000);
      return () => clearInterval(timer);
    };
    """#

    /// Start-up: check the session, then show the route; follow hash changes.
    static let scriptMain = #"""
    window.addEventListener('hashchange', () => { if (!session.asking) router.show(); });
    (async () => {
      try {
        if (await session.check()) router.show(); else session.needToken();
      } catch (err) {
        say('Callboard is not answering: ' + err.message, true);
      }
    })();
    """#
}
