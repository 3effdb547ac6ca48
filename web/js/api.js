// JSON over fetch with the session cookie and the CSRF token for unsafe methods.
let csrf = '';
export function setCsrf(token) { csrf = token || ''; }

export async function api(method, path, body, { contentType } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = contentType || 'application/json';
  if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
    });
  } catch {
    return { status: 0, data: null, error: { code: 'network', message: 'network' } };
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  return { status: res.status, data, error: res.ok ? null : data?.error || { code: String(res.status), message: String(res.status) } };
}
