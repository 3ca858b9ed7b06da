'use strict'
// The seed's whole program (examples/embedded, SeedBroker with its HTTPS port) as its WeChat mini program sees it:
// MQTT.js's bundle over wxs:// through wx.connectSocket, logged in as the seed's user test, on the port that also
// answers "hello world!" at /. Run by the example's Java test (SeedBrokerHttpsTest), which starts the program.
const { test } = require('node:test')
const assert = require('node:assert')
const env = require('./env')
const { createWx, loadMiniProgramMqtt } = require('./wechat-shim')

function nextMessage (client, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within 10 s`)), 10000)
    client.once('message', (topic, message) => { clearTimeout(timer); resolve(`${topic}=${message.toString()}`) })
  })
}

test('the seed mini program logs in over wxs://, hears its own subscription announced and the server answer test1', async () => {
  const { wx, opened } = createWx({ ca: env.ca() })
  const mqtt = loadMiniProgramMqtt(wx)
  const client = mqtt.connect(`wxs://localhost:${env.port('wss')}`, {
    username: 'test',
    password: '123456',
    clientId: 'seed-mini-program',
    forceNativeWebSocket: true,
    timerVariant: 'native',
    reconnectPeriod: 0,
    connectTimeout: 10000
  })
  try {
    await new Promise((resolve, reject) => {
      client.once('connect', resolve)
      client.once('error', reject)
    })
    // the seed's "subscribed" handler announces every subscription on /public/systemInfo
    const announced = nextMessage(client, 'announcement')
    await client.subscribeAsync('/public/systemInfo')
    assert.strictEqual(await announced, '/public/systemInfo=test has subscribed topic: /public/systemInfo')
    await client.unsubscribeAsync('/public/systemInfo')

    // the seed's "published" handler answers test1 on other
    await client.subscribeAsync('other')
    const answer = nextMessage(client, 'answer on other')
    await client.publishAsync('test1', 'hello from the mini program')
    assert.strictEqual(await answer, 'other=This is server')

    assert.strictEqual(opened[0].url, `wss://localhost:${env.port('wss')}/`)
    assert.strictEqual(opened[0].socket.protocol, 'mqtt')
  } finally {
    await new Promise((resolve) => client.end(false, {}, resolve))
  }
})

test('a wrong password is refused over wxs:// as on port 1883', async () => {
  const { wx } = createWx({ ca: env.ca() })
  const mqtt = loadMiniProgramMqtt(wx)
  const client = mqtt.connect(`wxs://localhost:${env.port('wss')}`, {
    username: 'test', password: 'wrong', clientId: 'seed-intruder', forceNativeWebSocket: true,
    timerVariant: 'native', reconnectPeriod: 0, connectTimeout: 10000
  })
  try {
    const error = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('neither refused nor connected within 10 s')), 10000)
      client.once('connect', () => { clearTimeout(timer); reject(new Error('connected with a wrong password')) })
      client.once('error', (e) => { clearTimeout(timer); resolve(e) })
    })
    assert.match(error.message, /Bad username or password|Not authorized/i)
  } finally {
    await new Promise((resolve) => client.end(true, {}, resolve))
  }
})
