"""Comparing a fresh fixture run with the committed files."""

import numpy as np


def assert_close(found, expected, where):
    # Bytes match on one machine; another CPU may round a matmul differently, hence a tolerance.
    if isinstance(expected, dict) and set(expected) == {"shape", "data"}:
        assert found["shape"] == expected["shape"], where
        a, b = np.asarray(found["data"]), np.asarray(expected["data"])
        scale = max(float(np.abs(b).max(initial=0.0)), 1e-6)
        assert np.abs(a - b).max(initial=0.0) <= 1e-5 * scale, where
    elif isinstance(expected, dict):
        assert sorted(found) == sorted(expected), where
        for key in expected:
            assert_close(found[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert len(found) == len(expected), where
        for index, (a, b) in enumerate(zip(found, expected)):
            assert_close(a, b, f"{where}[{index}]")
    else:
        assert found == expected, where
