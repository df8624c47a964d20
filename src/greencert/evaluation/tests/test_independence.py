import ast
import subprocess
import sys
from pathlib import Path

import greencert.evaluation

PACKAGE = Path(greencert.evaluation.__file__).parent


def test_importing_the_engine_loads_no_django_module() -> None:
    code = (
        "import sys, greencert.evaluation as e; e.load_shipped_schemes(); "
        "from greencert.evaluation import cli; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr


def test_no_engine_module_imports_django_or_uses_eval() -> None:
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not any(a.name.split(".")[0] == "django" for a in node.names), path.name
            elif isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] != "django", path.name
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("eval", "exec", "compile"), path.name
