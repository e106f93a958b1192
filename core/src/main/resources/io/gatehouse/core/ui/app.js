// The Gatehouse dashboard: polls the admin API every two seconds and draws what it answers.
// Plain ES2020, no framework, no build step. Every value from the API is drawn with textContent or
// setAttribute, never parsed as HTML: route ids, script errors and plugin messages come from config
// files and plugins, and the page must not run what they contain.
'use strict';

const POLL_MS = 2000;
const RATE_MS = 10_000;          // req/s is averaged over this
const WINDOW_MS = 60_000;        // the 5xx share and p99 cover this
const SPARK_MS = 300_000;        // the sparkline covers this
const MISSING_RETRY_MS = 30_000; // an endpoint that answered 404 is asked again after this
const TOKEN_KEY = 'gatehouse.admin.token';

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- the admin API

class ApiError extends Error {
  constructor(status, detail, problems) {
    super(detail);
    this.status = status;
    this.problems = problems || [];
  }
}

/** Calls the admin API with the tab's token; resolves to the Response when it is 2xx, else throws an ApiError. */
async function api(method, path, options = {}) {
  const headers = new Headers(options.headers || {});
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) {
    headers.set('Authorization', 'Bearer ' + token);
  }
  const response = await fetch(path, {
    method, headers, body: options.body, cache: 'no-store', credentials: 'omit', redirect: 'error',
  });
  if (response.status === 401) {
    showLogin(token ? 'The admin API refused this token.' : 'The admin API needs a token.');
  }
  if (!response.ok) {
    throw await apiError(response);
  }
  return response;
}

/** Reads an RFC 9457 problem (its detail and any list of problems) from a failed answer. */
async function apiError(response) {
  let detail = `${response.status} ${response.statusText}`.trim();
  let problems = [];
  try {
    const text = await response.text();
    const type = response.headers.get('Content-Type') || '';
    if (type.includes('json')) {
      const problem = JSON.parse(text);
      if (typeof problem.detail === 'string') {
        detail = `${response.status}: ${problem.detail}`;
      }
      for (const key of ['errors', 'problems', 'invalid_params']) {
        if (Array.isArray(problem[key])) {
          problems = problems.concat(problem[key].map(describeProblem));
        }
      }
    } else if (text) {
      detail = `${response.status}: ${text.slice(0, 500)}`;
    }
  } catch (e) {
    // the status line alone says enough
  }
  return new ApiError(response.status, detail, problems);
}

function describeProblem(p) {
  if (p === null || typeof p !== 'object') {
    return String(p);
  }
  const where = p.path ?? p.pointer ?? p.name ?? p.source;
  const what = p.problem ?? p.message ?? p.detail ?? p.reason ?? JSON.stringify(p);
  return where === undefined ? String(what) : `${where}: ${what}`;
}

const missing = new Map(); // path -> when it answered 404

/** GETs JSON, or null when this gateway has no such endpoint (404: asked again later). */
async function optionalJson(path) {
  const text = await optionalText(path);
  return text === null ? null : JSON.parse(text);
}

async function optionalText(path) {
  const since = missing.get(path);
  if (since !== undefined && Date.now() - since < MISSING_RETRY_MS) {
    return null;
  }
  try {
    const response = await api('GET', path);
    missing.delete(path);
    return await response.text();
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) {
      missing.set(path, Date.now());
      return null;
    }
    throw e;
  }
}

// ---------------------------------------------------------------- small DOM helpers

/** Makes an element with text content (never HTML) and attributes. */
function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) {
    node.textContent = String(text);
  }
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== undefined && value !== null) {
      node.setAttribute(name, String(value));
    }
  }
  return node;
}

function row(cells, attrs) {
  const tr = el('tr', null, attrs);
  for (const cell of cells) {
    tr.append(cell instanceof Node ? cell : el('td', cell ?? '—'));
  }
  return tr;
}

/** A cell showing a state word with a class that colours it; odd words get no colour. */
function stateCell(state, cls) {
  const word = state === undefined || state === null ? '—' : String(state);
  const safe = /^[a-z_]{1,20}$/.test(word) ? word : 'unknown';
  return el('td', word, { class: `${cls || ''} state-${safe}`.trim() });
}

function showMessage(text, kind) {
  const box = $('message');
  box.replaceChildren();
  if (!text) {
    box.hidden = true;
    return;
  }
  box.className = kind || 'error';
  const lines = Array.isArray(text) ? text : [text];
  box.append(el('div', lines[0]));
  if (lines.length > 1) {
    const list = el('ul', null, { class: 'problems' });
    lines.slice(1).forEach((line) => list.append(el('li', line)));
    box.append(list);
  }
  box.hidden = false;
}

function showError(what, e) {
  if (e instanceof ApiError) {
    showMessage([`${what} failed: ${e.message}`, ...e.problems], 'error');
  } else {
    showMessage(`${what} failed: ${e && e.message ? e.message : e}`, 'error');
  }
}

// ---------------------------------------------------------------- token

function showLogin(why) {
  const form = $('login');
  form.querySelector('p').textContent = why;
  form.hidden = false;
}

function setupLogin() {
  $('login').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('token').value.trim();
    if (token) {
      sessionStorage.setItem(TOKEN_KEY, token);
      $('token').value = '';
      $('login').hidden = true;
      showMessage(null);
      pollNow();
    }
  });
  $('signout').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin('Token forgotten. The admin API needs a token.');
    pollNow();
  });
}

// ---------------------------------------------------------------- metrics (Prometheus text)

/** Parses `name{label="value",...} value [timestamp]` lines; returns [{name, labels, value}]. */
function parsePrometheus(text) {
  const samples = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/.exec(line);
    if (!m) {
      continue;
    }
    const labels = parseLabels(m[2] || '');
    const value = parseNumber(m[3]);
    if (labels !== null && !Number.isNaN(value)) {
      samples.push({ name: m[1], labels, value });
    }
  }
  return samples;
}

function parseLabels(text) {
  const labels = {};
  const pair = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;
  while (pair.lastIndex < text.length) {
    const start = pair.lastIndex;
    const m = pair.exec(text);
    if (!m || pair.lastIndex === start) {
      return text.slice(start).trim() === '' ? labels : null;
    }
    labels[m[1]] = m[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

function parseNumber(text) {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** One scrape, reduced to what the page draws: per route, request and 5xx counts and latency buckets. */
function reduceScrape(samples, at) {
  const routes = new Map();
  const of = (route) => {
    if (!routes.has(route)) {
      routes.set(route, { total: 0, errors: 0, buckets: new Map() });
    }
    return routes.get(route);
  };
  for (const s of samples) {
    const route = s.labels.route;
    if (route === undefined) {
      continue;
    }
    if (s.name === 'gatehouse_requests_total') {
      const r = of(route);
      r.total += s.value;
      if (s.labels.status_class === '5xx') {
        r.errors += s.value;
      }
    } else if (s.name === 'gatehouse_request_duration_seconds_bucket' && s.labels.le !== undefined) {
      const r = of(route);
      const le = parseNumber(s.labels.le);
      r.buckets.set(le, (r.buckets.get(le) || 0) + s.value);
    }
  }
  return { at, routes };
}

const scrapes = [];

function remember(scrape) {
  scrapes.push(scrape);
  while (scrapes.length > 2 && scrape.at - scrapes[0].at > SPARK_MS + POLL_MS) {
    scrapes.shift();
  }
}

/** The oldest scrape at most `ms` older than the newest, or null. */
function scrapeBefore(ms) {
  const newest = scrapes[scrapes.length - 1];
  for (const s of scrapes) {
    if (s !== newest && newest.at - s.at <= ms) {
      return s;
    }
  }
  return null;
}

/** A counter's increase; a smaller value means the gateway restarted and counts from zero. */
function increase(now, before) {
  return now >= before ? now - before : now;
}

function routeStats(route) {
  const newest = scrapes[scrapes.length - 1];
  const now = newest && newest.routes.get(route);
  if (!now) {
    return null;
  }
  const empty = { total: 0, errors: 0, buckets: new Map() };
  const stats = { rate: null, errorShare: null, p99: null, series: [] };
  const rateBase = scrapeBefore(RATE_MS);
  if (rateBase) {
    const then = rateBase.routes.get(route) || empty;
    stats.rate = increase(now.total, then.total) / ((newest.at - rateBase.at) / 1000);
  }
  const windowBase = scrapeBefore(WINDOW_MS);
  if (windowBase) {
    const then = windowBase.routes.get(route) || empty;
    const count = increase(now.total, then.total);
    if (count > 0) {
      stats.errorShare = increase(now.errors, then.errors) / count;
    }
    stats.p99 = quantile(0.99, now.buckets, then.buckets);
  }
  for (let i = 1; i < scrapes.length; i++) {
    const a = scrapes[i - 1].routes.get(route) || empty;
    const b = scrapes[i].routes.get(route) || empty;
    const seconds = (scrapes[i].at - scrapes[i - 1].at) / 1000;
    stats.series.push({
      rate: increase(b.total, a.total) / seconds,
      errors: increase(b.errors, a.errors) / seconds,
    });
  }
  return stats;
}

/** Like PromQL's histogram_quantile over the buckets' increase: linear within the bucket it falls in. */
function quantile(q, nowBuckets, thenBuckets) {
  const bounds = [...nowBuckets.keys()].sort((a, b) => a - b);
  if (bounds.length === 0 || bounds[bounds.length - 1] !== Infinity) {
    return null;
  }
  const counts = bounds.map((le) => increase(nowBuckets.get(le), thenBuckets.get(le) || 0));
  const total = counts[counts.length - 1];
  if (!(total > 0)) {
    return null;
  }
  const rank = q * total;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i] >= rank) {
      if (bounds[i] === Infinity) {
        return { seconds: bounds[i - 1] ?? 0, above: true };
      }
      const lower = i === 0 ? 0 : bounds[i - 1];
      const below = i === 0 ? 0 : counts[i - 1];
      const inBucket = counts[i] - below;
      const seconds = inBucket > 0 ? lower + (bounds[i] - lower) * ((rank - below) / inBucket) : bounds[i];
      return { seconds, above: false };
    }
  }
  return null;
}

function formatRate(rate) {
  if (rate === null) return '—';
  return rate >= 100 ? rate.toFixed(0) : rate.toFixed(rate >= 10 ? 1 : 2);
}

function formatShare(share) {
  return share === null ? '—' : `${(share * 100).toFixed(share >= 0.1 ? 0 : 1)} %`;
}

function formatLatency(p) {
  if (p === null) return '—';
  const ms = p.seconds * 1000;
  const text = ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 10 ? 0 : 1)} ms`;
  return p.above ? `> ${text}` : text;
}

const SVG = 'http://www.w3.org/2000/svg';

/** An inline SVG sparkline of requests per second (and 5xx per second, in red). */
function sparkline(series) {
  const width = 120;
  const height = 24;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  const max = Math.max(...series.map((p) => p.rate), 0);
  const label = series.length ? `peak ${formatRate(max)} req/s` : 'no data yet';
  const title = document.createElementNS(SVG, 'title');
  title.textContent = label;
  svg.append(title);
  if (series.length < 2) {
    return svg;
  }
  const slots = Math.max(series.length - 1, Math.round(SPARK_MS / POLL_MS));
  const x = (i) => (width - (series.length - 1 - i) * (width / slots)).toFixed(1);
  const y = (v) => (height - 1 - (max > 0 ? (v / max) * (height - 2) : 0)).toFixed(1);
  for (const [key, cls] of [['rate', ''], ['errors', 'errors']]) {
    if (key === 'errors' && !series.some((p) => p.errors > 0)) {
      continue;
    }
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', series.map((p, i) => `${x(i)},${y(p[key])}`).join(' '));
    if (cls) line.setAttribute('class', cls);
    svg.append(line);
  }
  return svg;
}

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

const seenReloads = [];

/** Draws /config/status's history, or, on a gateway without it, the reloads this page has seen in /config. */
function drawHistory(status, legacy) {
  let history;
  if (status && Array.isArray(status.history)) {
    const when = (h) => Date.parse(h.at ?? h.time) || 0;
    history = status.history.slice().sort((a, b) => when(b) - when(a)); // newest first, whatever the API's order
  } else {
    const last = legacy && legacy.last_reload !== undefined ? legacy : status;
    if (last && last.last_reload !== undefined && !seenReloads.some((r) => r.at === last.last_reload)) {
      seenReloads.unshift({
        at: last.last_reload, generation: last.generation,
        result: last.last_reload_ok === false ? 'rejected' : 'applied', problems: last.problems || [],
      });
    }
    history = seenReloads;
  }
  const rows = history.slice(0, 50).map((h) => {
    const problems = el('td', null, { class: 'error' });
    for (const p of h.problems || []) {
      problems.append(el('div', typeof p === 'string' ? p : describeProblem(p)));
    }
    return row([h.at ?? h.time, h.generation, stateCell(h.result), h.source, h.who, problems]);
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
    drawHistory(status, status ? null : await optionalJson('/config').catch(() => null));
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

/**
 * The route as the config file has it (what PUT takes back), from the redacted GET /config, with the ETag of
 * that read; on a gateway whose /config has no config tree, the route's view from GET /routes/{id}.
 */
async function loadRoute(id) {
  const response = await api('GET', '/config');
  const body = await response.json();
  const routes = body && body.config && Array.isArray(body.config.routes) ? body.config.routes : null;
  if (routes) {
    const route = routes.find((r) => r && r.id === id);
    if (!route) {
      throw new Error(`the config has no route '${id}' (any more)`);
    }
    return { route, etag: response.headers.get('ETag') };
  }
  const single = await api('GET', routePath(id));
  return { route: await single.json(), etag: single.headers.get('ETag') };
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
