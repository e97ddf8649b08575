"""HF checkpoint → DEX-AR bundle exporter.

    python -m models.export --hf <checkpoint dir> --out models/bundles/<name>

Library use: `from models.export.bundle import export_bundle`. Errors are the typed classes in
models.export.errors (UnsupportedFamilyError, MissingFileError, WrongDirectoryError, AtolError,
ManifestError). This package __init__ stays import-light so `models.export.errors` can be used
by the family adapters without loading torch.
"""
