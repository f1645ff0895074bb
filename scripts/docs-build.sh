#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# docs-build.sh - build primedisp's documentation (Documentation/, a Sphinx
# book) into build/docs/html with Debian's python3-sphinx, offline, with
# warnings as errors (what `make docs` calls).
#
# Usage: scripts/docs-build.sh [--check]
#
#   --check   quiet build for `make check`: prints "PASS host@docs-sphinx"
#             or "FAIL host@docs-sphinx: REASON" (the warnings indented
#             above it) and exits 0 or 1.
#
# The uapi and internals pages are made from the kernel-doc comments of
# uapi/ and drm/ by scripts/kernel-doc, which is taken from Debian's
# linux-source-6.12 tarball into build/docs/tools/ on the first run (as
# scripts/lint.sh does with checkpatch.pl).  Any kernel-doc or Sphinx
# warning fails the build.
#
# Environment: SPHINXBUILD (default: Debian's /usr/bin/sphinx-build),
# SPHINXOPTS (extra options for it).

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

check=0
case ${1:-} in
--check) check=1 ;;
"") ;;
-h | --help) sed -n '4,21s/^# \{0,1\}//p' "$0"; exit 0 ;;
*) echo "docs-build: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac

out=$top/build/docs
log=$out/sphinx.log
name=host@docs-sphinx

# fail REASON [DETAIL-FILE]: report and exit 1 in the chosen format.
fail() {
	if [ $check = 1 ]; then
		[ -z "${2:-}" ] || sed 's/^/    /' "$2"
		echo "FAIL $name: $1"
	else
		echo "docs-build: $1" >&2
	fi
	exit 1
}

# Debian's Sphinx first: another python3 on PATH (a virtualenv, pyenv) may
# lack it or have another version.
if [ -z "${SPHINXBUILD:-}" ]; then
	if [ -x /usr/bin/sphinx-build ]; then
		SPHINXBUILD=/usr/bin/sphinx-build
	else
		SPHINXBUILD=sphinx-build
	fi
fi
if ! sphinx_version=$("$SPHINXBUILD" --version 2>/dev/null); then
	fail "Sphinx is missing: install python3-sphinx (apt-get install python3-sphinx, or scripts/install-deps.sh as root)"
fi
command -v perl >/dev/null || fail "perl is missing (apt-get install perl), kernel-doc needs it"

mkdir -p "$out"
exec 9>"$out/.lock"
flock 9

# scripts/kernel-doc from the 6.12 sources, extracted once per tarball.
tarball=
for f in /usr/src/linux-source-6.12.tar.*; do
	if [ -f "$f" ]; then tarball=$f; break; fi
done
[ -n "$tarball" ] ||
	fail "linux-source-6.12 is missing (apt-get install linux-source-6.12, or scripts/install-deps.sh as root): kernel-doc comes from it"
tools=$out/tools
stamp=$tools/.from-$(basename "$tarball")-$(stat -c %Y "$tarball")
if [ ! -f "$stamp" ] || [ ! -f "$tools/scripts/kernel-doc" ]; then
	[ $check = 1 ] || echo "docs-build: extracting scripts/kernel-doc from $tarball (once)" >&2
	rm -rf "$tools"
	mkdir -p "$tools"
	tar -xf "$tarball" -C "$tools" --strip-components=1 --wildcards '*/scripts/kernel-doc' ||
		fail "cannot extract scripts/kernel-doc from $tarball"
	touch "$stamp"
fi
export PRIMEDISP_KERNELDOC=$tools/scripts/kernel-doc

# -E: read every page again, so that warnings of unchanged pages are
# reported on every run; -W --keep-going: all warnings, then fail.
read -r -a extra <<<"${SPHINXOPTS:-}"
args=(-b html -E -W --keep-going -d "$out/doctrees" "${extra[@]}" Documentation "$out/html")

if [ $check = 0 ]; then
	echo "docs-build: $sphinx_version" >&2
	set +e
	"$SPHINXBUILD" "${args[@]}" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	set -e
	[ "$rc" -eq 0 ] || fail "the build failed (exit status $rc; full output in ${log#"$top"/})"
	echo "docs-build: $out/html/index.html"
	exit 0
fi

rc=0
"$SPHINXBUILD" -q "${args[@]}" >"$log" 2>&1 || rc=$?
if [ $rc -ne 0 ]; then
	warnings=$(grep -c -E 'WARNING|ERROR' "$log" || true)
	grep -E 'WARNING|ERROR|Error|error' "$log" | head -n 40 >"$out/sphinx-problems.txt" || true
	[ -s "$out/sphinx-problems.txt" ] || tail -n 20 "$log" >"$out/sphinx-problems.txt"
	fail "$sphinx_version: $warnings warning(s), exit status $rc (log: ${log#"$top"/})" \
		"$out/sphinx-problems.txt"
fi
echo "PASS $name"
