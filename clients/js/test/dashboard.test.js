'use strict'
// The web dashboard (/dashboard/) in Debian's Chromium against a real `magpie serve` started by JUnit
// (dev.magpie.server.cli.ServeDashboardBrowserTest): a wrong password is refused, an admin logs in, an
// MQTT.js client appears in the clients table and is kicked, a message published from the form shows up
// in the live view (the page's own MQTT-over-WebSocket client), and every page loads without console
// errors and without horizontal scrolling at desktop and phone widths. With MAGPIE_SCREENSHOTS=<dir>
// it also saves docs/images/dashboard-<page>.png style screenshots there.
const { test, before, after } = require('node:test')
const assert = require('node:assert')
const path = require('node:path')
const fs = require('node:fs')
const os = require('node:os')
const mqtt = require('mqtt')
const { chromium } = require('playwright-core')

function required (name) {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: run this through ServeDashboardBrowserTest, which starts the broker`)
  return value
}

const url = required('MAGPIE_DASHBOARD_URL') // e.g. http://127.0.0.1:PORT/dashboard/
const user = required('MAGPIE_ADMIN_USER')
const password = required('MAGPIE_ADMIN_PASSWORD')
const tcpPort = Number(required('MAGPIE_TCP_PORT'))
const devUrl = process.env.MAGPIE_DEV_URL // serve --dev's HTTPS listener, e.g. https://localhost:8443/dashboard/
const shots = process.env.MAGPIE_SCREENSHOTS
const DESKTOP = { width: 1280, height: 800 }
const PHONE = { width: 390, height: 844 }
const PAGES = ['overview', 'clients', 'sessions', 'topics', 'retained', 'live', 'publish', 'bans']

let browser
let userDataDir
const clients = []

before(async () => {
  // a fresh profile each run; --disable-background-networking keeps Chromium from calling home
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'magpie-chromium-'))
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.MAGPIE_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    viewport: DESKTOP,
    ignoreHTTPSErrors: true // the --dev listener's certificate is from the test's own development CA
  })
})

after(async () => {
  for (const c of clients) c.end(true)
  if (browser) await browser.close()
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true })
})

/** A new tab that records console errors and uncaught exceptions. */
async function newPage (viewport = DESKTOP) {
  const page = await browser.newPage()
  await page.setViewportSize(viewport)
  page.setDefaultTimeout(10000) // fail within the script's minute, with the step that hung
  page.problems = []
  page.on('console', m => { if (m.type() === 'error') page.problems.push(`console: ${m.text()}`) })
  page.on('pageerror', e => page.problems.push(`exception: ${e.message}`))
  return page
}

async function logIn (page) {
  await page.goto(url)
  await page.getByLabel('User name').fill(user)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.waitForSelector('#broker-version')
}

/** Connects MQTT.js over TCP (MQTT 5, no automatic reconnect); resolves once connected. */
function connectClient (clientId, options = {}) {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${tcpPort}`, { clientId, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 10000, ...options })
    clients.push(client)
    client.once('connect', () => resolve(client))
    client.once('error', reject)
  })
}

/** The API with the logged-in page's token (from its sessionStorage), outside the page: not in its console. */
async function apiGet (page, apiPath) {
  const token = await page.evaluate(() => sessionStorage.getItem('magpie.dashboard.token'))
  const response = await page.request.get(new URL('/api/v1' + apiPath, url).href, { headers: { Authorization: `Bearer ${token}` } })
  return { status: response.status(), body: response.status() === 200 ? await response.json() : null }
}

/** What shows that a page has loaded its data. */
const READY = {
  overview: '#broker-version',
  clients: 'tr[data-key="sensor-kitchen"]',
  sessions: '.list table',
  topics: 'section:nth-of-type(2) .list table',
  retained: '.list tbody tr:not(.empty)',
  live: '#live-status',
  publish: 'form button[type=submit]',
  bans: '.list tbody tr:not(.empty)'
}

test('a wrong password is refused with a visible error and no token', async () => {
  const page = await newPage()
  try {
    await page.goto(url)
    await page.getByLabel('User name').fill(user)
    await page.getByLabel('Password').fill(password + '-wrong')
    await page.getByRole('button', { name: 'Log in' }).click()
    const error = page.locator('#login-error')
    await error.waitFor({ state: 'visible' })
    assert.match(await error.textContent(), /Wrong user name or password/)
    assert.strictEqual(await page.evaluate(() => sessionStorage.getItem('magpie.dashboard.token')), null)
    assert.strictEqual(await page.locator('.bar').isVisible(), false)
    if (shots) {
      await page.evaluate(() => document.activeElement.blur())
      await page.screenshot({ path: path.join(shots, 'dashboard-login.png') })
    }
  } finally {
    await page.close()
  }
})

test('an admin logs in; the token is in sessionStorage and the password nowhere in storage', async () => {
  const page = await newPage()
  try {
    await logIn(page)
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }))
    assert.ok(!stored.includes(password), 'the password is not in web storage')
    assert.match(stored, /magpie\.dashboard\.token/)
    assert.match(await page.locator('#broker-version').textContent(), /\d+\.\d+/)
    // the cluster card: this serve is a single broker (GET /api/v1/cluster answers enabled: false)
    await page.waitForSelector('#cluster-state')
    assert.match(await page.locator('#cluster-state').textContent(), /single broker, not a cluster node/)
    assert.deepStrictEqual(page.problems, [])
  } finally {
    await page.close()
  }
})

test('a client appears in the clients table and Kick disconnects it (MQTT 5 reason 0x98)', async () => {
  const clientId = `dash-kick-${process.pid}`
  const client = await connectClient(clientId)
  const disconnected = new Promise(resolve => {
    client.on('disconnect', packet => resolve(packet.reasonCode))
    client.on('close', () => resolve('closed'))
  })
  const page = await newPage()
  try {
    await logIn(page)
    await page.goto(url + '#/clients')
    await page.getByLabel('Client id').fill(clientId)
    const row = page.locator(`tr[data-key="${clientId}"]`)
    await row.waitFor({ timeout: 10000 })
    await row.locator('td').first().click()
    const details = page.locator('#client-details')
    await details.getByRole('heading', { name: clientId }).waitFor()
    await details.getByRole('button', { name: 'Kick this client' }).click()
    const dialog = page.locator('dialog#confirm')
    assert.match(await dialog.textContent(), new RegExp(`Disconnect ${clientId}`))
    await dialog.getByRole('button', { name: 'Kick' }).click()
    assert.strictEqual(await disconnected, 0x98, 'DISCONNECT with 0x98 Administrative action')
    const after = await apiGet(page, `/clients/${encodeURIComponent(clientId)}`)
    assert.ok(after.status === 404 || after.body.connected === false, `the API no longer lists ${clientId} as connected: ${JSON.stringify(after)}`)
    await row.waitFor({ state: 'detached', timeout: 10000 }) // the connected-clients table drops it
    assert.deepStrictEqual(page.problems, [])
  } finally {
    await page.close()
  }
})

test('a message published from the form appears in the live view', async () => {
  const live = await newPage()
  const form = await newPage()
  try {
    await logIn(live)
    await live.goto(url + '#/live')
    await live.getByLabel('Topic filter').fill('dash/e2e/#')
    await live.getByLabel('QoS').selectOption('1')
    await live.getByRole('button', { name: 'Subscribe' }).click()
    await live.locator('#live-status', { hasText: 'Subscribed to dash/e2e/#' }).waitFor()

    await logIn(form) // another tab: its own session
    await form.goto(url + '#/publish')
    const payload = 'héllo ✓ <b>not markup</b>'
    await form.getByLabel('Topic').fill('dash/e2e/greeting')
    await form.getByLabel('Payload').fill(payload)
    await form.getByLabel('QoS').selectOption('1')
    await form.getByRole('button', { name: 'Publish' }).click()
    await form.locator('#publish-result', { hasText: 'Published to dash/e2e/greeting' }).waitFor()

    const message = live.locator('#live-messages li').first()
    await message.waitFor({ timeout: 10000 })
    assert.strictEqual(await message.locator('.topic').textContent(), 'dash/e2e/greeting')
    assert.strictEqual(await message.locator('pre.text').textContent(), payload)
    assert.strictEqual(await message.locator('b').count(), 0, 'the payload is text, not HTML')
    assert.match(await message.textContent(), /QoS 1/)
    assert.deepStrictEqual(live.problems, [])
    assert.deepStrictEqual(form.problems, [])
  } finally {
    await live.close()
    await form.close()
  }
})

test('a ban added in the form refuses the client, and removing it lets the client in again', async () => {
  const page = await newPage()
  try {
    await logIn(page)
    await page.goto(url + '#/bans')
    await page.getByLabel('Kind').selectOption('client_id')
    await page.getByLabel('Value').fill('dash-banned')
    await page.getByLabel('Reason').fill('test')
    await page.getByRole('button', { name: 'Ban', exact: true }).click()
    await page.locator('main').getByText('dash-banned', { exact: true }).waitFor()
    await assert.rejects(connectClient('dash-banned'), /[Bb]anned|Not authorized|refused/, 'the broker refuses a banned client id')

    await page.getByRole('button', { name: 'Remove ban of dash-banned' }).click()
    await page.locator('dialog#confirm').getByRole('button', { name: 'Remove' }).click()
    await page.locator('main').getByText('dash-banned', { exact: true }).waitFor({ state: 'detached' })
    const client = await connectClient('dash-banned')
    assert.ok(client.connected)
    assert.deepStrictEqual(page.problems, [])
  } finally {
    await page.close()
  }
})

test('a retained message is viewed and deleted from the retained page', async () => {
  const client = await connectClient('dash-retainer')
  await client.publishAsync('dash/retained/one', 'keep me', { qos: 1, retain: true })
  const page = await newPage()
  try {
    await logIn(page)
    await page.goto(url + '#/retained')
    await page.getByLabel('Topic filter').fill('dash/retained/#')
    await page.getByRole('button', { name: 'Show' }).click()
    const row = page.getByRole('row', { name: /dash\/retained\/one/ })
    await row.getByRole('button', { name: 'View' }).click()
    await page.locator('.details pre.payload', { hasText: 'keep me' }).first().waitFor()
    await row.getByRole('button', { name: /Delete/ }).click()
    await page.locator('dialog#confirm').getByRole('button', { name: 'Delete' }).click()
    await row.waitFor({ state: 'detached' })
    const after = await apiGet(page, '/retained?filter=' + encodeURIComponent('dash/retained/#'))
    assert.deepStrictEqual(after.body.items, [])
    assert.deepStrictEqual(page.problems, [])
  } finally {
    await page.close()
  }
})

test('after a reload the live view asks for the password again; logging out ends the token', async () => {
  const page = await newPage()
  try {
    await logIn(page)
    await page.goto(url + '#/live')
    const passwordField = page.getByLabel(`Password of ${user}`)
    assert.strictEqual(await passwordField.isVisible(), false, 'known from the login')
    await page.reload()
    await page.locator('#live-status').waitFor()
    assert.ok(await passwordField.isVisible(), 'asked again: the password was in memory only')
    await passwordField.fill(password)
    await page.getByLabel('Topic filter').fill('dash/reload/#')
    await page.getByRole('button', { name: 'Subscribe' }).click()
    await page.locator('#live-status', { hasText: 'Subscribed to dash/reload/#' }).waitFor()

    const token = await page.evaluate(() => sessionStorage.getItem('magpie.dashboard.token'))
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.getByRole('button', { name: 'Log in' }).waitFor()
    assert.strictEqual(await page.evaluate(() => sessionStorage.getItem('magpie.dashboard.token')), null)
    const after = await page.request.get(new URL('/api/v1/broker', url).href, { headers: { Authorization: `Bearer ${token}` } })
    assert.strictEqual(after.status(), 401, 'the broker forgot the token')
    assert.deepStrictEqual(page.problems, [])
  } finally {
    await page.close()
  }
})

test('an offline session is deleted from the sessions page', async () => {
  const client = await connectClient('dash-offline', { clean: false, properties: { sessionExpiryInterval: 600 } })
  await client.subscribeAsync('dash/offline/#', { qos: 1 })
  await client.endAsync()
  const page = await newPage()
  try {
    await logIn(page)
    await page.goto(url + '#/sessions')
    const cell = page.locator('main').getByText('dash-offline', { exact: true })
    await cell.waitFor()
    await page.getByRole('button', { name: 'Delete session of dash-offline' }).click()
    await page.locator('dialog#confirm').getByRole('button', { name: 'Delete' }).click()
    await cell.waitFor({ state: 'detached' })
    const sessions = await apiGet(page, '/sessions?state=offline')
    assert.ok(!sessions.body.items.some(s => s.clientId === 'dash-offline'), JSON.stringify(sessions.body))
    assert.deepStrictEqual(page.problems, [])
  } finally {
    await page.close()
  }
})

test('serve --dev: the dashboard over HTTPS, its live view over wss:// as the logged-in user', { skip: !devUrl }, async () => {
  const page = await newPage()
  try {
    await page.goto(devUrl)
    await page.getByLabel('User name').fill(user)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForSelector('#broker-version')
    await page.goto(devUrl + '#/live')
    await page.getByLabel('Topic filter').fill('dash/dev/#')
    await page.getByRole('button', { name: 'Subscribe' }).click()
    await page.locator('#live-status', { hasText: 'Subscribed to dash/dev/#' }).waitFor()
    const token = await page.evaluate(() => sessionStorage.getItem('magpie.dashboard.token'))
    const published = await page.request.post(new URL('/api/v1/publish', devUrl).href, {
      headers: { Authorization: `Bearer ${token}` }, data: { topic: 'dash/dev/tls', payload: 'over wss', qos: 1 }
    })
    assert.strictEqual(published.status(), 202)
    await page.locator('#live-messages li .topic', { hasText: 'dash/dev/tls' }).waitFor()
    assert.strictEqual(await page.evaluate(() => location.protocol), 'https:')
    assert.deepStrictEqual(page.problems, [])
  } finally {
    await page.close()
  }
})

test('every page loads without errors or horizontal scrolling at desktop and phone widths', async () => {
  // something to show: a few clients with subscriptions, retained messages, traffic, a ban
  const sensors = await Promise.all(['sensor-kitchen', 'sensor-garage', 'dash-viewer'].map(id => connectClient(id)))
  await new Promise(resolve => sensors[2].subscribe(['home/+/temperature', 'home/#'], { qos: 1 }, resolve))
  // an offline session: subscribed, then gone, with a message queued for its return
  const attic = await connectClient('sensor-attic', { clean: false, properties: { sessionExpiryInterval: 3600 } })
  await attic.subscribeAsync('home/attic/#', { qos: 1 })
  await attic.endAsync()
  const retained = [['home/kitchen/temperature', '21.5'], ['home/garage/door', 'closed'], ['home/garage/raw', Buffer.from([0, 1, 2, 250])]]
  await Promise.all(retained.map(([t, p]) => sensors[0].publishAsync(t, p, { qos: 1, retain: true })))
  await sensors[0].publishAsync('home/attic/window', 'open', { qos: 1 }) // queued for sensor-attic
  const started = Date.now()
  const traffic = setInterval(() => { // a rate that rises and falls, for the charts
    const burst = Math.round(4 + 3 * Math.sin((Date.now() - started) / 2500))
    for (let i = 0; i < burst; i++) {
      const [topic, payload] = [['home/garage/temperature', (15 + Math.random()).toFixed(2)],
        ['home/kitchen/humidity', JSON.stringify({ rh: Math.round(40 + 10 * Math.random()), unit: '%' })],
        ['home/hall/motion', Math.random() < 0.5 ? 'on' : 'off']][(i + burst) % 3]
      sensors[1].publish(topic, payload)
    }
  }, 100)
  const page = await newPage()
  try {
    await logIn(page)
    const token = await page.evaluate(() => sessionStorage.getItem('magpie.dashboard.token'))
    const ban = await page.request.post(new URL('/api/v1/bans', url).href, {
      headers: { Authorization: `Bearer ${token}` },
      data: { kind: 'client_id', value: 'flooding-bot', reason: 'too many connects' }
    })
    assert.strictEqual(ban.status(), 201)
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport)
      for (const name of PAGES) {
        await page.goto(url + '#/' + name)
        await page.locator(READY[name]).first().waitFor()
        if (name === 'overview' && shots) await page.waitForTimeout(viewport === DESKTOP ? 16000 : 4000) // chart samples for the picture
        if (name === 'live') {
          await page.getByLabel('Topic filter').fill('home/#')
          await page.getByRole('button', { name: 'Subscribe' }).click()
          await page.locator('#live-messages li .badge', { hasText: 'retained' }).first().waitFor() // the retained ones first
          await page.locator('#live-messages li').nth(8).waitFor()
        }
        if (name === 'clients') {
          await page.locator('tr[data-key="dash-viewer"] td').first().click()
          await page.locator('#client-details').getByText('home/+/temperature', { exact: true }).waitFor()
        }
        if (name === 'sessions') await page.locator('main').getByText('sensor-attic', { exact: true }).waitFor()
        if (name === 'retained') {
          await page.getByRole('row', { name: /home\/garage\/raw/ }).getByRole('button', { name: 'View' }).click()
          await page.locator('.details pre.payload', { hasText: '00 01 02 fa' }).waitFor()
        }
        const width = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth])
        assert.ok(width[0] <= width[1], `${name} at ${viewport.width} px: scrollWidth ${width[0]} > innerWidth ${width[1]}`)
        if (shots && (viewport === DESKTOP || name === 'overview')) {
          const suffix = viewport === PHONE ? '-phone' : ''
          await page.screenshot({ path: path.join(shots, `dashboard-${name}${suffix}.png`), fullPage: viewport === DESKTOP && name !== 'live' })
        }
        if (viewport === PHONE) {
          await page.getByRole('button', { name: 'Menu' }).click()
          assert.ok(await page.getByRole('link', { name: 'Clients' }).isVisible(), 'the phone menu opens')
          await page.getByRole('button', { name: 'Menu' }).click()
          assert.ok(!await page.getByRole('link', { name: 'Clients' }).isVisible(), 'and closes')
        }
      }
    }
    assert.deepStrictEqual(page.problems, [])
  } finally {
    clearInterval(traffic)
    await page.close()
  }
})
