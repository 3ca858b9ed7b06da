// Live messages: subscribes to a topic filter over MQTT over WebSocket from the page itself (same host as
// the dashboard, the listener's MQTT path), logged in as the dashboard's user, so the view shows exactly
// what that user may read. The password is the one typed at login, held in memory; after a reload it is
// asked for again here. The list keeps the last MAX messages.
import { api, session } from '../api.js'
import { h, header, field, toast, replace } from '../dom.js'
import { MqttWsClient } from '../mqtt-ws.js'
import { asText, asHex } from '../payload.js'

export const title = 'Live messages'
const MAX = 200

export function render (main) {
  const filter = h('input', { name: 'filter', value: '#', required: true, autocomplete: 'off', spellcheck: 'false' })
  const qos = h('select', { name: 'qos' }, h('option', { value: '0' }, '0'), h('option', { value: '1' }, '1'))
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password' })
  const passwordField = field(`Password of ${session.username}`, password, 'Needed again after a reload: it is never stored.')
  passwordField.hidden = Boolean(session.password)
  const hex = h('input', { type: 'checkbox', name: 'hex' })
  const start = h('button', { type: 'submit', class: 'primary' }, 'Subscribe')
  const stop = h('button', { type: 'button', disabled: true }, 'Stop')
  const clear = h('button', { type: 'button', onclick: () => { list.replaceChildren(); count.textContent = '0' } }, 'Clear')
  const status = h('p', { class: 'status', role: 'status', id: 'live-status' }, 'Not subscribed.')
  const count = h('span', { id: 'live-count' }, '0')
  const list = h('ol', { class: 'messages', id: 'live-messages', 'aria-label': 'Messages, newest first' })
  const form = h('form', { class: 'filters' }, field('Topic filter', filter), field('QoS', qos), passwordField,
    h('div', { class: 'buttons' }, start, stop, clear))
  main.append(header(title), form,
    h('div', { class: 'live-head' }, status, h('label', { class: 'check' }, hex, ' Payloads in hex'), h('span', { class: 'muted' }, count, ` messages (last ${MAX} kept)`)),
    list)

  let client = null
  let subscribed = null

  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    if (!session.password && !password.value) { password.focus(); toast('Type your password to open the live connection.', 'error'); return }
    if (!session.password) session.password = password.value
    start.disabled = true
    try {
      if (!client) await open()
      if (subscribed) await client.unsubscribe(subscribed)
      subscribed = null
      const granted = await client.subscribe(filter.value, Number(qos.value))
      subscribed = filter.value
      passwordField.hidden = true
      status.textContent = `Subscribed to ${subscribed} (QoS ${granted}) as ${session.username}.`
      stop.disabled = false
    } catch (err) {
      status.textContent = err.message
      if (/user name or password|not authorized/.test(err.message)) { session.password = null; passwordField.hidden = false }
    } finally {
      start.disabled = false
    }
  })
  stop.addEventListener('click', () => close('Stopped.'))
  hex.addEventListener('change', () => list.classList.toggle('hex', hex.checked))

  async function open () {
    const url = await mqttUrl()
    status.textContent = `Connecting to ${url}…`
    const c = new MqttWsClient({ url, username: session.username, password: session.password, keepAlive: 30 })
    c.addEventListener('message', (e) => show(e.detail))
    c.addEventListener('close', (e) => {
      if (client === c) { client = null; subscribed = null; stop.disabled = true; status.textContent = `Disconnected: ${e.detail.reason}.` }
    })
    await c.connect()
    client = c
  }

  function close (why) {
    const c = client
    client = null
    subscribed = null
    stop.disabled = true
    if (c) c.disconnect()
    status.textContent = why
  }

  function show (m) {
    const text = asText(m.payload)
    const item = h('li', { class: 'message' },
      h('div', { class: 'meta' },
        h('time', { datetime: m.time.toISOString() }, m.time.toLocaleTimeString()),
        h('span', { class: 'topic' }, m.topic),
        h('span', { class: 'badge' }, `QoS ${m.qos}`),
        m.retain ? h('span', { class: 'badge on' }, 'retained') : null,
        h('span', { class: 'muted' }, `${m.payload.length} B`)),
      text !== null ? h('pre', { class: 'payload text' }, text) : null,
      h('pre', { class: text !== null ? 'payload hex-only' : 'payload' }, asHex(m.payload, 512)))
    list.prepend(item)
    while (list.children.length > MAX) list.lastElementChild.remove()
    count.textContent = String(Number(count.textContent) + 1)
  }

  return () => close('Stopped.')
}

/** ws(s):// + this host + the MQTT path of the listener serving this page (from /api/v1/broker), else /mqtt. */
async function mqttUrl () {
  let path = '/mqtt'
  try {
    const broker = await api.get('/broker')
    const port = Number(location.port || (location.protocol === 'https:' ? 443 : 80))
    const here = (broker.listeners || []).find(l => Number(l.port) === port && (l.websocketPaths || []).length > 0)
    if (here) path = here.websocketPaths.includes('/mqtt') ? '/mqtt' : here.websocketPaths[0]
  } catch (e) { /* keep the default */ }
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`
}
