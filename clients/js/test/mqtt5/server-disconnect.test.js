'use strict'
// DISCONNECT packets the broker sends, as MQTT.js sees them (its 'disconnect' event, spec 3.14), and what the
// client's Request Problem Information and Maximum Packet Size change about them. Shutdown (0x8B) is in
// server-shutdown.test.js: it stops the broker.
const { describe, it, afterEach } = require('node:test')
const assert = require('node:assert')
const { connect, once, silentTimer, closeAll } = require('./harness')

/** Connects `name` twice with one client id; resolves with the DISCONNECT the first connection got. */
async function takenOver (name, options = {}) {
  const { client, errors } = await connect(name, { clientId: name, ...options })
  const disconnect = once(client, 'disconnect')
  const closed = once(client, 'close')
  await connect(`${name}-twin`, { clientId: name })
  const packet = await disconnect
  await closed
  assert.deepStrictEqual(errors, [], 'MQTT.js accepted the DISCONNECT')
  return packet
}

describe('Server-sent DISCONNECT (spec 3.14)', () => {
  afterEach(closeAll)

  it('another connection with the same client id takes the session over: 0x8E with a reason string [MQTT-3.1.4-3]', async () => {
    const packet = await takenOver('sd-twin')
    assert.strictEqual(packet.reasonCode, 0x8E)
    assert.match(packet.properties.reasonString, /\S/)
  })

  it('a client silent for 1.5 x its keep-alive gets 0x8D [MQTT-3.1.2-22]', async () => {
    // keep-alive 1 s, and a timer that never fires: MQTT.js sends no PINGREQ, nor gives up itself
    const { client } = await connect('sd-silent', { keepalive: 1, timerVariant: silentTimer })
    const connected = Date.now()
    const packet = await once(client, 'disconnect')
    assert.strictEqual(packet.reasonCode, 0x8D)
    assert.ok(Date.now() - connected >= 1200, `after ${Date.now() - connected} ms, about 1.5 s`)
  })

  it('no reason string when the client set Request Problem Information 0 (spec 3.1.2.11.7)', async () => {
    // the spec lets a DISCONNECT carry one even then [MQTT-3.1.2-29]; Magpie leaves it out, as documented
    const packet = await takenOver('sd-rpi', { properties: { requestProblemInformation: false } })
    assert.strictEqual(packet.reasonCode, 0x8E)
    assert.strictEqual(packet.properties && packet.properties.reasonString, undefined)
  })

  it('the reason string is left out when it would exceed the client\'s Maximum Packet Size [MQTT-3.14.2-3]', async () => {
    // MQTT.js refuses a packet above its own Maximum Packet Size (an 'error', no 'disconnect'): it gets this one
    const packet = await takenOver('sd-small', { properties: { maximumPacketSize: 16 } })
    assert.strictEqual(packet.reasonCode, 0x8E)
    assert.strictEqual(packet.properties && packet.properties.reasonString, undefined)
  })
})
