// A line chart on a <canvas>, just what the overview needs: a few series over the last N samples, a y axis
// from zero to a rounded maximum, and crisp lines on high-density screens. Colours come from CSS custom
// properties so the stylesheet (and a dark colour scheme) decides them.
//
//   const chart = new LineChart(canvas, [{ label: 'in/s', color: '--series-1' }], { points: 90, seconds: 2 })
//   chart.push([42]); // one new sample per series; redraws

const MIN_SPAN = 10

export class LineChart {
  constructor (canvas, series, { points = 90, seconds = 2, unit = '' } = {}) {
    this.canvas = canvas
    this.seconds = seconds
    this.series = series.map(s => ({ ...s, values: [] }))
    this.points = points
    this.unit = unit
    this.resize = new ResizeObserver(() => this.draw())
    this.resize.observe(canvas)
  }

  push (values) {
    this.series.forEach((s, i) => {
      s.values.push(values[i])
      if (s.values.length > this.points) s.values.shift()
    })
    this.draw()
  }

  stop () { this.resize.disconnect() }

  draw () {
    const canvas = this.canvas
    const ratio = window.devicePixelRatio || 1
    const width = canvas.clientWidth
    const height = canvas.clientHeight
    if (width === 0 || height === 0) return
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio)
      canvas.height = Math.round(height * ratio)
    }
    const ctx = canvas.getContext('2d')
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0)
    ctx.clearRect(0, 0, width, height)
    const style = getComputedStyle(canvas)
    const color = (name) => style.getPropertyValue(name).trim() || '#888'

    const max = niceMax(1.1 * Math.max(0, ...this.series.flatMap(s => s.values.filter(Number.isFinite)))) // headroom: a line never sits on the frame
    const left = 44
    const right = 8
    const top = 8
    const bottom = 18
    const plotW = width - left - right
    const plotH = height - top - bottom
    ctx.font = `11px ${style.fontFamily}`
    ctx.lineWidth = 1

    // grid and y labels: 0, max/2, max
    ctx.fillStyle = color('--muted')
    ctx.strokeStyle = color('--grid')
    ctx.textAlign = 'right'
    ctx.textBaseline = 'middle'
    for (let i = 0; i <= 2; i++) {
      const y = top + plotH - plotH * i / 2
      ctx.beginPath()
      ctx.moveTo(left, Math.round(y) + 0.5)
      ctx.lineTo(left + plotW, Math.round(y) + 0.5)
      ctx.stroke()
      ctx.fillText(short(max * i / 2) + this.unit, left - 6, y)
    }
    ctx.textAlign = 'left'
    ctx.textBaseline = 'alphabetic'
    // the window grows with the samples up to `points` (so a fresh page shows a line, not a dot), then scrolls
    const span = Math.min(this.points, Math.max(MIN_SPAN, ...this.series.map(s => s.values.length)))
    ctx.fillText(`last ${span * this.seconds} s`, left, height - 4)

    const step = plotW / Math.max(1, span - 1)
    for (const s of this.series) {
      if (s.values.length === 0) continue
      ctx.strokeStyle = color(s.color)
      ctx.lineWidth = 2
      ctx.lineJoin = 'round'
      ctx.setLineDash(s.dash || []) // a dashed series stays visible where it runs on top of another
      ctx.beginPath()
      const offset = span - s.values.length
      s.values.forEach((v, i) => {
        const x = left + (offset + i) * step
        const y = top + plotH - (Number.isFinite(v) ? v : 0) / max * plotH
        if (i === 0) ctx.moveTo(x, y)
        else ctx.lineTo(x, y)
      })
      ctx.stroke()
    }
    ctx.setLineDash([])
  }
}

/** 1, 2 or 5 times a power of ten, at least the value (and at least 1, so an idle broker shows 0..1). */
function niceMax (value) {
  if (value <= 1) return 1
  const power = Math.pow(10, Math.floor(Math.log10(value)))
  for (const m of [1, 2, 5, 10]) {
    if (m * power >= value) return m * power
  }
  return 10 * power
}

function short (n) {
  if (n >= 1e6) return `${+(n / 1e6).toFixed(1)}M`
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}k`
  return `${+n.toFixed(1)}`
}
