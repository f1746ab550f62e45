"""GX is imported without scipy.stats, altair, jsonschema and mistune (lib/quality._deferred);
they load on first use."""

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import sys
    from declaratiemonitor.lib import quality

    quality._context()
    eager = [name for name in quality.DEFERRED_IMPORTS if name in sys.modules]
    assert not eager, f"loaded eagerly: {eager}"
    from great_expectations.expectations.core import (
        expect_column_kl_divergence_to_be_less_than as kl,
    )

    value = kl.stats.entropy([0.5, 0.5], [0.25, 0.75])  # the stand-in imports scipy.stats
    import scipy.stats

    assert sys.modules["scipy.stats"] is scipy.stats and not isinstance(
        scipy.stats, quality._Deferred
    )
    assert value == scipy.stats.entropy([0.5, 0.5], [0.25, 0.75])
    assert kl.alt.Chart is __import__("altair").Chart
    from great_expectations.expectations.metrics.column_map_metrics import (
        column_values_match_json_schema as json_schema,
    )
    from great_expectations.render.view import view

    assert json_schema.jsonschema.ValidationError is __import__("jsonschema").ValidationError
    assert view.DefaultJinjaView.render_markdown(None, "*x*").strip() == "<p><em>x</em></p>"
    print("ok")
    """
)


def test_deferred_modules_load_on_first_use() -> None:
    # A fresh interpreter: in this one GX may already have been imported by another test.
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def test_a_failing_gx_import_leaves_no_stand_ins(monkeypatch) -> None:
    from declaratiemonitor.lib import quality

    monkeypatch.delitem(sys.modules, "no_such_module_for_gx", raising=False)
    failing = pytest.raises(ImportError, match="GX could not be imported")
    with failing, quality._deferred(("no_such_module_for_gx",)):
        assert isinstance(sys.modules["no_such_module_for_gx"], quality._Deferred)
        raise ImportError("GX could not be imported")
    assert "no_such_module_for_gx" not in sys.modules


def test_a_stand_in_used_during_the_import_loads_the_real_module(monkeypatch) -> None:
    from declaratiemonitor.lib import quality

    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    with quality._deferred(("colorsys",)):
        stand_in = sys.modules["colorsys"]
        assert stand_in.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    assert not isinstance(sys.modules["colorsys"], quality._Deferred)
