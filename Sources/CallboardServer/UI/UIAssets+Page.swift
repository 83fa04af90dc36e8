extension UIAssets {
    /// `GET /`: the shell the script fills in. No inline script or style (the CSP forbids them).
    static let page = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Callboard</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="/ui/app.css">
    <script src="/ui/app.js" defer></script>
    </head>
    <body>
    <a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <span class="brand">Callboard</span>
      <nav aria-label="Sections">
        <ul>
          <li><a href="#/catalog" data-section="catalog">Catalog</a></li>
          <li><a href="#/events" data-section="events">Events</a></li>
          <li><a href="#/providers" data-section="providers">Providers</a></li>
          <li><a href="#/scheduler" data-section="scheduler">Scheduler</a></li>
        </ul>
      </nav>
      <span id="session"></span>
    </header>
    <div id="notice" role="status" aria-live="polite"></div>
    <main id="main" tabindex="-1"><p>Loading…</p></main>
    <noscript><p>The Callboard UI needs JavaScript. The API is at <code>/api/catalog</code> and <code>/api/events</code>.</p></noscript>
    </body>
    </html>
    """#
}
