// Sessions: the offline sessions the broker keeps for clients that will come back (GET /api/v1/sessions),
// and deleting one (409 while its client is connected).
import { api } from '../api.js'
import { h, header, table, pager, toast, confirmAction, formatTime, errorBox, replace } from '../dom.js'

export const title = 'Sessions'
const SIZE = 25

export function render (main) {
  let page = 0
  const list = h('div', { class: 'list' })
  main.append(header(title, h('button', { type: 'button', onclick: () => load() }, 'Refresh')),
    h('p', { class: 'muted' }, 'Sessions of disconnected clients that asked the broker to keep them: their subscriptions and queued messages wait here.'),
    list)

  async function load () {
    try {
      const answer = await api.get('/sessions', { state: 'offline', page, size: SIZE })
      replace(list, table([
        { label: 'Client id', value: s => s.clientId, class: 'wrap' },
        { label: 'User', value: s => s.username || '—' },
        { label: 'Last connected', value: s => formatTime(s.connectedAt) },
        { label: 'Expiry', value: s => s.sessionExpiry != null ? `${s.sessionExpiry} s` : '—' },
        { label: 'Subs', value: s => s.subscriptions ?? 0, class: 'num' },
        { label: 'Queued', value: s => s.queued ?? 0, class: 'num' },
        { label: 'Actions', value: s => h('button', { type: 'button', class: 'danger small', onclick: () => remove(s.clientId), 'aria-label': `Delete session of ${s.clientId}` }, 'Delete') }
      ], answer.items || [], { caption: 'Offline sessions', empty: 'No offline sessions.' }),
      pager(answer, p => { page = p; load() }))
    } catch (e) {
      replace(list, errorBox(e))
    }
  }

  async function remove (clientId) {
    if (!await confirmAction(`Delete the session of ${clientId}, with its subscriptions and queued messages?`, 'Delete')) return
    try {
      await api.delete(`/sessions/${encodeURIComponent(clientId)}`)
      toast(`Deleted the session of ${clientId}`)
    } catch (e) {
      toast(e.code === 'conflict' ? `${clientId} is connected: kick it first.` : e.message, 'error')
    }
    load()
  }
  load()
}
