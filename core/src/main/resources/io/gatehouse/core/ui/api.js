// The Gatehouse dashboard, part 1 of 3 (api.js, metrics.js, app.js; classic scripts sharing one global
// scope, loaded in that order): calling the admin API with the tab's token, and the DOM helpers.
// Plain ES2020, no framework, no build step. Every value from the API is drawn with textContent or
// setAttribute, never parsed as HTML: route ids, script errors and plugin messages come from config
// files and plugins, and the page must not run what they contain.
'use strict';

const POLL_MS = 2000;            // the page asks the admin API again this long after its last answer
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
