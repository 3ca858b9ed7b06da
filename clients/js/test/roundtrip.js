'use strict'
// Connects a client, subscribes, publishes to itself and resolves with what came back.
function roundTrip (client, topic, text, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message on ${topic} within ${timeoutMs} ms`)), timeoutMs)
    client.on('error', (err) => { clearTimeout(timer); reject(err) })
    client.on('message', (t, payload) => {
      if (t === topic) { clearTimeout(timer); resolve(payload.toString()) }
    })
    client.on('connect', () => {
      client.subscribe(topic, { qos: 1 }, (err) => {
        if (err) { clearTimeout(timer); reject(err); return }
        client.publish(topic, text, { qos: 1 })
      })
    })
  })
}

function end (client) {
  return new Promise((resolve) => client.end(false, {}, resolve))
}

module.exports = { roundTrip, end }
