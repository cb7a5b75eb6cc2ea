package seal

// entry is one remembered message: its date and the time after which it
// is refused as stale anyway (both Unix ms).
type entry struct {
	key   seenKey
	sent  int64
	until int64
}

// expiryHeap orders entries by until, soonest first (container/heap).
type expiryHeap []entry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].until < h[j].until }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(entry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = entry{} // let the sender string go
	*h = old[:len(old)-1]
	return e
}
