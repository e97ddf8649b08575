"""Writes cases.json: ids and decodes from the Python `tokenizers` library, the TypeScript
tokenizer's ground truth. Run from the repo root:
    PYTHONPATH=. models/.venv/bin/python tests/main/engine/tokenizer/make_cases.py
Tokenizers: the two committed tiny bundles, the Shapes-QA demo tokenizer (WordPiece decoder) and a
legacy Llama-style file (Prepend + Replace normalizer, no pre-tokenizer, "a b" merges) built from
tiny-llama's vocabulary, which is how LLaVA-1.5's own tokenizer.json is written.
"""

import json
from pathlib import Path

from tokenizers import Tokenizer, normalizers

HERE = Path(__file__).parent
TEXTS = [
    "USER: <image>\nDescribe the image. ASSISTANT:",
    "USER: <image>\nWhat color is the circle? ASSISTANT: The circle is red.",
    "A yellow circle and a purple square.",
    " leading space and  double  spaces ",
    "<image>starts with an image token<s></s>",
    "Ünïcödé — emoji 🙂 and tabs\tand\nnewlines",
    "How many stars are there? There are two stars.",
    "",
    # Long enough that merge order and ties matter across many symbols of one Metaspace word.
    "USER: <image>\n" + "What color is the circle next to the large purple square at the top left? " * 12 + "ASSISTANT:",
    "aaaaaaaaaaa thethethe isisis   ",
]


def legacy_llama(path: Path) -> Tokenizer:
    spec = json.loads(path.read_text())
    spec["normalizer"] = {"type": "Sequence", "normalizers": [
        {"type": "Prepend", "prepend": "▁"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]}
    spec["pre_tokenizer"] = None
    spec["model"]["merges"] = [" ".join(m) for m in spec["model"]["merges"]]
    return Tokenizer.from_str(json.dumps(spec)), spec


def main() -> None:
    from models.demo.tokenizer import build_tokenizer

    sources = {}
    for name in ["tiny-llama", "tiny-mistral"]:
        path = Path(f"tests/fixtures/bundles/{name}/tokenizer.json")
        sources[name] = (Tokenizer.from_file(str(path)), json.loads(path.read_text()))
    demo = build_tokenizer()
    sources["shapes-demo"] = (demo, json.loads(demo.to_str()))
    sources["legacy-llama"] = legacy_llama(Path("tests/fixtures/bundles/tiny-llama/tokenizer.json"))

    out = {}
    for name, (tok, spec) in sources.items():
        cases = []
        for text in TEXTS:
            with_special = tok.encode(text).ids
            plain = tok.encode(text, add_special_tokens=False).ids
            cases.append({
                "text": text, "ids": with_special, "ids_no_special": plain,
                "decoded": tok.decode(with_special, skip_special_tokens=False),
                "decoded_skip_special": tok.decode(with_special, skip_special_tokens=True),
                "token_texts": [tok.decode([i]) for i in plain],
            })
        out[name] = {"tokenizer": spec, "cases": cases}
    (HERE / "cases.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
