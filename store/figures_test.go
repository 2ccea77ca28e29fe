package store

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/incidents-dev/incidents/parser"
)

func TestFiguresRoundTrip(t *testing.T) {
	sentence := "In March, 41 people were killed and 57 injured in Khyber Pakhtunkhwa — the most since 2014."
	for _, tc := range []struct {
		name string
		figs []parser.Figure
	}{
		{"no figures", nil},
		{"one figure", []parser.Figure{{Period: "2024-03", Metric: "deaths", Category: "all", Region: "PK-KP",
			Value: 41, Qualifier: "exact", Confidence: 0.9, Evidence: parser.Evidence{Text: sentence, Start: 10, End: 12}}}},
		{"shared strings and odd values", []parser.Figure{
			{Period: "2024-03", Metric: "deaths", Category: "all", Region: "PK-KP", Value: 41, Qualifier: "exact",
				Confidence: 0.9, Evidence: parser.Evidence{Text: sentence, Start: 10, End: 12}},
			{Period: "2024-03", Metric: "injuries", Category: "all", Region: "PK-KP", Value: 57, Qualifier: "at_least",
				Confidence: 0.75, Evidence: parser.Evidence{Text: sentence, Start: 36, End: 38}},
			{Period: "2024-Q1", Metric: "attacks", Category: "security_forces", Region: "", Value: 0,
				Qualifier: "exact", Confidence: 0, Evidence: parser.Evidence{Text: "", Start: 0, End: 0}},
			{Period: "2023", Metric: "arrests", Category: "militants", Region: "PK", Value: 1 << 40,
				Qualifier: "approx", Confidence: 1, Evidence: parser.Evidence{Text: "ünïcode ✓", Start: 1 << 30, End: 1<<30 + 9}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enc := EncodeFigures(tc.figs)
			got, err := decodeFigures(enc)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if len(got) != len(tc.figs) || (len(got) > 0 && !reflect.DeepEqual(got, tc.figs)) {
				t.Fatalf("round trip:\n got  %+v\n want %+v", got, tc.figs)
			}
			if n := bytes.Count(enc, []byte(sentence)); len(tc.figs) > 1 && n != 1 {
				t.Errorf("the shared sentence is stored %d times, want once", n)
			}
		})
	}
}

// TestFiguresMalformed checks that every damaged value is an error, never
// a panic or a wrong list: each strict prefix of a valid value, trailing
// bytes, an unknown format and string indexes out of range.
func TestFiguresMalformed(t *testing.T) {
	enc := EncodeFigures([]parser.Figure{
		{Period: "2024-01", Metric: "deaths", Category: "all", Region: "PK", Value: 12, Qualifier: "exact",
			Confidence: 0.9, Evidence: parser.Evidence{Text: "12 died.", Start: 0, End: 2}},
		{Period: "2024-01", Metric: "attacks", Category: "all", Region: "PK", Value: 3, Qualifier: "exact",
			Confidence: 0.9, Evidence: parser.Evidence{Text: "3 attacks.", Start: 9, End: 10}},
	})
	bad := map[string][]byte{
		"trailing byte":  append(bytes.Clone(enc), 0),
		"unknown format": append([]byte{9}, enc[1:]...),
	}
	for n := 1; n < len(enc); n++ {
		bad[fmt.Sprintf("prefix of %d bytes", n)] = enc[:n]
	}
	// The first figure's period index (right after the string table) made
	// to point past the table.
	table := bytes.Index(enc, []byte("3 attacks.")) + len("3 attacks.")
	outOfRange := bytes.Clone(enc)
	outOfRange[table+1] = 100
	bad["string index out of range"] = outOfRange
	for name, b := range bad {
		figs, err := decodeFigures(b)
		if !errors.Is(err, errFigures) {
			t.Errorf("%s: decode = %d figures, err %v; want errFigures", name, len(figs), err)
		}
	}
}

// FuzzDecodeFigures checks that decoding any bytes returns an error or a
// list that encodes back to a value decoding to the same list.
func FuzzDecodeFigures(f *testing.F) {
	f.Add(EncodeFigures([]parser.Figure{{Period: "2024-01", Metric: "deaths", Category: "all", Region: "PK",
		Value: 12, Qualifier: "exact", Confidence: 0.9, Evidence: parser.Evidence{Text: "12 died.", End: 2}}}))
	f.Add([]byte{1, 0, 0})
	f.Add([]byte{1, 200, 200, 200, 200, 200, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		figs, err := decodeFigures(b)
		if err != nil {
			return
		}
		again, err := decodeFigures(EncodeFigures(figs))
		if err != nil {
			t.Fatalf("re-encoded value does not decode: %v", err)
		}
		if len(again) != len(figs) || (len(figs) > 0 && !reflect.DeepEqual(again, figs)) {
			// NaN confidences compare unequal: compare their encodings
			if !bytes.Equal(EncodeFigures(again), EncodeFigures(figs)) {
				t.Fatalf("round trip changed the figures:\n %+v\n %+v", figs, again)
			}
		}
	})
}
