package report

import (
	"bytes"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// plotSpec is a plot ready to be drawn at a size.
type plotSpec struct {
	p    *plot.Plot
	w, h vg.Length
}

const pngDPI = 144

func (s *plotSpec) svg() ([]byte, error) {
	c := vgsvg.New(s.w, s.h)
	s.p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (s *plotSpec) png() ([]byte, error) {
	c := vgimg.NewWith(vgimg.UseWH(s.w, s.h), vgimg.UseDPI(pngDPI))
	s.p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// style returns a distinct colour and dash pattern for series i.
func style(i int) draw.LineStyle {
	return draw.LineStyle{Color: plotutil.Color(i), Width: vg.Points(1.2), Dashes: plotutil.Dashes(i / len(plotutil.DefaultColors))}
}

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Title.TextStyle.Font.Size = vg.Points(11)
	p.Legend.TextStyle.Font.Size = vg.Points(8)
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	return p
}

// positionsPlot draws each present actor's position on issue k over the
// recorded rounds of the base run, and the forecast as a dashed line. The
// x range is widened to the right to leave room for the legend.
func (b *Brief) positionsPlot(k int) (*plotSpec, error) {
	in, res := b.Instance, b.Run
	m := in.M()
	is := in.Issues[k]
	p := newPlot(nameOr(b.issueName(is.ID), is.ID), "round", "position")
	last := 0.0
	if n := len(res.Turns); n > 0 {
		last = float64(res.Turns[n-1])
	}
	series := 0
	for a, id := range in.Actors {
		if math.IsNaN(in.Position[a*m+k]) {
			continue
		}
		xy := make(plotter.XYs, len(res.Trace))
		for r, pos := range res.Trace {
			xy[r] = plotter.XY{X: float64(res.Turns[r]), Y: pos[a*m+k]}
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.LineStyle = style(series)
		series++
		p.Add(l)
		p.Legend.Add(id, l)
	}
	f := res.Forecast[k]
	if !math.IsNaN(f) {
		l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: f}, {X: last, Y: f}})
		if err != nil {
			return nil, err
		}
		l.LineStyle = draw.LineStyle{Color: color.Black, Width: vg.Points(2), Dashes: []vg.Length{vg.Points(6), vg.Points(3)}}
		p.Add(l)
		p.Legend.Add("forecast", l)
	}
	span := math.Max(last, 1)
	p.X.Min, p.X.Max = 0, last+0.35*span
	p.Y.Min, p.Y.Max = is.Min, is.Max
	return &plotSpec{p: p, w: 16 * vg.Centimeter, h: 9 * vg.Centimeter}, nil
}

func (b *Brief) issueName(id string) string {
	if is := b.issue(id); is != nil {
		return is.Name
	}
	return ""
}

// outcomePlot draws the base's outcome histogram on issue k as bars (share
// of draws per bin), each variant's as a line through its bin centres,
// and the base point forecast as a dashed vertical line.
func (b *Brief) outcomePlot(k int) (*plotSpec, error) {
	is := b.Compare.Issues[k]
	p := newPlot(issueTitle(is), "outcome", "share of draws")
	cols := b.Compare.Columns
	var top float64
	for i := range cols {
		sim := cols[i].Simulation
		if sim == nil {
			continue
		}
		h := sim.Issues[k].Histogram
		n := len(h.Counts)
		w := (h.Hi - h.Lo) / float64(n)
		total := float64(sim.Draws)
		if i == 0 {
			hist := &plotter.Histogram{Width: w, FillColor: color.Gray{Y: 190}, LineStyle: draw.LineStyle{Color: color.Gray{Y: 90}, Width: vg.Points(0.5)}}
			for j, c := range h.Counts {
				x0 := h.Lo + float64(j)*w
				hist.Bins = append(hist.Bins, plotter.HistogramBin{Min: x0, Max: x0 + w, Weight: float64(c) / total})
				top = math.Max(top, float64(c)/total)
			}
			p.Add(hist)
			p.Legend.Add("base", hist)
			continue
		}
		xy := make(plotter.XYs, n)
		for j, c := range h.Counts {
			xy[j] = plotter.XY{X: h.Lo + (float64(j)+0.5)*w, Y: float64(c) / total}
			top = math.Max(top, xy[j].Y)
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.LineStyle = style(i - 1)
		p.Add(l)
		p.Legend.Add(cols[i].Variant, l)
	}
	f := float64(cols[0].Forecast[k])
	if top == 0 {
		top = 1
	}
	if !math.IsNaN(f) {
		l, err := plotter.NewLine(plotter.XYs{{X: f, Y: 0}, {X: f, Y: top * 1.05}})
		if err != nil {
			return nil, err
		}
		l.LineStyle = draw.LineStyle{Color: color.Black, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(6), vg.Points(3)}}
		p.Add(l)
		p.Legend.Add("point forecast", l)
	}
	iss := b.issue(is.ID)
	p.X.Min, p.X.Max = iss.Scale.Min, iss.Scale.Max
	p.Y.Min, p.Y.Max = 0, top*1.35
	return &plotSpec{p: p, w: 16 * vg.Centimeter, h: 8 * vg.Centimeter}, nil
}
