"""Write the sample project assets (the first-run project of `npm start`).

    models/.venv/bin/python -m models.demo.samples --out models/samples

A Shapes-QA dataset folder (DESIGN §5 format: annotations.jsonl, images/, masks/) of 24 questions,
four per template, from a seed used neither for training nor for the held-out split, plus
prompts.json: [{"image": "images/….png", "prompt": …, "expected_answer": …, "template": …}].
"""

import argparse
import json
from pathlib import Path

from models.shapes_qa.dataset import write_dataset

SAMPLES_SEED = 424242  # distinct from train (1), validation (800001) and held-out (900001)


def write_samples(out: Path, n: int = 24, seed: int = SAMPLES_SEED, size: int = 72) -> Path:
    ann = write_dataset(out, n, seed, size)
    rows = [json.loads(line) for line in ann.read_text().splitlines()]
    prompts = [{"image": r["image"], "prompt": r["prompt"], "expected_answer": r["answer"],
                "template": r["template"]} for r in rows]
    path = Path(out) / "prompts.json"
    path.write_text(json.dumps(prompts, indent=1) + "\n")
    return path


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="models/samples", help="output folder")
    p.add_argument("--n", type=int, default=24, help="number of samples (templates cycle 1..6)")
    p.add_argument("--seed", type=int, default=SAMPLES_SEED, help="generator seed")
    a = p.parse_args()
    print("wrote", write_samples(Path(a.out), a.n, a.seed))


if __name__ == "__main__":
    main()
