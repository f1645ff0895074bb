#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# igt-results.py - compare an igt_runner results.json with primedisp's
# expectations (igt-tests/upstream/, in the DRM CI's form) and print one
# line per test as run-suite.sh does:
#
#   PASS igt@BIN@SUB (1.2s)
#   FAIL igt@BIN@SUB: REASON
#   SKIP igt@BIN@SUB: REASON
#
# Usage: igt-results.py plan TESTLIST EXPECTDIR [PATTERN...] > RUNLIST
#        igt-results.py report RESULTS.JSON RUNLIST EXPECTDIR
#   TESTLIST   the tests, one BIN@SUB a line ("#" comments)
#   EXPECTDIR  holds primedisp-fails.txt ("BIN@SUB,Result"),
#              primedisp-flakes.txt ("BIN@SUB") and primedisp-skips.txt
#              (regular expressions matching all of BIN@SUB), each entry
#              after a "# reason" comment
#   PATTERN    fnmatch patterns (BIN or BIN@SUB, comma-separated) to keep
#
# "plan" prints the list for igt_runner --test-list: "igt@BIN@SUB" for the
# tests to run, "#skip BIN@SUB<TAB>REASON" for those the skips list leaves
# out.  "report" reads both back with the runner's results.
#
# An expected failure is printed as SKIP with "expected Fail: reason"; an
# expected failure that passed, or failed differently, is a FAIL (the list
# must be updated), as in the DRM CI.  A known flake that did not pass is a
# SKIP naming the flake.  Anything else that did not pass or skip is a FAIL.
# The last line is "N passed, N failed, N skipped"; exit status 1 if any
# test failed.

import fnmatch
import json
import re
import sys

# igt_runner's results -> the DRM CI's names of results.
RESULT_NAMES = {
    'pass': 'Pass',
    'skip': 'Skip',
    'fail': 'Fail',
    'crash': 'Crash',
    'timeout': 'Timeout',
    'abort': 'Abort',
    'incomplete': 'Incomplete',
    'notrun': 'NotRun',
    'dmesg-warn': 'DmesgWarn',
    'dmesg-fail': 'DmesgFail',
    'warn': 'Warn',
}


# Kernel warnings that QEMU's TCG itself causes (a slow, preempted virtual
# CPU), not the driver: a test whose only warnings are these keeps its own
# result instead of dmesg-warn/dmesg-fail.
EMULATION_NOISE = [
    r'clocksource: Long readout interval',
    r'clocksource: timekeeping watchdog',
    r'clocksource: +\'\S+\' (wd_nsec|cs_nsec)',
    r'clocksource: Switched to clocksource',
    r'hrtimer: interrupt took',
    r'sched: RT throttling activated',
    # DRM's CRC buffer (128 entries) overflowed because the test read
    # slower than frames came: the test's own pace under emulation.
    r'Overflow of CRC buffer, userspace reads too slow',
]


def serious_dmesg(res):
    """The warning-level (0..4) kernel lines of a test that are not noise."""
    return [ln.strip() for ln in res.get('dmesg', '').splitlines()
            if re.search(r'<[0-4]>', ln) and
            not any(re.search(p, ln) for p in EMULATION_NOISE)]


def read_entries(path):
    """Entries of an expectations file with the comment above each."""
    entries = []
    reason = []
    try:
        f = open(path, encoding='utf-8')
    except FileNotFoundError:
        return entries
    with f:
        for line in f:
            line = line.strip()
            if not line:
                reason = []
            elif line.startswith('#'):
                reason.append(line.lstrip('#').strip())
            else:
                entries.append((line, ' '.join(reason) or 'no reason given'))
    return entries


def first_lines(text, patterns, limit=4):
    out = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if any(re.match(p, line) for p in patterns):
            out.append(line.strip())
            # IGT puts the detail of an assertion on the next lines.
            for nxt in lines[i + 1:i + 4]:
                if nxt.startswith(('Failed assertion', 'Test requirement:', 'error:', 'Last errno')) \
                   or (nxt and not nxt.startswith(('Stack trace', 'Subtest', 'Dynamic subtest', '  #'))):
                    out.append(nxt.strip())
            break
    out = [re.sub(r'^\(\S+:\d+\) (\S+-)?CRITICAL: ', '', ln) for ln in out]
    out = [ln for ln in out if not ln.startswith('Last errno')]
    return ' | '.join(out[:limit])


def fail_reason(res):
    text = res.get('err', '') + '\n' + res.get('out', '')
    r = first_lines(text, [r'\(\S+:\d+\) .*CRITICAL: ', r'Test assertion failure',
                           r'.*Failed assertion', r'Received signal', r'Test timeout',
                           r'.*CRC mismatch'])
    if res.get('result') in ('dmesg-warn', 'dmesg-fail'):
        dm = serious_dmesg(res)
        r = (r + ' | ' if r else '') + 'dmesg: ' + (dm[0] if dm else '?')
    return r or 'no reason in the output'


def skip_reason(res):
    text = res.get('err', '') + '\n' + res.get('out', '')
    for line in text.splitlines():
        m = re.match(r'Test requirement: (.*)', line)
        if m:
            return m.group(1).strip()
    m = re.search(r'Test requirement not met in function (\S+)', text)
    if m:
        return 'requirement not met in ' + m.group(1)
    return 'no reason given'


def read_list(path):
    names = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                names.append(line)
    return names


def plan(testlist_path, expect_dir, patterns):
    skips = [(re.compile(rx), reason)
             for rx, reason in read_entries(expect_dir + '/primedisp-skips.txt')]
    pats = [p for arg in patterns for p in arg.split(',') if p]
    for name in read_list(testlist_path):
        if pats and not any(fnmatch.fnmatchcase(name, p) or
                            fnmatch.fnmatchcase(name.split('@', 1)[0], p) or
                            fnmatch.fnmatchcase('igt@' + name, p) for p in pats):
            continue
        why = next((reason for rx, reason in skips if rx.fullmatch(name)), None)
        if why is None:
            print(f'igt@{name}')
        else:
            print(f'#skip {name}\t{why}')
    return 0


def main():
    args = sys.argv[1:]
    if len(args) >= 3 and args[0] == 'plan':
        return plan(args[1], args[2], args[3:])
    if len(args) != 4 or args[0] != 'report':
        sys.exit('usage: igt-results.py plan TESTLIST EXPECTDIR [PATTERN...]\n'
                 '       igt-results.py report RESULTS.JSON RUNLIST EXPECTDIR')
    _, results_path, runlist_path, expect_dir = args

    fails = {}
    for entry, reason in read_entries(expect_dir + '/primedisp-fails.txt'):
        name, _, result = entry.partition(',')
        fails[name.strip()] = (result.strip() or 'Fail', reason)
    flakes = dict(read_entries(expect_dir + '/primedisp-flakes.txt'))

    try:
        with open(results_path, encoding='utf-8', errors='replace') as f:
            tests = json.load(f).get('tests', {})
    except (OSError, ValueError) as e:
        tests = {}
        print(f'igt-results: cannot read {results_path}: {e}', file=sys.stderr)

    wanted = []
    skipped = []
    with open(runlist_path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('#skip '):
                name, _, reason = line[6:].partition('\t')
                skipped.append((name, reason))
            elif line.startswith('igt@'):
                wanted.append(line[4:].strip())

    counts = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}

    def out(kind, name, text):
        counts[kind] += 1
        print(f'{kind} igt@{name}{text}', flush=True)

    for name, reason in skipped:
        out('SKIP', name, f': in primedisp-skips.txt: {reason}')

    for name in wanted:
        # igt_runner names its results in lower case.
        res = tests.get('igt@' + name) or tests.get(('igt@' + name).lower())
        result = res.get('result', 'notrun') if res else 'notrun'
        if result in ('dmesg-warn', 'dmesg-fail') and not serious_dmesg(res):
            result = 'pass' if result == 'dmesg-warn' else 'fail'
        got = RESULT_NAMES.get(result, result)
        secs = ''
        if res and 'time' in res:
            t = res['time']
            secs = f' ({t.get("end", 0) - t.get("start", 0):.1f}s)'
        if name in fails:
            want, reason = fails[name]
            if got == want:
                out('SKIP', name, f': expected {want}: {reason}')
            elif got == 'Pass':
                out('FAIL', name, f': unexpectedly passed (expected {want}: {reason});'
                    ' remove it from primedisp-fails.txt')
            elif got == 'Skip':
                out('FAIL', name, f': skipped ({skip_reason(res)}), expected {want}: {reason}')
            else:
                out('FAIL', name, f': {got} where {want} was expected: {fail_reason(res or {})}')
            continue
        if got == 'Pass':
            out('PASS', name, secs)
        elif got == 'Skip':
            out('SKIP', name, f': {skip_reason(res)}')
        elif name in flakes:
            out('SKIP', name, f': known flake, {got} this time ({flakes[name]}): '
                f'{fail_reason(res or {})}')
        elif got == 'NotRun':
            out('FAIL', name, ': not run (the runner stopped before it or it does not exist)')
        else:
            out('FAIL', name, f': {got}: {fail_reason(res)}')

    print(f'{counts["PASS"]} passed, {counts["FAIL"]} failed, {counts["SKIP"]} skipped')
    return 1 if counts['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main())
