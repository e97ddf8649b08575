"""demo: tokenizer, batch encoding and checkpoint layout of the Shapes-QA demo model."""

import math

import numpy as np
import pytest
import torch

from models.demo.data import IGNORE, Encoder, collate, pixel_values
from models.demo.model import DemoConfig, build_model, save_checkpoint
from models.demo.tokenizer import UNK, build_tokenizer
from models.shapes_qa.sampler import stream
from models.shapes_qa.scene import render

# A deliberately small config so building and saving take well under a second.
SMALL = DemoConfig(vision_hidden=16, vision_layers=2, vision_heads=2, hidden_size=16, num_layers=2,
                   num_heads=2, intermediate_size=32)


def test_demo_tokenizer_covers_grammar_and_round_trips():
    tok = build_tokenizer()
    unk = tok.token_to_id(UNK)
    for s in stream(21, 72, 600):
        for text in (s.qa.prompt, s.qa.answer):
            ids = tok.encode(text, add_special_tokens=False).ids
            assert unk not in ids, f"unknown word in {text!r}: {tok.encode(text).tokens}"
        # Decoding must reproduce the exact answer string: accuracy is exact match.
        assert tok.decode(tok.encode(s.qa.answer).ids, skip_special_tokens=True) == s.qa.answer


def test_demo_collate_puts_loss_on_answer_tokens_only():
    tok = build_tokenizer()
    enc = Encoder(tok, 81)
    samples = list(stream(3, 72, 6))
    batch = collate(samples, enc)
    for i, s in enumerate(samples):
        answer = list(enc.answer_ids(s.qa.answer))
        tgt = batch["targets"][i]
        assert tgt[tgt != IGNORE].tolist() == answer, "targets must be exactly the answer + </s>"
        prompt = enc.prompt_ids(s.qa.prompt)
        assert prompt.count(tok.token_to_id("<image>")) == 81
        assert batch["input_ids"][i, : len(prompt)].tolist() == list(prompt)
        assert int(batch["attention_mask"][i].sum()) == len(prompt) + len(answer)


def test_demo_checkpoint_loads_with_auto_processor(tmp_path):
    from transformers import AutoProcessor, LlavaForConditionalGeneration
    from PIL import Image

    model, tok = build_model(SMALL, seed=0)
    out = save_checkpoint(model, tok, SMALL, tmp_path / "ckpt", {"seed": 0})
    proc = AutoProcessor.from_pretrained(out)
    s = next(stream(4, 72, 1))
    img = render(s.scene)[0]
    x = proc(images=Image.fromarray(img), text=f"USER: <image>\n{s.qa.prompt} ASSISTANT:", return_tensors="pt")
    enc = Encoder(tok, 81)
    # The processor and the trainer must build the same ids and pixels.
    assert x["input_ids"][0].tolist() == list(enc.prompt_ids(s.qa.prompt))
    assert torch.equal(x["pixel_values"][0], pixel_values(img))
    loaded = LlavaForConditionalGeneration.from_pretrained(out).eval()
    with torch.no_grad():
        a = loaded(**x).logits
        b = model.eval()(**x).logits
    assert torch.allclose(a, b, atol=1e-5), f"reloaded logits differ by {(a - b).abs().max():.2e}"
    assert (out / "recipe.json").is_file()


def test_demo_packed_turns_score_exactly_like_single_turn_inference():
    """Each packed turn sees only the image prefix and itself at inference positions, so its
    logits equal those of the same question asked alone, and earlier answers are invisible."""
    from models.demo.data import batches

    model, tok = build_model(SMALL, seed=0)
    model.eval()
    enc = Encoder(tok, 81)
    gen = batches(7, 2, 72, {t: 1.0 for t in range(1, 7)}, enc, turns=6)
    batch = next(gen)
    eos = tok.token_to_id("</s>")
    with torch.no_grad():
        packed = model(input_ids=batch["input_ids"], attention_mask=batch["turn_mask"],
                       position_ids=batch["position_ids"], pixel_values=batch["pixel_values"]).logits
        for i in range(2):
            ids = batch["input_ids"][i][batch["attention_mask"][i].bool()].tolist()
            tgt = batch["targets"][i][batch["attention_mask"][i].bool()].tolist()
            prefix = ids.index(tok.token_to_id("<image>")) + 81
            starts = [prefix] + [k + 1 for k, t in enumerate(ids) if t == eos][:-1]
            assert 2 <= len(starts) <= 6, f"expected follow-up turns, found {len(starts)}"
            for start in starts:
                end = ids.index(eos, start) + 1
                alone = torch.tensor([ids[:prefix] + ids[start:end]])
                single = model(input_ids=alone, pixel_values=batch["pixel_values"][i : i + 1]).logits[0, prefix:]
                assert torch.allclose(packed[i, start:end], single, atol=1e-5), (
                    f"turn at {start}: {(packed[i, start:end] - single).abs().max():.2e}")
                # Supervision: exactly this turn's answer + </s>, after ASSISTANT :.
                words = [tok.id_to_token(t) for t in ids[start:end]]
                answer = [t for t in tgt[start:end] if t != IGNORE]
                assert words[len(words) - len(answer) - 2 : len(words) - len(answer)] == ["ASSISTANT", ":"], words


def test_demo_patch_targets_put_each_objects_attributes_on_the_patches_it_covers():
    from models.demo.aux import ATTRIBUTES, COLOR_IDS, IGNORE as AUX_IGNORE, PatchGrid, patch_targets
    from models.shapes_qa import grammar

    col = {name: k for k, (name, _) in enumerate(ATTRIBUTES)}
    grid = PatchGrid(72, 8)
    for s in stream(11, 72, 60):
        _, masks = render(s.scene)
        t = patch_targets(s.scene, masks, grid)
        assert t.shape == (81, len(ATTRIBUTES))
        order = sorted(s.scene.objects, key=lambda o: (o.col, o.row))
        for k, (o, m) in enumerate(zip(s.scene.objects, masks)):
            cover = m.reshape(9, 8, 9, 8).mean(axis=(1, 3)).reshape(-1)
            mine = np.flatnonzero((t[:, col["color"]] == COLOR_IDS[o.color]) & (t[:, col["shape"]] == grammar.SHAPES.index(o.shape)))
            assert len(mine) >= 1, "every object owns at least one patch"
            assert cover[mine].min() > 0, "an object's label sits only on patches it paints"
            assert set(t[mine, col["row"]]) == {o.row} and set(t[mine, col["col"]]) == {o.col}
            assert set(t[mine, col["rank"]]) == {order.index(o)}
            assert set(t[mine, col["same_shape"]]) == {sum(q.shape == o.shape for q in s.scene.objects) - 1}
            assert set(t[mine, col["objects"]]) == {len(s.scene.objects) - 1}
        background = t[:, col["object"]] == 0
        assert (t[background, 1:] == AUX_IGNORE).all(), "background patches carry no object attributes"


def test_demo_binding_samplers_ask_only_confusable_cases():
    """Training-only choices: "where" about an object that shares an attribute with another,
    "No" answers naming an absent pair whose colour or shape is present."""
    import random

    from models.demo.binding import confusable_exists, confusable_where

    rng = random.Random(3)
    asked_where = asked_no = 0
    for s in stream(21, 72, 300):
        objs = s.scene.objects
        qa = confusable_where(s.scene, rng)
        if qa is not None:
            asked_where += 1
            o = next(o for o in objs if qa.prompt == f"Where is the {o.color} {o.shape}?")
            assert any(p is not o and (p.color == o.color or p.shape == o.shape) for p in objs), qa.prompt
        else:
            assert all(p is o or (p.color != o.color and p.shape != o.shape) for o in objs for p in objs)
        qa = confusable_exists(s.scene, rng)
        color, shape = qa.prompt[len("Is there a "):-1].split()
        if qa.answer.startswith("No"):
            asked_no += 1
            assert all((o.color, o.shape) != (color, shape) for o in objs)
            assert any(o.color == color or o.shape == shape for o in objs), qa.prompt
            assert qa.regions == []
        else:
            assert qa.answer == f"Yes, there is a {color} {shape}." and len(qa.regions) == 1
    assert asked_where > 50 and asked_no > 50, (asked_where, asked_no)


def test_demo_hard_turns_replace_the_last_follow_ups_by_where_and_exists():
    import random

    from models.demo.data import follow_ups

    templates = [1, 2, 3, 4, 5, 6]
    for hard in (0, 2, 7):
        rng = random.Random(5)
        for s in stream(23, 72, 120):
            qs = follow_ups(s, templates, 5, rng, 0.0, hard)
            kept = max(0, 5 - hard)
            assert [q.template for q in qs[kept:]] == [(3, 6)[i % 2] for i in range(5 - kept)], hard
            # The rest: other templates than the first question's, each at most once.
            rest = [q.template for q in qs[:kept]]
            assert len(qs) <= 5 and s.qa.template not in rest and len(set(rest)) == len(rest)


def test_demo_image_mixing_counts_only_image_rows_reading_other_image_tokens():
    from models.demo.locality import image_mixing

    # T = 6, image tokens at 2..4. Rows outside the image (0, 1, 5) must not count.
    a = torch.zeros(1, 1, 6, 6)
    a[0, 0, 0, 0] = 1.0
    a[0, 0, 1] = torch.tensor([0.0, 1.0, 0, 0, 0, 0])
    a[0, 0, 2] = torch.tensor([0.5, 0.0, 0.5, 0, 0, 0])  # text + itself: 0
    a[0, 0, 3] = torch.tensor([0.2, 0.0, 0.3, 0.5, 0, 0])  # 0.3 on image token 2
    a[0, 0, 4] = torch.tensor([0.0, 0.0, 0.1, 0.2, 0.7, 0])  # 0.1 + 0.2
    a[0, 0, 5] = torch.tensor([0.0, 0.0, 0.5, 0.5, 0.0, 0.0])  # an answer row reading the image
    local = torch.zeros_like(a)
    local[0, 0] = torch.eye(6)
    assert image_mixing((a,), slice(2, 5)).item() == pytest.approx(0.2)
    assert image_mixing((a, local), slice(2, 5)).item() == pytest.approx(0.1)
    assert image_mixing((local,), slice(2, 5)).item() == 0.0


def test_demo_background_value_share_compares_background_with_object_tokens():
    from models.demo.locality import background_value_share

    # T = 5, image tokens at 1..3; token 2 shows an object. ‖v‖² per token: 4, 1, 9, 1, 100.
    v = torch.tensor([[[2.0, 0.0], [1.0, 0.0], [0.0, 3.0], [1.0, 0.0], [10.0, 0.0]]])
    background = torch.tensor([[True, False, True]])
    assert background_value_share([v], slice(1, 4), background).item() == pytest.approx(1 / 9)
    # Layers are averaged; rows outside the image (0 and 4) never count.
    quiet = torch.tensor([[[5.0, 5.0], [0.0, 0.0], [0.0, 3.0], [0.0, 0.0], [7.0, 7.0]]])
    assert background_value_share([v, quiet], slice(1, 4), background).item() == pytest.approx(1 / 18)


def test_demo_trainer_runs_both_stages_with_the_locality_penalties(tmp_path):
    """A few seconds of the real recipe (both stages, every loss term) end in a checkpoint that
    loads as a plain LLaVA with ordinary attention, and a recipe.json recording the run."""
    import json
    import subprocess
    import sys

    out = tmp_path / "ckpt"
    run = subprocess.run(
        [sys.executable, "-m", "models.train_demo", "--out", str(out), "--time_limit_min", "0.3", "--vision_min", "0.05",
         "--eval_n", "6", "--val_every", "0", "--log_every", "5", "--locality", "1", "--background_values", "1",
         "--presence", "1", "--grounding", "1"],
        capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    steps = [line.split() for line in run.stdout.splitlines() if line.startswith("step ")]
    assert steps and all(s[2:10:2] == ["answer", "aux", "mixing", "background"] for s in steps), run.stdout[-2000:]
    assert all(float(s[7]) > 0 and float(s[9]) > 0 for s in steps), "both penalties are computed every step"
    assert all(s[10] == "presence" and float(s[11]) > 0 for s in steps), "so is the presence probe"
    assert all(s[12] == "grounding" and float(s[13]) > 0 for s in steps), "and the map-grounding term"
    recipe = json.loads((out / "recipe.json").read_text())
    assert recipe["args"]["locality"] == 1 and recipe["args"]["background_values"] == 1 and recipe["steps"] > 0
    from transformers import LlavaForConditionalGeneration

    loaded = LlavaForConditionalGeneration.from_pretrained(out)
    fresh, _ = build_model(DemoConfig(), seed=0)
    assert loaded.state_dict().keys() == fresh.state_dict().keys(), "the probe is not part of the checkpoint"

    # A second stage starts from those weights and keeps the first stage's recipe.
    again = subprocess.run(
        [sys.executable, "-m", "models.train_demo", "--out", str(tmp_path / "next"), "--init", str(out),
         "--time_limit_min", "0.05", "--vision_min", "0", "--eval_n", "6", "--val_every", "0", "--lr", "0"],
        capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    second = json.loads((tmp_path / "next" / "recipe.json").read_text())
    assert second["init_recipe"] == recipe and second["vision_steps"] == 0
    # lr 0 for the whole stage: the weights are exactly the first stage's.
    after = LlavaForConditionalGeneration.from_pretrained(tmp_path / "next").state_dict()
    assert all(torch.equal(after[k], v) for k, v in loaded.state_dict().items())


def test_demo_question_probe_reads_linear_labels_and_not_shuffled_ones():
    from models.demo.question_probe import probe_accuracy

    g = torch.Generator().manual_seed(0)
    x = torch.randn(600, 16, generator=g)
    y = (x @ torch.randn(16, 4, generator=g)).argmax(1)  # linearly encoded: 4 classes
    assert probe_accuracy(x, y, 420, 4).float().mean() > 0.9
    shuffled = y[torch.randperm(600, generator=g)]  # same classes, no relation to x
    assert probe_accuracy(x, shuffled, 420, 4).float().mean() < 0.45


def test_demo_presence_rows_are_the_rows_that_answer_exists_turns():
    """Each "exists" turn gets one presence row: the row whose target is the first answer word,
    labelled with what the scene holds of the named colour, shape and pair."""
    import random

    from models.demo.aux import PatchGrid
    from models.demo.data import follow_ups
    from models.demo.presence_probe import presence_targets

    tok = build_tokenizer()
    enc = Encoder(tok, 81)
    rng = random.Random(2)
    samples = list(stream(31, 72, 8, templates=(6,)))
    extra = [follow_ups(s, [1, 2, 3, 4, 5, 6], 5, rng, 1.0, 2) for s in samples]
    batch = collate(samples, enc, extra, PatchGrid(72, 8))
    exists = [(i, qa) for i, s in enumerate(samples) for qa in [s.qa, *extra[i]] if qa.template == 6]
    assert len(exists) == batch["presence_rows"].shape[0] >= 16
    for (b, row), labels, (i, qa) in zip(batch["presence_rows"].tolist(), batch["presence_targets"].tolist(), exists):
        assert b == i and batch["targets"][b, row + 1].item() == tok.token_to_id(qa.answer.split()[0].rstrip(","))
        color, shape = qa.prompt.rstrip("?").split()[-2:]
        objs = samples[i].scene.objects
        assert labels == [any(o.color == color for o in objs), any(o.shape == shape for o in objs), qa.answer.startswith("Yes")]
    assert presence_targets(samples[0].qa, samples[0].scene) == tuple(batch["presence_targets"][0].tolist())
    assert {tuple(t) for t in batch["presence_targets"].tolist()} >= {(1, 1, 1), (0, 1, 0)}, "confusable Noes are present"


def test_demo_ground_rows_are_the_rows_that_predict_grounded_words():
    """Every grounded answer word (DESIGN §5 regions) gets one row: the row whose target is that
    word, with the patches its region's objects cover; linguistic words get none."""
    import random

    from models.demo.aux import PatchGrid, patch_cover
    from models.demo.data import follow_ups
    from models.shapes_qa import grammar

    tok = build_tokenizer()
    enc = Encoder(tok, 81)
    rng = random.Random(5)
    samples = list(stream(41, 72, 8))
    extra = [follow_ups(s, [1, 2, 3, 4, 5, 6], 5, rng, 0.0, 0) for s in samples]
    batch = collate(samples, enc, extra, PatchGrid(72, 8))
    grounded = [(i, qa, r, w) for i, s in enumerate(samples) for qa in [s.qa, *extra[i]]
                for r in qa.regions for w in r.indices]
    assert len(grounded) == batch["ground_rows"].shape[0] > 8 * 6
    for (b, row), token, inside, (i, qa, region, w) in zip(
            batch["ground_rows"].tolist(), batch["ground_ids"].tolist(), batch["ground_inside"], grounded):
        assert b == i and batch["targets"][b, row + 1].item() == token == tok.token_to_id(grammar.split_words(qa.answer)[w])
        masks = render(samples[i].scene)[1]
        cover = patch_cover(np.logical_or.reduce([masks[k] for k in region.objects]), PatchGrid(72, 8))
        assert inside.any() and (cover[inside.numpy()] > 0).all()
        assert inside.numpy()[cover >= 0.5].all(), "every patch the region covers at least half of is inside"


def test_demo_grounding_gradient_rows_equal_the_reference_layer_local_identity():
    """The training term's G over the image columns, from one packed training forward, is the
    reference's layer-local G for the same token (which the reference checks against autograd)."""
    from models.demo.aux import PatchGrid
    from models.demo.grounding import capture_residuals, image_gradient_rows
    from models.demo.locality import capture_values
    from models.reference.layer_local import layer_local_gradient_rows

    model, tok = build_model(SMALL, seed=0)
    model.set_attn_implementation("eager")
    enc = Encoder(tok, 81)
    samples = list(stream(12, 72, 2, templates=(3,)))
    batch = collate(samples, enc, [[], []], PatchGrid(72, 8))
    values, residuals = capture_values(model), capture_residuals(model)
    model.train()
    with torch.no_grad():
        model(input_ids=batch["input_ids"], attention_mask=batch["turn_mask"], position_ids=batch["position_ids"],
              pixel_values=batch["pixel_values"])
    rows = image_gradient_rows(model, residuals, values, batch["ground_rows"], batch["ground_ids"], enc.image_span)
    model.eval()
    for k, ((b, row), target) in enumerate(zip(batch["ground_rows"].tolist(), batch["ground_ids"].tolist())):
        ids = batch["input_ids"][b, : row + 1].tolist()
        expected = layer_local_gradient_rows(model, ids, batch["pixel_values"][b: b + 1], target, (0, 1), True)
        got = torch.stack([g[k] for g in rows])
        assert torch.allclose(got, expected[:, :, enc.image_span], rtol=1e-4, atol=1e-6)


def test_demo_peak_loss_is_the_softmax_mass_outside_the_region():
    from models.demo.grounding import peak_loss

    tau = 0.1
    g = torch.zeros(1, 2, 4)  # one token, two heads, four patches
    g[0, 0, 1] = 3.0  # head 0 points at patch 1 ...
    g[0, 1, 2] = -5.0  # ... head 1's negative row is cut by the ReLU
    inside = torch.tensor([[False, True, False, False]])
    expected = -math.log(math.exp(1 / tau) / (math.exp(1 / tau) + 3))
    assert peak_loss([g], inside, tau).item() == pytest.approx(expected, rel=1e-3)
    outside = torch.tensor([[True, False, False, False]])
    assert peak_loss([g], outside, tau).item() == pytest.approx(-math.log(1 / (math.exp(1 / tau) + 3)), rel=1e-3)
    # The map is max-normalised: scaling G does not change the loss.
    assert peak_loss([7 * g], inside, tau).item() == pytest.approx(expected, rel=1e-3)
    assert peak_loss([g[:0]], inside[:0], tau).item() == 0.0
