'use strict'
// Message Expiry Interval through MQTT.js's publish({ properties: { messageExpiryInterval } }) (spec 3.3.2.3.3):
// an expired message is never delivered, and every delivered copy carries what is left of the interval.
const { describe, it, after } = require('node:test')
const assert = require('node:assert')
const { connect, publish, subscribe, elapse, closeAll } = require('./harness')

/** More than the 1 s interval of the messages meant to expire, with room for a loaded machine. */
const PAST_ONE_SECOND_MS = 1300

const expiring = (seconds) => ({ qos: 1, properties: { messageExpiryInterval: seconds } })
const remaining = (m) => m.packet.properties && m.packet.properties.messageExpiryInterval

// the cases wait for time to pass, so they run side by side (own topics and client ids), closing clients at the end
describe('Message expiry (spec 3.3.2.3.3)', { concurrency: true }, () => {
  after(closeAll)

  it('a live delivery carries the interval [MQTT-3.3.2-6]', async () => {
    const { client, inbox } = await connect('me-live')
    await subscribe(client, 'me/live/#', { qos: 1 })
    const { client: pub } = await connect('me-live-pub')
    await publish(pub, 'me/live/t', 'm', expiring(60))
    const left = remaining(await inbox.next())
    assert.ok(left >= 50 && left <= 60, `remaining interval ${left}`)
  })

  it('an offline session\'s queue drops the expired message and the rest carry the remaining interval [MQTT-3.3.2-5], [MQTT-3.3.2-6]', async () => {
    // given a persistent session, offline: its will (no delay) says the broker has let go of the connection, so
    // what follows is queued, not sent to the closing socket (which would make it a message in flight, resent)
    const options = { clientId: 'me-offline', clean: false, properties: { sessionExpiryInterval: 60 } }
    const first = await connect('me-offline', { ...options, will: { topic: 'me/gone/offline', payload: 'gone', qos: 0 } })
    await subscribe(first.client, 'me/off/#', { qos: 1 })
    const { client: pub, inbox: watcher } = await connect('me-off-pub')
    await subscribe(pub, 'me/gone/#', { qos: 0 })
    first.client.end(true)
    assert.strictEqual((await watcher.next()).text, 'gone')
    // when messages expiring after 1 s, after 30 s and never are queued for it
    await publish(pub, 'me/off/t', 'short', expiring(1))
    await publish(pub, 'me/off/t', 'long', expiring(30))
    await publish(pub, 'me/off/t', 'forever', { qos: 1 })
    // and it comes back after more than a second
    await elapse(PAST_ONE_SECOND_MS)
    const back = await connect('me-offline', options)
    assert.strictEqual(back.connack.sessionPresent, true)
    // then the expired message is gone, the other carries less than it was given, one without expiry none
    const [long, forever] = await back.inbox.take(2)
    assert.strictEqual(long.text, 'long')
    assert.ok(remaining(long) >= 1 && remaining(long) <= 29, `remaining interval ${remaining(long)}`)
    assert.deepStrictEqual([forever.text, remaining(forever)], ['forever', undefined])
    await back.inbox.none()
  })

  it('a message that expires while waiting behind a full Receive Maximum window is not delivered [MQTT-3.3.2-5]', async () => {
    // given a subscriber that takes one message at a time and holds the PUBACK of the first
    let release
    const sub = await connect('me-busy', {
      properties: { receiveMaximum: 1 },
      customHandleAcks: (topic, payload, packet, done) => {
        if (payload.toString() === 'first') release = () => done(0)
        else done(0)
      }
    })
    await subscribe(sub.client, 'me/busy/#', { qos: 1 })
    const { client: pub } = await connect('me-busy-pub')
    await publish(pub, 'me/busy/t', 'first', { qos: 1 })
    await publish(pub, 'me/busy/t', 'short', expiring(1))
    await publish(pub, 'me/busy/t', 'last', { qos: 1 })
    // when the first is acknowledged only after the second expired
    await elapse(PAST_ONE_SECOND_MS)
    assert.ok(release, 'the first message arrived')
    release()
    // then the expired one is skipped
    assert.deepStrictEqual((await sub.inbox.take(2)).map((m) => m.text), ['first', 'last'])
    await sub.inbox.none()
  })

  it('a retained message expires too, and one still valid carries its remaining interval [MQTT-3.3.2-5], [MQTT-3.3.2-6]', async () => {
    const { client: pub } = await connect('me-ret-pub')
    await publish(pub, 'me/ret/short', 'short', { ...expiring(1), retain: true })
    await publish(pub, 'me/ret/long', 'long', { ...expiring(30), retain: true })
    await elapse(PAST_ONE_SECOND_MS)
    const { client, inbox } = await connect('me-ret-late')
    await subscribe(client, 'me/ret/#', { qos: 1 })
    const m = await inbox.next()
    assert.deepStrictEqual([m.text, m.packet.retain], ['long', true])
    assert.ok(remaining(m) >= 1 && remaining(m) <= 29, `remaining interval ${remaining(m)}`)
    await inbox.none()
  })
})
