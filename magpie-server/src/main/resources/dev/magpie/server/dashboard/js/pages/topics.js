// Topics & subscriptions: topics known from retained messages and live subscriptions under an MQTT filter
// (GET /api/v1/topics), and every subscription whose filter contains some text (GET /api/v1/subscriptions).
import { api } from '../api.js'
import { h, header, table, pager, field, errorBox, replace } from '../dom.js'

export const title = 'Topics'

export function render (main) {
  const topicFilter = h('input', { name: 'filter', value: '#', autocomplete: 'off', spellcheck: 'false' })
  const subText = h('input', { type: 'search', name: 'sub', placeholder: 'part of a filter', autocomplete: 'off', spellcheck: 'false' })
  const topics = h('div', { class: 'list' })
  const subs = h('div', { class: 'list' })
  let page = 0
  const topicForm = h('form', { class: 'filters' }, field('Topic filter', topicFilter), h('button', { type: 'submit' }, 'Show'))
  topicForm.addEventListener('submit', (e) => { e.preventDefault(); loadTopics() })
  const subForm = h('form', { class: 'filters', role: 'search' }, field('Subscriptions containing', subText), h('button', { type: 'submit' }, 'Search'))
  subForm.addEventListener('submit', (e) => { e.preventDefault(); page = 0; loadSubs() })
  main.append(header('Topics & subscriptions'),
    h('section', { class: 'card', 'aria-labelledby': 'topics-h' }, h('h2', { id: 'topics-h' }, 'Topics'), topicForm, topics),
    h('section', { class: 'card', 'aria-labelledby': 'subs-h' }, h('h2', { id: 'subs-h' }, 'Subscriptions'), subForm, subs))

  async function loadTopics () {
    try {
      const answer = await api.get('/topics', { filter: topicFilter.value || '#' })
      const items = answer.items || answer.topics || []
      replace(topics, table([
        { label: 'Topic', value: t => t.topic ?? t.name, class: 'wrap' },
        { label: 'Retained', value: t => t.retained === true ? 'yes' : t.retained === false ? 'no' : (t.retained ?? '—') },
        { label: 'Subscribers', value: t => t.subscribers ?? t.subscriptions ?? '—', class: 'num' }
      ], items, { caption: 'Topics', empty: 'No topic under this filter.' }))
    } catch (e) {
      replace(topics, errorBox(e))
    }
  }

  async function loadSubs () {
    try {
      const answer = await api.get('/subscriptions', { filter: subText.value, page, size: 50 })
      replace(subs, table([
        { label: 'Filter', value: s => s.filter, class: 'wrap' },
        { label: 'Client id', value: s => h('a', { href: '#/clients' }, s.clientId), class: 'wrap' },
        { label: 'QoS', value: s => s.qos, class: 'num' },
        { label: 'Share group', value: s => s.shareGroup || '—' }
      ], answer.items || [], { caption: 'Subscriptions', empty: 'No subscription matches.' }),
      pager(answer, p => { page = p; loadSubs() }))
    } catch (e) {
      replace(subs, errorBox(e))
    }
  }
  loadTopics()
  loadSubs()
}
