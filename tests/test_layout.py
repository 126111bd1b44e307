"""The runtime package stays apart from the code that makes and judges models."""

from __future__ import annotations

import json
import subprocess
import sys


def _modules_after(code: str) -> list[str]:
    """The declutter modules loaded after running ``code`` in a fresh interpreter."""
    probe = (
        f"{code}\nimport json, sys\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('declutter'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_cleaning_imports_nothing_of_the_training_package() -> None:
    loaded = _modules_after(
        "import declutter\n"
        "declutter.clean('Rates rose on Tuesday.\\nShare this on Facebook')\n"
        "declutter.clean_html('<p>Rates rose on Tuesday, the bank said.</p>')\n"
        "list(declutter.clean_many(['One line of text.']))"
    )
    assert "declutter.core" in loaded  # the probe did clean
    assert [m for m in loaded if m.startswith("declutter.training")] == []
