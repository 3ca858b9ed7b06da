'use strict'
// Will messages of MQTT.js 5.0 clients (spec 3.1.2.5, 3.1.3.2): the Will Delay Interval, DISCONNECT with
// reason 0x04 (Disconnect with Will Message), a normal DISCONNECT, and the will's properties.
const { describe, it, after } = require('node:test')
const assert = require('node:assert')
const { connect, subscribe, end, elapse, closeAll } = require('./harness')

/** Lower bound for "after the 1 s delay": loose, a timer may fire a little early on a loaded machine. */
const LOOSE_ONE_SECOND_MS = 800

/** A client subscribed to the will topics of one test: will/{topic}/#. */
async function watcher (topic) {
  const w = await connect('will-watcher')
  await subscribe(w.client, `will/${topic}/#`, { qos: 1 })
  return w.inbox
}

/** Connects a client with a will on topic; sessionExpiryInterval and willDelayInterval in seconds. */
function withWill (name, topic, { sessionExpiry, delay, properties = {} }) {
  return connect(name, {
    clientId: name,
    clean: false,
    properties: { sessionExpiryInterval: sessionExpiry },
    will: { topic, payload: Buffer.from(`gone ${name}`), qos: 1, retain: false, properties: { willDelayInterval: delay, ...properties } }
  })
}

// the cases wait for delays to pass, so they run side by side (own topics and client ids), closing clients at the end
describe('Will messages and the Will Delay Interval (spec 3.1.3.2)', { concurrency: true }, () => {
  after(closeAll)

  it('the will of a broken connection waits for its delay [MQTT-3.1.2-8]', async () => {
    const watch = await watcher('delay')
    const { client } = await withWill('will-delay', 'will/delay/gone', { sessionExpiry: 10, delay: 1 })
    const lost = Date.now()
    client.end(true)
    const will = await watch.next()
    assert.deepStrictEqual([will.topic, will.text], ['will/delay/gone', 'gone will-delay'])
    assert.ok(Date.now() - lost >= LOOSE_ONE_SECOND_MS, `published after ${Date.now() - lost} ms`)
  })

  it('DISCONNECT with reason 0x04 publishes the will, after its delay (spec 3.14.2.1)', async () => {
    const watch = await watcher('04')
    const { client } = await withWill('will-04', 'will/04/gone', { sessionExpiry: 10, delay: 1 })
    const sent = Date.now()
    await end(client, { reasonCode: 0x04 })
    assert.strictEqual((await watch.next()).topic, 'will/04/gone')
    assert.ok(Date.now() - sent >= LOOSE_ONE_SECOND_MS, `published after ${Date.now() - sent} ms`)
  })

  it('a normal DISCONNECT deletes the will [MQTT-3.14.4-3]', async () => {
    const watch = await watcher('00')
    const { client } = await withWill('will-00', 'will/00/gone', { sessionExpiry: 0, delay: 0 })
    await end(client)
    await watch.none()
  })

  it('a new connection for the client id within the delay deletes the will [MQTT-3.1.3-9]', async () => {
    const watch = await watcher('back')
    const { client } = await withWill('will-back', 'will/back/gone', { sessionExpiry: 10, delay: 1 })
    const lost = Date.now()
    client.end(true)
    await connect('will-back', { clientId: 'will-back', clean: false, properties: { sessionExpiryInterval: 10 } })
    await elapse(Math.max(0, 1000 - (Date.now() - lost)))
    await watch.none(700)
  })

  it('without a session to outlive the connection the will goes at once, whatever its delay [MQTT-3.1.2-8]', async () => {
    const watch = await watcher('now')
    const { client } = await withWill('will-now', 'will/now/gone', { sessionExpiry: 0, delay: 30 })
    client.end(true)
    assert.strictEqual((await watch.next()).topic, 'will/now/gone')
  })

  it('the will keeps its properties, user properties in order, but not the delay [MQTT-3.1.3-10]', async () => {
    const watch = await watcher('props')
    const properties = {
      contentType: 'text/plain',
      responseTopic: 'will/reply',
      correlationData: Buffer.from([1, 2]),
      payloadFormatIndicator: true,
      userProperties: { b: ['2', '3'], a: '1' }
    }
    const { client } = await withWill('will-props', 'will/props/gone', { sessionExpiry: 0, delay: 0, properties })
    client.end(true)
    const p = (await watch.next()).packet.properties
    assert.strictEqual(p.contentType, 'text/plain')
    assert.strictEqual(p.responseTopic, 'will/reply')
    assert.deepStrictEqual([...p.correlationData], [1, 2])
    assert.strictEqual(p.payloadFormatIndicator, true)
    assert.deepStrictEqual(Object.entries(p.userProperties), [['b', ['2', '3']], ['a', '1']])
    assert.strictEqual(p.willDelayInterval, undefined)
  })
})
