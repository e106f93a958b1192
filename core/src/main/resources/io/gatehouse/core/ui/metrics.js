// The Gatehouse dashboard, part 2 of 3: per-route request rate, 5xx share and p99 latency, computed from
// successive scrapes of GET /metrics (Prometheus text), and the sparkline drawn from them.
'use strict';

const RATE_MS = 10_000;          // req/s is averaged over this
const WINDOW_MS = 60_000;        // the 5xx share and p99 cover this
const SPARK_MS = 300_000;        // the sparkline covers this

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
