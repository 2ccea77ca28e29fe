package parser

import (
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

//go:embed data/lexicon.yaml data/regions/*.yaml
var dataFS embed.FS

// kind is the role a lexicon phrase plays.
type kind uint8

const (
	kMetricNoun kind = iota + 1
	kMetricWeak
	kMetricVerb
	kCategory
	kCategoryAdj
	kQualifier
	kNumPhrase
	kOrdinal
	kMonth
	kDay
	kNotCountAfter
	kNotCountBefore
	kRestrictor
	kOperations
	kComparison
	kReference
	kBothPeriods
	kAnaphor
	kRegionNegator
	kRegionComparison
	kNationwide
	kLocal
	kDistributor
	kRespectively
	kNegator
	kZeroTrigger
	kZeroVerb
	kSingleEvent
	kSameNumber
	kRegion
	kBlockedPlace
	kSupra
	kCountry
	kNumberWord
	kToDate
	kZeroFree
	kRegionInclusion
	kThreshold
	kOrganisation
	kAgentVerb
	kReportVerb
	kWeekday // num: 0 Sunday ... 6 Saturday
	kViolence
	kEventStart
	kRecordVerb

	numKinds
)

// The kinds are bits of uint64 masks (kmask, allMask): at most 64.
var _ [64 - numKinds]struct{}

// tag is one role of a phrase with its value (a metric, a code, a number).
type tag struct {
	kind kind
	str  string
	num  int64
	n    int // phrase length in tokens
}

// node is a trie node over word ids, built while loading; matching uses
// its flat copy (trie).
type node struct {
	next map[int32]*node
	tags []tag
}

// Lexicon is the parser's vocabulary, loaded from the embedded data files.
type Lexicon struct {
	vocab         map[string]int32
	table         *vocabTable // vocab for lookups of text tokens
	words         []string    // id -> word
	starts        []bool      // id -> the word can start a period expression
	conj          []bool      // id -> the word opens a sub-clause ("while", "but")
	trie          trie        // root's phrases, for matching
	idThe, idA    int32
	punct         [256]int32 // vocabulary id of each punctuation character, -1 when none
	scratch       sync.Pool  // *sentence buffers reused by Extract
	root          *node
	publishers    map[string]string // lower-case publisher -> default category
	regionCountry map[string]string
	fiscal        map[string]int // country -> first month of its fiscal year
}

type lexiconFile struct {
	Metrics map[string]struct {
		Nouns     []string `yaml:"nouns"`
		WeakNouns []string `yaml:"weak_nouns"`
		Verbs     []string `yaml:"verbs"`
	} `yaml:"metrics"`
	Categories         map[string][]string `yaml:"categories"`
	CategoryAdjectives map[string][]string `yaml:"category_adjectives"`
	Qualifiers         map[string][]string `yaml:"qualifiers"`
	Numbers            struct {
		Units   map[string]int64 `yaml:"units"`
		Tens    map[string]int64 `yaml:"tens"`
		Scales  map[string]int64 `yaml:"scales"`
		Phrases map[string]int64 `yaml:"phrases"`
	} `yaml:"numbers"`
	Ordinals         map[string]int64 `yaml:"ordinals"`
	Months           map[string]int64 `yaml:"months"`
	Days             []string         `yaml:"days"`
	Weekdays         map[string]int64 `yaml:"weekdays"`
	ViolenceNouns    []string         `yaml:"violence_nouns"`
	EventStart       []string         `yaml:"event_start"`
	RecordVerbs      []string         `yaml:"record_verbs"`
	NotCountAfter    []string         `yaml:"not_count_after"`
	NotCountBefore   []string         `yaml:"not_count_before"`
	Restrictors      []string         `yaml:"restrictors"`
	Operations       []string         `yaml:"operations"`
	Comparison       []string         `yaml:"comparison"`
	Reference        []string         `yaml:"reference"`
	BothPeriods      []string         `yaml:"both_periods"`
	Anaphors         []string         `yaml:"anaphors"`
	RegionNegators   []string         `yaml:"region_negators"`
	RegionComparison []string         `yaml:"region_comparison"`
	Nationwide       []string         `yaml:"nationwide"`
	Local            []string         `yaml:"local"`
	Distributors     []string         `yaml:"distributors"`
	Respectively     []string         `yaml:"respectively"`
	Negators         []string         `yaml:"negators"`
	ZeroTriggers     []string         `yaml:"zero_triggers"`
	ZeroVerbs        []string         `yaml:"zero_verbs"`
	SingleEvents     []string         `yaml:"single_events"`
	SameNumber       []string         `yaml:"same_number"`
	ToDate           []string         `yaml:"to_date"`
	ZeroFree         []string         `yaml:"zero_free"`
	RegionInclusions []string         `yaml:"region_inclusions"`
	Thresholds       []string         `yaml:"thresholds"`
	Organisations    []string         `yaml:"organisations"`
	AgentVerbs       []string         `yaml:"agent_verbs"`
	ReportVerbs      []string         `yaml:"reporting_verbs"`
	Publishers       map[string]struct {
		Category string `yaml:"category"`
	} `yaml:"publishers"`
}

type regionFile struct {
	Country string `yaml:"country"`
	// FiscalYearStart is the month the country's fiscal year starts in
	// (7 for Pakistan: "fiscal year 2022-23" is July 2022 to June 2023).
	FiscalYearStart int      `yaml:"fiscal_year_start"`
	Names           []string `yaml:"names"`
	Regions         []struct {
		Code  string   `yaml:"code"`
		Names []string `yaml:"names"`
	} `yaml:"regions"`
	Blocked   []string `yaml:"blocked"`
	Countries []struct {
		Code  string   `yaml:"code"`
		Names []string `yaml:"names"`
	} `yaml:"countries"`
	Supra []string `yaml:"supra"`
}

var (
	codeRE         = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,3})?$`)
	validMetric    = map[string]bool{"attacks": true, "deaths": true, "injuries": true, "arrests": true, "abductions": true, "casualties": true}
	validCategory  = map[string]bool{"all": true, "civilians": true, "security_forces": true, "militants": true, "none": true}
	validQualifier = map[string]bool{"exact": true, "at_least": true, "approx": true, "at_most": true}
)

var defaultLexicon = sync.OnceValues(func() (*Lexicon, error) { return LoadLexicon(dataFS) })

// LoadLexicon reads and validates data/lexicon.yaml and data/regions/*.yaml
// from fsys. The embedded copy is used by Extract; tests and tools may load
// another.
func LoadLexicon(fsys fs.FS) (*Lexicon, error) {
	lx := &Lexicon{vocab: map[string]int32{}, root: &node{}, publishers: map[string]string{}, regionCountry: map[string]string{}, fiscal: map[string]int{}}
	raw, err := fs.ReadFile(fsys, "data/lexicon.yaml")
	if err != nil {
		return nil, fmt.Errorf("lexicon: %w", err)
	}
	// The grammar words take the first ids, so that wordID constants are
	// their vocabulary ids.
	for id, w := range grammarWords {
		lx.vocab[w] = int32(id)
		lx.words = append(lx.words, w)
	}
	var lf lexiconFile
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&lf); err != nil {
		return nil, fmt.Errorf("lexicon: data/lexicon.yaml: %w", err)
	}
	if err := lx.addLexicon(&lf); err != nil {
		return nil, fmt.Errorf("lexicon: data/lexicon.yaml: %w", err)
	}

	lx.starts = make([]bool, len(lx.words))
	for _, w := range periodStarters {
		if id, ok := lx.vocab[w]; ok {
			lx.starts[id] = true
		}
	}
	lx.conj = make([]bool, len(lx.words))
	for _, w := range []string{"while", "whereas", "although", "but", "though"} {
		lx.conj[lx.vocab[w]] = true
	}
	for w, id := range lx.vocab {
		if _, isMonth := lf.Months[w]; isMonth {
			lx.starts[id] = true
		}
		if _, isOrd := lf.Ordinals[w]; isOrd {
			lx.starts[id] = true
		}
	}
	files, err := fs.Glob(fsys, "data/regions/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("lexicon: %w", err)
	}
	sort.Strings(files)
	for _, f := range files {
		if err := lx.addRegions(fsys, f); err != nil {
			return nil, fmt.Errorf("lexicon: %s: %w", f, err)
		}
	}
	lx.idThe, lx.idA = lx.vocab["the"], lx.vocab["a"]
	for c := range lx.punct {
		lx.punct[c] = -1
		if id, ok := lx.vocab[string([]byte{byte(c)})]; ok {
			lx.punct[c] = id
		}
	}
	lx.table = newVocabTable(lx.words)
	lx.trie = flatten(lx.root, len(lx.words))
	lx.root = nil // the flat trie replaces it: less for the collector to scan
	for len(lx.starts) < len(lx.words) {
		lx.starts = append(lx.starts, false)
		lx.conj = append(lx.conj, false)
	}
	return lx, nil
}

func (lx *Lexicon) addLexicon(lf *lexiconFile) error {
	for m, e := range lf.Metrics {
		if !validMetric[m] {
			return fmt.Errorf("metrics: unknown metric %q", m)
		}
		lx.addAll(e.Nouns, tag{kind: kMetricNoun, str: m})
		lx.addAll(e.WeakNouns, tag{kind: kMetricWeak, str: m})
		lx.addAll(e.Verbs, tag{kind: kMetricVerb, str: m})
	}
	for c, ws := range lf.Categories {
		if !validCategory[c] {
			return fmt.Errorf("categories: unknown category %q", c)
		}
		lx.addAll(ws, tag{kind: kCategory, str: c})
	}
	for c, ws := range lf.CategoryAdjectives {
		if !validCategory[c] {
			return fmt.Errorf("category_adjectives: unknown category %q", c)
		}
		lx.addAll(ws, tag{kind: kCategoryAdj, str: c})
	}
	for q, ws := range lf.Qualifiers {
		if !validQualifier[q] {
			return fmt.Errorf("qualifiers: unknown qualifier %q", q)
		}
		lx.addAll(ws, tag{kind: kQualifier, str: q})
	}
	for w, v := range lf.Numbers.Units {
		lx.add(w, tag{kind: kNumberWord, str: "unit", num: v})
	}
	for w, v := range lf.Numbers.Tens {
		lx.add(w, tag{kind: kNumberWord, str: "tens", num: v})
	}
	for w, v := range lf.Numbers.Scales {
		lx.add(w, tag{kind: kNumberWord, str: "scale", num: v})
	}
	for w, v := range lf.Numbers.Phrases {
		lx.add(w, tag{kind: kNumPhrase, num: v})
	}
	for w, v := range lf.Ordinals {
		lx.add(w, tag{kind: kOrdinal, num: v})
	}
	for w, v := range lf.Months {
		if v < 1 || v > 12 {
			return fmt.Errorf("months: %q has month %d", w, v)
		}
		lx.add(w, tag{kind: kMonth, num: v})
	}
	for w, v := range lf.Weekdays {
		if v < 0 || v > 6 {
			return fmt.Errorf("weekdays: %q has day %d (0 Sunday ... 6 Saturday)", w, v)
		}
		lx.add(w, tag{kind: kWeekday, num: v})
	}
	lists := []struct {
		ws []string
		k  kind
	}{
		{lf.Days, kDay}, {lf.NotCountAfter, kNotCountAfter}, {lf.NotCountBefore, kNotCountBefore},
		{lf.Restrictors, kRestrictor}, {lf.Operations, kOperations}, {lf.Comparison, kComparison},
		{lf.Reference, kReference}, {lf.BothPeriods, kBothPeriods}, {lf.Anaphors, kAnaphor},
		{lf.RegionNegators, kRegionNegator}, {lf.RegionComparison, kRegionComparison},
		{lf.Nationwide, kNationwide}, {lf.Local, kLocal}, {lf.Distributors, kDistributor},
		{lf.Respectively, kRespectively}, {lf.Negators, kNegator}, {lf.ZeroTriggers, kZeroTrigger},
		{lf.ZeroVerbs, kZeroVerb}, {lf.SingleEvents, kSingleEvent}, {lf.SameNumber, kSameNumber},
		{lf.ToDate, kToDate}, {lf.ZeroFree, kZeroFree}, {lf.RegionInclusions, kRegionInclusion}, {lf.Thresholds, kThreshold}, {lf.Organisations, kOrganisation}, {lf.AgentVerbs, kAgentVerb}, {lf.ReportVerbs, kReportVerb}, {lf.ViolenceNouns, kViolence}, {lf.EventStart, kEventStart}, {lf.RecordVerbs, kRecordVerb},
	}
	for _, l := range lists {
		lx.addAll(l.ws, tag{kind: l.k})
	}
	for p, d := range lf.Publishers {
		if !validCategory[d.Category] {
			return fmt.Errorf("publishers: %q: unknown category %q", p, d.Category)
		}
		lx.publishers[strings.ToLower(p)] = d.Category
	}
	return nil
}

func (lx *Lexicon) addRegions(fsys fs.FS, name string) error {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	var rf regionFile
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&rf); err != nil {
		return err
	}
	if rf.Country != "" {
		if !codeRE.MatchString(rf.Country) || len(rf.Country) != 2 {
			return fmt.Errorf("country %q is not an ISO 3166-1 alpha-2 code", rf.Country)
		}
		if rf.FiscalYearStart < 0 || rf.FiscalYearStart > 12 {
			return fmt.Errorf("fiscal_year_start %d is not a month", rf.FiscalYearStart)
		}
		if rf.FiscalYearStart > 0 {
			lx.fiscal[rf.Country] = rf.FiscalYearStart
		}
		lx.addAll(rf.Names, tag{kind: kCountry, str: rf.Country})
	}
	for _, r := range rf.Regions {
		if !codeRE.MatchString(r.Code) || !strings.HasPrefix(r.Code, rf.Country+"-") {
			return fmt.Errorf("region code %q is not an ISO 3166-2 code of %s", r.Code, rf.Country)
		}
		lx.addAll(r.Names, tag{kind: kRegion, str: r.Code})
	}
	lx.addAll(rf.Blocked, tag{kind: kBlockedPlace, str: rf.Country})
	for _, c := range rf.Countries {
		if !codeRE.MatchString(c.Code) || len(c.Code) != 2 {
			return fmt.Errorf("country code %q is not an ISO 3166-1 alpha-2 code", c.Code)
		}
		lx.addAll(c.Names, tag{kind: kCountry, str: c.Code})
	}
	lx.addAll(rf.Supra, tag{kind: kSupra})
	return nil
}

func (lx *Lexicon) addAll(ws []string, t tag) {
	for _, w := range ws {
		lx.add(w, t)
	}
}

// add inserts phrase w with tag t. A phrase is split into tokens exactly as
// text is, so what matches in text is what is written here.
func (lx *Lexicon) add(w string, t tag) {
	toks := tokenize(w, nil)
	if len(toks) == 0 {
		return
	}
	n := lx.root
	var buf []byte
	for _, tk := range toks {
		buf = tk.norm(w, buf[:0])
		id, ok := lx.vocab[string(buf)]
		if !ok {
			id = int32(len(lx.vocab))
			lx.vocab[string(buf)] = id
			lx.words = append(lx.words, string(buf))
		}
		if n.next == nil {
			n.next = map[int32]*node{}
		}
		nx := n.next[id]
		if nx == nil {
			nx = &node{}
			n.next[id] = nx
		}
		n = nx
	}
	t.n = len(toks)
	for i, old := range n.tags {
		if old.kind == t.kind {
			// A repeated phrase keeps the region gazetteer of the first file
			// for regions (sorted: AF, IN, NG, PK...) unless it is a country
			// file's own region; keep both for regions, resolved by country.
			if t.kind != kRegion && t.kind != kCountry && t.kind != kBlockedPlace {
				n.tags[i] = t
				return
			}
		}
	}
	n.tags = append(n.tags, t)
}
