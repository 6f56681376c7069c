package frame

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

func TestLimitSorts(t *testing.T) {
	recs := randomRecords(memory.DefaultAllocator, rand.New(rand.NewPCG(1, 2)), 2, 20)
	df := FromRecords(recs...).Sort(Desc("b")).Head(3)
	plan, err := optimize(df.plan)
	if err != nil {
		t.Fatal(err)
	}
	got := formatPlan(plan)
	if !strings.Contains(got, "TopK 3 by b desc") || strings.Contains(got, "Sort ") {
		t.Errorf("got plan\n%s\nwant a TopK instead of Sort and Limit", got)
	}
}
