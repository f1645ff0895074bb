# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration of primedisp's documentation.  Built by
# scripts/docs-build.sh (make docs) with Debian's python3-sphinx, offline,
# with warnings as errors.

import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
_top = os.path.dirname(_here)
sys.path.insert(0, os.path.join(_here, 'sphinx'))

project = 'primedisp'
author = 'The primedisp authors'
copyright = '2026, The primedisp authors'
version = '1.0'
release = '1.0'

extensions = ['pd_kerneldoc']

# kernel-doc: the script docs-build.sh extracts from Debian's
# linux-source-6.12 (PRIMEDISP_KERNELDOC overrides it); paths in the
# directive are relative to the repository.
pd_kerneldoc_script = os.environ.get(
    'PRIMEDISP_KERNELDOC',
    os.path.join(_top, 'build', 'docs', 'tools', 'scripts', 'kernel-doc'))
pd_kerneldoc_srctree = _top
pd_kerneldoc_flags = '-Wall'

root_doc = 'index'
source_suffix = {'.rst': 'restructuredtext'}
exclude_patterns = ['sphinx', '_build']
primary_domain = 'c'
highlight_language = 'none'
default_role = 'literal'
language = 'en'
today_fmt = '%Y-%m-%d'

# A theme that ships with Sphinx itself: nothing to fetch or install.
html_theme = 'nature'
html_title = 'primedisp documentation'
html_short_title = 'primedisp'
html_show_sourcelink = False
html_show_sphinx = False
html_copy_source = False
html_last_updated_fmt = None
html_use_index = True
html_domain_indices = False

# Attributes the C domain must read as such in kernel-doc'd prototypes:
# VISIBLE_IF_KUNIT is "static" without KUnit (<kunit/visibility.h>).
c_id_attributes = ['VISIBLE_IF_KUNIT']
