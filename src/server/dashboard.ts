/**
 * The dashboard at `GET /`: one static page, no build step. It holds no data itself (so it needs no token); its
 * script fetches the JSON endpoints, sending the token from `#token=…` or the form, and builds the DOM with
 * textContent only, so a hostile table name cannot inject markup.
 */
export function dashboardHtml(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>baselinr</title>
<style nonce="${nonce}">
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }
  table { border-collapse: collapse; margin: 1rem 0; }
  th, td { padding: .3rem .7rem; border-bottom: 1px solid #ddd; text-align: left; }
  th { background: #f4f4f4; }
  .skip, .defer { color: #777; } .failed { color: #b00; font-weight: bold; }
  pre { background: #f7f7f7; padding: 1rem; overflow: auto; max-height: 40rem; }
  #auth { display: none; } #msg { color: #b00; }
</style>
</head>
<body>
<h1>baselinr</h1>
<form id="auth"><label>Bearer token <input id="token" type="password" autocomplete="off"></label> <button>Use</button></form>
<p><button id="refresh">Refresh</button> <button id="run">Profile now</button> <span id="msg"></span></p>
<p id="summary"></p>
<table>
  <thead><tr><th>table</th><th>next decision</th><th>reason</th><th>last status</th><th>last profiled</th><th>rows</th><th>next due</th></tr></thead>
  <tbody id="rows"></tbody>
</table>
<h2 id="title"></h2>
<pre id="profile" hidden></pre>
<script nonce="${nonce}">
(() => {
  const $ = (id) => document.getElementById(id);
  const hash = new URLSearchParams(location.hash.slice(1));
  let token = hash.get('token') || sessionStorage.getItem('baselinr-token') || '';
  if (hash.has('token')) { sessionStorage.setItem('baselinr-token', token); history.replaceState(null, '', location.pathname); }

  async function api(path, init = {}) {
    const headers = { ...(init.headers || {}) };
    if (token) headers.authorization = 'Bearer ' + token;
    const res = await fetch(path, { ...init, headers });
    const doc = await res.json().catch(() => ({ error: res.statusText }));
    if (res.status === 401) { $('auth').style.display = 'block'; }
    if (!res.ok) throw new Error(doc.error || res.statusText);
    return doc;
  }

  function cell(tr, text, cls) {
    const td = document.createElement('td');
    td.textContent = text == null ? '-' : String(text);
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  async function showTable(name) {
    $('title').textContent = name;
    try { $('profile').textContent = JSON.stringify(await api('/tables/' + encodeURIComponent(name) + '/profile'), null, 2); }
    catch (e) { $('profile').textContent = e.message; }
    $('profile').hidden = false;
  }

  async function refresh() {
    $('msg').textContent = '';
    try {
      const [state, plan] = await Promise.all([api('/state'), api('/plan')]);
      const known = new Map(state.tables.map((t) => [t.table, t]));
      const rows = $('rows');
      rows.replaceChildren();
      for (const p of plan.tables) {
        const s = known.get(p.table) || {};
        const tr = document.createElement('tr');
        const a = document.createElement('a');
        a.href = '#'; a.textContent = p.table;
        a.addEventListener('click', (ev) => { ev.preventDefault(); showTable(p.table); });
        cell(tr, '').appendChild(a);
        cell(tr, p.decision, p.decision); cell(tr, p.reason);
        cell(tr, s.last_status, s.last_status); cell(tr, s.last_profiled_at); cell(tr, s.row_count); cell(tr, p.next_due_at);
        rows.appendChild(tr);
      }
      $('summary').textContent = Object.entries(plan.summary).map(([k, v]) => k + ': ' + v).join('  ') + '  (planned ' + plan.generated_at + ')';
    } catch (e) { $('msg').textContent = e.message; }
  }

  $('auth').addEventListener('submit', (ev) => {
    ev.preventDefault(); token = $('token').value; sessionStorage.setItem('baselinr-token', token);
    $('auth').style.display = 'none'; refresh();
  });
  $('refresh').addEventListener('click', refresh);
  $('run').addEventListener('click', async () => {
    $('msg').textContent = 'profiling…';
    try { await api('/profile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }); await refresh(); }
    catch (e) { $('msg').textContent = e.message; }
  });
  refresh();
})();
</script>
</body>
</html>
`;
}
