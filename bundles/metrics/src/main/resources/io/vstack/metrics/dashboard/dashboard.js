// vstack dashboard: reads /api/metrics every second, keeps a short history in the page, draws SVG.
'use strict';

const PERIOD_MS = 1000;
const KEEP = 120;                       // points per series: two minutes
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const PAGES = { '/': 'hosts', '/hosts': 'hosts', '/disks': 'disks', '/caches': 'caches', '/migrations': 'migrations', '/trust': 'trust' };

const page = PAGES[location.pathname] || 'hosts';
const series = new Map();              // key -> [{t, v}]
let previous = null;                   // the last reading: {t, sources}

function push(key, t, v) {
  if (v === null || v === undefined || !isFinite(v)) return;
  let s = series.get(key);
  if (!s) { s = []; series.set(key, s); }
  s.push({ t, v });
  if (s.length > KEEP) s.shift();
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function metrics(sources, kind, name) {
  const out = [];
  for (const s of sources) {
    if (s.kind !== kind) continue;
    for (const m of s.metrics) if (m.name === name) out.push({ source: s.source, m });
  }
  return out;
}

function value(sources, source, name, labels) {
  const s = sources.find(x => x.source === source);
  if (!s) return null;
  const m = s.metrics.find(x => x.name === name && Object.entries(labels || {}).every(([k, v]) => x.labels[k] === v));
  return m ? m.value : null;
}

// Bucket counts (cumulative, by le) of a histogram, summed over metrics with the same bounds.
function bucketCounts(list) {
  let counts = null;
  for (const m of list) {
    if (!m.buckets) continue;
    if (!counts) counts = m.buckets.map(() => 0);
    m.buckets.forEach((b, i) => { counts[i] += b.count; });
  }
  return counts;
}

function bounds(m) {
  return m.buckets.map(b => (b.le === '+Inf' ? Infinity : b.le));
}

// The value below which fraction q of the observations lie, linear inside the bucket (as histogram_quantile).
function quantile(q, les, cumulative) {
  const count = cumulative[cumulative.length - 1];
  if (!count) return null;
  const rank = q * count;
  let lower = 0, below = 0;
  for (let i = 0; i < les.length; i++) {
    if (cumulative[i] >= rank && cumulative[i] > below) {
      if (les[i] === Infinity) return lower;
      return lower + (les[i] - lower) * (rank - below) / (cumulative[i] - below);
    }
    lower = les[i];
    below = cumulative[i];
  }
  return lower;
}

function plot(id, lines, unit, attrs) {
  const w = 420, h = 140, left = 48, bottom = 18;
  let tMin = Infinity, tMax = -Infinity, vMax = 0, points = 0;
  for (const l of lines) for (const p of l.points) {
    tMin = Math.min(tMin, p.t); tMax = Math.max(tMax, p.t); vMax = Math.max(vMax, p.v); points++;
  }
  if (!points) { tMin = 0; tMax = 1; }
  if (tMax === tMin) tMax = tMin + 1;
  if (vMax <= 0) vMax = 1;
  const x = t => left + (w - left - 4) * (t - tMin) / (tMax - tMin);
  const y = v => (h - bottom) - (h - bottom - 6) * v / vMax;
  let svg = `<svg class="plot" id="${escapeHtml(id)}" width="${w}" height="${h}" data-points="${points}" ${attrs || ''}>`;
  svg += `<line class="axis" x1="${left}" y1="${h - bottom}" x2="${w}" y2="${h - bottom}"/>`;
  svg += `<line class="axis" x1="${left}" y1="0" x2="${left}" y2="${h - bottom}"/>`;
  svg += `<text x="2" y="10">${escapeHtml(format(vMax))}</text><text x="2" y="${h - bottom}">0</text>`;
  svg += `<text x="${left}" y="${h - 4}">${escapeHtml(unit)} over the last ${Math.round((tMax - tMin) / 1000)} s</text>`;
  lines.forEach((l, i) => {
    if (!l.points.length) return;
    const pts = l.points.map(p => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
    svg += `<polyline stroke="${COLORS[i % COLORS.length]}" points="${pts}"/>`;
  });
  svg += '</svg>';
  const legend = lines.map((l, i) => `<span style="color:${COLORS[i % COLORS.length]}">■ ${escapeHtml(l.name)}</span>`).join('');
  return `<div>${svg}<div class="legend">${legend}</div></div>`;
}

function format(v) {
  if (v === null || v === undefined || !isFinite(v)) return '-';
  const a = Math.abs(v);
  if (a >= 1e9) return (v / 1e9).toFixed(2) + 'G';
  if (a >= 1e6) return (v / 1e6).toFixed(2) + 'M';
  if (a >= 1e4) return (v / 1e3).toFixed(1) + 'k';
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(a < 1 ? 4 : 1);
}

function table(headers, rows, empty) {
  if (!rows.length) return `<p class="empty">${escapeHtml(empty)}</p>`;
  return '<table><tr>' + headers.map(h => `<th>${escapeHtml(h)}</th>`).join('') + '</tr>'
    + rows.map(r => '<tr>' + r.map(c => `<td>${escapeHtml(c)}</td>`).join('') + '</tr>').join('') + '</table>';
}

// ---- sampling: turns two readings into per-second rates and interval quantiles ----

function sample(now, sources) {
  const dt = previous ? (now - previous.t) / 1000 : 0;
  const before = previous ? previous.sources : null;
  for (const s of sources) {
    if (s.kind === 'disk' && s.labels.disk && s.source === 'disk/' + s.labels.disk) sampleDisk(now, dt, s, before);
  }
  for (const { m } of metrics(sources, 'cache', 'hits')) {
    const c = m.labels.cache;
    const misses = value(sources, 'cache', 'misses', { cache: c });
    if (before) {
      const h0 = value(before, 'cache', 'hits', { cache: c }), m0 = value(before, 'cache', 'misses', { cache: c });
      if (h0 !== null && m0 !== null) {
        const lookups = (m.value - h0) + (misses - m0);
        push('cache/' + c + '/ratio', now, lookups > 0 ? (m.value - h0) / lookups : value(sources, 'cache', 'hit', { cache: c }));
      }
    }
  }
  for (const { m } of metrics(sources, 'migration', 'run.pending')) {
    const id = m.labels.migration;
    push('migration/' + id + '/pending', now, m.value);
    push('migration/' + id + '/bandwidth', now, value(sources, 'migration', 'run.bandwidth', { migration: id }));
    push('migration/' + id + '/faults', now, value(sources, 'migration', 'run.postcopy.faults', { migration: id }));
  }
}

function sampleDisk(now, dt, s, before) {
  const id = s.labels.disk;
  const ops = s.metrics.filter(m => m.name === 'io.reads' || m.name === 'io.writes').reduce((a, m) => a + m.value, 0);
  const lat = s.metrics.filter(m => m.name === 'io.latency' && (m.labels.op === 'read' || m.labels.op === 'write'));
  const old = before && before.find(x => x.source === s.source);
  if (!old || dt <= 0) return;
  const ops0 = old.metrics.filter(m => m.name === 'io.reads' || m.name === 'io.writes').reduce((a, m) => a + m.value, 0);
  push('disk/' + id + '/iops', now, Math.max(0, ops - ops0) / dt);
  const now_ = bucketCounts(lat), then = bucketCounts(old.metrics.filter(m => m.name === 'io.latency'
    && (m.labels.op === 'read' || m.labels.op === 'write')));
  if (now_ && then && lat.length) {
    const delta = now_.map((c, i) => c - then[i]);
    if (delta[delta.length - 1] > 0) {
      const les = bounds(lat[0]);
      push('disk/' + id + '/p50', now, quantile(0.5, les, delta) * 1e6);
      push('disk/' + id + '/p99', now, quantile(0.99, les, delta) * 1e6);
    }
  }
}

// ---- pages ----

function hostsPage(sources) {
  const rows = sources.filter(s => s.kind === 'host').map(s => {
    const total = value(sources, s.source, 'memory.frames.total'), used = value(sources, s.source, 'memory.frames.used');
    const share = total ? used / total : 0;
    return [s.labels.host || s.source, format(value(sources, s.source, 'cpus')), format(total), format(used),
      format(value(sources, s.source, 'memory.frames.free')), (share * 100).toFixed(1) + ' %'];
  });
  const backends = metrics(sources, 'backend', 'capacity').map(({ m }) => {
    const state = ['healthy', 'degraded', 'down'].find(h => value(sources, 'backend', 'health', { name: m.labels.name, state: h }) === 1);
    return [m.labels.name, m.labels.backend, format(m.value), format(value(sources, 'backend', 'used', { name: m.labels.name })), state || '-'];
  });
  const vms = metrics(sources, 'vm', 'memory').map(({ m }) => {
    const state = metrics(sources, 'vm', 'state').find(x => x.m.labels.vm === m.labels.vm && x.m.value === 1);
    return [m.labels.vm, m.labels.host, state ? state.m.labels.state : '-', format(value(sources, 'vm', 'guest.writes', { vm: m.labels.vm })),
      format((value(sources, 'vm', 'stun.last', { vm: m.labels.vm }) || 0) / 1e6)];
  });
  return '<h2>Hosts</h2>' + table(['Host', 'CPUs', 'Frames', 'Used', 'Free', 'Used %'], rows, 'No hosts')
    + '<h2>Storage backends</h2>' + table(['Backend', 'Type', 'Capacity (B)', 'Used (B)', 'Health'], backends, 'No backends')
    + '<h2>VMs</h2>' + table(['VM', 'Host', 'State', 'Guest writes', 'Last stun (ms)'], vms, 'No VMs');
}

function disksPage(sources) {
  const disks = sources.filter(s => s.kind === 'disk' && s.labels.disk && s.source === 'disk/' + s.labels.disk);
  if (!disks.length) return '<h2>Disks</h2><p class="empty">No disks</p>';
  let html = '<h2>Disks</h2><div class="cards">';
  for (const s of disks) {
    const id = s.labels.disk;
    const filters = s.metrics.filter(m => m.name === 'filter.requests').map(m => [m.labels.filter, format(m.value),
      format(value(sources, s.source, 'filter.failures', { filter: m.labels.filter })),
      format(value(sources, s.source, 'filter.timeouts', { filter: m.labels.filter }))]);
    html += `<div class="card disk" data-disk="${escapeHtml(id)}"><h3>${escapeHtml(id)} <small>on ${escapeHtml(s.labels.host || '?')}</small></h3>`;
    html += plot('iops-' + id, [{ name: 'IOPS', points: series.get('disk/' + id + '/iops') || [] }], 'ops/s', 'data-kind="iops"');
    html += plot('latency-' + id, [{ name: 'p50', points: series.get('disk/' + id + '/p50') || [] },
      { name: 'p99', points: series.get('disk/' + id + '/p99') || [] }], 'µs', 'data-kind="latency"');
    html += table(['Filter (chain)', 'Requests', 'Failures', 'Timeouts'], filters, 'No filters attached');
    html += '</div>';
  }
  return html + '</div>';
}

function cachesPage(sources) {
  const caches = metrics(sources, 'cache', 'hits');
  if (!caches.length) return '<h2>Caches</h2><p class="empty">No block caches</p>';
  let html = '<h2>Caches</h2><div class="cards">';
  for (const { m } of caches) {
    const c = m.labels.cache, l = { cache: c };
    html += `<div class="card"><h3>${escapeHtml(c)} <small>on ${escapeHtml(m.labels.host)}, ${escapeHtml(m.labels.policy)}</small></h3>`;
    html += plot('ratio-' + c, [{ name: 'hit ratio per second', points: series.get('cache/' + c + '/ratio') || [] }], 'ratio');
    html += table(['Counter', 'Value'], [['hits', format(m.value)], ['misses', format(value(sources, 'cache', 'misses', l))],
      ['evictions', format(value(sources, 'cache', 'evictions', l))], ['reclaimed', format(value(sources, 'cache', 'reclaimed', l))],
      ['blocks', format(value(sources, 'cache', 'blocks', l)) + ' / ' + format(value(sources, 'cache', 'capacity', l))]], '');
    html += '</div>';
  }
  return html + '</div>';
}

function migrationsPage(sources) {
  let html = '<h2>Running migrations</h2>';
  const runs = metrics(sources, 'migration', 'run.iteration');
  if (!runs.length) html += '<p class="empty">None running</p>';
  html += '<div class="cards">';
  for (const { m } of runs) {
    const id = m.labels.migration, l = { migration: id };
    html += `<div class="card"><h3>${escapeHtml(m.labels.vm)}: ${escapeHtml(m.labels.source)} → ${escapeHtml(m.labels.destination)}`
      + ` <small>${escapeHtml(m.labels.mode)}, ${escapeHtml(m.labels.phase)}</small></h3>`;
    html += plot('pending-' + id, [{ name: 'pending bytes', points: series.get('migration/' + id + '/pending') || [] }], 'bytes');
    html += plot('bandwidth-' + id, [{ name: 'bandwidth', points: series.get('migration/' + id + '/bandwidth') || [] }], 'bytes/s');
    html += plot('faults-' + id, [{ name: 'post-copy faults', points: series.get('migration/' + id + '/faults') || [] }], 'faults');
    html += table(['Figure', 'Value'], [['iteration', format(m.value)],
      ['expected downtime (ms)', format(value(sources, 'migration', 'run.expected.downtime', l) / 1e6)],
      ['transferred (B)', format(value(sources, 'migration', 'run.transferred', l))]], '');
    html += '</div>';
  }
  html += '</div><h2>History</h2>';
  const history = metrics(sources, 'migration', 'history.downtime').map(({ m }) => {
    const l = { migration: m.labels.migration };
    return [m.labels.migration, m.labels.vm, m.labels.mode, m.labels.phase, format(value(sources, 'migration', 'history.iterations', l)),
      format(m.value / 1e6), format(value(sources, 'migration', 'history.total', l) / 1e6), format(value(sources, 'migration', 'history.wire', l))];
  });
  return html + table(['Run', 'VM', 'Mode', 'Result', 'Iterations', 'Downtime (ms)', 'Total (ms)', 'Wire bytes'], history, 'No finished runs');
}

function trustPage(sources) {
  const verdicts = metrics(sources, 'trust', 'bundles').map(({ m }) => [m.labels.verdict, format(m.value)]);
  const audit = metrics(sources, 'trust', 'audit.entries').map(({ m }) => [m.labels.type, format(m.value)]);
  return '<h2>Trust</h2>' + table(['Verdict', 'Bundles'], verdicts, 'The trust bundle is not running')
    + table(['Figure', 'Value'], [['refusals', format(value(sources, 'trust', 'refusals'))],
      ['store tampered', value(sources, 'trust', 'store.tampered') ? 'yes' : 'no'],
      ['enforcing', value(sources, 'trust', 'enforcing') ? 'yes' : 'no']], '')
    + '<h3>Audit log entries</h3>' + table(['Type', 'Entries'], audit, 'No audit entries');
}

const RENDER = { hosts: hostsPage, disks: disksPage, caches: cachesPage, migrations: migrationsPage, trust: trustPage };

async function tick() {
  const status = document.getElementById('status');
  try {
    const response = await fetch('/api/metrics', { cache: 'no-store' });
    if (!response.ok) {
      status.textContent = 'figures unavailable (' + response.status + '), retrying';
      return;
    }
    const sources = await response.json();
    const now = Date.now();
    sample(now, sources);
    previous = { t: now, sources };
    document.getElementById('page').innerHTML = RENDER[page](sources);
    status.textContent = 'updated ' + new Date(now).toLocaleTimeString();
  } catch (e) {
    status.textContent = 'no answer from the distribution, retrying';
  } finally {
    setTimeout(tick, PERIOD_MS);
  }
}

document.querySelectorAll('nav a').forEach(a => { if (a.dataset.page === page) a.classList.add('current'); });
tick();
