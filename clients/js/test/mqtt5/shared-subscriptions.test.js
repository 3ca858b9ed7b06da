'use strict'
// Shared subscriptions $share/{group}/{filter} with MQTT.js members (spec 4.8.2): one member of a group gets each
// message, in turn; unacknowledged QoS 1 messages of a member that goes away go to another member.
const { describe, it, afterEach } = require('node:test')
const assert = require('node:assert')
const { connect, publish, subscribe, nextPacket, closeAll } = require('./harness')

async function publishAll (topic, count, qos = 1) {
  const { client } = await connect('sh-pub')
  for (let i = 0; i < count; i++) await publish(client, topic, `m${i}`, { qos })
}

const texts = (messages) => messages.map((m) => m.text)

describe('Shared subscriptions (spec 4.8.2)', () => {
  afterEach(closeAll)

  it('each message goes to one member of the group, the members taking turns', async () => {
    const a = await connect('sh-rr-a')
    await subscribe(a.client, '$share/g/sh/rr/#', { qos: 1 })
    const b = await connect('sh-rr-b')
    await subscribe(b.client, '$share/g/sh/rr/#', { qos: 1 })
    await publishAll('sh/rr/t', 6)
    const toA = texts(await a.inbox.take(3))
    const toB = texts(await b.inbox.take(3))
    await a.inbox.none()
    await b.inbox.none()
    assert.ok(['m0,m2,m4', 'm1,m3,m5'].includes(toA.join()), `round robin, A got ${toA}`)
    assert.deepStrictEqual([...toA, ...toB].sort(), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5'], 'none twice, none lost')
  })

  it('every group and every ordinary subscriber gets its own copy', async () => {
    const g1a = await connect('sh-g1-a')
    await subscribe(g1a.client, '$share/g1/sh/grp/#')
    const g1b = await connect('sh-g1-b')
    await subscribe(g1b.client, '$share/g1/sh/grp/#')
    const g2 = await connect('sh-g2')
    await subscribe(g2.client, '$share/g2/sh/grp/+')
    const plain = await connect('sh-plain')
    await subscribe(plain.client, 'sh/grp/#')
    await publishAll('sh/grp/t', 4)
    assert.strictEqual((await g1a.inbox.take(2)).length + (await g1b.inbox.take(2)).length, 4)
    assert.deepStrictEqual(texts(await g2.inbox.take(4)), ['m0', 'm1', 'm2', 'm3'])
    assert.deepStrictEqual(texts(await plain.inbox.take(4)), ['m0', 'm1', 'm2', 'm3'])
  })

  it('each member gets the message at its own granted QoS [MQTT-4.8.2-3]', async () => {
    const q0 = await connect('sh-q0')
    await subscribe(q0.client, '$share/q/sh/qos/#', { qos: 0 })
    const q2 = await connect('sh-q2')
    await subscribe(q2.client, '$share/q/sh/qos/#', { qos: 2 })
    await publishAll('sh/qos/t', 2, 2)
    assert.strictEqual((await q0.inbox.next()).packet.qos, 0)
    assert.strictEqual((await q2.inbox.next()).packet.qos, 2)
  })

  it('retained messages are not sent when a shared subscription is made (spec 3.3.1.3)', async () => {
    const { client: pub } = await connect('sh-ret-pub')
    await publish(pub, 'sh/ret/t', 'kept', { qos: 1, retain: true })
    const plain = await connect('sh-ret-plain')
    await subscribe(plain.client, 'sh/ret/#')
    assert.strictEqual((await plain.inbox.next()).text, 'kept', 'the retained message is stored')
    const member = await connect('sh-ret-member')
    await subscribe(member.client, '$share/r/sh/ret/#')
    await member.inbox.none()
  })

  it('a member that goes away without acknowledging hands its QoS 1 messages to another member (spec 4.8.2)', async () => {
    // given a member that takes one message at a time and never acknowledges it (MQTT.js holds the PUBACK
    // while customHandleAcks has not answered)
    const a = await connect('sh-ho-a', { properties: { receiveMaximum: 1 }, customHandleAcks: () => {} })
    const arrived = nextPacket(a.client, 'publish')
    await subscribe(a.client, '$share/h/sh/ho/#', { qos: 1 })
    await publishAll('sh/ho/t', 2)
    assert.strictEqual((await arrived).payload.toString(), 'm0', 'the first message is in flight to the member')
    // and a member that joins after both messages were routed
    const b = await connect('sh-ho-b')
    await subscribe(b.client, '$share/h/sh/ho/#', { qos: 1 })
    // when the first member's connection breaks
    a.client.end(true)
    // then the other member gets both, in order, at its QoS 1
    const handedOff = await b.inbox.take(2)
    assert.deepStrictEqual(handedOff.map((m) => `${m.text}@${m.packet.qos}`), ['m0@1', 'm1@1'])
    await b.inbox.none()
  })

  it('a message a member refused (PUBACK 0x80) is not offered to another member [MQTT-4.8.2-6]', async () => {
    const refused = []
    const refuser = await connect('sh-refuse', {
      customHandleAcks: (topic, payload, packet, done) => { refused.push(payload.toString()); done(0x80) }
    })
    await subscribe(refuser.client, '$share/x/sh/refuse/#', { qos: 1 })
    const taker = await connect('sh-take')
    await subscribe(taker.client, '$share/x/sh/refuse/#', { qos: 1 })
    await publishAll('sh/refuse/t', 4)
    const taken = texts(await taker.inbox.take(2))
    await taker.inbox.none()
    assert.strictEqual(refused.length, 2)
    assert.deepStrictEqual([...refused, ...taken].sort(), ['m0', 'm1', 'm2', 'm3'])
  })
})
