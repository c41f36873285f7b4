// Formatting and parsing shared by the pages. Zipkin times are epoch microseconds, durations microseconds.

export function formatDuration(us) {
  if (us === undefined || us === null) return '—';
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 1_000_000) return `${trim(us / 1000)}ms`;
  return `${trim(us / 1_000_000)}s`;
}

function trim(n) { return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2); }

export function formatTimestamp(us) {
  if (!us) return '—';
  const d = new Date(us / 1000);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Accepts what the Zipkin UI accepts: 123 (µs), 123us, 1.5ms, 2s. Returns microseconds, or NaN. */
export function parseDuration(text) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s)?\s*$/i.exec(text || '');
  if (!m) return NaN;
  const n = parseFloat(m[1]);
  switch ((m[2] || 'us').toLowerCase()) {
    case 's': return Math.round(n * 1_000_000);
    case 'ms': return Math.round(n * 1000);
    default: return Math.round(n);
  }
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'style' && typeof v === 'object') Object.assign(node.style, v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}

/** A stable colour per service name. */
export function serviceColor(name) {
  // FNV-1a, then the golden angle, so names differing in one character still get distant hues.
  let h = 2166136261;
  for (const ch of name || '') h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `hsl(${Math.round((h % 1000) * 137.508) % 360} 55% 50%)`;
}

export function rootSpan(trace) {
  return trace.find((s) => !s.parentId) || trace.reduce((a, b) => ((a.timestamp || Infinity) <= (b.timestamp || Infinity) ? a : b));
}

export function traceSummary(trace) {
  let start = Infinity, end = -Infinity;
  const services = new Map();
  let error = false;
  for (const s of trace) {
    if (s.timestamp) {
      start = Math.min(start, s.timestamp);
      end = Math.max(end, s.timestamp + (s.duration || 0));
    }
    const name = s.localEndpoint?.serviceName;
    if (name) services.set(name, (services.get(name) || 0) + 1);
    if (s.tags && 'error' in s.tags) error = true;
  }
  const root = rootSpan(trace);
  return {
    traceId: trace[0].traceId, root, start: isFinite(start) ? start : 0,
    duration: isFinite(start) ? end - start : 0, spanCount: trace.length, services, error,
  };
}
