// The Gatehouse dashboard, part 3 of 3: polling, drawing the tables, and the writes (reload, route editor).
'use strict';

// ---------------------------------------------------------------- drawing

function drawRoutes(view, metricsText) {
  const note = $('metrics-note');
  if (metricsText === null) {
    note.textContent = 'This gateway serves no /metrics: rates, errors and latency are not shown.';
  } else if (scrapes.length === 0 || scrapes[scrapes.length - 1].routes.size === 0) {
    note.textContent = 'No requests counted yet.';
  } else if (scrapes.length < 2) {
    note.textContent = 'Rates appear after the second scrape of /metrics.';
  } else {
    note.textContent = '';
  }
  const body = $('routes').tBodies[0];
  const rows = [];
  for (const route of view.routes || []) {
    const match = [
      (route.methods && route.methods.length ? route.methods.join(',') : 'ANY'),
      (route.hosts && route.hosts.length ? route.hosts.join(',') : ''),
      route.path ?? '',
    ].filter(Boolean).join(' ');
    const filters = el('td', null, { class: 'filters' });
    for (const name of route.filters || []) {
      filters.append(el('span', name, { class: 'filter' }), ' ');
    }
    const stats = metricsText === null ? null : routeStats(route.id);
    const spark = el('td');
    spark.append(sparkline(stats ? stats.series : []));
    rows.push(row([
      el('td', route.id, { class: 'mono' }),
      el('td', match, { class: 'mono' }),
      route.upstream,
      filters,
      el('td', formatRate(stats ? stats.rate : null), { class: 'num rate' }),
      el('td', formatShare(stats ? stats.errorShare : null), { class: 'num errors' }),
      el('td', formatLatency(stats ? stats.p99 : null), { class: 'num p99' }),
      spark,
    ], { 'data-route': route.id }));
  }
  if (rows.length === 0) {
    rows.push(row([el('td', 'no routes', { colspan: 8, class: 'muted' })]));
  }
  body.replaceChildren(...rows);
  fillEditorChoices((view.routes || []).map((r) => r.id));
  $('generation').textContent = view.generation === undefined ? '' : `generation ${view.generation}`;
}

function drawUpstreams(view) {
  const rows = [];
  for (const upstream of view.upstreams || []) {
    const endpoints = upstream.endpoints && upstream.endpoints.length ? upstream.endpoints : [null];
    endpoints.forEach((endpoint, i) => {
      const health = (endpoint && endpoint.health) || {};
      const breaker = health.circuit_breaker;
      const name = el('td', i === 0 ? upstream.name : '', { class: 'mono' });
      rows.push(row([
        name,
        el('td', endpoint ? endpoint.url : 'no endpoints', { class: 'mono' }),
        stateCell(health.state, 'health'),
        stateCell(breaker ? breaker.state : undefined, 'circuit'),
        el('td', health.consecutive_failures ?? '—', { class: 'num' }),
        el('td', i === 0 ? upstream.balancer : ''),
      ], { 'data-upstream': upstream.name, 'data-endpoint': endpoint ? endpoint.url : undefined }));
    });
  }
  if (rows.length === 0) {
    rows.push(row([el('td', 'no upstreams', { colspan: 6, class: 'muted' })]));
  }
  $('upstreams').tBodies[0].replaceChildren(...rows);
}

function drawPlugins(view) {
  const rows = (view.plugins || []).map((p) => row([
    el('td', p.id, { class: 'mono' }), p.version, stateCell(String(p.state ?? '').toLowerCase()), p.source,
  ], { 'data-plugin': p.id }));
  if (rows.length === 0) {
    rows.push(row([el('td', 'no plugins loaded', { colspan: 4, class: 'muted' })]));
  }
  $('plugins').tBodies[0].replaceChildren(...rows);
  const problems = (view.problems || []).map((p) => el('li',
    `${p.pluginId ?? p.plugin_id ?? p.source ?? ''}: ${p.message ?? describeProblem(p)}`));
  $('plugin-problems').replaceChildren(...problems);
}

function drawScripts(view) {
  const rows = (view.scripts || []).map((s) => row([
    el('td', s.name, { class: 'mono' }),
    s.version,
    stateCell(s.ok ? 'ok' : 'error'),
    el('td', s.last_error ? `${s.last_error}${s.last_error_at ? ` (${s.last_error_at})` : ''}` : '',
      { class: 'error' }),
  ], { 'data-script': s.name }));
  if (rows.length === 0) {
    rows.push(row([el('td', 'no scripts', { colspan: 4, class: 'muted' })]));
  }
  $('scripts').tBodies[0].replaceChildren(...rows);
}

/** Draws /config/status's reload history, newest first. */
function drawHistory(status) {
  const when = (h) => Date.parse(h.time ?? h.at) || 0;
  const history = (status && Array.isArray(status.history) ? status.history : [])
    .slice().sort((a, b) => when(b) - when(a));
  const rows = history.slice(0, 50).map((h) => {
    const problems = el('td', null, { class: 'error' });
    for (const p of h.problems || []) {
      problems.append(el('div', typeof p === 'string' ? p : describeProblem(p)));
    }
    return row([h.time ?? h.at, h.generation, stateCell(h.result), h.source, h.who, problems]);
  });
  if (rows.length === 0) {
    rows.push(row([el('td', 'no reloads reported', { colspan: 6, class: 'muted' })]));
  }
  $('history').tBodies[0].replaceChildren(...rows);
}

// ---------------------------------------------------------------- polling

let timer = null;
let polling = false;

async function poll() {
  if (polling) return;
  polling = true;
  try {
    const parts = await Promise.allSettled([
      api('GET', '/routes').then((r) => r.json()),
      api('GET', '/upstreams').then((r) => r.json()),
      optionalJson('/plugins'),
      optionalJson('/scripts'),
      optionalJson('/config/status'),
      optionalText('/metrics'),
    ]);
    const failed = parts.find((p) => p.status === 'rejected');
    if (failed && failed.reason instanceof ApiError && failed.reason.status === 401) {
      return; // the token form is showing
    }
    $('login').hidden = true;
    $('signout').hidden = !sessionStorage.getItem(TOKEN_KEY);
    const [routes, upstreams, plugins, scripts, status, metrics] = parts.map((p) => (
      p.status === 'fulfilled' ? p.value : null));
    if (metrics !== null) {
      remember(reduceScrape(parsePrometheus(metrics), Date.now()));
    }
    if (routes) drawRoutes(routes, metrics);
    if (upstreams) drawUpstreams(upstreams);
    if (plugins) drawPlugins(plugins);
    if (scripts) drawScripts(scripts);
    drawHistory(status);
    if (failed) {
      showError('Refreshing', failed.reason);
    } else if ($('message').className === 'error' && $('message').dataset.sticky !== 'true') {
      showMessage(null);
    }
    $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    showError('Refreshing', e);
  } finally {
    polling = false;
  }
}

function pollNow() {
  clearTimeout(timer);
  poll().finally(() => {
    if ($('login').hidden) { // while the token form shows, wait for a token instead of asking again
      timer = setTimeout(pollNow, POLL_MS);
    }
  });
}

// ---------------------------------------------------------------- writes

/** Shows what a write did; its errors stay until the next write (polling does not clear them). */
function reportWrite(what, promise) {
  return promise.then((text) => {
    $('message').dataset.sticky = 'false';
    showMessage(text, 'info');
    pollNow();
  }, (e) => {
    showError(what, e);
    $('message').dataset.sticky = 'true';
    pollNow(); // a refusal such as 412 means the config moved on: show where it is now
  });
}

function setupReload() {
  $('reload').addEventListener('click', () => reportWrite('Reload', (async () => {
    const response = await api('POST', '/reload');
    const text = await response.text();
    let outcome = 'Reload done.';
    try {
      const body = JSON.parse(text);
      if (body.generation !== undefined) outcome = `Reload done: generation ${body.generation}.`;
    } catch (e) {
      // no JSON body: the status says it went through
    }
    return outcome;
  })()));
}

let editing = { id: null, etag: null };

function fillEditorChoices(ids) {
  const select = $('editor-route');
  const current = [...select.options].map((o) => o.value);
  if (current.length === ids.length && current.every((id, i) => id === ids[i])) {
    return;
  }
  const chosen = select.value;
  select.replaceChildren(...ids.map((id) => el('option', id, { value: id })));
  if (ids.includes(chosen)) select.value = chosen;
}

function editorTarget() {
  const fresh = $('editor-new').value.trim();
  return fresh || $('editor-route').value;
}

const REDACTED = '<redacted>';

/** The route as the config file has it (the form PUT takes back), from the redacted GET /config, and its ETag. */
async function loadRoute(id) {
  const response = await api('GET', '/config');
  const body = await response.json();
  const route = ((body.config && body.config.routes) || []).find((r) => r && r.id === id);
  if (!route) {
    throw new Error(`the config has no route '${id}' (any more)`);
  }
  return { route, etag: response.headers.get('ETag') };
}

function routePath(id) {
  return `/routes/${encodeURIComponent(id)}`;
}

function setupEditor() {
  $('editor-load').addEventListener('click', () => {
    const id = $('editor-route').value;
    if (!id) return;
    reportWrite('Loading the route', (async () => {
      const { route, etag } = await loadRoute(id);
      editing = { id, etag };
      $('editor-new').value = '';
      $('editor-body').value = JSON.stringify(route, null, 2);
      $('editor-etag').textContent = etag ? `ETag ${etag}` : 'no ETag';
      return JSON.stringify(route).includes(REDACTED)
        ? `Loaded route ${id}. It holds redacted secrets: write them in again before saving.`
        : `Loaded route ${id}.`;
    })());
  });
  $('editor').addEventListener('submit', (event) => {
    event.preventDefault();
    const id = editorTarget();
    if (!id) {
      showMessage('Name the route: pick one and load it, or type a new id.');
      return;
    }
    reportWrite(`Saving route ${id}`, (async () => {
      const headers = { 'Content-Type': 'application/json' };
      if (editing.id === id && editing.etag) {
        headers['If-Match'] = editing.etag;
      }
      const response = await api('PUT', routePath(id), { headers, body: $('editor-body').value });
      editing = { id, etag: response.headers.get('ETag') || null };
      $('editor-etag').textContent = editing.etag ? `ETag ${editing.etag}` : '';
      return `Saved route ${id}.`;
    })());
  });
  $('editor-delete').addEventListener('click', () => {
    const id = editorTarget();
    if (!id || !window.confirm(`Delete route ${id}?`)) return;
    reportWrite(`Deleting route ${id}`, (async () => {
      const headers = {};
      if (editing.id === id && editing.etag) {
        headers['If-Match'] = editing.etag;
      }
      await api('DELETE', routePath(id), { headers });
      editing = { id: null, etag: null };
      $('editor-body').value = '';
      $('editor-etag').textContent = '';
      return `Deleted route ${id}.`;
    })());
  });
}

document.addEventListener('DOMContentLoaded', () => {
  setupLogin();
  setupReload();
  setupEditor();
  pollNow();
});
