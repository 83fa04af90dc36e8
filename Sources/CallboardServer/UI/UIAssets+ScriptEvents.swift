extension UIAssets {
    /// The events pages: topics with rates, subscribers with pause and resume, the live tail of
    /// `GET /api/events/stream` (topic, status, delivery per subscriber), recent events, dead
    /// letters with replay (one or all) and delete; and the event detail page.
    static let scriptEvents = #"""
    views.events = (main) => {
      setTitle(main, 'Events', 'Webhooks arrive per topic, are stored durably, then delivered to each subscriber.');
      const topicsBox = h('div', { id: 'topics' }), subsBox = h('div', { id: 'subscribers' });
      const lettersBox = h('div', { id: 'dead-letters' }), recentBox = h('div', { id: 'recent-events' });
      const dot = h('span', { class: 'live-dot', id: 'tail-dot', title: 'connecting' });
      const tailBody = h('tbody', { id: 'tail-rows' });
      const tail = h('table', { 'aria-label': 'Live tail' },
        h('thead', {}, h('tr', {}, ['Time', 'Topic', 'Event', 'Status', 'Delivery per subscriber'].map(x => h('th', { scope: 'col' }, x)))), tailBody);
      add(main,
        h('section', { class: 'card', 'aria-labelledby': 'tail-h' }, h('h2', { id: 'tail-h' }, dot, 'Live tail'),
          h('p', { class: 'muted' }, 'Events arriving now, and what each subscriber did with them.'), tail),
        h('div', { class: 'grid2' },
          h('section', { class: 'card', 'aria-labelledby': 'topics-h' }, h('h2', { id: 'topics-h' }, 'Topics'), topicsBox),
          h('section', { class: 'card', 'aria-labelledby': 'subs-h' }, h('h2', { id: 'subs-h' }, 'Subscribers'), subsBox)),
        h('section', { class: 'card', 'aria-labelledby': 'dl-h' }, h('h2', { id: 'dl-h' }, 'Dead letters'), lettersBox),
        h('section', { class: 'card', 'aria-labelledby': 'recent-h' }, h('h2', { id: 'recent-h' }, 'Recent events'), recentBox));

      async function loadTopics() {
        try {
          const topics = await api('/api/events/topics');
          clear(topicsBox);
          add(topicsBox, table([{ label: 'Topic' }, { label: 'Stored', num: true }, { label: 'Last minute', num: true }, { label: 'Per second', num: true }, 'Last received', 'Subscribers'],
            topics.map(t => h('tr', { 'data-topic': t.topic },
              h('td', {}, h('code', {}, t.topic), t.ingress ? [' ', badge('webhook')] : null),
              h('td', { class: 'num' }, t.storedEvents), h('td', { class: 'num' }, t.receivedLastMinute),
              h('td', { class: 'num' }, t.ratePerSecond.toFixed(2)), h('td', {}, time(t.lastReceivedAt)),
              h('td', {}, t.subscribers.join(', ')))), 'Topics'));
        } catch (err) { clear(topicsBox); failed(topicsBox, err); }
      }
      async function loadSubscribers() {
        try {
          const subs = await api('/api/events/subscriptions');
          clear(subsBox);
          add(subsBox, table(['Subscriber', 'Topics', { label: 'Lag', num: true }, { label: 'Dead letters', num: true }, 'State', 'Last error', ''],
            subs.map(s => h('tr', { 'data-subscriber': s.id },
              h('td', {}, h('code', {}, s.id)), h('td', {}, s.topics.join(', ')),
              h('td', { class: 'num' }, s.lag), h('td', { class: 'num' }, s.deadLetters),
              h('td', {}, s.paused ? badge('paused', 'warn') : badge('running', 'ok')),
              h('td', { class: 'error-text' }, s.lastError || ''),
              h('td', {}, h('button', { type: 'button', 'data-action': s.paused ? 'resume' : 'pause', 'aria-label': (s.paused ? 'Resume ' : 'Pause ') + s.id,
                onclick: () => act('/api/events/subscriptions/' + enc(s.id) + (s.paused ? '/resume' : '/pause'), 'POST', (s.paused ? 'Resumed ' : 'Paused ') + s.id) },
                s.paused ? 'Resume' : 'Pause')))), 'Subscribers'));
        } catch (err) { clear(subsBox); failed(subsBox, err); }
      }
      async function loadLetters() {
        try {
          const letters = await api('/api/events/dead-letters?limit=100');
          clear(lettersBox);
          if (!letters.length) { add(lettersBox, h('p', { class: 'muted', id: 'no-dead-letters' }, 'No dead letters.')); return; }
          add(lettersBox, h('p', {}, h('button', { type: 'button', id: 'replay-all', onclick: () => act('/api/events/dead-letters/replay', 'POST', 'Replay of all dead letters requested') }, 'Replay all (' + letters.length + ')')));
          add(lettersBox, table(['Id', 'Subscriber', 'Event', 'Topic', { label: 'Attempts', num: true }, 'Failed', 'Last error', ''],
            letters.map(l => h('tr', { 'data-dead-letter': l.id },
              h('td', {}, l.id), h('td', {}, h('code', {}, l.subscriber)),
              h('td', {}, h('a', { href: '#/event/' + enc(l.event.id) }, l.event.id.slice(0, 8) + '…')),
              h('td', {}, h('code', {}, l.event.topic)), h('td', { class: 'num' }, l.attempts), h('td', {}, time(l.failedAt)),
              h('td', { class: 'error-text' }, l.lastError),
              h('td', {}, l.replayRequested ? badge('replaying', 'warn') : [
                h('button', { type: 'button', 'data-action': 'replay', 'aria-label': 'Replay dead letter ' + l.id, onclick: () => act('/api/events/dead-letters/' + enc(l.id) + '/replay', 'POST', 'Replay of dead letter ' + l.id + ' requested') }, 'Replay'), ' ',
                h('button', { type: 'button', class: 'danger', 'data-action': 'delete', 'aria-label': 'Delete dead letter ' + l.id, onclick: () => act('/api/events/dead-letters/' + enc(l.id), 'DELETE', 'Dead letter ' + l.id + ' deleted') }, 'Delete')]))), 'Dead letters'));
        } catch (err) { clear(lettersBox); failed(lettersBox, err); }
      }
      let older = null;
      async function loadRecent(append) {
        try {
          const params = new URLSearchParams({ limit: '20' });
          if (append && older !== null) params.set('after', String(older));
          const events = await api('/api/events/events?' + params);
          let body = recentBox.querySelector('tbody');
          if (!append || !body) {
            clear(recentBox);
            body = h('tbody', {});
            add(recentBox, h('table', { 'aria-label': 'Recent events' },
              h('thead', {}, h('tr', {}, ['Received', 'Topic', 'Event', 'Size', 'Idempotency key'].map(x => h('th', { scope: 'col' }, x)))), body));
          }
          for (const e of events) {
            add(body, h('tr', { 'data-topic': e.topic }, h('td', {}, time(e.receivedAt)), h('td', {}, h('code', {}, e.topic)),
              h('td', {}, h('a', { href: '#/event/' + enc(e.id), class: 'mono' }, e.id)), h('td', { class: 'num' }, e.size + ' B'),
              h('td', {}, e.idempotencyKey || '')));
          }
          const old = recentBox.querySelector('.pager');
          if (old) old.remove();
          if (events.length === 20) {
            older = events[events.length - 1].position;
            add(recentBox, h('div', { class: 'pager' }, h('button', { type: 'button', onclick: () => loadRecent(true) }, 'Older events')));
          }
        } catch (err) { clear(recentBox); failed(recentBox, err); }
      }
      async function act(path, method, done) {
        try { await api(path, { method }); say(done + '.'); } catch (err) { say(err.message, true); }
        loadAll();
      }
      const loadAll = () => { loadTopics(); loadSubscribers(); loadLetters(); };

      // The live tail: one row per event, updated as deliveries happen.
      const rows = new Map();
      const rank = { stored: 0, routed: 1, delivered: 1, failed: 2, 'dead-lettered': 3 };
      function row(eventId, topic) {
        let r = rows.get(eventId);
        if (!r) {
          const status = h('td', {}), deliveries = h('td', {});
          const tr = h('tr', { 'data-event': eventId }, h('td', {}, time(new Date().toISOString(), true)), h('td', {}, h('code', {}, topic || '')),
            h('td', {}, h('a', { href: '#/event/' + enc(eventId), class: 'mono' }, eventId.slice(0, 8) + '…')), status, deliveries);
          r = { tr, status, deliveries, state: 'stored', subs: new Map() };
          rows.set(eventId, r);
          tailBody.insertBefore(tr, tailBody.firstChild);
          while (tailBody.childNodes.length > 100) { const last = tailBody.lastChild; rows.delete(last.dataset.event); tailBody.removeChild(last); }
        }
        return r;
      }
      function paint(r) {
        clear(r.status);
        add(r.status, badge(r.state, { delivered: 'ok', routed: 'ok', failed: 'warn', 'dead-lettered': 'bad' }[r.state]));
        clear(r.deliveries);
        for (const [sub, text] of r.subs) add(r.deliveries, h('div', {}, h('code', {}, sub), ': ', text));
      }
      function note(state, subscriber, text) {
        return (d) => {
          const r = row(d.eventId, d.topic || d.from);
          if (rank[state] >= rank[r.state]) r.state = state;
          if (subscriber) r.subs.set(d.subscriber, text(d));
          paint(r);
          refreshCounts();
        };
      }
      const refreshCounts = throttle(loadAll, 1000);
      const stream = live('/api/events/stream', {
        appended: (d) => { paint(row(d.eventId, d.topic)); refreshCounts(); },
        routed: note('routed', true, d => d.to ? 'routed to ' + d.to : 'dropped by router'),
        delivered: note('delivered', true, d => 'delivered' + (d.attempt > 1 ? ' (attempt ' + d.attempt + ')' : '')),
        failed: note('failed', true, d => 'failed, attempt ' + d.attempt + ': ' + d.error),
        'dead-lettered': note('dead-lettered', true, d => 'dead-lettered after ' + d.attempts + ' attempts: ' + d.error),
      }, dot);
      loadAll();
      loadRecent(false);
      const timer = setInterval(loadAll, 10000);
      return () => { stream.close(); clearInterval(timer); };
    };

    views.event = (main, route) => {
      const id = route.args[0] || '';
      setTitle(main, 'Event', id);
      const body = h('div', { id: 'event' }, h('p', {}, 'Loading…'));
      add(main, h('p', {}, h('a', { href: '#/events' }, '← Events')), body);
      api('/api/events/events/' + enc(id)).then((e) => {
        clear(body);
        const meta = e.metadata || {};
        add(body,
          h('section', { class: 'card', 'aria-labelledby': 'ev-h' }, h('h2', { id: 'ev-h' }, 'Stored event'), facts([
            ['Id', h('code', {}, e.id)], ['Topic', h('code', { id: 'event-topic' }, e.topic)], ['Position', e.position],
            ['Received', time(e.receivedAt)], ['Idempotency key', e.idempotencyKey || '—'], ['Size', e.size + ' bytes']])),
          h('section', { class: 'card', 'aria-labelledby': 'md-h' }, h('h2', { id: 'md-h' }, 'Metadata'),
            Object.keys(meta).length
              ? table(['Header', 'Value'], Object.keys(meta).sort().map(k => h('tr', {}, h('td', {}, h('code', {}, k)), h('td', {}, meta[k]))), 'Metadata')
              : h('p', { class: 'muted' }, 'None.')),
          h('section', { class: 'card', 'aria-labelledby': 'pl-h' }, h('h2', { id: 'pl-h' }, 'Payload'), h('div', { id: 'event-payload' }, pretty(e.payload))));
      }).catch((err) => { clear(body); failed(body, err); });
    };
    """#
}
