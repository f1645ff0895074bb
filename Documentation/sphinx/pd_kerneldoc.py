# SPDX-License-Identifier: GPL-2.0
#
# pd_kerneldoc - primedisp's Sphinx extension that turns kernel-doc
# comments of C sources into reStructuredText.
#
# The directive
#
#   .. kernel-doc:: drm/primedisp_gem.c
#      :identifiers: pd_gem_create_ioctl pd_gem_info_ioctl
#
# runs the Linux kernel's scripts/kernel-doc (a perl script; the
# documentation build takes it from Debian's linux-source-6.12 package)
# in -rst mode on a file of the repository and parses its output in place.
#
# Options:
#   :identifiers: NAME...     only these functions, structs, enums, ...
#                             (without names: every DOC-less declaration)
#   :no-identifiers: NAME...  everything but these
#   :doc: TITLE               only the "DOC: TITLE" section
#
# and
#
#   .. kernel-doc-files:: drm/*.h drm/*.c
#
# gives every file matching the patterns (each pattern's matches sorted, a
# file only once) a section of its own: the file name as title, the
# summary from its header comment ("NAME - summary"), then its kernel-doc
# comments, if it has any.  A new file appears without editing the page.
#
# Every warning kernel-doc prints, and any failure to run it, becomes a
# Sphinx warning at the comment's file and line, so a documentation build
# with -W fails on a broken kernel-doc comment.  reStructuredText errors
# inside a comment are also reported against the C file and line.
#
# Configuration values (conf.py):
#   pd_kerneldoc_script   path of scripts/kernel-doc
#   pd_kerneldoc_srctree  directory the directive's paths are relative to
#   pd_kerneldoc_flags    extra kernel-doc flags (default: -Wall)

import glob
import os
import re
import shlex
import subprocess

import sphinx
from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList, string2lines
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, switch_source_input
from sphinx.util.nodes import make_id

__version__ = '1.0'

logger = logging.getLogger(__name__)

# "FILE:LINE: warning: TEXT" (also "error:"), as kernel-doc prints them.
_DIAG = re.compile(r'^(?P<file>[^:\s]+):(?P<line>\d+): (?P<kind>warning|error): (?P<text>.*)$')
# kernel-doc's -enable-lineno markers.
_LINENO = re.compile(r'^\.\. LINENO (\d+)$')


def _words(arg):
    return arg.split() if arg else []


class KernelDocDirective(SphinxDirective):
    """Insert the kernel-doc comments of one source file."""

    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = False
    has_content = False
    option_spec = {
        'identifiers': directives.unchanged,
        'no-identifiers': directives.unchanged,
        'doc': directives.unchanged_required,
    }

    def run(self):
        return run_kernel_doc(self, self.arguments[0], self.options)


def _srctree(directive):
    cfg = directive.config
    return os.path.abspath(cfg.pd_kerneldoc_srctree or directive.env.srcdir)


def _fail(directive, text, location=None):
    logger.warning(text, location=location or directive.get_location(),
                   type='kernel-doc')
    return [nodes.error('', nodes.paragraph(text='kernel-doc: ' + text))]


def _command(directive, path, options):
    cfg = directive.config
    cmd = ['perl', cfg.pd_kerneldoc_script, '-rst', '-enable-lineno',
           '-sphinx-version', sphinx.__version__]
    cmd += shlex.split(cfg.pd_kerneldoc_flags or '')
    if 'doc' in options:
        cmd += ['-function', options['doc']]
    elif 'identifiers' in options:
        names = _words(options['identifiers'])
        if names:
            for name in names:
                cmd += ['-function', name]
        else:
            cmd.append('-no-doc-sections')
    for name in _words(options.get('no-identifiers')):
        cmd += ['-nosymbol', name]
    cmd.append(path)
    return cmd


def run_kernel_doc(directive, path, options):
    """The nodes of kernel-doc's output for @path (relative to the tree)."""
    cfg = directive.config
    srctree = _srctree(directive)
    source = os.path.join(srctree, path)

    if not cfg.pd_kerneldoc_script or not os.path.isfile(cfg.pd_kerneldoc_script):
        return _fail(directive, 'no kernel-doc script at %r (run scripts/docs-build.sh, '
                     'which extracts it from linux-source-6.12)'
                     % cfg.pd_kerneldoc_script)
    if not os.path.isfile(source):
        return _fail(directive, 'no such source file: %s' % path)
    # Rebuild this page when the C file changes.
    directive.env.note_dependency(source)

    cmd = _command(directive, path, options)
    try:
        proc = subprocess.run(cmd, cwd=srctree, capture_output=True,
                              check=False)
    except OSError as err:
        return _fail(directive, 'cannot run %s: %s' % (' '.join(cmd), err))
    out = proc.stdout.decode('utf-8', 'replace')
    err = proc.stderr.decode('utf-8', 'replace')

    # Each diagnostic is a warning at its own place in the C file.
    for line in err.splitlines():
        if not line.strip():
            continue
        m = _DIAG.match(line)
        if m:
            where = '%s:%s' % (m.group('file'), m.group('line'))
            logger.warning('kernel-doc: %s', m.group('text'),
                           location=where, type='kernel-doc')
        else:
            logger.warning('kernel-doc (%s): %s', path, line,
                           location=directive.get_location(), type='kernel-doc')
    if proc.returncode != 0:
        return _fail(directive, '%s exited with status %d'
                     % (' '.join(cmd), proc.returncode))
    if not out.strip():
        return _fail(directive, 'nothing documented in %s%s' % (
            path, ' matches the options' if options else ''))

    return _parse(directive, out, path)


def _parse(directive, text, source):
    # Each line carries its C file (relative to the source tree, as in
    # kernel-doc's own warnings) and line number, so that markup errors
    # point into the comment that caused them.
    state = directive.state
    content = StringList()
    lineno = 0
    for line in string2lines(text, state.document.settings.tab_width,
                             convert_whitespace=True):
        m = _LINENO.match(line)
        if m:
            lineno = int(m.group(1)) - 1
            continue
        content.append(line, source, lineno)
        lineno += 1

    section = nodes.section()
    section.document = state.document
    with switch_source_input(state, content):
        state.nested_parse(content, 0, section, match_titles=True)
    return section.children


# The first comment of a file: "NAME - summary", up to an empty line.
_HEADER = re.compile(r'/\*\s*\n((?:\s*\*.*\n)+?)\s*\*\s*\n', re.MULTILINE)


def _summary(text, name):
    """The summary of a file's header comment ("NAME - summary"), or ''."""
    m = _HEADER.search(text)
    if not m:
        return ''
    words = ' '.join(l.strip().lstrip('*').strip() for l in m.group(1).splitlines())
    prefix = name + ' - '
    if not words.startswith(prefix):
        return ''
    words = words[len(prefix):].strip()
    return words[:1].upper() + words[1:]


class KernelDocFilesDirective(SphinxDirective):
    """A section per source file: its summary and its kernel-doc."""

    required_arguments = 1
    optional_arguments = 100
    final_argument_whitespace = False
    has_content = False

    def run(self):
        srctree = _srctree(self)
        paths = []
        for pattern in self.arguments:
            matches = sorted(glob.glob(os.path.join(srctree, pattern)))
            if not matches:
                return _fail(self, 'no file matches %s' % pattern)
            for match in matches:
                rel = os.path.relpath(match, srctree)
                if rel not in paths:
                    paths.append(rel)

        result = []
        for rel in paths:
            name = os.path.basename(rel)
            with open(os.path.join(srctree, rel), encoding='utf-8') as f:
                text = f.read()
            self.env.note_dependency(os.path.join(srctree, rel))

            section = nodes.section(ids=[make_id(self.env, self.state.document,
                                                 'file', rel)])
            section.document = self.state.document
            section += nodes.title(name, '', nodes.literal(rel, rel))
            summary = _summary(text, name)
            if summary:
                section += nodes.paragraph(summary, summary)
            if re.search(r'^/\*\*\s*$', text, re.MULTILINE):
                section += run_kernel_doc(self, rel, {})
            else:
                section += nodes.paragraph('', 'No kernel-doc comments.')
            result.append(section)
        return result


def setup(app):
    app.add_config_value('pd_kerneldoc_script', None, 'env')
    app.add_config_value('pd_kerneldoc_srctree', None, 'env')
    app.add_config_value('pd_kerneldoc_flags', '-Wall', 'env')
    app.add_directive('kernel-doc', KernelDocDirective)
    app.add_directive('kernel-doc-files', KernelDocFilesDirective)
    return {
        'version': __version__,
        'parallel_read_safe': True,
        'parallel_write_safe': True,
    }
