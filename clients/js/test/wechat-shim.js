'use strict'
// The part of the WeChat mini program API that MQTT.js's wx transport uses (lib/connect/wx.js):
//   const task = wx.connectSocket({ url, protocols })
//   task.onOpen(cb) / task.onMessage(cb({ data })) / task.onClose(cb) / task.onError(cb({ errMsg }))
//   task.send({ data: ArrayBuffer, success, fail }) / task.close({ code?, reason?, success, fail })
// built on the `ws` package, so a Node test sees the broker exactly as a mini program's socket does.
// `tls` options (e.g. { ca }) stand in for the phone's trust store.
const fs = require('node:fs')
const path = require('node:path')
const vm = require('node:vm')
const WebSocket = require('ws')

function createWx (tls = {}) {
  const opened = []
  const wx = {
    connectSocket ({ url, header, protocols, success, fail }) {
      const socket = new WebSocket(url, protocols || [], { headers: header || {}, ...tls })
      socket.binaryType = 'arraybuffer'
      opened.push({ url, protocols, socket })
      const task = {
        onOpen (cb) { socket.on('open', () => cb({ header: {}, profile: {} })) },
        onMessage (cb) {
          socket.on('message', (data, isBinary) => cb({ data: isBinary ? data : Buffer.from(data).toString('utf8') }))
        },
        onClose (cb) { socket.on('close', (code, reason) => cb({ code, reason: reason.toString() })) },
        onError (cb) { socket.on('error', (err) => cb({ errMsg: `connectSocket:fail ${err.message}` })) },
        send ({ data, success, fail, complete }) {
          if (socket.readyState !== WebSocket.OPEN) {
            const res = { errMsg: 'sendSocketMessage:fail WebSocket is not connected' }
            if (fail) fail(res)
            if (complete) complete(res)
            return
          }
          socket.send(data, { binary: typeof data !== 'string' }, (err) => {
            const res = { errMsg: err ? `sendSocketMessage:fail ${err.message}` : 'sendSocketMessage:ok' }
            if (err && fail) fail(res)
            if (!err && success) success(res)
            if (complete) complete(res)
          })
        },
        close ({ code, reason, success, fail, complete } = {}) {
          if (socket.readyState === WebSocket.CLOSED) {
            const res = { errMsg: 'closeSocket:fail WebSocket is not connected' }
            if (fail) fail(res)
            if (complete) complete(res)
            return
          }
          socket.close(code || 1000, reason)
          const res = { errMsg: 'closeSocket:ok' }
          if (success) success(res)
          if (complete) complete(res)
        }
      }
      if (success) setTimeout(() => success({ errMsg: 'connectSocket:ok' }), 0)
      return task
    }
  }
  return { wx, opened }
}

// MQTT.js's packaged bundle (dist/mqtt.min.js, what a mini program copies into utils/), run in a context that has
// `wx` and no `window`, as in a mini program
function loadMiniProgramMqtt (wx) {
  const code = fs.readFileSync(path.join(__dirname, '..', 'node_modules', 'mqtt', 'dist', 'mqtt.min.js'), 'utf8')
  // a mini program's globals: timers, console, `wx`, no `window` and no `document`; AbortController and
  // navigator are what MQTT.js's README has mini programs import as polyfills before the bundle
  const context = vm.createContext({
    wx, console, setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask, TextEncoder, TextDecoder,
    AbortController, AbortSignal, navigator: { userAgent: 'miniprogram', language: 'zh_CN', platform: 'devtools' }
  })
  context.self = context
  return vm.runInContext(`${code};mqtt`, context, { filename: 'utils/mqtt.min.js' })
}

module.exports = { createWx, loadMiniProgramMqtt }
