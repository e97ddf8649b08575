"""demo/explain_eval: DESIGN §4 metric helpers by hand, layer subsets vs the reference, end to end."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from models.demo.explain_eval import METHODS, align_tokens, main, maps_for_layers, prepare, word_kind
from models.demo.head_eval import head_layer_sets, head_scores, mass_shares
from models.demo.layer_sets import layer_ranges, parse_layers
from models.demo.map_metrics import pointing_hit, snr_map, snr_tokens, soft_iou, upsample
from models.demo.model import DemoConfig, build_model, save_checkpoint
from models.reference import DexarSettings, answer_token_ids, build_prompt_inputs, explain
from models.shapes_qa.sampler import stream
from models.tiny import PROMPT_TEMPLATE

# Small and random: the end-to-end test checks the document's shape, not the numbers.
SMALL = DemoConfig(vision_hidden=16, vision_layers=2, vision_heads=2, hidden_size=32, num_layers=3,
                   num_heads=2, intermediate_size=64)
TRAIN_SEED = 1
COMMITTED = Path(__file__).resolve().parents[2] / "models" / "checkpoints" / "shapes-llava-tiny"


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    torch.set_num_threads(1)
    model, tok = build_model(SMALL, seed=0)
    return save_checkpoint(model, tok, SMALL, tmp_path_factory.mktemp("demo") / "ckpt",
                           {"args": {"seed": TRAIN_SEED, "eval_seed": 900001}})


E = np.array([[1.0, 0.5], [0.0, 0.25]])
M = np.array([[True, False], [False, True]])


def test_explain_eval_pointing_hit_unique_max_and_ties():
    assert pointing_hit(E, M) == 1.0
    assert pointing_hit(E, ~M) == 0.0
    # Two maximal pixels, one inside: half a hit; a constant map scores the mask's area fraction.
    assert pointing_hit(np.array([[1.0, 1.0], [0.0, 0.0]]), M) == 0.5
    assert pointing_hit(np.zeros((2, 2)), np.array([[True, False], [False, False]])) == 0.25


def test_explain_eval_soft_iou_and_snr_map_by_hand():
    # min: 1 + 0 + 0 + 0.25 = 1.25; max: 1 + 0.5 + 0 + 1 = 2.5.
    assert soft_iou(E, M) == pytest.approx(0.5)
    assert soft_iou(M.astype(float), M) == pytest.approx(1.0)
    # inside (1 + 0.25) / 2 = 0.625, outside (0.5 + 0) / 2 = 0.25.
    assert snr_map(E, M) == pytest.approx(2.5)
    assert math.isnan(snr_map(E, np.zeros((2, 2), bool)))
    assert math.isnan(snr_map(np.array([[1.0, 0.0], [0.0, 1.0]]), M))  # nothing outside


def test_explain_eval_snr_tokens_by_hand():
    assert snr_tokens([2.0, 4.0], [1.0, 2.0]) == pytest.approx(2.0)
    assert math.isnan(snr_tokens([1.0], []))
    assert math.isnan(snr_tokens([1.0], [0.0, 0.0]))


def test_explain_eval_upsample_half_pixel_centres_clamped_edges():
    # Output pixel x samples grid coordinate (x + 0.5) * gw / W - 0.5, clamped: -0.25→0, 0.25,
    # 0.75, 1.25→1 (shared/dexar/geometry.ts sampleBilinear).
    up = upsample(torch.tensor([[0.0, 1.0], [0.0, 1.0]]), (2, 4))
    assert up.tolist() == [[0.0, 0.25, 0.75, 1.0]] * 2
    assert upsample(torch.zeros(5, 3, 3), (6, 6)).shape == (5, 6, 6)


def test_explain_eval_align_tokens_multi_token_words_and_space_pieces():
    answer = "The circles are."
    words = ["The", "circles", "are", "."]
    # "circles" split in two tokens; (3, 4) is a bare space piece.
    offsets = [(0, 3), (3, 4), (4, 8), (8, 11), (12, 15), (15, 16)]
    assert align_tokens(answer, words, offsets) == [0, -1, 1, 1, 2, 3]


def test_explain_eval_word_kinds_and_layer_specs(tmp_path):
    assert [word_kind(w) for w in ("red", "stars", "three", "top")] == ["color", "shape", "number", "position"]
    assert parse_layers("default", 4) == (0, 1, 2, 3)
    assert parse_layers("default", 12) == tuple(range(2, 12))
    # A checkpoint's explain.json names its bundle's default range; "official" ignores it.
    (tmp_path / "explain.json").write_text(json.dumps({"default_layers": [1, 2], "why": "test"}))
    assert parse_layers("default", 4, tmp_path) == (1, 2)
    assert parse_layers("official", 4, tmp_path) == (0, 1, 2, 3)
    assert parse_layers("default", 4, COMMITTED) == (0, 1, 2, 3)  # the demo bundle: all four (models/README.md)
    assert parse_layers("1-2", 4) == (1, 2)
    assert parse_layers("3,0", 4) == (0, 3)
    with pytest.raises(ValueError):
        parse_layers("4", 4)
    assert layer_ranges(3) == [(0,), (0, 1), (0, 1, 2), (1,), (1, 2), (2,)]


def test_explain_eval_prepare_finds_grounded_tokens_and_masks(checkpoint):
    from transformers import AutoProcessor

    tok = AutoProcessor.from_pretrained(checkpoint).tokenizer
    for s in stream(11, 72, 12):
        q = prepare(s, tok)
        assert q.word_level, f"demo tokenizer must be word-level, found another split for {s.qa.answer!r}"
        grounded = sorted(i for r in s.qa.regions for i in r.indices)
        assert [t for t, _, _ in q.grounded] == grounded  # word-level: token index = word index
        assert sorted(grounded + q.linguistic) == list(range(len(answer_token_ids(tok, s.qa.answer))))
        assert all(mask.shape == (72, 72) and mask.any() for _, mask, _ in q.grounded)


def test_explain_eval_layer_subsets_equal_reference_runs(checkpoint):
    from transformers import AutoProcessor, LlavaForConditionalGeneration

    model = LlavaForConditionalGeneration.from_pretrained(checkpoint, attn_implementation="eager").eval()
    processor = AutoProcessor.from_pretrained(checkpoint)
    s = next(stream(12, 72, 1))
    q = prepare(s, processor.tokenizer)
    inputs = build_prompt_inputs(processor, Image.fromarray(q.image), s.qa.prompt, PROMPT_TEMPLATE)
    ids = answer_token_ids(processor.tokenizer, s.qa.answer)
    full = explain(model, inputs, ids, DexarSettings(layers=(0, 1, 2)))
    for subset in ((0, 1, 2), (1, 2), (0,)):
        ref = full if subset == (0, 1, 2) else explain(model, inputs, ids, DexarSettings(layers=subset))
        maps = maps_for_layers(full, subset, np.random.default_rng(0))
        assert set(maps) == set(METHODS)
        pairs = [(maps["dexar"].token_maps, ref.token_maps), (maps["dexar"].sentence_map, ref.sentence_map),
                 (maps["dexar"].token_weights, ref.token_weights),
                 (maps["unfiltered"].token_maps, ref.unfiltered_token_maps),
                 (maps["unfiltered"].sentence_map, ref.unfiltered_sentence_map),
                 (maps["attention"].token_maps, ref.attention_maps)]
        for ours, theirs in pairs:
            torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-6)


def test_explain_eval_end_to_end_json_shape(checkpoint, tmp_path, capsys):
    out = tmp_path / "eval.json"
    main(["--checkpoint", str(checkpoint), "--n", "3", "--seed", "5", "--out", str(out)])
    doc = json.loads(out.read_text())
    assert doc["n"] == 3 and doc["seed"] == 5 and doc["format_version"] == 1
    assert doc["templates"] == [1, 2, 3, 4, 5, 6]
    assert doc["layers"] == [0, 1, 2] and doc["grid"] == [9, 9] and doc["mask_size"] == [72, 72]
    assert doc["word_level"] is True
    for key in ("methods", "methods_answer_correct"):
        assert set(doc[key]) == set(METHODS)
    assert set(doc["methods"]["dexar"]) == {
        "pointing_game", "grounded_tokens", "flat_token_maps", "sentence_soft_iou", "sentence_questions", "snr_map_mean",
        "snr_map_median", "snr_tokens"}
    assert doc["methods"]["dexar"]["grounded_tokens"] > 0
    assert set(doc["layer_sweep"]) == {"0", "0-1", "0-2", "1", "1-2", "2"}
    assert [q["id"] for q in doc["questions"]] == ["s5-000000", "s5-000001", "s5-000002"]
    assert all(len(q["dexar_hits"]) == len(q["grounded_tokens"]) == len(q["copied"]) for q in doc["questions"])
    assert set(doc["pointing_by_source"]) <= {"copied from the prompt", "image only"}
    # Templates 1 and 2 name the shape (colour) in the question and ask for the other word.
    assert [q["copied"] for q in doc["questions"][:2]] == [[True, False], [True, False]]
    assert "| dexar |" in capsys.readouterr().out


def test_explain_eval_refuses_the_training_seed(checkpoint):
    with pytest.raises(SystemExit, match="training seed"):
        main(["--checkpoint", str(checkpoint), "--n", "1", "--seed", str(TRAIN_SEED)])


def test_explain_eval_mass_shares_by_hand():
    # Token 0 splits 1:3 between two heads; token 1 has every head filtered out (no map to share).
    per_token, pooled, used = mass_shares(np.array([[[1.0, 3.0]], [[0.0, 0.0]]]))
    assert per_token.tolist() == [[0.25, 0.75]] and pooled.tolist() == [[0.25, 0.75]] and used == 1
    # Per-token shares average (0.25 + 1) / 2; pooled shares sum masses first (3 / 6).
    per_token, pooled, used = mass_shares(np.array([[[1.0, 3.0]], [[2.0, 0.0]]]))
    assert per_token.tolist() == [[0.625, 0.375]] and pooled.tolist() == [[0.5, 0.5]] and used == 2
    assert head_layer_sets((0, 1, 2), (0, 1, 2)) == [(0,), (1,), (2,), (0, 1, 2)]
    assert head_layer_sets((2,), (0, 1, 2)) == [(0,), (1,), (2,)]


def test_explain_eval_head_scores_agree_with_the_reference(checkpoint):
    from transformers import AutoProcessor, LlavaForConditionalGeneration

    model = LlavaForConditionalGeneration.from_pretrained(checkpoint, attn_implementation="eager").eval()
    processor = AutoProcessor.from_pretrained(checkpoint)
    s = next(stream(12, 72, 1))
    q = prepare(s, processor.tokenizer)
    ts = [t for t, _, _ in q.grounded]
    assert ts, f"expected a grounded word in {s.qa.answer!r}"
    inputs = build_prompt_inputs(processor, Image.fromarray(q.image), s.qa.prompt, PROMPT_TEMPLATE)
    full = explain(model, inputs, answer_token_ids(processor.tokenizer, s.qa.answer), DexarSettings(layers=(0, 1, 2)))
    hs = head_scores(q, full, (72, 72), [(1,), (0, 1, 2)])
    assert hs["w"].shape == (len(ts), 3, 2) and set(hs) >= {"mass/1", "mass/0-2"}
    np.testing.assert_allclose(hs["w"], full.head_weights[ts].numpy())
    # Summed over heads, the main set's masses are the DEX-AR token map before its min-max.
    weighted = (full.head_weights * full.normalised_relevance.sum(dim=-1))[ts]
    np.testing.assert_allclose(hs["mass/0-2"].sum(axis=(1, 2)), weighted.sum(dim=(1, 2)).numpy(), rtol=1e-5)
    # One head's pointing is its own upsampled P^img against the token's mask.
    g, layer, head = len(ts) - 1, 2, 1
    own = upsample(full.image_relevance[ts[g], layer, head].reshape(9, 9), (72, 72))
    assert hs["pointing_relevance"][g, layer, head] == pointing_hit(own, q.grounded[g][1])


def test_explain_eval_per_head_table_shape_and_ranges(tmp_path, capsys):
    # The committed demo model: on the random one the filter drops every head, leaving no shares.
    out = tmp_path / "eval.json"
    main(["--checkpoint", str(COMMITTED), "--n", "2", "--seed", "900001", "--layers", "official", "--per-head", "--out", str(out)])
    table = json.loads(out.read_text())["per_head"]
    assert table["layer_sets"] == ["0", "1", "2", "3", "0-3"]
    assert [(r["layer"], r["head"]) for r in table["rows"]] == [(l, h) for l in range(4) for h in range(4)]
    assert table["grounded_tokens"] > 0
    for r in table["rows"]:
        for key in ("pointing_relevance", "pointing_attention", "objects_relevance", "objects_attention",
                    "flat_relevance", "w_positive", "top_patch_share"):
            assert 0.0 <= r[key] <= 1.0, f"{key} of head {r['layer']}.{r['head']}: {r[key]}"
        # The word's object is one of the objects: pointing at it implies pointing at some object.
        assert r["objects_relevance"] >= r["pointing_relevance"] - 1e-9
        assert r["w_mean"] >= 0 and r["sv_mean"] >= 0 and r["stxt_mean"] >= 0
        assert (r["w_mean"] > 0) == (r["w_positive"] > 0)
        assert -1 <= r["top_patch"] < 81
        assert set(r["mass_share"]) == {str(r["layer"]), "0-3"}
    for lbl in table["layer_sets"]:
        for key in ("mass_share", "mass_share_pooled"):
            total = sum(r[key][lbl] for r in table["rows"] if lbl in r[key])
            expected = 1.0 if table["mass_tokens"][lbl] > 0 else 0.0
            assert total == pytest.approx(expected, abs=1e-6), f"{key} over layer set {lbl}: {total}"
    assert table["mass_tokens"]["0-3"] == table["grounded_tokens"], "expected a DEX-AR map for every grounded token"
    assert "| layer | head | PG P^img |" in capsys.readouterr().out
