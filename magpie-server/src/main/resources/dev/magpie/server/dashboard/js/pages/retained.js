// Retained messages under a filter (GET /api/v1/retained), one viewed whole, and deleting one.
import { api } from '../api.js'
import { h, header, table, pager, field, toast, confirmAction, formatTime, formatBytes, errorBox, replace } from '../dom.js'
import { asText, asHex, fromBase64 } from '../payload.js'

export const title = 'Retained'

export function render (main) {
  const filter = h('input', { name: 'filter', value: '#', autocomplete: 'off', spellcheck: 'false' })
  const list = h('div', { class: 'list' })
  const viewer = h('section', { class: 'card details', hidden: true, 'aria-labelledby': 'viewer-h' })
  let page = 0
  const form = h('form', { class: 'filters' }, field('Topic filter', filter), h('button', { type: 'submit' }, 'Show'))
  form.addEventListener('submit', (e) => { e.preventDefault(); page = 0; load() })
  main.append(header('Retained messages', h('button', { type: 'button', onclick: () => load() }, 'Refresh')), form, h('div', { class: 'split' }, list, viewer))

  async function load () {
    try {
      const answer = await api.get('/retained', { filter: filter.value || '#', page, size: 50 })
      replace(list, table([
        { label: 'Topic', value: m => m.topic, class: 'wrap' },
        { label: 'QoS', value: m => m.qos, class: 'num' },
        { label: 'Size', value: m => formatBytes(m.bytes), class: 'num' },
        { label: 'Payload', value: m => h('code', { class: 'preview' }, preview(m)), class: 'wrap' },
        { label: 'Stored', value: m => formatTime(m.storedAt) },
        { label: 'Actions', value: m => h('span', { class: 'actions' },
          h('button', { type: 'button', class: 'small', onclick: () => view(m.topic) }, 'View'),
          h('button', { type: 'button', class: 'danger small', onclick: () => remove(m.topic), 'aria-label': `Delete retained message of ${m.topic}` }, 'Delete')) }
      ], answer.items || [], { caption: 'Retained messages', empty: 'No retained message under this filter.' }),
      pager(answer, p => { page = p; load() }))
    } catch (e) {
      replace(list, errorBox(e))
    }
  }

  async function view (topic) {
    viewer.hidden = false
    replace(viewer, h('h2', { id: 'viewer-h', class: 'wrap' }, topic), h('p', { class: 'muted' }, 'Loading…'))
    try {
      const m = await api.get(`/retained/${encodeURIComponent(topic)}`)
      const bytes = m.payloadEncoding === 'base64' || m.encoding === 'base64'
        ? fromBase64(m.payload ?? m.payloadPreview ?? '')
        : new TextEncoder().encode(m.payload ?? m.payloadPreview ?? '')
      const text = asText(bytes)
      replace(viewer,
        h('div', { class: 'details-head' }, h('h2', { id: 'viewer-h', class: 'wrap' }, topic),
          h('button', { type: 'button', class: 'link', onclick: () => { viewer.hidden = true } }, 'Close')),
        h('dl', { class: 'facts' }, h('dt', {}, 'QoS'), h('dd', {}, m.qos), h('dt', {}, 'Size'), h('dd', {}, formatBytes(bytes.length)),
          h('dt', {}, 'Stored'), h('dd', {}, formatTime(m.storedAt))),
        text !== null ? h('pre', { class: 'payload' }, text) : null,
        h('details', { open: text === null }, h('summary', {}, 'Hex'), h('pre', { class: 'payload' }, asHex(bytes))))
    } catch (e) {
      replace(viewer, h('h2', { id: 'viewer-h' }, topic), errorBox(e))
    }
  }

  async function remove (topic) {
    if (!await confirmAction(`Delete the retained message of ${topic}? New subscribers will no longer receive it.`, 'Delete')) return
    try {
      await api.delete(`/retained/${encodeURIComponent(topic)}`)
      toast(`Deleted the retained message of ${topic}`)
      viewer.hidden = true
    } catch (e) {
      toast(e.message, 'error')
    }
    load()
  }
  load()
}

function preview (m) {
  if (m.payloadEncoding === 'base64') {
    try { return asHex(fromBase64(m.payloadPreview || ''), 48) } catch (e) { return m.payloadPreview }
  }
  const text = m.payloadPreview || ''
  return text.length > 120 ? text.slice(0, 120) + '…' : text
}
