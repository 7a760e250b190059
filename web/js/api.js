// The API client, as any frontend would use mod_everytime (API.md):
// Bearer tokens kept in localStorage; on a 401 the refresh token is spent
// once (rotation: the answer is a new pair) and the request retried once;
// a second 401, or a refused refresh, ends the session. 429 and 503 reach
// the page as ApiError with retryAfter/status, and the app shows a banner.
import {lang} from './i18n.js';

const meta = document.querySelector('meta[name="everytime-api"]');
export const API_BASE = ((meta && meta.content) || '/api').replace(/\/+$/, '');
const STORE = 'everytime.tokens';

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super((body && (body.detail || body.message)) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    this.code = this.body.code || '';
    this.retryAfter = retryAfter;
  }
  // "field: message" lines of a 400 with field errors, else the detail
  describe() {
    const errors = this.body.errors;
    if (!errors) return this.message;
    return Object.entries(errors).map(([f, m]) => `${f}: ${[].concat(m).join(' ')}`).join('\n');
  }
}

const listeners = {sessionEnded: [], trouble: []};
export function on(event, fn) { listeners[event].push(fn); }
function emit(event, arg) { for (const fn of listeners[event]) fn(arg); }

export function tokens() {
  try { return JSON.parse(localStorage.getItem(STORE)) || null; } catch { return null; }
}
export function setTokens(pair) {
  if (pair) localStorage.setItem(STORE, JSON.stringify({access: pair.access, refresh: pair.refresh}));
  else localStorage.removeItem(STORE);
}
export const signedIn = () => !!(tokens() && tokens().access);

// One refresh at a time: requests that fail together wait for the same one
// (a second use of a spent refresh token would revoke the whole family).
let refreshing = null;
function refresh() {
  const pair = tokens();
  if (!pair || !pair.refresh) return Promise.resolve(false);
  if (!refreshing) {
    refreshing = send('POST', '/accounts/token_refresh/', {refresh: pair.refresh}, null)
      .then((r) => {
        if (r.status === 200 && r.body && r.body.access) { setTokens(r.body); return true; }
        return false;
      }, () => false)
      .finally(() => { refreshing = null; });
  }
  return refreshing;
}

function url(path, query) {
  const u = API_BASE + path;
  if (!query) return u;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `${u}?${s}` : u;
}

async function send(method, path, body, access, query) {
  const headers = {'Accept': 'application/json', 'Accept-Language': lang};
  if (access) headers.Authorization = `Bearer ${access}`;
  if (body !== undefined && body !== null) headers['Content-Type'] = 'application/json';
  const res = await fetch(url(path, query), {
    method, headers, body: body == null ? undefined : JSON.stringify(body), credentials: 'same-origin',
  });
  const text = res.status === 204 ? '' : await res.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = {detail: text}; }
  return {status: res.status, body: parsed, retryAfter: res.headers.get('Retry-After')};
}

function fail(r) {
  const err = new ApiError(r.status, r.body, r.retryAfter);
  if (r.status === 429 || r.status === 503) emit('trouble', err);
  throw err;
}

function endSession() {
  setTokens(null);
  emit('sessionEnded');
}

// request(method, path, {body, query}): the parsed answer of a 2xx, else ApiError
export async function request(method, path, {body, query} = {}) {
  const pair = tokens();
  let r;
  try {
    r = await send(method, path, body, pair && pair.access, query);
  } catch (e) {
    const err = new ApiError(0, {detail: e.message}); // the network, not the server
    emit('trouble', err);
    throw err;
  }
  if (r.status === 401 && pair && pair.access) {
    if (await refresh()) {
      r = await send(method, path, body, tokens().access, query);
      if (r.status === 401) endSession();
    } else {
      endSession();
    }
  }
  if (r.status >= 400) fail(r);
  return r.body;
}

export const get = (path, query) => request('GET', path, {query});
export const post = (path, body) => request('POST', path, {body: body || {}});
export const put = (path, body) => request('PUT', path, {body});
export const patch = (path, body) => request('PATCH', path, {body});
export const del = (path, body) => request('DELETE', path, {body});

// upload(path, file, onProgress(fraction)): the image as the raw body with its
// Content-Type (API.md, media), through XMLHttpRequest for upload progress
export function upload(path, file, onProgress) {
  const once = (access) => new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', API_BASE + path);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.setRequestHeader('Accept-Language', lang);
    if (access) xhr.setRequestHeader('Authorization', `Bearer ${access}`);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = {detail: xhr.responseText}; }
      resolve({status: xhr.status, body, retryAfter: xhr.getResponseHeader('Retry-After')});
    };
    xhr.onerror = () => reject(new ApiError(0, {detail: 'network error'}));
    xhr.send(file);
  });
  return (async () => {
    let r = await once(tokens() && tokens().access);
    if (r.status === 401 && (await refresh())) r = await once(tokens().access);
    if (r.status === 401) endSession();
    if (r.status >= 400) fail(r);
    onProgress(1);
    return r.body;
  })();
}

// login/signup answer {user, token: {access, refresh}}
export async function login(loginId, password) {
  const r = await request('POST', '/accounts/login/', {body: {login_id: loginId, password}});
  setTokens(r.token);
  return r.user;
}
export async function signup(fields) {
  const r = await request('POST', '/accounts/signup/', {body: fields});
  setTokens(r.token);
  return r.user;
}
// the server forgets the access token and the refresh family at once
export async function logout() {
  const pair = tokens();
  try {
    if (pair) await request('POST', '/accounts/logout/', {body: {refresh: pair.refresh}});
  } catch { /* signed out locally whatever the server said */ }
  setTokens(null);
}
