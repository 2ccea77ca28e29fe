package parser

import (
	"maps"
	"slices"
)

// trie is the lexicon's phrases laid out in flat arrays for matching: a
// node's edges and tags are contiguous, and nodes refer to each other by
// index, so a walk reads a few adjacent cache lines instead of chasing
// pointers across the heap. Node 0 is "none".
//
// Matching keeps, for each kind, the longest phrase at a token. A node
// therefore also holds that result for the walk that ends at it, acc: the
// tags of the nodes on its path, a deeper one replacing a shallower one of
// its kind. A walk only finds its deepest node and takes its acc.
type trie struct {
	nodes []trieNode
	edges []trieEdge // each node's edges, sorted by word id
	tags  []tag
	acc   []tag
	first []int32 // word id -> node of the phrases starting with it, 0 none
}

type trieNode struct {
	edge0, edge1 int32  // edges[edge0:edge1]
	tag0, tag1   int32  // tags[tag0:tag1]
	acc0, acc1   int32  // acc[acc0:acc1]
	accMask      uint64 // kinds of acc
}

type trieEdge struct {
	id, child int32
}

// flatten lays out the trie under root for words word ids.
func flatten(root *node, words int) trie {
	t := trie{nodes: make([]trieNode, 1), first: make([]int32, words)}
	// breadth first: the nodes of short phrases, the most used, together
	type queued struct {
		n      *node
		parent int32 // 0 for a first word
	}
	index := map[*node]int32{}
	queue := []queued{}
	for _, id := range sortedIDs(root.next) {
		c := root.next[id]
		index[c] = int32(len(t.nodes))
		t.first[id] = int32(len(t.nodes))
		t.nodes = append(t.nodes, trieNode{})
		queue = append(queue, queued{c, 0})
	}
	for len(queue) > 0 {
		q := queue[0]
		queue = queue[1:]
		n, k := q.n, index[q.n]
		tn := trieNode{edge0: int32(len(t.edges)), tag0: int32(len(t.tags))}
		t.tags = append(t.tags, n.tags...)
		for _, id := range sortedIDs(n.next) { // child searches by id
			c := int32(len(t.nodes))
			index[n.next[id]] = c
			t.nodes = append(t.nodes, trieNode{})
			t.edges = append(t.edges, trieEdge{id: id, child: c})
			queue = append(queue, queued{n.next[id], k})
		}
		tn.edge1, tn.tag1 = int32(len(t.edges)), int32(len(t.tags))
		// parents come first in breadth-first order: their acc is done
		var acc []tag
		if q.parent != 0 {
			p := t.nodes[q.parent]
			acc = append(acc, t.acc[p.acc0:p.acc1]...)
		}
		for _, tg := range n.tags {
			acc = mergeLongest(acc, tg)
		}
		tn.acc0 = int32(len(t.acc))
		for _, tg := range acc {
			t.acc = append(t.acc, tg)
			tn.accMask |= 1 << tg.kind
		}
		tn.acc1 = int32(len(t.acc))
		t.nodes[k] = tn
	}
	return t
}

// mergeLongest adds t to ts, which holds the longest tags of each kind:
// t replaces shorter ones of its kind, is dropped for a longer one, and is
// kept beside one of the same length ("punjab" is a region of Pakistan and
// of India; the document's country chooses).
func mergeLongest(ts []tag, t tag) []tag {
	out := ts[:0]
	keep := true
	for _, o := range ts {
		switch {
		case o.kind != t.kind:
		case o.n > t.n:
			keep = false
		case o.n < t.n:
			continue // replaced by t
		case o == t:
			keep = false
		}
		out = append(out, o)
	}
	if keep {
		out = append(out, t)
	}
	return out
}

func sortedIDs(next map[int32]*node) []int32 {
	ids := slices.Collect(maps.Keys(next))
	slices.Sort(ids)
	return ids
}

// child returns the node after word id from node n, or 0.
func (t *trie) child(n *trieNode, id int32) int32 {
	es := t.edges[n.edge0:n.edge1]
	for len(es) > 8 { // binary search down to a short run
		m := len(es) / 2
		if es[m].id > id {
			es = es[:m]
		} else {
			es = es[m:]
		}
	}
	for _, e := range es {
		if e.id == id {
			return e.child
		}
	}
	return 0
}

// wordTag returns the tag of kind k of the single plain word w in any case
// ("Forty", "March"), read outside a sentence's matching.
func (lx *Lexicon) wordTag(w string, k kind) (tag, bool) {
	if !isPlain(w) {
		return tag{}, false // month and number words are plain
	}
	id, ok := lx.table.lookupPlain(w, 0, len(w))
	if !ok {
		return tag{}, false
	}
	for _, t := range lx.trie.wordTags(id) {
		if t.kind == k {
			return t, true
		}
	}
	return tag{}, false
}

// wordTags returns the tags of the one-word phrase id.
func (t *trie) wordTags(id int32) []tag {
	if id < 0 || int(id) >= len(t.first) || t.first[id] == 0 {
		return nil
	}
	n := &t.nodes[t.first[id]]
	return t.tags[n.tag0:n.tag1]
}
