'use strict'
// The seed's WeChat mini program: MQTT.js's packaged bundle (dist/mqtt.min.js, what a mini program copies
// into utils/), run in a context that has `wx` and no `window`, connecting to wxs://localhost like the seed.
const { test } = require('node:test')
const assert = require('node:assert')
const env = require('./env')
const { createWx, loadMiniProgramMqtt } = require('./wechat-shim')

test('a mini program connects with wxs:// through wx.connectSocket and exchanges a message', async () => {
  const { wx, opened } = createWx({ ca: env.ca() })
  const mqtt = loadMiniProgramMqtt(wx)
  const mqttHost = `wxs://localhost:${env.port('wss')}`
  // the mini program passes no path: MQTT.js uses "/", which the broker's listener upgrades
  const mqttClient = mqtt.connect(mqttHost, {
    username: 'test',
    password: '123456',
    clientId: 'mini-program-1',
    // without a window MQTT.js 5 registers its wx transport only when asked for native sockets
    forceNativeWebSocket: true,
    // MQTT.js's README advice for mini programs (no Web Worker timers there)
    timerVariant: 'native',
    reconnectPeriod: 0,
    connectTimeout: 10000
  })
  try {
    const got = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message within 10 s')), 10000)
      mqttClient.on('error', (error) => { clearTimeout(timer); reject(error) })
      mqttClient.on('close', () => { clearTimeout(timer); reject(new Error('connection closed before a message arrived')) })
      mqttClient.on('message', (topic, message) => { clearTimeout(timer); resolve(`${topic}=${message.toString()}`) })
      mqttClient.on('connect', () => {
        mqttClient.subscribe('/public/systemInfo', (err) => {
          if (err) { reject(err); return }
          mqttClient.publish('/public/systemInfo', 'hello from a mini program')
        })
      })
    })
    assert.strictEqual(got, '/public/systemInfo=hello from a mini program')
    assert.strictEqual(opened.length, 1)
    assert.strictEqual(opened[0].url, `wss://localhost:${env.port('wss')}/`)
    assert.deepStrictEqual(Array.from(opened[0].protocols), ['mqtt']) // an array from the bundle's realm
    assert.strictEqual(opened[0].socket.protocol, 'mqtt', 'the broker echoes the mqtt subprotocol')
  } finally {
    await new Promise((resolve) => mqttClient.end(false, {}, resolve))
  }
})
