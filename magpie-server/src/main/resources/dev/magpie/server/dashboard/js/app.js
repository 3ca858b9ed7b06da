// The dashboard's shell: hash routes (#/clients, ...), the login gate and the navigation menu. Each page
// module exports render(main) and may return a function that stops its timers and connections when
// another page is shown.
import { session, logout } from './api.js'
import { toast } from './dom.js'
import * as login from './pages/login.js'
import * as overview from './pages/overview.js'
import * as clients from './pages/clients.js'
import * as sessions from './pages/sessions.js'
import * as topics from './pages/topics.js'
import * as retained from './pages/retained.js'
import * as live from './pages/live.js'
import * as publish from './pages/publish.js'
import * as bans from './pages/bans.js'

const pages = { overview, clients, sessions, topics, retained, live, publish, bans }
const main = document.getElementById('main')
const bar = document.querySelector('.bar')
const menuButton = document.querySelector('.menu-button')
let stopPage = null

function route () {
  const name = (location.hash.match(/^#\/([a-z]+)/) || [])[1]
  if (stopPage) { stopPage(); stopPage = null }
  if (!session.loggedIn) {
    bar.hidden = true
    document.title = 'Log in · Magpie'
    stopPage = login.render(main, () => {
      if (pages[name]) route()
      else location.hash = '#/overview' // hashchange shows it
    })
    return
  }
  const page = pages[name]
  if (!page) { location.replace('#/overview'); return }
  bar.hidden = false
  document.getElementById('user-name').textContent = session.username
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.getAttribute('href') === `#/${name}`) link.setAttribute('aria-current', 'page')
    else link.removeAttribute('aria-current')
  }
  document.title = `${page.title} · Magpie`
  setMenu(false)
  main.replaceChildren()
  stopPage = page.render(main) || null
}

function setMenu (open) {
  menuButton.setAttribute('aria-expanded', String(open))
  document.body.classList.toggle('menu-open', open)
}

menuButton.addEventListener('click', () => setMenu(menuButton.getAttribute('aria-expanded') !== 'true'))
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && document.body.classList.contains('menu-open')) { setMenu(false); menuButton.focus() }
})
document.getElementById('logout').addEventListener('click', async () => {
  await logout()
  route() // the login form, keeping the page's address for after the next login
})
window.addEventListener('magpie:logged-out', (e) => {
  toast(`Logged out: ${e.detail || 'the session ended'}`, 'error')
  route()
})
window.addEventListener('hashchange', route)
route()
