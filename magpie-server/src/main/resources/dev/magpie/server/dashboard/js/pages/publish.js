// Publish a message as the broker itself (POST /api/v1/publish).
import { api } from '../api.js'
import { h, header, field, toast } from '../dom.js'

export const title = 'Publish'

export function render (main) {
  const topic = h('input', { name: 'topic', required: true, autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. sensors/room1/temperature' })
  const payload = h('textarea', { name: 'payload', rows: 6, spellcheck: 'false' })
  const encoding = h('select', { name: 'encoding' }, h('option', { value: 'utf8' }, 'Text (UTF-8)'), h('option', { value: 'base64' }, 'Base64'))
  const qos = h('select', { name: 'qos' }, [0, 1, 2].map(q => h('option', { value: q }, String(q))))
  const retain = h('input', { type: 'checkbox', name: 'retain' })
  const result = h('p', { class: 'status', role: 'status', id: 'publish-result' })
  const form = h('form', { class: 'card form' },
    field('Topic', topic),
    field('Payload', payload),
    h('div', { class: 'row' }, field('Encoding', encoding), field('QoS', qos),
      h('label', { class: 'check' }, retain, ' Retain')),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Publish')),
    result)
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    if (/[+#]/.test(topic.value)) { result.textContent = 'A topic name cannot contain + or # (those are for filters).'; return }
    try {
      await api.post('/publish', { topic: topic.value, payload: payload.value, encoding: encoding.value, qos: Number(qos.value), retain: retain.checked })
      result.textContent = `Published to ${topic.value} at ${new Date().toLocaleTimeString()}.`
      toast(`Published to ${topic.value}`)
    } catch (err) {
      result.textContent = err.message
    }
  })
  main.append(header(title), h('p', { class: 'muted' }, 'The broker publishes the message as itself, not as a client: subscribers receive it like any other message (at most 256 KiB).'), form)
  topic.focus()
}
