'use strict'
// Subscription Identifiers through MQTT.js's subscribe({ properties: { subscriptionIdentifier } }) (spec
// 3.8.2.1.2, 3.3.2.3.8). MQTT.js gives one identifier as a number and several as an array.
const { describe, it, afterEach } = require('node:test')
const assert = require('node:assert')
const { connect, publish, subscribe, closeAll } = require('./harness')

/** The identifiers a PUBLISH carried, sorted (their order is not significant [MQTT-3.3.4-4]). */
function ids (message) {
  const value = message.packet.properties && message.packet.properties.subscriptionIdentifier
  return value === undefined ? [] : [].concat(value).sort((a, b) => a - b)
}

function withId (id, options = {}) {
  return { qos: 1, ...options, properties: { subscriptionIdentifier: id } }
}

describe('Subscription Identifiers (spec 3.3.2.3.8)', () => {
  afterEach(closeAll)

  it('one copy carries the identifiers of every matching subscription [MQTT-3.3.4-3], [MQTT-3.3.4-4]', async () => {
    const { client, inbox } = await connect('si-multi')
    await subscribe(client, 'si/multi/#', withId(1))
    await subscribe(client, 'si/multi/+', withId(2))
    await subscribe(client, 'si/multi/x', { qos: 1 })
    const { client: pub } = await connect('si-multi-pub')
    await publish(pub, 'si/multi/x', 'm', { qos: 1 })
    assert.deepStrictEqual(ids(await inbox.next()), [1, 2])
    await inbox.none()
  })

  it('each subscriber gets the identifiers of its own subscriptions only [MQTT-3.3.4-5]', async () => {
    const a = await connect('si-a')
    await subscribe(a.client, 'si/own/#', withId(10))
    const b = await connect('si-b')
    await subscribe(b.client, 'si/own/#', withId(268435455)) // the largest Variable Byte Integer
    const none = await connect('si-none')
    await subscribe(none.client, 'si/own/#', { qos: 1 })
    const { client: pub } = await connect('si-own-pub')
    await publish(pub, 'si/own/t', 'm', { qos: 1 })
    assert.deepStrictEqual(ids(await a.inbox.next()), [10])
    assert.deepStrictEqual(ids(await b.inbox.next()), [268435455])
    assert.deepStrictEqual(ids(await none.inbox.next()), [])
  })

  it('a retained message sent on subscribe carries the new subscription\'s identifier', async () => {
    const { client: pub } = await connect('si-ret-pub')
    await publish(pub, 'si/ret/t', 'kept', { qos: 1, retain: true })
    const { client, inbox } = await connect('si-ret')
    await subscribe(client, 'si/ret/#', withId(77))
    const m = await inbox.next()
    assert.deepStrictEqual([m.packet.retain, ids(m)], [true, [77]])
  })

  it('subscribing again to the same filter replaces its identifier, or removes it (spec 3.8.4)', async () => {
    const { client, inbox } = await connect('si-replace')
    const { client: pub } = await connect('si-replace-pub')
    await subscribe(client, 'si/replace/#', withId(5))
    await subscribe(client, 'si/replace/#', { qos: 1 })
    await publish(pub, 'si/replace/t', 'a', { qos: 1 })
    assert.deepStrictEqual(ids(await inbox.next()), [])
    await subscribe(client, 'si/replace/#', withId(6))
    await publish(pub, 'si/replace/t', 'b', { qos: 1 })
    assert.deepStrictEqual(ids(await inbox.next()), [6])
  })

  it('a resumed session and a shared subscription keep delivering the identifier', async () => {
    const options = { clientId: 'si-resume', clean: false, properties: { sessionExpiryInterval: 60 } }
    const first = await connect('si-resume', options)
    await subscribe(first.client, 'si/resume/#', withId(9))
    await subscribe(first.client, '$share/g/si/shared/#', withId(11))
    first.client.end(true)
    const again = await connect('si-resume', options)
    assert.strictEqual(again.connack.sessionPresent, true)
    const { client: pub } = await connect('si-resume-pub')
    await publish(pub, 'si/resume/t', 'kept', { qos: 1 })
    await publish(pub, 'si/shared/t', 'shared', { qos: 1 })
    assert.deepStrictEqual((await again.inbox.take(2)).map((m) => [m.text, ids(m)]), [['kept', [9]], ['shared', [11]]])
  })
})
