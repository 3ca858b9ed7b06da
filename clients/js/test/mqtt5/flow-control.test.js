'use strict'
// Flow control towards an MQTT.js 5.0 client (spec 4.9): the broker keeps to the client's Receive Maximum and
// to its Maximum Packet Size. MQTT.js handles packets one after another, so what the broker sent ahead is
// counted on the wire (tapIncoming) against the acknowledgements MQTT.js wrote ('packetsend').
const { describe, it, afterEach } = require('node:test')
const assert = require('node:assert')
const { QUIET_MS, connect, publish, subscribe, elapse, closeAll } = require('./harness')

/**
 * Connects a subscriber with the given Receive Maximum whose acknowledgements MQTT.js sends only when ackDelayMs
 * passed (customHandleAcks), and records the largest number of QoS 1/2 messages the broker had out at once:
 * a PUBLISH counts from its arrival on the wire until MQTT.js writes the PUBACK (QoS 1) or PUBCOMP (QoS 2).
 */
async function slowSubscriber (name, receiveMaximum, ackDelayMs) {
  const window = { outstanding: 0, most: 0 }
  const onWire = (packet) => {
    if (packet.cmd === 'publish' && packet.qos > 0) {
      window.outstanding += 1
      window.most = Math.max(window.most, window.outstanding)
    }
  }
  const subscriber = await connect(name, {
    properties: { receiveMaximum },
    customHandleAcks: (topic, payload, packet, done) => setTimeout(() => done(0), ackDelayMs)
  }, { onWire })
  subscriber.client.on('packetsend', (packet) => {
    if (packet.cmd === 'puback' || packet.cmd === 'pubcomp') window.outstanding -= 1
  })
  return { ...subscriber, window }
}

describe('Flow control towards the client (spec 4.9)', () => {
  afterEach(closeAll)

  for (const qos of [1, 2]) {
    it(`never more unacknowledged QoS ${qos} messages than the client's Receive Maximum [MQTT-3.3.4-9]`, async () => {
      const { client, inbox, errors, window } = await slowSubscriber(`fc-q${qos}`, 2, 30)
      await subscribe(client, `fc/q${qos}/#`, { qos })
      const { client: pub } = await connect(`fc-q${qos}-pub`)
      const texts = Array.from({ length: 8 }, (_, i) => `m${i}`)
      for (const text of texts) await publish(pub, `fc/q${qos}/t`, text, { qos })
      // all eight arrive, in order, however slowly the subscriber acknowledges
      assert.deepStrictEqual((await inbox.take(texts.length)).map((m) => m.text), texts)
      // the window was filled but never overrun; MQTT.js checks QoS 2 itself too (0x93 when exceeded)
      assert.strictEqual(window.most, 2, `most unacknowledged at once: ${window.most}`)
      assert.deepStrictEqual(errors, [])
    })
  }

  it('a QoS 0 message passes a full window, but not QoS 1 messages queued before it (spec 4.9)', async () => {
    // the subscriber takes one QoS 1 message at a time and acknowledges the first only when told
    let release
    const arrived = []
    const { client } = await connect('fc-q0', {
      properties: { receiveMaximum: 1 },
      customHandleAcks: (topic, payload, packet, done) => {
        if (payload.toString() === 'held') release = () => done(0)
        else done(0)
      }
    }, { onWire: (packet) => { if (packet.cmd === 'publish') arrived.push(`${packet.payload}@${packet.qos}`) } })
    const arrivedSoon = async (count) => {
      for (let i = 0; i < 100 && arrived.length < count; i++) await elapse(50)
      await elapse(QUIET_MS)
      return [...arrived]
    }
    await subscribe(client, 'fc/q0/#', { qos: 1 })
    const { client: pub } = await connect('fc-q0-pub')
    // with the window full and nothing waiting, QoS 0 goes out at once: the quota counts QoS 1 and 2 only
    await publish(pub, 'fc/q0/t', 'held', { qos: 1 })
    await publish(pub, 'fc/q0/t', 'passes', { qos: 0 })
    assert.deepStrictEqual(await arrivedSoon(2), ['held@1', 'passes@0'])
    // a QoS 0 message published after a QoS 1 message that waits for the window waits behind it: order is kept
    await publish(pub, 'fc/q0/t', 'queued', { qos: 1 })
    await publish(pub, 'fc/q0/t', 'behind', { qos: 0 })
    assert.deepStrictEqual(await arrivedSoon(2), ['held@1', 'passes@0'])
    release()
    assert.deepStrictEqual(await arrivedSoon(4), ['held@1', 'passes@0', 'queued@1', 'behind@0'])
  })

  it('a message larger than the client\'s Maximum Packet Size is dropped for it, not sent [MQTT-3.1.2-24], [MQTT-3.1.2-25]', async () => {
    // MQTT.js refuses a larger packet with an error and closes: getting the small one proves the large one never came
    const { client, inbox, errors } = await connect('fc-mps', { properties: { maximumPacketSize: 128 } })
    await subscribe(client, 'fc/mps/#', { qos: 1 })
    const { client: pub } = await connect('fc-mps-pub')
    await publish(pub, 'fc/mps/t', 'x'.repeat(500), { qos: 1 })
    await publish(pub, 'fc/mps/t', 'small', { qos: 1 })
    assert.strictEqual((await inbox.next()).text, 'small')
    await inbox.none()
    assert.deepStrictEqual(errors, [])
  })
})
