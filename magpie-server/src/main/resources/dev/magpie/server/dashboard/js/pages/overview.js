// Overview: live charts from /api/v1/stats (cumulative counters, polled every 2 s; rates are the difference
// of two readings over the time between them), the broker's version, uptime and listeners, and its cluster
// (/api/v1/cluster: this node, the members with their leases, cross-node counts; or that it is a single broker).
import { api } from '../api.js'
import { h, header, table, formatDuration, formatTime, errorBox, replace } from '../dom.js'
import { LineChart } from '../chart.js'

export const title = 'Overview'
const POLL_MS = 2000

export function render (main) {
  const figures = h('div', { class: 'figures' })
  const info = h('section', { class: 'card', 'aria-labelledby': 'broker-h' }, h('h2', { id: 'broker-h' }, 'Broker'), h('p', { class: 'muted' }, 'Loading…'))
  const charts = [
    chartCard('Connections', [{ label: 'connected', color: '--series-1' }]),
    chartCard('Messages per second', [{ label: 'in', color: '--series-1' }, { label: 'out', color: '--series-2', dash: [6, 4] }]),
    chartCard('Dropped per second', [{ label: 'dropped', color: '--series-3' }])
  ]
  const cluster = h('section', { class: 'card', id: 'cluster-card', 'aria-labelledby': 'cluster-h' }, h('h2', { id: 'cluster-h' }, 'Cluster'), h('p', { class: 'muted' }, 'Loading…'))
  main.append(header(title), figures, h('div', { class: 'charts' }, charts.map(c => c.card)), info, cluster)

  let previous = null
  let stopped = false
  async function poll () {
    try {
      const stats = await api.get('/stats')
      const now = stats.time ? Date.parse(stats.time) : Date.now()
      charts[0].chart.push([stats.connections])
      if (previous) {
        const seconds = Math.max(0.001, (now - previous.at) / 1000)
        const rate = (key) => Math.max(0, (stats[key] - previous.stats[key]) / seconds)
        charts[1].chart.push([rate('messagesReceived'), rate('messagesSent')])
        charts[2].chart.push([rate('messagesDropped')])
      }
      previous = { stats, at: now }
      replace(figures,
        figure('Connections', stats.connections),
        figure('Offline sessions', stats.sessionsOffline),
        figure('Subscriptions', stats.subscriptions),
        figure('Retained', stats.retained),
        figure('Received', stats.messagesReceived),
        figure('Sent', stats.messagesSent),
        figure('Dropped', stats.messagesDropped))
    } catch (e) {
      replace(figures, errorBox(e))
    }
  }
  async function loadBroker () {
    try {
      const b = await api.get('/broker')
      replace(info, h('h2', { id: 'broker-h' }, 'Broker'),
        h('dl', { class: 'facts' },
          h('dt', {}, 'Version'), h('dd', { id: 'broker-version' }, b.version),
          h('dt', {}, 'Up for'), h('dd', {}, formatDuration(b.uptimeSeconds)),
          h('dt', {}, 'Started'), h('dd', {}, formatTime(b.startedAt))),
        h('h3', {}, 'Listeners'),
        table([
          { label: 'Name', value: l => l.name },
          { label: 'Type', value: l => l.type },
          { label: 'Address', value: l => `${l.bind}:${l.port}` },
          { label: 'TLS', value: l => l.tls ? 'yes' : 'no' },
          { label: 'WebSocket paths', value: l => (l.websocketPaths || []).join(' ') || '—' }
        ], b.listeners || [], { caption: 'Listeners' }))
    } catch (e) {
      replace(info, h('h2', { id: 'broker-h' }, 'Broker'), errorBox(e))
    }
  }
  async function loadCluster () {
    try {
      const c = await api.get('/cluster')
      if (!c.enabled) {
        replace(cluster, h('h2', { id: 'cluster-h' }, 'Cluster'), h('p', { id: 'cluster-state', class: 'muted' }, 'A single broker, not a cluster node.'))
        return
      }
      replace(cluster, h('h2', { id: 'cluster-h' }, 'Cluster'),
        h('dl', { class: 'facts' },
          h('dt', {}, 'This node'), h('dd', { id: 'cluster-state' }, c.nodeId),
          h('dt', {}, 'Live nodes'), h('dd', {}, c.nodes),
          h('dt', {}, 'Remote filters'), h('dd', {}, c.routes.remoteFilters),
          h('dt', {}, 'Forwarded / received / dropped'), h('dd', {}, `${c.messages.forwarded} / ${c.messages.received} / ${c.messages.dropped}`)),
        table([
          { label: 'Node', value: m => m.self ? `${m.nodeId} (this node)` : m.nodeId },
          { label: 'State', value: m => m.state === 'alive' ? 'alive' : 'lease expired' },
          { label: 'Filters', value: m => m.self ? '—' : m.filters },
          { label: 'Incarnation', value: m => m.incarnation }
        ], c.members || [], { caption: 'Cluster members' }))
    } catch (e) {
      replace(cluster, h('h2', { id: 'cluster-h' }, 'Cluster'), errorBox(e))
    }
  }
  loadBroker()
  loadCluster()
  poll()
  const timer = setInterval(() => { if (!stopped && !document.hidden) poll() }, POLL_MS) // a hidden tab asks nothing
  const uptime = setInterval(loadBroker, 30000)
  const members = setInterval(() => { if (!stopped && !document.hidden) loadCluster() }, 10000)
  return () => {
    stopped = true
    clearInterval(timer)
    clearInterval(uptime)
    clearInterval(members)
    charts.forEach(c => c.chart.stop())
  }
}

function chartCard (name, series) {
  const canvas = h('canvas', { role: 'img', 'aria-label': `${name}, last three minutes` })
  const card = h('section', { class: 'card chart' },
    h('h2', {}, name),
    h('ul', { class: 'legend' }, series.map(s => h('li', { class: s.dash ? 'dashed' : null, style: { '--swatch': `var(${s.color})` } }, s.label))),
    canvas)
  return { card, chart: new LineChart(canvas, series, { points: 90 }) }
}

function figure (label, value) {
  return h('div', { class: 'figure' }, h('span', { class: 'value' }, value ?? '—'), h('span', { class: 'label' }, label))
}
