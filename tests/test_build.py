"""How template.yaml builds and configures the functions: `make build` needs no python3.13 (every function and
layer builds with its own Makefile), SnapStart is one switch, each function gets only the variables it uses.
No `sam` run here; `make` runs the functions' build targets into a temporary folder."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bench.coldstart import ColdStartError, cold_import, lambda_environment
from local_stack.template import ROOT, Resolver, function_environment, load_template, resources_of_type

TEMPLATE = load_template()
FUNCTIONS = sorted(resources_of_type(TEMPLATE, "AWS::Serverless::Function"))
LAYERS = sorted(resources_of_type(TEMPLATE, "AWS::Serverless::LayerVersion"))


def source_folder(logical_id: str) -> Path:
    props = TEMPLATE["Resources"][logical_id]["Properties"]
    folder: str = props.get("CodeUri") or props["ContentUri"]
    return ROOT / folder


def uses_the_table(function: str) -> bool:
    return "DeskTable" in repr(TEMPLATE["Resources"][function]["Properties"].get("Policies", []))


@pytest.mark.parametrize("logical_id", FUNCTIONS + LAYERS)
def test_every_function_and_layer_builds_with_its_own_makefile_for_arm64(logical_id: str) -> None:
    metadata = TEMPLATE["Resources"][logical_id].get("Metadata", {})
    assert (metadata.get("BuildMethod"), metadata.get("BuildArchitecture")) == ("makefile", "arm64"), (
        "the default python builder demands a python3.13 on PATH"
    )
    assert set(metadata) <= {"BuildMethod", "BuildArchitecture", "checkov"}  # checkov: its skips and their reasons
    makefile = (source_folder(logical_id) / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^build-{logical_id}:", makefile, re.MULTILINE), f"no build-{logical_id} target"
    if "include ../function.mk" in makefile:  # a function: the recipe shared by every function
        makefile += (source_folder(logical_id).parent / "function.mk").read_text(encoding="utf-8")
    # Wheels for Lambda's interpreter, whatever the build machine runs.
    for option in ("--platform manylinux2014_aarch64", "--python-version 3.13", "--implementation cp"):
        assert option in makefile, option
    assert "--only-binary=:all:" in makefile
    # Optional byte-code only from a CPython 3.13, trusted whatever the zip's timestamps.
    assert "--invalidation-mode unchecked-hash" in makefile


@pytest.mark.parametrize("function", FUNCTIONS)
def test_a_function_build_ships_its_handler_code_without_tests_or_caches(function: str, tmp_path: Path) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    source = tmp_path / "functions" / "source"
    shutil.copytree(source_folder(function), source)
    shutil.copy(source_folder(function).parent / "function.mk", source.parent)  # as in the source tree
    (source / "tests").mkdir(exist_ok=True)
    (source / "tests" / "test_handler.py").write_text("", encoding="utf-8")
    (source / "__pycache__").mkdir(exist_ok=True)
    (source / "__pycache__" / "app.cpython-313.pyc").write_bytes(b"stale")
    artifacts = tmp_path / "artifacts"
    # PYTHON=true: a requirements file with packages would reach pip, which unit tests must not run.
    # PY313 empty: the optional byte-code step is skipped.
    subprocess.run(
        [make, "-s", f"build-{function}", f"ARTIFACTS_DIR={artifacts}", "PYTHON=true", "PY313="],
        cwd=source,
        check=True,
        capture_output=True,
    )
    handler_module = TEMPLATE["Resources"][function]["Properties"]["Handler"].rpartition(".")[0]
    assert (artifacts / f"{handler_module.replace('.', '/')}.py").is_file()
    assert not (artifacts / "tests").exists()
    assert not list(artifacts.rglob("__pycache__"))


def test_snapstart_is_one_parameter_and_applies_to_published_versions_behind_an_alias() -> None:
    parameter = TEMPLATE["Parameters"]["SnapStart"]
    assert (parameter["AllowedValues"], parameter["Default"]) == (["Enabled", "Disabled"], "Disabled")
    assert TEMPLATE["Conditions"]["SnapStartEnabled"] == {"Fn::Equals": [{"Ref": "SnapStart"}, "Enabled"]}
    globals_ = TEMPLATE["Globals"]["Function"]
    assert globals_["SnapStart"] == {
        "Fn::If": ["SnapStartEnabled", {"ApplyOn": "PublishedVersions"}, {"Ref": "AWS::NoValue"}]
    }
    # SnapStart works on published versions only: SAM publishes one per deployment and the API calls the alias.
    assert globals_["AutoPublishAlias"] == "live"
    # A replaced version would keep its cached snapshot, billed, if it were retained.
    assert globals_["VersionDeletionPolicy"] == "Delete"
    for function in FUNCTIONS:
        props = TEMPLATE["Resources"][function]["Properties"]
        assert "SnapStart" not in props, f"{function} overrides the SnapStart switch"
        # SAM would name versions after this value instead of the code: code changes would publish nothing.
        assert "AutoPublishCodeSha256" not in props, function

    on = Resolver(TEMPLATE, parameters={"SnapStart": "Enabled"})
    off = Resolver(TEMPLATE, parameters={"SnapStart": "Disabled"})
    assert on.resolve(globals_["SnapStart"]) == {"ApplyOn": "PublishedVersions"}
    assert off.resolve(globals_["SnapStart"]) == "AWS::NoValue"


def test_only_the_functions_that_use_the_table_get_its_name() -> None:
    assert "TABLE_NAME" not in TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    resolver = Resolver(TEMPLATE)
    assert "TABLE_NAME" not in function_environment(TEMPLATE, "CatalogueFunction", resolver)
    for function in FUNCTIONS:
        environment = function_environment(TEMPLATE, function, resolver)
        assert ("TABLE_NAME" in environment) is uses_the_table(function), function
        assert {"STAGE", "CORS_ORIGIN", "POWERTOOLS_SERVICE_NAME"} <= set(environment), function


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_handler_starts_with_nothing_but_its_own_environment(function: str, template: dict[str, Any]) -> None:
    """A fresh interpreter with exactly the variables Lambda would give the function (the tests' process sets
    TABLE_NAME for everyone, which would hide a function reading a variable it is not given)."""
    try:
        cold_import(function, lambda_environment(template, function))
    except ColdStartError as error:
        pytest.fail(f"{function} cannot start with its environment from template.yaml: {error}")
