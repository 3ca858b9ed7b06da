'use strict'
// Topic aliases both ways through MQTT.js (spec 3.3.2.3.4): MQTT.js aliasing its own PUBLISHes within the
// broker's Topic Alias Maximum (an explicit alias, autoUseTopicAlias, autoAssignTopicAlias), and the broker
// aliasing PUBLISHes to an MQTT.js client that allowed it, which MQTT.js resolves back to the topic.
const { describe, it, afterEach } = require('node:test')
const assert = require('node:assert')
const { connect, publish, subscribe, closeAll } = require('./harness')

/** The PUBLISHes a client writes, as "topic|alias" (alias 0 when none). */
function recordPublishes (client) {
  const sent = []
  client.on('packetsend', (p) => {
    if (p.cmd === 'publish') sent.push(`${p.topic}|${(p.properties && p.properties.topicAlias) || 0}`)
  })
  return sent
}

/** How a PUBLISH arrived ("topic|alias", before MQTT.js resolved it) and what MQTT.js made of it. */
function asReceived (m) {
  return `${m.packet.topic}|${(m.packet.properties && m.packet.properties.topicAlias) || 0} -> ${m.topic}=${m.text}`
}

for (const transport of ['tcp', 'ws']) {
  describe(`Topic aliases over ${transport} (spec 3.3.2.3.4)`, () => {
    afterEach(closeAll)

    it('an alias MQTT.js sets explicitly stands for its topic until rebound [MQTT-3.3.2-12]', async () => {
      const { client: sub, inbox } = await connect('ta-sub', {}, { transport })
      await subscribe(sub, 'ta/explicit/#')
      const { client: pub } = await connect('ta-pub', {}, { transport })
      const sent = recordPublishes(pub)
      await publish(pub, 'ta/explicit/a/long/topic', 'one', { qos: 1, properties: { topicAlias: 1 } })
      await publish(pub, '', 'two', { qos: 1, properties: { topicAlias: 1 } })
      await publish(pub, 'ta/explicit/other', 'three', { qos: 1, properties: { topicAlias: 1 } })
      await publish(pub, '', 'four', { qos: 1, properties: { topicAlias: 1 } })
      assert.deepStrictEqual(sent, ['ta/explicit/a/long/topic|1', '|1', 'ta/explicit/other|1', '|1'])
      // the subscriber allowed no aliases, so each message comes with its full topic [MQTT-3.1.2-27]
      const got = (await inbox.take(4)).map(asReceived)
      assert.deepStrictEqual(got, [
        'ta/explicit/a/long/topic|0 -> ta/explicit/a/long/topic=one', 'ta/explicit/a/long/topic|0 -> ta/explicit/a/long/topic=two',
        'ta/explicit/other|0 -> ta/explicit/other=three', 'ta/explicit/other|0 -> ta/explicit/other=four'])
    })

    it('autoUseTopicAlias sends only the alias once MQTT.js registered one for the topic', async () => {
      const { client: sub, inbox } = await connect('ta-use-sub', {}, { transport })
      await subscribe(sub, 'ta/use/#')
      const { client: pub } = await connect('ta-use-pub', { autoUseTopicAlias: true }, { transport })
      const sent = recordPublishes(pub)
      await publish(pub, 'ta/use/t', 'a', { qos: 1, properties: { topicAlias: 5 } })
      await publish(pub, 'ta/use/t', 'b', { qos: 1 })
      await publish(pub, 'ta/use/t', 'c', { qos: 0 })
      assert.deepStrictEqual(sent, ['ta/use/t|5', '|5', '|5'])
      assert.deepStrictEqual((await inbox.take(3)).map((m) => `${m.topic}=${m.text}`), ['ta/use/t=a', 'ta/use/t=b', 'ta/use/t=c'])
    })

    it('autoAssignTopicAlias aliases every topic within the broker\'s Topic Alias Maximum [MQTT-3.3.2-9]', async () => {
      const { client: sub, inbox } = await connect('ta-assign-sub', {}, { transport })
      await subscribe(sub, 'ta/assign/#')
      const { client: pub, connack } = await connect('ta-assign-pub', { autoAssignTopicAlias: true }, { transport })
      assert.strictEqual(connack.properties.topicAliasMaximum, 64)
      const sent = recordPublishes(pub)
      const topics = ['ta/assign/x', 'ta/assign/y', 'ta/assign/x', 'ta/assign/y']
      for (const [i, topic] of topics.entries()) await publish(pub, topic, `m${i}`, { qos: 1 })
      // spec 3.3.2.3.4: the first PUBLISH on a topic binds the alias, later ones carry the alias alone
      assert.deepStrictEqual(sent.map((s) => s.replace(/\|\d+$/, '|alias')), ['ta/assign/x|alias', 'ta/assign/y|alias', '|alias', '|alias'])
      assert.deepStrictEqual((await inbox.take(4)).map((m) => `${m.topic}=${m.text}`), topics.map((t, i) => `${t}=m${i}`))
    })
  })
}

describe('Topic aliases: MQTT.js within a small Topic Alias Maximum, broker to client, per connection', () => {
  afterEach(closeAll)

  it('with the broker\'s maximum of 3, MQTT.js rebinds aliases and the broker follows each rebinding [MQTT-3.3.2-12]', async () => {
    // the restricted broker announces Topic Alias Maximum 3 and has no wildcard subscriptions
    const topics = ['a', 'b', 'c', 'd'].map((t) => `ta/small/${t}`)
    const { client: sub, inbox } = await connect('ta-small-sub', {}, { broker: 'restricted' })
    for (const t of topics) await subscribe(sub, t)
    const { client: pub } = await connect('ta-small-pub', { autoAssignTopicAlias: true }, { broker: 'restricted' })
    const sent = recordPublishes(pub)
    const order = [0, 1, 2, 0, 3, 1, 0, 2, 3].map((i) => topics[i])
    for (const [i, topic] of order.entries()) await publish(pub, topic, `m${i}`, { qos: 1 })
    // MQTT.js reuses its least recently used alias for a fourth topic, so one alias stands for several topics
    const bound = new Map()
    for (const s of sent.filter((s) => !s.startsWith('|'))) {
      const [topic, alias] = s.split('|')
      bound.set(alias, (bound.get(alias) || new Set()).add(topic))
    }
    assert.deepStrictEqual([...bound.keys()].sort(), ['1', '2', '3'], `aliases within 1..3: ${sent}`)
    assert.ok([...bound.values()].some((t) => t.size > 1), `an alias was rebound: ${sent}`)
    assert.ok(sent.some((s) => s.startsWith('|')), `some PUBLISH carried an alias only: ${sent}`)
    assert.deepStrictEqual((await inbox.take(order.length)).map((m) => `${m.topic}=${m.text}`), order.map((t, i) => `${t}=m${i}`))
  })

  it('the broker aliases up to the client\'s Topic Alias Maximum and MQTT.js resolves them [MQTT-3.1.2-26], [MQTT-3.3.2-11]', async () => {
    const { client: sub, inbox } = await connect('ta-out-sub', { properties: { topicAliasMaximum: 2 } })
    await subscribe(sub, 'ta/out/#', { qos: 1 })
    const { client: pub } = await connect('ta-out-pub')
    for (const topic of ['ta/out/a', 'ta/out/a', 'ta/out/b', 'ta/out/c', 'ta/out/b']) await publish(pub, topic, topic.slice(-1), { qos: 1 })
    // the first message on a topic binds an alias, later ones carry only the alias; a third topic finds the
    // two aliases taken and is sent in full without one
    assert.deepStrictEqual((await inbox.take(5)).map(asReceived), [
      'ta/out/a|1 -> ta/out/a=a', '|1 -> ta/out/a=a', 'ta/out/b|2 -> ta/out/b=b', 'ta/out/c|0 -> ta/out/c=c', '|2 -> ta/out/b=b'])
  })

  it('a client that allowed no aliases never gets one [MQTT-3.1.2-27]', async () => {
    const { client: sub, inbox } = await connect('ta-none-sub')
    await subscribe(sub, 'ta/none/#')
    const { client: pub } = await connect('ta-none-pub')
    for (let i = 0; i < 3; i++) await publish(pub, 'ta/none/t', `m${i}`, { qos: 1 })
    assert.deepStrictEqual((await inbox.take(3)).map(asReceived), ['m0', 'm1', 'm2'].map((m) => `ta/none/t|0 -> ta/none/t=${m}`))
  })

  it('aliases start afresh on a new connection of the same session [MQTT-3.3.2-7]', async () => {
    const options = { clientId: 'ta-fresh', clean: false, properties: { topicAliasMaximum: 4, sessionExpiryInterval: 60 } }
    const first = await connect('ta-fresh', options)
    await subscribe(first.client, 'ta/fresh/#', { qos: 1 })
    const { client: pub } = await connect('ta-fresh-pub')
    await publish(pub, 'ta/fresh/t', 'one', { qos: 1 })
    assert.strictEqual(asReceived(await first.inbox.next()), 'ta/fresh/t|1 -> ta/fresh/t=one')
    first.client.end(true)
    const again = await connect('ta-fresh', options)
    assert.strictEqual(again.connack.sessionPresent, true)
    await publish(pub, 'ta/fresh/t', 'two', { qos: 1 })
    // the new connection has no mapping, so the topic is sent in full with the alias again
    assert.strictEqual(asReceived(await again.inbox.next()), 'ta/fresh/t|1 -> ta/fresh/t=two')
  })
})
