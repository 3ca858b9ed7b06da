// Bans: client ids, user names and addresses refused at connect (GET/POST/DELETE /api/v1/bans).
import { api } from '../api.js'
import { h, header, table, field, toast, confirmAction, formatTime, errorBox, replace } from '../dom.js'

export const title = 'Bans'
const KINDS = { client_id: 'Client id', username: 'User name', address: 'Address' }

export function render (main) {
  const kind = h('select', { name: 'kind' },
    h('option', { value: 'client_id' }, 'Client id'), h('option', { value: 'username' }, 'User name'), h('option', { value: 'address' }, 'Address (IP or CIDR)'))
  const value = h('input', { name: 'value', required: true, autocomplete: 'off', spellcheck: 'false' })
  const reason = h('input', { name: 'reason', autocomplete: 'off' })
  const minutes = h('input', { name: 'minutes', type: 'number', min: 1, inputmode: 'numeric', placeholder: 'empty: until removed' })
  const list = h('div', { class: 'list' })
  const form = h('form', { class: 'card form' }, h('h2', {}, 'Add a ban'),
    h('div', { class: 'row' }, field('Kind', kind), field('Value', value), field('Reason', reason), field('Minutes', minutes)),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Ban')))
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    const body = { kind: kind.value, value: value.value, reason: reason.value || undefined }
    if (minutes.value) body.durationSeconds = Math.round(Number(minutes.value) * 60)
    try {
      await api.post('/bans', body)
      toast(`Banned ${body.value}`)
      value.value = ''
      reason.value = ''
      load()
    } catch (err) {
      toast(err.message, 'error')
    }
  })
  main.append(header(title, h('button', { type: 'button', onclick: () => load() }, 'Refresh')), form, list)

  async function load () {
    try {
      const answer = await api.get('/bans')
      const items = answer.items || []
      replace(list, table([
        { label: 'Kind', value: b => KINDS[b.kind] || b.kind },
        { label: 'Value', value: b => b.value, class: 'wrap' },
        { label: 'Reason', value: b => b.reason || '—', class: 'wrap' },
        { label: 'Expires', value: b => b.expiresAt ? formatTime(b.expiresAt) : 'never' },
        { label: 'Actions', value: b => h('button', { type: 'button', class: 'small', onclick: () => remove(b), 'aria-label': `Remove ban of ${b.value}` }, 'Remove') }
      ], items, { caption: 'Bans', empty: 'No bans.' }))
    } catch (e) {
      replace(list, errorBox(e))
    }
  }

  async function remove (ban) {
    if (!await confirmAction(`Remove the ban of ${(KINDS[ban.kind] || ban.kind).toLowerCase()} ${ban.value}?`, 'Remove')) return
    try {
      await api.delete(`/bans/${encodeURIComponent(ban.id)}`)
      toast(`Removed the ban of ${ban.value}`)
    } catch (e) {
      toast(e.message, 'error')
    }
    load()
  }
  load()
}
