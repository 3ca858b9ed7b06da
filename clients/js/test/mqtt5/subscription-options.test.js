'use strict'
// Subscription options through MQTT.js's subscribe({ nl, rap, rh }) (spec 3.8.3.1): No Local, Retain As
// Published and Retain Handling 0 / 1 / 2.
const { describe, it, afterEach } = require('node:test')
const assert = require('node:assert')
const { connect, publish, subscribe, once, closeAll } = require('./harness')

/** Stores a retained message and waits for its PUBACK, sent once it is stored, so a later subscribe finds it. */
async function storeRetained (topic, text) {
  const { client } = await connect('so-retainer')
  await publish(client, topic, text, { qos: 1, retain: true })
  return client
}

describe('Subscription option No Local (spec 3.8.3.1)', () => {
  afterEach(closeAll)

  it('a client does not get its own messages back on a No Local subscription [MQTT-3.8.3-3]', async () => {
    const { client, inbox } = await connect('so-nl')
    await subscribe(client, 'so/nl/#', { qos: 1, nl: true })
    const { client: other } = await connect('so-nl-other')
    await publish(client, 'so/nl/t', 'own', { qos: 1 })
    await publish(other, 'so/nl/t', 'theirs', { qos: 1 })
    assert.strictEqual((await inbox.next()).text, 'theirs')
    await inbox.none()
  })

  it('an overlapping subscription without No Local still delivers the client\'s own message, once', async () => {
    const { client, inbox } = await connect('so-nl-overlap')
    await subscribe(client, 'so/ov/#', { qos: 1, nl: true, properties: { subscriptionIdentifier: 1 } })
    await subscribe(client, 'so/ov/+', { qos: 0, properties: { subscriptionIdentifier: 2 } })
    await publish(client, 'so/ov/x', 'mine', { qos: 1 })
    const m = await inbox.next()
    // it came through the ordinary subscription: that one's QoS and identifier only
    assert.strictEqual(m.packet.qos, 0)
    assert.strictEqual(m.packet.properties.subscriptionIdentifier, 2)
    await inbox.none()
  })

  it('No Local on a shared subscription is a protocol error, DISCONNECT 0x82 [MQTT-3.8.3-4]', async () => {
    const { client } = await connect('so-nl-shared')
    const disconnect = once(client, 'disconnect')
    client.subscribe('$share/g/so/nl-shared', { qos: 0, nl: true })
    assert.strictEqual((await disconnect).reasonCode, 0x82)
  })
})

describe('Subscription option Retain As Published (spec 3.8.3.1)', () => {
  afterEach(closeAll)

  it('a live message keeps RETAIN only on a Retain As Published subscription [MQTT-3.3.1-12], [MQTT-3.3.1-13]', async () => {
    // Retain Handling 2, so that only live messages arrive whatever is stored
    const { client: keeps, inbox: kept } = await connect('so-rap-1')
    await subscribe(keeps, 'so/rap/#', { qos: 1, rap: true, rh: 2 })
    const { client: clears, inbox: cleared } = await connect('so-rap-0')
    await subscribe(clears, 'so/rap/#', { qos: 1, rap: false, rh: 2 })
    const { client: pub } = await connect('so-rap-pub')
    await publish(pub, 'so/rap/t', 'live', { qos: 1, retain: true })
    assert.strictEqual((await kept.next()).packet.retain, true)
    assert.strictEqual((await cleared.next()).packet.retain, false)
  })

  it('a retained message sent because of a new subscription has RETAIN whatever the option says (spec 3.3.1.3)', async () => {
    await storeRetained('so/rap-stored/t', 'kept')
    const { client, inbox } = await connect('so-rap-stored')
    await subscribe(client, 'so/rap-stored/#', { qos: 1, rap: false })
    const m = await inbox.next()
    assert.deepStrictEqual([m.text, m.packet.retain], ['kept', true])
  })
})

describe('Subscription option Retain Handling (spec 3.8.3.1)', () => {
  afterEach(closeAll)

  it('0: retained messages are sent on every subscribe, also one that replaces a subscription [MQTT-3.3.1-9]', async () => {
    await storeRetained('so/rh0/t', 'kept')
    const { client, inbox } = await connect('so-rh0')
    await subscribe(client, 'so/rh0/#', { qos: 1, rh: 0 })
    assert.strictEqual((await inbox.next()).text, 'kept')
    await subscribe(client, 'so/rh0/#', { qos: 1, rh: 0 })
    assert.strictEqual((await inbox.next()).text, 'kept')
  })

  it('1: retained messages are sent only when the subscription is new [MQTT-3.3.1-10]', async () => {
    await storeRetained('so/rh1/t', 'kept')
    const { client, inbox } = await connect('so-rh1')
    await subscribe(client, 'so/rh1/#', { qos: 1, rh: 1 })
    assert.strictEqual((await inbox.next()).text, 'kept')
    await subscribe(client, 'so/rh1/#', { qos: 1, rh: 1 })
    await inbox.none()
  })

  it('2: retained messages are never sent on subscribe, live ones still are [MQTT-3.3.1-11]', async () => {
    const retainer = await storeRetained('so/rh2/t', 'kept')
    const { client, inbox } = await connect('so-rh2')
    await subscribe(client, 'so/rh2/#', { qos: 1, rh: 2 })
    await inbox.none()
    await publish(retainer, 'so/rh2/t', 'live', { qos: 1 })
    assert.strictEqual((await inbox.next()).text, 'live')
  })
})
