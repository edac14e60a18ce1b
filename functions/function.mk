# The build of every function (BuildMethod: makefile, see template.yaml), included by each function's
# Makefile: the handler code, then the function's own requirements.txt as wheels for the Lambda target
# (arm64, CPython 3.13) whatever the build machine is. Shared code and libraries come from the common layer.
# `sam build` runs in the source tree (samconfig.toml: build_in_source), so this file is found beside them.
PYTHON ?= python3
# Optional byte-code for CPython 3.13 (/var/task is read-only in Lambda too): see layers/common/Makefile.
PY313 ?= $(shell command -v python3.13 2>/dev/null | grep -v /shims/)

# $(call build_function,<LogicalId>)
define build_function
	# The handler code only: no tests, no caches (tar keeps sub-packages' folders, with GNU and BSD tools alike).
	mkdir -p "$(ARTIFACTS_DIR)"
	find . \( -name '*.py' -o -name '*.j2' \) -not -path '*/__pycache__/*' -not -path '*/tests/*' -not -name 'test_*.py' -not -name 'conftest.py' \
		| tar -cf - -T - | tar -xf - -C "$(ARTIFACTS_DIR)"
	# Heavy libraries go only in the function that uses them: most functions list none (comments only).
	if grep -qvE '^[[:space:]]*(#|$$)' requirements.txt; then \
		$(PYTHON) -m pip install --quiet --disable-pip-version-check \
			--platform manylinux2014_aarch64 --platform manylinux_2_28_aarch64 --python-version 3.13 --implementation cp --only-binary=:all: \
			--target "$(ARTIFACTS_DIR)" -r requirements.txt \
		&& cd "$(ARTIFACTS_DIR)" \
		&& rm -rf botocore* boto3* s3transfer* jmespath* urllib3* dateutil python_dateutil* six.py six-* bin; \
	fi
	find "$(ARTIFACTS_DIR)" -name '__pycache__' -type d -prune -exec rm -rf {} +
	@if [ -n "$(PY313)" ] && "$(PY313)" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then \
		echo "byte-compiling $(1) for CPython 3.13 with $(PY313)"; \
		"$(PY313)" -m compileall -q -j 0 --invalidation-mode unchecked-hash \
			-s "$(ARTIFACTS_DIR)" -p /var/task "$(ARTIFACTS_DIR)"; \
	else \
		echo "no CPython 3.13 found (set PY313=/path/to/python3.13): $(1) ships sources without byte-code"; \
	fi
endef
