"""Coreference scores on small examples worked out by hand, and the ECB+ protocol on a few
topics of the development data (skipped when it is absent)."""
import pytest

from eventwire.evaluate.coref import _best_assignment, b_cubed, ceaf_e, evaluate_ecb, muc, score

KEY = [{"a", "b", "c"}, {"d", "e"}]
RESPONSE = [{"a", "b"}, {"c", "d", "e"}]


def close(prf, p, r, f):
    assert (prf.precision, prf.recall, prf.f1) == pytest.approx((p, r, f))


def test_scores_by_hand():
    # MUC recall: {a,b,c} is cut in 2 parts (1 of 2 links kept), {d,e} whole (1 of 1) → 2/3;
    # precision the other way round: {a,b} whole (1/1), {c,d,e} in 2 parts (1/2) → 2/3.
    close(muc(KEY, RESPONSE), 2 / 3, 2 / 3, 2 / 3)
    # B³ recall: a, b 2/3 each, c 1/3, d, e 1 each → 11/3 over 5; precision: a, b 1, c 1/3,
    # d, e 2/3 → 11/3 over 5.
    close(b_cubed(KEY, RESPONSE), 11 / 15, 11 / 15, 11 / 15)
    # CEAF-e: φ4({a,b,c},{a,b}) = 4/5, φ4({d,e},{c,d,e}) = 4/5, best alignment 8/5 over 2 clusters.
    close(ceaf_e(KEY, RESPONSE), 0.8, 0.8, 0.8)
    assert score(KEY, RESPONSE)["conll_f1"] == pytest.approx((2 / 3 + 11 / 15 + 0.8) / 3)


def test_edge_cases():
    singletons = [{"a"}, {"b"}, {"c"}]
    close(muc(singletons, singletons), 0, 0, 0)  # no links to find: MUC says nothing
    close(b_cubed(singletons, singletons), 1, 1, 1)
    close(ceaf_e(singletons, singletons), 1, 1, 1)
    # everything in one cluster against a gold of two
    close(muc(KEY, [{"a", "b", "c", "d", "e"}]), 3 / 4, 1, 6 / 7)
    close(b_cubed(KEY, [{"a", "b", "c", "d", "e"}]), (3 * 3 / 5 + 2 * 2 / 5) / 5, 1,
          2 * 13 / 25 / (13 / 25 + 1))
    assert _best_assignment([[1, 0.9], [0.8, 0]]) == pytest.approx(1.7)  # not the greedy 1.0


def test_ecb_protocol_beats_the_lemma_baseline(engine, shared):
    path = shared / "dev" / "ecbplus_dev.jsonl"
    if not path.is_file():
        pytest.skip("ECB+ development data not present")
    result = evaluate_ecb(path, engine, topics={"11", "20"})  # two small topics: a few seconds
    assert result["mentions"] > 300
    assert result["eventwire"]["conll_f1"] > result["singletons"]["conll_f1"]
    assert result["eventwire"]["conll_f1"] >= result["same_lemma"]["conll_f1"] - 0.01
    assert result["eventwire"]["conll_f1"] > 0.6
