// MQTT.js built for mini programs by "Build npm" (miniprogram_npm/mqtt).
const mqtt = require('mqtt/dist/mqtt.min');

// The broker's WSS endpoint. WeChat only opens wss:// (wxs:// in MQTT.js) to whitelisted domains with a
// valid certificate chain; see docs/wechat.md.
const BROKER_URL = 'wxs://mqtt.example.com/mqtt';

Page({
  data: { state: 'connecting', draft: 'hello from a mini program', messages: [] },

  onLoad() {
    this.client = mqtt.connect(BROKER_URL, {
      protocolVersion: 4, // MQTT 3.1.1; 5 works too
      clientId: 'wx_' + Math.random().toString(16).slice(2, 10),
      username: 'test',
      password: '123456',
      reconnectPeriod: 5000,
      connectTimeout: 10000,
      forceNativeWebSocket: true // MQTT.js 5 picks its wx transport only with this (no window object)
    });
    this.client.on('connect', () => {
      this.setData({ state: 'connected' });
      this.client.subscribe('/public/#', { qos: 1 });
    });
    this.client.on('reconnect', () => this.setData({ state: 'reconnecting' }));
    this.client.on('close', () => this.setData({ state: 'closed' }));
    this.client.on('error', (err) => this.setData({ state: 'error: ' + err.message }));
    this.client.on('message', (topic, payload) => {
      const line = topic + ': ' + payload.toString();
      this.setData({ messages: [line].concat(this.data.messages).slice(0, 50) });
    });
  },

  onUnload() {
    if (this.client) {
      this.client.end(true);
    }
  },

  onInput(e) {
    this.setData({ draft: e.detail.value });
  },

  send() {
    this.client.publish('/public/chat', this.data.draft, { qos: 1 });
  }
});
