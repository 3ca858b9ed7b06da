// Clients: the table of /api/v1/clients with search, state filter and paging (refreshed every 5 s), a
// details panel (subscriptions, in-flight and queued messages) and Kick, confirmed first.
import { api } from '../api.js'
import { h, header, table, pager, field, toast, confirmAction, formatTime, errorBox, replace } from '../dom.js'

export const title = 'Clients'
const SIZE = 25
const REFRESH_MS = 5000

export function render (main) {
  const state = { q: '', state: 'connected', page: 0, selected: null }
  const search = h('input', { type: 'search', name: 'q', placeholder: 'part of a client id', autocomplete: 'off' })
  const filter = h('select', { name: 'state' },
    h('option', { value: 'connected' }, 'Connected'),
    h('option', { value: 'disconnected' }, 'Disconnected'),
    h('option', { value: 'all' }, 'All'))
  const list = h('div', { class: 'list', 'aria-live': 'polite' })
  const details = h('section', { class: 'card details', id: 'client-details', hidden: true, 'aria-labelledby': 'details-h' })
  const refresh = h('button', { type: 'button', onclick: () => load() }, 'Refresh')
  const form = h('form', { class: 'filters', role: 'search' }, field('Client id', search), field('State', filter))
  form.addEventListener('submit', (e) => { e.preventDefault(); state.page = 0; load() })
  let typing = null
  search.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(() => { state.q = search.value; state.page = 0; load() }, 250) })
  filter.addEventListener('change', () => { state.state = filter.value; state.page = 0; load() })
  main.append(header(title, refresh), form, h('div', { class: 'split' }, list, details))

  async function load () {
    try {
      const answer = await api.get('/clients', { state: state.state, q: state.q, page: state.page, size: SIZE })
      replace(list, table([
        { label: 'Client id', value: c => h('span', { class: 'id' }, c.clientId), class: 'wrap' },
        { label: 'User', value: c => c.username || '—' },
        { label: 'Address', value: c => c.address || '—', class: 'opt' },
        { label: 'State', value: c => h('span', { class: c.connected ? 'badge on' : 'badge' }, c.connected ? 'connected' : 'offline') },
        { label: 'MQTT', value: c => c.protocol || '—' },
        { label: 'Since', value: c => formatTime(c.connectedAt), class: 'opt' },
        { label: 'Subs', value: c => c.subscriptions ?? 0, class: 'num' },
        { label: 'In flight', value: c => c.inflight ?? 0, class: 'num opt' },
        { label: 'Queued', value: c => c.queued ?? 0, class: 'num opt' },
        { label: 'Actions', value: c => c.connected ? h('button', { type: 'button', class: 'danger small', onclick: () => kick(c.clientId), 'aria-label': `Kick ${c.clientId}` }, 'Kick') : '' }
      ], answer.items || [], { onRow: c => show(c.clientId), rowKey: c => c.clientId, caption: 'Clients', empty: 'No client matches.' }),
      pager(answer, p => { state.page = p; load() }))
    } catch (e) {
      replace(list, errorBox(e))
    }
  }

  async function show (clientId) {
    state.selected = clientId
    details.hidden = false
    replace(details, h('h2', { id: 'details-h' }, clientId), h('p', { class: 'muted' }, 'Loading…'))
    try {
      const c = await api.get(`/clients/${encodeURIComponent(clientId)}`)
      replace(details,
        h('div', { class: 'details-head' }, h('h2', { id: 'details-h', class: 'wrap' }, c.clientId),
          h('button', { type: 'button', class: 'link', onclick: () => { details.hidden = true; state.selected = null } }, 'Close')),
        h('dl', { class: 'facts' },
          fact('User', c.username || '—'), fact('Address', c.address || '—'), fact('MQTT', c.protocol || '—'),
          fact('State', c.connected ? 'connected' : 'offline'), fact('Connected at', formatTime(c.connectedAt)),
          fact('Keep alive', c.keepAlive != null ? `${c.keepAlive} s` : '—'), fact('Clean start', c.cleanStart ? 'yes' : 'no'),
          fact('Session expiry', c.sessionExpiry != null ? `${c.sessionExpiry} s` : '—')),
        h('h3', {}, `Subscriptions (${(c.subscriptionList || []).length})`),
        table([
          { label: 'Filter', value: s => s.filter, class: 'wrap' },
          { label: 'QoS', value: s => s.qos, class: 'num' },
          { label: 'No local', value: s => s.noLocal ? 'yes' : 'no' },
          { label: 'Retain as published', value: s => s.retainAsPublished ? 'yes' : 'no' }
        ], c.subscriptionList || [], { caption: 'Subscriptions', empty: 'No subscriptions.' }),
        messages('In flight', c.inflightList), messages('Queued', c.queuedList),
        c.connected ? h('div', { class: 'buttons' }, h('button', { type: 'button', class: 'danger', onclick: () => kick(c.clientId) }, 'Kick this client')) : null)
      if (matchMedia('(max-width: 760px)').matches) details.scrollIntoView({ block: 'start' })
    } catch (e) {
      replace(details, h('h2', { id: 'details-h' }, clientId), errorBox(e))
    }
  }

  async function kick (clientId) {
    if (!await confirmAction(`Disconnect ${clientId}? It may connect again unless it is banned.`, 'Kick')) return
    try {
      await api.delete(`/clients/${encodeURIComponent(clientId)}`)
      toast(`Kicked ${clientId}`)
    } catch (e) {
      toast(e.message, 'error')
    }
    if (state.selected === clientId) { details.hidden = true; state.selected = null } // gone, or a new connection to look up afresh
    load()
  }

  load()
  const timer = setInterval(() => { if (!document.querySelector('dialog[open]')) load() }, REFRESH_MS)
  return () => { clearInterval(timer); clearTimeout(typing) }
}

function fact (name, value) {
  return [h('dt', {}, name), h('dd', { class: 'wrap' }, value)]
}

function messages (name, list) {
  return [h('h3', {}, `${name} (${(list || []).length})`),
    table([
      { label: 'Packet id', value: m => m.packetId ?? '—', class: 'num' },
      { label: 'Topic', value: m => m.topic, class: 'wrap' },
      { label: 'QoS', value: m => m.qos, class: 'num' },
      { label: 'Bytes', value: m => m.bytes, class: 'num' }
    ], list || [], { caption: name, empty: 'None.' })]
}
