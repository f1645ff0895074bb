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
# Every warning kernel-doc prints, and any failure to run it, becomes a
# Sphinx warning at the comment's file and line, so a documentation build
# with -W fails on a broken kernel-doc comment.  reStructuredText errors
# inside a comment are also reported against the C file and line.
#
# Configuration values (conf.py):
#   pd_kerneldoc_script   path of scripts/kernel-doc
#   pd_kerneldoc_srctree  directory the directive's paths are relative to
#   pd_kerneldoc_flags    extra kernel-doc flags (default: -Wall)

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

    def _fail(self, text, location=None):
        logger.warning(text, location=location or self.get_location(),
                       type='kernel-doc')
        return [nodes.error('', nodes.paragraph(text='kernel-doc: ' + text))]

    def _command(self, path):
        cfg = self.config
        cmd = ['perl', cfg.pd_kerneldoc_script, '-rst', '-enable-lineno',
               '-sphinx-version', sphinx.__version__]
        cmd += shlex.split(cfg.pd_kerneldoc_flags or '')
        if 'doc' in self.options:
            cmd += ['-function', self.options['doc']]
        elif 'identifiers' in self.options:
            names = _words(self.options['identifiers'])
            if names:
                for name in names:
                    cmd += ['-function', name]
            else:
                cmd.append('-no-doc-sections')
        for name in _words(self.options.get('no-identifiers')):
            cmd += ['-nosymbol', name]
        cmd.append(path)
        return cmd

    def run(self):
        cfg = self.config
        srctree = os.path.abspath(cfg.pd_kerneldoc_srctree or self.env.srcdir)
        path = self.arguments[0]
        source = os.path.join(srctree, path)

        if not cfg.pd_kerneldoc_script or not os.path.isfile(cfg.pd_kerneldoc_script):
            return self._fail('no kernel-doc script at %r (run scripts/docs-build.sh, '
                              'which extracts it from linux-source-6.12)'
                              % cfg.pd_kerneldoc_script)
        if not os.path.isfile(source):
            return self._fail('no such source file: %s' % path)
        # Rebuild this page when the C file changes.
        self.env.note_dependency(source)

        cmd = self._command(path)
        try:
            proc = subprocess.run(cmd, cwd=srctree, capture_output=True,
                                  check=False)
        except OSError as err:
            return self._fail('cannot run %s: %s' % (' '.join(cmd), err))
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
                               location=self.get_location(), type='kernel-doc')
        if proc.returncode != 0:
            return self._fail('%s exited with status %d'
                              % (' '.join(cmd), proc.returncode))
        if not out.strip():
            return self._fail('nothing documented in %s%s' % (
                path, ' matches the options' if self.options else ''))

        return self._parse(out, path)

    def _parse(self, text, source):
        # Each line carries its C file (relative to the source tree, as in
        # kernel-doc's own warnings) and line number, so that markup errors
        # point into the comment that caused them.
        content = StringList()
        lineno = 0
        for line in string2lines(text, self.state.document.settings.tab_width,
                                 convert_whitespace=True):
            m = _LINENO.match(line)
            if m:
                lineno = int(m.group(1)) - 1
                continue
            content.append(line, source, lineno)
            lineno += 1

        section = nodes.section()
        section.document = self.state.document
        with switch_source_input(self.state, content):
            self.state.nested_parse(content, 0, section, match_titles=True)
        return section.children


def setup(app):
    app.add_config_value('pd_kerneldoc_script', None, 'env')
    app.add_config_value('pd_kerneldoc_srctree', None, 'env')
    app.add_config_value('pd_kerneldoc_flags', '-Wall', 'env')
    app.add_directive('kernel-doc', KernelDocDirective)
    return {
        'version': __version__,
        'parallel_read_safe': True,
        'parallel_write_safe': True,
    }
