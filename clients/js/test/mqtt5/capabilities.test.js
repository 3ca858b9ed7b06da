'use strict'
// CONNACK properties as MQTT.js exposes them (connack.properties, client.keepalive), and what the broker does when
// an MQTT.js client uses a feature the CONNACK said is off: MQTT.js does not check these itself, the broker does.
// The 'restricted' broker is configured by MqttJsMqtt5Test: Maximum QoS 1, retain, wildcard, shared subscriptions
// and subscription identifiers off, Topic Alias Maximum 3, Receive Maximum 9, Maximum Packet Size 4096, maximum
// keep-alive 30 s.
const { describe, it, afterEach } = require('node:test')
const assert = require('node:assert')
const { connect, subscribe, subscribeRefused, once, closeAll } = require('./harness')

describe('CONNACK properties and capabilities (spec 3.2.2.3)', () => {
  afterEach(closeAll)

  it('by default every feature is available, so those properties are absent, and the limits are advertised', async () => {
    const { connack } = await connect('caps-default')
    const p = connack.properties
    // absent means available (spec 3.2.2.3.4 to 3.2.2.3.13)
    for (const name of ['maximumQoS', 'retainAvailable', 'wildcardSubscriptionAvailable', 'subscriptionIdentifiersAvailable', 'sharedSubscriptionAvailable']) {
      assert.strictEqual(p[name], undefined, `${name} absent`)
    }
    assert.strictEqual(p.receiveMaximum, 100)
    assert.strictEqual(p.topicAliasMaximum, 64)
    assert.strictEqual(p.maximumPacketSize, 256 * 1024)
    assert.strictEqual(p.serverKeepAlive, undefined, 'the keep-alive the client asked for stands [MQTT-3.2.2-22]')
    assert.strictEqual(p.assignedClientIdentifier, undefined, 'the client chose its id')
  })

  it('a zero-length client id gets an Assigned Client Identifier [MQTT-3.2.2-16]', async () => {
    const { connack } = await connect('caps-assigned', { clientId: '', clean: true })
    assert.match(connack.properties.assignedClientIdentifier, /^magpie-[0-9a-f]{32}$/)
  })

  it('Request Response Information 1 gets Response Information built from the client id [MQTT-3.1.2-28]', async () => {
    const { connack } = await connect('caps-ri', { clientId: 'caps-ri-client', properties: { requestResponseInformation: true } })
    assert.strictEqual(connack.properties.responseInformation, 'magpie/replies/caps-ri-client')
    const { connack: without } = await connect('caps-no-ri')
    assert.strictEqual(without.properties.responseInformation, undefined, 'never sent unasked')
  })

  it('a restricted broker advertises every restriction, and MQTT.js reads them [MQTT-3.2.2-9]', async () => {
    const { connack } = await connect('caps-restricted', { keepalive: 60 }, { broker: 'restricted' })
    const p = connack.properties
    assert.strictEqual(p.maximumQoS, 1)
    assert.strictEqual(p.retainAvailable, false)
    assert.strictEqual(p.wildcardSubscriptionAvailable, false)
    assert.strictEqual(p.sharedSubscriptionAvailable, false)
    assert.strictEqual(p.subscriptionIdentifiersAvailable, false)
    assert.strictEqual(p.topicAliasMaximum, 3)
    assert.strictEqual(p.receiveMaximum, 9)
    assert.strictEqual(p.maximumPacketSize, 4096)
  })

  it('Server Keep Alive replaces the keep-alive the client asked for, and MQTT.js uses it [MQTT-3.2.2-21]', async () => {
    const { client, connack } = await connect('caps-ska', { keepalive: 60 }, { broker: 'restricted' })
    assert.strictEqual(connack.properties.serverKeepAlive, 30)
    assert.strictEqual(client.keepalive, 30)
  })

  it('a QoS 2 subscription is granted at the Maximum QoS [MQTT-3.2.2-10]', async () => {
    const { client } = await connect('caps-grant', {}, { broker: 'restricted' })
    const granted = await subscribe(client, 'caps/grant', { qos: 2 })
    assert.strictEqual(granted[0].qos, 1)
  })

  it('a wildcard or shared filter is refused in SUBACK with 0xA2 / 0x9E (spec 3.2.2.3.11, 3.2.2.3.13)', async () => {
    const { client } = await connect('caps-filters', {}, { broker: 'restricted' })
    assert.deepStrictEqual(await subscribeRefused(client, 'caps/+'), [0xA2])
    assert.deepStrictEqual(await subscribeRefused(client, '$share/g/caps/t'), [0x9E])
    const granted = await subscribe(client, 'caps/plain', { qos: 1 })
    assert.strictEqual(granted[0].qos, 1, 'the connection stays usable')
  })

  // each of these PUBLISH / SUBSCRIBE packets breaks a restriction the CONNACK announced; MQTT.js sends it anyway
  const violations = [
    { name: 'a PUBLISH above Maximum QoS is 0x9B [MQTT-3.2.2-11]', code: 0x9B, act: (c) => c.publish('caps/q2', 'x', { qos: 2 }) },
    { name: 'a retained PUBLISH while retain is off is 0x9A [MQTT-3.2.2-14]', code: 0x9A, act: (c) => c.publish('caps/r', 'x', { qos: 0, retain: true }) },
    { name: 'a Subscription Identifier while they are off is 0xA1 (spec 3.2.2.3.12)', code: 0xA1, act: (c) => c.subscribe('caps/id', { properties: { subscriptionIdentifier: 5 } }) },
    { name: 'a packet above Maximum Packet Size is 0x95 [MQTT-3.2.2-15]', code: 0x95, act: (c) => c.publish('caps/big', Buffer.alloc(5000, 120), { qos: 0 }) }
  ]
  for (const v of violations) {
    it(`${v.name}: MQTT.js gets a DISCONNECT with that reason and a reason string`, async () => {
      const { client } = await connect('caps-violation', {}, { broker: 'restricted' })
      const disconnect = once(client, 'disconnect')
      const closed = once(client, 'close')
      v.act(client)
      const packet = await disconnect
      assert.strictEqual(packet.reasonCode, v.code)
      assert.ok(packet.properties && packet.properties.reasonString, 'reason string present')
      await closed
    })
  }
})
