"""onnxruntime runner for DEX-AR bundles (Python twin of the TypeScript engine, for tests/fixtures).

    from models.runtime import Bundle
    b = Bundle.load("tests/fixtures/bundles/tiny-llama")
    ids = b.prompt_ids("What color is the circle?")          # template + bos + N image tokens
    pix = b.preprocess(pil_image)                             # (1, 3, H, W) float32, manifest recipe
    step = b.prefill(ids, pix, explain_rows=[len(ids) - 1])   # StepOutput
    nxt = int(step.logits[0, -1].argmax())
    step = b.decode(nxt, step, explain_rows=[0])              # one cached token
    res = b.explain_answer(ids, pix, answer_ids)              # teacher-forced G rows, all layers

API (numpy in, numpy out; batch 1 except vision/embed):
  Bundle.load(dir, verify=True)         checks manifest schema + sha256 of every file
  .embed(input_ids (B,S))               → (B,S,d)
  .vision(pixel_values (B,3,H,W))       → (B,N,d) image embeddings after the projector
  .inputs_embeds(ids (S,), pixel (1,3,H,W)) → (1,S,d) token embeds with image rows replaced
  .step(inputs_embeds, past=None, explain_rows=()) → StepOutput (positions continue from past)
  .prefill(ids, pixel, explain_rows) / .decode(token_id, past, explain_rows)
  .explain(m (K,T,d), values (K,H_kv,S,hd), layer_ids, target_ids, norm_twice_last=None)
        → (G (K,T,H,S), lens_scores (K,T)); G[k,t,:, :q_t+1] is the meaningful part;
        values = the value cache of the layers in layer_ids, in that order (Bundle.layer_values)
  .layer_values(present_values (L,1,H_kv,S,hd), layer_ids) → (K,H_kv,S,hd)
  .explain_answer(prompt_ids, pixel, answer_ids, layers=None, norm_twice_last=None) → ExplainResult
        one teacher-forced pass over prompt + answer[:-1]; q_t = S0 - 1 + t (t = 0..T-1, 0-based)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort


# The bundle format this runner reads (models/export/manifest.FORMAT_VERSION); version 1's
# explain head took all L layers' values and cannot be driven by this code.
SUPPORTED_FORMAT_VERSION = 2


class BundleError(Exception):
    """A bundle folder that cannot be used: says what was expected and what was found."""


@dataclass
class StepOutput:
    """Outputs of one decoder call (batch 1)."""

    logits: np.ndarray  # (1, S, V) for this step's rows
    present_keys: np.ndarray  # (L, 1, H_kv, P+S, hd): the cache to pass to the next step
    present_values: np.ndarray  # (L, 1, H_kv, P+S, hd): also the V_l the explain head needs
    explain_m: np.ndarray  # (L, 1, R, d) post-attention residual at the explain rows
    explain_attn: np.ndarray  # (L, 1, H, R, P+S) attention-probability rows at the explain rows

    @property
    def length(self) -> int:
        return int(self.present_keys.shape[3])


@dataclass
class ExplainResult:
    """Teacher-forced explain outputs for one answer."""

    query_rows: np.ndarray  # (T,) q_t, 0-based sequence positions
    layer_ids: np.ndarray  # (K,) explained layers Λ
    G: np.ndarray  # (K, T, H, S) gradient rows; only [..., :q_t+1] is meaningful
    lens_scores: np.ndarray  # (K, T) logit-lens scores s_{l,t}
    attn: np.ndarray  # (K, T, H, S) attention rows A_l[:, q_t, :]
    logits: np.ndarray  # (S, V) logits of the teacher-forced pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Bundle:
    """A loaded bundle: manifest + lazily created onnxruntime sessions, one per graph."""

    def __init__(self, root: Path, manifest: dict, providers: list[str]):
        self.root, self.manifest, self.providers = root, manifest, providers
        self._sessions: dict[str, ort.InferenceSession] = {}
        self._tokenizer = None
        text = manifest["text"]
        self.num_layers, self.num_heads = text["num_layers"], text["num_heads"]
        self.num_kv_heads, self.head_dim, self.hidden_size = text["num_kv_heads"], text["head_dim"], text["hidden_size"]
        self.image_token_id = manifest["vision"]["image_token_id"]
        self.num_image_tokens = manifest["vision"]["num_image_tokens"]

    @classmethod
    def load(cls, path: str | Path, verify: bool = True, providers: list[str] | None = None) -> "Bundle":
        root = Path(path)
        mpath = root / "manifest.json"
        if not mpath.is_file():
            raise BundleError(f"bundle {root}: expected manifest.json; found {'no such folder' if not root.is_dir() else 'none'}")
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
        version = manifest.get("format_version")
        if manifest.get("format") != "dexar-bundle" or version != SUPPORTED_FORMAT_VERSION:
            raise BundleError(
                f"bundle {root}: expected format dexar-bundle version {SUPPORTED_FORMAT_VERSION}; found format "
                f"{manifest.get('format')!r} version {version!r}"
                + (" (an older bundle: re-export it with python -m models.export)"
                   if isinstance(version, int) and version < SUPPORTED_FORMAT_VERSION else ""))
        if verify:
            from models.export.manifest import validate_manifest

            validate_manifest(manifest)
            for name, entry in manifest["files"].items():
                found = _sha256(root / name) if (root / name).is_file() else "missing file"
                if found != entry["sha256"]:
                    raise BundleError(f"bundle file {name}: expected sha256 {entry['sha256']}; found {found}")
        return cls(root, manifest, providers or ["CPUExecutionProvider"])

    def session(self, role: str) -> ort.InferenceSession:
        if role not in self._sessions:
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = 1  # tests share the CPU; set providers for real runs
            path = self.root / self.manifest["graphs"][role]["file"]
            self._sessions[role] = ort.InferenceSession(str(path), opts, providers=self.providers)
        return self._sessions[role]

    # --- text and image inputs -------------------------------------------------------------
    @property
    def tokenizer(self):
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            self._tokenizer = Tokenizer.from_file(str(self.root / self.manifest["tokenizer"]["file"]))
        return self._tokenizer

    def prompt_ids(self, prompt: str) -> np.ndarray:
        """Token ids of the templated prompt with the image placeholder expanded to N tokens."""
        text = self.manifest["prompt"]["template"].replace("{prompt}", prompt)
        ids = self.tokenizer.encode(text).ids
        out: list[int] = []
        for tid in ids:
            out.extend([tid] * self.num_image_tokens if tid == self.image_token_id else [tid])
        return np.asarray(out, dtype=np.int64)

    def preprocess(self, image) -> np.ndarray:
        """PIL image → (1, 3, H, W) float32 following manifest["preprocessing"] (HF PIL backend)."""
        from PIL import Image

        pre = self.manifest["preprocessing"]
        img = image.convert("RGB") if pre["convert_rgb"] else image
        if pre["pad"]["mode"] == "square" and img.width != img.height:
            side = max(img.size)
            canvas = Image.new("RGB", (side, side), tuple(pre["pad"]["fill"]))
            canvas.paste(img, ((side - img.width) // 2, (side - img.height) // 2))
            img = canvas
        resample = {"nearest": 0, "lanczos": 1, "bilinear": 2, "bicubic": 3, "box": 4, "hamming": 5}
        rs = pre["resize"]
        if rs["enabled"]:
            if rs["mode"] == "shortest_edge":
                short = rs["size"][0]
                w, h = img.size
                # HF get_resize_output_image_size: scale the short side, floor the long side.
                size = (short, int(short * h / w)) if w <= h else (int(short * w / h), short)
            else:
                size = (rs["size"][1], rs["size"][0])
            img = img.resize(size, resample=resample[rs["interpolation"]])
        arr = np.asarray(img, dtype=np.float32)  # (H, W, 3)
        if pre["crop"]["mode"] == "center":
            ch, cw = pre["crop"]["size"]
            top, left = (arr.shape[0] - ch) // 2, (arr.shape[1] - cw) // 2
            arr = arr[top:top + ch, left:left + cw]
        arr = arr * pre["rescale_factor"]
        if pre["normalize"]["enabled"]:
            arr = (arr - np.asarray(pre["normalize"]["mean"], np.float32)) / np.asarray(pre["normalize"]["std"], np.float32)
        return np.ascontiguousarray(arr.transpose(2, 0, 1)[None], dtype=np.float32)

    # --- graphs --------------------------------------------------------------------------------
    def embed(self, input_ids: np.ndarray) -> np.ndarray:
        return self.session("embed").run(None, {"input_ids": np.asarray(input_ids, np.int64)})[0]

    def vision(self, pixel_values: np.ndarray) -> np.ndarray:
        return self.session("vision").run(None, {"pixel_values": np.asarray(pixel_values, np.float32)})[0]

    def inputs_embeds(self, input_ids: np.ndarray, pixel_values: np.ndarray | None) -> np.ndarray:
        """(1, S, d): token embeddings, image-token columns overwritten by the vision rows in order."""
        ids = np.asarray(input_ids, np.int64).reshape(1, -1)
        emb = self.embed(ids)
        cols = np.flatnonzero(ids[0] == self.image_token_id)
        if len(cols):
            if pixel_values is None:
                raise BundleError(f"inputs_embeds: expected pixel_values for {len(cols)} image tokens; found None")
            img = self.vision(pixel_values)[0]
            if len(cols) != img.shape[0]:
                raise BundleError(f"inputs_embeds: expected {img.shape[0]} image tokens; found {len(cols)}")
            emb[0, cols] = img
        return emb

    def empty_cache(self) -> tuple[np.ndarray, np.ndarray]:
        shape = (self.num_layers, 1, self.num_kv_heads, 0, self.head_dim)
        return np.zeros(shape, np.float32), np.zeros(shape, np.float32)

    def step(self, inputs_embeds: np.ndarray, past: StepOutput | None = None,
             explain_rows=()) -> StepOutput:
        keys, values = (past.present_keys, past.present_values) if past is not None else self.empty_cache()
        seq, start = inputs_embeds.shape[1], keys.shape[3]
        feeds = {
            "inputs_embeds": np.asarray(inputs_embeds, np.float32),
            "position_ids": (np.arange(seq, dtype=np.int64) + start)[None],
            "past_keys": keys, "past_values": values,
            "explain_rows": np.asarray(list(explain_rows), np.int64),
        }
        return StepOutput(*self.session("decoder").run(None, feeds))

    def prefill(self, input_ids, pixel_values, explain_rows=()) -> StepOutput:
        return self.step(self.inputs_embeds(input_ids, pixel_values), None, explain_rows)

    def decode(self, token_id: int, past: StepOutput, explain_rows=()) -> StepOutput:
        return self.step(self.embed(np.asarray([[token_id]], np.int64)), past, explain_rows)

    def layer_values(self, present_values: np.ndarray, layer_ids) -> np.ndarray:
        """(K, H_kv, S, hd): the explain head's `values`, the cache of the layers in layer_ids, in order."""
        return np.ascontiguousarray(np.asarray(present_values)[np.asarray(layer_ids, np.int64), 0], np.float32)

    def explain(self, m, values, layer_ids, target_ids, norm_twice_last: bool | None = None):
        """G rows and lens scores for the K layers in layer_ids; values (K, H_kv, S, hd) in the same order."""
        if norm_twice_last is None:
            norm_twice_last = self.manifest["explain"]["norm_twice_last"]
        ids = [int(i) for i in np.asarray(layer_ids).reshape(-1)]
        if len(set(ids)) != len(ids) or not all(0 <= i < self.num_layers for i in ids):
            raise BundleError(f"explain layer_ids: expected distinct ids in [0, {self.num_layers}); found {ids}")
        if np.shape(values)[0] != len(ids) or np.shape(m)[0] != len(ids):
            raise BundleError(f"explain: expected m and values for the {len(ids)} layers in layer_ids; "
                              f"found m {np.shape(m)}, values {np.shape(values)}")
        feeds = {
            "m": np.asarray(m, np.float32), "values": np.asarray(values, np.float32),
            "layer_ids": np.asarray(layer_ids, np.int64), "target_ids": np.asarray(target_ids, np.int64),
            "norm_twice_last": np.asarray(1.0 if norm_twice_last else 0.0, np.float32),
        }
        G, scores = self.session("explain").run(None, feeds)
        return G, scores

    def explain_answer(self, prompt_ids, pixel_values, answer_ids, layers=None,
                       norm_twice_last: bool | None = None) -> ExplainResult:
        """Teacher-forced G rows for every answer token and layer in `layers` (default: manifest)."""
        prompt_ids = np.asarray(prompt_ids, np.int64).reshape(-1)
        answer_ids = np.asarray(answer_ids, np.int64).reshape(-1)
        layer_ids = np.asarray(self.manifest["explain"]["default_layers"] if layers is None else layers, np.int64)
        seq = np.concatenate([prompt_ids, answer_ids[:-1]])
        rows = np.arange(len(answer_ids), dtype=np.int64) + len(prompt_ids) - 1
        out = self.prefill(seq, pixel_values, rows)
        m = out.explain_m[layer_ids, 0]  # (K, T, d)
        G, scores = self.explain(m, self.layer_values(out.present_values, layer_ids), layer_ids, answer_ids,
                                 norm_twice_last)
        attn = out.explain_attn[layer_ids, 0].transpose(0, 2, 1, 3)  # (K, T, H, S)
        return ExplainResult(rows, layer_ids, G, scores, attn, out.logits[0])
