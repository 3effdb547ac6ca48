// JSON over fetch with the session cookie and the CSRF token for unsafe methods.
let csrf = '';
export function setCsrf(token) {
  csrf = token || '';
}
export const csrfToken = () => csrf;

export async function api(method, path, body, { contentType } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = contentType || 'application/json';
  if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body:
        body === undefined ? undefined : typeof body === 'string' || body instanceof Blob ? body : JSON.stringify(body),
    });
  } catch {
    return { status: 0, data: null, error: { code: 'network', message: 'network' } };
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  return {
    status: res.status,
    data,
    link: res.headers.get('Link'),
    error: res.ok ? null : data?.error || { code: String(res.status), message: String(res.status) },
  };
}

// The next page of a paged list (RFC 8288 Link rel="next"), or null on the last page.
export function nextPage(link) {
  const m = /<([^>]+)>;\s*rel="next"/.exec(link || '');
  return m ? m[1] : null;
}

// Every page of a paged list, in 500-row pages (at most `maxPages`), as one array.
export async function apiAll(path, { maxPages = 200 } = {}) {
  const all = [];
  let next = `${path}${path.includes('?') ? '&' : '?'}limit=500`;
  for (let pages = 0; next && pages < maxPages; pages++) {
    const res = await api('GET', next);
    if (res.status !== 200) return res;
    all.push(...(res.data || []));
    next = nextPage(res.link);
  }
  return { status: 200, data: all, error: null };
}
