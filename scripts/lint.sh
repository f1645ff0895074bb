#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh - run checkpatch.pl --strict (taken from Debian's linux-source-6.12)
# over primedisp's kernel sources and uapi header.  Exit 0 when clean.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${PRIMEDISP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/primedisp}
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n1 || true)
[ -n "$tarball" ] || { echo "lint: install linux-source-6.12 (scripts/install-deps.sh)" >&2; exit 1; }

cp_dir="$CACHE/checkpatch"
stamp="$cp_dir/.from-$(basename "$tarball")-$(stat -c %Y "$tarball")"
if [ ! -f "$stamp" ]; then
	rm -rf "$cp_dir"
	mkdir -p "$cp_dir"
	tar -xf "$tarball" -C "$cp_dir" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	touch "$stamp"
fi

cd "$top"
mapfile -t files < <(git ls-files 'drm/*.[ch]' 'uapi/*.h' 2>/dev/null || true)
[ ${#files[@]} -gt 0 ] || mapfile -t files < <(find drm uapi -name '*.[ch]' | sort)
rc=0
out=$(perl "$cp_dir/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	--ignore FILE_PATH_CHANGES -f "${files[@]}") || rc=$?
# Show only the findings, not the per-file "no problems" lines.
grep -v -e ' has no obvious style problems' -e '^total: 0 errors, 0 warnings, 0 checks' \
	<<<"$out" || true
exit $rc
