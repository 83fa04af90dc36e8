extension UIAssets {
    /// `GET /ui/app.css`.
    static let styles = #"""
    :root { --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de;
      --accent: #0b5cad; --ok: #1a7f37; --warn: #9a6700; --bad: #b42318; font-size: 15px; }
    * { box-sizing: border-box; }
    body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
      color: var(--fg); background: var(--bg); line-height: 1.45; }
    a { color: var(--accent); }
    a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #f0b400; outline-offset: 1px; }
    .skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px; z-index: 2; }
    header.top { display: flex; align-items: center; gap: 24px; padding: 10px 24px; background: #102a43; color: #fff; }
    header.top .brand { font-weight: 700; font-size: 1.2rem; letter-spacing: .02em; }
    header.top nav ul { display: flex; gap: 4px; list-style: none; margin: 0; padding: 0; }
    header.top nav a { color: #dbe7f3; text-decoration: none; padding: 6px 12px; border-radius: 6px; display: inline-block; }
    header.top nav a[aria-current="page"] { background: #fff; color: #102a43; font-weight: 600; }
    header.top nav a:hover { background: #243b53; color: #fff; }
    #session { margin-left: auto; display: flex; gap: 8px; align-items: center; }
    #session button { background: transparent; color: #fff; border-color: #829ab1; }
    main { padding: 16px 24px 48px; max-width: 1400px; }
    h1 { font-size: 1.5rem; margin: 8px 0 12px; } h2 { font-size: 1.15rem; margin: 24px 0 8px; }
    .sub { color: var(--muted); margin: 0 0 12px; }
    #notice:not(:empty) { margin: 8px 24px 0; padding: 8px 12px; border-radius: 6px; background: #ddf4ff; border: 1px solid #54aeff; }
    #notice.error { background: #ffebe9; border-color: #ff8182; }
    table { border-collapse: collapse; width: 100%; background: #fff; }
    th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
    th { background: var(--panel); font-weight: 600; font-size: .9rem; }
    tbody tr:hover { background: #f6fafe; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
    code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .88rem; }
    pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow: auto; max-height: 480px; white-space: pre-wrap; word-break: break-word; }
    button { font: inherit; padding: 4px 12px; border-radius: 6px; border: 1px solid var(--line); background: var(--panel); color: var(--fg); cursor: pointer; }
    button:hover { background: #eaeef2; } button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
    button.danger { color: var(--bad); } button[disabled] { opacity: .6; cursor: default; }
    input, select { font: inherit; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; background: #fff; color: var(--fg); }
    .filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; margin-bottom: 12px; padding: 12px; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
    .filters label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); gap: 2px; }
    .filters input[type=search] { min-width: 240px; }
    .layout { display: grid; grid-template-columns: minmax(0, 1fr) 300px; gap: 24px; }
    @media (max-width: 1000px) { .layout { grid-template-columns: 1fr; } }
    aside.panel, section.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
    section.card { margin-bottom: 16px; background: #fff; overflow-x: auto; }
    section.card h2 { margin-top: 0; }
    aside.panel h2 { margin-top: 0; font-size: 1rem; }
    .layout > aside { align-self: start; }
    ul.feed { list-style: none; margin: 0; padding: 0; font-size: .9rem; }
    ul.feed li { padding: 4px 0; border-bottom: 1px solid var(--line); }
    .pager { display: flex; gap: 8px; align-items: center; margin-top: 10px; }
    .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: .8rem; background: #eaeef2; border: 1px solid var(--line); white-space: nowrap; }
    .badge.ok { background: #dafbe1; border-color: #4ac26b; color: #116329; }
    .badge.warn { background: #fff8c5; border-color: #d4a72c; color: #7d4e00; }
    .badge.bad { background: #ffebe9; border-color: #ff8182; color: var(--bad); }
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
    dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; word-break: break-word; }
    .grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
    .muted { color: var(--muted); } .error-text { color: var(--bad); }
    .tags { display: flex; gap: 4px; flex-wrap: wrap; }
    form.login { max-width: 420px; margin: 40px auto; padding: 20px; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); display: flex; flex-direction: column; gap: 10px; }
    .live-dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: #8c959f; margin-right: 6px; }
    .live-dot.on { background: var(--ok); }
    """#
}
