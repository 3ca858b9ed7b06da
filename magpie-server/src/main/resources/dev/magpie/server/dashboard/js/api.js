// The admin REST API (/api/v1, see docs/api.md) as seen from the page. The login token lives in
// sessionStorage (gone when the tab closes, never shared with other tabs); the password is kept in this
// module's memory only, for the live view's MQTT connection, and is lost on reload by design.

const TOKEN_KEY = 'magpie.dashboard.token'
const USER_KEY = 'magpie.dashboard.user'
const BASE = '/api/v1'

let password = null

/** Why a call failed: the HTTP status and the API's stable error code. */
export class ApiError extends Error {
  constructor (status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

export const session = {
  get token () { return sessionStorage.getItem(TOKEN_KEY) },
  get username () { return sessionStorage.getItem(USER_KEY) },
  /** The password typed at login, if this page load saw it. */
  get password () { return password },
  set password (value) { password = value },
  get loggedIn () { return Boolean(sessionStorage.getItem(TOKEN_KEY)) }
}

/** Logs in; resolves with the API's answer ({token, expiresAt, username}) or throws ApiError. */
export async function login (username, secret) {
  const answer = await call('POST', '/login', { username, password: secret }, false)
  sessionStorage.setItem(TOKEN_KEY, answer.token)
  sessionStorage.setItem(USER_KEY, answer.username || username)
  password = secret
  return answer
}

export async function logout () {
  const token = session.token
  forget()
  if (token) {
    try {
      await fetch(BASE + '/logout', { method: 'POST', headers: { Authorization: `Bearer ${token}` } })
    } catch (e) { /* the token is forgotten here anyway */ }
  }
}

function forget () {
  sessionStorage.removeItem(TOKEN_KEY)
  sessionStorage.removeItem(USER_KEY)
  password = null
}

export const api = {
  get: (path, query) => call('GET', path + queryString(query)),
  post: (path, body) => call('POST', path, body),
  put: (path, body) => call('PUT', path, body),
  delete: (path, query) => call('DELETE', path + queryString(query))
}

function queryString (query) {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, v)
  }
  const s = params.toString()
  return s ? `?${s}` : ''
}

async function call (method, path, body, authenticated = true) {
  const headers = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (authenticated && session.token) headers.Authorization = `Bearer ${session.token}`
  let response
  try {
    response = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  } catch (e) {
    throw new ApiError(0, 'unavailable', 'The broker cannot be reached: ' + e.message)
  }
  const text = await response.text()
  let data = null
  if (text) {
    try { data = JSON.parse(text) } catch (e) { data = null }
  }
  if (!response.ok) {
    const error = data && data.error ? data.error : { code: 'internal', message: `${response.status} ${response.statusText}` }
    if (response.status === 401 && authenticated) {
      forget()
      window.dispatchEvent(new CustomEvent('magpie:logged-out', { detail: error.message }))
    }
    throw new ApiError(response.status, error.code, error.message || error.code)
  }
  return data
}
