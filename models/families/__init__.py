"""Model family adapters behind one interface (models.families.base.FamilyAdapter).

Add a family: write an adapter module, add its class to FAMILIES and a tiny model for it in
models/tiny.py (tests/models/test_export_families.py fails otherwise).
"""

from __future__ import annotations

from models.export.errors import UnsupportedFamilyError
from models.families.base import FamilyAdapter
from models.families.llava_llama import LlavaLlamaFamily
from models.families.llava_mistral import LlavaMistralFamily

# Registry: family name → adapter class.
FAMILIES: dict[str, type[FamilyAdapter]] = {cls.name: cls for cls in (LlavaLlamaFamily, LlavaMistralFamily)}


def detect_family(config: dict) -> FamilyAdapter:
    """The adapter for a checkpoint's config.json (as a dict), after its support checks."""
    for cls in FAMILIES.values():
        if cls.matches(config):
            adapter = cls()
            adapter.check_supported(config)
            return adapter
    archs = ", ".join(config.get("architectures") or []) or "none"
    text_type = (config.get("text_config") or {}).get("model_type")
    found = f"model_type={config.get('model_type')!r}, architectures={archs}"
    if text_type:
        found += f", text_config.model_type={text_type!r}"
    expected = " or ".join(f"{name} ({cls.description})" for name, cls in FAMILIES.items())
    raise UnsupportedFamilyError("checkpoint family", expected, found)
