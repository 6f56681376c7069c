package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// The input files are sensor logs, one CSV file per log:
//
//	timestamp,sensor,temperature,humidity,status
//	1700000000,s017,21.43,55.2,ok
//	1700000010,s003,,61.0,err
//	1700000020,s042,-999.00,48.7,ok
//
// status is "ok" or "err"; an "err" row has no temperature. A faulty sensor
// reports the out-of-range temperature -999 with status ok: the pipeline
// filters both kinds of rows out.

const (
	header     = "timestamp,sensor,temperature,humidity,status"
	sensors    = 50
	errShare   = 0.03  // rows with status err
	faultShare = 0.005 // rows with the fault value -999
	faultValue = -999.0
	// minTemp and maxTemp bound plausible temperatures (°C).
	minTemp, maxTemp = -40.0, 60.0
)

// genInfo describes one generated file: what the pipeline must find in it.
type genInfo struct {
	path  string
	bytes int64
	rows  int // data rows, without the header
	valid int // rows with status ok and a plausible temperature
}

// fileName returns the name of input file i.
func fileName(i int) string { return fmt.Sprintf("sensors-%04d.csv", i) }

// generate writes input file i into dir: between rows/2 and 3*rows/2 rows
// (rows on average), from a random generator seeded with (seed, i), so the
// same flags always give the same files.
func generate(ctx context.Context, dir string, i, rows int, seed uint64) (genInfo, error) {
	rng := rand.New(rand.NewPCG(seed, uint64(i)))
	n := max(1, rows/2+rng.IntN(rows+1))
	info := genInfo{path: filepath.Join(dir, fileName(i)), rows: n}

	buf := make([]byte, 0, 34*(n+1))
	buf = append(buf, header...)
	buf = append(buf, '\n')
	ts := int64(1_700_000_000 + i*rows*10)
	for r := range n {
		if r%4096 == 0 && ctx.Err() != nil {
			return info, context.Cause(ctx)
		}
		s := rng.IntN(sensors)
		// A daily cycle around a per-sensor mean, plus noise.
		temp := 15 + 0.2*float64(s) + 6*math.Sin(2*math.Pi*float64(r)/float64(n)) + 2*rng.NormFloat64()
		hum := math.Round(10*min(100, max(5, 60+15*rng.NormFloat64()))) / 10
		status := "ok"
		switch p := rng.Float64(); {
		case p < errShare:
			status = "err"
		case p < errShare+faultShare:
			temp = faultValue
		}
		temp = math.Round(temp*100) / 100
		if status == "ok" && temp >= minTemp && temp <= maxTemp {
			info.valid++
		}

		buf = strconv.AppendInt(buf, ts+int64(r)*10, 10)
		buf = append(buf, ",s"...)
		buf = append(buf, byte('0'+s/100), byte('0'+s/10%10), byte('0'+s%10), ',')
		if status == "ok" {
			buf = strconv.AppendFloat(buf, temp, 'f', 2, 64)
		}
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, hum, 'f', 1, 64)
		buf = append(buf, ',')
		buf = append(buf, status...)
		buf = append(buf, '\n')
	}
	info.bytes = int64(len(buf))
	if err := os.WriteFile(info.path, buf, 0o644); err != nil {
		return info, err
	}
	return info, nil
}
