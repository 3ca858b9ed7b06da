// Log in with a user of the broker's built-in store that is marked admin (POST /api/v1/login).
import { login } from '../api.js'
import { h, field } from '../dom.js'

export const title = 'Log in'

export function render (main, done) {
  const user = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' })
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })
  const error = h('p', { class: 'error-box', role: 'alert', id: 'login-error', hidden: true })
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Log in')
  const form = h('form', { class: 'login card', 'aria-describedby': 'login-error' },
    h('h1', {}, h('img', { src: 'favicon.svg', alt: '', width: 32, height: 32 }), ' Magpie'),
    h('p', { class: 'muted' }, 'Log in with an admin user of this broker.'),
    field('User name', user),
    field('Password', password),
    error,
    submit)
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    error.hidden = true
    submit.disabled = true
    try {
      await login(user.value, password.value)
      done()
    } catch (err) {
      error.textContent = err.code === 'bad_credentials' || err.status === 401
        ? 'Wrong user name or password (or the user is not an admin).'
        : err.code === 'throttled' ? 'Too many attempts: wait a moment and try again.' : err.message
      error.hidden = false
      password.select()
    } finally {
      submit.disabled = false
    }
  })
  main.replaceChildren(h('div', { class: 'login-page' }, form))
  user.focus()
}
