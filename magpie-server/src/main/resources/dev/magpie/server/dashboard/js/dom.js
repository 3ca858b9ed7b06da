// Small DOM helpers shared by the pages. Everything from the broker is put into the page as text nodes or
// attribute values, never as HTML, so a client id or payload cannot inject markup or script.

/** h('button', {class: 'primary', onclick: f}, 'Kick') -> an element; children may be strings, nodes, arrays or null. */
export function h (tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value)
    else if (key === 'class') el.className = value
    else if (key === 'text') el.textContent = value
    else if (key === 'value') el.value = value
    else if (key === 'checked') el.checked = Boolean(value)
    else if (key === 'style') for (const [prop, v] of Object.entries(value)) el.style.setProperty(prop, v) // CSSOM: allowed by the CSP, a style attribute is not
    else el.setAttribute(key, value === true ? '' : String(value))
  }
  append(el, children)
  return el
}

function append (el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    if (Array.isArray(child)) append(el, child)
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
}

/** Replaces the children of el. */
export function replace (el, ...children) {
  el.replaceChildren()
  append(el, children)
  return el
}

let fieldIds = 0
/** A labelled form field: label text, then the input (the label is tied to it for screen readers). */
export function field (label, input, hint) {
  if (!input.id) input.id = `f${++fieldIds}`
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hint ? h('small', {}, hint) : null)
}

/**
 * A table that becomes a list of cards on a phone: each cell carries its column name in data-label, which
 * the phone stylesheet shows in front of the value.
 * columns: [{label, value: row => string|Node, class?}]; options.onRow(row) makes rows clickable.
 */
export function table (columns, rows, options = {}) {
  // explicit roles: the phone layout's display: block/flex would otherwise cost the table its semantics
  const head = h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, columns.map(c => h('th', { scope: 'col', role: 'columnheader', class: c.class }, c.label))))
  const body = h('tbody', { role: 'rowgroup' }, rows.map(row => {
    const tr = h('tr', { role: 'row' }, columns.map(c => h('td', { role: 'cell', 'data-label': c.label, class: c.class }, c.value(row))))
    if (options.onRow) {
      tr.classList.add('clickable')
      tr.tabIndex = 0
      tr.addEventListener('click', (e) => { if (!e.target.closest('button')) options.onRow(row) })
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') options.onRow(row) })
    }
    if (options.rowKey) tr.dataset.key = options.rowKey(row)
    return tr
  }))
  const t = h('table', { class: 'cards', role: 'table' }, options.caption ? h('caption', { class: 'sr-only' }, options.caption) : null, head, body)
  if (rows.length === 0) {
    body.append(h('tr', { class: 'empty', role: 'row' }, h('td', { role: 'cell', colspan: columns.length }, options.empty || 'Nothing here.')))
  }
  return h('div', { class: 'table-wrap' }, t)
}

/** Previous / next buttons for a paged list answer ({items, total, page, size}). */
export function pager (answer, go) {
  const pages = Math.max(1, Math.ceil((answer.total || 0) / (answer.size || 1)))
  const page = answer.page || 0
  return h('nav', { class: 'pager', 'aria-label': 'pages' },
    h('button', { type: 'button', disabled: page <= 0, onclick: () => go(page - 1) }, '‹ Previous'),
    h('span', {}, `page ${page + 1} of ${pages} · ${answer.total ?? 0} in all`),
    h('button', { type: 'button', disabled: page + 1 >= pages, onclick: () => go(page + 1) }, 'Next ›'))
}

/** A short message at the bottom of the screen; kind is 'ok' or 'error'. */
export function toast (message, kind = 'ok') {
  const box = document.getElementById('toasts')
  const item = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message)
  box.append(item)
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000)
}

/** Asks before something that cannot be undone; resolves true when confirmed. */
export function confirmAction (message, confirmLabel) {
  const dialog = document.getElementById('confirm')
  replace(dialog.querySelector('p'), message)
  dialog.querySelector('[value=ok]').textContent = confirmLabel
  dialog.returnValue = ''
  dialog.showModal()
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true })
  })
}

export function formatTime (iso) {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return String(iso)
  const today = d.toDateString() === new Date().toDateString()
  return today ? d.toLocaleTimeString() : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })
}

export function formatBytes (n) {
  if (n === null || n === undefined) return '—'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  let v = Number(n)
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++ }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}

export function formatDuration (seconds) {
  const s = Math.max(0, Math.floor(Number(seconds) || 0))
  const d = Math.floor(s / 86400)
  const hrs = Math.floor(s % 86400 / 3600)
  const m = Math.floor(s % 3600 / 60)
  if (d > 0) return `${d} d ${hrs} h`
  if (hrs > 0) return `${hrs} h ${m} min`
  if (m > 0) return `${m} min ${s % 60} s`
  return `${s} s`
}

/** A page's heading and its toolbar. */
export function header (title, ...tools) {
  return h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, title), h('div', { class: 'tools' }, tools))
}

/** The error of a failed API call, shown in place of a page's content. */
export function errorBox (error) {
  return h('p', { class: 'error-box', role: 'alert' }, error && error.message ? error.message : String(error))
}
