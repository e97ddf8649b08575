"""CLI: python -m models.shapes_qa --n N --seed S --out DIR [--size PX]"""

import argparse

from .dataset import write_dataset


def main() -> None:
    p = argparse.ArgumentParser(description="Generate a Shapes-QA dataset folder (DESIGN §5).")
    p.add_argument("--n", type=int, required=True, help="number of questions (one image each)")
    p.add_argument("--seed", type=int, required=True, help="RNG seed; same seed, same dataset")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--size", type=int, default=72, help="image side in px (divisible by 3)")
    args = p.parse_args()
    path = write_dataset(args.out, args.n, args.seed, args.size)
    print(f"wrote {args.n} questions to {path}")


if __name__ == "__main__":
    main()
