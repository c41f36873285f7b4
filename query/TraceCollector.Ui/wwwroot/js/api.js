// The only way the UI reaches the server: the public Zipkin API and our analysis endpoints.
// A failed call becomes an Error whose message says what failed and what the server said.
const base = '/api/v2';

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

export async function getJson(path, params) {
  const query = params ? '?' + new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString() : '';
  let response;
  try {
    response = await fetch(base + path + query, { headers: { Accept: 'application/json' } });
  } catch (e) {
    throw new ApiError(0, `Cannot reach the server for ${path}: ${e.message}`);
  }
  const text = await response.text();
  if (!response.ok) throw new ApiError(response.status, `${path} answered ${response.status}: ${text.trim() || response.statusText}`);
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(response.status, `${path} answered with something that is not JSON`);
  }
}

export const api = {
  services: () => getJson('/services'),
  spanNames: (serviceName) => getJson('/spans', { serviceName }),
  remoteServices: (serviceName) => getJson('/remoteServices', { serviceName }),
  traces: (query) => getJson('/traces', query),
  trace: (id) => getJson(`/trace/${encodeURIComponent(id)}`),
  adjustedTrace: (id) => getJson(`/trace/${encodeURIComponent(id)}/adjusted`),
  criticalPath: (id) => getJson(`/trace/${encodeURIComponent(id)}/criticalPath`),
  networkLatency: (id) => getJson(`/trace/${encodeURIComponent(id)}/networkLatency`),
  dependencies: (endTs, lookback) => getJson('/dependencies', { endTs, lookback }),
  criticalPathAnalysis: (query) => getJson('/analysis/criticalPath', query),
  networkLatencyAnalysis: (query) => getJson('/analysis/networkLatency', query),
};
