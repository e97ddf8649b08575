"""CLI: python -m models.export --hf DIR --out DIR [--name NAME] [--no-validate]."""

from __future__ import annotations

import argparse
import sys

from models.export.errors import ExportError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m models.export",
        description="Convert a local LlavaForConditionalGeneration checkpoint into a DEX-AR bundle.")
    parser.add_argument("--hf", required=True, help="local Hugging Face checkpoint directory (no downloads)")
    parser.add_argument("--out", required=True, help="bundle directory to write (empty, new, or an old bundle)")
    parser.add_argument("--name", default=None, help="bundle name in the manifest (default: --out folder name)")
    parser.add_argument("--no-validate", action="store_true",
                        help="skip the ONNX Runtime vs PyTorch comparison (faster on huge models)")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = torch default)")
    args = parser.parse_args(argv)
    try:
        import torch

        if args.threads:
            torch.set_num_threads(args.threads)
        from models.export.bundle import export_bundle

        export_bundle(args.hf, args.out, name=args.name, validate=not args.no_validate)
    except ExportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
