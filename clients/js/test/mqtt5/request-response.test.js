'use strict'
// Request / response and the other application properties of a PUBLISH, between MQTT.js clients (spec
// 3.3.2.3, 4.10): Response Topic, Correlation Data, Content Type, Payload Format Indicator, User Properties, and
// Response Information. MQTT.js holds User Properties in an object: names keep the order they first appear in,
// repeated names become an array in order (it cannot express b=2, a=1, b=3 interleaved; the Java suite does).
const { describe, it, afterEach } = require('node:test')
const assert = require('node:assert')
const { connect, publish, subscribe, once, closeAll } = require('./harness')

/** Bytes that are not UTF-8: a lone continuation byte and an overlong encoding. */
const NOT_UTF8 = Buffer.from([0x80, 0xc0, 0xaf])

for (const transport of ['tcp', 'ws']) {
  describe(`Request / response over ${transport} (spec 4.10)`, () => {
    afterEach(closeAll)

    it('a requester gets the answer on its Response Information topic, matched by Correlation Data [MQTT-3.1.2-28]', async () => {
      // the responder serves rr/service, answering on each request's Response Topic with its Correlation Data
      const responder = await connect('rr-responder', {}, { transport })
      await subscribe(responder.client, `rr/${transport}/service`, { qos: 1 })
      responder.client.on('message', (topic, payload, packet) => {
        const { responseTopic, correlationData } = packet.properties
        responder.client.publish(responseTopic, `answer to ${payload}`, { qos: 1, properties: { correlationData } })
      })
      // the requester asks the broker for a topic prefix of its own to receive answers on
      const requester = await connect('rr-requester', { properties: { requestResponseInformation: true } }, { transport })
      const replyTopic = `${requester.connack.properties.responseInformation}/answers`
      await subscribe(requester.client, replyTopic, { qos: 1 })
      await publish(requester.client, `rr/${transport}/service`, 'q1', { qos: 1, properties: { responseTopic: replyTopic, correlationData: Buffer.from('id-1') } })
      const answer = await requester.inbox.next()
      assert.deepStrictEqual([answer.topic, answer.text], [replyTopic, 'answer to q1'])
      assert.strictEqual(answer.packet.properties.correlationData.toString(), 'id-1')
    })

    it('every application property reaches the subscriber unaltered, user properties in order [MQTT-3.3.2-4], [MQTT-3.3.2-15] to [MQTT-3.3.2-20]', async () => {
      const { client: sub, inbox } = await connect('rr-props-sub', {}, { transport })
      await subscribe(sub, `rr/${transport}/props`, { qos: 1 })
      const { client: pub } = await connect('rr-props-pub', {}, { transport })
      const properties = {
        payloadFormatIndicator: true,
        contentType: 'application/json; charset=utf-8',
        responseTopic: 'rr/answers/here',
        correlationData: Buffer.from([9, 8, 7, 0]),
        userProperties: { b: ['2', '3'], a: '1', 'ключ': 'значение' }
      }
      await publish(pub, `rr/${transport}/props`, '{"q":1}', { qos: 1, properties })
      const p = (await inbox.next()).packet.properties
      assert.strictEqual(p.payloadFormatIndicator, true)
      assert.strictEqual(p.contentType, properties.contentType)
      assert.strictEqual(p.responseTopic, properties.responseTopic)
      assert.deepStrictEqual([...p.correlationData], [9, 8, 7, 0])
      assert.deepStrictEqual(Object.entries(p.userProperties), Object.entries(properties.userProperties))
    })
  })
}

describe('Payload Format Indicator and Response Topic checks (spec 3.3.2.3.2, 3.3.2.3.5)', () => {
  afterEach(closeAll)

  it('a payload that is not the UTF-8 it claims is refused: PUBACK / PUBREC 0x99, and not routed', async () => {
    const { client: sub, inbox } = await connect('rr-pfi-sub')
    await subscribe(sub, 'rr/pfi/#', { qos: 1 })
    const { client: pub } = await connect('rr-pfi')
    const claimsUtf8 = { properties: { payloadFormatIndicator: true } }
    // MQTT.js rejects the publish with the acknowledgement's reason code
    await assert.rejects(publish(pub, 'rr/pfi/q1', NOT_UTF8, { qos: 1, ...claimsUtf8 }), (err) => err.code === 0x99)
    await assert.rejects(publish(pub, 'rr/pfi/q2', NOT_UTF8, { qos: 2, ...claimsUtf8 }), (err) => err.code === 0x99)
    await inbox.none()
  })

  it('at QoS 0 there is no acknowledgement to carry the refusal: DISCONNECT 0x99', async () => {
    const { client: sub, inbox } = await connect('rr-pfi0-sub')
    await subscribe(sub, 'rr/pfi0/#', { qos: 1 })
    const { client: pub } = await connect('rr-pfi0')
    const disconnect = once(pub, 'disconnect')
    pub.publish('rr/pfi0/t', NOT_UTF8, { qos: 0, properties: { payloadFormatIndicator: true } })
    assert.strictEqual((await disconnect).reasonCode, 0x99)
    await inbox.none()
  })

  it('binary payloads (indicator 0) and valid UTF-8 pass with the indicator unaltered [MQTT-3.3.2-4]', async () => {
    const { client: sub, inbox } = await connect('rr-bin-sub')
    await subscribe(sub, 'rr/bin/#', { qos: 1 })
    const { client: pub } = await connect('rr-bin')
    await publish(pub, 'rr/bin/raw', NOT_UTF8, { qos: 1, properties: { payloadFormatIndicator: false } })
    await publish(pub, 'rr/bin/text', 'grüß 👋', { qos: 1, properties: { payloadFormatIndicator: true } })
    const [raw, text] = await inbox.take(2)
    assert.deepStrictEqual([[...raw.payload], raw.packet.properties.payloadFormatIndicator], [[...NOT_UTF8], false])
    assert.deepStrictEqual([text.text, text.packet.properties.payloadFormatIndicator], ['grüß 👋', true])
  })

  it('a will that is not the UTF-8 it claims is refused with CONNACK 0x99', async () => {
    const will = { topic: 'rr/will', payload: NOT_UTF8, qos: 0, retain: false, properties: { payloadFormatIndicator: true } }
    await assert.rejects(connect('rr-bad-will', { will }), (err) => err.code === 0x99)
  })

  it('a Response Topic with wildcards is refused with a DISCONNECT [MQTT-3.3.2-14]', async () => {
    const { client } = await connect('rr-wild')
    const disconnect = once(client, 'disconnect')
    client.publish('rr/wild', 'x', { qos: 0, properties: { responseTopic: 'rr/#' } })
    assert.ok([0x81, 0x82].includes((await disconnect).reasonCode))
  })
})
